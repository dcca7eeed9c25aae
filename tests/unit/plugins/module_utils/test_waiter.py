# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of wait_until: done, timeout naming the last state, capped backoff, early failure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError
from ansible_collections.vmops.cloud.plugins.module_utils.waiter import (
    FIRST_INTERVAL,
    MAX_INTERVAL,
    WaitFailed,
    WaitTimeout,
    wait_argument_spec,
    wait_until,
)


class Clock(object):
    """A fake monotonic clock; ``sleep`` advances it and records the pause."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


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
    ({"fotbo_status": "rescuing"}, "fotbo_status=rescuing"),
    ({"status": {"state": "Pending"}}, "status=Pending"),
])
def test_default_description_reads_common_state_fields(value, named):
    with pytest.raises(WaitTimeout) as err:
        wait_until(lambda: value, lambda v: False, 0, "it", sleep=lambda s: None)
    assert named in str(err.value)


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


def test_wait_argument_spec():
    assert wait_argument_spec(300) == {"wait": {"type": "bool", "default": True},
                                       "wait_timeout": {"type": "int", "default": 300}}
