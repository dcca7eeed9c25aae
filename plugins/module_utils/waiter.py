# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Poll until a condition holds, with capped backoff, to a deadline."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError

# First pause, growth and cap of the polling interval.  A 30 s build costs
# about a dozen requests; a fast change is noticed within a quarter second.
FIRST_INTERVAL = 0.25
GROWTH = 1.6
MAX_INTERVAL = 5.0


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
               sleep=time.sleep, clock=time.monotonic):
    """Call ``fetch()`` until ``done(value)`` is true; return that value.

    ``describe(value)`` names the state for messages (default: the value's
    ``status``); ``failed(value)`` true stops at once with ``WaitFailed``.
    ``fetch`` may return ``None`` (e.g. the object is gone).
    ``what`` reads as "instance web1 to be ACTIVE".
    """
    describe = describe or _default_describe
    deadline = clock() + max(0, timeout)
    interval = first_interval
    polls = 0
    while True:
        value = fetch()
        polls += 1
        if done(value):
            return value
        if failed is not None and failed(value):
            raise WaitFailed("Gave up waiting for %s: it reached %s" % (what, describe(value)),
                             last_seen=describe(value))
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout("Timed out after %ss waiting for %s; last seen: %s (%d polls)"
                              % (timeout, what, describe(value), polls), last_seen=describe(value))
        sleep(min(interval, remaining))
        interval = min(max_interval, interval * GROWTH)


def _default_describe(value):
    if value is None:
        return "absent"
    if isinstance(value, dict):
        for key in ("status", "state", "fotbo_status"):
            if key in value:
                state = value[key]
                if isinstance(state, dict):
                    state = state.get("state")
                return "%s=%s" % (key, state)
    return repr(value)[:100]
