"""vmops.cloud.civo_firewall and civo_firewall_info against the emulator, run as real module processes."""

from runner import civo_auth, failed, ok, run_module

RULES = [dict(ports="22", cidr=["203.0.113.0/24"], label="ssh-office"), dict(ports=443), dict(protocol="icmp")]


def fw(emulator, check=False, diff=False, **params):
    return run_module("civo_firewall", civo_auth(emulator, **params), check=check, diff=diff)


def api_fws(emulator):
    return {f["name"]: f for f in emulator.civo("GET", "/v2/firewalls", region="LON1").json()}


def rules_of(emulator, fid):
    return emulator.civo("GET", "/v2/firewalls/%s/rules" % fid, region="LON1").json()


def calls(emulator):
    return [(e["method"], e["path"]) for e in emulator.journal()]


def test_create_with_rules_check_rerun_noop(emulator):
    res = ok(fw(emulator, check=True, diff=True, name="web", rules=RULES), changed=True)
    assert res["actions"][0] == "create firewall 'web'" and len(res["actions"]) == 4
    assert "add rule ingress allow tcp 22 from 203.0.113.0/24 (ssh-office) to firewall 'web'" in res["actions"]
    assert res["diff"]["before"] == {}
    assert res["diff"]["after"]["rules"] == sorted(["ingress allow tcp 22 from 203.0.113.0/24 (ssh-office)",
                                                    "ingress allow tcp 443 from 0.0.0.0/0",
                                                    "ingress allow icmp from 0.0.0.0/0"])
    assert emulator.mutating() == [] and "web" not in api_fws(emulator)
    emulator.clear_journal()

    res = ok(fw(emulator, name="web", rules=RULES), changed=True)
    made = res["firewall"]
    assert len(made["rules"]) == 3
    mutating = emulator.mutating()
    assert [(e["method"], e["path"]) for e in mutating][0] == ("POST", "/v2/firewalls")
    assert mutating[0]["body"]["create_rules"] is False and mutating[0]["body"]["network_id"]
    assert [e["body"] for e in mutating[1:]] == [
        {"protocol": "tcp", "start_port": "22", "end_port": "22", "cidr": ["203.0.113.0/24"], "direction": "ingress",
         "action": "allow", "label": "ssh-office", "region": "LON1"},
        {"protocol": "tcp", "start_port": "443", "end_port": "443", "cidr": ["0.0.0.0/0"], "direction": "ingress",
         "action": "allow", "region": "LON1"},
        {"protocol": "icmp", "cidr": ["0.0.0.0/0"], "direction": "ingress", "action": "allow", "region": "LON1"}]
    stored = rules_of(emulator, made["id"])
    assert all(isinstance(r["start_port"], str) and isinstance(r["cidr"], list) for r in stored)
    emulator.clear_journal()

    # Same rules, other order and spelling: no change, one request (the list carries the rules).
    ok(fw(emulator, name="web", rules=[dict(protocol="icmp"), dict(ports="443", cidr=["0.0.0.0/0"]),
                                       dict(ports="22", cidr=["203.0.113.7/24"])]), changed=False)
    assert calls(emulator) == [("GET", "/v2/firewalls")]
    emulator.clear_journal()
    ok(fw(emulator, id=made["id"], rules=RULES), changed=False)
    assert calls(emulator) == [("GET", "/v2/firewalls")]


def test_rule_changes_are_delete_and_create_with_diff(emulator):
    made = ok(fw(emulator, name="web", rules=RULES))["firewall"]
    emulator.clear_journal()
    wanted = [RULES[0], dict(ports="8443")]
    res = ok(fw(emulator, check=True, diff=True, name="web", rules=wanted), changed=True)
    assert res["actions"] == ["add rule ingress allow tcp 8443 from 0.0.0.0/0 to firewall 'web' (id %s)" % made["id"],
                              "delete rule ingress allow tcp 443 from 0.0.0.0/0 of firewall 'web' (id %s)" % made["id"],
                              "delete rule ingress allow icmp from 0.0.0.0/0 of firewall 'web' (id %s)" % made["id"]]
    assert "ingress allow tcp 443 from 0.0.0.0/0" in res["diff"]["before"]["rules"]
    assert "ingress allow tcp 8443 from 0.0.0.0/0" in res["diff"]["after"]["rules"]
    assert emulator.mutating() == []

    res = ok(fw(emulator, name="web", rules=wanted), changed=True)
    assert [e["method"] for e in emulator.mutating()] == ["POST", "DELETE", "DELETE"]
    assert sorted(r["start_port"] for r in rules_of(emulator, made["id"])) == ["22", "8443"]
    assert sorted(r["start_port"] for r in res["firewall"]["rules"]) == ["22", "8443"]
    ok(fw(emulator, name="web", rules=wanted), changed=False)

    # purge_rules=false only adds
    emulator.clear_journal()
    ok(fw(emulator, name="web", purge_rules=False, rules=[dict(protocol="udp", ports="53")]), changed=True)
    assert [e["method"] for e in emulator.mutating()] == ["POST"] and len(rules_of(emulator, made["id"])) == 3


def test_default_rules_rename_and_network_refusal(emulator):
    res = ok(fw(emulator, name="open", create_default_rules=True), changed=True)
    made = res["firewall"]
    assert sorted(r["start_port"] for r in made["rules"]) == ["22", "443", "80"]
    assert emulator.mutating()[0]["body"]["create_rules"] is True
    # the default rules count as present
    ok(fw(emulator, name="open", rules=[dict(ports="22"), dict(ports="80"), dict(ports="443")]), changed=False)

    emulator.clear_journal()
    res = ok(fw(emulator, diff=True, id=made["id"], name="open-2"), changed=True)
    assert res["diff"]["after"]["name"] == "open-2" and res["firewall"]["name"] == "open-2"
    assert [(e["method"], e["body"]) for e in emulator.mutating()] == [("PUT", {"name": "open-2", "region": "LON1"})]

    net = emulator.civo("POST", "/v2/networks", label="other", region="LON1").json()["id"]
    emulator.clear_journal()
    res = failed(fw(emulator, name="open-2", network="other"), "network", net)
    assert res["failure"]["code"] == "immutable_field" and emulator.mutating() == []
    failed(fw(emulator, name="new", network="nope"), "network 'nope'", "default")
    # by label: the firewall is made in that network
    made = ok(fw(emulator, name="in-other", network="other"))["firewall"]
    assert made["network_id"] == net


def test_bad_rules_are_refused_before_any_request(emulator):
    failed(fw(emulator, name="web", rules=[dict(protocol="tcp")]), "ports")
    failed(fw(emulator, name="web", rules=[dict(ports="70000")]), "ports")
    failed(fw(emulator, name="web", rules=[dict(ports="22", cidr=["10.0.0.300/8"])]), "cidr")
    failed(fw(emulator, name="web", rules=[dict(ports="22", direction="inbound")]), "direction")
    assert emulator.journal() == []


def test_delete_and_lost_answers(emulator):
    emulator.faults(1.0, ["lost_response"], match="/rules", methods=["POST"], limit=1)
    res = ok(fw(emulator, name="web", rules=RULES[:1]), changed=True)
    assert len(rules_of(emulator, res["firewall"]["id"])) == 1 and len(res["firewall"]["rules"]) == 1
    emulator.clear_faults()
    emulator.faults(1.0, ["lost_response"], match="/v2/firewalls", methods=["POST"], limit=1)
    res = ok(fw(emulator, name="web2"), changed=True)
    assert res["adopted"] is True and list(api_fws(emulator)).count("web2") == 1
    emulator.clear_faults()

    emulator.clear_journal()
    ok(fw(emulator, check=True, name="web", state="absent"), changed=True)
    assert emulator.mutating() == []
    emulator.faults(1.0, ["lost_response"], match="/v2/firewalls/", methods=["DELETE"], limit=1)
    res = ok(fw(emulator, name="web", state="absent"), changed=True)
    assert res["firewall"] is None and "web" not in api_fws(emulator)
    ok(fw(emulator, name="web", state="absent"), changed=False)


def test_info(emulator):
    made = ok(fw(emulator, name="web", rules=RULES))["firewall"]
    empty = ok(fw(emulator, name="empty"))["firewall"]
    emulator.clear_journal()
    info = lambda **p: ok(run_module("civo_firewall_info", civo_auth(emulator, **p)), changed=False)["firewalls"]
    assert sorted(f["name"] for f in info()) == ["default", "empty", "restrictive-firewall", "web"]
    one = info(name="web")
    assert [f["id"] for f in one] == [made["id"]] and len(one[0]["rules"]) == 3
    assert info(id=empty["id"])[0]["rules"] == []
    assert emulator.mutating() == []
