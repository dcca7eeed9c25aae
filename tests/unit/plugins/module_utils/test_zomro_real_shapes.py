# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ZomroClient over answers shaped like those Zomro's panel reads (tests/unit/fixtures/zomro/*.json, each
names its source in ``_source``): instance_status/item_status, paging, access errors, two-factor accounts,
malformed answers, secrets in error text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import (
    AmbiguousRequestError,
    ApiError,
    Transport,
)
from ansible_collections.vmops.cloud.plugins.module_utils.zomro import (
    TwoFactorError,
    ZomroClient,
    ZomroError,
    billing_status,
    instance_state,
    instance_summary,
    zomro_http_error,
)
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import (
    FakeSession,
    Sleeps,
    connect_refused,
    html_response,
    json_response,
    response,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "zomro")
URL = "https://api.zomro.test/"
USER = "ops@example.test"
PASSWORD = "Pa55-w0rd-not-for-logs"
TOKEN = "a1b2c3d4e5f60718293a4b5c"


def fixture(name):
    with open(os.path.join(FIXTURES, name + ".json")) as handle:
        data = json.load(handle)
    assert data.pop("_source")  # every fixture says where its shape comes from
    return data


def answer(name, **replace_doc):
    data = fixture(name)
    data["doc"].update(replace_doc)
    return json_response(200, data)


def client(session, retries=3, on_secret=None, url=URL, **kw):
    if not kw:
        kw = dict(username=USER, password=PASSWORD)
    tr = Transport(session=session, retries=retries, sleep=Sleeps(), error_parser=zomro_http_error)
    return ZomroClient(api_url=url, transport=tr, on_secret=on_secret, **kw)


def funcs(session):
    return [c.form.get("func") for c in session.calls]


def test_every_fixture_names_its_source():
    names = sorted(f for f in os.listdir(FIXTURES) if f.endswith(".json"))
    assert len(names) >= 8
    for name in names:
        with open(os.path.join(FIXTURES, name)) as handle:
            source = json.load(handle)["_source"]
            assert "Karantir-dev/billing-typescript" in source or "ERRATA.md" in source, name


# -- instance state and billing status ------------------------------------------------------------------

def test_both_pages_are_read_and_states_normalised():
    session = FakeSession(answer("auth_ok"), answer("instances_page1"), answer("instances_page2"))
    items = client(session).list_instances()
    assert [i["id"] for i in items] == ["5203773", "5203774", "5203775"]
    assert funcs(session) == ["auth", "instances", "instances"]
    assert [(c.form["p_num"], c.form["p_cnt"]) for c in session.calls[1:]] == [("1", "1000"), ("2", "1000")]
    summaries = [instance_summary(i) for i in items]
    assert [s["state"] for s in summaries] == ["active", "rescued", "stopped"]  # "Active ", "Rescued", "STOPPED"
    assert [s["rescue_status"] for s in summaries] == ["active", "rescued", "stopped"]
    assert [s["status"] for s in summaries] == ["Active"] * 3  # item_status first
    assert [s["name"] for s in summaries] == ["web1.example", "db1.example", "backup-box"]  # servername || name
    assert items[1]["createdate"] == "2024-06-01"  # [{"$": ...}] unwrapped as well


def test_the_old_shape_still_reads():
    session = FakeSession(answer("instances_legacy"))
    item = client(session, auth_token=TOKEN).list_instances()[0]
    assert instance_state(item) == "rescued" and billing_status(item) == "2"
    assert instance_summary(item)["rescue_status"] == "rescued"


@pytest.mark.parametrize("item, state", [
    ({"instance_status": "  Booted_From_ISO "}, "booted_from_iso"),
    ({"instance_status": "Active", "fotbo_status": "rescued"}, "active"),  # the new field wins
    ({"instance_status": "", "fotbo_status": "stopped"}, "stopped"),
    ({}, None),
])
def test_instance_state(item, state):
    assert instance_state(item) == state


def test_empty_account_is_one_request_and_no_instances():
    session = FakeSession(answer("instances_empty"))
    assert client(session, auth_token=TOKEN).list_instances() == []
    assert session.count == 1


def test_a_list_that_changes_between_pages_is_read_again():
    grown = fixture("instances_page2")
    grown["doc"]["p_elems"] = {"$": "4"}
    session = FakeSession(answer("instances_page1"), json_response(200, grown),
                          answer("instances_page1"), answer("instances_page2"))
    items = client(session, auth_token=TOKEN).list_instances()
    assert len(items) == 3 and session.count == 4


def test_a_server_cap_on_the_page_size_is_followed():
    # The server answers p_cnt 2 whatever was asked: the client follows p_elems to the end.
    session = FakeSession(answer("instances_page1"), answer("instances_page2"))
    assert len(client(session, auth_token=TOKEN).list_instances()) == 3


# -- sessions -------------------------------------------------------------------------------------------

def test_access_error_renews_the_session_once():
    session = FakeSession(answer("error_access"), answer("auth_ok"), answer("instances_legacy"))
    cli = client(session, username=USER, password=PASSWORD, auth_token=TOKEN)
    assert len(cli.list_instances()) == 1
    assert funcs(session) == ["instances", "auth", "instances"]
    assert session.calls[2].form["auth"] == "3f1a2b4c5d6e7f8091a2b3c4"


def test_stale_token_alone_fails_clearly_in_one_request():
    session = FakeSession(answer("error_access"))
    with pytest.raises(ZomroError) as err:
        client(session, auth_token=TOKEN).list_instances()
    assert session.count == 1
    assert err.value.error_type == "access"
    assert "auth_token has expired" in str(err.value) and "username and password" in str(err.value)
    assert TOKEN not in str(err.value)


def test_two_factor_account_fails_clearly():
    session = FakeSession(answer("auth_ok"), answer("error_access"), answer("auth_ok"), answer("error_access"),
                          answer("whoami_totp"))
    with pytest.raises(TwoFactorError) as err:
        client(session).list_instances()
    assert funcs(session) == ["auth", "instances", "auth", "instances", "whoami"]
    msg = str(err.value)
    assert "two-factor" in msg and "totp.confirm" in msg and "auth_token" in msg
    assert PASSWORD not in msg and "3f1a2b4c5d6e7f8091a2b3c4" not in msg
    assert err.value.failure()["code"] == "two_factor"


def test_a_totp_redirect_answer_is_a_two_factor_failure():
    session = FakeSession(answer("auth_ok"), answer("whoami_totp"))
    with pytest.raises(TwoFactorError):
        client(session).list_instances()
    assert session.count == 2


# -- malformed answers ----------------------------------------------------------------------------------

MALFORMED = [
    response(200, ""),
    json_response(200, {}),
    json_response(200, {"doc": {}}),
    json_response(200, {"doc": None}),
    json_response(200, {"doc": {"elem": None}}),
    json_response(200, {"doc": {"elem": {"id": {"$": "1"}}, "p_elems": {"$": "1"}}}),
    json_response(200, {"doc": {"elem": "junk", "p_elems": {"$": "1"}}}),
    json_response(200, {"doc": {"p_elems": {"$": "3"}, "p_num": {"$": "1"}}}),
    json_response(200, {"doc": {"elem": [{"servername": {"$": "x"}}], "p_elems": {"$": "1"}}}),
    json_response(200, []),
    html_response(200, "<html><body>Service temporarily unavailable</body></html>"),
]


@pytest.mark.parametrize("bad", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_list_is_retried_like_a_5xx(bad):
    session = FakeSession(copy.copy(bad), answer("instances_legacy"))
    assert len(client(session, auth_token=TOKEN).list_instances()) == 1
    assert session.count == 2


@pytest.mark.parametrize("bad", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_list_is_never_an_empty_list(bad):
    session = FakeSession(handler=lambda call: copy.copy(bad))
    with pytest.raises(ApiError) as err:
        client(session, retries=2, auth_token=TOKEN).list_instances()
    assert err.value.code == "malformed_response"
    assert session.count == 3


def test_a_malformed_answer_to_an_action_is_ambiguous_and_not_resent():
    session = FakeSession(response(200, ""), answer("action_ok"))
    with pytest.raises(AmbiguousRequestError):
        client(session, auth_token=TOKEN).power("5203773", "stop")
    assert session.count == 1


def test_power_functions_are_the_panels():
    session = FakeSession(handler=lambda call: answer("action_ok"))
    cli = client(session, auth_token=TOKEN)
    for action in ("start", "stop", "reboot", "hardreboot"):
        cli.power(5203773, action)
    assert funcs(session) == ["service.start", "service.stop", "service.reboot", "service.hardreboot"]
    assert all(c.form["elid"] == "5203773" and "sok" not in c.form for c in session.calls)


# -- rescue preview -------------------------------------------------------------------------------------

def test_rescue_preview_with_three_zones():
    session = FakeSession(answer("rescue_preview"))
    images, zones = client(session, auth_token=TOKEN).rescue_images("5203773")
    assert zones == ["pub", "own", "shr"]
    assert [i["depend"] for i in images] == ["pub", "own", "shr"]  # the "null" entry is skipped


# -- secrets in error text ------------------------------------------------------------------------------

def echo_page(status, form):
    """An error page that echoes the form it got (as some gateways do)."""
    text = "&".join("%s=%s" % (k, v) for k, v in sorted(form.items()))
    return html_response(status, "<html><body><h1>Error</h1><pre>%s</pre></body></html>" % text)


def test_session_ids_and_password_are_scrubbed_from_echoed_error_pages():
    registered = []

    def handler(call):
        if call.form["func"] == "auth":
            return answer("auth_ok")
        return echo_page(400, call.form)

    session = FakeSession(handler=handler)
    with pytest.raises(ApiError) as err:
        client(session, on_secret=registered.append).list_instances()
    text = str(err.value) + repr(err.value.failure())
    assert "3f1a2b4c5d6e7f8091a2b3c4" not in text and "********" in text
    assert "3f1a2b4c5d6e7f8091a2b3c4" in registered and PASSWORD in registered


def test_a_login_error_page_echoing_the_password_is_scrubbed():
    session = FakeSession(handler=lambda call: echo_page(403, call.form))
    with pytest.raises(ApiError) as err:
        client(session).login()
    assert PASSWORD not in str(err.value) + repr(err.value.failure())


def test_url_credentials_never_appear():
    registered = []
    session = FakeSession(handler=lambda call: connect_refused())
    with pytest.raises(ApiError) as err:
        client(session, retries=0, on_secret=registered.append, auth_token=TOKEN,
               url="https://apiuser:s3cr%40t-in-url@api.zomro.test/").list_instances()
    text = str(err.value) + repr(err.value.failure())
    assert "s3cr%40t-in-url" not in text and "s3cr@t-in-url" not in text
    assert "s3cr@t-in-url" in registered and TOKEN in registered


def test_a_doc_error_echoing_the_token_is_scrubbed():
    doc = {"error": {"$type": "value", "$object": "auth", "msg": {"$": "Bad value %s of field auth" % TOKEN}}}
    session = FakeSession(json_response(200, {"doc": doc}))
    with pytest.raises(ZomroError) as err:
        client(session, auth_token=TOKEN).list_instances()
    assert TOKEN not in str(err.value) + repr(err.value.failure())
