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
    assert res["recovery"]["enabled"] is True and res["recovery"]["effective"] is False
    assert res["reboot_required"] is True
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("PUT", "/v2/instances/%s/recovery" % iid)]
    assert requested(emulator, iid) == "true"
    assert emulator.instance(iid)["recovery_mode"] is False  # not in effect before a reboot
    emulator.clear_journal()

    # Idempotent; a no-op by id reads the instance and the mode only.
    res = ok(recovery(emulator, instance=iid))
    assert res["changed"] is False and res["actions"] == []
    assert res["reboot_required"] is True
    assert calls(emulator) == [("GET", "/v2/instances/%s" % iid), ("GET", "/v2/instances/%s/recovery" % iid)]
    assert emulator.token not in res.output


def test_requested_but_not_effective_reboots_once(emulator):
    iid = seed_one(emulator)
    assert emulator.civo("PUT", "/v2/instances/%s/recovery" % iid, region="LON1").status_code == 200
    emulator.clear_journal()

    res = ok(recovery(emulator, check=True, diff=True, instance=iid, reboot=True))
    assert res["actions"] == ["reboot the instance so that recovery mode takes effect"]
    assert res["diff"]["before"]["effective"] is False and res["diff"]["after"]["effective"] is True
    assert emulator.mutating() == []

    res = ok(recovery(emulator, instance=iid, reboot=True))
    assert res["changed"] is True
    assert (res["recovery"]["enabled"], res["recovery"]["effective"], res["recovery"]["status"]) == (True, True, "ACTIVE")
    assert res["reboot_required"] is False
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("POST", "/v2/instances/%s/reboots" % iid)]
    assert emulator.instance(iid)["recovery_mode"] is True
    emulator.clear_journal()

    res = ok(recovery(emulator, instance=iid, reboot=True))
    assert res["changed"] is False and res["reboot_required"] is False
    assert emulator.mutating() == []
    assert len(emulator.journal()) == 2


def test_enable_and_disable_with_reboot_by_hostname(emulator):
    iid = seed_one(emulator)
    host = emulator.instance(iid)["hostname"]

    res = ok(recovery(emulator, instance=host, reboot=True))
    assert res["actions"] == ["enable recovery mode", "reboot the instance so that recovery mode takes effect"]
    assert res["recovery"]["effective"] is True and res["recovery"]["instance_id"] == iid
    emulator.clear_journal()

    res = ok(recovery(emulator, diff=True, instance=host, state="disabled", reboot=True))
    assert res["actions"] == ["disable recovery mode", "reboot the instance so that normal mode takes effect"]
    assert res["diff"]["before"]["effective"] is True and res["diff"]["after"]["effective"] is False
    assert [e["method"] for e in emulator.mutating()] == ["DELETE", "POST"]
    inst = emulator.instance(iid)
    assert inst["recovery_mode"] is False and inst["status"] == "ACTIVE"
    assert requested(emulator, iid) == "false"

    res = ok(recovery(emulator, instance=host, state="disabled", reboot=True))
    assert res["changed"] is False


def test_reboot_without_wait_then_rerun_waits_for_it_instead_of_rebooting_again(emulator):
    emulator.config(build_seconds=1.0)
    iid = seed_one(emulator)
    res = ok(recovery(emulator, instance=iid, reboot=True, wait=False))
    assert res["changed"] is True and res["recovery"]["status"] == "REBOOTING"
    assert res["reboot_required"] is False
    emulator.clear_journal()
    # Still rebooting: the module waits for the reboot under way; nothing is left to change.
    res = ok(recovery(emulator, instance=iid, reboot=True))
    assert res["changed"] is False, res
    assert emulator.mutating() == []
    assert res["recovery"]["effective"] is True and res["recovery"]["status"] == "ACTIVE"


def test_lost_reboot_answer_is_not_repeated(emulator):
    iid = seed_one(emulator)
    emulator.faults(1.0, ["lost_response"], match="/reboots", limit=1)
    res = ok(recovery(emulator, instance=iid, reboot=True))
    assert res["changed"] is True and res["recovery"]["effective"] is True
    reboots = [e for e in emulator.journal() if e["path"].endswith("/reboots")]
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
