# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of CivoClient: auth, region, errors, pagination, path safety, lookups."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import unquote

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import (
    ADOPT_LOOKS,
    AmbiguousRequestError,
    ApiError,
    InvalidParameterError,
    Transport,
)
from ansible_collections.vmops.cloud.plugins.module_utils.civo import (
    PAGE_SIZE,
    CivoClient,
    civo_error,
    is_uuid,
    strip_secrets,
)
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import (
    NGINX_502,
    FakeSession,
    Sleeps,
    connection_reset,
    html_response,
    json_response,
    read_timeout,
    response,
)

API_KEY = "k3y-s3cr3t-0123456789abcdef"
BASE = "https://api.civo.test"
ID1 = "779d651a-8e10-4019-9cc0-448451d16157"
ID2 = "8a2b9f0c-1111-4222-8333-944455556666"
TAG = re.compile(r"<[^>]*>")

# The list answer of civo-instances.txt (abridged to the fields used here), with its "per_page": null.
DOCS_LIST = {
    "page": 1,
    "per_page": None,
    "pages": 1,
    "items": [
        {"id": ID1, "name": "test-b775c2ea", "hostname": "test", "status": "ACTIVE",
         "initial_user": "root", "initial_password": "foobar", "tags": ["first", "second"],
         "civostatsd_token": "12fa5f73-9cca-4d9f-aca8-b7733a422a6b"},
    ],
}


def client(session, retries=5, region="lon1", **kw):
    tr = Transport(session=session, retries=retries, sleep=Sleeps(), error_parser=civo_error)
    return CivoClient(API_KEY, api_url=BASE, region=region, api_retries=retries, transport=tr, **kw)


def ok(data):
    return json_response(200, data)


def instance(iid, hostname, **extra):
    item = {"id": iid, "hostname": hostname, "status": "ACTIVE"}
    item.update(extra)
    return item


# -- requests as sent --------------------------------------------------------------------------------

def test_every_request_carries_the_key_as_bearer_and_asks_for_json():
    session = FakeSession(ok({}))
    client(session).get("/v2/instances")
    headers = session.calls[0].headers
    assert headers["Authorization"] == "bearer " + API_KEY
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"].startswith("vmops.cloud/")


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_region_goes_in_the_query_string_of_get_and_delete(method):
    session = FakeSession(ok({}))
    client(session).request(method, "/v2/instances/%s" % ID1)
    call = session.calls[0]
    assert call.query == {"region": "LON1"}
    assert call.json is None


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_region_goes_in_query_and_body_of_put_and_post(method):
    session = FakeSession(json_response(200, {"result": "success"}))
    client(session).request(method, "/v2/instances/%s/reboots" % ID1, data={"x": 1})
    call = session.calls[0]
    assert call.query == {"region": "LON1"}
    assert call.json == {"x": 1, "region": "LON1"}


def test_region_can_be_left_out():
    session = FakeSession(ok([]))
    client(session).get("/v2/regions", region=False)
    assert session.calls[0].query == {}


@pytest.mark.parametrize("kwargs, message", [
    (dict(api_key=""), "api_key"),
    (dict(api_key=None), "api_key"),
    (dict(api_key=API_KEY, api_url="ftp://api.civo.com"), "api_url"),
    (dict(api_key=API_KEY, api_url="api.civo.com"), "api_url"),
])
def test_bad_settings_are_refused_before_any_request(kwargs, message):
    session = FakeSession()
    tr = Transport(session=session, sleep=Sleeps())
    with pytest.raises(InvalidParameterError) as err:
        CivoClient(transport=tr, **kwargs)
    assert message in str(err.value)
    assert session.count == 0


def test_from_params_ignores_unset_values():
    cli = CivoClient.from_params(dict(api_key=API_KEY, api_url=None, region="fra1", api_timeout=None,
                                      api_retries=2, validate_certs=None, hostname="web1"))
    assert cli.base_url == "https://api.civo.com" and cli.region == "FRA1"
    assert cli.transport.retries == 2 and cli.transport.validate_certs is True


def test_empty_answer_is_an_empty_dict():
    session = FakeSession(response(202, b""))
    assert client(session).delete("/v2/snapshots/abc") == {}


def test_success_that_is_not_json_is_a_clear_error():
    # A 200 that is not JSON is malformed: retried like a 5xx (a read), then a clear failure.
    session = FakeSession(html_response(200, "<html><body>Maintenance</body></html>"))
    with pytest.raises(ApiError) as err:
        client(session, retries=0).get("/v2/instances")
    assert err.value.code == "malformed_response"
    assert "not JSON" in str(err.value) and "Maintenance" in str(err.value)
    assert not TAG.search(str(err.value))


# -- errors --------------------------------------------------------------------------------------------

def test_json_error_carries_status_code_and_reason():
    body = {"code": "parameter_network_id_invalid", "result": "failed", "reason": "The network_id supplied was empty"}
    session = FakeSession(json_response(400, body))
    with pytest.raises(ApiError) as err:
        client(session).post("/v2/instances", data={"hostname": "web1"})
    assert err.value.failure() == {"status": 400, "code": "parameter_network_id_invalid",
                                   "reason": "The network_id supplied was empty"}
    msg = str(err.value)
    assert "HTTP 400" in msg and "parameter_network_id_invalid" in msg and "network_id supplied was empty" in msg
    assert session.count == 1


@pytest.mark.parametrize("body", [
    {"code": "database_account_not_found", "result": "failed", "reason": "The account could not be found"},
    {"code": "authentication_invalid_key", "result": "failed", "reason": "Invalid API key"},
    {"result": "requires_authentication", "status": 401},
])
def test_bad_key_is_one_request_and_says_check_api_key(body):
    session = FakeSession(handler=lambda call: json_response(401, body))
    with pytest.raises(ApiError) as err:
        client(session).get("/v2/instances")
    assert session.count == 1
    msg = str(err.value)
    assert "authentication failed" in msg and "check api_key" in msg
    assert API_KEY not in msg and API_KEY not in repr(err.value.failure())
    assert err.value.failure()["status"] == 401
    assert err.value.failure()["code"] == body.get("code", body.get("result"))


def test_html_gateway_page_is_retried_then_readable():
    session = FakeSession(handler=lambda call: html_response(502, NGINX_502))
    with pytest.raises(ApiError) as err:
        client(session, retries=2).get("/v2/instances")
    assert session.count == 3
    msg = str(err.value)
    assert "HTTP 502" in msg and "Bad Gateway" in msg
    assert not TAG.search(msg) and "<" not in msg
    assert err.value.failure()["status"] == 502
    assert not TAG.search(err.value.failure()["reason"])


def test_get_or_none_is_none_on_404_in_one_request():
    session = FakeSession(json_response(404, {"code": "database_instance_not_found", "result": "failed",
                                              "reason": "The requested instance could not be found"}))
    assert client(session).get_or_none("/v2/instances/%s" % ID1) is None
    assert session.count == 1


def test_get_or_none_raises_other_errors():
    session = FakeSession(json_response(403, {"code": "authentication_access_denied", "reason": "no"}))
    with pytest.raises(ApiError) as err:
        client(session).get_or_none("/v2/instances/%s" % ID1)
    assert err.value.status == 403


# -- pagination ----------------------------------------------------------------------------------------

def paged(items, server_max=None, claim_pages=None):
    """A handler serving ``items`` as Civo does, page size capped at ``server_max``."""
    def handler(call):
        page = int(call.query.get("page", 1))
        asked = int(call.query.get("per_page", 20))
        size = min(asked, server_max) if server_max else asked
        pages = claim_pages or max(1, -(-len(items) // size))
        chunk = items[(page - 1) * size:page * size]
        return ok({"page": page, "per_page": size, "pages": pages, "items": chunk})
    return handler


def test_page_size_is_large():
    assert PAGE_SIZE >= 1000


def test_one_page_from_the_docs_is_one_request():
    session = FakeSession(ok(DOCS_LIST))
    items = client(session).list_instances()
    assert [i["id"] for i in items] == [ID1]
    assert session.count == 1
    assert session.calls[0].query == {"page": "1", "per_page": str(PAGE_SIZE), "region": "LON1"}


def test_pagination_follows_pages_when_the_server_caps_the_size():
    items = [instance("id-%02d" % n, "h%02d" % n) for n in range(25)]
    session = FakeSession(handler=paged(items, server_max=10))
    got = client(session).list_instances()
    assert [i["id"] for i in got] == [i["id"] for i in items]
    assert [c.query["page"] for c in session.calls] == ["1", "2", "3"]
    assert all(c.query["per_page"] == str(PAGE_SIZE) for c in session.calls)


def test_pagination_stops_at_pages():
    items = [instance("id-%02d" % n, "h%02d" % n) for n in range(30)]
    session = FakeSession(handler=paged(items, server_max=10, claim_pages=2))
    got = client(session).list_instances()
    assert len(got) == 20
    assert session.count == 2


def test_pagination_stops_on_an_empty_page():
    session = FakeSession(ok({"page": 1, "per_page": None, "pages": 9, "items": []}))
    assert client(session).list_instances() == []
    assert session.count == 1


def test_pagination_handles_a_missing_pages_field():
    session = FakeSession(ok({"items": [instance(ID1, "a")]}))
    assert len(client(session).list_instances()) == 1
    assert session.count == 1


def test_pagination_accepts_a_plain_list():
    session = FakeSession(ok([instance(ID1, "a"), instance(ID2, "b")]))
    assert [i["id"] for i in client(session).paginate("/v2/instances")] == [ID1, ID2]
    assert session.count == 1


def test_list_instances_filters_by_tags_in_one_query_value():
    session = FakeSession(ok(DOCS_LIST))
    client(session).list_instances(tags=["web", "prod"])
    assert session.calls[0].query["tags"] == "web prod"


# -- finding instances -------------------------------------------------------------------------------

def test_find_by_id_is_one_request():
    session = FakeSession(ok(instance(ID1, "web1")))
    assert client(session).find_instance(ID1)["hostname"] == "web1"
    assert session.count == 1
    assert session.calls[0].path == "/v2/instances/" + ID1


def test_find_by_hostname_is_one_list_request():
    session = FakeSession(ok({"page": 1, "pages": 1, "items": [instance(ID1, "web1"), instance(ID2, "web2")]}))
    assert client(session).find_instance("web2")["id"] == ID2
    assert session.count == 1
    assert session.calls[0].path == "/v2/instances"


def test_find_by_unknown_id_is_one_request_and_none():
    session = FakeSession(json_response(404, {"code": "database_instance_not_found", "reason": "not found"}),
                          ok({"page": 1, "pages": 1, "items": [instance(ID2, "web2")]}))
    assert client(session).find_instance(ID1) is None
    assert session.count == 1


def test_require_instance_fails_with_a_404_failure():
    session = FakeSession(json_response(404, {"code": "database_instance_not_found", "reason": "not found"}))
    with pytest.raises(ApiError) as err:
        client(session).require_instance(ID1)
    assert err.value.failure() == {"status": 404, "code": "database_instance_not_found", "reason": "no such instance"}
    assert session.count == 1


def test_ambiguous_hostname_fails_with_the_ids():
    session = FakeSession(ok({"page": 1, "pages": 1, "items": [instance(ID2, "web"), instance(ID1, "web")]}))
    with pytest.raises(ApiError) as err:
        client(session).find_instance("web")
    assert err.value.code == "ambiguous_hostname"
    assert ID1 in str(err.value) and ID2 in str(err.value)


@pytest.mark.parametrize("ref", ["", None])
def test_find_refuses_an_empty_reference_before_any_request(ref):
    session = FakeSession()
    with pytest.raises(InvalidParameterError):
        client(session).find_instance(ref)
    assert session.count == 0


# -- path safety ---------------------------------------------------------------------------------------

HOSTILE = ["../account", "../../v2/accounts/me", "a/b", "/", "x?region=NYC1", "x#frag", "%2F", "%2e%2e%2f",
           "..%2Fadmin", "web 1", "...", "caf\u00e9"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_ids_stay_inside_their_endpoint(value):
    session = FakeSession(json_response(404, {"code": "database_instance_not_found", "reason": "nope"}))
    assert client(session).get_instance(value) is None
    call = session.calls[0]
    prefix = "/v2/instances/"
    assert call.path.startswith(prefix)
    segment = call.path[len(prefix):]
    assert "/" not in segment
    assert unquote(segment) == value
    assert call.query == {"region": "LON1"}  # nothing leaked into the query string
    assert "#" not in call.prepared.url


@pytest.mark.parametrize("value", ["", " ", ".", "..", "web\n1", "a\x00", "\x1b[31m", "x" * 300])
def test_unusable_ids_are_refused_before_any_request(value):
    session = FakeSession()
    with pytest.raises(InvalidParameterError) as err:
        client(session).get_instance(value)
    assert "instance id" in str(err.value)
    assert session.count == 0


def test_path_names_the_offending_part():
    with pytest.raises(InvalidParameterError) as err:
        CivoClient.path("instances", ("..", "instance id"), "snapshots", ("", "snapshot id"))
    assert "instance id" in str(err.value)
    assert CivoClient.path("instances", (ID1, "instance id"), "snapshots", ("nightly/1", "snapshot id")) == \
        "/v2/instances/%s/snapshots/nightly%%2F1" % ID1


# -- create without duplicates -----------------------------------------------------------------------

def test_lost_create_is_adopted_not_resent():
    session = FakeSession(read_timeout(), ok({"page": 1, "pages": 1, "items": [instance(ID1, "web1")]}))
    cli = client(session)
    obj, adopted = cli.create_or_adopt(lambda: cli.post("/v2/instances", data={"hostname": "web1"}),
                                       lambda: cli.find_instance("web1"))
    assert adopted is True and obj["id"] == ID1
    assert session.methods == ["POST", "GET"]


def test_lost_create_that_did_not_happen_is_sent_again():
    looks = [ok({"page": 1, "pages": 1, "items": []}) for dummy in range(ADOPT_LOOKS)]
    session = FakeSession(connection_reset(), *(looks + [ok(instance(ID1, "web1"))]))
    cli = client(session)
    obj, adopted = cli.create_or_adopt(lambda: cli.post("/v2/instances", data={"hostname": "web1"}),
                                       lambda: cli.find_instance("web1"))
    assert adopted is False and obj["id"] == ID1
    # looked ADOPT_LOOKS times over a bounded window (issue 14.4) before sending again
    assert session.methods == ["POST"] + ["GET"] * ADOPT_LOOKS + ["POST"]


def test_create_or_adopt_is_bounded_by_api_retries():
    def handler(call):
        if call.method == "POST":
            return html_response(502, NGINX_502)
        return ok({"page": 1, "pages": 1, "items": []})
    session = FakeSession(handler=handler)
    cli = client(session, retries=2)
    with pytest.raises(AmbiguousRequestError):
        cli.create_or_adopt(lambda: cli.post("/v2/instances", data={"hostname": "web1"}),
                            lambda: cli.find_instance("web1"))
    assert session.methods.count("POST") == 3


# -- helpers -------------------------------------------------------------------------------------------

def test_strip_secrets_removes_the_secrets_only():
    item = DOCS_LIST["items"][0]
    stripped = strip_secrets(item)
    assert "initial_password" not in stripped and "civostatsd_token" not in stripped
    assert set(item) - set(stripped) == {"initial_password", "civostatsd_token"}
    assert stripped["initial_user"] == "root" and stripped["id"] == ID1
    assert item["initial_password"] == "foobar"  # the original is left alone
    assert strip_secrets(None) is None


@pytest.mark.parametrize("value, expected", [
    (ID1, True), (ID1.upper(), True), ("web1", False), (ID1 + "x", False), ("", False), (None, False), (42, False),
])
def test_is_uuid(value, expected):
    assert is_uuid(value) is expected


SIZES = [{"name": "g3.small", "description": "Small"}, {"name": "g3.medium", "description": "Medium"}]
NETWORKS = [
    {"id": "n-nyc", "name": "Default", "default": True, "region": "NYC1"},
    {"id": "n-lon", "name": "Default", "default": True, "region": "LON1"},
    {"id": "n-priv", "name": "private", "default": False, "region": "LON1"},
]


def test_resolve_by_id_or_name_uses_one_cached_list():
    session = FakeSession(ok(SIZES))
    cli = client(session)
    assert cli.resolve("sizes", "G3.Small", what="size")["name"] == "g3.small"
    assert cli.resolve("sizes", "g3.medium", what="size")["name"] == "g3.medium"
    assert session.count == 1
    assert session.calls[0].path == "/v2/sizes"


def test_resolve_unknown_names_the_choices():
    session = FakeSession(ok(SIZES))
    with pytest.raises(ApiError) as err:
        client(session).resolve("sizes", "g9.huge", what="size")
    assert err.value.code == "invalid_parameter"  # refused before any change, with the valid names
    assert "g3.small" in str(err.value) and "g3.medium" in str(err.value)


def test_resolve_ambiguous_name_asks_for_the_id():
    session = FakeSession(ok(NETWORKS))
    with pytest.raises(ApiError) as err:
        client(session).resolve("networks", "default", what="network")
    assert err.value.code == "ambiguous_network"
    assert client(FakeSession(ok(NETWORKS))).resolve("networks", "n-lon")["id"] == "n-lon"


def test_default_network_prefers_the_clients_region():
    assert client(FakeSession(ok(NETWORKS))).default_network()["id"] == "n-lon"
    assert client(FakeSession(ok(NETWORKS)), region="nyc1").default_network()["id"] == "n-nyc"
    with pytest.raises(ApiError) as err:
        client(FakeSession(ok([NETWORKS[2]]))).default_network()
    assert err.value.code == "database_network_not_found"


# -- recovery mode and snapshot helpers ----------------------------------------------------------------

@pytest.mark.parametrize("answer, expected", [("true", True), ("false", False), (True, True), (False, False),
                                              ("True", True)])
def test_recovery_mode_answered_as_a_string_is_a_bool(answer, expected):
    session = FakeSession(ok({"result": answer}))
    assert client(session).get_recovery(ID1) is expected
    assert session.count == 1
    assert session.calls[0].path == "/v2/instances/%s/recovery" % ID1


def test_recovery_mode_that_is_not_a_bool_is_a_clear_error():
    session = FakeSession(ok({"result": "maybe"}))
    with pytest.raises(ApiError) as err:
        client(session).get_recovery(ID1)
    assert err.value.code == "invalid_response"


@pytest.mark.parametrize("name", ["../../instances", "nightly/1", "a?b", "x#y", "%2F"])
def test_snapshot_names_stay_inside_their_endpoint(name):
    session = FakeSession(json_response(404, {"code": "database_snapshot_not_found", "reason": "nope"}))
    assert client(session).get_instance_snapshot(ID1, name) is None
    call = session.calls[0]
    prefix = "/v2/instances/%s/snapshots/" % ID1
    assert call.path.startswith(prefix)
    assert unquote(call.path[len(prefix):]) == name
    assert "/" not in call.path[len(prefix):]


def test_snapshot_helpers_refuse_unusable_ids_before_any_request():
    session = FakeSession()
    cli = client(session)
    for call in (lambda: cli.get_recovery(".."), lambda: cli.list_instance_snapshots(""),
                 lambda: cli.get_instance_snapshot(ID1, "..")):
        with pytest.raises(InvalidParameterError):
            call()
    assert session.count == 0


def test_snapshot_lists_are_plain_arrays():
    session = FakeSession(ok([{"id": "s1", "name": "nightly"}]), ok([{"id": "s2", "name": "before-upgrade"}]))
    cli = client(session)
    assert cli.find_snapshot("nightly")["id"] == "s1"
    assert [s["id"] for s in cli.list_instance_snapshots(ID1)] == ["s2"]
    assert session.calls[1].path == "/v2/instances/%s/snapshots" % ID1
