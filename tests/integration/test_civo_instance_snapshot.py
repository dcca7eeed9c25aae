"""vmops.cloud.civo_instance_snapshot and its _info against the emulator, run as real module processes."""

from runner import civo_auth, failed, ok, run_module, run_playbook


def isnap(emulator, check=False, diff=False, **params):
    args = civo_auth(emulator)
    args.setdefault("wait_timeout", 20)
    args.update(params)
    return run_module("civo_instance_snapshot", args, check=check, diff=diff)


def info(emulator, **params):
    args = civo_auth(emulator)
    args.update(params)
    return run_module("civo_instance_snapshot_info", args)


def seed_one(emulator):
    iid = emulator.seed(instances=1)["instances"][0]
    emulator.clear_journal()
    return iid


def api_snaps(emulator, iid):
    return emulator.civo("GET", "/v2/instances/%s/snapshots" % iid, region="LON1").json()


def api_snap(emulator, iid, name, description=""):
    """Create a snapshot straight through the API and let it complete (the emulator's clock moves on)."""
    r = emulator.civo("POST", "/v2/instances/%s/snapshots" % iid, name=name, description=description, region="LON1")
    assert r.status_code == 201, r.text
    emulator.advance(1.0)
    snap = emulator.civo("GET", "/v2/instances/%s/snapshots/%s" % (iid, r.json()["id"]), region="LON1").json()
    assert snap["status"]["state"] == "Complete", snap
    emulator.clear_journal()
    return snap


def hosts(emulator):
    return sorted(i["hostname"] for i in emulator.civo("GET", "/v2/instances", region="LON1").json()["items"])


def test_create_check_diff_apply_and_rerun(emulator):
    iid = seed_one(emulator)

    res = ok(isnap(emulator, check=True, diff=True, instance=iid, name="before-upgrade", description="pre 2.0"))
    assert res["changed"] is True
    assert res["actions"] == ["create snapshot before-upgrade of instance %s" % iid,
                              "wait for snapshot before-upgrade to be complete"]
    assert res["diff"] == {"before": {}, "after": {"id": None, "name": "before-upgrade", "description": "pre 2.0",
                                                   "state": "Complete"}}
    assert res["snapshot"] is None
    assert emulator.mutating() == [] and api_snaps(emulator, iid) == []
    emulator.clear_journal()

    res = ok(isnap(emulator, instance=iid, name="before-upgrade", description="pre 2.0"))
    assert res["changed"] is True and res["adopted"] is False
    snap = res["snapshot"]
    assert snap["name"] == "before-upgrade" and snap["description"] == "pre 2.0"
    assert snap["status"]["state"] == "Complete"
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("POST", "/v2/instances/%s/snapshots" % iid)]
    emulator.clear_journal()

    # Idempotent, by name: one request (the instance's list).
    res = ok(isnap(emulator, instance=iid, name="before-upgrade", description="pre 2.0"))
    assert res["changed"] is False and res["snapshot"]["id"] == snap["id"]
    assert [(e["method"], e["path"]) for e in emulator.journal()] == [("GET", "/v2/instances/%s/snapshots" % iid)]
    emulator.clear_journal()

    # ... and by id: one request.
    res = ok(isnap(emulator, instance=iid, id=snap["id"]))
    assert res["changed"] is False
    assert [(e["method"], e["path"]) for e in emulator.journal()] == [
        ("GET", "/v2/instances/%s/snapshots/%s" % (iid, snap["id"]))]
    assert len(api_snaps(emulator, iid)) == 1


def test_rename_and_describe_in_place(emulator):
    iid = seed_one(emulator)
    snap = api_snap(emulator, iid, "first", "old words")
    host = emulator.instance(iid)["hostname"]
    emulator.clear_journal()

    res = ok(isnap(emulator, check=True, diff=True, instance=host, id=snap["id"], name="renamed", description="new words"))
    assert res["changed"] is True
    assert res["diff"]["before"]["name"] == "first" and res["diff"]["after"]["name"] == "renamed"
    assert res["diff"]["after"]["description"] == "new words"
    assert emulator.mutating() == []

    res = ok(isnap(emulator, instance=host, id=snap["id"], name="renamed", description="new words"))
    assert res["changed"] is True
    assert res["snapshot"]["name"] == "renamed" and res["snapshot"]["description"] == "new words"
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [
        ("PUT", "/v2/instances/%s/snapshots/%s" % (iid, snap["id"]))]
    assert api_snaps(emulator, iid)[0]["name"] == "renamed"

    res = ok(isnap(emulator, instance=host, id=snap["id"], name="renamed", description="new words"))
    assert res["changed"] is False
    # by name, only the description can change
    res = ok(isnap(emulator, instance=iid, name="renamed", description="third"))
    assert res["changed"] is True and res["snapshot"]["description"] == "third"


def test_absent_check_apply_rerun(emulator):
    iid = seed_one(emulator)
    api_snap(emulator, iid, "doomed")

    res = ok(isnap(emulator, check=True, diff=True, instance=iid, name="doomed", state="absent"))
    assert res["changed"] is True and res["diff"]["after"] == {}
    assert emulator.mutating() == []

    res = ok(isnap(emulator, instance=iid, name="doomed", state="absent"))
    assert res["changed"] is True and res["snapshot"] is None
    assert [e["method"] for e in emulator.mutating()] == ["DELETE"]
    assert api_snaps(emulator, iid) == []
    emulator.clear_journal()

    res = ok(isnap(emulator, instance=iid, name="doomed", state="absent"))
    assert res["changed"] is False and emulator.mutating() == []


def test_restore_to_new_hostname_check_apply_rerun(emulator):
    iid = seed_one(emulator)
    snap = api_snap(emulator, iid, "golden")
    params = dict(instance=iid, name="golden", state="restored", restore_hostname="copy.example.com",
                  restore_private_ip="192.168.7.7")

    res = ok(isnap(emulator, check=True, diff=True, **params))
    assert res["changed"] is True and res["actions"] == ["restore snapshot golden to a new instance copy.example.com",
                                                         "wait for the restored instance copy.example.com to be ACTIVE"]
    assert res["diff"]["before"] == {}
    assert res["diff"]["after"] == {"hostname": "copy.example.com", "from_snapshot": snap["id"],
                                    "overwrite_existing": False, "private_ipv4": "192.168.7.7"}
    assert res["restore"] is None and emulator.mutating() == []
    assert "copy.example.com" not in hosts(emulator)

    res = ok(isnap(emulator, **params))
    assert res["changed"] is True
    assert res["restore"]["from_snapshot"] == snap["id"] and res["restore"]["hostname"] == "copy.example.com"
    new = res["instance"]
    assert new["hostname"] == "copy.example.com" and new["status"] == "ACTIVE"
    assert new["private_ip"] == "192.168.7.7"
    assert "initial_password" not in new
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [
        ("POST", "/v2/instances/%s/snapshots/%s/restore" % (iid, snap["id"]))]
    emulator.clear_journal()

    # The hostname exists now: no change, nothing sent.
    res = ok(isnap(emulator, **params))
    assert res["changed"] is False and res["restore"] is None
    assert res["instance"]["id"] == new["id"]
    assert emulator.mutating() == []
    assert hosts(emulator).count("copy.example.com") == 1


def test_overwrite_is_always_a_change(emulator):
    iid = seed_one(emulator)
    snap = api_snap(emulator, iid, "golden")
    params = dict(instance=iid, id=snap["id"], state="restored", overwrite_existing=True)

    res = ok(isnap(emulator, check=True, diff=True, **params))
    assert res["changed"] is True
    assert res["diff"]["after"] == {"instance_id": iid, "from_snapshot": snap["id"], "overwrite_existing": True}
    assert emulator.mutating() == []

    for dummy in range(2):
        emulator.clear_journal()
        res = ok(isnap(emulator, **params))
        assert res["changed"] is True
        assert res["restore"]["overwrite_existing"] is True
        assert res["instance"]["id"] == iid and res["instance"]["status"] == "ACTIVE"
        assert [e["method"] for e in emulator.mutating()] == ["POST"]
    assert emulator.instance(iid)["status"] == "ACTIVE"


def test_lost_create_answer_makes_one_snapshot(emulator):
    iid = seed_one(emulator)
    emulator.faults(1.0, ["lost_response"], match="/snapshots", methods=["POST"], limit=1)
    res = ok(isnap(emulator, instance=iid, name="once"))
    assert res["changed"] is True and res["adopted"] is True
    assert res["snapshot"]["status"]["state"] == "Complete"
    posts = [e for e in emulator.journal() if e["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["status"] == 0
    assert [s["name"] for s in api_snaps(emulator, iid)] == ["once"]


def test_lost_restore_answer_is_adopted(emulator):
    iid = seed_one(emulator)
    api_snap(emulator, iid, "golden")
    emulator.faults(1.0, ["lost_response"], match="/restore", limit=1)
    res = ok(isnap(emulator, instance=iid, name="golden", state="restored", restore_hostname="twin.example.com"))
    assert res["changed"] is True and res["adopted"] is True
    assert res["instance"]["hostname"] == "twin.example.com" and res["instance"]["status"] == "ACTIVE"
    assert len([e for e in emulator.journal() if e["path"].endswith("/restore")]) == 1
    assert hosts(emulator).count("twin.example.com") == 1


def test_refusals(emulator):
    iid = seed_one(emulator)
    for params, words in (
            (dict(name="Bad_Name"), "RFC 1123"),
            (dict(name="golden", state="restored"), "restore_hostname"),
            (dict(name="golden", state="restored", restore_hostname="x.example.com", overwrite_existing=True),
             "mutually exclusive"),
            (dict(name="golden", state="restored", restore_hostname="x.example.com", restore_private_ip="10.1.2"),
             "IPv4"),
    ):
        res = failed(isnap(emulator, instance=iid, **params))
        assert words in res["msg"], res["msg"]
    assert emulator.journal() == []  # all refused before any request

    res = failed(isnap(emulator, instance=iid, name="golden", state="restored", overwrite_existing=True))
    assert "nothing to restore" in res["msg"]
    res = failed(isnap(emulator, instance=iid, id="6f1f3a1e-0000-4000-8000-000000000000", name="x"))
    assert "cannot be created with a given id" in res["msg"]
    res = failed(isnap(emulator, instance="ghost.example.com", name="x"))
    assert res["failure"]["code"] == "database_instance_not_found"
    assert emulator.mutating() == []


def test_info(emulator):
    iid = seed_one(emulator)
    one = api_snap(emulator, iid, "one")
    api_snap(emulator, iid, "two")
    host = emulator.instance(iid)["hostname"]
    emulator.clear_journal()

    res = ok(info(emulator, instance=iid))
    assert res["changed"] is False and res["instance_id"] == iid
    assert sorted(s["name"] for s in res["snapshots"]) == ["one", "two"]
    assert len(emulator.journal()) == 1
    assert [s["id"] for s in ok(info(emulator, instance=host, name="one"))["snapshots"]] == [one["id"]]
    assert [s["name"] for s in ok(info(emulator, instance=iid, id=one["id"]))["snapshots"]] == ["one"]
    assert ok(info(emulator, instance=iid, id="6f1f3a1e-0000-4000-8000-000000000000"))["snapshots"] == []
    res = failed(info(emulator, instance="ghost.example.com"))
    assert "not found" in res["msg"]
    assert emulator.mutating() == []


def test_playbook_backup_and_restore_with_group_defaults(emulator):
    """Snapshot, restore and list chained in a playbook, credentials from the civo module_defaults group."""
    iid = seed_one(emulator)
    playbook = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/vmops.cloud.civo:
      api_key: "{{ key }}"
      api_url: "{{ url }}"
      region: LON1
  tasks:
    - name: Instance snapshot
      vmops.cloud.civo_instance_snapshot:
        instance: "{{ iid }}"
        name: pb-golden
      register: snap
    - name: Restore it to a new instance
      vmops.cloud.civo_instance_snapshot:
        instance: "{{ iid }}"
        id: "{{ snap.snapshot.id }}"
        state: restored
        restore_hostname: pb-copy.example.com
    - name: List
      vmops.cloud.civo_instance_snapshot_info:
        instance: "{{ iid }}"
      register: listed
    - name: Check
      ansible.builtin.assert:
        that:
          - listed.snapshots | map(attribute='name') | list == ['pb-golden']
"""
    extra = {"key": emulator.token, "url": emulator.url, "iid": iid}
    proc = run_playbook(playbook, extra_vars=extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "changed=2" in proc.stdout, proc.stdout
    assert "pb-copy.example.com" in hosts(emulator)
    proc = run_playbook(playbook, extra_vars=extra, check=True, diff=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "changed=0" in proc.stdout, proc.stdout
