#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_recovery
short_description: Put a Civo instance into or out of recovery mode
version_added: 0.1.0
author: vmops.cloud maintainers (@vmops)
description:
  - Enables or disables recovery mode of a Civo instance (C(PUT) or C(DELETE) C(/v2/instances/:id/recovery)).
  - In recovery mode the instance boots a special rescue OS, reachable only through the console, to repair its boot volume.
  - A change of mode takes effect only at the next reboot. With O(reboot=true) the module reboots the instance
    when the mode in effect differs from the requested one and, with O(wait=true), waits until the instance is
    V(ACTIVE) in that mode. Without it the result says RV(reboot_required=true) while a reboot is still needed.
  - Idempotent. The module reads the requested mode (C(GET /v2/instances/:id/recovery), which answers a string such as
    V("true")) and the instance first and changes nothing when they already match.
extends_documentation_fragment:
  - vmops.cloud.civo
  - vmops.cloud.wait
options:
  instance:
    description:
      - The instance, by id or by hostname.
      - A hostname held by several instances is refused; use the id.
    type: str
    required: true
  state:
    description:
      - V(enabled) asks for recovery mode, V(disabled) for normal operation.
    type: str
    choices: [enabled, disabled]
    default: enabled
  reboot:
    description:
      - Reboot the instance (hard reboot, C(POST /v2/instances/:id/reboots)) when the mode in effect differs from
        O(state), so that the change takes effect.
      - An instance that is already in the requested mode is not rebooted.
      - When the API does not show the mode in effect, a reboot is made only in the run that changed the requested mode.
    type: bool
    default: false
notes:
  - With O(reboot=true) and O(wait=true), an instance that is busy (for example still V(REBOOTING) from an earlier
    run) is first waited for, so that a reboot already under way is not repeated.
  - Check mode sends no request that changes anything; C(--diff) shows the mode before and after.
"""

EXAMPLES = r"""
- name: Put web1 into recovery mode and reboot it into the recovery OS
  vmops.cloud.civo_recovery:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    instance: web1.example.com
    state: enabled
    reboot: true
  register: rescue_boot

- name: Request normal mode again, by instance id, and reboot later by hand
  vmops.cloud.civo_recovery:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    instance: "{{ rescue_boot.recovery.instance_id }}"
    state: disabled
  register: recovery

- name: Tell whether a reboot is still needed
  ansible.builtin.debug:
    msg: "Reboot required: {{ recovery.reboot_required }}"
"""

RETURN = r"""
recovery:
  description:
    - The recovery mode of the instance after the run (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    enabled:
      description: Whether recovery mode is requested (what C(GET /v2/instances/:id/recovery) answers).
      returned: success
      type: bool
      sample: true
    effective:
      description:
        - Whether the instance is running in recovery mode now (the mode in effect since its last boot).
        - V(null) when the API does not show it.
      returned: success
      type: bool
      sample: false
    instance_id:
      description: Id of the instance.
      returned: success
      type: str
      sample: 4a07ac84-70f8-11e5-8fe9-5cf9389be614
    hostname:
      description: Hostname of the instance.
      returned: success
      type: str
      sample: web1.example.com
    status:
      description: Status of the instance as last read (for example V(ACTIVE) or V(REBOOTING)).
      returned: success
      type: str
      sample: ACTIVE
reboot_required:
  description:
    - V(true) when the mode in effect still differs from the requested one and no reboot was made by this run.
  returned: success
  type: bool
  sample: true
actions:
  description: The changes made (or, in check mode, that would be made).
  returned: always
  type: list
  elements: str
  sample: ["enable recovery mode", "reboot the instance so that recovery mode takes effect"]
diff:
  description: The recovery mode before and after, with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The mode before the run.
      returned: when diff mode is on
      type: dict
    after:
      description: The mode after the run.
      returned: when diff mode is on
      type: dict
  sample: {"before": {"enabled": false, "effective": false}, "after": {"enabled": true, "effective": true}}
"""

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError, InvalidParameterError
from ansible_collections.vmops.cloud.plugins.module_utils.base import Plan, VmopsModule
from ansible_collections.vmops.cloud.plugins.module_utils.civo import parse_bool

# The instance field that shows the recovery mode in effect (since the last boot).
EFFECTIVE_FIELD = "recovery_mode"
SETTLED = ("ACTIVE", "SHUTOFF")


def effective_mode(instance):
    """The mode in effect according to the instance object, or ``None`` if it does not say."""
    if not isinstance(instance, dict) or EFFECTIVE_FIELD not in instance:
        return None
    return parse_bool(instance.get(EFFECTIVE_FIELD))


def is_busy(instance):
    return bool(instance) and str(instance.get("status", "")).upper().endswith("ING")


def summary(instance, requested):
    return {
        "enabled": requested,
        "effective": effective_mode(instance),
        "instance_id": instance.get("id"),
        "hostname": instance.get("hostname"),
        "status": instance.get("status"),
    }


def mode_word(enabled):
    return "recovery mode" if enabled else "normal mode"


def plan_recovery(current, desired, reboot):
    """The plan for a current summary: ``(steps, reboot_needed_after)``.

    ``steps`` is a list of ``("set"|"reboot", description)``.
    """
    steps = []
    changed_request = current["enabled"] != desired
    if changed_request:
        steps.append(("set", "%s recovery mode" % ("enable" if desired else "disable")))
    effective = current["effective"]
    if effective is None:
        # The API does not show the mode in effect: only the run that changed
        # the requested mode knows that a reboot is due.
        needs_reboot = changed_request
    else:
        needs_reboot = effective != desired
    if needs_reboot and reboot:
        steps.append(("reboot", "reboot the instance so that %s takes effect" % mode_word(desired)))
        needs_reboot = False
    return steps, needs_reboot


class CivoRecovery(VmopsModule):
    provider = "civo"
    resource_key = "recovery"
    argument_spec = dict(
        instance=dict(type="str", required=True),
        state=dict(type="str", default="enabled", choices=["enabled", "disabled"]),
        reboot=dict(type="bool", default=False),
    )

    def __init__(self):
        super(CivoRecovery, self).__init__()
        self.instance = None
        self.reboot_required = False

    @property
    def desired(self):
        return self.params["state"] == "enabled"

    def validate(self):
        if not (self.params["instance"] or "").strip():
            raise InvalidParameterError("instance must be an instance id or hostname")

    def find(self):
        ref = self.params["instance"]
        instance = self.client.require_instance(ref)
        if self.params["reboot"] and self.params["wait"] and is_busy(instance):
            instance = self.wait_settled(instance)
        self.instance = instance
        return summary(instance, self.client.get_recovery(instance["id"]))

    def plan(self, current):
        plan = Plan(before=current)
        steps, self.reboot_required = plan_recovery(current, self.desired, self.params["reboot"])
        for kind, description in steps:
            if kind == "set":
                plan.add(description, self.set_mode, enabled=self.desired)
            else:
                plan.add(description, self.reboot, effective=self.desired, status="ACTIVE")
        return plan

    # -- steps -------------------------------------------------------------

    def instance_path(self, *rest):
        return self.client.path("instances", (self.instance["id"], "instance id"), *rest)

    def set_mode(self, current):
        try:
            if self.desired:
                self.client.put(self.instance_path("recovery"))
            else:
                self.client.delete(self.instance_path("recovery"))
        except ApiError as exc:
            # A repeated PUT after a lost answer: the first one was applied.
            if not (self.desired and exc.code == "database_instance_already_in_rescue_state"):
                raise
        current = dict(current)
        current["enabled"] = self.desired
        return current

    def reboot(self, current):
        desired = self.desired

        def send():
            return self.client.post(self.instance_path("reboots"), safe=False)

        def applied():
            # After an ambiguous failure: the reboot was applied if the instance
            # is rebooting or already runs in the requested mode.
            instance = self.client.get_instance(self.instance["id"])
            if instance and (is_busy(instance) or effective_mode(instance) == desired):
                return instance
            return None

        self.client.create_or_adopt(send, applied)
        current = dict(current)
        if self.params["wait"]:
            instance = self.wait_for(
                lambda: self.client.get_instance(self.instance["id"]),
                lambda i: bool(i) and i.get("status") == "ACTIVE" and effective_mode(i) in (None, desired),
                "instance %s to be ACTIVE in %s" % (self.instance.get("hostname") or self.instance["id"], mode_word(desired)),
                failed=lambda i: i is None)
            self.instance = instance
            current.update(effective=effective_mode(instance), status=instance.get("status"))
        else:
            current["status"] = "REBOOTING"
        return current

    def wait_settled(self, instance):
        return self.wait_for(
            lambda: self.client.get_instance(instance["id"]),
            lambda i: bool(i) and i.get("status") in SETTLED,
            "instance %s to finish %s" % (instance.get("hostname") or instance["id"], instance.get("status")),
            failed=lambda i: i is None)

    def result(self, current, plan):
        recovery = plan.after if self.check_mode else current
        return {"recovery": recovery, "reboot_required": self.reboot_required}


def main():
    CivoRecovery.main()


if __name__ == "__main__":
    main()
