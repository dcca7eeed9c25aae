"""vmops.cloud.zomro_rescue against the emulator, run as a real module process."""

import json
import time

from runner import failed, ok, run_module, run_playbook, zomro_auth

ELID = "5203773"
NAME = "vps-5203773.zomro.example"
UBUNTU = "f8f2573f-56c4-44c5-8469-84eee4aa64e7"
OWN = "a9e7c223-5f11-4546-a298-6af546bebde6"
RESCUE_PASSWORD = "Rescue-Pa55-word"


def rescue(emulator, check=False, diff=False, creds=None, **params):
    args = dict(creds if creds is not None else zomro_auth(emulator))
    args.setdefault("wait_timeout", 20)
    args.update(params)
    return run_module("zomro_rescue", args, check=check, diff=diff)


def token_auth(emulator, **extra):
    """auth_token only (no username/password): no login request."""
    sid = emulator.zomro_login()
    emulator.clear_journal()
    params = dict(api_url=emulator.url + "/", auth_token=sid)
    params.update(extra)
    return params, sid


def api_instance(emulator, elid=ELID):
    doc = emulator.zomro(func="instances", authinfo="%s:%s" % (emulator.zomro_user, emulator.zomro_password))
    for elem in doc["doc"]["elem"]:
        if elem["id"]["$"] == elid:
            item = dict((k, v["$"]) for k, v in elem.items())
            # The state as the panel reads it (getInstanceMainInfo.js: instance_status, trimmed, lower case).
            item["state"] = item["instance_status"].strip().lower()
            return item
    return None


def funcs(emulator):
    return [e["func"] for e in emulator.journal()]


def rescue_calls(emulator):
    return [e for e in emulator.journal() if e["func"] == "instances.fleio.rescue" and e["form"].get("sok") == "ok"]


def previews(emulator):
    return [e for e in emulator.journal() if e["func"] == "instances.fleio.rescue" and e["form"].get("sok") != "ok"]


def rescued(emulator, settle=True):
    """Put the instance into rescue mode directly through the API (and wait until it is rescued)."""
    sid = emulator.zomro_login()
    doc = emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=ELID, sok="ok",
                         select_boot=UBUNTU, zone="pub")
    assert "error" not in doc["doc"], doc
    deadline = time.monotonic() + 10
    while settle and api_instance(emulator)["state"] != "rescued":
        assert time.monotonic() < deadline, "the instance did not become rescued"
        time.sleep(0.05)
    return sid


# -- enable ---------------------------------------------------------------------

def test_enable_by_name_then_idempotent(emulator):
    res = ok(rescue(emulator, instance=ELID, image="Ubuntu 22.04", rescue_password=RESCUE_PASSWORD))
    assert res["changed"] is True
    assert res["rescue"] == {"enabled": True, "image": UBUNTU, "zone": "pub", "status": "rescued"}
    assert res["instance"]["id"] == ELID and res["instance"]["rescue_status"] == "rescued"
    assert res["instance"]["name"] == NAME and res["instance"]["ip"] == "185.117.152.17"
    assert res["actions"] == ["enable rescue mode with image Ubuntu 22.04 (%s, zone pub)" % UBUNTU,
                              "wait until the instance is rescued"]
    calls = rescue_calls(emulator)
    assert len(calls) == 1
    assert calls[0]["form"]["select_boot"] == UBUNTU and calls[0]["form"]["zone"] == "pub"
    assert calls[0]["form"]["elid"] == ELID and calls[0]["form"]["password"] == "***"
    assert len(previews(emulator)) == 1
    assert funcs(emulator)[:4] == ["auth", "instances", "instances.fleio.rescue", "instances.fleio.rescue"]
    assert RESCUE_PASSWORD not in res.output and emulator.zomro_password not in res.output
    assert api_instance(emulator)["state"] == "rescued"

    # Second run with username/password: a login plus one read, nothing else.
    emulator.clear_journal()
    again = ok(rescue(emulator, instance=ELID, image="Ubuntu 22.04", rescue_password=RESCUE_PASSWORD))
    assert again["changed"] is False and again["actions"] == []
    assert again["rescue"]["enabled"] is True and again["rescue"]["status"] == "rescued"
    assert funcs(emulator) == ["auth", "instances"]

    # With a valid session: exactly one request.
    creds, sid = token_auth(emulator)
    third = ok(rescue(emulator, creds=creds, instance=ELID, image="Ubuntu 22.04"))
    assert third["changed"] is False
    assert funcs(emulator) == ["instances"]
    assert sid not in third.output


def test_enable_by_uuid_and_zone_skips_preview_and_no_wait(emulator):
    emulator.config(build_seconds=1.0)
    creds, dummy = token_auth(emulator)
    res = ok(rescue(emulator, creds=creds, instance=NAME, image=UBUNTU.upper(), zone="pub", wait=False))
    assert res["changed"] is True
    assert res["rescue"] == {"enabled": True, "image": UBUNTU, "zone": "pub", "status": "rescuing"}
    assert funcs(emulator) == ["instances", "instances.fleio.rescue", "instances"]
    assert previews(emulator) == []

    # A re-run while rescuing changes nothing and, with wait, waits for rescued.
    emulator.clear_journal()
    again = ok(rescue(emulator, creds=creds, instance=NAME, image=UBUNTU, zone="pub"))
    assert again["changed"] is False and again["rescue"]["status"] == "rescued"
    assert emulator.mutating() == []
    assert set(funcs(emulator)) == {"instances"}


def test_enable_by_uuid_takes_zone_from_preview(emulator):
    res = ok(rescue(emulator, instance=ELID, image=OWN))
    assert res["rescue"]["zone"] == "own" and res["rescue"]["image"] == OWN
    calls = rescue_calls(emulator)
    assert len(calls) == 1 and calls[0]["form"]["zone"] == "own"
    assert len(previews(emulator)) == 1


def test_enable_from_stopped_by_own_image_name(emulator):
    elid = emulator.seed(zomro_instances=1, zomro_status="stopped")["zomro_instances"][0]
    res = ok(rescue(emulator, instance=elid, image="foo"))
    assert res["changed"] is True and res["rescue"]["image"] == OWN and res["rescue"]["zone"] == "own"
    assert api_instance(emulator, elid)["state"] == "rescued"
    assert api_instance(emulator)["state"] == "active"  # the other instance is untouched


def test_wrong_image_name_lists_available_images(emulator):
    res = failed(rescue(emulator, instance=ELID, image="Ubuntu 99.04"))
    assert "Ubuntu 99.04" in res["msg"] and "not found" in res["msg"]
    assert "Ubuntu 22.04 (pub)" in res["msg"] and "Centos 9 x64 (own)" in res["msg"]
    assert res["failure"]["code"] == "image_not_found"
    assert emulator.mutating() == []


def test_wrong_zone_for_image(emulator):
    res = failed(rescue(emulator, instance=ELID, image="Ubuntu 22.04", zone="own"))
    assert "not found in zone own" in res["msg"]
    assert emulator.mutating() == []


def test_malformed_uuid_fails_before_any_request(emulator):
    res = failed(rescue(emulator, instance=ELID, image=UBUNTU[:-1], zone="pub"))
    assert "not a valid one" in res["msg"]
    assert emulator.journal() == []


def test_missing_image_fails_before_any_request(emulator):
    res = failed(rescue(emulator, instance=ELID))
    assert "image" in res["msg"]
    assert emulator.journal() == []


def test_unknown_instance(emulator):
    res = failed(rescue(emulator, instance="no-such-server", image="Ubuntu 22.04"))
    assert "not found" in res["msg"] and res["failure"]["code"] == "instance_not_found"
    assert emulator.mutating() == []


# -- wrong states -----------------------------------------------------------------

def test_enable_from_wrong_state_fails(emulator):
    elid = emulator.seed(zomro_instances=1, zomro_status="booted_from_iso")["zomro_instances"][0]
    res = failed(rescue(emulator, instance=elid, image="Ubuntu 22.04"))
    assert "booted_from_iso" in res["msg"] and "active or stopped" in res["msg"]
    assert res["failure"]["code"] == "invalid_state"
    assert emulator.mutating() == [] and previews(emulator) == []


def test_disable_while_rescuing_fails(emulator):
    emulator.config(build_seconds=30)
    rescued(emulator, settle=False)
    emulator.clear_journal()
    res = failed(rescue(emulator, instance=ELID, state="disabled"))
    assert "rescuing" in res["msg"] and res["failure"]["code"] == "invalid_state"
    assert emulator.mutating() == []


def test_enable_while_unrescuing_fails(emulator):
    sid = rescued(emulator)
    emulator.config(build_seconds=30)
    doc = emulator.zomro(func="instances.fleio.unrescue", auth=sid, elid=ELID)
    assert "error" not in doc["doc"], doc
    emulator.clear_journal()
    res = failed(rescue(emulator, instance=ELID, image="Ubuntu 22.04"))
    assert "unrescuing" in res["msg"]
    assert emulator.mutating() == []


def test_disable_booted_from_iso_changes_nothing(emulator):
    elid = emulator.seed(zomro_instances=1, zomro_status="booted_from_iso")["zomro_instances"][0]
    res = ok(rescue(emulator, instance=elid, state="disabled"))
    assert res["changed"] is False and res["rescue"]["enabled"] is False
    # ansible-core 2.19 returns warnings as structured objects: look at their text.
    assert "is booted from an ISO image" in json.dumps(res.get("warnings"))
    assert emulator.mutating() == []


# -- disable ------------------------------------------------------------------------

def test_disable_then_idempotent(emulator):
    rescued(emulator)
    emulator.clear_journal()
    res = ok(rescue(emulator, instance=NAME, state="disabled"))
    assert res["changed"] is True and res["actions"] == ["disable rescue mode", "wait until the instance is active"]
    assert res["rescue"] == {"enabled": False, "image": None, "zone": None, "status": "active"}
    unrescues = [e for e in emulator.journal() if e["func"] == "instances.fleio.unrescue"]
    assert len(unrescues) == 1 and unrescues[0]["form"]["elid"] == ELID
    assert api_instance(emulator)["state"] == "active"

    creds, dummy = token_auth(emulator)
    again = ok(rescue(emulator, creds=creds, instance=NAME, state="disabled"))
    assert again["changed"] is False and again["rescue"]["status"] == "active"
    assert funcs(emulator) == ["instances"]


# -- check mode and diff ----------------------------------------------------------------

def test_check_mode_and_diff_enable(emulator):
    res = ok(rescue(emulator, check=True, diff=True, instance=ELID, image="Debian 12"))
    assert res["changed"] is True
    assert res["diff"]["before"] == {"enabled": False, "image": None, "zone": None, "status": "active"}
    assert res["diff"]["after"] == {"enabled": True, "image": "93878ba5-6b9e-4924-a4be-34edb623f808",
                                    "zone": "pub", "status": "rescued"}
    assert res["actions"] and "Debian 12" in res["actions"][0]
    assert res["rescue"]["status"] == "active"
    assert emulator.mutating() == []
    assert len(previews(emulator)) == 1  # the preview only reads
    assert api_instance(emulator)["state"] == "active"

    # The same with --diff for real: same diff, then no change and an empty diff.
    real = ok(rescue(emulator, diff=True, instance=ELID, image="Debian 12"))
    assert real["diff"] == res["diff"]
    again = ok(rescue(emulator, check=True, diff=True, instance=ELID, image="Debian 12"))
    assert again["changed"] is False and again["diff"]["before"] == again["diff"]["after"]


def test_check_mode_disable(emulator):
    rescued(emulator)
    emulator.clear_journal()
    res = ok(rescue(emulator, check=True, diff=True, instance=ELID, state="disabled"))
    assert res["changed"] is True and res["actions"] == ["disable rescue mode", "wait until the instance is active"]
    assert res["diff"]["before"]["enabled"] is True and res["diff"]["after"]["enabled"] is False
    assert emulator.mutating() == []


# -- credentials and sessions ------------------------------------------------------------

def test_bad_credentials(emulator):
    res = failed(rescue(emulator, creds=zomro_auth(emulator, password="wrong-password"),
                        instance=ELID, image="Ubuntu 22.04"))
    assert "Invalid username or password" in res["msg"]
    assert res["failure"]["object"] == "badpassword"
    assert "wrong-password" not in res.output
    assert funcs(emulator) == ["auth"]


def test_expired_session_relogs_in_once(emulator):
    sid = emulator.zomro_login()
    emulator.expire_sessions()
    emulator.clear_journal()
    creds = zomro_auth(emulator, auth_token=sid)
    res = ok(rescue(emulator, creds=creds, instance=ELID, image=UBUNTU, zone="pub"))
    assert res["changed"] is True and res["rescue"]["status"] == "rescued"
    journal = emulator.journal()
    assert [e["func"] for e in journal][:4] == ["instances", "auth", "instances", "instances.fleio.rescue"]
    assert [e["func"] for e in journal].count("auth") == 1
    assert len(rescue_calls(emulator)) == 1
    assert sid not in res.output


def test_expired_session_without_credentials_fails_clearly(emulator):
    creds, sid = token_auth(emulator)
    emulator.expire_sessions()
    res = failed(rescue(emulator, creds=creds, instance=ELID, image="Ubuntu 22.04"))
    assert "auth_token has expired" in res["msg"] and "username and password" in res["msg"]
    assert res["failure"]["code"] == "access"
    assert funcs(emulator) == ["instances"]
    assert sid not in res.output


# -- lost answers and waiting ---------------------------------------------------------------

def test_lost_rescue_answer_is_adopted_not_resent(emulator):
    creds, dummy = token_auth(emulator)
    emulator.faults(1.0, ["lost_response"], match="instances.fleio.rescue", limit=1)
    res = ok(rescue(emulator, creds=creds, instance=ELID, image=UBUNTU, zone="pub"))
    assert res["changed"] is True and res["rescue"]["status"] == "rescued"
    calls = rescue_calls(emulator)
    assert len(calls) == 1 and calls[0].get("fault") == "lost_response"


def test_lost_unrescue_answer_is_adopted_not_resent(emulator):
    rescued(emulator)
    creds, dummy = token_auth(emulator)
    emulator.faults(1.0, ["lost_response"], match="instances.fleio.unrescue", limit=1)
    res = ok(rescue(emulator, creds=creds, instance=ELID, state="disabled"))
    assert res["changed"] is True and res["rescue"]["status"] == "active"
    unrescues = [e for e in emulator.journal() if e["func"] == "instances.fleio.unrescue"]
    assert len(unrescues) == 1 and unrescues[0].get("fault") == "lost_response"


def test_rescue_not_applied_is_sent_again(emulator):
    creds, dummy = token_auth(emulator)
    # A 502 from the gateway: the request never reached the API; the instance is still active.
    emulator.faults(1.0, ["502"], match="instances.fleio.rescue", limit=1)
    res = ok(rescue(emulator, creds=creds, instance=ELID, image=UBUNTU, zone="pub"))
    assert res["changed"] is True and res["rescue"]["status"] == "rescued"
    calls = rescue_calls(emulator)
    assert [c["status"] for c in calls] == [502, 200]


def test_wait_timeout_fails_clearly(emulator):
    emulator.config(build_seconds=30)
    res = failed(rescue(emulator, instance=ELID, image=UBUNTU, zone="pub", wait_timeout=1))
    assert "Timed out" in res["msg"] and "rescuing" in res["msg"]
    assert res["failure"]["code"] == "wait_timeout"
    assert len(rescue_calls(emulator)) == 1


# -- as a playbook with the module defaults group -----------------------------------------------

def test_playbook_with_module_defaults_group(emulator):
    playbook = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/vmops.cloud.zomro:
      api_url: "{{ api_url }}"
      username: "{{ user }}"
      password: "{{ pw }}"
  tasks:
    - name: Rescue
      vmops.cloud.zomro_rescue:
        instance: "%s"
        image: Ubuntu 22.04
        rescue_password: "{{ rpw }}"
      register: r_on
    - name: Rescue again
      vmops.cloud.zomro_rescue:
        instance: "%s"
        image: Ubuntu 22.04
      register: r_again
    - name: Back to normal
      vmops.cloud.zomro_rescue:
        instance: "%s"
        state: disabled
      register: r_off
    - name: Check the results
      ansible.builtin.assert:
        that:
          - r_on is changed
          - r_on.rescue.status == 'rescued'
          - r_again is not changed
          - r_off is changed
          - r_off.rescue.status == 'active'
""" % (ELID, ELID, ELID)
    proc = run_playbook(playbook, extra_vars=dict(api_url=emulator.url + "/", user=emulator.zomro_user,
                                                  pw=emulator.zomro_password, rpw=RESCUE_PASSWORD),
                        verbosity=3)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok=4" in proc.stdout and "failed=0" in proc.stdout
    assert RESCUE_PASSWORD not in proc.stdout + proc.stderr
    assert emulator.zomro_password not in proc.stdout + proc.stderr
    assert len(rescue_calls(emulator)) == 1
