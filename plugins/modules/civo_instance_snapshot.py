#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_instance_snapshot
short_description: Create, rename, delete and restore snapshots of a Civo instance
version_added: 0.1.0
author: vmops.cloud maintainers (@vmops)
description:
  - Manages the snapshots of one Civo instance and its volumes (C(/v2/instances/:id/snapshots)).
  - V(present) creates a snapshot of that name if the instance has none, and renames it or changes its description
    in place when given its O(id) and a different O(name) or O(description).
  - V(absent) deletes it.
  - V(restored) restores it, either to a new instance called O(restore_hostname) or over the original instance
    (O(overwrite_existing=true)).
  - A create or restore whose answer was lost is never sent again blindly; the module first looks for what it may have
    made (a snapshot of that name, an instance of that hostname, the original instance being rebuilt) and adopts it.
extends_documentation_fragment:
  - vmops.cloud.civo
  - vmops.cloud.wait
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
  instance:
    description:
      - The instance the snapshot is of, by id or by hostname.
    type: str
    required: true
  name:
    description:
      - The name of the snapshot, which must conform to RFC 1123 (lower case letters, digits and C(-), starting and
        ending with a letter or digit, at most 63 characters). Checked before any request.
      - Without O(id), the snapshot is found by this name.
      - With O(id) and O(state=present), the snapshot is renamed to this name.
      - One of O(name) and O(id) is required.
    type: str
  id:
    description:
      - The id of an existing snapshot. A snapshot cannot be created with a given id.
    type: str
  description:
    description:
      - The description of the snapshot, set when it is created or changed in place (O(state=present) only).
    type: str
  state:
    description:
      - V(present), V(absent) or V(restored), see the description above.
    type: str
    choices: [present, absent, restored]
    default: present
  restore_hostname:
    description:
      - With O(state=restored), restore the snapshot to a new instance of this hostname (in the same network as the
        original).
      - When an instance of this hostname already exists in the region, nothing is done (C(changed=false)).
      - Exactly one of O(restore_hostname) and O(overwrite_existing=true) is required with O(state=restored).
    type: str
  restore_private_ip:
    description:
      - With O(state=restored), the private IPv4 address of the restored instance.
      - Sent as C(private_ipv4), the field Civo's official clients send (civogo C(RestoreInstanceSnapshotParams)).
    type: str
  overwrite_existing:
    description:
      - With O(state=restored), restore the snapshot over the original instance, replacing its disk.
      - This is always a change (C(changed=true)), because the API cannot tell whether the disk still equals the snapshot.
    type: bool
    default: false
notes:
  - With O(wait=true) a new snapshot is waited for until it is V(Complete); a restore until the restored instance is
    V(ACTIVE). A snapshot that is still V(Pending) is waited for before it is restored, and with O(state=present) an
    existing one (taken by an earlier run) is waited for too; that wait changes nothing and is not in RV(actions).
  - Check mode sends no request that changes anything; C(--diff) shows the snapshot (or the restore) before and after.
seealso:
  - module: vmops.cloud.civo_instance_snapshot_info
  - module: vmops.cloud.civo_instance
  - module: vmops.cloud.civo_snapshot
"""

EXAMPLES = r"""
- name: Snapshot web1 before an upgrade
  vmops.cloud.civo_instance_snapshot:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    instance: web1.example.com
    name: web1-before-upgrade
    description: Taken before the 2.0 upgrade
  register: snap

# In check mode the snapshot is not taken (snap.snapshot is null): the tasks that use it are skipped then.
- name: Use the snapshot
  when: snap.snapshot is not none
  module_defaults:
    group/vmops.cloud.civo:
      api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
      region: LON1
  block:
    - name: Rename it
      vmops.cloud.civo_instance_snapshot:
        instance: web1.example.com
        id: "{{ snap.snapshot.id }}"
        name: web1-release-2-0

    - name: Restore it to a new instance
      vmops.cloud.civo_instance_snapshot:
        instance: web1.example.com
        name: web1-release-2-0
        state: restored
        restore_hostname: web1-copy.example.com
        restore_private_ip: 192.168.1.50

    - name: Roll web1 back to it
      vmops.cloud.civo_instance_snapshot:
        instance: web1.example.com
        name: web1-release-2-0
        state: restored
        overwrite_existing: true

    - name: Delete it
      vmops.cloud.civo_instance_snapshot:
        instance: web1.example.com
        name: web1-release-2-0
        state: absent
"""

RETURN = r"""
snapshot:
  description:
    - The snapshot after the run; V(null) when O(state=absent), or in check mode when it would be created.
  returned: success
  type: dict
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
    id: 8e1bd5c6-1f4a-4e0c-a0d6-1b0a3f0e3f55
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
restore:
  description:
    - The API's answer to the restore request (the C(instance) part of Civo's C({resource_type, instance}) answer,
      or the answer itself when it is flat). It has no instance id; the restored instance is found by hostname.
    - V(null) when no restore was requested by this run (an instance of O(restore_hostname) already existed, or
      check mode), or when the answer was lost and the restore it had started was adopted (see RV(adopted)).
  returned: when O(state=restored)
  type: dict
  contains:
    id:
      description: Id of the restore operation.
      returned: success
      type: str
      sample: 0b2f3c2c-8f5f-4a35-bb73-7c0c1d6f0a11
    name:
      description: Name of the restore operation.
      returned: success
      type: str
      sample: restore-0b2f3c2c
    hostname:
      description: Hostname of the restored instance.
      returned: success
      type: str
      sample: web1-copy.example.com
    description:
      description: Description of the restore operation.
      returned: when the API returns it
      type: str
      sample: ""
    from_snapshot:
      description: Id of the snapshot restored.
      returned: success
      type: str
      sample: 8e1bd5c6-1f4a-4e0c-a0d6-1b0a3f0e3f55
    private_ipv4:
      description: Private IPv4 address of the restored instance.
      returned: when the API returns it
      type: str
      sample: 192.168.1.50
    overwrite_existing:
      description: Whether the original instance was overwritten.
      returned: success
      type: bool
      sample: false
    status:
      description: Progress of the restore, as C({state}) with V(in_progress) or V(complete).
      returned: success
      type: dict
      sample: {"state": "in_progress"}
    created_at:
      description: When the restore started.
      returned: success
      type: str
      sample: "2025-04-01T09:20:00Z"
    completed_at:
      description: When the restore completed, else V(null).
      returned: success
      type: str
      sample: null
  sample:
    id: 0b2f3c2c-8f5f-4a35-bb73-7c0c1d6f0a11
    name: restore-0b2f3c2c
    hostname: web1-copy.example.com
    description: ''
    from_snapshot: 8e1bd5c6-1f4a-4e0c-a0d6-1b0a3f0e3f55
    private_ipv4: 192.168.1.50
    overwrite_existing: false
    status:
      state: in_progress
    created_at: '2025-04-01T09:20:00Z'
    completed_at: null
instance:
  description:
    - The instance restored to (the new one, the one that already had O(restore_hostname), or the overwritten original)
      as last read, without its secrets. V(null) when not known yet (for example in check mode).
  returned: when O(state=restored)
  type: dict
  sample: {"id": "b177ae0e-60fa-11e5-be02-5cf9389be614", "hostname": "web1-copy.example.com", "status": "ACTIVE"}
deleted_duplicate:
  description:
    - When another run created a snapshot of the same name at the same time and the API kept both, every run keeps
      the oldest (C(created_at), then id); this is the id of the snapshot this run created and deleted.
  returned: when this run lost such a race
  type: str
  sample: 8e1bd5c6-1f4a-4e0c-a0d6-1b0a3f0e3f55
adopted:
  description:
    - V(true) when the answer to the create or restore request was lost and the module adopted what that request had
      made instead of sending it again, or when another run created the same snapshot first.
    - For an overwrite restore, a lost answer is adopted only when the instance, seen settled just before the
      request, is busy afterwards; a busy instance before the request is first waited for.
  returned: success
  type: bool
  sample: false
actions:
  description: The changes made (or, in check mode, that would be made).
  returned: always
  type: list
  elements: str
  sample: ["create snapshot web1-before-upgrade of instance 4a07ac84-70f8-11e5-8fe9-5cf9389be614"]
diff:
  description:
    - With C(--diff), the snapshot (id, name, description, state) before and after; for O(state=restored) the restore
      that would be made.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: Before the run (empty if there was nothing).
      returned: when diff mode is on
      type: dict
    after:
      description: After the run (empty if deleted).
      returned: when diff mode is on
      type: dict
  sample:
    before: {}
    after:
      id: null
      name: web1-before-upgrade
      description: Taken before the 2.0 upgrade
      state: Complete
"""

import re

from ..module_utils.base import ApiError, InvalidParameterError, Plan, VmopsModule
from ..module_utils.civo import (
    CIVO,
    SNAPSHOT_COMPLETE as COMPLETE,
    SNAPSHOT_FAILED as FAILED,
    SNAPSHOT_PENDING as PENDING,
    instance_not_found,
    is_absent_error,
    is_uuid,
    oldest_first,
    snapshot_state,
    strip_secrets,
)
from ..module_utils.civo_restore import RestoreSteps, validate_restore
from ..module_utils.util import path_segment

NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def summary(snap):
    if not snap:
        return {}
    return {"id": snap.get("id"), "name": snap.get("name"), "description": snap.get("description"),
            "state": (snap.get("status") or {}).get("state") if isinstance(snap.get("status"), dict) else snap.get("status")}


def check_name(name):
    if name is not None and not NAME_RE.match(name):
        raise InvalidParameterError(
            "name %r does not conform to RFC 1123: use lower case letters, digits and '-', starting and ending "
            "with a letter or digit, at most 63 characters" % name)


def validate_params(params):
    """Refuse bad input before any request."""
    if not (params["instance"] or "").strip():
        raise InvalidParameterError("instance must be an instance id or hostname")
    if params["name"] is None and params["id"] is None:
        raise InvalidParameterError("one of name or id is required")
    check_name(params["name"])
    if params["id"] is not None:
        path_segment(params["id"], "snapshot id")
    validate_restore(params)


def plan_present(snap, params):
    """``("create"|"update"|"missing_id"|"keep", changes)`` for state=present."""
    if snap is None:
        if params["id"] is not None:
            return "missing_id", {}
        return "create", {}
    changes = {}
    if params["id"] is not None and params["name"] is not None and params["name"] != snap.get("name"):
        changes["name"] = params["name"]
    if params["description"] is not None and params["description"] != (snap.get("description") or ""):
        changes["description"] = params["description"]
    return ("update" if changes else "keep"), changes


class CivoInstanceSnapshot(RestoreSteps, VmopsModule):
    """The current object of a run is ``{"instance_id", "snapshot"}``; steps return it with what they learnt
    (``adopted``, ``deleted_duplicate``, and for a restore ``restore`` and the ``instance`` restored to)."""

    provider = CIVO
    resource_key = "snapshot"
    argument_spec = dict(
        instance=dict(type="str", required=True),
        name=dict(type="str"),
        id=dict(type="str"),
        description=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent", "restored"]),
        restore_hostname=dict(type="str"),
        restore_private_ip=dict(type="str"),
        overwrite_existing=dict(type="bool", default=False),
    )
    module_kwargs = dict(required_one_of=[("name", "id")])

    def validate(self):
        validate_params(self.params)

    # -- finding -----------------------------------------------------------

    def lookup(self, instance_id):
        """The snapshot on a known instance, by id (GET) or name (list)."""
        if self.params["id"] is not None:
            return self.client.get_instance_snapshot(instance_id, self.params["id"])
        for snap in self.client.list_instance_snapshots(instance_id):
            if snap.get("name") == self.params["name"]:
                return snap
        return None

    def locate(self):
        """``(instance_id, snapshot)``; the instance id is ``None`` only for state=absent of a missing instance."""
        ref = self.params["instance"]
        looked_on = None
        if is_uuid(ref):
            # An id: ask for the snapshot directly (one request for a no-op).
            try:
                snap = self.lookup(ref)
            except ApiError as exc:
                if not is_absent_error(exc):
                    raise
            else:
                if snap is not None or self.params["id"] is None:
                    return ref, snap  # found, or the list answered: the instance exists
                looked_on = ref  # 404: the snapshot or the instance is missing
        instance = self.client.find_instance(ref)
        if instance is None:
            if self.params["state"] == "absent":
                return None, None  # an instance's snapshots go with it
            raise instance_not_found(ref, self.client.region)
        if instance["id"] == looked_on:
            return looked_on, None
        return instance["id"], self.lookup(instance["id"])

    def find(self):
        instance_id, snap = self.locate()
        current = {"instance_id": instance_id, "snapshot": snap}
        if self.params["state"] == "restored":
            return self.find_restore(current)
        if (snap is not None and self.params["state"] == "present" and self.params["wait"]
                and not self.check_mode and snapshot_state(snap) == PENDING):
            # reads only: an earlier run's snapshot still being taken is waited for as if this run took it
            current["snapshot"] = self.wait_complete(current)
        return current

    # -- planning ----------------------------------------------------------

    def plan(self, current):
        if self.params["state"] == "restored":
            return self.plan_restore(current)
        snap, instance_id = current["snapshot"], current["instance_id"]
        if self.params["state"] == "absent":
            plan = Plan(before=summary(snap), after={})
            if snap is not None:
                plan.step("delete snapshot %s of instance %s" % (snap.get("name") or snap.get("id"), instance_id),
                          self.delete)
            return plan
        label = self.params["name"] or self.params["id"]
        what, changes = plan_present(snap, self.params)
        if what == "missing_id":
            raise ApiError("Snapshot id %s not found on instance %s; a snapshot cannot be created with a given id "
                           "(give only name to create one)" % (self.params["id"], instance_id),
                           status=404, code="database_snapshot_not_found", reason="no such snapshot")
        if what == "create":
            plan = Plan(after=dict(id=None, name=self.params["name"], description=self.params["description"] or "",
                                   state="Pending"))
            plan.step("create snapshot %s of instance %s" % (label, instance_id), self.create)
            if self.params["wait"]:
                plan.step("wait for snapshot %s to be complete" % label, self.wait_created, changes={"state": "Complete"})
            return plan
        plan = Plan(before=summary(snap))
        if what == "update":
            plan.step("update snapshot %s (%s)" % (snap.get("name"), ", ".join(
                "%s to %r" % (k, v) for k, v in sorted(changes.items()))), self.update, changes, changes=changes)
        return plan

    # -- steps -------------------------------------------------------------

    def snapshots_path(self, instance_id, *rest):
        return self.client.path("instances", (instance_id, "instance id"), "snapshots", *rest)

    def named(self, instance_id):
        """The snapshots of the instance with the wanted name, oldest first."""
        return oldest_first(s for s in self.client.list_instance_snapshots(instance_id)
                            if s.get("name") == self.params["name"])

    def create(self, current):
        """Create the snapshot; a run that loses a race to create it succeeds with the one that won.

        After an ambiguous failure the snapshot is looked up and adopted.  When another run created the
        same name first (Civo answers 409), that snapshot is adopted.  When the API let two runs create
        the name, every run keeps the oldest (created_at, then id) and the loser deletes its own.
        """
        instance_id = current["instance_id"]
        data = {"name": self.params["name"]}
        if self.params["description"] is not None:
            data["description"] = self.params["description"]

        def send():
            return self.client.post(self.snapshots_path(instance_id), data=data, safe=False)

        def find():
            found = self.named(instance_id)
            return found[0] if found else None

        try:
            snap, adopted = self.client.create_or_adopt(send, find)
        except ApiError as exc:
            if exc.status != 409:
                raise
            snap = find()
            if snap is None:
                raise
            self.module.warn("Another run created snapshot %s of instance %s at the same time; using it (%s)"
                             % (self.params["name"], instance_id, snap.get("id")))
            adopted = True
        if adopted:
            return dict(current, snapshot=snap, adopted=True)
        return self.settle_race(dict(current, snapshot=snap))

    def settle_race(self, current):
        snap = current["snapshot"]
        others = self.named(current["instance_id"])
        if not [s for s in others if s.get("id") != snap.get("id")]:
            return current

        def delete_own(own):
            self.delete(dict(current, snapshot=own))

        winner, message = self.client.settle_race(snap, others, delete_own, "snapshot")
        if not message:
            return current
        self.module.warn(message)
        return dict(current, snapshot=winner, deleted_duplicate=snap.get("id"))

    def wait_created(self, current):
        """Its own step: a failure while waiting still reports the create."""
        return dict(current, snapshot=self.wait_complete(current))

    def update(self, current, changes):
        snap = current["snapshot"]
        answer = self.client.put(self.snapshots_path(current["instance_id"], (snap["id"], "snapshot id")), data=changes)
        updated = dict(snap)
        if isinstance(answer, dict):
            updated.update(answer)
        updated.update(changes)
        return dict(current, snapshot=updated)

    def delete(self, current):
        # a 404 is fine: gone already (a repeated DELETE after a lost answer)
        self.client.delete_if_present(self.snapshots_path(current["instance_id"], (current["snapshot"]["id"], "snapshot id")))
        return dict(current, snapshot=None)

    def wait_complete(self, current):
        """Wait until the snapshot of ``current`` is Complete; returns the snapshot."""
        instance_id, snap = current["instance_id"], current["snapshot"]
        return self.wait_for(
            lambda: self.client.get_instance_snapshot(instance_id, snap["id"]),
            lambda s: snapshot_state(s) == COMPLETE,
            "snapshot %s of instance %s to be Complete" % (snap.get("name") or snap.get("id"), instance_id),
            failed=lambda s: s is None or snapshot_state(s) in FAILED)

    # -- result ------------------------------------------------------------

    def result(self, current, plan):
        result = {"snapshot": current["snapshot"], "adopted": current.get("adopted", False)}
        if current.get("deleted_duplicate"):
            result["deleted_duplicate"] = current["deleted_duplicate"]
        if self.params["state"] == "restored":
            result["restore"] = current.get("restore")
            result["instance"] = strip_secrets(current["instance"]) if current.get("instance") else None
        return result


def main():
    CivoInstanceSnapshot.main()


if __name__ == "__main__":
    main()
