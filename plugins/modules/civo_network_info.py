#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_network_info
short_description: List Civo private networks
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Lists the networks of a Civo region (C(GET /v2/networks)), or the one of an O(id) or exact O(label).
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
    description: Return only the network of this id (one request; an unknown id gives an empty list).
    type: str
  label:
    description: Return only the network of this exact label.
    type: str
    aliases: [name]
  default:
    description: With V(true), return only the region's default network; with V(false), only the others.
    type: bool
seealso:
  - module: vmops.cloud.civo_network
  - module: vmops.cloud.civo_firewall_info
"""

EXAMPLES = r"""
- name: The default network of LON1
  vmops.cloud.civo_network_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    default: true
  register: default_net

- name: Print its id
  ansible.builtin.debug:
    msg: "{{ default_net.networks[0].id }}"
"""

RETURN = r"""
networks:
  description: The networks as the API lists them (C(id), C(label), C(name), C(cidr), C(default), C(status), C(nameservers_v4)).
  returned: success
  type: list
  elements: dict
  sample: [{"id": "a1b2...", "label": "default", "default": true, "cidr": "192.168.0.0/16", "status": "Active"}]
"""

from ..module_utils.civo_resources import Networks
from ..module_utils.resource import ResourceInfoModule


class CivoNetworkInfo(Networks, ResourceInfoModule):
    options = dict(label=dict(type="str", aliases=["name"]), default=dict(type="bool"))

    def select(self, items):
        if self.params["default"] is None:
            return items
        return [n for n in items if bool(n.get("default")) is self.params["default"]]


def main():
    CivoNetworkInfo.main()


if __name__ == "__main__":
    main()
