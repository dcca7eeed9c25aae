"""Civo recovery mode, account snapshots (/v2/snapshots) and instance snapshots
(/v2/instances/:id/snapshots) with restore."""

import pytest

from emulator_proc import wait_for


def assert_error(r, status, code):
    assert r.status_code == status, r.text
    # Real error bodies: code and reason, no "result" (civogo errors.go, ERRATA).
    assert r.json()["code"] == code and r.json()["reason"] and "result" not in r.json()


def active_instance(emu, **kw):
    return emu.seed(instances=1, **kw)["instances"][0]


# -- recovery mode ------------------------------------------------------------------
def test_recovery_mode_is_only_the_requested_mode(emulator):
    # No instance field shows the mode in effect (civogo Instance has none): only GET .../recovery.
    iid = active_instance(emulator)
    path = "/v2/instances/%s/recovery" % iid
    assert emulator.civo("GET", path).json() == {"result": "false"}
    r = emulator.civo("PUT", path, region="lon1")
    assert r.status_code == 200 and r.json() == {"result": "success"}
    assert emulator.civo("GET", path).json() == {"result": "true"}  # a string, as documented
    assert "recovery_mode" not in emulator.instance(iid)
    assert_error(emulator.civo("PUT", path), 409, "database_instance_already_in_rescue_state")
    emulator.config(build_seconds=60)
    emulator.civo("POST", "/v2/instances/%s/hard_reboots" % iid)
    emulator.advance(60)
    assert "recovery_mode" not in emulator.instance(iid)
    r = emulator.civo("DELETE", path, region="lon1")
    assert r.status_code == 200 and r.json() == {"result": "success"}
    assert emulator.civo("GET", path).json() == {"result": "false"}


def test_recovery_mode_wrong_region_is_not_found(emulator):
    iid = active_instance(emulator, region="NYC1")
    assert_error(emulator.civo("GET", "/v2/instances/%s/recovery" % iid), 404, "database_instance_not_found")
    assert emulator.civo("GET", "/v2/instances/%s/recovery" % iid, region="nyc1").status_code == 200


# -- account snapshots ----------------------------------------------------------------
def test_account_snapshot_unsafe_lifecycle(emulator):
    iid = active_instance(emulator)
    r = emulator.civo("PUT", "/v2/snapshots/my-instance-snapshot", instance_id=iid)
    assert r.status_code == 200, r.text
    snap = r.json()
    assert snap["name"] == "my-instance-snapshot" and snap["instance_id"] == iid
    assert snap["status"] == snap["state"] == "new"
    assert snap["safe"] is False and snap["completed_at"] is None and snap["size_gb"] == 0
    assert snap["requested_at"].endswith("+00:00")
    assert emulator.instance(iid)["status"] == "ACTIVE"
    seen = set()

    def complete():
        s = emulator.civo("GET", "/v2/snapshots/my-instance-snapshot").json()
        seen.add(s["status"])
        assert s["state"] == s["status"]
        return s if s["status"] == "complete" else None
    done = wait_for(complete, what="snapshot complete")
    assert done["completed_at"] and done["size_gb"] == 25
    assert seen <= {"new", "in-progress", "complete"}
    listed = emulator.civo("GET", "/v2/snapshots").json()
    assert isinstance(listed, list) and [s["name"] for s in listed] == ["my-instance-snapshot"]
    r = emulator.civo("DELETE", "/v2/snapshots/my-instance-snapshot")
    assert r.status_code == 202 and r.json() == {"name": "my-instance-snapshot", "result": "success"}
    assert emulator.civo("GET", "/v2/snapshots").json() == []
    assert_error(emulator.civo("GET", "/v2/snapshots/my-instance-snapshot"), 404, "database_snapshot_not_found")
    assert_error(emulator.civo("DELETE", "/v2/snapshots/my-instance-snapshot"), 404, "database_snapshot_not_found")


def test_account_snapshot_safe_shuts_instance_down_and_starts_it(emulator):
    emulator.config(build_seconds=60)
    iid = active_instance(emulator)
    r = emulator.civo("PUT", "/v2/snapshots/safe-one", instance_id=iid, safe=1)
    assert r.json()["safe"] is True

    def states():
        return emulator.instance(iid)["status"], emulator.civo("GET", "/v2/snapshots/safe-one").json()["status"]
    assert states() == ("STOPPING", "new")
    emulator.advance(30)
    assert states() == ("SHUTOFF", "in-progress")
    emulator.advance(30)
    assert states() == ("ACTIVE", "complete")
    # a SHUTOFF instance stays off during a safe snapshot
    emulator.civo("PUT", "/v2/instances/%s/stop" % iid)
    emulator.advance(60)
    emulator.civo("PUT", "/v2/snapshots/safe-two", instance_id=iid, safe="true")
    emulator.advance(30)
    assert emulator.instance(iid)["status"] == "SHUTOFF"
    emulator.advance(30)
    assert emulator.instance(iid)["status"] == "SHUTOFF"


def test_account_snapshot_overwrite_and_conflicts(emulator):
    iid = active_instance(emulator)
    other = active_instance(emulator)
    emulator.config(build_seconds=60)
    emulator.civo("PUT", "/v2/snapshots/nightly", instance_id=iid)
    assert_error(emulator.civo("PUT", "/v2/snapshots/nightly", instance_id=iid), 409,
                 "database_snapshot_cannot_replace")
    assert_error(emulator.civo("PUT", "/v2/snapshots/second", instance_id=iid), 409,
                 "database_snapshot_create_already_in_process")
    first_id = emulator.civo("GET", "/v2/snapshots/nightly").json()["id"]
    emulator.advance(30)
    assert_error(emulator.civo("PUT", "/v2/snapshots/nightly", instance_id=iid), 409,
                 "database_snapshot_cannot_replace")  # in-progress
    emulator.advance(30)
    assert emulator.civo("GET", "/v2/snapshots/nightly").json()["status"] == "complete"
    r = emulator.civo("PUT", "/v2/snapshots/nightly", instance_id=other)  # overwrite a complete one
    assert r.status_code == 200 and r.json()["instance_id"] == other and r.json()["status"] == "new"
    assert r.json()["id"] == first_id
    assert len(emulator.civo("GET", "/v2/snapshots").json()) == 1


def test_account_snapshot_cron_is_stored_not_taken(emulator):
    iid = active_instance(emulator)
    r = emulator.civo("PUT", "/v2/snapshots/weekly", instance_id=iid, cron_timing="0 3 * * 0")
    assert r.status_code == 200 and r.json()["cron_timing"] == "0 3 * * 0"
    emulator.civo("PUT", "/v2/snapshots/now", instance_id=iid)  # a scheduled one is not "in process"
    wait_for(lambda: emulator.civo("GET", "/v2/snapshots/now").json()["status"] == "complete")
    snap = emulator.civo("GET", "/v2/snapshots/weekly").json()
    assert snap["status"] == "new" and snap["completed_at"] is None
    assert_error(emulator.civo("PUT", "/v2/snapshots/bad-cron", instance_id=iid, cron_timing="every day"),
                 400, "parameter_cron_timing_invalid")


@pytest.mark.parametrize("name", ["Upper", "under_score", "-dash", "dash-", "a" * 64, "dots.in.it"])
def test_account_snapshot_bad_names(emulator, name):
    iid = active_instance(emulator)
    assert_error(emulator.civo("PUT", "/v2/snapshots/" + name, instance_id=iid), 400, "parameter_name_invalid")


def test_account_snapshot_parameter_errors(emulator):
    assert_error(emulator.civo("PUT", "/v2/snapshots/x"), 400, "parameter_instance_id_missing")
    assert_error(emulator.civo("PUT", "/v2/snapshots/x", instance_id="nope"), 404, "database_instance_not_found")
    iid = active_instance(emulator, region="FRA1")
    assert_error(emulator.civo("PUT", "/v2/snapshots/x", instance_id=iid), 404, "database_instance_not_found")
    assert emulator.civo("PUT", "/v2/snapshots/x", instance_id=iid, region="FRA1").status_code == 200
    assert_error(emulator.civo("PUT", "/v2/snapshots/y", instance_id=active_instance(emulator), safe="maybe"),
                 400, "parameter_safe_invalid")
    emulator.config(build_seconds=30)
    building = emulator.seed(instances=1, status="BUILDING")["instances"][0]
    assert_error(emulator.civo("PUT", "/v2/snapshots/z", instance_id=building), 409,
                 "instance_state_must_be_active_or_shutoff")


# -- instance snapshots -------------------------------------------------------------------
def test_instance_snapshot_create_list_get_update_delete(emulator):
    iid = active_instance(emulator)
    base = "/v2/instances/%s/snapshots" % iid
    emulator.config(build_seconds=60)
    r = emulator.civo("POST", base, name="instance-snapshot-name", description="a description")
    assert r.status_code == 201, r.text
    snap = r.json()
    assert snap["name"] == "instance-snapshot-name" and snap["description"] == "a description"
    assert snap["status"]["state"] == "Pending" and snap["created_at"].endswith("Z")
    assert len(snap["included_volumes"]) == 1
    assert snap["status"]["volumes"] == [{"id": snap["included_volumes"][0], "state": "Pending"}]
    assert_error(emulator.civo("POST", base, name="another"), 409, "database_snapshot_create_already_in_process")
    emulator.advance(60)
    done = emulator.civo("GET", base + "/" + snap["id"]).json()
    assert done["status"]["state"] == "Complete"
    assert done["status"]["volumes"][0]["state"] == "Complete"
    assert emulator.civo("GET", base + "/instance-snapshot-name").json()["id"] == snap["id"]
    listed = emulator.civo("GET", base).json()
    assert isinstance(listed, list) and [s["id"] for s in listed] == [snap["id"]]

    r = emulator.civo("PUT", base + "/" + snap["id"], name="instance-snapshot-something-here")
    assert r.status_code == 200
    assert r.json()["name"] == "instance-snapshot-something-here" and r.json()["description"] == "a description"
    r = emulator.civo("PUT", base + "/instance-snapshot-something-here", description="updated")
    assert r.json()["description"] == "updated" and r.json()["name"] == "instance-snapshot-something-here"
    assert_error(emulator.civo("PUT", base + "/" + snap["id"], name="Bad_Name"), 400, "parameter_name_invalid")

    auto = emulator.civo("POST", base).json()  # name optional
    assert auto["name"] and auto["description"] == ""
    emulator.advance(60)
    assert_error(emulator.civo("PUT", base + "/" + auto["id"], name="instance-snapshot-something-here"),
                 409, "database_snapshot_duplicate_name")
    assert_error(emulator.civo("POST", base, name="instance-snapshot-something-here"),
                 409, "database_snapshot_duplicate_name")

    r = emulator.civo("DELETE", base + "/" + snap["id"])
    assert r.status_code == 200
    assert_error(emulator.civo("GET", base + "/" + snap["id"]), 404, "database_snapshot_not_found")
    assert_error(emulator.civo("DELETE", base + "/" + snap["id"]), 404, "database_snapshot_not_found")
    assert [s["id"] for s in emulator.civo("GET", base).json()] == [auto["id"]]


def test_instance_snapshot_errors(emulator):
    iid = active_instance(emulator, region="NYC1")
    base = "/v2/instances/%s/snapshots" % iid
    emulator.config(build_seconds=60)
    assert_error(emulator.civo("POST", base, name="x"), 404, "database_instance_not_found")
    assert_error(emulator.civo("POST", base, name="Not_Valid", region="NYC1"), 400, "parameter_name_invalid")
    assert_error(emulator.civo("GET", base + "/nope", region="NYC1"), 404, "database_snapshot_not_found")
    snap = emulator.civo("POST", base, name="s1", region="NYC1").json()
    assert_error(emulator.civo("POST", base + "/%s/restore" % snap["id"], region="NYC1"), 409,
                 "database_snapshot_not_complete")
    other = active_instance(emulator, region="NYC1")
    assert_error(emulator.civo("GET", "/v2/instances/%s/snapshots/s1" % other, region="NYC1"),
                 404, "database_snapshot_not_found")


def complete_snapshot(emu, iid, name="snap-1", region="LON1"):
    """A Complete snapshot; leaves build_seconds at 60 (advance to finish transitions)."""
    base = "/v2/instances/%s/snapshots" % iid
    emu.config(build_seconds=60)
    snap = emu.civo("POST", base, name=name, region=region).json()
    emu.advance(60)
    assert emu.civo("GET", base + "/" + snap["id"], region=region).json()["status"]["state"] == "Complete"
    return snap


def test_restore_to_a_new_instance(emulator):
    iid = active_instance(emulator, tags=["app"])
    original = emulator.instance(iid)
    snap = complete_snapshot(emulator, iid)
    r = emulator.civo("POST", "/v2/instances/%s/snapshots/%s/restore" % (iid, snap["name"]),
                      hostname="my-new-instance-hostname", private_ipv4="192.168.200.10",
                      description="Restored instance from snapshot", overwrite_existing=False)
    assert r.status_code == 201, r.text
    # civogo ResourceSnapshotRestore: {"resource_type": "instance", "instance": {...}}, no instance_id.
    assert r.json()["resource_type"] == "instance"
    restore = r.json()["instance"]
    assert "instance_id" not in restore
    assert restore["status"]["state"] == "in_progress" and restore["completed_at"] is None
    assert restore["from_snapshot"] == snap["id"] and restore["overwrite_existing"] is False
    assert restore["hostname"] == "my-new-instance-hostname" and restore["private_ipv4"] == "192.168.200.10"
    new_id = [i["id"] for i in emulator.civo("GET", "/v2/instances").json()["items"]
              if i["hostname"] == "my-new-instance-hostname"][0]
    assert new_id != iid
    new = emulator.instance(new_id)
    assert new["status"] == "BUILDING" and new["network_id"] == original["network_id"]
    assert new["source_type"] == "snapshot" and new["source_id"] == snap["id"]
    status_path = "/v2/instances/%s/snapshots/%s/restores/%s" % (iid, snap["id"], restore["id"])
    assert emulator.civo("GET", status_path).json()["status"]["state"] == "in_progress"
    emulator.advance(60)
    new = emulator.instance(new_id)
    assert new["status"] == "ACTIVE"
    assert new["private_ip"] == "192.168.200.10" and new["size"] == original["size"]
    done = emulator.civo("GET", status_path).json()
    assert done["status"]["state"] == "complete" and done["completed_at"]
    assert emulator.instance(iid)["status"] == "ACTIVE"
    assert_error(emulator.civo("GET", status_path.rsplit("/", 1)[0] + "/nope"), 404, "database_restore_not_found")
    # the same private IP cannot be handed out twice in the network
    assert_error(emulator.civo("POST", "/v2/instances/%s/snapshots/%s/restore" % (iid, snap["id"]),
                               private_ipv4="192.168.200.10"), 409, "parameter_private_ip_in_use")
    assert_error(emulator.civo("POST", "/v2/instances/%s/snapshots/%s/restore" % (iid, snap["id"]),
                               private_ipv4="300.1.1.1"), 400, "parameter_private_ipv4_invalid")


def test_restore_overwriting_the_original(emulator):
    iid = active_instance(emulator)
    snap = complete_snapshot(emulator, iid)
    path = "/v2/instances/%s/snapshots/%s/restore" % (iid, snap["id"])
    assert_error(emulator.civo("POST", path, overwrite_existing=True, hostname="x"), 400,
                 "parameter_hostname_invalid")
    r = emulator.civo("POST", path, overwrite_existing="true")
    assert r.status_code == 201
    assert r.json()["instance"]["hostname"] == emulator.instance(iid)["hostname"]
    assert r.json()["instance"]["overwrite_existing"] is True
    assert emulator.instance(iid)["status"] == "BUILDING"
    assert_error(emulator.civo("POST", path, overwrite_existing=True), 409,
                 "instance_state_must_be_active_or_shutoff")
    emulator.advance(60)
    assert emulator.instance(iid)["status"] == "ACTIVE"
    assert len(emulator.civo("GET", "/v2/instances").json()["items"]) == 1


def test_deleting_an_instance_drops_its_snapshots(emulator):
    iid = active_instance(emulator)
    complete_snapshot(emulator, iid)
    emulator.civo("DELETE", "/v2/instances/" + iid)
    assert emulator.civo("GET", "/v2/instances/%s/snapshots" % iid).json() == []  # DELETING: its snapshots go first
    emulator.advance(60)
    assert_error(emulator.civo("GET", "/v2/instances/%s/snapshots" % iid), 404, "database_instance_not_found")
