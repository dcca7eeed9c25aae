# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of civo_recovery: mode parsing, planning, reboot and adoption of a lost reboot."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError, Transport
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient, civo_error, parse_bool
from ansible_collections.vmops.cloud.plugins.modules.civo_recovery import CivoRecovery, plan_recovery
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeCivo, FakeSession, Sleeps, json_response, run

IID = "4a07ac84-70f8-11e5-8fe9-5cf9389be614"
PATH = "/v2/instances/%s/recovery" % IID
REBOOT = "/v2/instances/%s/hard_reboots" % IID


def instance(status="ACTIVE", **extra):
    # A real instance has no field that shows the recovery mode in effect (civogo Instance).
    inst = {"id": IID, "hostname": "web1.example.com", "status": status}
    inst.update(extra)
    return inst


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("false", False), ("True", True), (" FALSE ", False), (True, True), (False, False),
    (1, True), (0, False), ("1", True), ("0", False), ("yes", True), ("no", False),
    ("maybe", None), ("", None), (None, None), ({}, None),
])
def test_parse_bool(value, expected):
    assert parse_bool(value) is expected


def recovery_client(body):
    """The real client and transport over the kit's FakeSession, answering ``body`` once."""
    session = FakeSession(json_response(200, body))
    transport = Transport(session=session, retries=0, sleep=Sleeps(), error_parser=civo_error)
    return CivoClient("key", api_url="http://api.test", region="lon1", transport=transport), session


@pytest.mark.parametrize("body, expected", [
    ({"result": "true"}, True), ({"result": "false"}, False), ({"result": True}, True), ({"result": False}, False),
])
def test_client_get_recovery_accepts_strings_and_booleans(body, expected):
    client, session = recovery_client(body)
    assert client.get_recovery(IID) is expected
    assert [(c.method, c.url, c.kwargs.get("params")) for c in session.calls] == [
        ("GET", "http://api.test" + PATH, {"region": "LON1"})]


def test_client_get_recovery_refuses_garbage():
    client, dummy = recovery_client({"result": "perhaps"})
    with pytest.raises(ApiError) as err:
        client.get_recovery(IID)
    assert err.value.code == "invalid_response"


@pytest.mark.parametrize("requested, desired, reboot, force, steps, required, warns", [
    # the request changes: only this run knows a reboot is due
    (False, True, False, False, ["set"], True, False),
    (False, True, True, False, ["set", "reboot"], False, False),
    (True, False, True, False, ["set", "reboot"], False, False),
    # the request already matches: whether it is in effect is unknown, never "no reboot needed"
    (True, True, False, False, [], None, False),
    (True, True, True, False, [], None, True),
    (False, False, True, False, [], None, True),
    # force_reboot reboots in any case
    (True, True, False, True, ["reboot"], False, False),
    (False, True, False, True, ["set", "reboot"], False, False),
])
def test_plan_recovery(requested, desired, reboot, force, steps, required, warns):
    planned, needed, warning = plan_recovery(requested, desired, reboot, force)
    assert [kind for kind, dummy in planned] == steps
    assert needed is required
    assert bool(warning) is warns
    if warning:
        assert "force_reboot" in warning


def test_noop_by_id_reads_instance_and_mode_only_and_never_claims_the_mode_in_effect(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: True})
    result = run(CivoRecovery, client, dict(instance=IID), monkeypatch=monkeypatch)
    assert result["changed"] is False and result["actions"] == []
    assert result["recovery"]["enabled"] is True and result["recovery"]["effective"] is None
    assert result["reboot_required"] is None
    assert client.calls == [("get_instance", IID), ("get_recovery", IID)]


def test_reboot_asked_but_request_already_matching_warns_and_sends_nothing(monkeypatch):
    # An earlier run failed between the PUT and the reboot: the module must not claim all is well.
    client = FakeCivo([instance()], recovery={IID: True})
    result = run(CivoRecovery, client, dict(instance=IID, reboot=True), monkeypatch=monkeypatch)
    assert result["changed"] is False and client.mutations == []
    assert result["reboot_required"] is None and result["recovery"]["effective"] is None
    assert len(result["warnings"]) == 1 and "force_reboot" in result["warnings"][0]


def test_force_reboot_reboots_when_the_request_already_matches(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: True})

    def rebooted(data):
        client.instances[IID].update(status="ACTIVE")

    client.on_send[("POST", REBOOT)] = rebooted
    result = run(CivoRecovery, client, dict(instance=IID, force_reboot=True), monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert result["actions"] == ["reboot the instance so that recovery mode takes effect",
                                 "wait for the instance to be ACTIVE in recovery mode"]
    assert client.mutations == [("POST", REBOOT, None)]
    assert result["recovery"]["effective"] is True and result["reboot_required"] is False


def test_enable_without_reboot_says_reboot_required(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: False})
    result = run(CivoRecovery, client, dict(instance=IID), monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert result["actions"] == ["enable recovery mode"]
    assert result["reboot_required"] is True
    assert result["recovery"]["enabled"] is True and result["recovery"]["effective"] is None
    assert client.mutations == [("PUT", PATH, None)]
    assert result["diff"]["before"]["enabled"] is False and result["diff"]["after"]["enabled"] is True


def test_check_mode_sends_nothing(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: False})
    result = run(CivoRecovery, client, dict(instance=IID, reboot=True), check=True, monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert len(result["actions"]) == 3
    assert client.mutations == []
    assert result["recovery"]["enabled"] is True and result["recovery"]["effective"] is True
    assert result["reboot_required"] is False


def test_disable_uses_delete(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: True})
    result = run(CivoRecovery, client, dict(instance="web1.example.com", state="disabled"), monkeypatch=monkeypatch)
    assert result["actions"] == ["disable recovery mode"]
    assert client.mutations == [("DELETE", PATH, None)]
    assert result["reboot_required"] is True


def test_change_then_reboot_and_wait(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: False})
    result = run(CivoRecovery, client, dict(instance=IID, reboot=True), monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert client.mutations == [("PUT", PATH, None), ("POST", REBOOT, None)]
    assert result["recovery"]["effective"] is True and result["recovery"]["status"] == "ACTIVE"
    assert result["reboot_required"] is False


def test_lost_reboot_is_adopted_when_the_settled_instance_is_now_rebooting(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: True})
    client.ambiguous[("POST", REBOOT)] = 1

    def rebooting(data):
        client.instances[IID].update(status="REBOOTING")

    client.on_send[("POST", REBOOT)] = rebooting
    result = run(CivoRecovery, client, dict(instance=IID, force_reboot=True, wait=False), monkeypatch=monkeypatch)
    assert result["changed"] is True and result["adopted"] is True, result
    assert client.mutations == [("POST", REBOOT, None)]  # not sent twice


def test_lost_reboot_that_did_not_apply_is_sent_again(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: True})
    client.ambiguous[("POST", REBOOT)] = 1
    result = run(CivoRecovery, client, dict(instance=IID, force_reboot=True, wait=False), monkeypatch=monkeypatch)
    assert result["changed"] is True and result["adopted"] is False, result
    assert client.mutations == [("POST", REBOOT, None), ("POST", REBOOT, None)]


def test_busy_instance_is_not_proof_a_lost_reboot_was_applied(monkeypatch):
    # Issue 14 item 5: the instance is REBOOTING from something else when the run starts.  The module waits
    # for it to settle before sending; a reboot lost afterwards is not adopted because of the earlier state.
    client = FakeCivo([instance(status="REBOOTING")], recovery={IID: False})
    reads = []
    real = client.get_instance

    def get_instance(instance_id):
        reads.append(instance_id)
        if len(reads) >= 3:
            client.instances[IID]["status"] = "ACTIVE"
        return real(instance_id)

    client.get_instance = get_instance
    client.ambiguous[("POST", REBOOT)] = 1
    result = run(CivoRecovery, client, dict(instance=IID, reboot=True, wait_timeout=30), monkeypatch=monkeypatch)
    assert result.get("failed") is not True, result
    assert result["adopted"] is False
    assert client.mutations == [("PUT", PATH, None), ("POST", REBOOT, None), ("POST", REBOOT, None)]


def test_busy_instance_without_wait_fails_before_the_reboot(monkeypatch):
    client = FakeCivo([instance(status="REBOOTING")], recovery={IID: True})
    result = run(CivoRecovery, client, dict(instance=IID, force_reboot=True, wait=False), monkeypatch=monkeypatch)
    assert result["failed"] is True and "REBOOTING" in result["msg"]
    assert client.mutations == []


def test_repeated_enable_after_lost_answer_counts_as_applied(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: False})
    client.answers[("PUT", PATH)] = ApiError("conflict", status=409, code="database_instance_already_in_rescue_state")
    result = run(CivoRecovery, client, dict(instance=IID), monkeypatch=monkeypatch)
    assert result.get("failed") is not True, result
    assert result["recovery"]["enabled"] is True


def test_missing_instance_fails_with_message(monkeypatch):
    client = FakeCivo([])
    result = run(CivoRecovery, client, dict(instance="ghost"), monkeypatch=monkeypatch)
    assert result["failed"] is True
    assert result["msg"] == "Instance 'ghost' not found in region LON1"
    assert result["failure"]["code"] == "database_instance_not_found"
    assert client.mutations == []


def test_empty_instance_fails_before_any_request(monkeypatch):
    client = FakeCivo([])
    result = run(CivoRecovery, client, dict(instance="  "), monkeypatch=monkeypatch)
    assert result["failed"] is True and "instance" in result["msg"]
    assert client.calls == []
