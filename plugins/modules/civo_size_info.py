#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_size_info
short_description: List the Civo instance sizes
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Lists the sizes of Civo (C(GET /v2/sizes)) with their CPU, RAM, disk and transfer, for example to pick a valid size for
    M(vmops.cloud.civo_instance).
  - By default only instance sizes are listed; Kubernetes, database and Kubeflow sizes (names with C(.kube.),
    C(.k3s.), C(.db.) or C(.kf.)) are left out unless O(all=true).
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
  name:
    description: Return only the size of this name (for example V(g3.small)).
    type: str
  all:
    description: Also list the sizes that are not for instances.
    type: bool
    default: false
seealso:
  - module: vmops.cloud.civo_instance
  - module: vmops.cloud.civo_disk_image_info
  - module: vmops.cloud.civo_region_info
"""

EXAMPLES = r"""
- name: The instance sizes
  vmops.cloud.civo_size_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
  register: sizes

- name: The smallest size with at least 2 GB of RAM
  ansible.builtin.debug:
    msg: "{{ (sizes.sizes | selectattr('ram_mb', '>=', 2048) | sort(attribute='ram_mb') | first).name }}"
"""

RETURN = r"""
sizes:
  description: The sizes as the API lists them.
  returned: success
  type: list
  elements: dict
  sample: [{"name": "g3.small", "nice_name": "Small", "cpu_cores": 1, "ram_mb": 2048, "disk_gb": 25, "transfer_tb": 2,
            "selectable": true}]
"""

from ..module_utils.civo_resources import Sizes
from ..module_utils.resource import ResourceInfoModule

NOT_INSTANCE = (".kube.", ".k3s.", ".db.", ".kf.")


class CivoSizeInfo(Sizes, ResourceInfoModule):
    argument_spec = dict(name=dict(type="str"), all=dict(type="bool", default=False))

    def select(self, items):
        if self.params["all"]:
            return items
        return [s for s in items if not any(part in str(s.get("name")) for part in NOT_INSTANCE)]


def main():
    CivoSizeInfo.main()


if __name__ == "__main__":
    main()
