# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of civo_instance_snapshot and its _info: validation, planning, restore, adoption."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.modules.civo_instance_snapshot import (
    CivoInstanceSnapshot,
    plan_present,
    snapshot_state,
    validate_params,
)
from ansible_collections.vmops.cloud.plugins.module_utils._http import InvalidParameterError
from ansible_collections.vmops.cloud.plugins.modules.civo_instance_snapshot_info import CivoInstanceSnapshotInfo
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeCivo, run

IID = "4a07ac84-70f8-11e5-8fe9-5cf9389be614"
SID = "8e1bd5c6-1f4a-4e0c-a0d6-1b0a3f0e3f55"
NEW = "b177ae0e-60fa-11e5-be02-5cf9389be614"
BASE = "/v2/instances/%s/snapshots" % IID


def inst(status="ACTIVE", iid=IID, hostname="web1.example.com"):
    return {"id": iid, "hostname": hostname, "status": status, "initial_password": "s3cret"}


def isnap(name="before-upgrade", state="Complete", sid=SID, description="d"):
    return {"id": sid, "name": name, "description": description, "status": {"state": state},
            "created_at": "2025-04-01T09:11:14Z"}


def params(**kw):
    p = dict(instance=IID, name=None, id=None, description=None, state="present", restore_hostname=None,
             restore_private_ip=None, overwrite_existing=False)
    p.update(kw)
    return p


def client(snaps=None, instances=None):
    return FakeCivo(instances or [inst()], isnaps={IID: snaps if snaps is not None else [isnap()]})


# -- validation ------------------------------------------------------------

@pytest.mark.parametrize("kw, words", [
    (dict(name="Bad_Name"), "RFC 1123"),
    (dict(name="-x"), "RFC 1123"),
    (dict(name="x" * 64), "RFC 1123"),
    (dict(), "one of name or id"),
    (dict(name="a", instance=""), "instance"),
    (dict(name="a", id=".."), "snapshot id"),
    (dict(name="a", restore_hostname="h"), "only apply with state=restored"),
    (dict(name="a", overwrite_existing=True, state="absent"), "only apply with state=restored"),
    (dict(name="a", state="restored"), "restore_hostname"),
    (dict(name="a", state="restored", restore_hostname="h", overwrite_existing=True), "mutually exclusive"),
    (dict(name="a", state="restored", restore_hostname="bad host"), "not a valid host name"),
    (dict(name="a", state="restored", restore_hostname="h", restore_private_ip="10.0.0.256"), "IPv4"),
    (dict(name="a", state="restored", overwrite_existing=True, restore_private_ip="fe80::1"), "IPv4"),
])
def test_validate_refuses(kw, words):
    with pytest.raises(InvalidParameterError) as err:
        validate_params(params(**kw))
    assert words in str(err.value)


@pytest.mark.parametrize("kw", [
    dict(name="a"), dict(name="a1-b2", description="x"), dict(id=SID), dict(name="x" * 63),
    dict(name="a", state="restored", restore_hostname="copy.example.com", restore_private_ip="192.168.1.5"),
    dict(id=SID, state="restored", overwrite_existing=True),
])
def test_validate_accepts(kw):
    validate_params(params(**kw))


def test_invalid_name_sends_no_request(monkeypatch):
    fake = client()
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="Not_Valid"), monkeypatch=monkeypatch)
    assert result["failed"] is True and "RFC 1123" in result["msg"]
    assert fake.calls == []


# -- planning --------------------------------------------------------------

def test_snapshot_state():
    assert snapshot_state(isnap(state="Pending")) == "pending"
    assert snapshot_state({"state": "Complete"}) == "complete"
    assert snapshot_state(None) is None


@pytest.mark.parametrize("existing, kw, expected", [
    (None, dict(name="a"), ("create", {})),
    (None, dict(id=SID, name="a"), ("missing_id", {})),
    (isnap(), dict(name="before-upgrade"), ("keep", {})),
    (isnap(), dict(name="before-upgrade", description="d"), ("keep", {})),
    (isnap(), dict(name="before-upgrade", description="new"), ("update", {"description": "new"})),
    (isnap(), dict(id=SID, name="renamed"), ("update", {"name": "renamed"})),
    (isnap(), dict(id=SID, name="renamed", description="new"), ("update", {"name": "renamed", "description": "new"})),
    (isnap(), dict(id=SID), ("keep", {})),
])
def test_plan_present(existing, kw, expected):
    assert plan_present(existing, params(**kw)) == expected


def test_noop_by_instance_id_and_snapshot_id_is_one_request(monkeypatch):
    fake = client()
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, id=SID), monkeypatch=monkeypatch)
    assert result["changed"] is False
    assert fake.calls == [("get_instance_snapshot", IID, SID)]


def test_noop_by_instance_id_and_name_is_one_request(monkeypatch):
    fake = client()
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="before-upgrade"), monkeypatch=monkeypatch)
    assert result["changed"] is False and result["snapshot"]["id"] == SID
    assert fake.calls == [("list_instance_snapshots", IID)]


def test_by_hostname(monkeypatch):
    fake = client()
    result = run(CivoInstanceSnapshot, fake, dict(instance="web1.example.com", name="before-upgrade"),
                 monkeypatch=monkeypatch)
    assert result["changed"] is False and result["snapshot"]["id"] == SID


def test_create_waits_until_complete_and_is_not_resent_after_a_lost_answer(monkeypatch):
    fake = client(snaps=[])
    fake.ambiguous[("POST", BASE)] = 1

    def created(data):
        fake.isnaps[IID].append(isnap(name=data["name"], description=data.get("description", ""), state="Pending"))

    fake.on_send[("POST", BASE)] = created
    calls = {"n": 0}
    real_get = fake.get_instance_snapshot

    def get_snapshot(instance_id, ref):
        calls["n"] += 1
        fake.isnaps[IID][0]["status"]["state"] = "Complete"
        return real_get(instance_id, ref)

    fake.get_instance_snapshot = get_snapshot
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="fresh", description="why"),
                 monkeypatch=monkeypatch)
    assert result["changed"] is True and result["adopted"] is True
    assert fake.mutations == [("POST", BASE, {"name": "fresh", "description": "why"})]
    assert result["snapshot"]["status"]["state"] == "Complete"
    assert result["diff"]["before"] == {} and result["diff"]["after"]["name"] == "fresh"


def test_rename_in_place(monkeypatch):
    fake = client()
    fake.answers[("PUT", BASE + "/" + SID)] = lambda data: dict(isnap(), **data)
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, id=SID, name="renamed"), monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert fake.mutations == [("PUT", BASE + "/" + SID, {"name": "renamed"})]
    assert result["snapshot"]["name"] == "renamed"
    assert result["diff"]["before"]["name"] == "before-upgrade" and result["diff"]["after"]["name"] == "renamed"


def test_unknown_id_with_present_is_refused(monkeypatch):
    fake = client(snaps=[])
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, id=SID, name="x"), monkeypatch=monkeypatch)
    assert result["failed"] is True and "cannot be created with a given id" in result["msg"]
    assert fake.mutations == []


def test_absent(monkeypatch):
    fake = client()
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="before-upgrade", state="absent"),
                 monkeypatch=monkeypatch)
    assert result["changed"] is True and result["snapshot"] is None
    assert fake.mutations == [("DELETE", BASE + "/" + SID, None)]
    fake = client(snaps=[])
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="before-upgrade", state="absent"),
                 monkeypatch=monkeypatch)
    assert result["changed"] is False and fake.mutations == []


def test_absent_on_a_missing_instance_is_no_change(monkeypatch):
    fake = FakeCivo([])
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="x", state="absent"), monkeypatch=monkeypatch)
    assert result["changed"] is False, result


def test_present_on_a_missing_instance_fails(monkeypatch):
    fake = FakeCivo([])
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="x"), monkeypatch=monkeypatch)
    assert result["failed"] is True and "not found" in result["msg"]


# -- restore ---------------------------------------------------------------

RESTORE = BASE + "/" + SID + "/restore"


def test_restore_to_existing_hostname_is_no_change(monkeypatch):
    fake = client(instances=[inst(), inst(iid=NEW, hostname="copy.example.com")])
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="before-upgrade", state="restored",
                                                  restore_hostname="copy.example.com"), monkeypatch=monkeypatch)
    assert result["changed"] is False
    assert result["restore"] is None
    assert result["instance"]["id"] == NEW and "initial_password" not in result["instance"]
    assert fake.mutations == []


def test_restore_to_new_hostname(monkeypatch):
    fake = client()

    def restored(data):
        fake.instances[NEW] = inst(iid=NEW, hostname=data["hostname"])

    fake.on_send[("POST", RESTORE)] = restored
    fake.answers[("POST", RESTORE)] = {"id": "r1", "hostname": "copy.example.com", "status": {"state": "in_progress"}}
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="before-upgrade", state="restored",
                                                  restore_hostname="copy.example.com", restore_private_ip="192.168.1.9"),
                 monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert fake.mutations == [("POST", RESTORE, {"overwrite_existing": False, "hostname": "copy.example.com",
                                                 "private_ipv4": "192.168.1.9"})]
    assert result["restore"]["id"] == "r1"
    assert result["instance"]["id"] == NEW and result["instance"]["status"] == "ACTIVE"
    assert "initial_password" not in result["instance"]
    assert result["diff"]["after"]["hostname"] == "copy.example.com"


def test_lost_restore_to_new_hostname_is_adopted(monkeypatch):
    fake = client()
    fake.ambiguous[("POST", RESTORE)] = 1
    fake.on_send[("POST", RESTORE)] = lambda data: fake.instances.update({NEW: inst(iid=NEW, hostname="copy.example.com")})
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="before-upgrade", state="restored",
                                                  restore_hostname="copy.example.com"), monkeypatch=monkeypatch)
    assert result["changed"] is True and result["adopted"] is True
    assert len(fake.mutations) == 1
    assert result["restore"] is None and result["instance"]["id"] == NEW


def test_overwrite_is_always_a_change_and_waits_for_the_rebuild(monkeypatch):
    fake = client()
    polls = {"n": 0}
    real = fake.get_instance

    def get_instance(instance_id):
        polls["n"] += 1
        # Read once settled before the request, then busy with the restore, then ACTIVE again.
        fake.instances[IID]["status"] = "BUILDING" if polls["n"] == 2 else "ACTIVE"
        return real(instance_id)

    fake.get_instance = get_instance
    fake.answers[("POST", RESTORE)] = {"id": "r2", "overwrite_existing": True, "status": {"state": "in_progress"}}
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, id=SID, state="restored", overwrite_existing=True),
                 monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert fake.mutations == [("POST", RESTORE, {"overwrite_existing": True})]
    assert result["instance"]["status"] == "ACTIVE" and polls["n"] == 3


def test_overwrite_in_check_mode_sends_nothing(monkeypatch):
    fake = client()
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, id=SID, state="restored", overwrite_existing=True),
                 check=True, monkeypatch=monkeypatch)
    assert result["changed"] is True and fake.mutations == []
    assert result["diff"]["after"]["from_snapshot"] == SID


def test_restore_of_missing_or_failed_snapshot_fails(monkeypatch):
    fake = client(snaps=[])
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="nope", state="restored", overwrite_existing=True),
                 monkeypatch=monkeypatch)
    assert result["failed"] is True and "nothing to restore" in result["msg"]
    fake = client(snaps=[isnap(state="Failed")])
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, id=SID, state="restored", overwrite_existing=True),
                 monkeypatch=monkeypatch)
    assert result["failed"] is True and "failed" in result["msg"]
    assert fake.mutations == []


# -- info ------------------------------------------------------------------

def test_info(monkeypatch):
    fake = client(snaps=[isnap(), isnap(name="second", sid="s2")])
    result = run(CivoInstanceSnapshotInfo, fake, dict(instance=IID), monkeypatch=monkeypatch)
    assert [s["name"] for s in result["snapshots"]] == ["before-upgrade", "second"]
    assert result["instance_id"] == IID and result["changed"] is False
    assert fake.calls == [("list_instance_snapshots", IID)]
    result = run(CivoInstanceSnapshotInfo, fake, dict(instance="web1.example.com", name="second"),
                 monkeypatch=monkeypatch)
    assert [s["id"] for s in result["snapshots"]] == ["s2"]
    result = run(CivoInstanceSnapshotInfo, fake, dict(instance=IID, id="s2"), monkeypatch=monkeypatch)
    assert [s["id"] for s in result["snapshots"]] == ["s2"]
    result = run(CivoInstanceSnapshotInfo, fake, dict(instance=IID, id="nope"), monkeypatch=monkeypatch)
    assert result["snapshots"] == []
    result = run(CivoInstanceSnapshotInfo, FakeCivo([]), dict(instance="ghost"), monkeypatch=monkeypatch)
    assert result["failed"] is True and "not found" in result["msg"]


# -- waits are steps or reads before the plan, never in result() (issue 15) --------

def test_an_earlier_runs_pending_snapshot_is_waited_for_before_the_plan(monkeypatch):
    fake = client(snaps=[isnap(state="Pending")])
    real_get = fake.get_instance_snapshot

    def get_snapshot(instance_id, ref):
        fake.isnaps[IID][0]["status"]["state"] = "Complete"
        return real_get(instance_id, ref)

    fake.get_instance_snapshot = get_snapshot
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="before-upgrade"), monkeypatch=monkeypatch)
    assert result["changed"] is False and result["actions"] == []
    assert result["snapshot"]["status"]["state"] == "Complete"
    assert fake.calls == [("list_instance_snapshots", IID), ("get_instance_snapshot", IID, SID)]
    assert fake.mutations == []


def test_result_reads_only_the_current_object(monkeypatch):
    from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import make_module as make
    fake = client(snaps=[isnap(state="Pending")])
    mod = make(CivoInstanceSnapshot, fake, dict(instance=IID, name="before-upgrade"), monkeypatch=monkeypatch)
    current = {"instance_id": IID, "snapshot": isnap(state="Pending"), "adopted": True, "deleted_duplicate": "s9"}
    assert mod.result(current, None) == {"snapshot": isnap(state="Pending"), "adopted": True,
                                         "deleted_duplicate": "s9"}
    assert fake.calls == []  # no wait, no request


def test_a_failed_wait_after_a_restore_still_reports_the_restore(monkeypatch):
    from ansible_collections.vmops.cloud.plugins.module_utils.base import ApiError
    fake = client()
    # The answer names the new instance; reading it is then refused: the wait fails after the restore was sent.
    fake.answers[("POST", RESTORE)] = {"id": "r3", "instance_id": NEW, "hostname": "copy.example.com",
                                       "status": {"state": "in_progress"}}

    def get_instance(instance_id):
        raise ApiError("forbidden", status=403, code="forbidden", reason="forbidden")

    fake.get_instance = get_instance
    result = run(CivoInstanceSnapshot, fake, dict(instance=IID, name="before-upgrade", state="restored",
                                                  restore_hostname="copy.example.com"), monkeypatch=monkeypatch)
    assert result["failed"] is True and result["changed"] is True
    assert result["actions"] == ["restore snapshot before-upgrade to a new instance copy.example.com"]
    assert result["failed_action"] == "wait for the restored instance copy.example.com to be ACTIVE"
    assert result["restore"]["id"] == "r3" and result["instance"] is None
    assert len(fake.mutations) == 1
