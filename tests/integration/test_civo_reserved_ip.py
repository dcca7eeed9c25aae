"""vmops.cloud.civo_reserved_ip and civo_reserved_ip_info against the emulator, run as real module processes."""

from runner import civo_auth, failed, ok, run_module


def rip(emulator, check=False, diff=False, **params):
    params.setdefault("wait_timeout", 20)
    return run_module("civo_reserved_ip", civo_auth(emulator, **params), check=check, diff=diff)


def api_ips(emulator):
    body = emulator.civo("GET", "/v2/ips", region="LON1").json()
    return {i["name"]: i for i in body["items"]}


def calls(emulator):
    return [(e["method"], e["path"]) for e in emulator.journal()]


def test_reserve_check_rerun_noop_rename(emulator):
    res = ok(rip(emulator, check=True, diff=True, name="web-ip"), changed=True)
    assert res["actions"] == ["create reserved IP 'web-ip'", "wait for reserved IP 'web-ip' to get its address"]
    assert emulator.mutating() == [] and api_ips(emulator) == {}
    emulator.clear_journal()

    res = ok(rip(emulator, name="web-ip"), changed=True)
    made = res["reserved_ip"]
    assert made["ip"] and made["assigned_to"]["id"] == ""
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("POST", "/v2/ips")]
    # the list is paged: the module asks for its pages
    lists = [e for e in emulator.journal() if e["path"] == "/v2/ips" and e["method"] == "GET"]
    assert len(lists) == 2 and all(e["query"].get("page") == "1" for e in lists)
    emulator.clear_journal()

    ok(rip(emulator, name="web-ip"), changed=False)
    assert calls(emulator) == [("GET", "/v2/ips")]
    emulator.clear_journal()
    ok(rip(emulator, id=made["id"]), changed=False)
    assert calls(emulator) == [("GET", "/v2/ips/" + made["id"])]
    emulator.clear_journal()

    res = ok(rip(emulator, diff=True, id=made["id"], name="web-ip-2"), changed=True)
    assert res["reserved_ip"]["name"] == "web-ip-2" and res["diff"]["after"]["name"] == "web-ip-2"
    assert [(e["method"], e["body"]) for e in emulator.mutating()] == [("PUT", {"name": "web-ip-2", "region": "LON1"})]


def test_assign_move_unassign_idempotently(emulator):
    a, b = emulator.seed(instances=2)["instances"]
    host_b = emulator.instance(b)["hostname"]
    res = ok(rip(emulator, name="web-ip", instance=a), changed=True)
    made = res["reserved_ip"]
    assert made["assigned_to"]["id"] == a and emulator.instance(a)["public_ip"] == made["ip"]
    assert [e["body"] for e in emulator.mutating() if e["path"].endswith("/actions")] == [
        {"action": "assign", "assign_to_id": a, "assign_to_type": "instance", "region": "LON1"}]
    emulator.clear_journal()

    ok(rip(emulator, id=made["id"], instance=a), changed=False)
    assert calls(emulator) == [("GET", "/v2/ips/" + made["id"])]
    emulator.clear_journal()

    res = ok(rip(emulator, check=True, diff=True, name="web-ip", instance=host_b), changed=True)
    assert res["actions"] == ["unassign reserved IP 'web-ip' (id %s) from instance %s" % (made["id"], a),
                              "assign reserved IP 'web-ip' (id %s) to instance %s" % (made["id"], b)]
    assert res["diff"]["before"]["assigned_to"] == a and res["diff"]["after"]["assigned_to"] == b
    assert emulator.mutating() == []
    res = ok(rip(emulator, name="web-ip", instance=host_b), changed=True)
    assert res["reserved_ip"]["assigned_to"]["id"] == b and emulator.instance(b)["reserved_ip"] == made["ip"]
    assert "reserved_ip" not in emulator.instance(a)
    ok(rip(emulator, name="web-ip", instance=host_b), changed=False)

    res = ok(rip(emulator, name="web-ip", state="unassigned"), changed=True)
    assert res["reserved_ip"]["assigned_to"]["id"] == ""
    ok(rip(emulator, name="web-ip", state="unassigned"), changed=False)

    failed(rip(emulator, name="web-ip", instance="ghost.example.com"), "ghost.example.com")


def test_release_and_lost_answer(emulator):
    emulator.faults(1.0, ["lost_response"], match="/v2/ips", methods=["POST"], limit=1)
    res = ok(rip(emulator, name="web-ip"), changed=True)
    assert res["adopted"] is True and len(api_ips(emulator)) == 1
    emulator.clear_faults()
    emulator.clear_journal()
    ok(rip(emulator, check=True, name="web-ip", state="absent"), changed=True)
    assert emulator.mutating() == []
    res = ok(rip(emulator, name="web-ip", state="absent"), changed=True)
    assert res["reserved_ip"] is None and api_ips(emulator) == {}
    ok(rip(emulator, name="web-ip", state="absent"), changed=False)


def test_info(emulator):
    made = ok(rip(emulator, name="web-ip"))["reserved_ip"]
    ok(rip(emulator, name="db-ip"))
    emulator.clear_journal()
    info = lambda **p: ok(run_module("civo_reserved_ip_info", civo_auth(emulator, **p)), changed=False)["reserved_ips"]
    assert sorted(i["name"] for i in info()) == ["db-ip", "web-ip"]
    assert [i["id"] for i in info(ip=made["ip"])] == [made["id"]]
    assert [i["name"] for i in info(id=made["id"])] == ["web-ip"]
    assert info(name="nope") == []
    assert emulator.mutating() == []
