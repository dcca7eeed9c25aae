# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of the shared transport: retries, backoff, the ambiguous-create rule, errors, path safety."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import random
import re
import time
from urllib.parse import unquote

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils import _http
from ansible_collections.vmops.cloud.plugins.module_utils._http import (
    MAX_BACKOFF,
    AmbiguousRequestError,
    ApiError,
    InvalidParameterError,
    Transport,
    create_or_adopt,
    parse_retry_after,
    path_segment,
)
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import (
    NGINX_502,
    FakeClock,
    FakeSession,
    Script,
    Sleeps,
    connect_refused,
    connect_timeout,
    connection_reset,
    dns_failure,
    dns_failure_temporary,
    html_response,
    json_response,
    read_timeout,
    remote_disconnected,
    response,
)

URL = "https://api.example.test/v2/instances"
RETRY_STATUSES = (429, 500, 502, 503, 504)
SAFE = ("GET", "PUT", "DELETE")
NEVER_SENT = (connect_refused, connect_timeout, dns_failure, dns_failure_temporary)
MAYBE_SENT = (read_timeout, connection_reset, remote_disconnected)
TAG = re.compile(r"<[^>]*>")


def transport(session, retries=5, **kw):
    kw.setdefault("sleep", Sleeps())
    return Transport(session=session, retries=retries, **kw)


def ok(data=None):
    return json_response(200, data if data is not None else {"result": "success"})


class EdgeRandom(object):
    """Replaces ``random`` in ``_http``: jitter always at one end of its range."""

    def __init__(self, high):
        self.high = high

    def uniform(self, a, b):
        return b if self.high else a


# -- plain success -----------------------------------------------------------------------------------

def test_success_is_one_request_with_timeout_verify_and_user_agent():
    session = FakeSession(ok({"id": 1}))
    tr = transport(session, timeout=7, validate_certs=False)
    resp = tr.request("GET", URL)
    assert resp.json() == {"id": 1}
    assert session.count == 1 and tr.request_count == 1
    assert session.calls[0].kwargs["timeout"] == 7
    assert session.calls[0].kwargs["verify"] is False
    assert session.calls[0].headers["User-Agent"].startswith("vmops.cloud/")
    assert len(tr.sleep) == 0


# -- retries of safe methods -------------------------------------------------------------------------

@pytest.mark.parametrize("method", SAFE)
@pytest.mark.parametrize("status", RETRY_STATUSES)
def test_retryable_status_is_retried_for_safe_methods(method, status):
    session = FakeSession(response(status, "busy"), response(status, "busy"), ok())
    tr = transport(session)
    assert tr.request(method, URL).status_code == 200
    assert session.methods == [method] * 3
    assert len(tr.sleep) == 2


@pytest.mark.parametrize("method", SAFE)
@pytest.mark.parametrize("failure", NEVER_SENT + MAYBE_SENT)
def test_connection_errors_and_timeouts_are_retried_for_safe_methods(method, failure):
    session = FakeSession(failure(), failure(), ok())
    tr = transport(session)
    assert tr.request(method, URL).status_code == 200
    assert session.count == 3
    assert len(tr.sleep) == 2


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_retries_stop_after_api_retries_and_say_so(retries):
    session = FakeSession(handler=lambda call: response(503, "down for maintenance"))
    tr = transport(session, retries=retries)
    with pytest.raises(ApiError) as err:
        tr.request("GET", URL)
    assert not isinstance(err.value, AmbiguousRequestError)
    assert session.count == retries + 1
    assert len(tr.sleep) == retries
    assert err.value.status == 503
    expected = "gave up after 1 attempt)" if retries == 0 else "gave up after %d attempts" % (retries + 1)
    assert expected in str(err.value)


def test_connection_error_retries_stop_after_api_retries():
    session = FakeSession(handler=lambda call: read_timeout())
    tr = transport(session, retries=2)
    with pytest.raises(ApiError) as err:
        tr.request("GET", URL)
    assert session.count == 3
    assert err.value.code == "connection_error"
    assert "failed after 3 attempts" in str(err.value)
    assert "Read timed out" in str(err.value)


@pytest.mark.parametrize("method", SAFE + ("POST",))
@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 409, 422, 501])
def test_client_errors_other_than_429_are_not_retried(method, status):
    session = FakeSession(json_response(status, {"code": "nope", "reason": "refused"}), ok())
    tr = transport(session)
    with pytest.raises(ApiError) as err:
        tr.request(method, URL)
    assert not isinstance(err.value, AmbiguousRequestError)
    assert session.count == 1
    assert len(tr.sleep) == 0
    assert err.value.status == status


def test_unauthorized_is_exactly_one_request():
    session = FakeSession(handler=lambda call: json_response(401, {"result": "requires_authentication"}))
    tr = transport(session, retries=5)
    with pytest.raises(ApiError) as err:
        tr.request("GET", URL)
    assert session.count == 1 and tr.request_count == 1
    assert err.value.status == 401


# -- backoff -------------------------------------------------------------------------------------------

def _delays(monkeypatch, high, retries=7, base=0.5, cap=8.0):
    if high is not None:
        monkeypatch.setattr(_http, "random", EdgeRandom(high))
    session = FakeSession(handler=lambda call: response(503))
    tr = transport(session, retries=retries, backoff_base=base, backoff_cap=cap)
    with pytest.raises(ApiError):
        tr.request("GET", URL)
    return tr.sleep.delays


def test_backoff_doubles_up_to_the_cap(monkeypatch):
    assert _delays(monkeypatch, high=True) == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_backoff_jitter_never_below_half_the_delay(monkeypatch):
    assert _delays(monkeypatch, high=False) == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_backoff_jitter_stays_in_bounds_and_varies(monkeypatch):
    random.seed(1234)
    runs = [_delays(monkeypatch, high=None) for dummy in range(20)]
    for delays in runs:
        assert len(delays) == 7
        for attempt, delay in enumerate(delays):
            full = min(8.0, 0.5 * 2 ** attempt)
            assert full / 2.0 <= delay <= full
    # jitter: the same attempt does not always wait the same time
    assert len(set(run[3] for run in runs)) > 10
    # growth: the lower bound of every pause grows until the cap
    assert min(run[4] for run in runs) > max(run[1] for run in runs)


def test_backoff_never_exceeds_max_backoff(monkeypatch):
    delays = _delays(monkeypatch, high=True, retries=4, base=20.0, cap=1000.0)
    assert delays == [20.0, MAX_BACKOFF, MAX_BACKOFF, MAX_BACKOFF]


# -- Retry-After ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_is_honoured(monkeypatch, status):
    monkeypatch.setattr(_http, "random", EdgeRandom(True))
    session = FakeSession(response(status, "slow down", {"Retry-After": "7"}), ok())
    tr = transport(session)
    tr.request("GET", URL)
    assert tr.sleep.delays == [7.0]


def test_retry_after_http_date_is_honoured():
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    session = FakeSession(response(429, "", {"Retry-After": when}), ok())
    tr = transport(session)
    tr.request("GET", URL)
    assert 18.0 <= tr.sleep.delays[0] <= 20.0


def test_retry_after_is_capped():
    session = FakeSession(response(429, "", {"Retry-After": "3600"}), ok())
    tr = transport(session)
    tr.request("GET", URL)
    assert tr.sleep.delays == [MAX_BACKOFF]


@pytest.mark.parametrize("value", ["soon", "", "-5", "1.5e9"])
def test_retry_after_garbage_falls_back_to_backoff(monkeypatch, value):
    monkeypatch.setattr(_http, "random", EdgeRandom(True))
    session = FakeSession(response(429, "", {"Retry-After": value}), ok())
    tr = transport(session)
    tr.request("GET", URL)
    assert tr.sleep.delays == [0.5]


def test_parse_retry_after():
    assert parse_retry_after(None) is None
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 3 ") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert 58 <= parse_retry_after(email.utils.formatdate(time.time() + 60, usegmt=True)) <= 60
    assert parse_retry_after("tomorrow") is None


# -- the ambiguous-create rule -----------------------------------------------------------------------

@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_post_is_never_resent_after_a_gateway_or_server_error(status):
    session = FakeSession(html_response(status, NGINX_502), ok())
    tr = transport(session)
    with pytest.raises(AmbiguousRequestError) as err:
        tr.request("POST", URL, json={"hostname": "web1"})
    assert session.count == 1
    assert len(tr.sleep) == 0
    assert err.value.status == status
    assert "may have been applied" in str(err.value)


@pytest.mark.parametrize("failure", MAYBE_SENT)
def test_post_is_never_resent_after_a_timeout_or_reset(failure):
    session = FakeSession(failure(), ok())
    tr = transport(session)
    with pytest.raises(AmbiguousRequestError) as err:
        tr.request("POST", URL, json={"hostname": "web1"})
    assert session.count == 1
    assert len(tr.sleep) == 0
    assert err.value.code == "connection_error"
    assert "may have been applied" in str(err.value)


@pytest.mark.parametrize("failure", MAYBE_SENT)
def test_put_marked_unsafe_is_never_resent(failure):
    session = FakeSession(failure(), ok())
    tr = transport(session)
    with pytest.raises(AmbiguousRequestError):
        tr.request("PUT", URL, safe=False)
    assert session.count == 1


def test_put_marked_unsafe_is_never_resent_after_502():
    session = FakeSession(html_response(502, NGINX_502), ok())
    tr = transport(session)
    with pytest.raises(AmbiguousRequestError):
        tr.request("PUT", URL, safe=False)
    assert session.count == 1


@pytest.mark.parametrize("failure", NEVER_SENT)
def test_post_is_retried_when_it_never_reached_the_server(failure):
    session = FakeSession(failure(), ok({"id": "new"}))
    tr = transport(session)
    assert tr.request("POST", URL).json() == {"id": "new"}
    assert session.methods == ["POST", "POST"]


def test_post_is_retried_after_429():
    session = FakeSession(response(429, "", {"Retry-After": "1"}), ok({"id": "new"}))
    tr = transport(session)
    assert tr.request("POST", URL).json() == {"id": "new"}
    assert session.methods == ["POST", "POST"]
    assert tr.sleep.delays[0] >= 1.0


def test_post_429_gives_up_with_a_plain_error():
    session = FakeSession(handler=lambda call: response(429, "rate limited"))
    tr = transport(session, retries=2)
    with pytest.raises(ApiError) as err:
        tr.request("POST", URL)
    assert not isinstance(err.value, AmbiguousRequestError)
    assert session.count == 3
    assert err.value.status == 429


def test_post_marked_safe_is_retried():
    """A read sent as POST (a Zomro preview) is safe to repeat."""
    session = FakeSession(html_response(502, NGINX_502), read_timeout(), ok())
    tr = transport(session)
    assert tr.request("POST", URL, safe=True).status_code == 200
    assert session.count == 3


# -- error messages ----------------------------------------------------------------------------------

def test_html_error_page_gives_a_readable_message():
    session = FakeSession(handler=lambda call: html_response(502, NGINX_502))
    tr = transport(session, retries=1)
    with pytest.raises(ApiError) as err:
        tr.request("GET", URL + "?region=LON1")
    msg = str(err.value)
    assert "502" in msg and "Bad Gateway" in msg and "nginx" in msg
    assert not TAG.search(msg) and "<" not in msg and ">" not in msg
    assert "\n" not in msg and "\r" not in msg
    assert "region=LON1" not in msg  # the query string is left out
    assert err.value.failure() == {"status": 502, "code": None, "reason": err.value.reason}
    assert not TAG.search(err.value.reason)


def test_html_error_page_drops_scripts_styles_comments_and_entities():
    page = (
        "<!DOCTYPE html><html><head><title>api.example.test | 502: Bad gateway</title>"
        "<style>body{font-family:-apple-system,system-ui} .cf-error{color:#404040}</style>"
        "<script>(function(){window._cf_chl_opt={cvId:'3'};})();</script>"
        "<!-- cf-error-code: 502 --></head>"
        "<body><h1>Bad gateway&nbsp;&mdash; error code 502</h1><p>The web server reported a bad gateway"
        " error.</p></body></html>"
    )
    session = FakeSession(html_response(502, page))
    tr = transport(session, retries=0)
    with pytest.raises(ApiError) as err:
        tr.request("GET", URL)
    msg = str(err.value)
    assert "502: Bad gateway" in msg
    assert "Bad gateway \u2014 error code 502" in msg
    for junk in ("font-family", "function(", "_cf_chl_opt", "cf-error-code", "&nbsp;", "&mdash;", "<", ">"):
        assert junk not in msg


def test_error_excerpt_is_short():
    session = FakeSession(html_response(500, "<p>" + "x" * 5000 + "</p>"))
    tr = transport(session, retries=0)
    with pytest.raises(ApiError) as err:
        tr.request("GET", URL)
    assert len(str(err.value)) < 400


def test_error_without_body_uses_the_reason_phrase():
    session = FakeSession(response(404, b""))
    tr = transport(session)
    with pytest.raises(ApiError) as err:
        tr.request("GET", URL)
    assert "HTTP 404" in str(err.value) and "Not Found" in str(err.value)


def test_api_error_failure_dict():
    exc = ApiError("boom", status=409, code="instance_duplicate", reason="exists")
    assert str(exc) == "boom"
    assert exc.failure() == {"status": 409, "code": "instance_duplicate", "reason": "exists"}
    bad = InvalidParameterError("hostname must not be empty")
    assert bad.failure() == {"status": None, "code": "invalid_parameter", "reason": "hostname must not be empty"}


# -- create_or_adopt ----------------------------------------------------------------------------------

# ``send``/``find`` stand-ins that follow a script and count their calls: the test kit's ``Script``.
Recorder = Script


def ambiguous():
    return AmbiguousRequestError("POST /v2/instances: connection reset; it may have been applied", code="connection_error")


def test_create_or_adopt_sends_once_when_it_works():
    send, find = Recorder({"id": "a"}), Recorder()
    assert create_or_adopt(send, find, sleep=Sleeps()) == ({"id": "a"}, False)
    assert (send.calls, find.calls) == (1, 0)


def test_create_or_adopt_adopts_what_find_returns():
    send, find = Recorder(ambiguous(), {"id": "dup"}), Recorder({"id": "a"})
    assert create_or_adopt(send, find, sleep=Sleeps()) == ({"id": "a"}, True)
    assert (send.calls, find.calls) == (1, 1)


def test_create_or_adopt_resends_only_when_nothing_was_created():
    send, find = Recorder(ambiguous(), {"id": "b"}), Recorder(*[None] * _http.ADOPT_LOOKS)
    assert create_or_adopt(send, find, sleep=Sleeps()) == ({"id": "b"}, False)
    assert (send.calls, find.calls) == (2, _http.ADOPT_LOOKS)


def test_create_or_adopt_is_bounded():
    send = Recorder(*[ambiguous() for dummy in range(10)])
    find = Recorder(*[None] * 100)
    sleeps = Sleeps()
    with pytest.raises(AmbiguousRequestError) as err:
        create_or_adopt(send, find, retries=2, sleep=sleeps, looks=3, window=6)
    assert (send.calls, find.calls) == (3, 9)
    # per ambiguous send: two pauses of the window (1/3 and 2/3 of it); two short pauses before re-sends
    assert sleeps.delays[0:2] == [2.0, 4.0] and sleeps.delays[3:5] == [2.0, 4.0]
    assert len(sleeps) == 3 * 2 + 2
    assert "nothing was found after 3 looks over 6s" in str(err.value)


def test_create_or_adopt_looks_over_a_window_before_a_resend():
    """Issue 14.4: a create applied late (after the client gave up) is found by a later look, not re-sent."""
    send = Recorder(ambiguous(), {"id": "duplicate"})
    find = Recorder(None, None, {"id": "late"})
    sleeps = Sleeps()
    assert create_or_adopt(send, find, sleep=sleeps, window=12) == ({"id": "late"}, True)
    assert (send.calls, find.calls) == (1, 3)
    assert sleeps.delays == [2.0, 4.0]  # the default 4 looks: at 0, 2, 6 and 12 s


def test_adopt_window_defaults_to_the_request_timeout():
    """The window is the failed request's own timeout (a proxy may hold it as long again), bounded."""
    for timeout, window in ((5, 5.0), (30, 30.0), (0.5, _http.ADOPT_MIN_WINDOW), (3600, _http.ADOPT_MAX_WINDOW),
                            ((3, 10), 10.0), (None, _http.ADOPT_MAX_WINDOW)):
        session = FakeSession(read_timeout())
        tr = transport(session, timeout=timeout)
        with pytest.raises(AmbiguousRequestError) as err:
            tr.request("POST", URL)
        assert err.value.window == window
    sleeps = Sleeps()
    session = FakeSession(read_timeout())
    tr = transport(session, timeout=5, sleep=sleeps)
    find = Recorder(None, None, None, {"id": "late"})
    obj, adopted = create_or_adopt(lambda: tr.request("POST", URL), find, sleep=sleeps)
    assert (obj, adopted) == ({"id": "late"}, True)
    assert session.methods == ["POST"]
    assert sum(sleeps.delays) == pytest.approx(5.0)
    assert sleeps.delays == sorted(sleeps.delays)  # growing pauses


def test_adopt_schedule_sums_to_the_window():
    assert _http.adopt_schedule(6, 4) == [1.0, 2.0, 3.0]
    assert _http.adopt_schedule(6, 1) == []
    assert sum(_http.adopt_schedule(30)) == pytest.approx(30)


def test_create_or_adopt_does_not_retry_a_clear_error():
    send, find = Recorder(ApiError("quota", status=403, code="quota_limit_reached")), Recorder()
    with pytest.raises(ApiError) as err:
        create_or_adopt(send, find, sleep=Sleeps())
    assert err.value.code == "quota_limit_reached"
    assert (send.calls, find.calls) == (1, 0)


def test_create_or_adopt_does_not_resend_when_find_fails():
    send, find = Recorder(ambiguous(), {"id": "x"}), Recorder(ApiError("list failed", status=500))
    with pytest.raises(ApiError) as err:
        create_or_adopt(send, find, sleep=Sleeps())
    assert err.value.status == 500
    assert send.calls == 1


def test_create_or_adopt_over_the_transport_sends_one_post():
    session = FakeSession(read_timeout())
    tr = transport(session)
    found = {"id": "i-1", "hostname": "web1"}
    obj, adopted = create_or_adopt(lambda: tr.request("POST", URL).json(), lambda: found, sleep=tr.sleep)
    assert (obj, adopted) == (found, True)
    assert session.methods == ["POST"]


# -- path safety ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, "", " ", "\t", ".", "..", "a\x00b", "web\n1", "x\r", "\x7f", "x" * 256])
def test_path_segment_refuses_what_cannot_be_a_segment(value):
    with pytest.raises(InvalidParameterError) as err:
        path_segment(value, "instance id")
    assert "instance id" in str(err.value)
    assert err.value.failure()["code"] == "invalid_parameter"


@pytest.mark.parametrize("value, encoded", [
    ("../etc/passwd", "..%2Fetc%2Fpasswd"),
    ("../", "..%2F"),
    ("a/b", "a%2Fb"),
    ("/", "%2F"),
    ("a?b=c", "a%3Fb%3Dc"),
    ("a#frag", "a%23frag"),
    ("%2F", "%252F"),
    ("%2e%2e", "%252e%252e"),
    ("web 1", "web%201"),
    ("caf\u00e9", "caf%C3%A9"),
    ("a;b", "a%3Bb"),
    ("...", "..."),
    ("0f1e2d3c-aaaa-bbbb-cccc-123456789abc", "0f1e2d3c-aaaa-bbbb-cccc-123456789abc"),
])
def test_path_segment_encodes_everything_else(value, encoded):
    out = path_segment(value)
    assert out == encoded
    assert "/" not in out and "?" not in out and "#" not in out
    assert unquote(out) == value


def test_path_segment_accepts_numbers():
    assert path_segment(5203773) == "5203773"


# -- requests that cannot be built ---------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("url", ["http:///v2/instances", "https://api.example.test:notaport/v2/instances"])
def test_a_request_that_cannot_be_built_fails_at_once(method, url):
    """A real session: ``requests`` refuses the URL while preparing it, before any connection."""
    sleeps = Sleeps()
    tr = Transport(retries=5, sleep=sleeps)
    with pytest.raises(ApiError) as err:
        tr.request(method, url)
    assert not isinstance(err.value, AmbiguousRequestError)
    assert err.value.code == "invalid_request"
    assert "cannot be sent" in str(err.value)
    assert tr.request_count == 1 and sleeps.delays == []


def test_tls_errors_are_not_retried():
    import requests

    def handler(call):
        raise requests.exceptions.SSLError("certificate verify failed")
    session = FakeSession(handler=handler)
    tr = transport(session, retries=3)
    with pytest.raises(ApiError) as err:
        tr.request("GET", URL)
    assert session.count == 1
    assert err.value.code == "tls_error"
    assert "validate_certs" in str(err.value)


def test_check_hook_retries_a_malformed_read_then_returns_the_parsed_body():
    from ansible_collections.vmops.cloud.plugins.module_utils._http import MalformedResponseError, Transport

    session = FakeSession(response(200, b""), response(200, b"{}"), response(200, b"[1]"))

    def check(response):
        import json
        try:
            body = json.loads(response.text)
        except ValueError:
            raise MalformedResponseError("not JSON")
        if not isinstance(body, list):
            raise MalformedResponseError("not a list")
        return body

    t = Transport(retries=3, sleep=lambda s: None, session=session)
    assert t.request("GET", "http://127.0.0.1:1/x", check=check) == [1]
    assert t.request_count == 3 and session.count == 3


def test_check_hook_makes_an_unsafe_request_ambiguous():
    from ansible_collections.vmops.cloud.plugins.module_utils._http import (
        AmbiguousRequestError, MalformedResponseError, Transport)

    session = FakeSession(html_response(200, "<html>"))

    def check(response):
        raise MalformedResponseError("HTML instead of JSON")

    t = Transport(retries=3, sleep=lambda s: None, session=session)
    with pytest.raises(AmbiguousRequestError) as info:
        t.request("POST", "http://127.0.0.1:1/x", check=check)
    assert info.value.code == "malformed_response" and t.request_count == 1


# -- secrets in messages (issue 14, item 8) ---------------------------------------------------------------

KEY = "civo-key-0123456789-secret"


def test_an_error_body_echoing_the_authorization_header_is_scrubbed():
    body = {"code": "bad_request", "reason": "headers: Authorization: bearer %s" % KEY}
    session = FakeSession(json_response(400, body))
    session.headers["Authorization"] = "bearer %s" % KEY
    tr = transport(session)
    with pytest.raises(ApiError) as err:
        tr.request("GET", URL)
    assert KEY not in str(err.value) and KEY not in err.value.reason
    assert _http.REDACTED in str(err.value)


def test_registered_secrets_are_scrubbed_from_every_message_the_transport_builds():
    session_id = "0b31d69ab7b7b4839dfd6506"
    page = "<html><body>form: auth=%s&password=hunter2-pass</body></html>" % session_id
    for answer in (html_response(502, page), html_response(400, page), read_timeout()):
        session = FakeSession(handler=lambda call, a=answer: a)
        tr = transport(session, retries=1)
        tr.add_secret(session_id)
        tr.add_secret("hunter2-pass")
        with pytest.raises(ApiError) as err:
            tr.request("GET", URL + "?auth=" + session_id)
        text = "%s %s" % (err.value, err.value.reason)
        assert session_id not in text and "hunter2-pass" not in text


def test_url_encoded_secrets_are_scrubbed_too():
    secret = "p@ss word/with+chars"
    tr = transport(FakeSession())
    tr.add_secret(secret)
    for form in (secret, "p%40ss%20word%2Fwith%2Bchars", "p%40ss+word%2Fwith%2Bchars"):
        assert form not in tr.scrub("echo: %s." % form)


def test_too_short_values_are_not_secrets():
    tr = transport(FakeSession())
    tr.add_secret("abc")
    tr.add_secret(None)
    tr.add_secret("")
    assert tr.scrub("abc def") == "abc def"


def test_credentials_in_the_url_never_appear():
    url = "https://ops:Sup3r-Secret@api.example.test/v2/instances?x=1"
    assert _http._redact_url(url) == "https://api.example.test/v2/instances"
    session = FakeSession(html_response(500, "<p>error for ops:Sup3r-Secret</p>"))
    tr = transport(session, retries=0)
    with pytest.raises(ApiError) as err:
        tr.request("GET", url)
    assert "Sup3r-Secret" not in str(err.value) and "Sup3r-Secret" not in err.value.reason


def test_scrub_removes_userinfo_anywhere():
    assert _http.scrub("see http://u:p4ss@h.example/x") == "see http://%s@h.example/x" % _http.REDACTED


# -- clear text (issue 14, item 11): URL checks only, nothing is sent -------------------------------------------

@pytest.mark.parametrize("url", ["https://api.civo.com", "HTTPS://api.civo.com", "Http://127.0.0.1:8080/",
                                 "HTTP://localhost:9", "http://[::1]:8080"])
def test_any_case_of_the_scheme_is_accepted(url):
    checked = _http.check_api_url(url)
    assert checked.split("://")[0] in ("http", "https")
    assert checked.split("://")[1] == url.split("://")[1]


@pytest.mark.parametrize("url", ["ftp://api.civo.com", "api.civo.com", "", None, "https://", "file:///etc/passwd"])
def test_other_schemes_are_refused(url):
    with pytest.raises(InvalidParameterError):
        _http.check_api_url(url)


@pytest.mark.parametrize("url, warns", [
    ("http://api.civo.com", True), ("HTTP://api.civo.com/", True), ("http://10.0.0.5:8080", True),
    ("http://127.0.0.1:8080", False), ("http://127.5.6.7", False), ("http://localhost:8080", False),
    ("http://[::1]:8080", False), ("https://api.civo.com", False), ("HTTPS://api.civo.com", False),
])
def test_clear_text_to_a_host_not_on_loopback_warns(url, warns):
    warning = _http.insecure_url_warning(url)
    assert bool(warning) is warns
    if warns:
        assert "clear text" in warning and "https://" in warning


def test_the_transport_warns_once_per_host_and_never_shows_url_credentials():
    tr = transport(FakeSession())
    tr._check_url("http://ops:pw-secret-1@api.civo.test/v2/regions")
    tr._check_url("http://api.civo.test/v2/sizes")
    assert len(tr.warnings) == 1 and "pw-secret-1" not in tr.warnings[0]
    tr._check_url("https://api.civo.test/v2/sizes")
    assert len(tr.warnings) == 1


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.255.0.9", True), ("::1", True),
                                            ("[::1]", True), ("localhost", True), ("LOCALHOST.", True),
                                            ("10.0.0.1", False), ("api.civo.com", False), ("", False),
                                            ("127.0.0.1.nip.io", False)])
def test_is_loopback(host, loopback):
    assert _http.is_loopback(host) is loopback


# -- deadlines (issue 14, item 7) -------------------------------------------------------------------------------

def test_outside_a_deadline_retries_follow_the_budget():
    session = FakeSession(handler=lambda call: html_response(502, NGINX_502))
    tr = transport(session, retries=3)
    with pytest.raises(ApiError) as err:
        tr.request("GET", URL)
    assert session.count == 4 and err.value.transient is True


def test_inside_a_deadline_no_pause_goes_past_it():
    clock = FakeClock()
    session = FakeSession(handler=lambda call: json_response(503, {}, {"Retry-After": "20"}))
    tr = transport(session, retries=10, sleep=clock.sleep)
    with _http.deadline(clock.now + 50, clock):
        with pytest.raises(ApiError) as err:
            tr.request("GET", URL)
    assert clock.elapsed <= 50 and session.count == 3  # 20 s, 20 s, then 10 s left < Retry-After 20
    assert "deadline" in str(err.value) and err.value.retry_after == 20


def test_a_deadline_that_has_passed_stops_retrying():
    clock = FakeClock()
    session = FakeSession(handler=lambda call: read_timeout())
    tr = transport(session, retries=10, sleep=clock.sleep)
    with _http.deadline(clock.now + 3, clock):
        with pytest.raises(ApiError) as err:
            tr.request("GET", URL)
    assert clock.elapsed <= 3 and err.value.transient
    assert _http.deadline_remaining() is None  # left with the block


def test_nested_deadlines_keep_the_earlier_one():
    clock = FakeClock()
    with _http.deadline(clock.now + 10, clock):
        with _http.deadline(clock.now + 100, clock):
            assert _http.deadline_remaining() == 10
        with _http.deadline(clock.now + 4, clock):
            assert _http.deadline_remaining() == 4
        assert _http.deadline_remaining() == 10


def test_errors_that_cannot_pass_by_themselves_are_not_transient():
    for answer in (json_response(401, {}), json_response(404, {}), json_response(422, {})):
        tr = transport(FakeSession(answer))
        with pytest.raises(ApiError) as err:
            tr.request("GET", URL)
        assert err.value.transient is False


@pytest.mark.parametrize("url", ["HTTPS://api.example.test", "Https://api.example.test/", "HTTP://127.0.0.1:8080"])
def test_the_clients_accept_the_scheme_in_any_case(url):
    from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient
    from ansible_collections.vmops.cloud.plugins.module_utils.zomro import ZomroClient
    CivoClient(api_key="k" * 10, api_url=url, transport=transport(FakeSession()))
    ZomroClient(api_url=url, username="u", password="p" * 8, transport=transport(FakeSession()))
