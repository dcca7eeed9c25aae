# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""``state: restored`` of ``civo_instance_snapshot``: restore a snapshot to a new instance or over its own.

The function set of the restore, apart from the snapshot's create/update/delete: its options' checks
(``validate_restore``), what it looks up (``RestoreSteps.find_restore``: the instance that already has
the new hostname), its plan (``RestoreSteps.plan_restore``) and its steps (send the restore, never
twice; wait for the restored instance).  ``RestoreSteps`` is mixed into the module class, which provides
``client``, ``params``, ``snapshots_path``, ``wait_for`` and ``wait_complete`` (the snapshot's own wait).
The current object is the module's ``{"instance_id", "snapshot"}``; the steps add ``restore`` (the API's
answer), ``instance`` (the instance restored to) and ``adopted``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .base import ApiError, InvalidParameterError, Plan
from .civo import SNAPSHOT_COMPLETE, SNAPSHOT_FAILED, SNAPSHOT_PENDING, instance_not_found, is_busy, snapshot_state

HOSTNAME_RE = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9.]{0,251}[A-Za-z0-9])?$")
IPV4_RE = re.compile(r"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$")
# How many polls in a row an overwritten instance must be seen ACTIVE when the
# API never showed it busy (the restore may be applied without a visible transition).
QUIET_ACTIVE_POLLS = 3


def restore_info(answer):
    """The restore record of a restore answer: civogo's ``{"resource_type", "instance": {...}}`` or flat."""
    if isinstance(answer, dict) and isinstance(answer.get("instance"), dict):
        return answer["instance"]
    return answer if isinstance(answer, dict) else {}


def validate_restore(params):
    """Refuse bad restore options (and restore options without ``state=restored``) before any request."""
    restore_given = [k for k in ("restore_hostname", "restore_private_ip") if params[k] is not None]
    if params["overwrite_existing"]:
        restore_given.append("overwrite_existing")
    if params["state"] != "restored":
        if restore_given:
            raise InvalidParameterError("%s only apply with state=restored" % ", ".join(restore_given))
        return
    hostname = params["restore_hostname"]
    if hostname is not None and params["overwrite_existing"]:
        raise InvalidParameterError("restore_hostname and overwrite_existing=true are mutually exclusive: "
                                    "restore either to a new instance or over the original")
    if hostname is None and not params["overwrite_existing"]:
        raise InvalidParameterError("state=restored needs restore_hostname (restore to a new instance) or "
                                    "overwrite_existing=true (restore over the original instance)")
    if hostname is not None and not HOSTNAME_RE.match(hostname):
        raise InvalidParameterError("restore_hostname %r is not a valid host name" % hostname)
    ip = params["restore_private_ip"]
    if ip is not None and not IPV4_RE.match(ip):
        raise InvalidParameterError("restore_private_ip %r is not an IPv4 address" % ip)


class RestoreSteps(object):
    """The lookup, plan and steps of ``state: restored`` (mixed into ``civo_instance_snapshot``'s module class)."""

    def find_restore(self, current):
        """Refuse a missing or failed snapshot; add the ``instance`` that already has ``restore_hostname``."""
        snap, instance_id = current["snapshot"], current["instance_id"]
        label = self.params["name"] or self.params["id"]
        if snap is None:
            raise ApiError("Snapshot %s not found on instance %s; nothing to restore" % (label, instance_id),
                           status=404, code="database_snapshot_not_found", reason="no such snapshot")
        if snapshot_state(snap) in SNAPSHOT_FAILED:
            raise ApiError("Snapshot %s of instance %s has failed and cannot be restored" % (label, instance_id),
                           code="snapshot_failed", reason="snapshot state %s" % snapshot_state(snap))
        if self.params["overwrite_existing"]:
            return current
        existing = self.client.find_instances_by_hostname(self.params["restore_hostname"])  # DELETING ones are left out
        return dict(current, instance=existing[0]) if existing else current

    def plan_restore(self, current):
        instance_id, snap_id = current["instance_id"], current["snapshot"].get("id")
        label = self.params["name"] or self.params["id"]
        hostname = self.params["restore_hostname"]
        if self.params["overwrite_existing"]:
            plan = Plan(before={"instance_id": instance_id})
            plan.step("restore snapshot %s over instance %s" % (label, instance_id), self.restore_step,
                      changes={"from_snapshot": snap_id, "overwrite_existing": True})
            if self.params["wait"]:
                plan.step("wait for instance %s to be ACTIVE after the restore" % instance_id, self.wait_step)
            return plan
        if current.get("instance"):
            # Restored before (or the hostname is taken): nothing to do.
            return Plan(before={"hostname": hostname, "instance_id": current["instance"].get("id")})
        changes = {"hostname": hostname, "from_snapshot": snap_id, "overwrite_existing": False}
        if self.params["restore_private_ip"]:
            changes["private_ipv4"] = self.params["restore_private_ip"]
        plan = Plan().step("restore snapshot %s to a new instance %s" % (label, hostname), self.restore_step,
                           changes=changes)
        if self.params["wait"]:
            plan.step("wait for the restored instance %s to be ACTIVE" % hostname, self.wait_step)
        return plan

    def restore_step(self, current):
        """Send the restore, never twice, and adopt it only on evidence tied to this request.

        Overwrite: the instance is first waited for until it is settled (a busy instance is not proof of
        anything, and Civo refuses a restore then).  After an ambiguous failure the restore counts as
        applied only when the instance, seen settled just before the request, is now busy.
        New instance: the request counts as applied when an instance with the new hostname exists
        (DELETING ones are invisible), since before the request there was none.
        """
        instance_id, snap = current["instance_id"], current["snapshot"]
        if snapshot_state(snap) == SNAPSHOT_PENDING and self.params["wait"]:
            snap = self.wait_complete(current)
        overwrite = self.params["overwrite_existing"]
        hostname = self.params["restore_hostname"]
        # civogo RestoreInstanceSnapshotParams: hostname, private_ipv4, overwrite_existing, description.
        data = {"overwrite_existing": overwrite}
        if hostname is not None:
            data["hostname"] = hostname
        if self.params["restore_private_ip"] is not None:
            data["private_ipv4"] = self.params["restore_private_ip"]
        path = self.snapshots_path(instance_id, (snap["id"], "snapshot id"), "restore")
        if overwrite:
            before = self.client.get_instance(instance_id)
            if before is None:
                raise instance_not_found(instance_id, self.client.region)
            if is_busy(before):
                self.settle_instance(instance_id, before)

        def send():
            return self.client.post(path, data=data, safe=False)

        def find():
            # After an ambiguous failure: is there evidence that THIS request was applied?
            if overwrite:
                instance = self.client.get_instance(instance_id)
                return instance if is_busy(instance) else None
            found = self.client.find_instances_by_hostname(hostname)
            return found[0] if found else None

        answer, adopted = self.client.create_or_adopt(send, find)
        if adopted:  # the answer is the instance that shows this request applied
            return dict(current, snapshot=snap, adopted=True, instance=answer)
        return dict(current, snapshot=snap, restore=restore_info(answer))

    def settle_instance(self, instance_id, instance):
        """Wait (within wait_timeout) until a busy instance is ACTIVE or SHUTOFF before an overwrite."""
        if not self.params["wait"]:
            raise ApiError("Instance %s is %s; Civo restores only a settled instance (run with wait=true to wait "
                           "for it)" % (instance_id, instance.get("status")),
                           status=409, code="instance_state_must_be_active_or_shutoff",
                           reason="instance is %s" % instance.get("status"))
        return self.wait_for(lambda: self.client.get_instance(instance_id),
                             lambda i: bool(i) and not is_busy(i),
                             "instance %s to finish %s before the restore" % (instance_id, instance.get("status")),
                             failed=lambda i: i is None)

    def wait_step(self, current):
        """Its own step: a failure while waiting still reports the restore."""
        if self.params["overwrite_existing"]:
            return dict(current, instance=self.wait_overwritten(current))
        return dict(current, instance=self.wait_restored(current))

    def wait_restored(self, current):
        hostname = self.params["restore_hostname"]
        # The restore answer has no instance_id (civogo InstanceRestoreInfo); tolerate one if present.
        target_id = (current.get("restore") or {}).get("instance_id") or (current.get("instance") or {}).get("id")

        def fetch():
            if target_id:
                return self.client.get_instance(target_id)
            found = self.client.find_instances_by_hostname(hostname)
            return found[0] if found else None

        return self.wait_for(fetch, lambda i: bool(i) and i.get("status") == "ACTIVE",
                             "restored instance %s to be ACTIVE" % hostname,
                             failed=(lambda i: i is None) if target_id else None)

    def wait_overwritten(self, current):
        instance_id = current["instance_id"]
        seen = {"busy": False, "active": 0}
        restore_status = (current.get("restore") or {}).get("status") or {}
        answered_complete = str(restore_status.get("state", "")).lower() == SNAPSHOT_COMPLETE

        def done(instance):
            if not instance:
                return False
            if is_busy(instance):
                seen["busy"] = True
                seen["active"] = 0
                return False
            if instance.get("status") != "ACTIVE":
                return False
            seen["active"] += 1
            return seen["busy"] or answered_complete or seen["active"] >= QUIET_ACTIVE_POLLS

        return self.wait_for(lambda: self.client.get_instance(instance_id), done,
                             "instance %s to be ACTIVE after the restore" % instance_id,
                             failed=lambda i: i is None)
