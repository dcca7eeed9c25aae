#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_disk_image_info
short_description: List the Civo disk images
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Lists the disk images of a Civo region (C(GET /v2/disk_images)), for example to pick a valid image for
    M(vmops.cloud.civo_instance). Image ids differ from region to region; names do not.
  - By default the Kubernetes node images (names starting with C(k3s) or C(talos)) are left out unless O(all=true).
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
    description: Return only the image of this id (one request; an unknown id gives an empty list).
    type: str
  name:
    description: Return only the image of this name (for example V(ubuntu-jammy)).
    type: str
  distribution:
    description: Return only the images of this distribution (for example V(ubuntu) or V(debian)).
    type: str
  all:
    description: Also list the Kubernetes node images.
    type: bool
    default: false
seealso:
  - module: vmops.cloud.civo_instance
  - module: vmops.cloud.civo_size_info
"""

EXAMPLES = r"""
- name: The Debian images of LON1
  vmops.cloud.civo_disk_image_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    distribution: debian
  register: debian

- name: Print their names
  ansible.builtin.debug:
    msg: "{{ debian.disk_images | map(attribute='name') | list }}"
"""

RETURN = r"""
disk_images:
  description: The images as the API lists them.
  returned: success
  type: list
  elements: dict
  sample: [{"id": "b67d6fed-8ab6-45b9-be2d-2f3337c933c6", "name": "ubuntu-focal", "version": "20.04", "state": "available",
            "distribution": "ubuntu", "label": "focal"}]
"""

from ..module_utils.civo_resources import DiskImages
from ..module_utils.resource import ResourceInfoModule


class CivoDiskImageInfo(DiskImages, ResourceInfoModule):
    options = dict(all=dict(type="bool", default=False))

    match = {"distribution": "distribution"}

    def select(self, items):
        if not self.params["all"]:
            items = [i for i in items if not str(i.get("name")).startswith(("k3s", "talos"))]
        return items


def main():
    CivoDiskImageInfo.main()


if __name__ == "__main__":
    main()
