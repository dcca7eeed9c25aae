# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of civo_snapshot and civo_snapshot_info: planning, refusals, adoption of a lost PUT."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.modules.civo_snapshot import CivoSnapshot, validate_cron
from ansible_collections.vmops.cloud.plugins.module_utils.civo import snapshot_state
from ansible_collections.vmops.cloud.plugins.module_utils._http import InvalidParameterError
from ansible_collections.vmops.cloud.plugins.modules.civo_snapshot_info import CivoSnapshotInfo
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeCivo, run

A = "44aab548-61ca-11e5-860e-5cf9389be614"
B = "b177ae0e-60fa-11e5-be02-5cf9389be614"
PUT = "/v2/snapshots/nightly"


def instances():
    return [{"id": A, "hostname": "a.example.com", "status": "ACTIVE"},
            {"id": B, "hostname": "b.example.com", "status": "ACTIVE"}]


def snap(name="nightly", instance_id=A, status="complete", requested_at="2015-09-20T19:31:36+00:00", **extra):
    s = {"name": name, "instance_id": instance_id, "status": status, "safe": False, "cron_timing": None,
         "requested_at": requested_at, "completed_at": None, "size_gb": 20}
    s.update(extra)
    return s


@pytest.mark.parametrize("obj, expected, canonical", [
    ({"status": "complete"}, "complete", "complete"),
    ({"state": "In-Progress"}, "in-progress", "pending"),  # the official client's fixture names it state
    ({"status": None, "state": "new"}, "new", "pending"),
    ({}, None, None),
    (None, None, None),
])
def test_snapshot_status_accepts_both_shapes(obj, expected, canonical):
    assert snapshot_state(obj, canonical=False) == expected
    assert snapshot_state(obj) == canonical


@pytest.mark.parametrize("existing, instance_id, force, expected", [
    (None, A, False, "create"),
    (None, A, True, "create"),
    (snap(), A, False, "keep"),
    (snap(), A, True, "retake"),
    (snap(), B, False, "conflict"),
    (snap(), B, True, "retake"),
])
def test_what_present_means(monkeypatch, existing, instance_id, force, expected):
    """Take, keep, retake (force) or refuse (another instance's snapshot of that name), as the layer plans it."""
    client = FakeCivo(instances(), snapshots=[existing] if existing else [])
    client.answers[("PUT", PUT)] = lambda data: snap(instance_id=data["instance_id"], requested_at="2016-01-01")
    result = run(CivoSnapshot, client, dict(name="nightly", instance=instance_id, force=force, wait=False),
                 monkeypatch=monkeypatch)
    outcome = {"take": "create", "retake": "retake"}.get(result.get("actions", [""])[0].split(" ")[0]) \
        if result.get("changed") else ("conflict" if result.get("failed") else "keep")
    assert outcome == expected, result
    assert len(client.mutations) == (1 if expected in ("create", "retake") else 0)
    if expected == "conflict":
        assert result["failure"]["code"] == "snapshot_of_other_instance"


@pytest.mark.parametrize("value", ["0 3 * * 1", "*/5 * * * *", None])
def test_validate_cron_ok(value):
    validate_cron(value)


@pytest.mark.parametrize("value", ["0 3 * *", "daily", "0 3 * * 1 2"])
def test_validate_cron_refused(value):
    with pytest.raises(InvalidParameterError):
        validate_cron(value)


def test_noop_by_id_is_one_request(monkeypatch):
    client = FakeCivo(instances(), snapshots=[snap()])
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A), monkeypatch=monkeypatch)
    assert result["changed"] is False
    assert result["snapshot"]["instance_id"] == A
    assert client.calls == [("list_snapshots",)]


def test_noop_by_hostname_looks_the_instance_up(monkeypatch):
    client = FakeCivo(instances(), snapshots=[snap()])
    result = run(CivoSnapshot, client, dict(name="nightly", instance="a.example.com"), monkeypatch=monkeypatch)
    assert result["changed"] is False
    assert client.mutations == []


def test_create_sends_put_not_safe_and_returns_snapshot(monkeypatch):
    client = FakeCivo(instances())
    client.answers[("PUT", PUT)] = lambda data: snap(status="complete", safe=data["safe"])
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A, safe=True), monkeypatch=monkeypatch)
    assert result["changed"] is True and "failed" not in result, result
    # the wait is a step of its own (issue 15); the PUT's answer is already complete, so it asks nothing more
    assert result["actions"] == ["take snapshot nightly of instance %s" % A, "wait for snapshot nightly to be complete"]
    assert client.calls[-1][0] == "PUT"
    assert client.mutations == [("PUT", PUT, {"instance_id": A, "safe": True})]
    assert result["snapshot"]["safe"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["instance_id"] == A


def test_create_scheduled_sends_cron_and_is_not_waited_for(monkeypatch):
    client = FakeCivo(instances())
    client.answers[("PUT", PUT)] = lambda data: snap(status="new", cron_timing=data["cron_timing"])
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A, cron_timing="0 3 * * 1"),
                 monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert client.mutations[0][2]["cron_timing"] == "0 3 * * 1"
    assert result["snapshot"]["status"] == "new"
    assert result["actions"][0].endswith("on schedule 0 3 * * 1")


def test_other_instance_is_refused_without_force(monkeypatch):
    client = FakeCivo(instances(), snapshots=[snap(instance_id=B)])
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A), monkeypatch=monkeypatch)
    assert result["failed"] is True
    assert "force=true" in result["msg"] and B in result["msg"]
    assert result["failure"]["code"] == "snapshot_of_other_instance"
    assert client.mutations == []


def test_force_retakes(monkeypatch):
    client = FakeCivo(instances(), snapshots=[snap(instance_id=B)])
    client.answers[("PUT", PUT)] = lambda data: snap(requested_at="2016-01-01T00:00:00+00:00")
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A, force=True), monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert result["actions"][0].startswith("retake snapshot nightly")
    assert result["diff"]["before"]["instance_id"] == B and result["diff"]["after"]["instance_id"] == A


def test_check_mode_sends_nothing(monkeypatch):
    client = FakeCivo(instances(), snapshots=[snap()])
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A, force=True), check=True,
                 monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert client.mutations == []


def test_lost_create_is_adopted_not_resent(monkeypatch):
    client = FakeCivo(instances())
    client.ambiguous[("PUT", PUT)] = 1
    client.on_send[("PUT", PUT)] = lambda data: client.snapshots.append(snap())
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A), monkeypatch=monkeypatch)
    assert result["changed"] is True and result["adopted"] is True
    assert len(client.mutations) == 1


def test_lost_retake_that_did_not_apply_is_sent_again(monkeypatch):
    # The old snapshot is still there unchanged: the retake did not happen, so it is sent again.
    client = FakeCivo(instances(), snapshots=[snap()])
    client.ambiguous[("PUT", PUT)] = 1
    client.answers[("PUT", PUT)] = lambda data: snap(requested_at="2016-01-01T00:00:00+00:00")
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A, force=True), monkeypatch=monkeypatch)
    assert result["adopted"] is False
    assert len(client.mutations) == 2


def test_absent_deletes_and_is_idempotent(monkeypatch):
    client = FakeCivo(instances(), snapshots=[snap()])
    result = run(CivoSnapshot, client, dict(name="nightly", state="absent"), monkeypatch=monkeypatch)
    assert result["changed"] is True and result["snapshot"] is None
    assert client.mutations == [("DELETE", PUT, None)]
    assert result["diff"]["after"] == {}
    client = FakeCivo(instances())
    result = run(CivoSnapshot, client, dict(name="nightly", state="absent"), monkeypatch=monkeypatch)
    assert result["changed"] is False and client.mutations == []


@pytest.mark.parametrize("params, words", [
    (dict(name="nightly", instance=A, cron_timing="0 3 * *"), "five fields"),
    (dict(name="nightly", instance=A, cron_timing="  "), "cron_timing"),
    (dict(name="..", instance=A), "snapshot name"),
    (dict(name="nightly", instance=" "), "instance"),
])
def test_bad_input_fails_before_any_request(monkeypatch, params, words):
    client = FakeCivo(instances())
    result = run(CivoSnapshot, client, params, monkeypatch=monkeypatch)
    assert result["failed"] is True and words in result["msg"]
    assert client.calls == []


def test_missing_instance_is_a_clear_failure(monkeypatch):
    client = FakeCivo(instances())
    result = run(CivoSnapshot, client, dict(name="nightly", instance="ghost.example.com"), monkeypatch=monkeypatch)
    assert result["failed"] is True and "ghost.example.com" in result["msg"]
    assert client.mutations == []


def test_info_filters(monkeypatch):
    snaps = [snap(), snap(name="other", instance_id=B), snap(name="third", instance_id=A)]
    client = FakeCivo(instances(), snapshots=snaps)
    result = run(CivoSnapshotInfo, client, {}, monkeypatch=monkeypatch)
    assert [s["name"] for s in result["snapshots"]] == ["nightly", "other", "third"]
    assert result["changed"] is False
    result = run(CivoSnapshotInfo, client, dict(name="other"), monkeypatch=monkeypatch)
    assert [s["name"] for s in result["snapshots"]] == ["other"]
    client.calls = []
    result = run(CivoSnapshotInfo, client, dict(instance=A), monkeypatch=monkeypatch)
    assert [s["name"] for s in result["snapshots"]] == ["nightly", "third"]
    assert client.calls == [("list_snapshots",)]  # an id needs no lookup
    result = run(CivoSnapshotInfo, client, dict(instance="b.example.com"), monkeypatch=monkeypatch)
    assert [s["name"] for s in result["snapshots"]] == ["other"]
    result = run(CivoSnapshotInfo, client, dict(instance="ghost"), monkeypatch=monkeypatch)
    assert result["snapshots"] == []


def test_a_failed_wait_after_the_take_still_reports_the_snapshot(monkeypatch):
    client = FakeCivo(instances())
    client.answers[("PUT", PUT)] = lambda data: snap(status="new")
    client.on_send[("PUT", PUT)] = lambda data: client.snapshots.append(snap(status="failed"))
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A), monkeypatch=monkeypatch)
    assert result["failed"] is True and result["changed"] is True
    assert result["actions"] == ["take snapshot nightly of instance %s" % A]
    assert result["failed_action"] == "wait for snapshot nightly to be complete"
    assert result["snapshot"]["name"] == "nightly" and len(client.mutations) == 1


def test_without_wait_nothing_is_waited_for(monkeypatch):
    client = FakeCivo(instances())
    client.answers[("PUT", PUT)] = lambda data: snap(status="new")
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A, wait=False), monkeypatch=monkeypatch)
    assert result["changed"] is True and result["actions"] == ["take snapshot nightly of instance %s" % A]
    assert result["snapshot"]["status"] == "new" and client.calls[-1][0] == "PUT"


def test_an_earlier_runs_pending_snapshot_is_waited_for_without_a_change(monkeypatch):
    client = FakeCivo(instances(), snapshots=[snap(status="in-progress")])
    reads = []

    def list_snapshots():
        reads.append(1)
        if len(reads) > 1:
            client.snapshots[0]["status"] = "complete"
        return list(client.snapshots)
    monkeypatch.setattr(client, "list_snapshots", list_snapshots)
    result = run(CivoSnapshot, client, dict(name="nightly", instance=A), monkeypatch=monkeypatch)
    assert result["changed"] is False and result["actions"] == [] and result["snapshot"]["status"] == "complete"
    assert client.mutations == []
