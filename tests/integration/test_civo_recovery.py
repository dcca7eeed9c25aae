"""vmops.cloud.civo_recovery against the emulator, run as a real module process."""

from runner import civo_auth, failed, ok, run_module


def recovery(emulator, check=False, diff=False, **params):
    args = civo_auth(emulator)
    args.setdefault("wait_timeout", 20)
    args.update(params)
    return run_module("civo_recovery", args, check=check, diff=diff)


def seed_one(emulator, **kw):
    iid = emulator.seed(instances=1, **kw)["instances"][0]
    emulator.clear_journal()
    return iid


def requested(emulator, iid):
    return emulator.civo("GET", "/v2/instances/%s/recovery" % iid, region="LON1").json()["result"]


def calls(emulator):
    return [(e["method"], e["path"]) for e in emulator.journal()]


def test_enable_without_reboot_check_diff_apply_and_rerun(emulator):
    iid = seed_one(emulator)

    res = ok(recovery(emulator, check=True, diff=True, instance=iid))
    assert res["changed"] is True and res["actions"] == ["enable recovery mode"]
    assert res["diff"]["before"]["enabled"] is False and res["diff"]["after"]["enabled"] is True
    assert emulator.mutating() == []
    assert requested(emulator, iid) == "false"
    emulator.clear_journal()

    res = ok(recovery(emulator, diff=True, instance=iid))
    assert res["changed"] is True
    # The mode in effect cannot be read (no instance field shows it): never claimed.
    assert res["recovery"]["enabled"] is True and res["recovery"]["effective"] is None
    assert res["reboot_required"] is True
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("PUT", "/v2/instances/%s/recovery" % iid)]
    assert requested(emulator, iid) == "true"
    assert "recovery_mode" not in emulator.instance(iid)  # no invented field
    emulator.clear_journal()

    # Idempotent; a no-op by id reads the instance and the mode only; whether a reboot is due is unknown.
    res = ok(recovery(emulator, instance=iid))
    assert res["changed"] is False and res["actions"] == []
    assert res["reboot_required"] is None
    assert calls(emulator) == [("GET", "/v2/instances/%s" % iid), ("GET", "/v2/instances/%s/recovery" % iid)]
    assert emulator.token not in res.output


def test_requested_earlier_then_reboot_true_warns_and_force_reboot_reboots(emulator):
    # Issue 13 item 2: an earlier run failed between the PUT and its reboot.
    iid = seed_one(emulator)
    assert emulator.civo("PUT", "/v2/instances/%s/recovery" % iid, region="LON1").status_code == 200
    emulator.clear_journal()

    res = ok(recovery(emulator, instance=iid, reboot=True))
    assert res["changed"] is False and emulator.mutating() == []
    assert res["reboot_required"] is None and res["recovery"]["effective"] is None
    assert "force_reboot" in str(res.get("warnings")), res

    res = ok(recovery(emulator, check=True, diff=True, instance=iid, force_reboot=True))
    assert res["actions"] == ["reboot the instance so that recovery mode takes effect",
                              "wait for the instance to be ACTIVE in recovery mode"]
    assert res["diff"]["before"]["effective"] is None and res["diff"]["after"]["effective"] is True
    assert emulator.mutating() == []

    res = ok(recovery(emulator, instance=iid, force_reboot=True))
    assert res["changed"] is True
    assert (res["recovery"]["enabled"], res["recovery"]["effective"], res["recovery"]["status"]) == (True, True, "ACTIVE")
    assert res["reboot_required"] is False
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("POST", "/v2/instances/%s/hard_reboots" % iid)]


def test_enable_and_disable_with_reboot_by_hostname(emulator):
    iid = seed_one(emulator)
    host = emulator.instance(iid)["hostname"]

    res = ok(recovery(emulator, instance=host, reboot=True))
    assert res["actions"] == ["enable recovery mode", "reboot the instance so that recovery mode takes effect",
                              "wait for the instance to be ACTIVE in recovery mode"]
    assert res["recovery"]["effective"] is True and res["recovery"]["instance_id"] == iid
    emulator.clear_journal()

    res = ok(recovery(emulator, diff=True, instance=host, state="disabled", reboot=True))
    assert res["actions"][:2] == ["disable recovery mode", "reboot the instance so that normal mode takes effect"]
    assert res["diff"]["before"]["effective"] is None and res["diff"]["after"]["effective"] is False
    assert [e["method"] for e in emulator.mutating()] == ["DELETE", "POST"]
    inst = emulator.instance(iid)
    assert inst["status"] == "ACTIVE"
    assert requested(emulator, iid) == "false"

    res = ok(recovery(emulator, instance=host, state="disabled", reboot=True))
    assert res["changed"] is False


def test_reboot_without_wait_then_rerun_does_not_reboot_again(emulator):
    emulator.config(build_seconds=1.0)
    iid = seed_one(emulator)
    res = ok(recovery(emulator, instance=iid, reboot=True, wait=False))
    assert res["changed"] is True and res["recovery"]["status"] == "REBOOTING"
    assert res["reboot_required"] is False
    emulator.clear_journal()
    res = ok(recovery(emulator, instance=iid, reboot=True))
    assert res["changed"] is False, res
    assert emulator.mutating() == []


def test_reboot_of_a_busy_instance_waits_for_it_first(emulator):
    # Issue 14 item 5 (civo_recovery.reboot): a busy instance is settled before the reboot is sent.
    emulator.config(build_seconds=1.0)
    iid = seed_one(emulator)
    assert emulator.civo("POST", "/v2/instances/%s/hard_reboots" % iid, region="LON1").status_code == 200
    emulator.clear_journal()
    res = ok(recovery(emulator, instance=iid, reboot=True))
    assert res["changed"] is True
    posts = [e for e in emulator.journal() if e["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["status"] == 200  # sent once, accepted (not refused while REBOOTING)


def test_lost_reboot_answer_is_not_repeated(emulator):
    iid = seed_one(emulator)
    emulator.faults(1.0, ["lost_response"], match="/hard_reboots", limit=1)
    res = ok(recovery(emulator, instance=iid, reboot=True))
    assert res["changed"] is True and res["recovery"]["effective"] is True and res["adopted"] is True
    reboots = [e for e in emulator.journal() if e["path"].endswith("/hard_reboots")]
    assert len(reboots) == 1 and reboots[0]["status"] == 0  # sent once; its answer was lost


def test_refusals(emulator):
    iid = seed_one(emulator)
    res = failed(recovery(emulator, instance="no-such-host.example.com", reboot=True))
    assert res["msg"] == "Instance 'no-such-host.example.com' not found in region LON1"
    assert res["failure"]["code"] == "database_instance_not_found"
    assert emulator.mutating() == []
    emulator.clear_journal()

    missing = "6f1c1d8e-0000-4000-8000-000000000000"
    res = failed(recovery(emulator, instance=missing))
    assert res["failure"]["status"] == 404
    assert [(e["method"], e["path"]) for e in emulator.journal()] == [("GET", "/v2/instances/" + missing)]
    emulator.clear_journal()

    res = failed(recovery(emulator, instance=iid, state="on"))
    assert "state" in res["msg"]
    res = failed(recovery(emulator, instance="   "))
    assert "instance" in res["msg"]
    assert emulator.journal() == []  # refused before any request

    res = failed(recovery(emulator, instance=iid, api_key="wrong-key-123"))
    assert "authentication" in res["msg"]
    assert "wrong-key-123" not in res.output.replace("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "")
