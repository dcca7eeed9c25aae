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
    being taken. After a take or retake the wait is a step of its own, listed in RV(actions) (a failed wait still
    reports the snapshot taken, with C(changed=true)); waiting for an earlier run's snapshot changes nothing.
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
  sample: ["take snapshot web1-before-upgrade of instance 44aab548-61ca-11e5-860e-5cf9389be614",
           "wait for snapshot web1-before-upgrade to be complete"]
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

from ..module_utils.base import ApiError, InvalidParameterError, Plan
from ..module_utils.civo import SNAPSHOT_COMPLETE, SNAPSHOT_FAILED, is_uuid, snapshot_state
from ..module_utils.civo_resources import Snapshots
from ..module_utils.resource import Field, ResourceModule
from ..module_utils.util import path_segment


def instance_id(module, value, current=None):
    """``Field.resolve``: the id of the instance given by id or hostname (no request when it is the snapshot's)."""
    if current is not None and is_uuid(value) and value == current:
        return value
    return module.client.require_instance(value)["id"]


def validate_cron(value):
    if value is None:
        return
    if len(value.split()) != 5:
        raise InvalidParameterError("cron_timing must be a cron expression of five fields "
                                    "(minute hour day-of-month month day-of-week), got %r" % value)


class CivoSnapshot(Snapshots, ResourceModule):
    waits = True
    fields = (
        Field("instance", key="instance_id", immutable=True, resolve=instance_id),
        Field("safe", compare=False),          # how the snapshot is taken: an existing one is kept as it is
        Field("cron_timing", compare=False),
    )
    argument_spec = dict(
        name=dict(type="str", required=True),
        instance=dict(type="str"),
        safe=dict(type="bool", default=False),
        cron_timing=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        force=dict(type="bool", default=False),
    )
    module_kwargs = dict(required_if=[("state", "present", ("instance",))])

    def validate(self):
        path_segment(self.params["name"], "snapshot name")
        if self.state == "present":
            if not (self.params["instance"] or "").strip():
                raise InvalidParameterError("instance must be an instance id or hostname")
            if self.params["cron_timing"] is not None and not self.params["cron_timing"].strip():
                raise InvalidParameterError("cron_timing must not be empty; omit it to snapshot at once")
            validate_cron(self.params["cron_timing"])

    def find(self):
        snap = super(CivoSnapshot, self).find()
        if (snap is not None and self.state == "present" and self.params["wait"] and not self.check_mode
                and not self.params["force"] and not snap.get("cron_timing") and snapshot_state(snap) != SNAPSHOT_COMPLETE):
            snap = self.wait_complete(snap)  # reads only: an earlier run's snapshot is waited for as if this run took it
        return snap

    # -- the view and the plan ---------------------------------------------

    def label(self, obj=None):
        return "snapshot %s" % self.name  # the name is what addresses it

    def summary(self, snap):
        if not snap:
            return {}
        return {"name": snap.get("name"), "instance_id": snap.get("instance_id"), "safe": snap.get("safe"),
                "cron_timing": snap.get("cron_timing"), "status": snapshot_state(snap, canonical=False)}

    def created_summary(self, body):
        waited = self.params["wait"] and not self.params["cron_timing"]
        return dict(name=self.name, instance_id=body["instance_id"], safe=self.params["safe"],
                    cron_timing=self.params["cron_timing"], status=SNAPSHOT_COMPLETE if waited else "new")

    def describe_create(self, body, verb="take snapshot %s of instance %s"):
        text = verb % (self.name, body["instance_id"])
        return text + (" on schedule %s" % body["cron_timing"] if body.get("cron_timing") else "")

    def plan(self, current):
        if current is None or self.state == "absent" or not self.params["force"]:
            return super(CivoSnapshot, self).plan(current)
        body = self.create_body(current)
        plan = Plan(before=self.summary(current), after=self.created_summary(body))
        plan.step(self.describe_create(body, "retake snapshot %s of instance %s (replacing the existing one)"),
                  self.take, body)
        self.extra_steps(plan, current)
        return plan

    def create_body(self, current=None):
        body = dict(instance_id=self.wanted_value(self.field("instance"), current),
                    safe=self.params["safe"], name=self.name)
        if self.params["cron_timing"]:
            body["cron_timing"] = self.params["cron_timing"]
        return body

    def refuse_immutable(self, current):
        wanted = self.wanted_value(self.field("instance"), current)
        if wanted != current.get("instance_id"):
            raise ApiError("Snapshot %s already exists and is of instance %s, not %s; use force=true to retake it "
                           "from %s (the API replaces the old snapshot)"
                           % (self.name, current.get("instance_id"), wanted, self.params["instance"]),
                           code="snapshot_of_other_instance", reason="name taken by another instance's snapshot")

    def extra_steps(self, plan, current):
        if plan.changed and self.state == "present" and self.params["wait"] and not self.params["cron_timing"]:
            plan.step("wait for snapshot %s to be complete" % self.name, self.wait_complete)

    # -- steps -------------------------------------------------------------

    def create(self, current, body):
        return self.take(None, body)

    def take(self, current, body):
        """PUT the snapshot: it overwrites, so a lost answer is looked for (a new snapshot), never re-sent blindly."""
        old, data = current, dict((k, v) for k, v in body.items() if k != "name")

        def send():
            return self.client.put(self.snapshot_path(self.name), data=data, safe=False)

        def find():
            snap = self.client.find_snapshot(self.name)
            if snap is None or snap.get("instance_id") != data["instance_id"]:
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
            snap = find()
            if snap is None:
                raise
            self.module.warn("Another run took snapshot %s of instance %s at the same time; using it"
                             % (self.name, data["instance_id"]))
            self.adopted = True
        return snap

    def wait_complete(self, snap):
        """Its own step after a take (a failed wait still reports the snapshot taken)."""
        if snapshot_state(snap) == SNAPSHOT_COMPLETE:
            return snap
        return self.wait_for(
            lambda: self.client.find_snapshot(self.name),
            lambda s: snapshot_state(s) == SNAPSHOT_COMPLETE,
            "snapshot %s to be complete" % self.name,
            failed=lambda s: s is None or snapshot_state(s) in SNAPSHOT_FAILED)


def main():
    CivoSnapshot.main()


if __name__ == "__main__":
    main()
