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
seealso:
  - module: vmops.cloud.civo_firewall_info
  - module: vmops.cloud.civo_firewall_rule
  - module: vmops.cloud.civo_network
  - module: vmops.cloud.civo_instance
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
  sample: false
duplicates_deleted:
  description: Ids of firewalls of the same name that this run had created and deleted because an older one existed.
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
  sample: ["create firewall 'web'", "add rule ingress allow tcp 443 from 0.0.0.0/0 to firewall 'web'"]
"""

from ..module_utils.base import MISSING
from ..module_utils.firewall_rules import (
    DEFAULT_RULES, RULE_OPTIONS, add_rule, delete_rule, describe, rule_key, rules_of, same, wanted_keys)
from ..module_utils.civo_resources import Firewalls, default_network_id, network_id
from ..module_utils.resource import Field, ResourceModule, Update, resource_spec


class CivoFirewall(Firewalls, ResourceModule):
    fields = (
        Field("name", update=Update()),
        Field("network", key="network_id", immutable=True, resolve=network_id,
              hint="a firewall stays in its network; make a new firewall"),
    )
    argument_spec = resource_spec(
        network=dict(type="str"), create_default_rules=dict(type="bool", default=False),
        rules=dict(type="list", elements="dict", options=RULE_OPTIONS), purge_rules=dict(type="bool", default=True))

    def validate(self):
        super(CivoFirewall, self).validate()
        wanted_keys(self.params["rules"] or [])  # bad rules fail before any request

    def create_body(self):
        body = super(CivoFirewall, self).create_body()
        if "network_id" not in body:
            body["network_id"] = default_network_id(self)
        body["create_rules"] = self.params["create_default_rules"]
        return body

    def current_rules(self, current):
        if current is None:
            return [(k, None) for k in DEFAULT_RULES] if self.params["create_default_rules"] else []
        current["rules"] = rules_of(self, current)
        return [(rule_key(r), r.get("id")) for r in current["rules"]]

    def extra_steps(self, plan, current):
        if self.params["rules"] is None or self.state == "absent":
            return
        have = self.current_rules(current)
        add, drop = rule_changes(wanted_keys(self.params["rules"]), have, self.params["purge_rules"])
        name = self.label(current)
        for key in add:
            plan.step("add rule %s to %s" % (describe(key), name), self.add_rule, key)
        for key, rid in drop:
            plan.step("delete rule %s of %s" % (describe(key), name), self.delete_rule, key, rid)
        before = sorted(describe(h) for h, dummy in have)
        after = sorted(set(before) - set(describe(k) for k, dummy in drop) | set(describe(k) for k in add))
        plan.show("rules", before if current is not None else MISSING, after)

    def add_rule(self, current, key):
        return add_rule(self, current, key)

    def delete_rule(self, current, key, rule_id):
        return delete_rule(self, current, key, rule_id)


def rule_changes(wanted, have, purge):
    """The rules to add (keys) and, with ``purge``, to delete (key, id pairs) to go from ``have`` to ``wanted``."""
    add = [w for w in dict.fromkeys(wanted) if not any(same(w, h) for h, dummy in have)]
    drop = [(h, rid) for h, rid in have if not any(same(w, h) for w in wanted)] if purge else []
    return add, drop


def main():
    CivoFirewall.main()


if __name__ == "__main__":
    main()
