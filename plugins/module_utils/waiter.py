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
    describe = describe or _default_describe
    deadline = clock() + max(0, timeout)
    interval = first_interval
    polls = 0
    gone_since = None
    gone_count = 0
    last = _NOTHING
    while True:
        retry_after = None
        try:
            with _http.deadline(deadline, clock):
                value = fetch()
        except ApiError as exc:
            if not exc.transient:
                raise
            polls += 1
            error = exc
            retry_after = exc.retry_after
        else:
            polls += 1
            error = None
            last = value
            if done(value):
                return value
            if failed is not None and failed(value):
                if value is not None:
                    raise WaitFailed("Gave up waiting for %s: it reached %s" % (what, describe(value)),
                                     last_seen=describe(value))
                now = clock()
                gone_since = now if gone_count == 0 else gone_since
                gone_count += 1
                if gone_count >= gone_polls and now - gone_since >= gone_seconds:
                    raise WaitFailed("Gave up waiting for %s: it is gone (absent in %d reads over %ss)"
                                     % (what, gone_count, _secs(now - gone_since)), last_seen=describe(value))
            else:
                gone_count = 0
        remaining = deadline - clock()
        if remaining <= 0 or (retry_after is not None and retry_after > remaining):
            seen = describe(last) if last is not _NOTHING else "nothing (no answer)"
            message = "Timed out after %ss waiting for %s; last seen: %s (%d polls)" % (timeout, what, seen, polls)
            if error is not None:
                message += "; last error: %s" % error.message
                if retry_after is not None and retry_after > remaining > 0:
                    message += " (the API asked to retry after %ss, beyond the deadline)" % _secs(retry_after)
            raise WaitTimeout(message, last_seen=seen)
        pause = interval if retry_after is None else max(interval, retry_after)
        sleep(min(pause, remaining))
        interval = min(max_interval, interval * GROWTH)


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
