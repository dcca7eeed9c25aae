#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_firewall_info
short_description: List Civo firewalls and their rules
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Lists the firewalls of a Civo region (C(GET /v2/firewalls)), or the one of an O(id) or exact O(name), with their rules.
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
    description: Return only the firewall of this id.
    type: str
  name:
    description: Return only the firewall of this exact name.
    type: str
  network:
    description: Return only the firewalls of this network (by id).
    type: str
seealso:
  - module: vmops.cloud.civo_firewall
  - module: vmops.cloud.civo_firewall_rule
"""

EXAMPLES = r"""
- name: The firewall called web, with its rules
  vmops.cloud.civo_firewall_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: web
  register: web_fw

- name: Every firewall of the region
  vmops.cloud.civo_firewall_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
  register: firewalls
"""

RETURN = r"""
firewalls:
  description:
    - The firewalls as the API lists them (C(id), C(name), C(network_id), C(instance_count), ...), each with C(rules),
      a list that is empty when the firewall has none. Ports are strings, C(cidr) is a list.
  returned: success
  type: list
  elements: dict
  sample: [{"id": "f1...", "name": "web", "network_id": "n1...", "instance_count": 0, "rules": []}]
"""

from ..module_utils.answers import expect_list
from ..module_utils.civo_resources import Firewalls
from ..module_utils.resource import ResourceInfoModule


class CivoFirewallInfo(Firewalls, ResourceInfoModule):
    match = {"network": "network_id"}

    def select(self, items):
        for fw in items:
            if not isinstance(fw.get("rules"), list):
                # left out when empty (civogo omitempty); asked for only when the count says there are some
                fw["rules"] = self.api("GET", self.item_path(fw["id"], "rules"), check=expect_list) \
                    if fw.get("rules_count") else []
        return items


def main():
    CivoFirewallInfo.main()


if __name__ == "__main__":
    main()
