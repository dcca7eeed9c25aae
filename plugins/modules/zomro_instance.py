#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: zomro_instance
short_description: Start, stop or restart a Zomro Cloud VPS instance
version_added: 0.1.0
description:
  - Sets the power state of a Zomro (BILLmanager/Fleio) Cloud VPS instance with the functions Zomro's own panel uses,
    C(service.start), C(service.stop) and C(service.reboot); O(hard=true) restarts with BILLmanager's
    C(service.hardreboot).
  - The module reads the instance first and acts only when its state differs from O(state), so a second run of
    V(started) or V(stopped) reports no change. V(restarted) always restarts (a stopped instance is started).
  - A power request whose answer was lost is never re-sent blindly; the instance is read again and, when it shows
    the request's effect (V(starting), V(stopping), V(rebooting) or the final state), the request is taken as applied.
  - The module does not create or delete instances.
author: vmops.cloud contributors (@vmops)
options:
  instance:
    description:
      - The instance, by its id (C(elid)) or by its server name.
      - A server name shared by several instances fails with their ids.
    type: str
    required: true
  state:
    description:
      - V(started) starts a stopped instance (C(service.start)); an active instance is left alone.
      - V(stopped) shuts an active instance down (C(service.stop)); a stopped instance is left alone.
      - V(restarted) reboots an active instance (C(service.reboot), or C(service.hardreboot) with O(hard=true)) and
        starts a stopped one. An instance already rebooting is left alone.
      - Power actions are not possible while an instance is rescued, booted from an ISO image, resized (awaiting
        confirmation), suspended, in error or while its service is not active; the module fails saying why (take an
        instance out of rescue mode with M(vmops.cloud.zomro_rescue)).
    type: str
    choices: [started, stopped, restarted]
    default: started
  hard:
    description:
      - With O(state=restarted), restart with C(service.hardreboot) (a reset, like pulling the power) instead of
        the soft C(service.reboot) the panel sends.
      - C(service.hardreboot) is BILLmanager's generic function; Zomro's panel does not offer it for Cloud VPS.
        When the API refuses it, the module fails with the API's message.
      - Only valid with O(state=restarted).
    type: bool
    default: false
extends_documentation_fragment:
  - vmops.cloud.zomro
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
      - vmops.cloud.zomro
notes:
  - Supports check mode (no request that changes anything is sent) and diff mode (the instance state before and
    after).
  - With O(wait=true) the module waits until the instance state is V(active) (V(stopped) for O(state=stopped)). The
    wait is a step of its own in RV(actions); when it fails, the result still says C(changed=true) and what was sent.
  - When the instance is in a state in progress (for example V(stopping)) and O(wait=true), the module waits for it
    to settle before it decides; when it is already on its way to O(state) it only waits. With O(wait=false) a state
    in progress that is not on the way to O(state) fails.
  - After C(service.reboot) the instance may still read V(active) for a moment before it reads V(rebooting); the wait
    ends at the first read of V(active).
  - Requests per run, when there is nothing to do, 1 (the instance list). A power action, 2 plus the reads of the
    wait (one read with O(wait=false)). Logging in with O(username) and O(password) adds one C(func=auth) request.
seealso:
  - module: vmops.cloud.zomro_instance_info
  - module: vmops.cloud.zomro_rescue
"""

EXAMPLES = r"""
- name: Stop an instance and wait until it is stopped
  vmops.cloud.zomro_instance:
    username: "{{ lookup('ansible.builtin.env', 'ZOMRO_USERNAME') }}"
    password: "{{ lookup('ansible.builtin.env', 'ZOMRO_PASSWORD') }}"
    instance: vps-5203773.zomro.example
    state: stopped
  register: stopped

- name: Start it again, by id, without waiting
  vmops.cloud.zomro_instance:
    username: "{{ lookup('ansible.builtin.env', 'ZOMRO_USERNAME') }}"
    password: "{{ lookup('ansible.builtin.env', 'ZOMRO_PASSWORD') }}"
    instance: "{{ stopped.instance.id }}"
    state: started
    wait: false

- name: Restart instances, credentials from a module defaults group
  module_defaults:
    group/vmops.cloud.zomro:
      username: "{{ lookup('ansible.builtin.env', 'ZOMRO_USERNAME') }}"
      password: "{{ lookup('ansible.builtin.env', 'ZOMRO_PASSWORD') }}"
  block:
    - name: Soft reboot and wait until the instance is active again
      vmops.cloud.zomro_instance:
        instance: vps-5203773.zomro.example
        state: restarted
        wait_timeout: 300
"""

RETURN = r"""
instance:
  description: The instance, as listed by the API after the run (in check mode, before the change).
  returned: success
  type: dict
  contains:
    id:
      description: The instance id (C(elid)).
      returned: success
      type: str
      sample: "5203773"
    name:
      description: The server name.
      returned: success
      type: str
      sample: vps-5203773.zomro.example
    status:
      description:
        - The billing status of the service, C(item_status) (for example V(Active)); on panels without it, the
          BILLmanager status code C(status).
      returned: success
      type: str
      sample: Active
    state:
      description:
        - The instance state, C(instance_status) (or C(fotbo_status) on older panels) trimmed and in lower case,
          for example V(active), V(stopped), or a state in progress such as V(starting), V(stopping), V(rebooting).
      returned: success
      type: str
      sample: stopped
    rescue_status:
      description: The same as RV(instance.state) (as the other Zomro modules return it).
      returned: success
      type: str
      sample: stopped
    ip:
      description: The main IP address.
      returned: success
      type: str
      sample: 185.117.152.17
  sample:
    id: '5203773'
    name: vps-5203773.zomro.example
    status: Active
    state: stopped
    rescue_status: stopped
    ip: 185.117.152.17
actions:
  description: The changes made (or, in check mode, that would be made), waits included.
  returned: always
  type: list
  elements: str
  sample: ["stop vps-5203773.zomro.example (id 5203773) with service.stop", "wait until the instance is stopped"]
diff:
  description: The instance state before and after, with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The state before the run.
      returned: when diff mode is on
      type: dict
    after:
      description: The state after the run (in check mode, the state the run would reach).
      returned: when diff mode is on
      type: dict
  sample:
    before: {state: active}
    after: {state: stopped}
failure:
  description: On failure, the API's answer.
  returned: failure
  type: dict
  contains:
    status:
      description: HTTP status (Zomro answers errors with 200 and an error document).
      returned: failure
      type: int
    code:
      description: The error type (for example V(access), V(value)) or a code of the module (V(invalid_state)).
      returned: failure
      type: str
    reason:
      description: The error text.
      returned: failure
      type: str
    object:
      description: The object the API error refers to.
      returned: failure
      type: str
  sample:
    status: 200
    code: auth
    reason: Invalid username or password
    object: badpassword
"""

from ..module_utils.base import ApiError, InvalidParameterError, Plan, VmopsModule
from ..module_utils.zomro import (
    INACTIVE_STATUS_CODES, POWER_FUNCS, TRANSITIONAL, ZOMRO, ZomroModuleMixin, check_instance_ref, instance_disappeared,
    instance_label, instance_state, instance_summary)

# The state each ``state`` option ends in.
GOAL = {"started": "active", "stopped": "stopped", "restarted": "active"}
# States in progress that are on the way to an option's goal: nothing to send, only wait.
ON_THE_WAY = {"started": ("starting",), "stopped": ("stopping",), "restarted": ("rebooting", "starting")}
# States in which the panel hides or disables the power actions (getInstanceMainInfo.js, InstancesOptions.jsx).
BLOCKED = {
    "rescued": "it is in rescue mode (disable it with vmops.cloud.zomro_rescue first)",
    "booted_from_iso": "it is booted from an ISO image (unmount the ISO first)",
    "resized": "a resize awaits confirmation or revert",
    "suspended": "it is suspended",
    "image_uploading": "an image of it is being uploaded",
    "error": "it is in error",
}
# What an applied request shows when its answer was lost.
SHOWS_APPLIED = {"start": ("starting", "active"), "stop": ("stopping", "stopped"),
                 "reboot": ("rebooting",), "hardreboot": ("rebooting",)}


def power_view(instance):
    return {"state": instance_state(instance)}


def _refuse_unknown(current, state, label):
    """Refuse an instance whose service is not active, or whose power state the API did not say."""
    code = str(current.get("status") or "").strip()
    if code in INACTIVE_STATUS_CODES or str(current.get("item_status") or "").strip() == "Deletion in progress":
        raise ApiError("Cannot change the power state of Zomro instance %s: its service is not active (status %s)"
                       % (label, current.get("item_status") or code), code="invalid_state",
                       reason="service status %s" % code)
    if state is None:
        raise ApiError("Cannot tell the power state of Zomro instance %s: the API did not say its state "
                       "(neither instance_status nor fotbo_status)" % label,
                       code="invalid_state", reason="no instance_status")


def _refuse_unsettled(state, wanted, hard, label):
    """Refuse a state from which the wanted power state cannot be reached now."""
    if state in TRANSITIONAL:
        raise ApiError("Cannot change the power state of Zomro instance %s now: it is %s; run again when it has "
                       "settled, or with wait=true" % (label, state), code="invalid_state",
                       reason="instance_status is %s" % state)
    if state in BLOCKED and not (state == "error" and wanted == "restarted" and hard):
        raise ApiError("Cannot change the power state of Zomro instance %s: %s" % (label, BLOCKED[state]),
                       code="invalid_state", reason="instance_status is %s" % state)
    if state not in ("active", "stopped", "error"):
        raise ApiError("Cannot change the power state of Zomro instance %s: unknown state %s"
                       % (label, state), code="invalid_state", reason="instance_status is %s" % state)


def _power_action(state, wanted, hard, label):
    """The power function to call and the state the instance passes through on the way."""
    if wanted == "stopped":
        return "stop", "stopping"
    if state == "stopped":
        return "start", "starting"
    if wanted == "restarted":
        return ("hardreboot" if hard else "reboot"), "rebooting"
    raise ApiError("Cannot start Zomro instance %s: it is %s" % (label, state), code="invalid_state",
                   reason="instance_status is %s" % state)


class ZomroInstance(ZomroModuleMixin, VmopsModule):
    provider = ZOMRO
    resource_key = "instance"
    argument_spec = dict(
        instance=dict(type="str", required=True),
        state=dict(type="str", default="started", choices=["started", "stopped", "restarted"]),
        hard=dict(type="bool", default=False),
    )

    # -- before any request ------------------------------------------------

    def validate(self):
        check_instance_ref(self.params["instance"])
        if self.params["hard"] and self.params["state"] != "restarted":
            raise InvalidParameterError("hard=true is valid only with state=restarted")

    # -- reading -----------------------------------------------------------

    def find(self):
        ref = self.params["instance"].strip()
        found = self.client.require_instance(ref)
        state = instance_state(found)
        wanted = self.params["state"]
        if state not in TRANSITIONAL or not self.params["wait"]:
            return found
        if state in ON_THE_WAY[wanted]:
            if self.check_mode:
                return found
            # Already on its way to the wanted state: wait for it (reads only) as if this run had asked. The
            # state it was found in goes along, so that the plan does not restart an instance found rebooting.
            return dict(self.settle(found, GOAL[wanted]), found_state=state)
        # Something else is in progress: let it settle (reads only), then decide.
        found = self.wait_for(lambda: self.client.get_instance(found["id"]),
                              lambda inst: inst is None or instance_state(inst) not in TRANSITIONAL,
                              "Zomro instance %s to settle" % instance_label(found))
        if found is None:
            raise instance_disappeared(ref)
        return found

    # -- planning ----------------------------------------------------------

    def plan(self, current):
        state = instance_state(current)
        wanted = self.params["state"]
        plan = Plan(before=power_view(current))
        label = instance_label(current)
        _refuse_unknown(current, state, label)
        if current.get("found_state", state) in ON_THE_WAY[wanted]:
            return plan  # already on its way (with wait=true, find() waited for it)
        _refuse_unsettled(state, wanted, self.params["hard"], label)
        if wanted == "started" and state == "active" or wanted == "stopped" and state == "stopped":
            return plan
        action, during = _power_action(state, wanted, self.params["hard"], label)
        verb = {"start": "start", "stop": "stop", "reboot": "reboot", "hardreboot": "hard reboot"}[action]
        plan.step("%s %s with %s" % (verb, label, POWER_FUNCS[action]), self.act, action,
                  changes=dict(state=during))
        if self.params["wait"]:
            goal = GOAL[wanted]
            plan.step("wait until the instance is %s" % goal, self.settle, goal, changes=dict(state=goal))
        return plan

    # -- the steps -----------------------------------------------------------

    def act(self, current, action):
        elid = current["id"]

        def applied():
            found = self.client.get_instance(elid)
            return found if found is not None and instance_state(found) in SHOWS_APPLIED[action] else None

        found, adopted = self.client.create_or_adopt(lambda: self.client.power(elid, action), applied)
        return self.after_action(current, found if adopted else None)

    # -- the result ----------------------------------------------------------

    def result(self, current, plan):
        return {"instance": instance_summary(current)}


def main():
    ZomroInstance.main()


if __name__ == "__main__":
    main()
