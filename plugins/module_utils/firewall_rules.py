# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Civo firewall rules, shared by civo_firewall (rules as a set) and civo_firewall_rule (one rule).

A rule is compared by its key ``(protocol, start, end, cidrs, direction, action, label)``, normalised
from the API's shape (ports as strings, ``cidr`` an array or a string, 2019's ``inbound``) or from the
options (``ports: "22"`` or ``"8000-8100"``). A wanted rule without a label matches any label. Civo
cannot change a rule: a different rule is a delete and a create.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import ipaddress

from .answers import expect_list, expect_object
from .base import ApiError, InvalidParameterError

DEFAULT_RULES = [("tcp", p, p, ("0.0.0.0/0",), "ingress", "allow", None) for p in ("22", "80", "443")]
RULE_OPTIONS = dict(
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


def wanted_keys(rules, what="rules"):
    """The keys of rules given as options; bad ports or CIDRs are refused before any request."""
    try:
        keys = [rule_key(r) for r in rules]
    except ValueError as exc:
        raise InvalidParameterError("%s: a cidr is not valid: %s" % (what, exc))
    for key in keys:
        ports = [p for p in key[1:3] if p]
        if key[0] != "icmp" and (not ports or not all(p.isdigit() and 0 < int(p) < 65536 for p in ports)
                                 or int(key[1]) > int(key[2])):
            raise InvalidParameterError("%s: %s needs ports as a port (22) or a range (8000-8100) of 1-65535"
                                        % (what, describe(key)))
    return keys


def same(wanted, have):
    return wanted[:6] == have[:6] and wanted[6] in (None, have[6])


def describe(key):
    ports = "" if not key[1] else " %s" % (key[1] if key[1] == key[2] else "%s-%s" % key[1:3])
    return "%s %s %s%s from %s%s" % (key[4], key[5], key[0], ports, ", ".join(key[3]),
                                     " (%s)" % key[6] if key[6] else "")


def rules_of(module, firewall):
    """The rules of a listed firewall: from the list, else (``rules_count`` > 0) one GET."""
    if isinstance(firewall.get("rules"), list):
        return firewall["rules"]
    if not firewall.get("rules_count"):
        return []  # civogo: rules and rules_count are left out when there are none
    return module.api("GET", module.item_path(firewall["id"], "rules"), check=expect_list)


def add_rule(module, firewall, key):
    """POST one rule; a lost answer is looked for (a new rule of that key) and adopted. Returns the firewall."""
    body = dict(protocol=key[0], cidr=list(key[3]), direction=key[4], action=key[5])
    if key[1]:
        body.update(start_port=key[1], end_port=key[2])
    if key[6]:
        body["label"] = key[6]
    path = module.item_path(firewall["id"], "rules")
    known = set(r.get("id") for r in firewall.get("rules") or [])

    def find():
        return next((r for r in module.api("GET", path, check=expect_list)
                     if r.get("id") not in known and same(key, rule_key(r))), None)

    rule, dummy = module.client.create_or_adopt(
        lambda: module.api("POST", path, data=body, safe=False, check=expect_object), find)
    firewall = copy.deepcopy(firewall)
    firewall["rules"] = (firewall.get("rules") or []) + [rule]
    return firewall


def delete_rule(module, firewall, key, rule_id=None):
    """DELETE one rule (by id, else the first of that key); a repeated DELETE's 404 is done. Returns the firewall."""
    firewall = copy.deepcopy(firewall)
    rules = firewall.get("rules") if isinstance(firewall.get("rules"), list) else rules_of(module, firewall)
    rule_id = rule_id or next((r.get("id") for r in rules if rule_key(r) == key), None)
    if rule_id:
        try:
            module.api("DELETE", module.item_path(firewall["id"], "rules", rule_id))
        except ApiError as exc:
            if exc.status != 404 or exc.code != "database_firewall_rule_not_found":
                raise
    firewall["rules"] = [r for r in rules if r.get("id") != rule_id]
    return firewall
