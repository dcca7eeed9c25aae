# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of civo_recovery: mode parsing, planning, reboot and adoption of a lost reboot."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient, parse_bool
from ansible_collections.vmops.cloud.plugins.modules.civo_recovery import CivoRecovery, effective_mode, plan_recovery
from ansible_collections.vmops.cloud.tests.unit.plugins.modules._civo_harness import FakeCivo, run

IID = "4a07ac84-70f8-11e5-8fe9-5cf9389be614"
PATH = "/v2/instances/%s/recovery" % IID
REBOOT = "/v2/instances/%s/reboots" % IID


def instance(status="ACTIVE", effective=False, **extra):
    inst = {"id": IID, "hostname": "web1.example.com", "status": status, "recovery_mode": effective}
    inst.update(extra)
    return inst


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("false", False), ("True", True), (" FALSE ", False), (True, True), (False, False),
    (1, True), (0, False), ("1", True), ("0", False), ("yes", True), ("no", False),
    ("maybe", None), ("", None), (None, None), ({}, None),
])
def test_parse_bool(value, expected):
    assert parse_bool(value) is expected


class RecoveryTransport(object):
    """Just enough of Transport for CivoClient.get_recovery."""

    def __init__(self, body):
        self.body = body
        self.session = type("S", (), {"headers": {}})()
        self.request_count = 0
        self.sleep = None
        self.urls = []

    def request(self, method, url, **kw):
        import json
        import requests
        self.urls.append((method, url, kw.get("params")))
        resp = requests.Response()
        resp.status_code = 200
        resp._content = json.dumps(self.body).encode()
        check = kw.get("check")
        return check(resp) if check else resp


@pytest.mark.parametrize("body, expected", [
    ({"result": "true"}, True), ({"result": "false"}, False), ({"result": True}, True), ({"result": False}, False),
])
def test_client_get_recovery_accepts_strings_and_booleans(body, expected):
    transport = RecoveryTransport(body)
    client = CivoClient("key", api_url="http://api.test", region="lon1", transport=transport)
    assert client.get_recovery(IID) is expected
    assert transport.urls == [("GET", "http://api.test" + PATH, {"region": "LON1"})]


def test_client_get_recovery_refuses_garbage():
    client = CivoClient("key", api_url="http://api.test", transport=RecoveryTransport({"result": "perhaps"}))
    with pytest.raises(ApiError) as err:
        client.get_recovery(IID)
    assert err.value.code == "invalid_response"


def test_effective_mode():
    assert effective_mode({"recovery_mode": True}) is True
    assert effective_mode({"recovery_mode": "false"}) is False
    assert effective_mode({"status": "ACTIVE"}) is None


def cur(enabled, effective):
    return {"enabled": enabled, "effective": effective}


@pytest.mark.parametrize("current, desired, reboot, steps, after_needed", [
    # already as wanted
    (cur(True, True), True, False, [], False),
    (cur(False, False), False, True, [], False),
    # request changed, reboot pending
    (cur(False, False), True, False, ["set"], True),
    (cur(False, False), True, True, ["set", "reboot"], False),
    (cur(True, True), False, True, ["set", "reboot"], False),
    # requested already, not yet in effect: only a reboot is missing
    (cur(True, False), True, False, [], True),
    (cur(True, False), True, True, ["reboot"], False),
    # requested back to what is in effect: no reboot needed
    (cur(True, False), False, True, ["set"], False),
    # the API does not show the mode in effect
    (cur(False, None), True, True, ["set", "reboot"], False),
    (cur(True, None), True, True, [], False),
    (cur(False, None), True, False, ["set"], True),
])
def test_plan_recovery(current, desired, reboot, steps, after_needed):
    planned, needed = plan_recovery(current, desired, reboot)
    assert [kind for kind, dummy in planned] == steps
    assert needed is after_needed


def test_noop_by_id_reads_instance_and_mode_only(monkeypatch):
    client = FakeCivo([instance(effective=True)], recovery={IID: True})
    result = run(CivoRecovery, client, dict(instance=IID, reboot=True), monkeypatch=monkeypatch)
    assert result["changed"] is False and result["actions"] == []
    assert result["recovery"]["enabled"] is True and result["recovery"]["effective"] is True
    assert result["reboot_required"] is False
    assert client.calls == [("get_instance", IID), ("get_recovery", IID)]


def test_enable_without_reboot_says_reboot_required(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: False})
    result = run(CivoRecovery, client, dict(instance=IID), monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert result["actions"] == ["enable recovery mode"]
    assert result["reboot_required"] is True
    assert result["recovery"]["enabled"] is True and result["recovery"]["effective"] is False
    assert client.mutations == [("PUT", PATH, None)]
    assert result["diff"]["before"]["enabled"] is False and result["diff"]["after"]["enabled"] is True


def test_check_mode_sends_nothing(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: False})
    result = run(CivoRecovery, client, dict(instance=IID, reboot=True), check=True, monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert len(result["actions"]) == 2
    assert client.mutations == []
    assert result["recovery"]["enabled"] is True and result["recovery"]["effective"] is True
    assert result["reboot_required"] is False


def test_disable_uses_delete(monkeypatch):
    client = FakeCivo([instance(effective=True)], recovery={IID: True})
    result = run(CivoRecovery, client, dict(instance="web1.example.com", state="disabled"), monkeypatch=monkeypatch)
    assert result["actions"] == ["disable recovery mode"]
    assert client.mutations == [("DELETE", PATH, None)]
    assert result["reboot_required"] is True


def test_reboot_and_wait_until_effective(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: True})

    def rebooted(data):
        client.instances[IID].update(status="ACTIVE", recovery_mode=True)

    client.on_send[("POST", REBOOT)] = rebooted
    result = run(CivoRecovery, client, dict(instance=IID, reboot=True), monkeypatch=monkeypatch)
    assert result["changed"] is True
    assert result["actions"] == ["reboot the instance so that recovery mode takes effect"]
    assert client.mutations == [("POST", REBOOT, None)]
    assert result["recovery"]["effective"] is True and result["recovery"]["status"] == "ACTIVE"
    assert result["reboot_required"] is False


def test_lost_reboot_is_adopted_when_the_instance_is_rebooting(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: True})
    client.ambiguous[("POST", REBOOT)] = 1

    def rebooting(data):
        client.instances[IID].update(status="REBOOTING")

    client.on_send[("POST", REBOOT)] = rebooting
    result = run(CivoRecovery, client, dict(instance=IID, reboot=True, wait=False), monkeypatch=monkeypatch)
    assert result["changed"] is True, result
    assert client.mutations == [("POST", REBOOT, None)]  # not sent twice


def test_lost_reboot_that_did_not_apply_is_sent_again(monkeypatch):
    client = FakeCivo([instance()], recovery={IID: True})
    client.ambiguous[("POST", REBOOT)] = 1
    result = run(CivoRecovery, client, dict(instance=IID, reboot=True, wait=False), monkeypatch=monkeypatch)
    assert result["changed"] is True, result
    assert client.mutations == [("POST", REBOOT, None), ("POST", REBOOT, None)]


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


def test_busy_instance_is_waited_for_before_planning_a_reboot(monkeypatch):
    # A reboot from an earlier run is under way: wait for it, then nothing is left to do.
    client = FakeCivo([instance(status="REBOOTING")], recovery={IID: True})
    reads = []

    def get_instance(instance_id):
        reads.append(instance_id)
        if len(reads) > 1:
            client.instances[IID].update(status="ACTIVE", recovery_mode=True)
        return FakeCivo.get_instance(client, instance_id)

    client.get_instance = get_instance
    result = run(CivoRecovery, client, dict(instance=IID, reboot=True), monkeypatch=monkeypatch)
    assert result["changed"] is False, result
    assert client.mutations == []
