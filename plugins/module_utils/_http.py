# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared HTTP transport for the vmops.cloud API clients.

Everything that touches the network lives here: retries with capped,
jittered exponential backoff, ``Retry-After``, the rule that a request which
is not safe to repeat is never blindly re-sent, and typed errors that carry
the HTTP status, the provider's error code and its reason.

Modules never import ``requests`` themselves.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import random
import re
import time
import traceback
from html import unescape as html_unescape

try:
    from urllib.parse import quote
except ImportError:  # pragma: no cover - Python 2 is not supported
    from urllib import quote

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - exercised via missing_required_lib
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "vmops.cloud/%s" % COLLECTION_VERSION

# Methods that may be repeated without changing the outcome.  A POST (and a
# PUT that creates, see ``safe=False``) is not: after an ambiguous failure the
# caller must first look for what the request may have created.
SAFE_METHODS = frozenset(["GET", "HEAD", "PUT", "DELETE"])
RETRY_STATUSES = frozenset([429, 500, 502, 503, 504])

# Longest single pause, whatever Retry-After or the backoff asks for.
MAX_BACKOFF = 30.0
# Longest per-request timeout (seconds): larger values overflow the socket layer.
MAX_TIMEOUT = 86400


class ApiError(Exception):
    """An API call failed; ``failure()`` is what modules put in ``failure``."""

    def __init__(self, message, status=None, code=None, reason=None):
        super(ApiError, self).__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.reason = reason

    def failure(self):
        return {"status": self.status, "code": self.code, "reason": self.reason}

    def __str__(self):
        return self.message


class InvalidParameterError(ApiError):
    """A value was refused before any request was sent."""

    def __init__(self, message):
        super(InvalidParameterError, self).__init__(message, code="invalid_parameter", reason=message)


class AmbiguousRequestError(ApiError):
    """A request that is not safe to repeat may or may not have been applied.

    The connection dropped, timed out or a gateway error came back after the
    request was sent.  The caller must look for what the request may have
    created before deciding to send it again (see ``create_or_adopt``).
    """


class MalformedResponseError(ApiError):
    """A 2xx answer whose body is not the documented shape (empty, truncated, HTML, wrong type).

    Never read as "nothing exists".  For a read it is retried like a 5xx; for a request that is
    not safe to repeat it is ambiguous (it was probably applied): see ``Transport.request``.
    """

    def __init__(self, message, status=None, reason=None):
        super(MalformedResponseError, self).__init__(message, status=status, code="malformed_response",
                                                     reason=reason or message)


class Transport(object):
    """A ``requests`` session with the retry policy of the collection."""

    def __init__(self, timeout=30, retries=5, validate_certs=True, backoff_base=0.5,
                 backoff_cap=8.0, sleep=time.sleep, session=None, error_parser=None):
        if not HAS_REQUESTS:
            raise ApiError("The Python library 'requests' is required", code="missing_library")
        check_timeout(timeout)
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.validate_certs = validate_certs
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.sleep = sleep
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.error_parser = error_parser or default_error_parser
        self.request_count = 0

    def backoff(self, attempt, retry_after=None):
        """Pause before retry number ``attempt`` (0-based)."""
        delay = min(self.backoff_cap, self.backoff_base * (2 ** attempt))
        # "Equal jitter": at least half the delay, never more than all of it.
        delay = delay / 2.0 + random.uniform(0, delay / 2.0)
        if retry_after is not None:
            delay = max(delay, retry_after)
        self.sleep(min(delay, MAX_BACKOFF))

    def request(self, method, url, safe=None, check=None, **kwargs):
        """Send one request; retry where it is safe; return the response (or what ``check`` returns).

        ``safe`` overrides the per-method default (``SAFE_METHODS``).
        Non-2xx answers raise ``ApiError``.  Where a request that is not safe
        may have been applied, ``AmbiguousRequestError`` is raised at once.
        ``check(response)``, when given, parses a 2xx answer and returns what the caller gets; it
        raises ``MalformedResponseError`` when the body is not the expected shape: a safe request
        is then retried like a 5xx, an unsafe one raises ``AmbiguousRequestError``.
        """
        method = method.upper()
        if safe is None:
            safe = method in SAFE_METHODS
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("verify", self.validate_certs)
        attempt = 0
        while True:
            retry_after = None
            try:
                self.request_count += 1
                response = self.session.request(method, url, **kwargs)
            except requests.exceptions.RequestException as exc:
                if _unsendable(exc):
                    # Refused while the request was prepared: repeating cannot help.
                    raise ApiError("%s %s: the request cannot be sent: %s" % (method, _redact_url(url), _exc_text(exc)),
                                   code="invalid_request", reason=_exc_text(exc))
                if isinstance(exc, requests.exceptions.SSLError):
                    # A certificate problem does not go away by asking again.
                    raise ApiError("%s %s: TLS error: %s (set validate_certs=false only for a test endpoint)"
                                   % (method, _redact_url(url), _exc_text(exc)),
                                   code="tls_error", reason=_exc_text(exc))
                never_sent = _never_sent(exc)
                if not safe and not never_sent:
                    raise AmbiguousRequestError(
                        "%s %s: the connection failed after the request was sent (%s); it may have been applied"
                        % (method, _redact_url(url), _exc_text(exc)),
                        code="connection_error", reason=_exc_text(exc))
                if attempt >= self.retries:
                    raise ApiError("%s %s failed after %s: %s"
                                   % (method, _redact_url(url), _attempts(attempt + 1), _exc_text(exc)),
                                   code="connection_error", reason=_exc_text(exc))
            else:
                status = response.status_code
                error = None
                if status < 400:
                    if check is None:
                        return response
                    try:
                        return check(response)
                    except MalformedResponseError as exc:
                        exc.message = "%s %s: %s" % (method, _redact_url(url), exc.message)
                        if not safe:
                            raise AmbiguousRequestError(exc.message + " (it may have been applied)",
                                                        status=status, code=exc.code, reason=exc.reason)
                        if attempt >= self.retries:
                            exc.message = "%s (gave up after %s)" % (exc.message, _attempts(attempt + 1))
                            raise
                        error = exc
                if error is None:
                    error = self.error_parser(response, method, _redact_url(url))
                    if status not in RETRY_STATUSES:
                        raise error
                    # Honoured on 429 and on 503 alike (RFC 9110 section 10.2.3).
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    # A 429 was rejected before processing: repeating is safe for any method.
                    if status != 429 and not safe:
                        raise AmbiguousRequestError(error.message + " (it may have been applied)",
                                                    status=error.status, code=error.code, reason=error.reason)
                    if attempt >= self.retries:
                        error.message = "%s (gave up after %s)" % (error.message, _attempts(attempt + 1))
                        raise error
            self.backoff(attempt, retry_after)
            attempt += 1


def _unsendable(exc):
    """True when ``requests`` refused to build the request (bad URL, header or body)."""
    names = ("InvalidURL", "MissingSchema", "InvalidSchema", "InvalidHeader", "InvalidJSONError")
    kinds = tuple(getattr(requests.exceptions, name) for name in names if hasattr(requests.exceptions, name))
    return isinstance(exc, kinds)


def _attempts(count):
    return "1 attempt" if count == 1 else "%d attempts" % count


def check_timeout(timeout):
    """Refuse a timeout that requests or the socket layer would reject at the first request.

    ``None`` (no timeout) and a ``(connect, read)`` tuple are left to requests.
    """
    if timeout is None or isinstance(timeout, tuple):
        return
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
        raise InvalidParameterError("api_timeout must be a number of seconds above 0 and at most %d, got %r"
                                    % (MAX_TIMEOUT, timeout))


def _never_sent(exc):
    """True when the request certainly did not reach the server."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        # NameResolutionError: the host did not resolve, whatever the resolver's errno.
        text = repr(exc)
        return any(marker in text for marker in (
            "NewConnectionError", "NameResolutionError", "Connection refused", "Name or service not known",
            "Temporary failure in name resolution", "nodename nor servname provided"))
    return False


def _exc_text(exc):
    text = str(exc) or exc.__class__.__name__
    return text[:300]


def _redact_url(url):
    # Query strings here never hold secrets, but keep messages short.
    return url.split("?", 1)[0]


def parse_retry_after(value):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")
# Parts of an HTML page that are not text: scripts, styles and comments.
_NOT_TEXT_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)


def body_excerpt(response, limit=200):
    """A short, readable excerpt of a response body (HTML tags, scripts and entities removed)."""
    text = response.text or ""
    if "<" in text:
        text = html_unescape(_TAG_RE.sub(" ", _NOT_TEXT_RE.sub(" ", text)))
    text = _SPACE_RE.sub(" ", text).strip()
    return text[:limit]


def default_error_parser(response, method, url):
    reason = body_excerpt(response) or response.reason
    return ApiError("%s %s answered HTTP %s: %s" % (method, url, response.status_code, reason),
                    status=response.status_code, reason=reason)


def create_or_adopt(send, find, retries=3, sleep=time.sleep, backoff=1.0):
    """Send a create that is not safe to repeat, without ever duplicating it.

    ``send()`` performs the create and returns the created object.
    ``find()`` looks for an object the create may have made and returns it or
    ``None``.  After an ambiguous failure the object is looked up first and
    adopted when it exists; only when it does not is the create sent again.
    Returns ``(obj, adopted)``.
    """
    attempt = 0
    while True:
        try:
            return send(), False
        except AmbiguousRequestError:
            found = find()
            if found is not None:
                return found, True
            if attempt >= retries:
                raise
        sleep(min(MAX_BACKOFF, backoff * (2 ** attempt)) * random.uniform(0.5, 1.0))
        attempt += 1


_SEGMENT_MAX = 255


def path_segment(value, what="identifier"):
    """URL-encode one path segment; refuse values that could escape the path."""
    if value is None:
        raise InvalidParameterError("%s must not be empty" % what)
    if not isinstance(value, str):
        value = str(value)
    if not value or not value.strip():
        raise InvalidParameterError("%s must not be empty" % what)
    if value in (".", "..") or len(value) > _SEGMENT_MAX:
        raise InvalidParameterError("%s %r is not valid" % (what, value[:80]))
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise InvalidParameterError("%s must not contain control characters" % what)
    return quote(value, safe="")
