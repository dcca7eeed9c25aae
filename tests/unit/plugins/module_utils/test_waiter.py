# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of wait_until: done, timeout naming the last state, capped backoff, early failure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError, Transport
from ansible_collections.vmops.cloud.plugins.module_utils.waiter import (
    FIRST_INTERVAL,
    GONE_POLLS,
    GONE_SECONDS,
    MAX_INTERVAL,
    WaitFailed,
    WaitTimeout,
    wait_argument_spec,
    wait_until,
)
from ansible_collections.vmops.cloud.plugins.module_utils.zomro import ZOMRO
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import (
    FakeClock as Clock,
    FakeSession,
    connect_refused,
    json_response,
    read_timeout,
)


class Source(object):
    """``fetch`` answering a script of states (the last one repeats)."""

    def __init__(self, *states):
        self.states = list(states)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        state = self.states[0] if len(self.states) == 1 else self.states.pop(0)
        return None if state is None else {"id": "i-1", "status": state}


def is_active(value):
    return value is not None and value["status"] == "ACTIVE"


def wait(fetch, timeout=60, **kw):
    clock = kw.pop("clock", None) or Clock()
    return wait_until(fetch, kw.pop("done", is_active), timeout, "instance web1 to be ACTIVE",
                      sleep=clock.sleep, clock=clock, **kw), clock


def test_returns_at_once_when_already_done():
    fetch = Source("ACTIVE")
    value, clock = wait(fetch)
    assert value == {"id": "i-1", "status": "ACTIVE"}
    assert fetch.calls == 1 and clock.sleeps == []


def test_returns_the_value_that_is_done():
    fetch = Source("BUILDING", "BUILDING", "ACTIVE", "SHUTOFF")
    value, clock = wait(fetch)
    assert value["status"] == "ACTIVE"
    assert fetch.calls == 3
    assert len(clock.sleeps) == 2


def test_timeout_names_the_last_seen_state():
    fetch = Source("BUILDING", "BUILDING", "REBOOTING")
    clock = Clock()
    with pytest.raises(WaitTimeout) as err:
        wait(fetch, timeout=30, clock=clock)
    exc = err.value
    assert isinstance(exc, ApiError)
    msg = str(exc)
    assert "instance web1 to be ACTIVE" in msg
    assert "status=REBOOTING" in msg and "30" in msg
    assert exc.last_seen == "status=REBOOTING"
    assert exc.failure() == {"status": None, "code": "wait_timeout", "reason": "status=REBOOTING"}


def test_timeout_is_kept():
    fetch = Source("BUILDING")
    clock = Clock()
    with pytest.raises(WaitTimeout):
        wait(fetch, timeout=30, clock=clock)
    assert sum(clock.sleeps) == pytest.approx(30.0)  # never sleeps past the deadline
    assert clock.now == pytest.approx(1030.0)


def test_zero_timeout_polls_once():
    fetch = Source("BUILDING")
    clock = Clock()
    with pytest.raises(WaitTimeout):
        wait(fetch, timeout=0, clock=clock)
    assert fetch.calls == 1 and clock.sleeps == []


def test_absent_object_is_named_absent():
    with pytest.raises(WaitTimeout) as err:
        wait(Source(None), timeout=5)
    assert "absent" in str(err.value)


def test_describe_names_the_state():
    with pytest.raises(WaitTimeout) as err:
        wait(Source("BUILDING"), timeout=5, describe=lambda v: "build in progress (%s)" % v["status"])
    assert "build in progress (BUILDING)" in str(err.value)


@pytest.mark.parametrize("value, named", [
    ({"state": "in-progress"}, "state=in-progress"),
    ({"status": {"state": "Pending"}}, "status=Pending"),
])
def test_default_description_reads_common_state_fields(value, named):
    with pytest.raises(WaitTimeout) as err:
        wait_until(lambda: value, lambda v: False, 0, "it", sleep=lambda s: None)
    assert named in str(err.value)


def test_the_default_description_knows_no_provider():
    """Issue 15.1: Zomro's rescue field is named by the Zomro provider, not by the waiter."""
    value = {"fotbo_status": "rescuing"}
    with pytest.raises(WaitTimeout) as err:
        wait_until(lambda: value, lambda v: False, 0, "it", sleep=lambda s: None)
    assert "fotbo_status" in str(err.value) and "fotbo_status=rescuing" not in str(err.value)
    with pytest.raises(WaitTimeout) as err:
        wait_until(lambda: value, lambda v: False, 0, "it", sleep=lambda s: None, describe=ZOMRO.describe)
    assert "last seen: fotbo_status=rescuing" in str(err.value)


def test_backoff_grows_to_the_cap():
    fetch = Source("BUILDING")
    clock = Clock()
    with pytest.raises(WaitTimeout):
        wait(fetch, timeout=120, clock=clock)
    pauses = clock.sleeps[:-1]  # the last one is cut to the deadline
    assert pauses[0] == pytest.approx(FIRST_INTERVAL)
    growing = [p for p in pauses if p < MAX_INTERVAL]
    assert len(growing) >= 3
    assert all(b > a for a, b in zip(growing, growing[1:]))
    assert max(pauses) == pytest.approx(MAX_INTERVAL)
    assert pauses[-1] == pytest.approx(MAX_INTERVAL)  # stays at the cap
    assert all(p <= MAX_INTERVAL + 1e-9 for p in clock.sleeps)
    # a 2-minute wait costs about two dozen polls, not hundreds
    assert fetch.calls < 40


def test_custom_intervals_are_used():
    clock = Clock()
    with pytest.raises(WaitTimeout):
        wait(Source("BUILDING"), timeout=10, clock=clock, first_interval=1.0, max_interval=2.0)
    assert clock.sleeps[:4] == [pytest.approx(1.0), pytest.approx(1.6), pytest.approx(2.0), pytest.approx(2.0)]


def test_failed_stops_early():
    fetch = Source("BUILDING", "ERROR", "ACTIVE")
    clock = Clock()
    with pytest.raises(WaitFailed) as err:
        wait(fetch, clock=clock, failed=lambda v: v is not None and v["status"] == "ERROR")
    assert fetch.calls == 2
    assert len(clock.sleeps) == 1
    assert "status=ERROR" in str(err.value) and "instance web1 to be ACTIVE" in str(err.value)
    assert err.value.failure()["code"] == "wait_failed"


def test_done_wins_over_failed():
    value, dummy = wait(Source("ACTIVE"), failed=lambda v: True)
    assert value["status"] == "ACTIVE"


def test_errors_of_fetch_propagate():
    def fetch():
        raise ApiError("gone wrong", status=500)
    with pytest.raises(ApiError) as err:
        wait(fetch)
    assert err.value.status == 500


# -- "gone" must persist (issue 14, item 6) ---------------------------------------------------------------

def gone_or_error(value):
    return value is None or value["status"] == "ERROR"


def test_one_absent_read_after_a_create_is_not_the_end():
    fetch = Source("BUILDING", None, "BUILDING", "ACTIVE")
    value, clock = wait(fetch, failed=gone_or_error)
    assert value["status"] == "ACTIVE" and fetch.calls == 4


def test_absent_reads_that_persist_end_the_wait():
    fetch = Source("BUILDING", None)
    clock = Clock()
    with pytest.raises(WaitFailed) as err:
        wait(fetch, clock=clock, failed=gone_or_error)
    assert "gone" in str(err.value) and "last seen: absent" not in str(err.value)
    assert err.value.last_seen == "absent"
    assert fetch.calls - 1 >= GONE_POLLS  # several reads in a row...
    assert clock.elapsed >= GONE_SECONDS  # ...over several seconds
    assert clock.elapsed < GONE_SECONDS + MAX_INTERVAL + 1


def test_absent_reads_interrupted_start_counting_again():
    fetch = Source("BUILDING", None, None, "BUILDING", None, None, "ACTIVE")
    value, dummy = wait(fetch, failed=gone_or_error)
    assert value["status"] == "ACTIVE"


def test_a_failed_state_that_is_not_absent_stops_at_once():
    fetch = Source("BUILDING", "ERROR")
    with pytest.raises(WaitFailed):
        wait(fetch, failed=gone_or_error)
    assert fetch.calls == 2


# -- wait_timeout is the bound (issue 14, item 7) ---------------------------------------------------------

def transient(message="GET /v2/instances/i-1 failed after 6 attempts: reset", retry_after=None, status=None):
    exc = ApiError(message, status=status, code="connection_error")
    exc.transient = True
    exc.retry_after = retry_after
    return exc


def test_transient_failures_are_retried_until_the_deadline():
    script = [transient()] * 8 + [None]

    def flaky():
        item = script.pop(0) if script else None
        if item is not None:
            raise item
        return {"id": "i-1", "status": "ACTIVE"}

    value, clock = wait(flaky, timeout=600)
    assert value["status"] == "ACTIVE"
    assert not script and len(clock.sleeps) == 8


def test_an_outage_longer_than_the_wait_times_out_at_the_deadline():
    clock = Clock()

    def down():
        raise transient()
    with pytest.raises(WaitTimeout) as err:
        wait(down, timeout=30, clock=clock)
    assert clock.elapsed == pytest.approx(30)
    assert "last error: GET /v2/instances/i-1 failed after 6 attempts" in str(err.value)
    assert "nothing (no answer)" in str(err.value)


def test_a_non_transient_failure_ends_the_wait_at_once():
    clock = Clock()
    calls = []

    def unauthorized():
        calls.append(1)
        raise ApiError("Civo API authentication failed (HTTP 401)", status=401)
    with pytest.raises(ApiError) as err:
        wait(unauthorized, timeout=600, clock=clock)
    assert err.value.status == 401 and len(calls) == 1 and clock.elapsed == 0


def test_retry_after_beyond_the_deadline_does_not_sleep_past_it():
    clock = Clock()

    def busy():
        raise transient("GET /v2/instances/i-1 answered HTTP 503", retry_after=999999, status=503)
    with pytest.raises(WaitTimeout) as err:
        wait(busy, timeout=5, clock=clock)
    assert clock.elapsed <= 5
    assert "beyond the deadline" in str(err.value)


def test_retry_after_within_the_deadline_is_honoured():
    clock = Clock()
    script = [transient("503", retry_after=3, status=503)]

    def fetch():
        if script:
            raise script.pop(0)
        return {"id": "i-1", "status": "ACTIVE"}
    value, clock = wait(fetch, timeout=60, clock=clock)
    assert clock.sleeps == [3]


def test_the_transport_never_sleeps_past_the_waits_deadline():
    """503 with Retry-After 999999 on every poll and wait_timeout 5 ran 151 s: now about 5 s."""
    clock = Clock()
    session = FakeSession(handler=lambda call: json_response(503, {"code": "busy"}, {"Retry-After": "999999"}))
    tr = Transport(session=session, retries=5, sleep=clock.sleep)
    with pytest.raises(WaitTimeout) as err:
        wait_until(lambda: tr.request("GET", "https://api.example.test/v2/instances/i-1").json(),
                   lambda v: True, 5, "instance i-1 to be ACTIVE", sleep=clock.sleep, clock=clock)
    assert clock.elapsed <= 5
    assert session.count <= 2
    assert "HTTP 503" in str(err.value)


def test_the_api_down_during_a_long_wait_does_not_end_it():
    """The API down 25 s during a 600 s wait: the wait goes on (it failed after ~12 s before)."""
    clock = Clock()
    up_at = clock.now + 25

    def handler(call):
        if clock.now < up_at:
            return connect_refused() if len(session.calls) % 2 else read_timeout()
        return json_response(200, {"id": "i-1", "status": "ACTIVE"})
    session = FakeSession(handler=handler)
    tr = Transport(session=session, retries=2, sleep=clock.sleep)
    value = wait_until(lambda: tr.request("GET", "https://api.example.test/v2/instances/i-1").json(),
                       is_active, 600, "instance i-1 to be ACTIVE", sleep=clock.sleep, clock=clock)
    assert value["status"] == "ACTIVE"
    assert 25 <= clock.elapsed < 25 + MAX_INTERVAL + 8


def test_a_wait_never_runs_much_beyond_its_timeout():
    """Whatever the API does, a wait ends within wait_timeout plus one pause (requests are instant here)."""
    for answer in (read_timeout, lambda: json_response(429, {}, {"Retry-After": "40"}),
                   lambda: json_response(502, {}), lambda: json_response(200, {"status": "BUILDING"})):
        clock = Clock()
        session = FakeSession(handler=lambda call, a=answer: a())
        tr = Transport(session=session, retries=5, sleep=clock.sleep)
        with pytest.raises(WaitTimeout):
            wait_until(lambda: tr.request("GET", "https://api.example.test/v2/instances/i-1").json(),
                       is_active, 20, "instance i-1 to be ACTIVE", sleep=clock.sleep, clock=clock)
        assert clock.elapsed <= 20


def test_wait_argument_spec():
    assert wait_argument_spec(300) == {"wait": {"type": "bool", "default": True},
                                       "wait_timeout": {"type": "int", "default": 300}}
