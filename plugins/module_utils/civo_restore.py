# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""``state: restored`` of ``civo_instance_snapshot``: restore a snapshot to a new instance or over its own.

The function set of the restore, apart from the snapshot's create/update/delete: its options' checks
(``validate_restore``), its plan (``RestoreSteps.plan_restore``) and its steps (send the restore, never
twice; wait for the restored instance).  ``RestoreSteps`` is mixed into the module class, which provides
``client``, ``params``, ``instance_id``, ``wait_for`` and ``wait_complete`` (the snapshot's own wait).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .base import ApiError, InvalidParameterError
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
    """The plan and steps of ``state: restored`` (mixed into ``civo_instance_snapshot``'s module class)."""

    def plan_restore(self, current, plan, label):
        if current is None:
            raise ApiError("Snapshot %s not found on instance %s; nothing to restore" % (label, self.instance_id),
                           status=404, code="database_snapshot_not_found", reason="no such snapshot")
        if snapshot_state(current) in SNAPSHOT_FAILED:
            raise ApiError("Snapshot %s of instance %s has failed and cannot be restored" % (label, self.instance_id),
                           code="snapshot_failed", reason="snapshot state %s" % snapshot_state(current))
        snap_id = current.get("id")
        hostname = self.params["restore_hostname"]
        if self.params["overwrite_existing"]:
            plan.before = {"instance_id": self.instance_id}
            plan.after = {"instance_id": self.instance_id, "from_snapshot": snap_id, "overwrite_existing": True}
            plan.step("restore snapshot %s over instance %s" % (label, self.instance_id), self.restore_step)
            if self.params["wait"]:
                plan.step("wait for instance %s to be ACTIVE after the restore" % self.instance_id, self.wait_step)
            return plan
        existing = self.client.find_instances_by_hostname(hostname)  # DELETING ones are left out
        if existing:
            # Restored before (or the hostname is taken): nothing to do.
            self.target = existing[0]
            plan.before = plan.after = {"hostname": hostname, "instance_id": existing[0].get("id")}
            return plan
        plan.before = {}
        plan.after = {"hostname": hostname, "from_snapshot": snap_id, "overwrite_existing": False}
        if self.params["restore_private_ip"]:
            plan.after["private_ipv4"] = self.params["restore_private_ip"]
        plan.step("restore snapshot %s to a new instance %s" % (label, hostname), self.restore_step)
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
        snap = current
        if snapshot_state(snap) == SNAPSHOT_PENDING and self.params["wait"]:
            snap = self.wait_complete(snap)
        overwrite = self.params["overwrite_existing"]
        hostname = self.params["restore_hostname"]
        # civogo RestoreInstanceSnapshotParams: hostname, private_ipv4, overwrite_existing, description.
        data = {"overwrite_existing": overwrite}
        if hostname is not None:
            data["hostname"] = hostname
        if self.params["restore_private_ip"] is not None:
            data["private_ipv4"] = self.params["restore_private_ip"]
        path = self.snapshots_path((snap["id"], "snapshot id"), "restore")
        if overwrite:
            before = self.client.get_instance(self.instance_id)
            if before is None:
                raise instance_not_found(self.instance_id, self.client.region)
            if is_busy(before):
                self.settle_instance(before)

        def send():
            return self.client.post(path, data=data, safe=False)

        def find():
            # After an ambiguous failure: is there evidence that THIS request was applied?
            if overwrite:
                instance = self.client.get_instance(self.instance_id)
                return instance if is_busy(instance) else None
            found = self.client.find_instances_by_hostname(hostname)
            return found[0] if found else None

        answer, self.adopted = self.client.create_or_adopt(send, find)
        if self.adopted:
            self.target = answer  # the instance that shows this request applied
        else:
            self.restore = restore_info(answer)
        return snap

    def settle_instance(self, instance):
        """Wait (within wait_timeout) until a busy instance is ACTIVE or SHUTOFF before an overwrite."""
        if not self.params["wait"]:
            raise ApiError("Instance %s is %s; Civo restores only a settled instance (run with wait=true to wait "
                           "for it)" % (self.instance_id, instance.get("status")),
                           status=409, code="instance_state_must_be_active_or_shutoff",
                           reason="instance is %s" % instance.get("status"))
        return self.wait_for(lambda: self.client.get_instance(self.instance_id),
                             lambda i: bool(i) and not is_busy(i),
                             "instance %s to finish %s before the restore" % (self.instance_id, instance.get("status")),
                             failed=lambda i: i is None)

    def wait_step(self, current):
        """Its own step: a failure while waiting still reports the restore."""
        self.target = self.wait_restored()
        return current

    def wait_restored(self):
        if self.params["overwrite_existing"]:
            return self.wait_overwritten()
        hostname = self.params["restore_hostname"]
        # The restore answer has no instance_id (civogo InstanceRestoreInfo); tolerate one if present.
        target_id = (self.restore or {}).get("instance_id") or (self.target or {}).get("id")

        def fetch():
            if target_id:
                return self.client.get_instance(target_id)
            found = self.client.find_instances_by_hostname(hostname)
            return found[0] if found else None

        return self.wait_for(fetch, lambda i: bool(i) and i.get("status") == "ACTIVE",
                             "restored instance %s to be ACTIVE" % hostname,
                             failed=(lambda i: i is None) if target_id else None)

    def wait_overwritten(self):
        seen = {"busy": False, "active": 0}
        answered_complete = str(((self.restore or {}).get("status") or {}).get("state", "")).lower() == SNAPSHOT_COMPLETE

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

        return self.wait_for(lambda: self.client.get_instance(self.instance_id), done,
                             "instance %s to be ACTIVE after the restore" % self.instance_id,
                             failed=lambda i: i is None)
