#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_reserved_ip_info
short_description: List Civo reserved IPs
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Lists the reserved IPs of a Civo region (C(GET /v2/ips), every page), or the one of an O(id), exact O(name) or O(ip).
  - Reads only; never changes anything.
extends_documentation_fragment:
  - vmops.cloud.civo
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  platform:
    platforms: posix
    details:
      - Runs where the task runs, usually the controller (C(localhost)), which needs HTTPS access to the API and
        the Python library C(requests).
  action_group:
    membership:
      - vmops.cloud.civo
options:
  id:
    description: Return only the reserved IP of this id (one request; an unknown id gives an empty list).
    type: str
  name:
    description: Return only the reserved IPs of this exact name.
    type: str
  ip:
    description: Return only the reserved IP with this address.
    type: str
seealso:
  - module: vmops.cloud.civo_reserved_ip
"""

EXAMPLES = r"""
- name: Every reserved IP of the region
  vmops.cloud.civo_reserved_ip_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
  register: ips

- name: Print the free ones
  ansible.builtin.debug:
    msg: "{{ ips.reserved_ips | selectattr('assigned_to.id', 'equalto', '') | map(attribute='ip') | list }}"
"""

RETURN = r"""
reserved_ips:
  description: The reserved IPs as the API lists them (C(id), C(name), C(ip), C(assigned_to) with C(id), C(type), C(name)).
  returned: success
  type: list
  elements: dict
  sample: [{"id": "9f1c...", "name": "web-ip", "ip": "74.220.1.3", "assigned_to": {"id": "", "type": "", "name": ""}}]
"""

from ..module_utils.civo_resources import ReservedIps
from ..module_utils.resource import ResourceInfoModule


def main():
    ResourceInfoModule.of(ReservedIps, match={"ip": "ip"}).main()


if __name__ == "__main__":
    main()
