"""vmops.cloud.civo_volume and civo_volume_info against the emulator, run as real module processes."""

from runner import civo_auth, failed, ok, run_module


def vol(emulator, check=False, diff=False, **params):
    params.setdefault("wait_timeout", 20)
    return run_module("civo_volume", civo_auth(emulator, **params), check=check, diff=diff)


def api_vols(emulator):
    return {v["name"]: v for v in emulator.civo("GET", "/v2/volumes", region="LON1").json()}


def calls(emulator):
    return [(e["method"], e["path"]) for e in emulator.journal()]


def test_create_check_rerun_noop(emulator):
    res = ok(vol(emulator, check=True, diff=True, name="data", size_gb=20), changed=True)
    assert res["actions"] == ["create volume 'data'", "wait for volume 'data' to be available"]
    assert res["diff"]["after"]["size_gb"] == 20 and emulator.mutating() == []

    res = ok(vol(emulator, name="data", size_gb=20), changed=True)
    made = res["volume"]
    assert made["status"] == "available" and made["size_gb"] == 20 and made["network_id"]
    post = emulator.mutating()
    assert [(e["method"], e["path"]) for e in post] == [("POST", "/v2/volumes")]
    assert post[0]["body"]["network_id"] == made["network_id"] and post[0]["body"]["size_gb"] == 20
    emulator.clear_journal()
    ok(vol(emulator, name="data", size_gb=20), changed=False)
    assert calls(emulator) == [("GET", "/v2/volumes")]
    emulator.clear_journal()
    ok(vol(emulator, id=made["id"], size_gb=20), changed=False)
    assert calls(emulator) == [("GET", "/v2/volumes/" + made["id"])]


def test_attach_grow_detach_and_refusals(emulator):
    a, b = emulator.seed(instances=2)["instances"]
    res = ok(vol(emulator, name="data", size_gb=20, state="attached", instance=a), changed=True)
    assert res["volume"]["status"] == "attached" and res["volume"]["instance_id"] == a
    ok(vol(emulator, name="data", state="attached", instance=a), changed=False)
    emulator.clear_journal()

    res = failed(vol(emulator, name="data", size_gb=40, state="attached", instance=a), "state=detached")
    assert res["failure"]["code"] == "volume_attached_cannot_resize"
    res = failed(vol(emulator, name="data", size_gb=10), "cannot shrink", "current 20, wanted 10")
    res = failed(vol(emulator, name="data", volume_type="csi-s3"), "volume_type")
    res = failed(vol(emulator, id=api_vols(emulator)["data"]["id"], name="renamed"), "cannot rename")
    assert emulator.mutating() == []

    res = ok(vol(emulator, check=True, diff=True, name="data", size_gb=40, state="detached"), changed=True)
    assert [x.split(" ")[0] for x in res["actions"]] == ["detach", "wait", "update"]
    assert res["diff"]["after"]["size_gb"] == 40 and res["diff"]["after"]["instance_id"] is None
    assert emulator.mutating() == []
    res = ok(vol(emulator, name="data", size_gb=40, state="detached"), changed=True)
    assert res["volume"]["size_gb"] == 40 and res["volume"]["status"] == "available"
    assert [e["path"].rsplit("/", 1)[1] for e in emulator.mutating()] == ["detach", "resize"]
    ok(vol(emulator, name="data", size_gb=40, state="detached"), changed=False)

    res = ok(vol(emulator, name="data", state="attached", instance=b), changed=True)
    assert res["volume"]["instance_id"] == b
    emulator.clear_journal()
    res = ok(vol(emulator, name="data", state="attached", instance=a), changed=True)  # moved: detach, then attach
    assert [e["path"].rsplit("/", 1)[1] for e in emulator.mutating()] == ["detach", "attach"]

    res = ok(vol(emulator, name="data", state="absent"), changed=True)  # detached first
    assert res["volume"] is None and api_vols(emulator) == {}
    ok(vol(emulator, name="data", state="absent"), changed=False)
    failed(vol(emulator, name="x", size_gb=0), "at least 1")
    failed(vol(emulator, name="x"), "size_gb is required")


def test_lost_create_answer_is_adopted(emulator):
    emulator.faults(1.0, ["lost_response"], match="/v2/volumes", methods=["POST"], limit=1)
    res = ok(vol(emulator, name="data", size_gb=5), changed=True)
    assert res["adopted"] is True and list(api_vols(emulator)) == ["data"]


def test_info(emulator):
    a = emulator.seed(instances=1)["instances"][0]
    made = ok(vol(emulator, name="data", size_gb=5, state="attached", instance=a))["volume"]
    ok(vol(emulator, name="spare", size_gb=5))
    emulator.clear_journal()
    info = lambda **p: ok(run_module("civo_volume_info", civo_auth(emulator, **p)), changed=False)["volumes"]
    assert sorted(v["name"] for v in info()) == ["data", "spare"]
    assert [v["id"] for v in info(instance_id=a)] == [made["id"]]
    assert [v["name"] for v in info(id=made["id"])] == ["data"]
    assert emulator.mutating() == []
