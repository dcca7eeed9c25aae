#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_firewall_rule
short_description: Add or remove one rule of a Civo firewall
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Makes sure one rule is in (or not in) a firewall of a Civo region, leaving its other rules alone.
    To manage all the rules of a firewall at once, use M(vmops.cloud.civo_firewall) with its O(vmops.cloud.civo_firewall#module:rules).
  - A rule is found by its protocol, ports, CIDRs, direction, action and, when O(label) is given, its label.
    Civo cannot change a rule, so there is nothing to update; a different rule is another rule.
  - A create whose answer was lost is never sent again blindly; the module looks for the rule and adopts it.
extends_documentation_fragment:
  - vmops.cloud.civo
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
  firewall:
    description: The firewall, by id or exact name.
    type: str
    required: true
  protocol:
    description: V(tcp), V(udp) or V(icmp).
    type: str
    choices: [tcp, udp, icmp]
    default: tcp
  ports:
    description: A port (V(22)) or a range (V(8000-8100)). Required for V(tcp) and V(udp); not used for V(icmp).
    type: str
  cidr:
    description: The addresses the rule is about, as CIDRs.
    type: list
    elements: str
    default: [0.0.0.0/0]
  direction:
    description: V(ingress) (traffic to the instances) or V(egress) (traffic from them).
    type: str
    choices: [ingress, egress]
    default: ingress
  action:
    description: V(allow) or V(deny).
    type: str
    choices: [allow, deny]
    default: allow
  label:
    description: A label for the rule. When not given, a rule matches whatever label it has.
    type: str
  state:
    description: V(present) adds the rule if the firewall has none like it; V(absent) deletes every rule like it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode sends no request that changes anything; C(--diff) shows the rule before and after.
seealso:
  - module: vmops.cloud.civo_firewall
  - module: vmops.cloud.civo_firewall_info
"""

EXAMPLES = r"""
- name: A firewall without rules
  vmops.cloud.civo_firewall:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: db
  register: db_firewall

# In check mode a firewall that does not exist yet is not created (db_firewall.firewall is null): the
# tasks that add rules to it are skipped then.
- name: Let the application network reach PostgreSQL
  vmops.cloud.civo_firewall_rule:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    firewall: db
    ports: "5432"
    cidr: [10.20.0.0/24]
    label: postgres
  when: db_firewall.firewall is not none

- name: Close it again
  vmops.cloud.civo_firewall_rule:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    firewall: db
    ports: "5432"
    cidr: [10.20.0.0/24]
    state: absent
  when: db_firewall.firewall is not none
"""

RETURN = r"""
rule:
  description: The rule as the API shows it; V(null) when absent (in check mode, as it was found).
  returned: success
  type: dict
  sample: {"id": "r1...", "firewall_id": "f1...", "protocol": "tcp", "start_port": "5432", "end_port": "5432",
           "cidr": ["10.20.0.0/24"], "direction": "ingress", "action": "allow", "label": "postgres"}
actions:
  description: The changes made (or, in check mode, that would be made).
  returned: always
  type: list
  elements: str
  sample: ["add rule ingress allow tcp 5432 from 10.20.0.0/24 (postgres) to firewall 'db'"]
"""

from ..module_utils.base import Plan
from ..module_utils.firewall_rules import RULE_OPTIONS, add_rule, delete_rule, describe, rule_key, rules_of, same, wanted_keys
from ..module_utils.civo_resources import Firewalls
from ..module_utils.resource import ApiError, ResourceModule


class CivoFirewallRule(Firewalls, ResourceModule):
    resource_key = "rule"
    argument_spec = dict(firewall=dict(type="str", required=True), state=dict(
        type="str", default="present", choices=["present", "absent"]), **RULE_OPTIONS)

    def wanted_key(self):
        return wanted_keys([self.params], what="rule")[0]

    def validate(self):
        self.wanted_key()  # a bad rule fails before any request

    def find(self):
        """``{"firewall": the firewall with its rules, "rules": those of them that are the wanted rule}``."""
        ref = self.params["firewall"]
        firewalls = self.list_all()
        found = [f for f in firewalls if f.get("id") == ref] or [f for f in firewalls if f.get("name") == ref]
        if len(found) != 1:
            raise ApiError("firewall %r %s in region %s (firewalls: %s)" % (
                ref, "is ambiguous" if found else "not found", self.client.region,
                ", ".join(sorted(str(f.get("name")) for f in firewalls))),
                status=None if found else 404, code="ambiguous_name" if found else "database_firewall_not_found",
                reason="firewall not found" if not found else "several firewalls have that name")
        firewall = dict(found[0], rules=rules_of(self, found[0]))
        key = self.wanted_key()
        return {"firewall": firewall, "rules": [r for r in firewall["rules"] if same(key, rule_key(r))]}

    def plan(self, current):
        firewall, rules, key = current["firewall"], current["rules"], self.wanted_key()
        where = "firewall %r" % firewall.get("name")
        before = {"rule": describe(rule_key(rules[0]))} if rules else {}
        if self.params["state"] == "present" and not rules:
            plan = Plan(before=before, after={"rule": describe(key)})
            plan.step("add rule %s to %s" % (describe(key), where), self.add, key)
        elif self.params["state"] == "absent" and rules:
            plan = Plan(before=before, after={})
            for rule in rules:
                plan.step("delete rule %s of %s" % (describe(rule_key(rule)), where), self.delete, rule["id"])
        else:
            plan = Plan(before=before)
        return plan

    def add(self, current, key):
        firewall = add_rule(self, current["firewall"], key)
        return {"firewall": firewall, "rules": firewall["rules"][-1:]}

    def delete(self, current, rule_id):
        firewall = delete_rule(self, current["firewall"], None, rule_id)
        return {"firewall": firewall, "rules": [r for r in current["rules"] if r.get("id") != rule_id]}

    def result(self, current, plan):
        return {"rule": current["rules"][0] if current["rules"] else None}


def main():
    CivoFirewallRule.main()


if __name__ == "__main__":
    main()
