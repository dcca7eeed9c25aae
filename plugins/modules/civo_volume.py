#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_volume
short_description: Create, grow, attach, detach or delete a Civo block storage volume
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Manages the volumes of a Civo region (C(/v2/volumes)), found by O(name) or O(id).
  - O(state=attached) attaches the volume to O(instance) (moving it from another instance if needed);
    O(state=detached) detaches it; O(state=present) leaves the attachment as it is.
  - A larger O(size_gb) grows the volume in place. Civo grows only detached volumes and never shrinks one; a smaller
    size, or a larger one while the volume is attached (unless O(state=detached)), is refused with a message.
  - The network and the volume type cannot change, and Civo cannot rename a volume; such changes are refused.
  - O(state=absent) detaches the volume first if it is attached, then deletes it.
  - A create whose answer was lost is never sent again blindly; the module looks for the volume and adopts it.
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
    description: Name of the volume, unique in the region. Required to create one.
    type: str
  id:
    description: Id of an existing volume. A no-op by id costs one request.
    type: str
  size_gb:
    description: Size in GB. Required to create a volume; a larger value grows it.
    type: int
  network:
    description: The network of a new volume, by id or label. Defaults to the region's default network.
    type: str
  volume_type:
    description: The volume type of a new volume (see C(GET /v2/volumetypes)); Civo's default when not given.
    type: str
  instance:
    description: The instance (id or hostname) to attach the volume to. Required with O(state=attached).
    type: str
  state:
    description: What the volume should be.
    type: str
    choices: [present, absent, attached, detached]
    default: present
notes:
  - Check mode sends no request that changes anything; C(--diff) shows the volume before and after.
  - Attaching, detaching and creating take a while at Civo; with O(wait=true) the module waits for each.
seealso:
  - module: vmops.cloud.civo_volume_info
  - module: vmops.cloud.civo_instance
"""

EXAMPLES = r"""
- name: A 20 GB volume in the default network
  vmops.cloud.civo_volume:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    name: data
    size_gb: 20

- name: Grow it to 40 GB (it is detached)
  vmops.cloud.civo_volume:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: data
    size_gb: 40
    state: detached

- name: Delete it
  vmops.cloud.civo_volume:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: data
    state: absent
"""

RETURN = r"""
volume:
  description: The volume as the API shows it after the run; V(null) when absent (in check mode, as it was found).
  returned: success
  type: dict
  sample: {"id": "c0ff...", "name": "data", "size_gb": 20, "network_id": "n1...", "instance_id": "", "status": "available",
           "volume_type": "ms-xfs-2-replicas", "mountpoint": ""}
adopted:
  description: V(true) when the create's answer was lost (or another run created the name first) and the volume was adopted.
  returned: success
  type: bool
  sample: false
duplicates_deleted:
  description: Ids of volumes of the same name that this run had created and deleted because an older one existed.
  returned: when there were any
  type: list
  elements: str
  sample:
    - 0b0e8f36-5b8e-4e5b-9d0e-4b7c7e1a2f10
actions:
  description: The changes made (or, in check mode, that would be made).
  returned: always
  type: list
  elements: str
  sample: ["create volume 'data'", "attach volume 'data' to instance 4a07..."]
"""

from ..module_utils.civo_resources import Volumes, default_network_id, network_id
from ..module_utils.resource import (
    ApiError, Field, InvalidParameterError, ResourceModule, Update, resource_spec)


def attached_to(volume):
    return (volume or {}).get("instance_id") or None


class CivoVolume(Volumes, ResourceModule):
    waits = True
    fields = (
        Field("name", hint="Civo cannot rename a volume"),
        Field("size_gb", required=True, update=Update(suffix="/resize")),
        Field("network", key="network_id", immutable=True, resolve=network_id, hint="a volume stays in its network"),
        Field("volume_type", immutable=True),
    )
    argument_spec = resource_spec(
        states=("present", "absent", "attached", "detached"), size_gb=dict(type="int"), network=dict(type="str"),
        volume_type=dict(type="str"), instance=dict(type="str"))
    module_kwargs = dict(required_if=[("state", "attached", ("instance",))])

    def validate(self):
        super(CivoVolume, self).validate()
        if self.params["size_gb"] is not None and self.params["size_gb"] < 1:
            raise InvalidParameterError("size_gb must be at least 1, got %s" % self.params["size_gb"])

    def create_body(self):
        body = super(CivoVolume, self).create_body()
        if "network_id" not in body:
            body["network_id"] = default_network_id(self)
        return body

    def wanted_instance(self, current):
        if self.state != "attached":
            return None
        ref = self.params["instance"]
        return ref if ref == attached_to(current) else self.client.require_instance(ref)["id"]

    def before_updates(self, plan, current):
        have, want = current.get("size_gb"), self.params["size_gb"]
        if want is not None and want < (have or 0):
            raise ApiError("%s cannot shrink: size_gb (current %s, wanted %s); Civo only grows volumes"
                           % (self.label(current), have, want), code="immutable_field", reason="size_gb")
        if want is not None and want > (have or 0) and attached_to(current):
            if self.state != "detached":
                raise ApiError("%s is attached to instance %s and Civo grows only detached volumes: run with "
                               "state=detached to detach and grow it, then attach it again"
                               % (self.label(current), attached_to(current)),
                               code="volume_attached_cannot_resize", reason="size_gb")
            self.plan_detach(plan, current)

    def plan_detach(self, plan, current):
        plan.step("detach %s from instance %s" % (self.label(current), attached_to(current)), self.detach,
                  changes={"instance_id": None})
        plan.step("wait for %s to be detached" % self.label(current), self.wait_status, "available")

    def summary(self, obj):
        out = super(CivoVolume, self).summary(obj)
        if obj:
            out["instance_id"] = attached_to(obj)
        return out

    def extra_steps(self, plan, current):
        wanted, now = self.wanted_instance(current), attached_to(current)
        if current is None and (wanted or self.params["wait"]):
            plan.step("wait for %s to be available" % self.label(), self.wait_status, "available")
        if now and self.state == "detached" and not any(d.startswith("detach ") for d in plan.actions):
            self.plan_detach(plan, current)
        if wanted and wanted != now:
            if now:
                self.plan_detach(plan, current)
            plan.step("attach %s to instance %s" % (self.label(current), wanted), self.attach, wanted,
                      changes={"instance_id": wanted})
            plan.step("wait for %s to be attached" % self.label(current), self.wait_status, "attached")

    def plan_delete(self, plan, current):
        if attached_to(current):
            self.plan_detach(plan, current)
        super(CivoVolume, self).plan_delete(plan, current)

    # -- steps -------------------------------------------------------------------------------------------

    def detach(self, current):
        self.api("PUT", self.item_path(current["id"], "detach"), data={})
        return dict(current, status="detaching")

    def attach(self, current, instance_id):
        self.api("PUT", self.item_path(current["id"], "attach"), data=dict(instance_id=instance_id, attach_at_boot=False))
        return dict(current, instance_id=instance_id, status="attaching")

    def wait_status(self, current, status):
        if not self.params["wait"] and status == "attached":
            return current
        return self.wait_for(lambda: self.get(current["id"]), lambda vol: (vol or {}).get("status") == status,
                             "%s to be %s" % (self.label(current), status))


def main():
    CivoVolume.main()


if __name__ == "__main__":
    main()
