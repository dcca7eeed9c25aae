# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Zomro (ISPsystem BILLmanager) client: form POSTs with ``func=...&out=json``.

Errors come back as HTTP 200 with ``doc.error``; a session id from
``func=auth`` is sent as ``auth=...``; an expired session (``$type`` ``access``,
or ``auth`` on older panels) is renewed once when username and password are known.

The shapes follow Zomro's own panel (Karantir-dev/billing-typescript):
``src/utils/getInstanceMainInfo.js`` (instance state in ``instance_status``, trimmed and
lower-cased; billing status in ``item_status``), ``src/Redux/cloudVps/cloudVpsOperations.js``
(paged ``func=instances`` with ``p_cnt``/``p_num``; ``service.start|stop|reboot``) and
``src/Redux/auth/authOperations.js`` (``access`` errors, ``whoami`` answering ``func=totp.confirm``
for a two-factor account).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import re

try:
    from urllib.parse import unquote, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    from urllib import unquote
    from urlparse import urlsplit

from ansible.module_utils.basic import env_fallback

from ._http import ApiError, InvalidParameterError, MalformedResponseError, Transport, body_excerpt, create_or_adopt, scrub as scrub_text
from .provider import Provider
from .util import transport_argument_spec

DEFAULT_API_URL = "https://api.zomro.com/"

# Functions that only read: safe to repeat after any failure.
READ_FUNCS = frozenset(["auth", "instances", "whoami", "keepalive"])
# Functions that act without a ``sok`` confirmation: never safe to repeat blindly.
POWER_FUNCS = {"start": "service.start", "stop": "service.stop", "reboot": "service.reboot",
               "hardreboot": "service.hardreboot"}
ACTION_FUNCS = frozenset(["instances.fleio.unrescue"] + list(POWER_FUNCS.values()))

# Error types that mean "this session is not (or no longer) valid".  Zomro answers ``access``
# (panel src/Redux/auth/authOperations.js, getCurrentSessionStatus); older BILLmanager ``auth``.
SESSION_ERRORS = frozenset(["access", "auth"])

# Rescue image zones (panel src/utils/constants.js; the rescue preview's ``zone`` list).
ZONES = ("pub", "own", "shr")

# Instance states (``instance_status``, formerly ``fotbo_status``), normalised to lower case.
# Rescue can be entered only from RESCUABLE; while rescued only unrescue is allowed.
RESCUABLE = frozenset(["active", "stopped"])
RESCUE_ON = frozenset(["rescuing", "rescued"])
# States in progress (panel getInstanceMainInfo.js ``isProcessing``).
TRANSITIONAL = frozenset(["creating", "building", "starting", "stopping", "rebooting", "resizing", "processing",
                          "rescuing", "unrescuing", "rebuilding", "suspending", "booting_from_iso"])
# BILLmanager service status codes the panel treats as "not active" (getInstanceMainInfo.js ``isNotActive``).
INACTIVE_STATUS_CODES = frozenset(["1", "4", "5"])

# Instances asked for per page of ``func=instances``; the answer's own ``p_cnt`` is what counts.
PAGE_SIZE = 1000
# Times the whole list is read again when it changed while its pages were read.
LIST_ATTEMPTS = 3


def zomro_argument_spec():
    return dict(
        api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["ZOMRO_API_URL"])),
        username=dict(type="str", fallback=(env_fallback, ["ZOMRO_USERNAME"])),
        password=dict(type="str", no_log=True, fallback=(env_fallback, ["ZOMRO_PASSWORD"])),
        auth_token=dict(type="str", no_log=True, fallback=(env_fallback, ["ZOMRO_AUTH"])),
        **transport_argument_spec()
    )


def unwrap(value):
    """BILLmanager wraps scalars as ``{"$": value}`` (sometimes ``[{"$": value}]``); return the plain value."""
    if isinstance(value, dict) and "$" in value:
        return value["$"]
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict) and "$" in value[0]:
        return value[0]["$"]
    return value


def elements(doc):
    """The ``doc.elem`` list as plain dicts."""
    elems = doc.get("elem") or []
    if isinstance(elems, dict):
        elems = [elems]
    return [dict((k, unwrap(v)) for k, v in e.items()) for e in elems if isinstance(e, dict)]


def slist(doc, name):
    """Entries of the ``doc.slist`` list named ``name``: ``[{key, value, depend, ...}]``."""
    lists = doc.get("slist") or []
    if isinstance(lists, dict):
        lists = [lists]
    for entry in lists:
        if isinstance(entry, dict) and entry.get("$name") == name:
            vals = entry.get("val") or []
            if isinstance(vals, dict):
                vals = [vals]
            out = []
            for v in vals:
                if isinstance(v, dict) and v.get("$key") != "null":
                    out.append({"key": v.get("$key"), "value": v.get("$"), "depend": v.get("$depend"),
                                "name": v.get("$name")})
            return out
    return []


def instance_state(item):
    """The instance state: ``instance_status`` (trimmed, lower case), else ``fotbo_status``; ``None`` if neither."""
    if not item:
        return None
    for key in ("instance_status", "fotbo_status"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None


def billing_status(item):
    """The billing status: ``item_status`` (e.g. "Active"), else the ``status`` code (e.g. "2")."""
    if not item:
        return None
    for key in ("item_status", "status"):
        value = item.get(key)
        if value is not None and not isinstance(value, (dict, list)) and str(value).strip():
            return str(value).strip()
    return None


def instance_name(item):
    """The label the panel shows: ``servername``, else ``name``."""
    return item.get("servername") or item.get("name")


def instance_label(item):
    """``web-1 (id 5203773)`` for messages: the panel's label and the id (``id 5203773`` without a label)."""
    name = instance_name(item)
    if name and name != item.get("id"):
        return "%s (id %s)" % (name, item.get("id"))
    return "id %s" % item.get("id")


def instance_not_found(ref):
    return ApiError("Zomro instance %r not found: give its id (elid) or server name" % ref,
                    code="instance_not_found", reason="no instance has that id or server name")


def check_instance_ref(ref):
    """Refuse an ``instance`` option that cannot name an instance (before any request)."""
    if ref is None or not ref.strip():
        raise InvalidParameterError("instance must not be empty: give the instance id (elid) or server name")
    if any(ord(c) < 32 or ord(c) == 127 for c in ref):
        raise InvalidParameterError("instance must not contain control characters")


def instance_summary(item):
    """An instance of ``func=instances`` (plain dict) as modules return it."""
    if item is None:
        return None
    state = instance_state(item)
    return {
        "id": None if item.get("id") is None else str(item.get("id")),
        "name": instance_name(item),
        "status": billing_status(item),
        "state": state,
        "rescue_status": state,
        "ip": item.get("ip"),
    }


def rescue_image_summary(entry):
    """A ``select_boot`` entry of the rescue preview (see ``slist``) as modules return it."""
    return {"id": entry.get("key"), "name": entry.get("value"), "image_name": entry.get("name"),
            "zone": entry.get("depend")}


def error_message(exc, can_login):
    """The message for ``exc``; says what to do when a session given as ``auth_token`` is no longer valid."""
    message = str(exc)
    if getattr(exc, "error_type", None) in SESSION_ERRORS and getattr(exc, "error_object", None) != "badpassword" \
            and not can_login and not isinstance(exc, TwoFactorError):
        message += ("; the session given as auth_token has expired or is not valid (or its user may not do this): "
                    "log in again for a new one, or give username and password so that the module can log in itself")
    return message


class ZomroError(ApiError):
    """An error document (``doc.error``) from BILLmanager."""

    def __init__(self, message, error_type=None, error_object=None, status=200):
        super(ZomroError, self).__init__(message, status=status, code=error_type, reason=message)
        self.error_type = error_type
        self.error_object = error_object

    def failure(self):
        failure = super(ZomroError, self).failure()
        failure["object"] = self.error_object
        return failure


class TwoFactorError(ZomroError):
    """The account asks for a one-time code (``func=totp.confirm``) after the password."""

    def __init__(self, username):
        message = ("Zomro account %s has two-factor authentication: after func=auth the API asks for a one-time code "
                   "(func=totp.confirm), which a module cannot give. Log in to the panel, confirm the code and give "
                   "that session id as auth_token (ZOMRO_AUTH), or use a user without two-factor authentication"
                   % (username or "(unknown)"))
        super(TwoFactorError, self).__init__(message, error_type="two_factor", error_object="totp.confirm")


def _asks_totp(doc):
    ok = unwrap(doc.get("ok")) if isinstance(doc, dict) else None
    return isinstance(ok, str) and "totp.confirm" in ok


def _error_from_doc(doc, func):
    err = doc.get("error")
    if not err:
        return None
    if not isinstance(err, dict):
        return ZomroError("Zomro API %s failed: %s" % (func, err))
    msg = unwrap(err.get("msg")) or err.get("$object") or err.get("$type") or "unknown error"
    return ZomroError("Zomro API %s failed [%s]: %s" % (func, err.get("$type") or "error", msg),
                      error_type=err.get("$type"), error_object=err.get("$object"))


def zomro_http_error(response, method, url):
    reason = body_excerpt(response) or response.reason
    return ApiError("Zomro API answered HTTP %s: %s" % (response.status_code, reason),
                    status=response.status_code, reason=reason)


def parse_doc(response):
    """The ``doc`` of an answer (a ``check=`` hook of the transport): anything else is malformed."""
    try:
        body = response.json()
    except ValueError:
        raise MalformedResponseError("Zomro API answered a body that is not JSON: %s" % (body_excerpt(response) or "(empty)"),
                                     status=response.status_code)
    doc = body.get("doc") if isinstance(body, dict) else None
    if not isinstance(doc, dict):
        raise MalformedResponseError("Zomro API answered JSON without a 'doc' object", status=response.status_code)
    return doc


def _int_field(doc, name):
    value = unwrap(doc.get(name))
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def check_instance_page(doc):
    """Refuse a ``func=instances`` answer that is not the panel's shape (``elem`` list, ``p_elems``)."""
    elems = doc.get("elem")
    if elems is not None and (not isinstance(elems, list) or not all(isinstance(e, dict) for e in elems)):
        raise MalformedResponseError("Zomro API answered func=instances with 'elem' that is not a list of objects")
    total = _int_field(doc, "p_elems")
    if total is None or total < 0:
        raise MalformedResponseError("Zomro API answered func=instances without a count of instances (p_elems)")
    if total and not elems and (_int_field(doc, "p_num") or 1) == 1:
        raise MalformedResponseError("Zomro API answered func=instances with p_elems %d but no instances" % total)
    for elem in elems or ():
        if unwrap(elem.get("id")) in (None, ""):
            raise MalformedResponseError("Zomro API answered func=instances with an instance without id")
    return doc


def _scrubbing(method):
    """Scrub every secret the client holds from an error raised by ``method``."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except ApiError as exc:
            raise self.scrub_error(exc)
    return wrapper


class ZomroClient(object):
    def __init__(self, api_url=DEFAULT_API_URL, username=None, password=None, auth_token=None,
                 api_timeout=30, api_retries=5, validate_certs=True, transport=None, on_secret=None, **unused):
        self.url = api_url or DEFAULT_API_URL
        self._secrets = set()
        self.on_secret = on_secret
        self.transport = transport or Transport(timeout=api_timeout, retries=api_retries,
                                                validate_certs=validate_certs, error_parser=zomro_http_error)
        self._register_url_secrets(self.url)
        if not re.match(r"^https?://", self.url, re.IGNORECASE):
            raise InvalidParameterError("api_url must start with http:// or https://")
        if not auth_token and not (username and password):
            raise InvalidParameterError(
                "Zomro credentials are missing: give username and password (or ZOMRO_USERNAME/ZOMRO_PASSWORD), "
                "or auth_token (ZOMRO_AUTH)")
        self.username = username
        self.password = password
        self.session_id = auth_token
        self.register_secret(password)
        self.register_secret(auth_token)

    @classmethod
    def from_params(cls, params, on_secret=None):
        keys = ("api_url", "username", "password", "auth_token", "api_timeout", "api_retries", "validate_certs")
        kwargs = dict((k, params.get(k)) for k in keys if params.get(k) is not None)
        return cls(on_secret=on_secret, **kwargs)

    @property
    def request_count(self):
        return self.transport.request_count

    # -- secrets ------------------------------------------------------------

    def register_secret(self, value):
        """Keep ``value`` out of every message (and tell ``on_secret``, e.g. a module's no_log list)."""
        if not value or not isinstance(value, str):
            return
        self._secrets.add(value)
        self.transport.add_secret(value)
        if self.on_secret is not None:
            self.on_secret(value)

    def _register_url_secrets(self, url):
        try:
            split = urlsplit(url)
        except ValueError:
            return
        if "@" not in (split.netloc or ""):
            return
        userinfo = split.netloc.rsplit("@", 1)[0]
        self.register_secret(userinfo)
        if ":" in userinfo:
            raw = userinfo.split(":", 1)[1]
            self.register_secret(raw)
            self.register_secret(unquote(raw))

    def scrub(self, text):
        """``text`` without any secret the client holds (nor URL credentials)."""
        return scrub_text(text, self._secrets)

    def scrub_error(self, exc):
        exc.message = self.scrub(exc.message)
        exc.reason = self.scrub(exc.reason)
        exc.args = tuple(self.scrub(a) for a in exc.args)
        return exc

    # -- requests -----------------------------------------------------------

    def _post(self, form, safe, shape=None):
        def check(response):
            doc = parse_doc(response)
            if shape is not None and not doc.get("error") and not _asks_totp(doc):
                shape(doc)
            return doc
        return self.transport.request("POST", self.url, data=form, safe=safe, check=check)

    @_scrubbing
    def login(self):
        if not (self.username and self.password):
            raise ZomroError("Zomro session expired or invalid and no username/password to log in again",
                             error_type="auth", error_object="session")
        doc = self._post({"func": "auth", "username": self.username, "password": self.password,
                          "out": "json", "lang": "en"}, safe=True)
        error = _error_from_doc(doc, "auth")
        if error:
            raise error
        auth = doc.get("auth")
        session = auth.get("$id") if isinstance(auth, dict) else None
        if not session:
            session = unwrap(auth) if auth else None
        if not session or not isinstance(session, str):
            raise ApiError("Zomro login answered no session id", code="invalid_response", reason="no doc.auth.$id")
        self.register_secret(session)
        self.session_id = session
        return session

    def _provisional(self):
        """True when ``whoami`` says the session still waits for a one-time code (``func=totp.confirm``)."""
        try:
            doc = self._post({"func": "whoami", "out": "json", "lang": "en", "auth": self.session_id}, safe=True)
        except ApiError:
            return False
        return _asks_totp(doc)

    @_scrubbing
    def call(self, func, safe=None, shape=None, **params):
        """Call ``func``; return ``doc``.  Raises ZomroError on ``doc.error``.

        ``safe`` defaults to True for reads and previews (no ``sok``).  ``shape(doc)`` checks a
        successful answer (raising ``MalformedResponseError``, retried like a 5xx for reads).
        A session error (``access`` or ``auth``) is answered with one new login and one retry; when the
        new session is refused too, ``whoami`` tells a two-factor account apart.
        """
        if safe is None:
            safe = func in READ_FUNCS or ("sok" not in params and func not in ACTION_FUNCS)
        if not self.session_id:
            self.login()
        relogged = False
        while True:
            form = dict((k, v) for k, v in params.items() if v is not None)
            form.update(func=func, out="json", lang="en", auth=self.session_id)
            doc = self._post(form, safe=safe, shape=shape)
            if _asks_totp(doc):
                raise TwoFactorError(self.username)
            error = _error_from_doc(doc, func)
            if error is None:
                return doc
            if not self._session_refused(error, relogged):
                raise error
            relogged = True
            self.login()

    def _session_refused(self, error, relogged):
        """True when ``error`` is a session error answered by one new login; else prepare it to be raised."""
        if error.error_type not in SESSION_ERRORS or error.error_object == "badpassword":
            return False
        can_login = bool(self.username and self.password)
        if not relogged and can_login:
            return True
        if relogged and self._provisional():
            # A session just opened is refused: a two-factor account, as whoami tells.
            raise TwoFactorError(self.username)
        if not can_login:
            error.message = error_message(error, can_login=False)
        return False

    # -- instances --------------------------------------------------------

    @_scrubbing
    def list_instances(self):
        """Every instance of the account (all pages of ``func=instances``), as plain dicts."""
        items = []
        for dummy in range(LIST_ATTEMPTS):
            items, consistent = self._read_pages()
            if consistent:
                break
        return items

    def _read_pages(self):
        seen = {}
        total = None
        page = 1
        while True:
            doc = self.call("instances", p_cnt=str(PAGE_SIZE), p_num=str(page), shape=check_instance_page)
            elems = elements(doc)
            count = _int_field(doc, "p_elems")
            if total is None:
                total = count
            elif count != total:
                return list(seen.values()), False  # the list changed between pages: read it again
            for item in elems:
                seen.setdefault(str(item.get("id")), item)
            if not elems or len(seen) >= total or page > total:
                break
            page += 1
        return list(seen.values()), len(seen) == total

    def find_instance(self, ref):
        """An instance by elid or server name; ``None`` if absent; ambiguous names fail."""
        ref = str(ref)
        items = self.list_instances()
        for item in items:
            if str(item.get("id")) == ref:
                return item
        matches = [i for i in items if instance_name(i) == ref]
        if len(matches) > 1:
            raise ApiError("Zomro instance name %r is ambiguous (ids: %s); use the id"
                           % (ref, ", ".join(str(m.get("id")) for m in matches)), code="ambiguous_name")
        return matches[0] if matches else None

    def require_instance(self, ref):
        """``find_instance``, or a failure saying how to name an instance."""
        found = self.find_instance(ref)
        if found is None:
            raise instance_not_found(ref)
        return found

    def rescue_images(self, elid):
        """The rescue preview: ``[{key (uuid), value (OS name), depend (zone)}]`` and the zones."""
        doc = self.call("instances.fleio.rescue", elid=str(elid))
        return slist(doc, "select_boot"), [z["key"] for z in slist(doc, "zone")]

    def get_instance(self, elid):
        """The instance whose elid is ``elid`` (no name matching); ``None`` if absent."""
        elid = str(elid)
        for item in self.list_instances():
            if str(item.get("id")) == elid:
                return item
        return None

    # -- actions ----------------------------------------------------------

    def create_or_adopt(self, send, find):
        """See ``_http.create_or_adopt``; bounded by ``api_retries``."""
        return create_or_adopt(send, find, retries=self.transport.retries, sleep=self.transport.sleep)

    def rescue(self, elid, image, zone, password=None):
        """Enter rescue mode (``sok=ok``: not safe to repeat blindly)."""
        self.register_secret(password)
        return self.call("instances.fleio.rescue", safe=False, elid=str(elid), sok="ok",
                         select_boot=image, zone=zone, password=password)

    def unrescue(self, elid):
        """Leave rescue mode.  The call has no ``sok`` but is an action: never retried blindly."""
        return self.call("instances.fleio.unrescue", safe=False, elid=str(elid))

    def power(self, elid, action):
        """``start``, ``stop``, ``reboot`` or ``hardreboot`` (``func=service.<action>``, no ``sok``; never
        retried blindly)."""
        func = POWER_FUNCS.get(action)
        if func is None:
            raise InvalidParameterError("unknown power action %r (valid: %s)" % (action, ", ".join(sorted(POWER_FUNCS))))
        return self.call(func, safe=False, elid=str(elid))


def instance_disappeared(ref):
    return ApiError("Zomro instance %s disappeared" % ref, code="instance_not_found")


class ZomroModuleMixin(object):
    """For Zomro modules (before ``VmopsModule`` in the bases): the client registers every secret it
    holds or opens (sessions, URL credentials) in the module's ``no_log_values``; the steps after an
    action (read again, or wait for a state) are shared."""

    @property
    def client(self):
        if self._client is None:
            self._client = ZomroClient.from_params(self.params, on_secret=self.module.no_log_values.add)
        return self._client

    def after_action(self, current, known):
        """The instance after an action: as adopted, as it was (a wait step follows), or read once."""
        if known is not None:
            return known
        if self.params["wait"]:
            return current
        found = self.client.get_instance(current["id"])
        if found is None:
            raise instance_disappeared(current["id"])
        return found

    def settle(self, current, goal):
        """Wait (a step of its own) until the instance reaches ``goal``; ``error`` or its vanishing ends it."""
        elid = current["id"]
        return self.wait_for(lambda: self.client.get_instance(elid),
                             lambda inst: inst is not None and instance_state(inst) == goal,
                             "Zomro instance %s to be %s" % (instance_label(current), goal),
                             failed=lambda inst: inst is None or instance_state(inst) == "error")


def describe_status(value):
    """A Zomro instance's state for wait messages: its state (``instance_status``/``fotbo_status``), else
    its billing status."""
    if value is None:
        return "absent"
    if isinstance(value, dict):
        for key in ("instance_status", "fotbo_status"):
            state = instance_state({key: unwrap(value.get(key))})
            if state is not None:
                return "%s=%s" % (key, state)
        for key in ("item_status", "status"):
            if key in value:
                return "%s=%s" % (key, unwrap(value[key]))
    return repr(value)[:100]


# The provider as the module frame sees it (see provider.py): modules name it as ``provider = ZOMRO``.
ZOMRO = Provider("zomro", zomro_argument_spec, ZomroClient.from_params,
                 module_kwargs=dict(required_together=[["username", "password"]],
                                    required_one_of=[["username", "auth_token"]]),
                 describe=describe_status)
