# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Poll until a condition holds, with capped backoff, to a deadline."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from . import _http
from ._http import ApiError

# First pause, growth and cap of the polling interval.  A 30 s build costs
# about a dozen requests; a fast change is noticed within a quarter second.
FIRST_INTERVAL = 0.25
GROWTH = 1.6
MAX_INTERVAL = 5.0
# "Gone" (the object reads as absent) is final only after this many reads in a row, this long.
GONE_POLLS = 3
GONE_SECONDS = 5.0


def wait_argument_spec(default_timeout=600):
    return dict(
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=default_timeout),
    )


class WaitTimeout(ApiError):
    def __init__(self, message, last_seen=None):
        super(WaitTimeout, self).__init__(message, code="wait_timeout", reason=last_seen)
        self.last_seen = last_seen


class WaitFailed(ApiError):
    def __init__(self, message, last_seen=None):
        super(WaitFailed, self).__init__(message, code="wait_failed", reason=last_seen)
        self.last_seen = last_seen


def wait_until(fetch, done, timeout, what, describe=None, failed=None,
               first_interval=FIRST_INTERVAL, max_interval=MAX_INTERVAL,
               sleep=time.sleep, clock=time.monotonic, gone_polls=GONE_POLLS, gone_seconds=GONE_SECONDS):
    """Call ``fetch()`` until ``done(value)`` is true; return that value.

    ``describe(value)`` names the state for messages (default: the value's
    ``status`` or ``state``); ``failed(value)`` true stops with ``WaitFailed``.
    ``fetch`` may return ``None`` (e.g. the object is gone).
    ``what`` reads as "instance web1 to be ACTIVE".

    ``timeout`` is the bound of the whole wait:

    * a transient failure of ``fetch`` (``ApiError.transient``: 5xx, 429, connection error, malformed
      answer) is not the end of the wait: polling goes on until the deadline and no longer (the
      transport, inside the wait's ``deadline``, never sleeps past it, whatever ``Retry-After`` says);
    * ``failed(None)`` ("gone") is final only once it persists: ``gone_polls`` answers in a row
      over at least ``gone_seconds`` (one 404 right after a create is not the end of the object).
    """
    wait = _Wait(fetch, done, timeout, what, describe or _default_describe, failed, clock, gone_polls, gone_seconds)
    interval = first_interval
    while True:
        found, value = wait.poll()
        if found:
            return value
        sleep(wait.pause(interval))
        interval = min(max_interval, interval * GROWTH)


class _Wait(object):
    """The state of one ``wait_until``: polls, the last value and error, how long "gone" has lasted."""

    def __init__(self, fetch, done, timeout, what, describe, failed, clock, gone_polls, gone_seconds):
        self.fetch, self.done, self.failed, self.clock = fetch, done, failed, clock
        self.timeout, self.what, self.describe = timeout, what, describe
        self.gone_polls, self.gone_seconds = gone_polls, gone_seconds
        self.deadline = clock() + max(0, timeout)
        self.polls = 0
        self.gone_count = 0
        self.gone_since = None
        self.last = _NOTHING
        self.error = None

    def poll(self):
        """``(True, value)`` when done; ``(False, None)`` to go on; raises when it failed."""
        self.polls += 1
        try:
            with _http.deadline(self.deadline, self.clock):
                value = self.fetch()
        except ApiError as exc:
            if not exc.transient:
                raise
            self.error = exc
            return False, None
        self.error, self.last = None, value
        if self.done(value):
            return True, value
        if self.failed is not None and self.failed(value):
            self.check_failed(value)
        else:
            self.gone_count = 0
        return False, None

    def check_failed(self, value):
        """A failed state ends the wait at once; "gone" (None) only once it has persisted."""
        if value is not None:
            raise WaitFailed("Gave up waiting for %s: it reached %s" % (self.what, self.describe(value)),
                             last_seen=self.describe(value))
        now = self.clock()
        if self.gone_count == 0:
            self.gone_since = now
        self.gone_count += 1
        if self.gone_count >= self.gone_polls and now - self.gone_since >= self.gone_seconds:
            raise WaitFailed("Gave up waiting for %s: it is gone (absent in %d reads over %ss)"
                             % (self.what, self.gone_count, _secs(now - self.gone_since)),
                             last_seen=self.describe(value))

    def pause(self, interval):
        """The pause before the next poll, never past the deadline; raises ``WaitTimeout`` at the deadline."""
        retry_after = self.error.retry_after if self.error is not None else None
        remaining = self.deadline - self.clock()
        if remaining <= 0 or (retry_after is not None and retry_after > remaining):
            raise self.timed_out(retry_after, remaining)
        return min(interval if retry_after is None else max(interval, retry_after), remaining)

    def timed_out(self, retry_after, remaining):
        seen = self.describe(self.last) if self.last is not _NOTHING else "nothing (no answer)"
        message = "Timed out after %ss waiting for %s; last seen: %s (%d polls)" % (
            self.timeout, self.what, seen, self.polls)
        if self.error is not None:
            message += "; last error: %s" % self.error.message
            if retry_after is not None and retry_after > remaining > 0:
                message += " (the API asked to retry after %ss, beyond the deadline)" % _secs(retry_after)
        return WaitTimeout(message, last_seen=seen)


_NOTHING = object()


def _secs(value):
    return ("%.1f" % value).rstrip("0").rstrip(".")


def _default_describe(value):
    """A generic name for a state: ``status=...`` or ``state=...`` (providers give their own)."""
    if value is None:
        return "absent"
    if isinstance(value, dict):
        for key in ("status", "state"):
            if key in value:
                state = value[key]
                if isinstance(state, dict):
                    state = state.get("state")
                return "%s=%s" % (key, state)
    return repr(value)[:100]
