#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_reserved_ip
short_description: Reserve, rename, assign, unassign or release a Civo reserved IP
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Manages the reserved (static public) IPv4 addresses of a Civo region (C(/v2/ips)), found by O(name) or O(id).
  - With O(instance), the address is assigned to that instance (moved there from another instance if needed);
    O(state=unassigned) takes it off whatever it is assigned to. Both are idempotent.
  - With O(id), a different O(name) renames the address in place.
  - Civo does all of this asynchronously; with O(wait=true) the module waits until the address is allocated and the
    assignment has taken effect.
  - A request whose answer was lost is never sent again blindly; the module looks for the address and adopts it.
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
      - Name of the reserved IP. Required to reserve one; with O(id), the address is renamed to this name.
    type: str
  id:
    description: Id of an existing reserved IP. A no-op by id costs one request.
    type: str
  instance:
    description:
      - The instance (id or hostname) the address should be assigned to. Without it the assignment is left as it is.
      - Used with O(state=present).
    type: str
  state:
    description:
      - V(present) reserves the address if there is none of that name (and assigns it with O(instance));
        V(unassigned) reserves it if needed and makes sure it is assigned to nothing; V(absent) releases it.
    type: str
    choices: [present, absent, unassigned]
    default: present
notes:
  - Check mode sends no request that changes anything; C(--diff) shows the address before and after.
seealso:
  - module: vmops.cloud.civo_reserved_ip_info
  - module: vmops.cloud.civo_instance
"""

EXAMPLES = r"""
- name: A fixed address for the web server
  vmops.cloud.civo_reserved_ip:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    name: web-ip
  register: web_ip

- name: Take it off whatever it is assigned to
  vmops.cloud.civo_reserved_ip:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: web-ip
    state: unassigned

- name: Release it
  vmops.cloud.civo_reserved_ip:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: web-ip
    state: absent
"""

RETURN = r"""
reserved_ip:
  description: The reserved IP as the API shows it after the run; V(null) when absent (in check mode, as it was found).
  returned: success
  type: dict
  sample: {"id": "9f1c...", "name": "web-ip", "ip": "74.220.1.3", "assigned_to": {"id": "4a07...", "type": "instance",
           "name": "web1.example.com"}}
adopted:
  description: V(true) when the create's answer was lost and the address was adopted.
  returned: success
  type: bool
  sample: false
duplicates_deleted:
  description: Ids of addresses of the same name that this run had reserved and released because an older one existed.
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
  sample: ["create reserved IP 'web-ip'", "assign reserved IP 'web-ip' to instance 4a07..."]
"""

import copy

from ..module_utils.civo_resources import ReservedIps
from ..module_utils.resource import Field, ResourceModule, Update, resource_spec

FREE = {"id": "", "type": "", "name": ""}


def assignee(ip):
    return ((ip or {}).get("assigned_to") or {}).get("id") or None


class CivoReservedIp(ReservedIps, ResourceModule):
    waits = True
    # No client names the code of an unknown IP; only these are taken as "absent".
    fields = (Field("name", update=Update()),)
    argument_spec = resource_spec(states=("present", "absent", "unassigned"), instance=dict(type="str"))

    def summary(self, obj):
        out = super(CivoReservedIp, self).summary(obj)
        if obj:
            out.update(ip=obj.get("ip"), assigned_to=assignee(obj))
        return out

    def extra_steps(self, plan, current):
        wanted = None
        if self.state == "present" and self.params["instance"]:
            ref = self.params["instance"]
            wanted = ref if ref == assignee(current) else self.client.require_instance(ref)["id"]
        now = assignee(current)
        if current is None and (wanted or self.params["wait"]):
            plan.step("wait for %s to get its address" % self.label(), self.wait_address)
        if now and (self.state == "unassigned" or (wanted and wanted != now)):
            plan.step("unassign %s from instance %s" % (self.label(current), now), self.action, None, changes={
                "assigned_to": None})
        if wanted and wanted != now:
            plan.step("assign %s to instance %s" % (self.label(current), wanted), self.action, wanted,
                      changes={"assigned_to": wanted})

    def wait_address(self, current):
        return self.wait_for(lambda: self.get(current["id"]), lambda ip: bool(ip and ip.get("ip")),
                             "%s to get its address" % self.label(current))

    def action(self, current, instance_id):
        # Repeating either is harmless (unassign is idempotent, an assign to the same instance too): safe to retry.
        body = dict(action="assign", assign_to_id=instance_id, assign_to_type="instance") if instance_id else dict(
            action="unassign")
        self.api("POST", self.item_path(current["id"], "actions"), data=body, safe=True)
        self.applied(current)
        if self.params["wait"]:
            return self.wait_for(lambda: self.get(current["id"]), lambda ip: assignee(ip) == instance_id,
                                 "%s to be %s" % (self.label(current), "assigned to instance %s" % instance_id
                                                  if instance_id else "unassigned"))
        current = copy.deepcopy(current)
        current["assigned_to"] = dict(FREE, id=instance_id or "", type="instance" if instance_id else "")
        return current


def main():
    CivoReservedIp.main()


if __name__ == "__main__":
    main()
