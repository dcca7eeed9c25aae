#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_ssh_key
short_description: Upload, rename or delete a Civo SSH key
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Manages the SSH public keys of a Civo account (C(/v2/sshkeys)), found by O(name) or O(id).
  - Civo cannot change the public key of an existing key. A different O(public_key) for an existing name is refused
    with a message; delete the key first (O(state=absent)) or use another name.
  - With O(id), a different O(name) renames the key in place.
  - A create whose answer was lost is never sent again blindly; the module looks for the key and adopts it.
extends_documentation_fragment:
  - vmops.cloud.civo
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - No request that changes anything is sent; RV(actions) lists what would be done.
  diff_mode:
    support: full
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
    description:
      - Name of the key, unique in the account (no whitespace). Required to create a key.
      - With O(id), the key is renamed to this name.
    type: str
  id:
    description:
      - Id of an existing key. A no-op by id costs one request.
    type: str
  public_key:
    description:
      - The public key in OpenSSH format (V(ssh-ed25519 AAAA... comment)). Required to create a key.
      - Keys are compared by type and key material; the comment does not count.
    type: str
  state:
    description:
      - V(present) uploads the key if there is none of that name; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode sends no request that changes anything; C(--diff) shows the key before and after.
seealso:
  - module: vmops.cloud.civo_ssh_key_info
  - module: vmops.cloud.civo_instance
"""

EXAMPLES = r"""
- name: Upload my key
  vmops.cloud.civo_ssh_key:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: ops-laptop
    public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPvnwO2OjTAI/QOnmu4RNmgA/t+5GZfM+jah2DS7A1w8 ops@laptop"
  register: key

# In check mode a key that does not exist yet is not uploaded (key.ssh_key is null): the tasks that
# work on it are skipped then.
- name: Rename it by id
  vmops.cloud.civo_ssh_key:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    id: "{{ key.ssh_key.id }}"
    name: ops-laptop-2026
  when: key.ssh_key is not none

- name: Delete it
  vmops.cloud.civo_ssh_key:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: ops-laptop-2026
    state: absent
  when: key.ssh_key is not none
"""

RETURN = r"""
ssh_key:
  description: The key as the API shows it after the run; V(null) when absent (in check mode, as it was found).
  returned: success
  type: dict
  sample: {"id": "7c8c7e3f-...", "name": "ops-laptop", "fingerprint": "SHA256:...", "public_key": "ssh-ed25519 AAAA...",
           "created_at": "2026-11-26T14:00:00Z"}
adopted:
  description: V(true) when the create's answer was lost (or another run created the name first) and the key was adopted.
  returned: success
  type: bool
  sample: false
duplicates_deleted:
  description: Ids of keys of the same name that this run had created and deleted because an older one existed.
  returned: when there were any
  type: list
  elements: str
  sample:
    - 0b0e8f36-5b8e-4e5b-9d0e-4b7c7e1a2f10
actions:
  description: The changes made (or, in check mode, that would be made).
  returned: always
  type: list
  elements: str
  sample: ["create SSH key 'ops-laptop'"]
"""

from ..module_utils.civo_resources import SshKeys
from ..module_utils.resource import (
    Field, InvalidParameterError, ResourceModule, Update, resource_spec)


def key_material(value):
    """``type base64`` of an OpenSSH public key (the comment does not count)."""
    return " ".join(value.split()[:2]) if isinstance(value, str) else value


class CivoSshKey(SshKeys, ResourceModule):
    fields = (
        Field("name", update=Update()),
        Field("public_key", required=True, immutable=True, normalize=key_material,
              hint="the API cannot change a key; delete it (state=absent) and upload it again, or use another name"),
    )
    argument_spec = resource_spec(public_key=dict(type="str", no_log=False))

    def validate(self):
        super(CivoSshKey, self).validate()
        if self.name is not None and (not self.name.strip() or len(self.name.split()) != 1):
            raise InvalidParameterError("name must be one word without whitespace, got %r" % self.name)
        key = self.params["public_key"]
        if key is not None and len(key.split()) < 2:
            raise InvalidParameterError("public_key must be an OpenSSH public key ('TYPE BASE64 [comment]')")


def main():
    CivoSshKey.main()


if __name__ == "__main__":
    main()
