#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_volume_info
short_description: List Civo volumes
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Lists the volumes of a Civo region (C(GET /v2/volumes)), or the one of an O(id) or exact O(name), or those attached
    to an instance.
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
    description: Return only the volume of this id (one request; an unknown id gives an empty list).
    type: str
  name:
    description: Return only the volume of this exact name.
    type: str
  instance_id:
    description: Return only the volumes attached to the instance of this id.
    type: str
seealso:
  - module: vmops.cloud.civo_volume
"""

EXAMPLES = r"""
- name: Every volume of the region
  vmops.cloud.civo_volume_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
  register: volumes

- name: Print the detached ones
  ansible.builtin.debug:
    msg: "{{ volumes.volumes | selectattr('status', 'equalto', 'available') | map(attribute='name') | list }}"
"""

RETURN = r"""
volumes:
  description: The volumes as the API lists them (C(id), C(name), C(size_gb), C(network_id), C(instance_id), C(status), ...).
  returned: success
  type: list
  elements: dict
  sample: [{"id": "c0ff...", "name": "data", "size_gb": 20, "instance_id": "", "status": "available"}]
"""

from ..module_utils.civo_resources import Volumes
from ..module_utils.resource import ResourceInfoModule


def main():
    ResourceInfoModule.of(Volumes, match={"instance_id": "instance_id"}).main()


if __name__ == "__main__":
    main()
