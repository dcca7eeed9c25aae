"""vmops.cloud.civo_snapshot and civo_snapshot_info against the emulator, run as real module processes."""

from runner import civo_auth, failed, ok, run_module


def snapshot(emulator, check=False, diff=False, **params):
    args = civo_auth(emulator)
    args.setdefault("wait_timeout", 20)
    args.update(params)
    return run_module("civo_snapshot", args, check=check, diff=diff)


def info(emulator, **params):
    args = civo_auth(emulator)
    args.update(params)
    return run_module("civo_snapshot_info", args)


def seed(emulator, n=2):
    ids = emulator.seed(instances=n)["instances"]
    emulator.clear_journal()
    return ids


def api_snapshots(emulator):
    return emulator.civo("GET", "/v2/snapshots", region="LON1").json()


def puts(emulator, name):
    return [e for e in emulator.journal() if e["method"] == "PUT" and e["path"] == "/v2/snapshots/" + name]


def test_take_check_diff_apply_and_rerun(emulator):
    a, dummy = seed(emulator)

    res = ok(snapshot(emulator, check=True, diff=True, name="nightly", instance=a))
    # the wait is a step of its own, listed in actions (issue 15)
    assert res["changed"] is True and res["actions"] == ["take snapshot nightly of instance %s" % a,
                                                         "wait for snapshot nightly to be complete"]
    assert res["diff"]["before"] == {}
    assert res["diff"]["after"] == dict(name="nightly", instance_id=a, safe=False, cron_timing=None, status="complete")
    assert emulator.mutating() == []
    assert api_snapshots(emulator) == []
    emulator.clear_journal()

    res = ok(snapshot(emulator, diff=True, name="nightly", instance=a))
    assert res["changed"] is True and res["adopted"] is False
    snap = res["snapshot"]
    assert snap["name"] == "nightly" and snap["instance_id"] == a and snap["status"] == "complete"
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("PUT", "/v2/snapshots/nightly")]
    emulator.clear_journal()

    # Idempotent: a no-op by instance id is one request.
    res = ok(snapshot(emulator, diff=True, name="nightly", instance=a))
    assert res["changed"] is False and res["actions"] == []
    assert res["diff"]["before"] == res["diff"]["after"]
    assert [(e["method"], e["path"]) for e in emulator.journal()] == [("GET", "/v2/snapshots")]


def test_other_instance_refused_then_forced_retake(emulator):
    a, b = seed(emulator)
    ok(snapshot(emulator, name="nightly", instance=a))
    host_b = emulator.instance(b)["hostname"]
    emulator.clear_journal()

    res = failed(snapshot(emulator, name="nightly", instance=host_b))
    assert "force=true" in res["msg"] and a in res["msg"]
    assert res["failure"]["code"] == "snapshot_of_other_instance"
    assert emulator.mutating() == []

    res = ok(snapshot(emulator, check=True, diff=True, name="nightly", instance=host_b, force=True))
    assert res["changed"] is True and res["actions"][0].startswith("retake snapshot nightly of instance %s" % b)
    assert res["diff"]["before"]["instance_id"] == a and res["diff"]["after"]["instance_id"] == b
    assert emulator.mutating() == []

    res = ok(snapshot(emulator, name="nightly", instance=host_b, force=True))
    assert res["changed"] is True and res["snapshot"]["instance_id"] == b
    assert res["snapshot"]["status"] == "complete"
    assert [s["instance_id"] for s in api_snapshots(emulator)] == [b]

    # force always retakes, also on the same instance
    before = api_snapshots(emulator)[0]["requested_at"]
    emulator.clear_journal()
    res = ok(snapshot(emulator, name="nightly", instance=b, force=True, wait=False))
    assert res["changed"] is True and len(puts(emulator, "nightly")) == 1
    assert res["snapshot"]["status"] in ("new", "in-progress")
    assert api_snapshots(emulator)[0]["requested_at"] >= before
    # without force, a snapshot still being taken is waited for (no change)
    res = ok(snapshot(emulator, name="nightly", instance=b))
    assert res["changed"] is False and res["snapshot"]["status"] == "complete"


def test_scheduled_snapshot_is_not_waited_for(emulator):
    a, dummy = seed(emulator)
    res = ok(snapshot(emulator, name="weekly", instance=a, cron_timing="0 3 * * 1", safe=True))
    assert res["changed"] is True
    assert res["snapshot"]["cron_timing"] == "0 3 * * 1" and res["snapshot"]["status"] == "new"
    body = puts(emulator, "weekly")[0]["body"]
    assert body["instance_id"] == a and body["safe"] is True and body["cron_timing"] == "0 3 * * 1"
    res = ok(snapshot(emulator, name="weekly", instance=a, cron_timing="0 3 * * 1", safe=True))
    assert res["changed"] is False


def test_absent_check_apply_rerun(emulator):
    a, dummy = seed(emulator)
    ok(snapshot(emulator, name="old", instance=a))
    emulator.clear_journal()

    res = ok(snapshot(emulator, check=True, diff=True, name="old", state="absent"))
    assert res["changed"] is True and res["actions"] == ["delete snapshot old"]
    assert res["diff"]["before"]["name"] == "old" and res["diff"]["after"] == {}
    assert emulator.mutating() == []

    res = ok(snapshot(emulator, name="old", state="absent"))
    assert res["changed"] is True and res["snapshot"] is None
    assert [(e["method"], e["path"], e["status"]) for e in emulator.mutating()] == [
        ("DELETE", "/v2/snapshots/old", 202)]
    assert api_snapshots(emulator) == []
    emulator.clear_journal()

    res = ok(snapshot(emulator, name="old", state="absent"))
    assert res["changed"] is False and emulator.mutating() == []


def test_lost_put_is_adopted_not_retaken(emulator):
    a, dummy = seed(emulator)
    emulator.faults(1.0, ["lost_response"], match="/v2/snapshots/", methods=["PUT"], limit=1)
    res = ok(snapshot(emulator, name="nightly", instance=a))
    assert res["changed"] is True and res["adopted"] is True
    assert res["snapshot"]["status"] == "complete"
    sent = puts(emulator, "nightly")
    assert len(sent) == 1 and sent[0]["status"] == 0


def test_refusals_before_any_request(emulator):
    a, dummy = seed(emulator)
    res = failed(snapshot(emulator, name="x", instance=a, cron_timing="every monday"))
    assert "five fields" in res["msg"]
    res = failed(snapshot(emulator, name="x"))
    assert "instance" in res["msg"]
    res = failed(snapshot(emulator, name="..", instance=a))
    assert "snapshot name" in res["msg"]
    assert emulator.journal() == []

    res = failed(snapshot(emulator, name="x", instance="ghost.example.com"))
    assert "ghost.example.com" in res["msg"] and emulator.mutating() == []

    # The API's own refusal comes back as a message, not a traceback.
    res = failed(snapshot(emulator, name="Not_Valid", instance=a))
    assert res["failure"]["status"] == 400 and res["failure"]["code"] == "parameter_name_invalid"


def test_info(emulator):
    a, b = seed(emulator)
    for name, iid, cron in (("one", a, ""), ("two", b, "0 1 * * *"), ("three", a, "0 2 * * *")):
        assert emulator.civo("PUT", "/v2/snapshots/" + name, instance_id=iid, cron_timing=cron,
                             region="LON1").status_code == 200
    emulator.clear_journal()

    res = ok(info(emulator))
    assert res["changed"] is False
    assert sorted(s["name"] for s in res["snapshots"]) == ["one", "three", "two"]
    assert sorted(s["name"] for s in ok(info(emulator, instance=a))["snapshots"]) == ["one", "three"]
    assert [s["name"] for s in ok(info(emulator, instance=emulator.instance(b)["hostname"]))["snapshots"]] == ["two"]
    assert [s["instance_id"] for s in ok(info(emulator, name="one"))["snapshots"]] == [a]
    assert ok(info(emulator, name="nope"))["snapshots"] == []
    assert emulator.mutating() == []
