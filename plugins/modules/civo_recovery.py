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
  - A change of mode takes effect only at the next reboot.
  - What the module can know is the mode B(requested) (C(GET /v2/instances/:id/recovery) answers it as a string such as
    V(true)), and that a reboot it sent after changing the request puts the instance in that mode.
  - What it cannot know is the mode B(in effect). No field of a Civo instance shows it (the C(Instance) of Civo's Go
    client has none), so when the requested mode already matches O(state) the module cannot tell whether the instance
    was rebooted since (for example when an earlier run failed between the request and its reboot). It then never
    claims that no reboot is needed; RV(recovery.effective) and RV(reboot_required) are V(null), and with
    O(reboot=true) it warns that no reboot was sent. O(force_reboot=true) reboots in that case.
  - Idempotent; the requested mode is changed only when it differs from O(state).
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
      - Reboot the instance (hard reboot, C(POST /v2/instances/:id/hard_reboots)) in the run that changes the requested
        mode, so that the change takes effect.
      - When the requested mode already matches O(state), no reboot is sent (a warning says so); see O(force_reboot).
    type: bool
    default: false
  force_reboot:
    description:
      - Reboot the instance in any case, also when the requested mode already matches O(state) (the mode in effect
        cannot be read, see the description). Use it to finish a run that failed before its reboot.
      - Always a change (C(changed=true)).
    type: bool
    default: false
notes:
  - Before a reboot, an instance that is busy (for example still V(REBOOTING) from an earlier run) is first waited for
    (with O(wait=true); else the module fails), so that a reboot already under way is not taken for this run's.
    After a lost answer to the reboot request, the reboot counts as sent only when that settled instance is now busy.
  - Check mode sends no request that changes anything; C(--diff) shows the mode before and after.
seealso:
  - module: vmops.cloud.civo_instance
  - module: vmops.cloud.civo_instance_info
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

- name: Finish an earlier run that failed before its reboot (the mode in effect cannot be read)
  vmops.cloud.civo_recovery:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    instance: web1.example.com
    state: enabled
    force_reboot: true

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
        - Whether the instance runs in recovery mode now (the mode in effect since its last boot).
        - Known only after this run rebooted the instance and waited for it (O(wait=true)); V(null) otherwise,
          because Civo does not show it.
      returned: success
      type: bool
      sample: null
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
  sample:
    enabled: true
    effective: null
    instance_id: 4a07ac84-70f8-11e5-8fe9-5cf9389be614
    hostname: web1.example.com
    status: ACTIVE
reboot_required:
  description:
    - V(true) when this run changed the requested mode and sent no reboot; V(false) when this run rebooted.
    - V(null) when the requested mode already matched and nothing was rebooted (whether the instance runs in that mode
      is unknown; see O(force_reboot)).
  returned: success
  type: bool
  sample: true
adopted:
  description: V(true) when the answer to the reboot request was lost and the reboot was found under way.
  returned: success
  type: bool
  sample: false
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
  sample: {"before": {"enabled": false, "effective": null}, "after": {"enabled": true, "effective": true}}
"""

from ..module_utils.base import ApiError, InvalidParameterError, Plan, VmopsModule
from ..module_utils.civo import CIVO, is_busy

SETTLED = ("ACTIVE", "SHUTOFF")


def summary(instance, requested, effective=None):
    """The recovery view of an instance.  ``effective`` is ``None`` unless this run knows it (see DOCUMENTATION)."""
    return {
        "enabled": requested,
        "effective": effective,
        "instance_id": instance.get("id"),
        "hostname": instance.get("hostname"),
        "status": instance.get("status"),
    }


def mode_word(enabled):
    return "recovery mode" if enabled else "normal mode"


def plan_recovery(requested, desired, reboot, force_reboot=False):
    """What to do: ``(steps, reboot_required, warning)``.

    ``steps`` is a list of ``("set"|"reboot", description)``.  Civo does not show the mode in effect, so only a
    run that changes the requested mode knows that a reboot is due; when the requested mode already matches,
    whether the instance runs in it is unknown: ``reboot_required`` is then ``None`` (never ``False``) and a
    reboot is only sent with ``force_reboot``.
    """
    steps = []
    changed_request = requested != desired
    if changed_request:
        steps.append(("set", "%s recovery mode" % ("enable" if desired else "disable")))
    warning = None
    if force_reboot or (reboot and changed_request):
        steps.append(("reboot", "reboot the instance so that %s takes effect" % mode_word(desired)))
        reboot_required = False
    elif changed_request:
        reboot_required = True
    else:
        reboot_required = None
        if reboot:
            warning = ("%s was already requested, so no reboot was sent; Civo does not show whether the instance "
                       "runs in it now (an earlier run may have failed before its reboot). Use force_reboot=true "
                       "to reboot anyway." % mode_word(desired).capitalize())
    return steps, reboot_required, warning


class CivoRecovery(VmopsModule):
    provider = CIVO
    resource_key = "recovery"
    argument_spec = dict(
        instance=dict(type="str", required=True),
        state=dict(type="str", default="enabled", choices=["enabled", "disabled"]),
        reboot=dict(type="bool", default=False),
        force_reboot=dict(type="bool", default=False),
    )

    def __init__(self):
        super(CivoRecovery, self).__init__()
        self.adopted = False  # set by the reboot step when a lost answer's reboot is adopted

    @property
    def desired(self):
        return self.params["state"] == "enabled"

    def validate(self):
        if not (self.params["instance"] or "").strip():
            raise InvalidParameterError("instance must be an instance id or hostname")

    def find(self):
        instance = self.client.require_instance(self.params["instance"])
        return summary(instance, self.client.get_recovery(instance["id"]))

    def plan(self, current):
        plan = Plan(before=current)
        steps, dummy, warning = plan_recovery(current["enabled"], self.desired, self.params["reboot"],
                                              self.params["force_reboot"])
        if warning:
            self.module.warn(warning)
        for kind, description in steps:
            if kind == "set":
                plan.step(description, self.set_mode, changes=dict(enabled=self.desired))
            else:
                plan.step(description, self.reboot, changes=dict(status="REBOOTING"))
                if self.params["wait"]:
                    plan.step("wait for the instance to be ACTIVE in %s" % mode_word(self.desired), self.wait_active,
                              changes=dict(effective=self.desired, status="ACTIVE"))
        return plan

    # -- steps -------------------------------------------------------------

    def instance_path(self, current, *rest):
        return self.client.path("instances", (current["instance_id"], "instance id"), *rest)

    def set_mode(self, current):
        try:
            if self.desired:
                self.client.put(self.instance_path(current, "recovery"))
            else:
                self.client.delete(self.instance_path(current, "recovery"))
        except ApiError as exc:
            # A repeated PUT after a lost answer: the first one was applied.
            if not (self.desired and exc.code == "database_instance_already_in_rescue_state"):
                raise
        current = dict(current)
        current["enabled"] = self.desired
        return current

    def reboot(self, current):
        """Hard reboot, never sent twice: adopted after a lost answer only on evidence tied to this request.

        The instance is read first and, when busy, waited for until settled (Civo refuses a reboot then,
        and a busy instance proves nothing).  After an ambiguous failure the reboot counts as applied only
        when that settled instance is now rebooting; otherwise it is sent again.
        """
        instance = self.client.require_instance(current["instance_id"])
        if is_busy(instance):
            if not self.params["wait"]:
                raise ApiError("Instance %s is %s; Civo reboots only a settled instance (run with wait=true to wait "
                               "for it)" % (instance.get("hostname") or instance["id"], instance.get("status")),
                               status=409, code="instance_state_must_be_active_or_shutoff",
                               reason="instance is %s" % instance.get("status"))
            instance = self.wait_settled(instance)

        def send():
            return self.client.post(self.instance_path(current, "hard_reboots"), safe=False)

        def applied():
            found = self.client.get_instance(current["instance_id"])
            return found if is_busy(found) else None

        dummy, self.adopted = self.client.create_or_adopt(send, applied)
        current = dict(current)
        current["status"] = "REBOOTING"
        return current

    def wait_active(self, current):
        """Its own step: a failure while waiting still reports the mode change and the reboot."""
        instance = self.wait_for(
            lambda: self.client.get_instance(current["instance_id"]),
            lambda i: bool(i) and str(i.get("status")).upper() == "ACTIVE",
            "instance %s to be ACTIVE in %s" % (current.get("hostname") or current["instance_id"],
                                                mode_word(self.desired)),
            failed=lambda i: i is None)
        current = dict(current)
        # The mode requested before this reboot is the one in effect after it.
        current.update(effective=self.desired, status=instance.get("status"))
        return current

    def wait_settled(self, instance):
        return self.wait_for(
            lambda: self.client.get_instance(instance["id"]),
            lambda i: bool(i) and str(i.get("status")).upper() in SETTLED,
            "instance %s to finish %s" % (instance.get("hostname") or instance["id"], instance.get("status")),
            failed=lambda i: i is None)

    def result(self, current, plan):
        recovery = plan.after if self.check_mode else current  # check mode: what the run would leave
        dummy, reboot_required, dummy2 = plan_recovery(plan.before["enabled"], self.desired, self.params["reboot"],
                                                       self.params["force_reboot"])
        return {"recovery": recovery, "reboot_required": reboot_required, "adopted": self.adopted}


def main():
    CivoRecovery.main()


if __name__ == "__main__":
    main()
