# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of ZomroClient: login, error documents, one re-login, wrapped values, slist, safety."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import (
    AmbiguousRequestError,
    ApiError,
    InvalidParameterError,
    Transport,
)
from ansible_collections.vmops.cloud.plugins.module_utils.zomro import (
    ZomroClient,
    ZomroError,
    elements,
    error_message,
    slist,
    unwrap,
    zomro_http_error,
)
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import (
    NGINX_502,
    FakeSession,
    Sleeps,
    html_response,
    json_response,
    read_timeout,
    zomro_doc,
)

URL = "https://api.zomro.test/"
USER = "ops@example.test"
PASSWORD = "Pa55-w0rd-not-for-logs"
SESSION1 = "43137b5f35a6ba4ee01f4a4e"
SESSION2 = "0b31d69ab7b7b4839dfd6506"
ELID = "5203773"

# The preview answer of zomro-rescue.txt, exactly as printed there, made valid JSON
# (the "..." placeholder and the trailing commas removed).
DOCS_PREVIEW = json.loads("""
{
    "doc": {
        "slist": [
            {
                "$name": "zone",
                "val": [
                    {
                        "$key": "pub",
                        "$": "pub"
                    },
                    {
                        "$key": "own",
                        "$": "own"
                    }
                ]
            },
            {
                "$name": "select_boot",
                "val": [
                    {
                        "$depend": "pub",
                        "$key": "f8f2573f-56c4-44c5-8469-84eee4aa64e7",
                        "$": "Ubuntu 22.04"
                    },
                    {
                        "$depend": "pub",
                        "$key": "0bf4deb2-855c-4863-8518-6006d804adbb",
                        "$": "Debian 10"
                    },
                    {
                        "$depend": "pub",
                        "$key": "18d0ee2e-4d57-4f40-9b56-03c1773b5831",
                        "$": "AlmaLinux 8"
                    },
                    {
                        "$depend": "pub",
                        "$key": "1d9dda4c-34b0-4304-a90a-8f3018722fa2",
                        "$": "Rocky-Linux-8"
                    },
                    {
                        "$depend": "pub",
                        "$key": "2af0af94-0e6e-4ef3-8837-d41fdbfa3564",
                        "$": "Windows Server 2016"
                    },
                    {
                        "$depend": "pub",
                        "$key": "3010ae60-0185-4021-98da-f50013147ebd",
                        "$": "Debian 11"
                    },
                    {
                        "$depend": "pub",
                        "$key": "479c96f1-ccc6-47a2-952c-c9e3bbdc8d07",
                        "$": "Ubuntu 20.04"
                    },
                    {
                        "$depend": "pub",
                        "$key": "5da4ad83-45f6-4c0e-9a7e-7a7c18b2be6c",
                        "$": "AlmaLinux 9"
                    },
                    {
                        "$depend": "pub",
                        "$key": "7d7911e3-7178-4f36-a308-d841db5fe654",
                        "$": "CentOS Stream 9"
                    },
                    {
                        "$depend": "pub",
                        "$key": "92fabac2-69cc-46ad-8439-c377e0c90632",
                        "$": "Ubuntu 23.04"
                    },
                    {
                        "$depend": "pub",
                        "$key": "93878ba5-6b9e-4924-a4be-34edb623f808",
                        "$": "Debian 12"
                    },
                    {
                        "$depend": "pub",
                        "$key": "a8b7bcb3-6698-4264-b413-f2b866a46a70",
                        "$": "Rocky-Linux-9"
                    },
                    {
                        "$depend": "pub",
                        "$key": "b10434c0-d839-428f-a919-cac733fd6552",
                        "$": "Windows Server 2019"
                    },
                    {
                        "$depend": "pub",
                        "$key": "bda2467e-e192-4e4e-becc-cda2e71b9767",
                        "$": "Windows Server 2022"
                    },
                    {
                        "$depend": "own",
                        "$name": "foo",
                        "$key": "a9e7c223-5f11-4546-a298-6af546bebde6",
                        "$": "Centos 9 x64"
                    }
                ]
            }
        ]
    }
}
""")

# The ERRATA's error document for a bad password.
BAD_PASSWORD = {"error": {"$type": "auth", "$object": "badpassword", "msg": {"$": "Invalid username or password"}}}
# What an expired or unknown session answers.
SESSION_EXPIRED = {"error": {"$type": "auth", "$object": "session", "msg": {"$": "Authorization required"}}}

INSTANCES = {"elem": [
    {"id": {"$": ELID}, "servername": {"$": "web1"}, "status": {"$": "2"}, "fotbo_status": {"$": "active"},
     "ip": {"$": "203.0.113.10"}},
    {"id": {"$": "5203774"}, "servername": {"$": "db1"}, "status": {"$": "2"}, "fotbo_status": {"$": "rescued"},
     "ip": {"$": "203.0.113.11"}},
], "p_cnt": {"$": "1000"}, "p_num": {"$": "1"}, "p_elems": {"$": "2"}}


def login_ok(session_id):
    """The answer of ``func=auth``: the session id is in ``doc.auth.$id``."""
    return zomro_doc({"auth": {"$id": session_id}})


def client(session, retries=5, **kw):
    if not kw:
        kw = dict(username=USER, password=PASSWORD)
    tr = Transport(session=session, retries=retries, sleep=Sleeps(), error_parser=zomro_http_error)
    return ZomroClient(api_url=URL, transport=tr, **kw)


def funcs(session):
    return [c.form.get("func") for c in session.calls]


# -- login ---------------------------------------------------------------------------------------------

def test_login_parses_the_session_and_later_calls_send_it():
    session = FakeSession(login_ok(SESSION1), zomro_doc(INSTANCES))
    cli = client(session)
    items = cli.list_instances()
    assert [i["servername"] for i in items] == ["web1", "db1"]
    assert cli.session_id == SESSION1
    assert session.count == 2
    login, call = session.calls
    assert login.method == "POST" and login.url == URL
    assert login.form == {"func": "auth", "username": USER, "password": PASSWORD, "out": "json", "lang": "en"}
    assert call.form == {"func": "instances", "out": "json", "lang": "en", "auth": SESSION1,
                         "p_cnt": "1000", "p_num": "1"}


def test_login_prefers_the_id_attribute():
    session = FakeSession(zomro_doc({"auth": {"$id": SESSION1, "$": "something else"}}))
    assert client(session).login() == SESSION1


def test_login_accepts_a_session_given_as_a_wrapped_value():
    session = FakeSession(zomro_doc({"auth": {"$": SESSION2}}))
    assert client(session).login() == SESSION2


def test_login_without_a_session_id_is_a_clear_error():
    session = FakeSession(zomro_doc({"auth": {}}))
    with pytest.raises(ApiError) as err:
        client(session).login()
    assert err.value.code == "invalid_response"
    assert "session id" in str(err.value)


def test_bad_password_is_a_zomro_error_without_the_password():
    session = FakeSession(zomro_doc(BAD_PASSWORD))
    with pytest.raises(ZomroError) as err:
        client(session).list_instances()
    exc = err.value
    assert session.count == 1
    assert exc.error_type == "auth" and exc.error_object == "badpassword"
    assert str(exc).endswith(": Invalid username or password")  # the {"$": ...} message unwrapped
    assert exc.failure() == {"status": 200, "code": "auth", "reason": str(exc), "object": "badpassword"}
    assert PASSWORD not in str(exc) and PASSWORD not in repr(exc.failure())


def test_a_login_that_answers_http_502_is_retried():
    session = FakeSession(html_response(502, NGINX_502), login_ok(SESSION1))
    assert client(session).login() == SESSION1
    assert session.count == 2


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(username=USER),
    dict(password=PASSWORD),
    dict(username="", password="", auth_token=""),
])
def test_missing_credentials_are_refused_before_any_request(kwargs):
    session = FakeSession()
    tr = Transport(session=session, sleep=Sleeps())
    with pytest.raises(InvalidParameterError) as err:
        ZomroClient(api_url=URL, transport=tr, **kwargs)
    assert "credentials" in str(err.value)
    assert session.count == 0


def test_bad_api_url_is_refused():
    with pytest.raises(InvalidParameterError):
        ZomroClient(api_url="api.zomro.com", auth_token="t", transport=Transport(session=FakeSession()))


# -- error documents ---------------------------------------------------------------------------------

def test_error_document_in_http_200_is_a_zomro_error_with_type_object_message():
    doc = {"error": {"$type": "access", "$object": "instances.fleio.rescue",
                     "msg": {"$": "Rescue is not allowed while the instance is rescued"}}}
    session = FakeSession(zomro_doc(doc))
    with pytest.raises(ZomroError) as err:
        client(session, auth_token=SESSION1).call("instances.fleio.rescue", elid=ELID)
    exc = err.value
    assert session.count == 1  # not an auth error: no login, no retry
    assert exc.error_type == "access" and exc.error_object == "instances.fleio.rescue"
    assert exc.status == 200
    assert ": Rescue is not allowed while the instance is rescued" in str(exc)
    assert "auth_token" in str(exc)  # token only: the message says what to do if the session is the cause
    assert "[access]" in str(exc) and "instances.fleio.rescue" in str(exc)
    assert exc.failure()["code"] == "access" and exc.failure()["object"] == "instances.fleio.rescue"


def test_error_given_as_plain_text_is_still_an_error():
    session = FakeSession(zomro_doc({"error": "internal failure"}))
    with pytest.raises(ZomroError) as err:
        client(session, auth_token=SESSION1).call("instances")
    assert "internal failure" in str(err.value)


def test_error_without_message_names_its_object():
    session = FakeSession(zomro_doc({"error": {"$type": "missed", "$object": "elid"}}))
    with pytest.raises(ZomroError) as err:
        client(session, auth_token=SESSION1).call("instances")
    assert "elid" in str(err.value) and err.value.error_type == "missed"


def test_success_is_a_document_without_error():
    session = FakeSession(zomro_doc({"ok": {"$": "ok"}}))
    assert client(session, auth_token=SESSION1).call("instances.fleio.unrescue", safe=False, elid=ELID) == \
        {"ok": {"$": "ok"}}


def test_body_that_is_not_json_is_a_clear_error_after_retries():
    session = FakeSession(handler=lambda call: html_response(200, "<html><body><h1>Maintenance</h1></body></html>"))
    with pytest.raises(ApiError) as err:
        client(session, retries=2, auth_token=SESSION1).call("instances")
    assert err.value.code == "malformed_response"
    assert session.count == 3  # a read: retried like a 5xx
    assert "Maintenance" in str(err.value) and "<" not in str(err.value)


def test_json_without_doc_is_a_clear_error():
    session = FakeSession(handler=lambda call: json_response(200, {"result": "ok"}))
    with pytest.raises(ApiError) as err:
        client(session, retries=1, auth_token=SESSION1).call("instances")
    assert err.value.code == "malformed_response"


def test_http_error_page_is_readable():
    session = FakeSession(handler=lambda call: html_response(502, NGINX_502))
    with pytest.raises(ApiError) as err:
        client(session, retries=1, auth_token=SESSION1).call("instances")
    assert session.count == 2
    assert "HTTP 502" in str(err.value) and "Bad Gateway" in str(err.value) and "<" not in str(err.value)


# -- one re-login ------------------------------------------------------------------------------------

def test_expired_session_is_renewed_once_and_the_call_retried():
    session = FakeSession(login_ok(SESSION1), zomro_doc(SESSION_EXPIRED), login_ok(SESSION2), zomro_doc(INSTANCES))
    cli = client(session)
    assert len(cli.list_instances()) == 2
    assert funcs(session) == ["auth", "instances", "auth", "instances"]
    assert session.calls[1].form["auth"] == SESSION1
    assert session.calls[3].form["auth"] == SESSION2
    assert cli.session_id == SESSION2


def test_token_with_credentials_renews_once():
    session = FakeSession(zomro_doc(SESSION_EXPIRED), login_ok(SESSION2), zomro_doc(INSTANCES))
    cli = client(session, username=USER, password=PASSWORD, auth_token=SESSION1)
    assert len(cli.list_instances()) == 2
    assert funcs(session) == ["instances", "auth", "instances"]


def test_a_second_auth_error_surfaces_after_whoami_says_it_is_not_two_factor():
    session = FakeSession(login_ok(SESSION1), zomro_doc(SESSION_EXPIRED), login_ok(SESSION2),
                          zomro_doc(SESSION_EXPIRED), zomro_doc({"user": {"$": USER}}), zomro_doc(INSTANCES))
    with pytest.raises(ZomroError) as err:
        client(session).list_instances()
    assert err.value.error_type == "auth"
    assert funcs(session) == ["auth", "instances", "auth", "instances", "whoami"]


def test_relogin_with_a_wrong_password_surfaces_the_login_error():
    session = FakeSession(zomro_doc(SESSION_EXPIRED), zomro_doc(BAD_PASSWORD))
    with pytest.raises(ZomroError) as err:
        client(session, username=USER, password="wrong", auth_token=SESSION1).list_instances()
    assert err.value.error_object == "badpassword"
    assert funcs(session) == ["instances", "auth"]


def test_token_only_does_not_log_in_and_fails_clearly():
    session = FakeSession(zomro_doc(SESSION_EXPIRED), login_ok(SESSION2))
    cli = client(session, auth_token=SESSION1)
    with pytest.raises(ZomroError) as err:
        cli.list_instances()
    assert funcs(session) == ["instances"]
    assert err.value.error_type == "auth"
    assert "Authorization required" in str(err.value)
    msg = error_message(err.value, can_login=False)
    assert "auth_token" in msg and "username and password" in msg
    assert SESSION1 not in msg


def test_token_only_cannot_log_in():
    session = FakeSession()
    with pytest.raises(ZomroError) as err:
        client(session, auth_token=SESSION1).login()
    assert "no username/password" in str(err.value)
    assert session.count == 0


def test_hint_is_not_given_when_the_module_can_log_in_or_the_password_is_wrong():
    expired = ZomroError("Zomro API instances failed [auth]: x", error_type="auth", error_object="session")
    wrong = ZomroError("Zomro API auth failed [auth]: x", error_type="auth", error_object="badpassword")
    assert error_message(expired, can_login=True) == str(expired)
    assert error_message(wrong, can_login=False) == str(wrong)


# -- wrapped values, elements, slist -------------------------------------------------------------------

@pytest.mark.parametrize("value, plain", [
    ({"$": "web1"}, "web1"),
    ({"$": ""}, ""),
    ("web1", "web1"),
    (None, None),
    ({"$key": "pub"}, {"$key": "pub"}),
    (5, 5),
])
def test_unwrap(value, plain):
    assert unwrap(value) == plain


def test_elements_unwraps_every_field():
    assert elements(INSTANCES)[0] == {"id": ELID, "servername": "web1", "status": "2", "fotbo_status": "active",
                                      "ip": "203.0.113.10"}


def test_elements_accepts_one_element_as_a_dict_and_none():
    assert elements({"elem": {"id": {"$": "1"}}}) == [{"id": "1"}]
    assert elements({}) == []
    assert elements({"elem": ["junk", {"id": {"$": "2"}}]}) == [{"id": "2"}]


def test_slist_of_the_docs_preview_example():
    doc = DOCS_PREVIEW["doc"]
    images = slist(doc, "select_boot")
    assert len(images) == 15
    assert images[0] == {"key": "f8f2573f-56c4-44c5-8469-84eee4aa64e7", "value": "Ubuntu 22.04", "depend": "pub",
                         "name": None}
    assert images[-1] == {"key": "a9e7c223-5f11-4546-a298-6af546bebde6", "value": "Centos 9 x64", "depend": "own",
                          "name": "foo"}
    assert [i["value"] for i in images if i["depend"] == "pub"][-1] == "Windows Server 2022"
    assert sum(1 for i in images if i["depend"] == "pub") == 14
    assert [z["key"] for z in slist(doc, "zone")] == ["pub", "own"]
    assert slist(doc, "no_such_list") == []


def test_slist_accepts_single_entries_as_dicts():
    doc = {"slist": {"$name": "zone", "val": {"$key": "pub", "$": "pub"}}}
    assert slist(doc, "zone") == [{"key": "pub", "value": "pub", "depend": None, "name": None}]


def test_rescue_preview_is_one_safe_request_without_sok():
    session = FakeSession(json_response(200, DOCS_PREVIEW))
    images, zones = client(session, auth_token=SESSION1).rescue_images(int(ELID))
    assert len(images) == 15 and zones == ["pub", "own"]
    assert session.count == 1
    assert session.calls[0].form == {"func": "instances.fleio.rescue", "elid": ELID, "out": "json", "lang": "en",
                                     "auth": SESSION1}


# -- instances ---------------------------------------------------------------------------------------

def test_find_instance_by_elid_or_name():
    session = FakeSession(handler=lambda call: zomro_doc(INSTANCES))
    cli = client(session, auth_token=SESSION1)
    assert cli.find_instance(int(ELID))["servername"] == "web1"
    assert cli.find_instance("db1")["id"] == "5203774"
    assert cli.find_instance("nope") is None
    assert session.count == 3


def test_ambiguous_instance_name_fails_with_the_ids():
    doc = {"elem": [{"id": {"$": "1"}, "servername": {"$": "web"}}, {"id": {"$": "2"}, "servername": {"$": "web"}}],
           "p_elems": {"$": "2"}}
    session = FakeSession(zomro_doc(doc))
    with pytest.raises(ApiError) as err:
        client(session, auth_token=SESSION1).find_instance("web")
    assert err.value.code == "ambiguous_name"
    assert "1" in str(err.value) and "2" in str(err.value)


# -- what may be repeated ----------------------------------------------------------------------------

def test_reads_and_previews_are_retried():
    session = FakeSession(read_timeout(), html_response(502, NGINX_502), json_response(200, DOCS_PREVIEW))
    images, dummy = client(session, auth_token=SESSION1).rescue_images(ELID)
    assert len(images) == 15
    assert session.count == 3


def test_a_call_with_sok_is_never_resent():
    session = FakeSession(html_response(502, NGINX_502), zomro_doc({}))
    with pytest.raises(AmbiguousRequestError):
        client(session, auth_token=SESSION1).call("instances.fleio.rescue", elid=ELID, sok="ok",
                                                  select_boot="f8f2573f-56c4-44c5-8469-84eee4aa64e7", zone="pub")
    assert session.count == 1


def test_rescue_is_never_resent_and_drops_unset_parameters():
    session = FakeSession(read_timeout(), zomro_doc({}))
    with pytest.raises(AmbiguousRequestError) as err:
        client(session, auth_token=SESSION1).rescue(ELID, "f8f2573f-56c4-44c5-8469-84eee4aa64e7", "pub")
    assert session.count == 1
    form = session.calls[0].form
    assert form["sok"] == "ok" and form["select_boot"] == "f8f2573f-56c4-44c5-8469-84eee4aa64e7"
    assert "password" not in form
    assert SESSION1 not in str(err.value)


def test_unrescue_has_no_sok_but_is_never_resent():
    session = FakeSession(read_timeout(), zomro_doc({}))
    with pytest.raises(AmbiguousRequestError):
        client(session, auth_token=SESSION1).unrescue(ELID)
    assert session.count == 1
    assert "sok" not in session.calls[0].form


def test_rescue_password_never_appears_in_errors():
    rescue_password = "Resc-ue-Secret-77"
    session = FakeSession(zomro_doc({"error": {"$type": "value", "$object": "password",
                                               "msg": {"$": "The password is too weak"}}}))
    with pytest.raises(ZomroError) as err:
        client(session, auth_token=SESSION1).rescue(ELID, "f8f2573f-56c4-44c5-8469-84eee4aa64e7", "pub",
                                                    password=rescue_password)
    assert session.calls[0].form["password"] == rescue_password
    assert rescue_password not in str(err.value) and rescue_password not in repr(err.value.failure())


def test_a_direct_unrescue_call_is_unsafe_by_default():
    session = FakeSession(read_timeout(), zomro_doc({}))
    with pytest.raises(AmbiguousRequestError):
        client(session, auth_token=SESSION1).call("instances.fleio.unrescue", elid=ELID)
    assert session.count == 1
