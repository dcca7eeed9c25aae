"""vmops.cloud.civo_network and civo_network_info against the emulator, run as real module processes."""

from runner import civo_auth, failed, ok, run_module


def net(emulator, check=False, diff=False, **params):
    params.setdefault("wait_timeout", 20)
    return run_module("civo_network", civo_auth(emulator, **params), check=check, diff=diff)


def api_nets(emulator):
    return {n["label"]: n for n in emulator.civo("GET", "/v2/networks", region="LON1").json()}


def calls(emulator):
    return [(e["method"], e["path"]) for e in emulator.journal()]


def test_create_check_rerun_noop_by_id(emulator):
    args = dict(label="web-tier", cidr_v4="10.20.0.0/24", nameservers=["1.1.1.1"])
    res = ok(net(emulator, check=True, diff=True, **args), changed=True)
    assert res["actions"] == ["create network 'web-tier'"]
    assert res["diff"]["after"] == {"label": "web-tier", "cidr": "10.20.0.0/24", "nameservers_v4": ["1.1.1.1"]}
    assert emulator.mutating() == [] and "web-tier" not in api_nets(emulator)

    res = ok(net(emulator, **args), changed=True)
    made = res["network"]
    assert made["cidr"] == "10.20.0.0/24" and made["nameservers_v4"] == ["1.1.1.1"] and made["status"] == "Active"
    post = emulator.mutating()
    assert [(e["method"], e["path"]) for e in post] == [("POST", "/v2/networks")]
    assert post[0]["body"] == {"label": "web-tier", "cidr_v4": "10.20.0.0/24", "nameservers_v4": ["1.1.1.1"],
                               "region": "LON1"}
    emulator.clear_journal()

    ok(net(emulator, **args), changed=False)
    assert calls(emulator) == [("GET", "/v2/networks")]
    emulator.clear_journal()
    ok(net(emulator, id=made["id"], cidr_v4="10.20.0.7/24", nameservers=["1.1.1.1"]), changed=False)
    assert calls(emulator) == [("GET", "/v2/networks/" + made["id"])]


def test_rename_nameservers_and_refused_cidr(emulator):
    made = ok(net(emulator, label="web-tier", cidr_v4="10.20.0.0/24"))["network"]
    emulator.clear_journal()
    res = ok(net(emulator, diff=True, id=made["id"], label="web-2", nameservers=["9.9.9.9", "1.1.1.1"]), changed=True)
    assert res["diff"]["before"]["label"] == "web-tier" and res["diff"]["after"]["label"] == "web-2"
    assert res["diff"]["after"]["nameservers_v4"] == ["9.9.9.9", "1.1.1.1"]
    assert [(e["method"], e["body"]) for e in emulator.mutating()] == [
        ("PUT", {"label": "web-2", "nameservers_v4": ["9.9.9.9", "1.1.1.1"], "region": "LON1"})]
    assert api_nets(emulator)["web-2"]["nameservers_v4"] == ["9.9.9.9", "1.1.1.1"]
    assert res["network"]["label"] == "web-2"
    emulator.clear_journal()

    res = failed(net(emulator, label="web-2", cidr_v4="10.30.0.0/24"), "cidr_v4", "10.20.0.0/24", "10.30.0.0/24")
    assert res["failure"]["code"] == "immutable_field" and emulator.mutating() == []


def test_default_network_is_never_deleted(emulator):
    res = failed(net(emulator, label="default", state="absent"), "default network", "cannot delete")
    assert res["failure"]["code"] == "network_delete_default" and emulator.mutating() == []


def test_asynchronous_delete_is_waited_for(emulator):
    emulator.config(build_seconds=1.0)
    made = ok(net(emulator, label="tmp"))["network"]
    emulator.clear_journal()
    res = ok(net(emulator, check=True, label="tmp", state="absent"), changed=True)
    assert res["actions"] == ["delete network 'tmp' (id %s)" % made["id"],
                              "wait for network 'tmp' (id %s) to be gone" % made["id"]]
    assert emulator.mutating() == []

    res = ok(net(emulator, label="tmp", state="absent"), changed=True)
    assert res["network"] is None and "tmp" not in api_nets(emulator)
    assert [e["method"] for e in emulator.mutating()] == ["DELETE"]
    gets = [e for e in emulator.journal() if e["path"] == "/v2/networks/" + made["id"] and e["method"] == "GET"]
    assert gets[-1]["status"] == 404 and len(gets) >= 2  # it was still "Deleting" at first
    emulator.clear_journal()
    ok(net(emulator, label="tmp", state="absent"), changed=False)
    assert emulator.mutating() == []


def test_lost_create_answer_is_adopted(emulator):
    emulator.faults(1.0, ["lost_response"], match="/v2/networks", methods=["POST"], limit=1)
    res = ok(net(emulator, label="web-tier"), changed=True)
    assert res["adopted"] is True and res["network"]["label"] == "web-tier"
    assert len([e for e in emulator.journal() if e["method"] == "POST"]) == 1


def test_info(emulator):
    made = ok(net(emulator, label="web-tier"))["network"]
    emulator.clear_journal()
    info = lambda **p: ok(run_module("civo_network_info", civo_auth(emulator, **p)), changed=False)["networks"]
    assert sorted(n["label"] for n in info()) == ["default", "web-tier"]
    assert [n["label"] for n in info(default=True)] == ["default"]
    assert [n["id"] for n in info(default=False)] == [made["id"]]
    assert [n["id"] for n in info(label="web-tier")] == [made["id"]]
    assert [n["label"] for n in info(id=made["id"])] == ["web-tier"]
    assert info(id="00000000-0000-4000-8000-000000000000") == []
    assert emulator.mutating() == []
