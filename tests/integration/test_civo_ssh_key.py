"""vmops.cloud.civo_ssh_key and civo_ssh_key_info against the emulator, run as real module processes."""

from runner import civo_auth, failed, ok, run_module

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPvnwO2OjTAI/QOnmu4RNmgA/t+5GZfM+jah2DS7A1w8 ops@laptop"
OTHER = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEk8IF0dZvHWKr45OetFH1ttI3uE94dmd2y6HC04fzqI ci@runner"


def key(emulator, check=False, diff=False, **params):
    return run_module("civo_ssh_key", civo_auth(emulator, **params), check=check, diff=diff)


def api_keys(emulator):
    return {k["name"]: k for k in emulator.civo("GET", "/v2/sshkeys").json()}


def calls(emulator):
    return [(e["method"], e["path"]) for e in emulator.journal()]


def test_create_check_diff_rerun_and_noop_by_id(emulator):
    res = ok(key(emulator, check=True, diff=True, name="ops", public_key=KEY), changed=True)
    assert res["actions"] == ["create SSH key 'ops'"]
    assert res["diff"] == {"before": {}, "after": {"name": "ops", "public_key": " ".join(KEY.split()[:2])}}
    assert emulator.mutating() == [] and "ops" not in api_keys(emulator)
    emulator.clear_journal()

    res = ok(key(emulator, diff=True, name="ops", public_key=KEY), changed=True)
    created = res["ssh_key"]
    assert created["name"] == "ops" and created["public_key"] == KEY and created["fingerprint"].startswith("SHA256:")
    assert res["adopted"] is False
    # one list to find, one POST, one list to look for duplicates of the name
    assert calls(emulator) == [("GET", "/v2/sshkeys"), ("POST", "/v2/sshkeys"), ("GET", "/v2/sshkeys")]
    emulator.clear_journal()

    res = ok(key(emulator, diff=True, name="ops", public_key=KEY), changed=False)
    assert res["actions"] == [] and res["diff"]["before"] == res["diff"]["after"]
    assert calls(emulator) == [("GET", "/v2/sshkeys")]
    emulator.clear_journal()

    # A no-op by id costs one request; the comment of the key does not count.
    res = ok(key(emulator, id=created["id"], public_key=KEY.rsplit(" ", 1)[0] + " renamed@comment"), changed=False)
    assert calls(emulator) == [("GET", "/v2/sshkeys/" + created["id"])]


def test_rename_by_id_and_refused_key_change(emulator):
    created = ok(key(emulator, name="ops", public_key=KEY))["ssh_key"]
    emulator.clear_journal()

    res = ok(key(emulator, check=True, diff=True, id=created["id"], name="ops-2026"), changed=True)
    assert res["diff"]["before"]["name"] == "ops" and res["diff"]["after"]["name"] == "ops-2026"
    assert emulator.mutating() == []

    res = ok(key(emulator, id=created["id"], name="ops-2026"), changed=True)
    assert res["ssh_key"]["name"] == "ops-2026" and res["actions"] == [
        "update SSH key 'ops' (id %s): name 'ops' -> 'ops-2026'" % created["id"]]
    assert [(e["method"], e["body"]) for e in emulator.mutating()] == [("PUT", {"name": "ops-2026", "region": "LON1"})]
    assert set(api_keys(emulator)) >= {"ops-2026"} and "ops" not in api_keys(emulator)
    emulator.clear_journal()

    res = failed(key(emulator, name="ops-2026", public_key=OTHER), "public_key", "cannot change", "state=absent")
    assert res["failure"]["code"] == "immutable_field" and res["failure"]["reason"] == "public_key"
    assert emulator.mutating() == []


def test_delete_check_apply_rerun(emulator):
    ok(key(emulator, name="ops", public_key=KEY))
    emulator.clear_journal()
    res = ok(key(emulator, check=True, diff=True, name="ops", state="absent"), changed=True)
    assert res["diff"]["after"] == {} and emulator.mutating() == []
    res = ok(key(emulator, name="ops", state="absent"), changed=True)
    assert res["ssh_key"] is None and "ops" not in api_keys(emulator)
    assert [e["method"] for e in emulator.mutating()] == ["DELETE"]
    emulator.clear_journal()
    ok(key(emulator, name="ops", state="absent"), changed=False)
    assert emulator.mutating() == []


def test_lost_create_answer_is_adopted(emulator):
    emulator.faults(1.0, ["lost_response"], match="/v2/sshkeys", methods=["POST"], limit=1)
    res = ok(key(emulator, name="ops", public_key=KEY), changed=True)
    assert res["adopted"] is True and res["ssh_key"]["name"] == "ops"
    posts = [e for e in emulator.journal() if e["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["status"] == 0
    assert list(api_keys(emulator)).count("ops") == 1


def test_refusals_before_any_request(emulator):
    failed(key(emulator, name="two words", public_key=KEY), "whitespace")
    failed(key(emulator, name="ops", public_key="not-a-key"), "OpenSSH")
    failed(key(emulator, public_key=KEY), "name or id")
    assert emulator.journal() == []
    res = failed(key(emulator, name="ops"), "public_key is required")
    assert emulator.mutating() == []
    res = failed(key(emulator, id="5d0a1d52-0000-4000-8000-000000000000", public_key=KEY), "not found")
    assert res["failure"]["status"] == 404


def test_info(emulator):
    created = ok(key(emulator, name="ops", public_key=KEY))["ssh_key"]
    emulator.clear_journal()
    res = ok(run_module("civo_ssh_key_info", civo_auth(emulator)), changed=False)
    assert sorted(k["name"] for k in res["ssh_keys"]) == ["default-key", "deploy-key", "ops"]
    assert [k["id"] for k in ok(run_module("civo_ssh_key_info", civo_auth(emulator, name="ops")))["ssh_keys"]] == [
        created["id"]]
    assert [k["name"] for k in ok(run_module("civo_ssh_key_info", civo_auth(emulator, id=created["id"])))["ssh_keys"]] == [
        "ops"]
    assert ok(run_module("civo_ssh_key_info", civo_auth(emulator, name="nope")))["ssh_keys"] == []
    assert emulator.mutating() == []
