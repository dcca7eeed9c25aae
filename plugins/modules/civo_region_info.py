#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_region_info
short_description: List the Civo regions
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Lists the regions of Civo (C(GET /v2/regions)) with their country, whether they are out of capacity and which
    is the account's default.
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
  code:
    description: Return only the region of this code (case-insensitive, for example V(lon1)).
    type: str
seealso:
  - module: vmops.cloud.civo_instance
  - module: vmops.cloud.civo_size_info
"""

EXAMPLES = r"""
- name: The regions
  vmops.cloud.civo_region_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
  register: regions

- name: Print the codes of those with capacity
  ansible.builtin.debug:
    msg: "{{ regions.regions | rejectattr('out_of_capacity') | map(attribute='code') | list }}"
"""

RETURN = r"""
regions:
  description: The regions as the API lists them.
  returned: success
  type: list
  elements: dict
  sample: [{"code": "LON1", "name": "London 1", "country": "uk", "country_name": "United Kingdom", "default": true,
            "out_of_capacity": false}]
"""

from ..module_utils.civo_resources import Regions
from ..module_utils.resource import ResourceInfoModule


class CivoRegionInfo(Regions, ResourceInfoModule):
    argument_spec = dict(code=dict(type="str"))

    def select(self, items):
        code = self.params["code"]
        return items if code is None else [r for r in items if str(r.get("code")).upper() == code.upper()]


def main():
    CivoRegionInfo.main()


if __name__ == "__main__":
    main()
