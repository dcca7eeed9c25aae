#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_ssh_key_info
short_description: List Civo SSH keys
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Lists the SSH keys of a Civo account (C(GET /v2/sshkeys)), or the one of an O(id) or exact O(name).
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
    description: Return only the key of this id (one request; an unknown id gives an empty list).
    type: str
  name:
    description: Return only the key of this exact name.
    type: str
seealso:
  - module: vmops.cloud.civo_ssh_key
"""

EXAMPLES = r"""
- name: List every SSH key
  vmops.cloud.civo_ssh_key_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
  register: keys

- name: Print their names
  ansible.builtin.debug:
    msg: "{{ keys.ssh_keys | map(attribute='name') | list }}"
"""

RETURN = r"""
ssh_keys:
  description: The keys as the API lists them (C(id), C(name), C(fingerprint), C(public_key), C(created_at)).
  returned: success
  type: list
  elements: dict
  sample: [{"id": "7c8c7e3f-...", "name": "ops-laptop", "fingerprint": "SHA256:...", "public_key": "ssh-ed25519 AAAA..."}]
"""

from ..module_utils.civo_resources import SshKeys
from ..module_utils.resource import ResourceInfoModule


def main():
    ResourceInfoModule.of(SshKeys).main()


if __name__ == "__main__":
    main()
