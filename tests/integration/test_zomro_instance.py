"""vmops.cloud.zomro_instance (power state) against the emulator, run as a real module process; also the
real-shape paths shared by the Zomro modules (paging, two-factor accounts, the old shape, a failure after a
change)."""

import threading
import time

import yaml

from runner import failed, ok, run_module, run_playbook, zomro_auth

ELID = "5203773"
NAME = "vps-5203773.zomro.example"
UBUNTU = "f8f2573f-56c4-44c5-8469-84eee4aa64e7"


def power(emulator, creds=None, check=False, diff=False, **params):
    args = dict(creds if creds is not None else zomro_auth(emulator))
    args.setdefault("wait_timeout", 20)
    args.update(params)
    return run_module("zomro_instance", args, check=check, diff=diff)


def token_auth(emulator):
    sid = emulator.zomro_login()
    emulator.clear_journal()
    return dict(api_url=emulator.url + "/", auth_token=sid), sid


def funcs(emulator):
    return [e["func"] for e in emulator.journal()]


def state(emulator, elid=ELID):
    doc = emulator.zomro(func="instances", p_cnt="1000",
                         authinfo="%s:%s" % (emulator.zomro_user, emulator.zomro_password))
    return [e for e in doc["doc"]["elem"] if e["id"]["$"] == elid][0]["instance_status"]["$"].strip().lower()


def power_calls(emulator):
    return [e for e in emulator.journal() if e["func"].startswith("service.")]


def zomro_sim(emulator, **settings):
    return emulator._sim("POST", "zomro", json=settings)


# -- stop, start, restart ---------------------------------------------------------------------------------

def test_stop_then_idempotent_then_start(emulator):
    res = ok(power(emulator, instance=NAME, state="stopped"), changed=True)
    assert res["actions"] == ["stop %s (id %s) with service.stop" % (NAME, ELID), "wait until the instance is stopped"]
    assert res["instance"]["state"] == "stopped" and res["instance"]["id"] == ELID
    assert [c["form"]["elid"] for c in power_calls(emulator)] == [ELID]
    assert funcs(emulator)[:3] == ["auth", "instances", "service.stop"]
    assert set(funcs(emulator)[3:]) == {"instances"}
    assert state(emulator) == "stopped"
    assert emulator.zomro_password not in res.output

    # Second run: nothing to do; with a valid session exactly one request.
    creds, sid = token_auth(emulator)
    again = ok(power(emulator, creds=creds, instance=ELID, state="stopped"), changed=False)
    assert again["actions"] == [] and funcs(emulator) == ["instances"]
    assert sid not in again.output

    emulator.clear_journal()
    started = ok(power(emulator, creds=creds, instance=ELID, state="started", wait=False), changed=True)
    assert started["instance"]["state"] == "starting"
    assert started["actions"] == ["start %s (id %s) with service.start" % (NAME, ELID)]
    assert funcs(emulator) == ["instances", "service.start", "instances"]


def test_restarted_soft_and_hard(emulator):
    res = ok(power(emulator, instance=ELID, state="restarted"), changed=True)
    assert "service.reboot" in res["actions"][0] and res["instance"]["state"] == "active"
    hard = ok(power(emulator, instance=ELID, state="restarted", hard=True), changed=True)
    assert hard["actions"][0].startswith("hard reboot") and "service.hardreboot" in hard["actions"][0]
    assert [c["func"] for c in power_calls(emulator)] == ["service.reboot", "service.hardreboot"]


def test_check_mode_and_diff_send_nothing(emulator):
    res = ok(power(emulator, check=True, diff=True, instance=ELID, state="stopped"), changed=True)
    assert res["diff"] == {"before": {"state": "active"}, "after": {"state": "stopped"}}
    assert len(res["actions"]) == 2 and res["instance"]["state"] == "active"
    assert emulator.mutating() == [] and power_calls(emulator) == []
    assert state(emulator) == "active"
    real = ok(power(emulator, diff=True, instance=ELID, state="stopped"))
    assert real["diff"] == res["diff"]


def test_wait_for_a_state_in_progress_before_deciding(emulator):
    emulator.config(build_seconds=1.0)
    creds, sid = token_auth(emulator)
    emulator.zomro(func="service.stop", auth=sid, elid=ELID)
    emulator.clear_journal()
    # Stopping is not on the way to "started": wait until stopped, then start.
    res = ok(power(emulator, creds=creds, instance=ELID, state="started"), changed=True)
    assert res["instance"]["state"] == "active"
    assert [c["func"] for c in power_calls(emulator)] == ["service.start"]


def test_already_on_its_way_only_waits(emulator):
    emulator.config(build_seconds=1.0)
    creds, sid = token_auth(emulator)
    emulator.zomro(func="service.stop", auth=sid, elid=ELID)
    emulator.clear_journal()
    res = ok(power(emulator, creds=creds, instance=ELID, state="stopped"), changed=False)
    assert res["instance"]["state"] == "stopped" and emulator.mutating() == []


def test_failures_are_clear_and_change_nothing(emulator):
    res = failed(power(emulator, instance="no-such-vps", state="stopped"), "not found")
    assert res["failure"]["code"] == "instance_not_found"
    sid = emulator.zomro_login()
    emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=ELID, sok="ok", select_boot=UBUNTU, zone="pub")
    emulator.advance(5)
    emulator.clear_journal()
    res = failed(power(emulator, instance=ELID, state="stopped"), "rescue mode", "zomro_rescue")
    assert res["failure"]["code"] == "invalid_state"
    assert emulator.mutating() == []
    failed(power(emulator, instance=ELID, state="stopped", hard=True), "hard=true is valid only")


def test_a_lost_answer_is_adopted_not_resent(emulator):
    emulator.faults(1.0, ["lost_response"], match="service.stop", limit=1)
    res = ok(power(emulator, instance=ELID, state="stopped"), changed=True)
    assert res["instance"]["state"] == "stopped"
    calls = power_calls(emulator)
    assert len(calls) == 1 and calls[0]["fault"] == "lost_response"


def test_examples_run_against_the_emulator(emulator):
    from ansible_collections.vmops.cloud.plugins.modules import zomro_instance
    tasks = yaml.safe_load(zomro_instance.EXAMPLES)
    play = [{"hosts": "localhost", "gather_facts": False,
             "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}]
    env = {"ZOMRO_API_URL": emulator.url + "/", "ZOMRO_USERNAME": emulator.zomro_user,
           "ZOMRO_PASSWORD": emulator.zomro_password}
    proc = run_playbook(yaml.safe_dump(play), env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "failed=0" in proc.stdout and "changed=3" in proc.stdout, proc.stdout
    assert [c["func"] for c in power_calls(emulator)] == ["service.stop", "service.start", "service.reboot"]


# -- shared real-shape paths --------------------------------------------------------------------------

def test_every_page_is_read(emulator):
    seeded = emulator.seed(zomro_instances=24, zomro_status="stopped")["zomro_instances"]
    zomro_sim(emulator, max_page_size=10)  # the server honours at most 10 per page
    emulator.clear_journal()
    res = ok(run_module("zomro_instance_info", zomro_auth(emulator)))
    assert [i["id"] for i in res["instances"]] == [ELID] + seeded
    pages = [e["form"] for e in emulator.journal() if e["func"] == "instances"]
    assert [(p["p_num"], p["p_cnt"]) for p in pages] == [("1", "1000"), ("2", "1000"), ("3", "1000")]
    # The last instance (page 3) can be managed by name.
    last = ok(power(emulator, instance="seed-%s.zomro.example" % seeded[-1], state="started", wait=False))
    assert last["changed"] is True and last["instance"]["id"] == seeded[-1]


def test_two_factor_account_fails_clearly(emulator):
    zomro_sim(emulator, two_factor=True)
    for module, extra in (("zomro_instance", dict(instance=ELID, state="stopped")),
                          ("zomro_rescue", dict(instance=ELID, image="Ubuntu 22.04")),
                          ("zomro_instance_info", {})):
        emulator.clear_journal()
        res = failed(run_module(module, dict(zomro_auth(emulator), **extra)), "two-factor", "totp.confirm")
        assert res["failure"]["code"] == "two_factor"
        assert funcs(emulator) == ["auth", "instances", "auth", "instances", "whoami"]
        assert emulator.mutating() == []
        assert emulator.zomro_password not in res.output


def test_the_old_shape_works_too(emulator):
    zomro_sim(emulator, legacy_shape=True)
    res = ok(power(emulator, instance=ELID, state="stopped"), changed=True)
    assert res["instance"]["state"] == "stopped" and res["instance"]["status"] == "2"
    ok(power(emulator, instance=ELID, state="stopped"), changed=False)


def _expire_after(emulator, func, done):
    """Expire every session as soon as ``func`` has been applied (the module is then waiting)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(e["func"] == func and e["status"] == 200 for e in emulator.journal()):
            emulator.expire_sessions()
            done.set()
            return
        time.sleep(0.02)


def _run_with_expiry(emulator, func, module, params):
    emulator.config(build_seconds=30)
    done = threading.Event()
    watcher = threading.Thread(target=_expire_after, args=(emulator, func, done))
    watcher.start()
    try:
        res = run_module(module, params)
    finally:
        watcher.join()
    assert done.is_set()
    return res


def test_a_failure_after_the_change_still_reports_it(emulator):
    """Issue 14 item 6: the unrescue (or stop) was applied, then the session expired during the wait."""
    sid = emulator.zomro_login()
    emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=ELID, sok="ok", select_boot=UBUNTU, zone="pub")
    emulator.advance(5)
    creds, sid = token_auth(emulator)
    res = _run_with_expiry(emulator, "instances.fleio.unrescue", "zomro_rescue",
                           dict(creds, instance=ELID, state="disabled", wait_timeout=20))
    failed(res, "auth_token has expired")
    assert res["changed"] is True
    assert res["actions"][0] == "disable rescue mode"
    assert sid not in res.output

    emulator.advance(60)
    creds, sid = token_auth(emulator)
    res = _run_with_expiry(emulator, "service.stop", "zomro_instance",
                           dict(creds, instance=ELID, state="stopped", wait_timeout=20))
    failed(res, "auth_token has expired")
    assert res["changed"] is True and "service.stop" in res["actions"][0]
    assert sid not in res.output



def test_a_malformed_list_is_retried_never_read_as_no_instances(emulator):
    """Issue 14 item 3: a 200 that is not the documented shape is retried like a 5xx for reads."""
    emulator.faults(1.0, ["malformed"], match="instances", limit=3)
    res = ok(power(emulator, instance=ELID, state="stopped", wait=False, api_retries=5), changed=True)
    assert res["instance"]["id"] == ELID
    faulted = [e for e in emulator.journal() if e.get("fault") == "malformed"]
    assert len(faulted) == 3 and all(e["func"] == "instances" for e in faulted)
    assert len(power_calls(emulator)) == 1


def test_a_malformed_answer_to_a_power_action_is_adopted_not_resent(emulator):
    emulator.faults(1.0, ["malformed"], match="service.stop", limit=1)
    res = ok(power(emulator, instance=ELID, state="stopped"), changed=True)
    assert res["instance"]["state"] == "stopped"
    assert len(power_calls(emulator)) == 1


def test_an_instance_already_rebooting_is_waited_for_not_restarted_again(emulator):
    """find() waits for a state already on its way (reads only): no second reboot, the result is the settled state."""
    emulator.config(build_seconds=2.0)
    creds, dummy = token_auth(emulator)
    ok(power(emulator, creds=creds, instance=ELID, state="restarted", wait=False), changed=True)
    still_rebooting = state(emulator) == "rebooting"
    emulator.clear_journal()
    res = ok(power(emulator, creds=creds, instance=ELID, state="restarted"), changed=False)
    assert res["actions"] == [] and res["instance"]["state"] == "active"
    assert power_calls(emulator) == [] and set(funcs(emulator)) == {"instances"}
    if still_rebooting:
        assert len(funcs(emulator)) >= 2  # it polled until the reboot finished
