"""vmops.cloud.civo_firewall_rule against the emulator, run as real module processes."""

from runner import civo_auth, failed, ok, run_module


def rule(emulator, check=False, diff=False, **params):
    return run_module("civo_firewall_rule", civo_auth(emulator, **params), check=check, diff=diff)


def rules_of(emulator, fid):
    return emulator.civo("GET", "/v2/firewalls/%s/rules" % fid, region="LON1").json()


def test_add_check_rerun_delete(emulator):
    fw = ok(run_module("civo_firewall", civo_auth(emulator, name="db", rules=[dict(ports="22")])))["firewall"]
    emulator.clear_journal()
    args = dict(firewall="db", ports="5432", cidr=["10.20.0.0/24"], label="postgres")
    res = ok(rule(emulator, check=True, diff=True, **args), changed=True)
    assert res["actions"] == ["add rule ingress allow tcp 5432 from 10.20.0.0/24 (postgres) to firewall 'db'"]
    assert res["diff"] == {"before": {}, "after": {"rule": "ingress allow tcp 5432 from 10.20.0.0/24 (postgres)"}}
    assert emulator.mutating() == []

    res = ok(rule(emulator, **args), changed=True)
    assert res["rule"]["start_port"] == "5432" and res["rule"]["cidr"] == ["10.20.0.0/24"]
    assert len(rules_of(emulator, fw["id"])) == 2  # the other rule is left alone
    emulator.clear_journal()
    ok(rule(emulator, firewall=fw["id"], ports="5432", cidr=["10.20.0.0/24"]), changed=False)  # any label matches
    assert [(e["method"], e["path"]) for e in emulator.journal()] == [("GET", "/v2/firewalls")]

    res = ok(rule(emulator, check=True, firewall="db", ports="5432", cidr=["10.20.0.0/24"], state="absent"), changed=True)
    assert emulator.mutating() == []
    emulator.faults(1.0, ["lost_response"], match="/rules/", methods=["DELETE"], limit=1)
    res = ok(rule(emulator, firewall="db", ports="5432", cidr=["10.20.0.0/24"], state="absent"), changed=True)
    assert res["rule"] is None and [r["start_port"] for r in rules_of(emulator, fw["id"])] == ["22"]
    ok(rule(emulator, firewall="db", ports="5432", cidr=["10.20.0.0/24"], state="absent"), changed=False)


def test_lost_answer_and_refusals(emulator):
    fw = ok(run_module("civo_firewall", civo_auth(emulator, name="db")))["firewall"]
    emulator.faults(1.0, ["lost_response"], match="/rules", methods=["POST"], limit=1)
    ok(rule(emulator, firewall="db", protocol="icmp"), changed=True)
    assert [r["protocol"] for r in rules_of(emulator, fw["id"])] == ["icmp"]
    emulator.clear_faults()
    emulator.clear_journal()
    failed(rule(emulator, firewall="db"), "ports")
    failed(rule(emulator, firewall="db", ports="22", cidr=["nope"]), "cidr")
    assert emulator.journal() == []
    res = failed(rule(emulator, firewall="ghost", ports="22"), "ghost", "not found")
    assert res["failure"]["code"] == "database_firewall_not_found" and emulator.mutating() == []
