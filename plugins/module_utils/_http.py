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
import ipaddress
import random
import re
import threading
import time
import traceback
from html import unescape as html_unescape

try:
    from urllib.parse import quote, quote_plus, unquote, urlsplit, urlunsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    from urllib import quote, quote_plus, unquote
    from urlparse import urlsplit, urlunsplit

from ._version import COLLECTION_VERSION

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    HAS_REQUESTS = True
except ImportError:  # pragma: no cover - exercised via missing_required_lib
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

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

# Adoption after an ambiguous create (``create_or_adopt``): before the create is sent again, the
# object is looked for ADOPT_LOOKS times spread over a window as long as the request's own timeout
# (a request the client gave up on after T seconds can be held by a proxy and applied up to about T
# seconds later), at least ADOPT_MIN_WINDOW and at most ADOPT_MAX_WINDOW seconds.
ADOPT_LOOKS = 4
ADOPT_MIN_WINDOW = 2.0
ADOPT_MAX_WINDOW = 60.0

# Registered secrets shorter than this are not scrubbed (they would blank out ordinary words).
MIN_SECRET_LENGTH = 4
REDACTED = "********"


class ApiError(Exception):
    """An API call failed; ``failure()`` is what modules put in ``failure``."""

    #: True for a failure that may pass by itself (5xx, 429, connection error, malformed answer to a
    #: read): a wait keeps polling through it until its deadline.
    transient = False
    #: seconds the API asked to wait (``Retry-After``), if it did.
    retry_after = None

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
    ``window`` is how long (seconds) the request may still be applied after this failure: the
    transport's timeout (a proxy may hold a request as long again before passing it on).
    """

    window = None


class MalformedResponseError(ApiError):
    """A 2xx answer whose body is not the documented shape (empty, truncated, HTML, wrong type).

    Never read as "nothing exists".  For a read it is retried like a 5xx; for a request that is
    not safe to repeat it is ambiguous (it was probably applied): see ``Transport.request``.
    """

    def __init__(self, message, status=None, reason=None):
        super(MalformedResponseError, self).__init__(message, status=status, code="malformed_response",
                                                     reason=reason or message)


class Transport(object):
    """A ``requests`` session with the retry policy of the collection.

    Secrets: every message and failure the transport builds is scrubbed of the secrets registered
    with ``add_secret`` (clients register their API key, password and session ids), of the
    ``Authorization`` header it sends and of credentials inside a URL (``user:pass@``).

    Deadlines: inside ``with deadline(...)`` (a wait sets one) the transport never sleeps past the
    deadline and gives up at it, whatever ``retries`` or ``Retry-After`` say.
    """

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
        self.secrets = set()
        #: messages for the user (e.g. a key sent in clear text); modules show them as warnings.
        self.warnings = []
        self._warned_hosts = set()

    # -- secrets -------------------------------------------------------------

    def add_secret(self, value):
        """Register a secret (API key, password, session id): it never appears in a message we build."""
        if add_secret(value):
            self.secrets.add(value)
        return value

    def scrub(self, text):
        """``text`` without any registered secret."""
        return scrub(text, self.secrets)

    def _register_request_secrets(self, url):
        auth = self.session.headers.get("Authorization")
        if auth:
            self.add_secret(auth)
            scheme, dummy, token = str(auth).strip().partition(" ")
            self.add_secret(token.strip() or scheme)
        for value in url_credentials(url):
            self.add_secret(value)

    def _clean(self, error):
        """Scrub an error's message and reason before it leaves the transport."""
        error.message = self.scrub(error.message)
        if isinstance(error.reason, str):
            error.reason = self.scrub(error.reason)
        error.args = (error.message,)
        return error

    # -- retry policy ----------------------------------------------------------

    def delay(self, attempt, retry_after=None):
        """The pause before retry number ``attempt`` (0-based)."""
        delay = min(self.backoff_cap, self.backoff_base * (2 ** attempt))
        # "Equal jitter": at least half the delay, never more than all of it.
        delay = delay / 2.0 + random.uniform(0, delay / 2.0)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, MAX_BACKOFF)

    def backoff(self, attempt, retry_after=None):
        """Pause before retry number ``attempt`` (0-based)."""
        self.sleep(self.delay(attempt, retry_after))

    def _check_url(self, url):
        warning = insecure_url_warning(url)
        host = _host(url)
        if warning and host not in self._warned_hosts:
            self._warned_hosts.add(host)
            self.warnings.append(warning)

    def request(self, method, url, safe=None, check=None, **kwargs):
        """Send one request; retry where it is safe; return the response (or what ``check`` returns).

        ``safe`` overrides the per-method default (``SAFE_METHODS``).
        Non-2xx answers raise ``ApiError``.  Where a request that is not safe
        may have been applied, ``AmbiguousRequestError`` is raised at once.
        ``check(response)``, when given, parses a 2xx answer and returns what the caller gets; it
        raises ``MalformedResponseError`` when the body is not the expected shape: a safe request
        is then retried like a 5xx, an unsafe one raises ``AmbiguousRequestError``.
        Errors that may pass by themselves are raised with ``transient = True``.
        """
        method = method.upper()
        if safe is None:
            safe = method in SAFE_METHODS
        self._register_request_secrets(url)
        self._check_url(url)
        where = "%s %s" % (method, _redact_url(url))
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("verify", self.validate_certs)
        attempt = 0
        while True:
            answer, error = self._attempt(method, url, safe, check, where, kwargs)
            if error is None:
                return answer
            # ``error`` may pass by itself: retry within the budget and the deadline.
            error.transient = True
            self.sleep(self._pause_or_give_up(error, attempt))
            attempt += 1

    def _attempt(self, method, url, safe, check, where, kwargs):
        """One try: ``(answer, None)``, or ``(None, error)`` for a failure worth retrying; else raises."""
        self.request_count += 1
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.exceptions.RequestException as exc:
            return None, self._connection_failure(exc, safe, where)
        status = response.status_code
        if status < 400:
            if check is None:
                return response, None
            try:
                return check(response), None
            except MalformedResponseError as exc:
                exc.message = "%s: %s" % (where, exc.message)
                if not safe:
                    raise self._ambiguous(AmbiguousRequestError(
                        exc.message + " (it may have been applied)", status=status, code=exc.code, reason=exc.reason))
                return None, exc
            except ApiError as exc:
                raise self._clean(exc)
        error = self.error_parser(response, method, _redact_url(url))
        if status not in RETRY_STATUSES:
            raise self._clean(error)
        # Honoured on 429 and on 503 alike (RFC 9110 section 10.2.3).
        error.retry_after = parse_retry_after(response.headers.get("Retry-After"))
        # A 429 was rejected before processing: repeating is safe for any method.
        if status != 429 and not safe:
            raise self._ambiguous(AmbiguousRequestError(
                error.message + " (it may have been applied)", status=error.status, code=error.code,
                reason=error.reason))
        return None, error

    def _connection_failure(self, exc, safe, where):
        """The error for a request that got no answer; raised at once unless a retry may help."""
        text = self.scrub(_exc_text(exc))
        if _unsendable(exc):
            # Refused while the request was prepared: repeating cannot help.
            raise self._clean(ApiError("%s: the request cannot be sent: %s" % (where, text),
                                       code="invalid_request", reason=text))
        if isinstance(exc, requests.exceptions.SSLError):
            # A certificate problem does not go away by asking again.
            raise self._clean(ApiError("%s: TLS error: %s (set validate_certs=false only for a test endpoint)"
                                       % (where, text), code="tls_error", reason=text))
        if not safe and not _never_sent(exc):
            raise self._ambiguous(AmbiguousRequestError(
                "%s: the connection failed after the request was sent (%s); it may have been applied"
                % (where, text), code="connection_error", reason=text))
        error = _ConnectionFailed("%s failed: %s" % (where, text), code="connection_error", reason=text)
        error.where, error.text = where, text
        return error

    def _pause_or_give_up(self, error, attempt):
        """The pause before the next try; raises ``error`` when the budget or the deadline is spent."""
        if attempt >= self.retries:
            raise self._clean(_gave_up(error, _attempts(attempt + 1)))
        retry_after = error.retry_after
        pause = self.delay(attempt, retry_after)
        remaining = deadline_remaining()
        if remaining is None:
            return pause
        if remaining <= 0 or (retry_after is not None and retry_after > remaining):
            why = "has passed" if remaining <= 0 else "comes before the Retry-After of %ss" % _seconds(retry_after)
            raise self._clean(_gave_up(error, "%s: the wait's deadline %s" % (_attempts(attempt + 1), why)))
        return min(pause, remaining)

    def _ambiguous(self, error):
        error.window = _window(self.timeout)
        return self._clean(error)


class _ConnectionFailed(ApiError):
    """No answer (connection error or timeout) to a request that is safe to repeat."""

    where = text = None


def _gave_up(error, how):
    if isinstance(error, _ConnectionFailed):
        error.message = "%s failed after %s: %s" % (error.where, how, error.text)
    else:
        error.message = "%s (gave up after %s)" % (error.message, how)
    return error


def _window(timeout):
    """How long an ambiguous request may still be applied: its own (read) timeout, bounded."""
    if isinstance(timeout, tuple):
        timeout = timeout[-1]
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
        timeout = ADOPT_MAX_WINDOW
    return max(ADOPT_MIN_WINDOW, min(ADOPT_MAX_WINDOW, float(timeout)))


# -- deadlines -------------------------------------------------------------------

_DEADLINE = threading.local()


class deadline(object):
    """``with deadline(at, clock):`` -- transports in this thread never sleep past ``clock() >= at``.

    Used by the waiter: during a wait, transient failures are retried until the wait's deadline and
    no longer.  Nested deadlines keep the earlier one.
    """

    def __init__(self, at, clock=time.monotonic):
        self.at = at
        self.clock = clock
        self.saved = None

    def __enter__(self):
        self.saved = getattr(_DEADLINE, "value", None)
        if self.saved is None or self.saved.at - self.saved.clock() > self.at - self.clock():
            _DEADLINE.value = self
        return self

    def __exit__(self, *exc):
        _DEADLINE.value = self.saved
        return False

    def remaining(self):
        return self.at - self.clock()


def deadline_remaining():
    """Seconds left before the current deadline, or ``None`` outside any."""
    current = getattr(_DEADLINE, "value", None)
    return None if current is None else current.remaining()


# -- secrets -----------------------------------------------------------------------

_SECRETS = set()


def add_secret(value):
    """Register ``value`` process-wide as a secret for ``scrub``; True if it was registered."""
    if not isinstance(value, str) or len(value.strip()) < MIN_SECRET_LENGTH:
        return False
    _SECRETS.add(value)
    return True


def _forms(secret):
    forms = set([secret])
    for encoded in (quote(secret, safe=""), quote_plus(secret, safe=""), quote(secret)):
        forms.add(encoded)
    return forms


def scrub(text, secrets=None):
    """``text`` with every registered secret (and the given ones, and URL credentials) replaced."""
    if not isinstance(text, str) or not text:
        return text
    values = set(_SECRETS)
    values.update(s for s in (secrets or ()) if isinstance(s, str) and len(s.strip()) >= MIN_SECRET_LENGTH)
    forms = set()
    for value in values:
        forms.update(_forms(value))
    # Longest first, so that "bearer KEY" goes before "KEY".
    for form in sorted(forms, key=len, reverse=True):
        if form in text:
            text = text.replace(form, REDACTED)
    return _USERINFO_RE.sub(r"\1%s@" % REDACTED, text)


# ``scheme://user:password@`` anywhere in a text.
_USERINFO_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@]+@")


def url_credentials(url):
    """The user name and password inside a URL (``https://user:pass@host``), decoded."""
    try:
        parts = urlsplit(url)
    except (TypeError, ValueError):
        return []
    return [unquote(v) for v in (parts.username, parts.password) if v]


# -- URLs ----------------------------------------------------------------------------

def _host(url):
    try:
        return (urlsplit(url).hostname or "").lower()
    except (TypeError, ValueError):
        return ""


def is_loopback(host):
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``."""
    host = (host or "").strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def insecure_url_warning(url):
    """A warning when ``url`` sends credentials in clear text (``http://`` to a host not on loopback)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except (TypeError, ValueError):
        return None
    if scheme != "http" or is_loopback(_host(url)):
        return None
    return ("api_url %s uses http:// to a host that is not on this machine: the API key or password and every "
            "answer travel in clear text; use https://" % _redact_url(url))


def check_api_url(url, what="api_url"):
    """``url`` with its scheme lower-cased; any case of ``http``/``https`` is accepted, anything else refused.

    ``http://`` is accepted (a local emulator or proxy); to any host not on loopback the transport
    adds a warning (``Transport.warnings``, see ``insecure_url_warning``) instead of refusing.
    """
    if not isinstance(url, str) or not url.strip():
        raise InvalidParameterError("%s must not be empty" % what)
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise InvalidParameterError("%s is not a valid URL: %s" % (what, exc))
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InvalidParameterError("%s must start with http:// or https://, got %s" % (what, _redact_url(url)))
    return urlunsplit((parts.scheme.lower(),) + tuple(parts[1:]))


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
    """``url`` without its query string and without credentials (``user:pass@``)."""
    url = str(url).split("?", 1)[0]
    return _USERINFO_RE.sub(r"\1", url)


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


def create_or_adopt(send, find, retries=3, sleep=time.sleep, backoff=1.0, looks=ADOPT_LOOKS, window=None):
    """Send a create that is not safe to repeat, without ever duplicating it.

    ``send()`` performs the create and returns the created object.
    ``find()`` looks for an object the create may have made and returns it or
    ``None``.  After an ambiguous failure the object is looked for ``looks`` times
    spread over a bounded window (``window`` seconds; by default the failed request's
    own timeout, see ``AmbiguousRequestError.window``, between ADOPT_MIN_WINDOW and
    ADOPT_MAX_WINDOW): a create the API accepted late (held by a proxy after the
    client gave up) shows up in that time and is adopted.  Only when every look finds
    nothing is the create sent again (at most ``retries`` times).
    Returns ``(obj, adopted)``.
    """
    attempt = 0
    while True:
        try:
            return send(), False
        except AmbiguousRequestError as exc:
            span = window if window is not None else (exc.window or ADOPT_MIN_WINDOW)
            found = look_for(find, span, looks, sleep)
            if found is not None:
                return found, True
            if attempt >= retries:
                exc.message = "%s; nothing was found after %d looks over %ss, and it was sent %s" % (
                    exc.message, max(1, looks), _seconds(span), _attempts(attempt + 1).replace("attempt", "time"))
                exc.args = (exc.message,)
                raise
        # The window was the pause; a short jittered one more before sending again.
        sleep(min(MAX_BACKOFF, backoff * (2 ** attempt)) * random.uniform(0.5, 1.0))
        attempt += 1


def adopt_schedule(span, looks=ADOPT_LOOKS):
    """The pauses before each look after the first: growing, summing to ``span`` seconds."""
    looks = max(1, int(looks))
    weights = list(range(1, looks))
    total = float(sum(weights)) or 1.0
    return [span * w / total for w in weights]


def look_for(find, span, looks=ADOPT_LOOKS, sleep=time.sleep):
    """Call ``find()`` at once, then after each pause of ``adopt_schedule``; the first non-None result."""
    found = find()
    if found is not None:
        return found
    for pause in adopt_schedule(span, looks):
        sleep(pause)
        found = find()
        if found is not None:
            return found
    return None


def _seconds(value):
    return ("%.1f" % value).rstrip("0").rstrip(".")


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
