# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Contract tests: the real CivoClient and the modules' planning over answers shaped like the official
clients' test bodies (``tests/unit/fixtures/civo``, sources in its README)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import (
    ApiError,
    InvalidParameterError,
    MalformedResponseError,
    Transport,
)
from ansible_collections.vmops.cloud.plugins.module_utils.civo import (
    CivoClient,
    civo_error,
    instance_script,
    is_in_progress,
    oldest_first,
    strip_secrets,
)
from ansible_collections.vmops.cloud.plugins.modules import civo_instance as ci
from ansible_collections.vmops.cloud.plugins.modules.civo_instance import CivoInstance
from ansible_collections.vmops.cloud.plugins.modules.civo_instance_info import CivoInstanceInfo
from ansible_collections.vmops.cloud.plugins.module_utils.civo import snapshot_state
from ansible_collections.vmops.cloud.plugins.module_utils.civo_restore import restore_info
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import (
    Routes,
    Sleeps,
    run,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "civo")
SCRIPT = "#!/bin/sh\necho DB_PASSWORD=hunter2 > /etc/app.env\n"
WEB1 = "7a1b2c3d-0000-4000-8000-000000000001"


def fixture(name):
    with open(os.path.join(FIXTURES, name + ".json")) as handle:
        return json.load(handle)


def api(routes=None):
    """The kit's scripted API answering the real fixtures; ``routes`` adds or replaces answers."""
    table = {
        ("GET", "/v2/instances"): (200, fixture("instances_page")),
        ("GET", "/v2/instances/" + WEB1): (200, fixture("instance")),
        ("GET", "/v2/sizes"): (200, fixture("sizes")),
        ("GET", "/v2/disk_images"): (200, fixture("disk_images")),
        ("GET", "/v2/networks"): (200, fixture("networks")),
        ("GET", "/v2/sshkeys"): (200, fixture("sshkeys")),
        ("GET", "/v2/firewalls"): (200, fixture("firewalls")),
    }
    table.update(routes or {})
    return Routes(table)


def client(routes=None, retries=0):
    session = (routes or api()).session
    tr = Transport(session=session, retries=retries, sleep=Sleeps(), error_parser=civo_error)
    return CivoClient("k3y", api_url="https://api.civo.test", region="LON1", api_retries=retries, transport=tr), session


# -- reading the real shapes ----------------------------------------------------------------------

def test_deleting_instance_is_invisible_to_hostname_lookups_and_ambiguity():
    civo, session = client()
    found = civo.find_instances_by_hostname("web1.example.com")
    assert [i["id"] for i in found] == [WEB1]
    assert civo.find_instance_by_hostname("web1.example.com")["id"] == WEB1  # not "ambiguous"
    assert session.count == 2


def test_in_progress_statuses_of_real_answers():
    for status in ("INSTANCE-CREATE", "INSTALLING", "SCALING", "MIGRATING", "BUILDING", "DELETING"):
        assert is_in_progress(status), status
    assert not is_in_progress("ACTIVE") and not is_in_progress("SHUTOFF")
    assert is_in_progress(fixture("instances_page")["items"][2]["status"])


def test_script_is_base64_in_script_and_is_a_secret():
    inst = fixture("instance")
    assert "user_script" not in inst
    assert instance_script(inst) == SCRIPT
    clean = strip_secrets(inst)
    for secret in ("script", "initial_password", "rescue_password", "civostatsd_token"):
        assert secret not in clean


def test_same_script_on_a_rerun_is_no_conflict_and_another_is():
    inst = fixture("instance")
    params = dict(ci_params(), script=SCRIPT)
    assert ci.immutable_conflicts(inst, params, None) == []
    params["script"] = "echo other"
    conflicts = ci.immutable_conflicts(inst, params, None)
    assert [c[0] for c in conflicts] == ["script"]
    assert "hunter2" not in ci.conflicts_message(inst, conflicts)


def test_public_ip_none_on_an_instance_with_an_address_is_a_warning():
    inst = fixture("instance")
    params = dict(ci_params(), public_ip="none")
    assert ci.immutable_conflicts(inst, params, None) == []
    assert "terraform-provider-civo" in ci.public_ip_warning(inst, params)


def ci_params(**kw):
    params = dict(id=None, hostname="web1.example.com", template_id=None, network_id=None, ssh_key_id=None,
                  initial_user=None, script=None, public_ip=None, reverse_dns=None)
    params.update(kw)
    return params


def test_region_404_is_a_failure_naming_the_cause_not_absent():
    routes = api({("GET", "/v2/instances/" + WEB1): (404, fixture("error_region_not_found"))})
    civo, dummy = client(routes)
    with pytest.raises(ApiError) as err:
        civo.get_instance(WEB1)
    assert err.value.code == "database_region_not_found" and err.value.status == 404
    assert "region" in str(err.value)


def test_route_404_is_a_failure_not_absent():
    routes = api({("GET", "/v2/instances/" + WEB1): (404, {"code": "route_not_found", "reason": "no route"})})
    civo, dummy = client(routes)
    with pytest.raises(ApiError) as err:
        civo.get_instance(WEB1)
    assert err.value.code == "route_not_found"


def test_object_404_is_absent():
    routes = api({("GET", "/v2/instances/" + WEB1): (404, fixture("error_instance_not_found"))})
    civo, dummy = client(routes)
    assert civo.get_instance(WEB1) is None


def test_error_bodies_without_result_and_with_details_read_well():
    routes = api({("GET", "/v2/sizes"): (400, fixture("error_with_details"))})
    civo, dummy = client(routes)
    with pytest.raises(ApiError) as err:
        civo.list_resource("sizes")
    assert err.value.code == "parameter_size_invalid"
    assert "not available in LON1" in str(err.value) and "The size supplied" in str(err.value)
    routes = api({("GET", "/v2/sizes"): (401, fixture("error_legacy_auth"))})
    civo, dummy = client(routes)
    with pytest.raises(ApiError) as err:
        civo.list_resource("sizes")
    assert err.value.code == "requires_authentication" and "check api_key" in str(err.value)


@pytest.mark.parametrize("body", ['{"items": null}', "{}", "", "<html><body>Maintenance</body></html>", "[1, 2]",
                                  '"text"', '{"page": 1, "items": "x"}'])
def test_a_malformed_list_is_never_read_as_empty(body):
    routes = api({("GET", "/v2/instances"): (200, body)})
    civo, session = client(routes, retries=1)
    with pytest.raises(MalformedResponseError):
        civo.find_instances_by_hostname("web1.example.com")
    assert session.count == 2  # a read: retried like a 5xx


@pytest.mark.parametrize("body", ["{}", "", "[]", "<html></html>"])
def test_a_malformed_object_is_never_read_as_absent(body):
    routes = api({("GET", "/v2/instances/" + WEB1): (200, body)})
    civo, dummy = client(routes)
    with pytest.raises(MalformedResponseError):
        civo.get_instance(WEB1)


def test_snapshot_states_of_both_spellings():
    assert [snapshot_state(s) for s in fixture("instance_snapshots")] == ["complete", "pending"]
    assert snapshot_state(fixture("instance_snapshot_create")) == "pending"
    assert snapshot_state({"status": {"state": "Complete"}}) == "complete"


def test_restore_answer_has_no_instance_id():
    info = restore_info(fixture("instance_snapshot_restore"))
    assert info["hostname"] == "copy.example.com" and info["private_ipv4"] == "192.168.1.50"
    assert "instance_id" not in info
    flat = {"id": "r", "hostname": "h", "instance_id": "x"}
    assert restore_info(flat) is flat


def test_legacy_snapshot_api_missing_says_so():
    routes = api({("GET", "/v2/snapshots"): (404, {"code": "route_not_found", "reason": "not found"})})
    civo, dummy = client(routes)
    with pytest.raises(ApiError) as err:
        civo.list_snapshots()
    assert err.value.code == "legacy_snapshot_api_unavailable"
    assert "civo_instance_snapshot" in str(err.value) and "legacy" in str(err.value)


def test_race_tie_break_is_the_oldest_then_the_smallest_id():
    a = {"id": "b", "created_at": "2024-03-20T10:00:00Z"}
    b = {"id": "a", "created_at": "2024-03-20T10:00:00Z"}
    c = {"id": "0", "created_at": "2024-03-20T10:00:01Z"}
    d = {"id": "z"}
    assert [o["id"] for o in oldest_first([c, d, a, b])] == ["a", "b", "0", "z"]


def test_settle_race_deletes_only_our_own_loser():
    civo, dummy = client()
    mine = {"id": "mine", "hostname": "h", "created_at": "2024-03-20T10:00:05Z"}
    theirs = {"id": "theirs", "hostname": "h", "created_at": "2024-03-20T10:00:01Z"}
    deleted = []
    winner, message = civo.settle_race(mine, [theirs, dict(mine)], deleted.append, "instance")
    assert winner["id"] == "theirs" and [d["id"] for d in deleted] == ["mine"] and "mine" in message
    deleted = []
    winner, message = civo.settle_race(theirs, [theirs, mine], deleted.append, "instance")
    assert winner["id"] == "theirs" and deleted == [] and message is None


# -- module runs over the fixtures --------------------------------------------------------------

def test_instance_info_never_returns_the_script(monkeypatch):
    civo, session = client()
    result = run(CivoInstanceInfo, civo, dict(api_key="k3y", hostname="web1.example.com"), monkeypatch=monkeypatch)
    assert [i["id"] for i in result["instances"]] == [WEB1, "7a1b2c3d-0000-4000-8000-000000000002"]
    text = json.dumps(result)
    assert "script" not in text and "rescue_password" not in text and "hunter2" not in text
    assert "Sup3rS3cretInit" not in text


def test_instance_rerun_with_the_same_script_is_a_noop_costing_one_request(monkeypatch):
    civo, session = client()
    result = run(CivoInstance, civo, dict(api_key="k3y", hostname="web1.example.com", script=SCRIPT, public_ip="none"),
                 monkeypatch=monkeypatch)
    assert result.get("failed") is not True, result
    assert result["changed"] is False and session.count == 1
    assert "script" not in result["instance"]
    assert "terraform-provider-civo" in str(result.get("warnings"))


def test_instance_script_option_is_no_log():
    spec = CivoInstance.argument_spec
    assert spec["script"].get("no_log") is True


@pytest.mark.parametrize("option, value, listed", [
    ("size", "g9.huge", "g3.small"),
    ("template_id", "ubuntu-nonesuch", "debian-10"),
    ("network_id", "backend", "Default Network"),
    ("ssh_key_id", "nokey", "RSA Key"),
    ("firewall_id", "nofw", "default"),
])
def test_unknown_names_are_refused_before_any_change_naming_the_valid_ones(monkeypatch, option, value, listed):
    civo, session = client()
    params = dict(api_key="k3y", hostname="new.example.com", size="g3.small", template_id="debian-10")
    params[option] = value
    result = run(CivoInstance, civo, params, monkeypatch=monkeypatch)
    assert result["failed"] is True and listed in result["msg"], result["msg"]
    assert [c.method for c in session.calls if c.method != "GET"] == []


def test_missing_api_key_names_the_environment_variables():
    with pytest.raises(InvalidParameterError) as err:
        CivoClient(None)
    assert "CIVO_TOKEN" in str(err.value) and "CIVO_API_KEY" in str(err.value)


def test_html_answer_to_a_read_is_malformed():
    routes = api({("GET", "/v2/sizes"): (200, "<html>gateway</html>")})
    civo, dummy = client(routes)
    with pytest.raises(MalformedResponseError):
        civo.list_resource("sizes")
