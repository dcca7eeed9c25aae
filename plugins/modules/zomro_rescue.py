#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: zomro_rescue
short_description: Enable or disable rescue mode of a Zomro Cloud VPS instance
version_added: 0.1.0
description:
  - Puts a Zomro (BILLmanager/Fleio) Cloud VPS instance into rescue mode, booted from a rescue image, or takes it out
    of rescue mode again (C(instances.fleio.rescue) and C(instances.fleio.unrescue)).
  - The module reads the instance first and only acts when the rescue state differs from O(state), so a second run
    reports no change.
  - A rescue request whose answer was lost is never re-sent blindly; the instance is read again and, when it is
    already rescuing or rescued, the request is taken as applied.
author: vmops.cloud maintainers (@vmops)
options:
  instance:
    description:
      - The instance, by its id (C(elid)) or by its server name.
      - A server name shared by several instances fails with their ids.
    type: str
    required: true
  state:
    description:
      - V(enabled) puts the instance into rescue mode; this is possible only when its rescue status
        (C(instance_status), or C(fotbo_status) on older panels, in any case) is V(active) or V(stopped).
        An instance already rescued (or rescuing) is left alone.
      - V(disabled) takes the instance out of rescue mode when it is rescued; any other status is left alone, except
        V(rescuing), which fails (disable it once it is rescued).
    type: str
    choices: [enabled, disabled]
    default: enabled
  image:
    description:
      - The rescue image, by its UUID or by its OS name as the rescue preview lists it (for example V(Ubuntu 22.04));
        the image name of an own image (the preview's C($name)) is accepted too. Names match case-insensitively.
      - A name is resolved with the preview call (the rescue call without C(sok)); when nothing matches, the module
        fails with the list of available images.
      - With a UUID and O(zone) both given, the preview is skipped.
      - Required when O(state=enabled). Not checked when the instance is already in rescue mode (the API does not
        tell which image an instance was rescued with).
    type: str
  zone:
    description:
      - The zone of the image, V(pub) (public images), V(own) (the account's own images) or V(shr) (images shared
        with the account).
      - Default is the zone of the matching image in the preview.
    type: str
    choices: [pub, own, shr]
  rescue_password:
    description:
      - The password to log in to the instance while it runs the rescue image. Recommended.
      - Sent only when rescue mode is enabled. Never logged or returned.
    type: str
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
  - Supports check mode (no mutating request is sent; the image is still resolved with the preview, which only
    reads) and diff mode (the rescue state before and after).
  - With O(wait=true) the module waits until the rescue status is V(rescued) (or V(active) when disabling).
    When the instance is already on its way (V(rescuing), or V(unrescuing) when disabling), it waits for that too.
  - Requests per run, when there is nothing to do, 1 (the instance list). Enabling rescue mode by image name, 3
    (list, preview, rescue) plus the reads of the wait (one read with O(wait=false)); by image UUID and O(zone), 2
    plus those reads. Disabling, 2 plus those reads. Logging in with O(username) and O(password) adds one
    C(func=auth) request, unless a valid O(auth_token) is given too. The instance list is read page by page
    (C(p_cnt), C(p_num)); an account of more than 1000 instances costs one more request per 1000.
  - The wait is a step of its own in RV(actions); when it fails (a timeout, a session that expired with only
    O(auth_token) given), the result still says C(changed=true) and what was sent.
  - An account with two-factor authentication cannot log in with O(username) and O(password) (the API asks for a
    one-time code, C(func=totp.confirm)); the module fails saying so. Give a confirmed session as O(auth_token).
seealso:
  - module: vmops.cloud.zomro_instance_info
  - module: vmops.cloud.zomro_instance
"""

EXAMPLES = r"""
# vault_rescue_password is yours: the password to log in to the rescue system, kept in Ansible Vault
# (for example in group_vars, encrypted with ansible-vault encrypt_string).
- name: Boot the instance into the Ubuntu 22.04 rescue image
  vmops.cloud.zomro_rescue:
    username: "{{ lookup('ansible.builtin.env', 'ZOMRO_USERNAME') }}"
    password: "{{ lookup('ansible.builtin.env', 'ZOMRO_PASSWORD') }}"
    instance: vps-5203773.zomro.example
    image: Ubuntu 22.04
    rescue_password: "{{ vault_rescue_password }}"
  register: rescued

- name: Credentials from a module defaults group
  module_defaults:
    group/vmops.cloud.zomro:
      username: "{{ lookup('ansible.builtin.env', 'ZOMRO_USERNAME') }}"
      password: "{{ lookup('ansible.builtin.env', 'ZOMRO_PASSWORD') }}"
  block:
    - name: Take the instance out of rescue mode and wait until it is active
      vmops.cloud.zomro_rescue:
        instance: vps-5203773.zomro.example
        state: disabled
        wait_timeout: 300

    # The image UUID and zone that the first task resolved (see also vmops.cloud.zomro_instance_info
    # with rescue_images=true): with both given, the module sends no preview request.
    - name: Rescue it again by image UUID and zone, by instance id, without waiting
      vmops.cloud.zomro_rescue:
        instance: "{{ rescued.instance.id }}"
        image: "{{ rescued.rescue.image }}"
        zone: "{{ rescued.rescue.zone }}"
        rescue_password: "{{ vault_rescue_password }}"
        wait: false
"""

RETURN = r"""
rescue:
  description:
    - The rescue state of the instance after the run (in check mode, before the change).
  returned: success
  type: dict
  contains:
    enabled:
      description: Whether the instance is in rescue mode or entering it (rescue status V(rescued) or V(rescuing)).
      returned: success
      type: bool
      sample: true
    image:
      description:
        - UUID of the rescue image this run enabled rescue mode with (in check mode, would enable it with).
        - V(null) when the run did not enable rescue mode; the API does not report the image of an instance
          that is already rescued.
      returned: success
      type: str
      sample: f8f2573f-56c4-44c5-8469-84eee4aa64e7
    zone:
      description: Zone (V(pub), V(own) or V(shr)) of that image; V(null) when O(image) is.
      returned: success
      type: str
      sample: pub
    status:
      description: The rescue status of the instance (C(instance_status) or C(fotbo_status), lower case).
      returned: success
      type: str
      sample: rescued
  sample:
    enabled: true
    image: f8f2573f-56c4-44c5-8469-84eee4aa64e7
    zone: pub
    status: rescued
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
          BILLmanager status code C(status) (for example V(2), active service).
      returned: success
      type: str
      sample: Active
    state:
      description:
        - The instance state, C(instance_status) (or C(fotbo_status) on older panels) trimmed and in lower case,
          V(active), V(stopped), V(rescued), V(booted_from_iso), or a state in progress such as V(rescuing),
          V(unrescuing), V(starting), V(stopping).
      returned: success
      type: str
      sample: rescued
    rescue_status:
      description:
        - The same as RV(instance.state) (kept for compatibility).
      returned: success
      type: str
      sample: rescued
    ip:
      description: The main IP address.
      returned: success
      type: str
      sample: 185.117.152.17
  sample:
    id: '5203773'
    name: vps-5203773.zomro.example
    status: Active
    state: rescued
    rescue_status: rescued
    ip: 185.117.152.17
actions:
  description: The changes made (or, in check mode, that would be made).
  returned: always
  type: list
  elements: str
  sample: ["enable rescue mode with image Ubuntu 22.04 (f8f2573f-56c4-44c5-8469-84eee4aa64e7, zone pub)"]
diff:
  description: The rescue state before and after (keys as in RV(rescue)), with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The rescue state before the run.
      returned: when diff mode is on
      type: dict
    after:
      description: The rescue state after the run (in check mode, the state the run would reach).
      returned: when diff mode is on
      type: dict
  sample:
    before: {enabled: false, image: null, zone: null, status: active}
    after: {enabled: true, image: f8f2573f-56c4-44c5-8469-84eee4aa64e7, zone: pub, status: rescued}
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
      description: The error type (for example V(auth), V(value)) or a code of the module (V(invalid_state)).
      returned: failure
      type: str
    reason:
      description: The error text.
      returned: failure
      type: str
    object:
      description: The object the API error refers to (for example V(badpassword), V(session), V(elid)).
      returned: failure
      type: str
  sample:
    status: 200
    code: auth
    reason: Invalid username or password
    object: badpassword
"""

import re

from ..module_utils.base import ApiError, InvalidParameterError, Plan, VmopsModule
from ..module_utils.util import is_uuid
from ..module_utils.zomro import (
    RESCUABLE, RESCUE_ON, ZONES, ZOMRO, ZomroModuleMixin, check_instance_ref, instance_label, instance_state,
    instance_summary, rescue_image_summary)

# A value made only of hex digits and dashes, long enough to be meant as a UUID.
_UUID_LIKE_RE = re.compile(r"^[0-9a-fA-F-]{30,}$")


def _folded(image, field):
    return str(image.get(field) or "").strip().lower()


def _image_not_found(images, ref, zone):
    available = ", ".join("%s (%s)" % (i.get("value"), i.get("depend")) for i in images) or "none"
    where = " in zone %s" % zone if zone else ""
    return ApiError("Rescue image %r not found%s; available images: %s" % (ref, where, available),
                    code="image_not_found", reason="no rescue image matches")


def match_image(images, ref, zone=None):
    """The preview entry for ``ref`` (UUID, OS name or image name) in ``zone``.

    ``images`` are ``slist(doc, "select_boot")`` entries.  Raises ``ApiError``
    with the available images when nothing or several match.
    """
    candidates = [i for i in images if zone is None or i.get("depend") == zone]
    wanted = ref.strip().lower()
    matches = []
    for field in ("key", "value", "name"):  # the UUID first, then the OS name, then the image name
        matches = matches or [i for i in candidates if _folded(i, field) == wanted]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise _image_not_found(images, ref, zone)
    raise ApiError("Rescue image %r is ambiguous: %s; give its UUID or the zone"
                   % (ref, ", ".join("%s (zone %s)" % (i.get("key"), i.get("depend")) for i in matches)),
                   code="ambiguous_image", reason="several rescue images match")


def rescue_view(instance, image=None, zone=None):
    status = instance_state(instance)
    return {"enabled": status in RESCUE_ON, "image": image, "zone": zone, "status": status}


class ZomroRescue(ZomroModuleMixin, VmopsModule):
    provider = ZOMRO
    resource_key = "instance"
    argument_spec = dict(
        instance=dict(type="str", required=True),
        state=dict(type="str", default="enabled", choices=["enabled", "disabled"]),
        image=dict(type="str"),
        zone=dict(type="str", choices=list(ZONES)),
        rescue_password=dict(type="str", no_log=True),
    )
    module_kwargs = dict(required_if=[["state", "enabled", ["image"]]])

    # -- before any request ------------------------------------------------

    def validate(self):
        check_instance_ref(self.params["instance"])
        image = self.params.get("image")
        if image is not None:
            if not image.strip():
                raise InvalidParameterError("image must not be empty: give a rescue image UUID or OS name")
            if _UUID_LIKE_RE.match(image.strip()) and "-" in image and not is_uuid(image.strip()):
                raise InvalidParameterError("image %r looks like a UUID but is not a valid one "
                                            "(expected 8-4-4-4-12 hex digits)" % image)
        password = self.params.get("rescue_password")
        if password is not None and password == "":
            raise InvalidParameterError("rescue_password must not be empty; leave it out to set none")

    # -- reading -----------------------------------------------------------

    def find(self):
        ref = self.params["instance"].strip()
        found = self.client.require_instance(ref)
        # Already on its way to the wanted state: wait for it (reads only) as if this run had asked.
        goal = {"rescuing": "rescued", "unrescuing": "active"}.get(instance_state(found))
        wanted = "enabled" if goal == "rescued" else "disabled"
        if goal and self.params["state"] == wanted and self.params["wait"] and not self.check_mode:
            found = self.settle(found, goal)
        return found

    def resolve_image(self, instance):
        """``(image UUID, zone, label for the action)`` of the wanted rescue image."""
        ref = self.params["image"].strip()
        zone = self.params.get("zone")
        if zone and is_uuid(ref):
            return ref.lower(), zone, ref.lower()
        images, dummy = self.client.rescue_images(instance["id"])
        entry = match_image(images, ref, zone)
        if not entry.get("depend") and not zone:
            raise ApiError("The rescue preview does not say which zone image %s is in; set zone" % entry.get("key"),
                           code="image_zone_unknown", reason="no $depend")
        summary = rescue_image_summary(entry)
        zone = zone or summary["zone"]
        label = "%s (%s, zone %s)" % (summary["name"], summary["id"], zone) if summary["name"] else summary["id"]
        return summary["id"], zone, label

    # -- planning ----------------------------------------------------------

    def plan(self, current):
        status = instance_state(current)
        plan = Plan(before=rescue_view(current))
        if self.params["state"] == "enabled":
            if status in RESCUE_ON:
                return plan
            if status is None:
                raise ApiError("Cannot enable rescue mode on Zomro instance %s: the API did not say its state "
                               "(neither instance_status nor fotbo_status)" % instance_label(current),
                               code="invalid_state", reason="no instance_status")
            if status not in RESCUABLE:
                raise ApiError("Cannot enable rescue mode on Zomro instance %s: its status is %s; rescue is possible "
                               "only from active or stopped" % (instance_label(current), status),
                               code="invalid_state", reason="instance_status is %s" % status)
            image, zone, label = self.resolve_image(current)
            plan.step("enable rescue mode with image %s" % label, self.enable, image, zone,
                      changes=dict(enabled=True, image=image, zone=zone, status="rescuing"))
            if self.params["wait"]:
                plan.step("wait until the instance is rescued", self.settle, "rescued", changes=dict(status="rescued"))
        else:
            if status == "rescued":
                plan.step("disable rescue mode", self.disable, changes=dict(enabled=False, status="unrescuing"))
                if self.params["wait"]:
                    plan.step("wait until the instance is active", self.settle, "active",
                              changes=dict(status="active"))
            elif status == "rescuing":
                raise ApiError("Cannot disable rescue mode on Zomro instance %s yet: it is still rescuing; run again "
                               "once it is rescued" % instance_label(current),
                               code="invalid_state", reason="instance_status is rescuing")
            elif status is None:
                raise ApiError("Cannot tell whether Zomro instance %s is in rescue mode: the API did not say its state "
                               "(neither instance_status nor fotbo_status)" % instance_label(current),
                               code="invalid_state", reason="no instance_status")
            elif status == "booted_from_iso":
                self.module.warn("Zomro instance %s is booted from an ISO image, which is not rescue mode; "
                                 "nothing done" % instance_label(current))
        return plan

    # -- the steps -----------------------------------------------------------

    def enable(self, current, image, zone):
        elid = current["id"]

        def send():
            return self.client.rescue(elid, image, zone, password=self.params.get("rescue_password"))

        def applied():
            found = self.client.get_instance(elid)
            return found if found is not None and instance_state(found) in RESCUE_ON else None

        found, adopted = self.client.create_or_adopt(send, applied)
        return self.after_action(current, found if adopted else None)

    def disable(self, current):
        elid = current["id"]

        def applied():
            found = self.client.get_instance(elid)
            return found if found is not None and instance_state(found) in ("unrescuing", "active") else None

        found, adopted = self.client.create_or_adopt(lambda: self.client.unrescue(elid), applied)
        return self.after_action(current, found if adopted else None)

    # -- the result ----------------------------------------------------------

    def result(self, current, plan):
        # The image and zone are known when this run enables rescue mode (the plan's enable step says them).
        return {"rescue": rescue_view(current, plan.after.get("image"), plan.after.get("zone")),
                "instance": instance_summary(current)}


def main():
    ZomroRescue.main()


if __name__ == "__main__":
    main()
