#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_firewall
short_description: Create, rename or delete a Civo firewall and keep its rules
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Manages the firewalls of a Civo region (C(/v2/firewalls)), found by O(name) or O(id), and their rules.
  - O(rules) is the list of rules the firewall should have, compared as a set. Rules missing from the firewall are
    added, and with O(purge_rules=true) rules that are not listed are deleted. Civo cannot change a rule; a changed
    rule is deleted and created again (new rules are added before old ones are deleted). C(--diff) shows the rules
    before and after.
  - A firewall belongs to one network, which cannot change; a different O(network) is refused.
  - With O(id), a different O(name) renames the firewall in place.
  - A create whose answer was lost is never sent again blindly; the module looks for the firewall and adopts it.
extends_documentation_fragment:
  - vmops.cloud.civo
options:
  name:
    description:
      - Name of the firewall, unique in the region. Required to create one.
      - With O(id), the firewall is renamed to this name.
    type: str
  id:
    description: Id of an existing firewall. A no-op by id costs one request.
    type: str
  network:
    description:
      - The network of a new firewall, by id or label. Defaults to the region's default network.
      - Cannot change once the firewall exists.
    type: str
  create_default_rules:
    description:
      - Whether Civo adds its default rules to a new firewall (ingress TCP 22, 80 and 443 from anywhere).
      - With V(false) (the default) a new firewall has only the rules in O(rules).
    type: bool
    default: false
  rules:
    description:
      - The rules the firewall should have. Omit to leave the rules alone.
    type: list
    elements: dict
    suboptions:
      protocol:
        description: V(tcp), V(udp) or V(icmp).
        type: str
        choices: [tcp, udp, icmp]
        default: tcp
      ports:
        description:
          - A port (V(22)) or a range (V(8000-8100)). Required for V(tcp) and V(udp); not used for V(icmp).
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
  purge_rules:
    description: Delete the rules of the firewall that are not in O(rules). Used only when O(rules) is given.
    type: bool
    default: true
  state:
    description: V(present) creates the firewall if there is none of that name; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode sends no request that changes anything.
"""

EXAMPLES = r"""
- name: A firewall that lets in SSH from the office and HTTPS from anywhere
  vmops.cloud.civo_firewall:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    name: web
    rules:
      - ports: "22"
        cidr: [203.0.113.0/24]
        label: ssh-office
      - ports: "443"
      - protocol: icmp
  register: fw

- name: Add a rule and keep the others (purge_rules=false)
  vmops.cloud.civo_firewall:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: web
    purge_rules: false
    rules:
      - ports: "8000-8100"
        cidr: [10.0.0.0/8]

- name: Delete it
  vmops.cloud.civo_firewall:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: web
    state: absent
"""

RETURN = r"""
firewall:
  description:
    - The firewall as the API shows it after the run, with its C(rules) when it has any; V(null) when absent.
    - In check mode, as it was found.
  returned: success
  type: dict
  sample: {"id": "f1...", "name": "web", "network_id": "n1...", "rules": [{"id": "r1...", "protocol": "tcp",
           "start_port": "22", "end_port": "22", "cidr": ["203.0.113.0/24"], "direction": "ingress", "action": "allow",
           "label": "ssh-office"}]}
adopted:
  description: V(true) when the create's answer was lost (or another run created the name first) and the firewall was adopted.
  returned: success
  type: bool
duplicates_deleted:
  description: Ids of firewalls of the same name that this run had created and deleted because an older one existed.
  returned: when there were any
  type: list
  elements: str
actions:
  description: The changes made (or, in check mode, that would be made).
  returned: always
  type: list
  elements: str
  sample: ["create firewall 'web'", "add rule ingress allow tcp 443 from 0.0.0.0/0 to firewall 'web'"]
"""

import copy
import ipaddress

from ..module_utils.resource import (
    ApiError, Field, InvalidParameterError, ResourceModule, Update, answer_list, answer_object, default_network_id, network_id,
    resource_spec)

DEFAULT_RULES = [("tcp", p, p, ("0.0.0.0/0",), "ingress", "allow", None) for p in ("22", "80", "443")]
RULE_SPEC = dict(
    protocol=dict(type="str", default="tcp", choices=["tcp", "udp", "icmp"]),
    ports=dict(type="str"),
    cidr=dict(type="list", elements="str", default=["0.0.0.0/0"]),
    direction=dict(type="str", default="ingress", choices=["ingress", "egress"]),
    action=dict(type="str", default="allow", choices=["allow", "deny"]),
    label=dict(type="str"),
)


def rule_key(rule):
    """``(protocol, start, end, cidrs, direction, action, label)`` of a rule from the API or the options."""
    protocol = (rule.get("protocol") or "tcp").lower()
    start, end = str(rule.get("start_port") or ""), str(rule.get("end_port") or "")
    if rule.get("ports") and not start:
        start, dummy, end = str(rule["ports"]).partition("-")
    start, end = (start.strip(), (end or start).strip()) if protocol != "icmp" else ("", "")
    cidr = rule.get("cidr") or ["0.0.0.0/0"]
    cidr = [cidr] if isinstance(cidr, str) else cidr
    cidr = tuple(sorted(str(ipaddress.ip_network(c.strip(), strict=False)) for c in cidr))
    direction = {"inbound": "ingress", "outbound": "egress"}.get(rule.get("direction"), rule.get("direction"))
    return (protocol, start, end, cidr, direction or "ingress", rule.get("action") or "allow", rule.get("label") or None)


def same(wanted, have):
    return wanted[:6] == have[:6] and wanted[6] in (None, have[6])


def describe(key):
    ports = "" if not key[1] else " %s" % (key[1] if key[1] == key[2] else "%s-%s" % key[1:3])
    return "%s %s %s%s from %s%s" % (key[4], key[5], key[0], ports, ", ".join(key[3]),
                                     " (%s)" % key[6] if key[6] else "")


class CivoFirewall(ResourceModule):
    resource_key = "firewall"
    path = "firewalls"
    what = "firewall"
    get_by_id = False
    absent_codes = ("database_firewall_not_found",)
    duplicate_codes = ("database_firewall_duplicate_name", "firewall_duplicate")
    fields = (
        Field("name", update=Update()),
        Field("network", key="network_id", immutable=True, resolve=network_id,
              hint="a firewall stays in its network; make a new firewall"),
    )
    argument_spec = resource_spec(
        network=dict(type="str"), create_default_rules=dict(type="bool", default=False),
        rules=dict(type="list", elements="dict", options=RULE_SPEC), purge_rules=dict(type="bool", default=True))

    def validate(self):
        super(CivoFirewall, self).validate()
        try:
            self.wanted_rules = [rule_key(r) for r in self.params["rules"] or []]
        except ValueError as exc:
            raise InvalidParameterError("rules: a cidr is not valid: %s" % exc)
        for key in self.wanted_rules:
            ports = [p for p in key[1:3] if p]
            if key[0] != "icmp" and (not ports or not all(p.isdigit() and 0 < int(p) < 65536 for p in ports)
                                     or int(key[1]) > int(key[2])):
                raise InvalidParameterError("rules: %s needs ports as a port (22) or a range (8000-8100) of 1-65535"
                                            % describe(key))

    def create_body(self):
        body = super(CivoFirewall, self).create_body()
        if "network_id" not in body:
            body["network_id"] = default_network_id(self)
        body["create_rules"] = self.params["create_default_rules"]
        return body

    def current_rules(self, current):
        if current is None:
            return [(k, None) for k in DEFAULT_RULES] if self.params["create_default_rules"] else []
        if isinstance(current.get("rules"), list):
            return [(rule_key(r), r.get("id")) for r in current["rules"]]
        if not current.get("rules_count"):
            return []  # civogo: rules and rules_count are left out when there are none
        rules = self.api("GET", self.item_path(current["id"], "rules"), check=answer_list)
        current["rules"] = rules
        return [(rule_key(r), r.get("id")) for r in rules]

    def extra_steps(self, plan, current):
        if self.params["rules"] is None or self.state == "absent":
            return
        have = self.current_rules(current)
        add = [w for w in dict.fromkeys(self.wanted_rules) if not any(same(w, h) for h, dummy in have)]
        drop = [(h, rid) for h, rid in have if not any(same(w, h) for w in self.wanted_rules)]
        drop = drop if self.params["purge_rules"] else []
        name = self.label(current)
        for key in add:
            plan.step("add rule %s to %s" % (describe(key), name), self.add_rule, key)
        for key, rid in drop:
            plan.step("delete rule %s of %s" % (describe(key), name), self.delete_rule, key, rid)
        before = sorted(describe(h) for h, dummy in have)
        if current is not None:
            plan.before["rules"] = before
        plan.after["rules"] = sorted(set(before) - set(describe(k) for k, dummy in drop)
                                     | set(describe(k) for k in add))

    def add_rule(self, current, key):
        body = dict(protocol=key[0], cidr=list(key[3]), direction=key[4], action=key[5])
        if key[1]:
            body.update(start_port=key[1], end_port=key[2])
        if key[6]:
            body["label"] = key[6]
        path = self.item_path(current["id"], "rules")
        known = set(r.get("id") for r in current.get("rules") or [])

        def find():  # after a lost answer: the new rule, if the POST was applied
            return next((r for r in self.api("GET", path, check=answer_list)
                         if r.get("id") not in known and same(key, rule_key(r))), None)

        rule, adopted = self.client.create_or_adopt(
            lambda: self.api("POST", path, data=body, safe=False, check=answer_object), find)
        current = copy.deepcopy(current)
        current["rules"] = current.get("rules") or []
        current["rules"].append(rule)
        return current

    def delete_rule(self, current, key, rule_id):
        current = copy.deepcopy(current)
        rules = current.get("rules") if isinstance(current.get("rules"), list) else self.api(
            "GET", self.item_path(current["id"], "rules"), check=answer_list)
        rule_id = rule_id or next((r.get("id") for r in rules if rule_key(r) == key), None)
        if rule_id:
            try:
                self.api("DELETE", self.item_path(current["id"], "rules", rule_id))
            except ApiError as exc:  # a repeated DELETE after a lost answer: the rule is gone
                if exc.status != 404 or exc.code != "database_firewall_rule_not_found":
                    raise
        current["rules"] = [r for r in rules if r.get("id") != rule_id]
        return current


def main():
    CivoFirewall.main()


if __name__ == "__main__":
    main()
