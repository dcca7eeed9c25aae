#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_instance_snapshot_info
short_description: List the snapshots of a Civo instance
version_added: 0.1.0
author: vmops.cloud maintainers (@vmops)
description:
  - Lists the snapshots of one Civo instance (C(GET /v2/instances/:id/snapshots)), or returns one by O(id) or O(name).
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
  instance:
    description:
      - The instance, by id or by hostname. An instance that does not exist is an error.
    type: str
    required: true
  id:
    description:
      - Return only the snapshot of this id (an empty list if the instance has none of that id).
    type: str
  name:
    description:
      - Return only the snapshot of this name (an empty list if the instance has none of that name).
    type: str
seealso:
  - module: vmops.cloud.civo_instance_snapshot
  - module: vmops.cloud.civo_snapshot_info
  - module: vmops.cloud.civo_instance_info
"""

EXAMPLES = r"""
- name: List the snapshots of web1
  vmops.cloud.civo_instance_snapshot_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    instance: web1.example.com
  register: web1_snapshots

- name: Print their names and states
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.status.state }}"
  loop: "{{ web1_snapshots.snapshots }}"

- name: One snapshot by name
  vmops.cloud.civo_instance_snapshot_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    instance: web1.example.com
    name: web1-before-upgrade
"""

RETURN = r"""
snapshots:
  description: The snapshots of the instance (one or none when O(id) or O(name) is given).
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Id of the snapshot.
      returned: success
      type: str
      sample: 8e1bd5c6-1f4a-4e0c-a0d6-1b0a3f0e3f55
    name:
      description: Name of the snapshot.
      returned: success
      type: str
      sample: web1-before-upgrade
    description:
      description: Description of the snapshot.
      returned: success
      type: str
      sample: Taken before the 2.0 upgrade
    included_volumes:
      description: Ids of the volumes in the snapshot.
      returned: when the API returns it
      type: list
      elements: str
      sample: ["5f0e6b8a-3a7e-4c44-9d6c-2b3f1c1a9e01"]
    status:
      description: Progress of the snapshot.
      returned: success
      type: dict
      contains:
        state:
          description: V(Pending), V(Complete) or V(Failed).
          returned: success
          type: str
          sample: Complete
        volumes:
          description: The state of each volume's snapshot, as C({id, state}).
          returned: when the API returns it
          type: list
          elements: dict
          sample: [{"id": "5f0e6b8a-3a7e-4c44-9d6c-2b3f1c1a9e01", "state": "Complete"}]
    created_at:
      description: When the snapshot was created.
      returned: success
      type: str
      sample: "2025-04-01T09:11:14Z"
  sample:
    - id: 8e1bd5c6-1f4a-4e0c-a0d6-1b0a3f0e3f55
      name: web1-before-upgrade
      description: Taken before the 2.0 upgrade
      included_volumes:
      - 5f0e6b8a-3a7e-4c44-9d6c-2b3f1c1a9e01
      status:
        state: Complete
        volumes:
        - id: 5f0e6b8a-3a7e-4c44-9d6c-2b3f1c1a9e01
          state: Complete
      created_at: '2025-04-01T09:11:14Z'
instance_id:
  description: Id of the instance.
  returned: success
  type: str
  sample: 4a07ac84-70f8-11e5-8fe9-5cf9389be614
"""

from ..module_utils.base import ApiError, InfoModule, InvalidParameterError
from ..module_utils.civo import CIVO, is_absent_error, is_uuid
from ..module_utils.util import path_segment


class CivoInstanceSnapshotInfo(InfoModule):
    provider = CIVO
    argument_spec = dict(
        instance=dict(type="str", required=True),
        id=dict(type="str"),
        name=dict(type="str"),
    )

    def validate(self):
        if not (self.params["instance"] or "").strip():
            raise InvalidParameterError("instance must be an instance id or hostname")
        if self.params["id"] is not None:
            path_segment(self.params["id"], "snapshot id")

    def snapshots_of(self, instance_id):
        """``(instance_exists, snapshots)``; a 404 leaves it open whether the instance exists."""
        if self.params["id"] is not None:
            snap = self.client.get_instance_snapshot(instance_id, self.params["id"])
            if snap is None:
                return None, []
            if self.params["name"] is not None and snap.get("name") != self.params["name"]:
                return True, []
            return True, [snap]
        try:
            snaps = self.client.list_instance_snapshots(instance_id)
        except ApiError as exc:
            if is_absent_error(exc):
                return False, []
            raise
        if self.params["name"] is not None:
            snaps = [s for s in snaps if s.get("name") == self.params["name"]]
        return True, snaps

    def gather(self):
        ref = self.params["instance"]
        tried = None
        if is_uuid(ref):
            exists, snaps = self.snapshots_of(ref)
            if exists:
                return {"snapshots": snaps, "instance_id": ref}
            tried = ref
        instance = self.client.require_instance(ref)
        if instance["id"] == tried:
            return {"snapshots": [], "instance_id": tried}
        dummy, snaps = self.snapshots_of(instance["id"])
        return {"snapshots": snaps, "instance_id": instance["id"]}


def main():
    CivoInstanceSnapshotInfo.main()


if __name__ == "__main__":
    main()
