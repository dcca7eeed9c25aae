#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_snapshot
short_description: Take, retake, schedule or delete a Civo account snapshot
version_added: 0.1.0
author: vmops.cloud maintainers (@vmops)
description:
  - Manages the account snapshots of Civo (C(/v2/snapshots)), each an exact copy of one instance's disk, known by its name.
  - A snapshot is taken (or scheduled) with C(PUT /v2/snapshots/:name) and deleted with C(DELETE /v2/snapshots/:name).
  - The API overwrites a snapshot of the same name when it is taken again. The module therefore leaves an existing
    snapshot alone unless O(force=true), and refuses to replace a snapshot of another instance without it.
  - A request whose answer was lost is never sent again blindly; the module first looks for the snapshot it may have
    made and adopts it.
  - A run that loses a race with another run taking the same snapshot (the API answers 409 while it is being taken)
    succeeds with that snapshot (RV(adopted=true), with a warning).
  - C(/v2/snapshots) is Civo's legacy account snapshot API (the official Go client disabled it in 2021 and the CLI dropped
    it). On an account without it the module fails with a message that says so (code
    C(legacy_snapshot_api_unavailable)); use M(vmops.cloud.civo_instance_snapshot) for snapshots of an instance.
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
  name:
    description:
      - Name of the snapshot, unique in the account.
    type: str
    required: true
  instance:
    description:
      - The instance to snapshot, by id or by hostname.
      - Required when O(state=present). Ignored when O(state=absent).
    type: str
  safe:
    description:
      - Shut the instance down while the snapshot is taken, so that every file is consistent.
      - Used when the snapshot is taken or retaken; an existing snapshot is not changed for it.
    type: bool
    default: false
  cron_timing:
    description:
      - Take the snapshot on a schedule instead of at once, as a cron expression of five fields
        (for example V(0 3 * * 1) for 03:00 every Monday). The repeated snapshot overwrites itself.
      - Used when the snapshot is taken or retaken; an existing snapshot is not changed for it.
      - A scheduled snapshot is not waited for.
    type: str
  state:
    description:
      - V(present) takes the snapshot if there is none of that name; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=present), take the snapshot again even when one of that name exists (a retake; the API
        replaces the old snapshot), also when the existing one is of another instance.
    type: bool
    default: false
notes:
  - With O(wait=true) the module waits until the snapshot is V(complete), also when an existing snapshot is still
    being taken.
  - Check mode sends no request that changes anything; C(--diff) shows the snapshot before and after.
seealso:
  - module: vmops.cloud.civo_snapshot_info
  - module: vmops.cloud.civo_instance_snapshot
  - module: vmops.cloud.civo_instance
"""

EXAMPLES = r"""
- name: Snapshot web1 once, consistently
  vmops.cloud.civo_snapshot:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    name: web1-before-upgrade
    instance: web1.example.com
    safe: true

- name: Retake the weekly snapshot now
  vmops.cloud.civo_snapshot:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: web1-weekly
    instance: web1.example.com
    force: true

- name: Schedule a snapshot every Monday at 03:00
  vmops.cloud.civo_snapshot:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: web1-monday
    instance: web1.example.com
    cron_timing: "0 3 * * 1"

- name: Delete a snapshot
  vmops.cloud.civo_snapshot:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: web1-before-upgrade
    state: absent
"""

RETURN = r"""
snapshot:
  description:
    - The snapshot as the API shows it after the run; V(null) when O(state=absent).
    - In check mode, the snapshot as it was found (V(null) if it would be created).
  returned: success
  type: dict
  contains:
    id:
      description: Id of the snapshot.
      returned: when the API returns it
      type: str
      sample: 5f3a1c2e-2b8d-4b8e-9f1a-3c4d5e6f7a8b
    name:
      description: Name of the snapshot.
      returned: success
      type: str
      sample: web1-before-upgrade
    instance_id:
      description: Id of the instance the snapshot is of.
      returned: success
      type: str
      sample: 44aab548-61ca-11e5-860e-5cf9389be614
    safe:
      description: Whether the instance is shut down while the snapshot is taken (the API may answer V(1)).
      returned: when the API returns it
      type: raw
      sample: true
    cron_timing:
      description: The schedule of a scheduled snapshot, else V(null).
      returned: when the API returns it
      type: str
      sample: "0 3 * * 1"
    status:
      description: V(new), V(in-progress) or V(complete) (some API versions call this field RV(snapshot.state)).
      returned: when the API returns it
      type: str
      sample: complete
    state:
      description: The same as RV(snapshot.status), in the API versions that use this name.
      returned: when the API returns it
      type: str
      sample: complete
    size_gb:
      description: Size of the snapshot in GB.
      returned: when the API returns it
      type: int
      sample: 20
    requested_at:
      description: When the snapshot was requested.
      returned: success
      type: str
      sample: "2015-09-20T19:31:36+00:00"
    completed_at:
      description: When the snapshot was completed, else V(null).
      returned: success
      type: str
      sample: "2015-09-20T19:35:02+00:00"
  sample:
    id: 5f3a1c2e-2b8d-4b8e-9f1a-3c4d5e6f7a8b
    name: web1-before-upgrade
    instance_id: 44aab548-61ca-11e5-860e-5cf9389be614
    safe: true
    cron_timing: 0 3 * * 1
    status: complete
    state: complete
    size_gb: 20
    requested_at: '2015-09-20T19:31:36+00:00'
    completed_at: '2015-09-20T19:35:02+00:00'
adopted:
  description:
    - V(true) when the answer to the snapshot request was lost and the module found and adopted the snapshot
      the request had made instead of sending it again.
  returned: success
  type: bool
  sample: false
actions:
  description: The changes made (or, in check mode, that would be made).
  returned: always
  type: list
  elements: str
  sample: ["take snapshot web1-before-upgrade of instance 44aab548-61ca-11e5-860e-5cf9389be614"]
diff:
  description: The snapshot before and after (name, instance_id, safe, cron_timing, status), with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The snapshot before the run (empty if there was none).
      returned: when diff mode is on
      type: dict
    after:
      description: The snapshot after the run (empty if deleted).
      returned: when diff mode is on
      type: dict
  sample:
    before: {}
    after:
      name: web1-before-upgrade
      instance_id: 44aab548-61ca-11e5-860e-5cf9389be614
      safe: true
      cron_timing: null
      status: complete
"""

from ..module_utils.base import ApiError, InvalidParameterError, Plan, VmopsModule
from ..module_utils.civo import SNAPSHOT_COMPLETE, SNAPSHOT_FAILED, is_uuid, snapshot_state
from ..module_utils.util import path_segment

DONE = SNAPSHOT_COMPLETE
FAILED = SNAPSHOT_FAILED


def summary(snap):
    if not snap:
        return {}
    return {
        "name": snap.get("name"),
        "instance_id": snap.get("instance_id"),
        "safe": snap.get("safe"),
        "cron_timing": snap.get("cron_timing"),
        "status": snapshot_state(snap, canonical=False),
    }


def validate_cron(value):
    if value is None:
        return
    if len(value.split()) != 5:
        raise InvalidParameterError("cron_timing must be a cron expression of five fields "
                                    "(minute hour day-of-month month day-of-week), got %r" % value)


def decide(snap, instance_id, force):
    """What present means for an existing snapshot ``snap`` and the wanted instance.

    Returns ``"create"``, ``"retake"``, ``"keep"`` or ``"conflict"``.
    """
    if snap is None:
        return "create"
    if force:
        return "retake"
    if snap.get("instance_id") == instance_id:
        return "keep"
    return "conflict"


class CivoSnapshot(VmopsModule):
    provider = "civo"
    resource_key = "snapshot"
    argument_spec = dict(
        name=dict(type="str", required=True),
        instance=dict(type="str"),
        safe=dict(type="bool", default=False),
        cron_timing=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        force=dict(type="bool", default=False),
    )
    module_kwargs = dict(required_if=[("state", "present", ("instance",))])

    def __init__(self):
        super(CivoSnapshot, self).__init__()
        self.adopted = False
        self.instance_id = None

    def validate(self):
        path_segment(self.params["name"], "snapshot name")
        if self.params["state"] == "present":
            if not (self.params["instance"] or "").strip():
                raise InvalidParameterError("instance must be an instance id or hostname")
            if self.params["cron_timing"] is not None and not self.params["cron_timing"].strip():
                raise InvalidParameterError("cron_timing must not be empty; omit it to snapshot at once")
            validate_cron(self.params["cron_timing"])

    def find(self):
        return self.client.find_snapshot(self.params["name"])

    def resolve_instance(self, snap):
        """The wanted instance's id; no request when it is the snapshot's own id."""
        ref = self.params["instance"]
        if snap is not None and is_uuid(ref) and snap.get("instance_id") == ref:
            return ref
        instance = self.client.require_instance(ref)
        return instance["id"]

    def plan(self, current):
        plan = Plan(before=summary(current))
        name = self.params["name"]
        if self.params["state"] == "absent":
            if current is not None:
                plan.after = {}
                plan.add("delete snapshot %s" % name, self.delete)
            return plan
        self.instance_id = self.resolve_instance(current)
        what = decide(current, self.instance_id, self.params["force"])
        if what == "conflict":
            raise ApiError("Snapshot %s already exists and is of instance %s, not %s; use force=true to retake it "
                           "from %s (the API replaces the old snapshot)"
                           % (name, current.get("instance_id"), self.instance_id, self.params["instance"]),
                           code="snapshot_of_other_instance", reason="name taken by another instance's snapshot")
        if what == "keep":
            return plan
        after = dict(name=name, instance_id=self.instance_id, safe=self.params["safe"],
                     cron_timing=self.params["cron_timing"], status="new")
        if self.params["wait"] and not self.params["cron_timing"]:
            after["status"] = DONE
        if what == "create":
            plan.after = after
            description = "take snapshot %s of instance %s" % (name, self.instance_id)
        else:
            plan.after.update(after)
            description = "retake snapshot %s of instance %s (replacing the existing one)" % (name, self.instance_id)
        if self.params["cron_timing"]:
            description += " on schedule %s" % self.params["cron_timing"]
        plan.add(description, self.take)
        return plan

    # -- steps -------------------------------------------------------------

    def snapshot_path(self):
        return self.client.path("snapshots", (self.params["name"], "snapshot name"))

    def take(self, current):
        old = current
        data = dict(instance_id=self.instance_id, safe=self.params["safe"])
        if self.params["cron_timing"]:
            data["cron_timing"] = self.params["cron_timing"]

        def send():
            # PUT overwrites: never repeated blindly (safe=False).
            return self.client.put(self.snapshot_path(), data=data, safe=False)

        def find():
            snap = self.client.find_snapshot(self.params["name"])
            if snap is None or snap.get("instance_id") != self.instance_id:
                return None
            if old is not None and snap.get("requested_at") == old.get("requested_at") \
                    and snapshot_state(snap) == snapshot_state(old):
                return None  # still the old snapshot: the request was not applied
            return snap

        try:
            snap, self.adopted = self.client.create_or_adopt(send, find)
        except ApiError as exc:
            # A concurrent run created this very snapshot first (Civo answers 409 while it is being
            # taken): the desired state exists, so this run succeeds with it.
            if exc.status != 409 or old is not None:
                raise
            snap = self.client.find_snapshot(self.params["name"])
            if snap is None or snap.get("instance_id") != self.instance_id:
                raise
            self.module.warn("Another run took snapshot %s of instance %s at the same time; using it"
                             % (self.params["name"], self.instance_id))
            self.adopted = True
        return snap

    def delete(self, current):
        self.client.delete_if_present(self.snapshot_path())
        return None

    # -- result ------------------------------------------------------------

    def wait_complete(self, snap):
        name = self.params["name"]
        return self.wait_for(
            lambda: self.client.find_snapshot(name),
            lambda s: snapshot_state(s) == DONE,
            "snapshot %s to be complete" % name,
            failed=lambda s: s is None or snapshot_state(s) in FAILED)

    def result(self, current, plan):
        snap = current
        if (snap is not None and self.params["state"] == "present" and self.params["wait"] and not self.check_mode
                and not snap.get("cron_timing") and snapshot_state(snap) != DONE):
            snap = self.wait_complete(snap)
        return {"snapshot": snap, "adopted": self.adopted}


def main():
    CivoSnapshot.main()


if __name__ == "__main__":
    main()
