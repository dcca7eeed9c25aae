# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Zomro (ISPsystem BILLmanager) client: form POSTs with ``func=...&out=json``.

Errors come back as HTTP 200 with ``doc.error``; a session id from
``func=auth`` is sent as ``auth=...``; an expired session is renewed once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.vmops.cloud.plugins.module_utils._http import (
    ApiError,
    InvalidParameterError,
    Transport,
    body_excerpt,
    create_or_adopt,
)
from .provider import Provider

DEFAULT_API_URL = "https://api.zomro.com/"

# Functions that only read: safe to repeat after any failure.
READ_FUNCS = frozenset(["auth", "instances", "whoami"])
# Functions that act without a ``sok`` confirmation: never safe to repeat blindly.
ACTION_FUNCS = frozenset(["instances.fleio.unrescue"])

# ``fotbo_status`` values (the instance's OpenStack state as Zomro shows it).
# Rescue can be entered only from RESCUABLE; while rescued only unrescue is allowed.
RESCUABLE = frozenset(["active", "stopped"])
RESCUE_ON = frozenset(["rescuing", "rescued"])


def zomro_argument_spec():
    return dict(
        api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["ZOMRO_API_URL"])),
        username=dict(type="str", fallback=(env_fallback, ["ZOMRO_USERNAME"])),
        password=dict(type="str", no_log=True, fallback=(env_fallback, ["ZOMRO_PASSWORD"])),
        auth_token=dict(type="str", no_log=True, fallback=(env_fallback, ["ZOMRO_AUTH"])),
        api_timeout=dict(type="int", default=30),
        api_retries=dict(type="int", default=5),
        validate_certs=dict(type="bool", default=True),
    )


def unwrap(value):
    """BILLmanager wraps scalars as ``{"$": value}``; return the plain value."""
    if isinstance(value, dict) and "$" in value:
        return value["$"]
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
                if isinstance(v, dict):
                    out.append({"key": v.get("$key"), "value": v.get("$"), "depend": v.get("$depend"),
                                "name": v.get("$name")})
            return out
    return []


def instance_summary(item):
    """An instance of ``func=instances`` (plain dict) as modules return it."""
    if item is None:
        return None
    return {
        "id": None if item.get("id") is None else str(item.get("id")),
        "name": item.get("servername"),
        "status": item.get("status"),
        "rescue_status": item.get("fotbo_status"),
        "ip": item.get("ip"),
    }


def rescue_image_summary(entry):
    """A ``select_boot`` entry of the rescue preview (see ``slist``) as modules return it."""
    return {"id": entry.get("key"), "name": entry.get("value"), "image_name": entry.get("name"),
            "zone": entry.get("depend")}


def error_message(exc, can_login):
    """The message for ``exc``; says what to do when a session given as ``auth_token`` is no longer valid."""
    message = str(exc)
    if getattr(exc, "error_type", None) == "auth" and getattr(exc, "error_object", None) != "badpassword" \
            and not can_login:
        message += ("; the session given as auth_token has expired or is not valid: log in again for a new one, "
                    "or give username and password so that the module can log in itself")
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


class ZomroClient(object):
    def __init__(self, api_url=DEFAULT_API_URL, username=None, password=None, auth_token=None,
                 api_timeout=30, api_retries=5, validate_certs=True, transport=None, **unused):
        self.url = api_url or DEFAULT_API_URL
        if not re.match(r"^https?://", self.url, re.IGNORECASE):
            raise InvalidParameterError("api_url must start with http:// or https://")
        if not auth_token and not (username and password):
            raise InvalidParameterError(
                "Zomro credentials are missing: give username and password (or ZOMRO_USERNAME/ZOMRO_PASSWORD), "
                "or auth_token (ZOMRO_AUTH)")
        self.username = username
        self.password = password
        self.session_id = auth_token
        self.transport = transport or Transport(timeout=api_timeout, retries=api_retries,
                                                validate_certs=validate_certs, error_parser=zomro_http_error)

    @classmethod
    def from_params(cls, params):
        keys = ("api_url", "username", "password", "auth_token", "api_timeout", "api_retries", "validate_certs")
        return cls(**dict((k, params.get(k)) for k in keys if params.get(k) is not None))

    @property
    def request_count(self):
        return self.transport.request_count

    def _post(self, form, safe):
        response = self.transport.request("POST", self.url, data=form, safe=safe)
        try:
            body = response.json()
        except ValueError:
            raise ApiError("Zomro API answered a body that is not JSON: %s" % body_excerpt(response),
                           status=response.status_code, code="invalid_response", reason=body_excerpt(response))
        doc = body.get("doc") if isinstance(body, dict) else None
        if not isinstance(doc, dict):
            raise ApiError("Zomro API answered JSON without a 'doc' object", status=response.status_code,
                           code="invalid_response", reason="no doc")
        return doc

    def login(self):
        if not (self.username and self.password):
            raise ZomroError("Zomro session expired or invalid and no username/password to log in again",
                             error_type="auth", error_object="session")
        doc = self._post({"func": "auth", "username": self.username, "password": self.password,
                          "out": "json"}, safe=True)
        error = _error_from_doc(doc, "auth")
        if error:
            raise error
        auth = doc.get("auth")
        session = auth.get("$id") if isinstance(auth, dict) else None
        if not session:
            session = unwrap(auth) if auth else None
        if not session:
            raise ApiError("Zomro login answered no session id", code="invalid_response", reason="no doc.auth.$id")
        self.session_id = session
        return session

    def call(self, func, safe=None, **params):
        """Call ``func``; return ``doc``.  Raises ZomroError on ``doc.error``.

        ``safe`` defaults to True for reads and previews (no ``sok``).
        An auth error on a session is answered with one new login and one retry.
        """
        if safe is None:
            safe = func in READ_FUNCS or ("sok" not in params and func not in ACTION_FUNCS)
        if not self.session_id:
            self.login()
        relogged = False
        while True:
            form = dict((k, v) for k, v in params.items() if v is not None)
            form.update(func=func, out="json", auth=self.session_id)
            doc = self._post(form, safe=safe)
            error = _error_from_doc(doc, func)
            if error is None:
                return doc
            if error.error_type == "auth" and not relogged and self.username and self.password:
                relogged = True
                self.login()
                continue
            raise error

    # -- instances --------------------------------------------------------

    def list_instances(self):
        return elements(self.call("instances"))

    def find_instance(self, ref):
        """An instance by elid or server name; ``None`` if absent; ambiguous names fail."""
        ref = str(ref)
        items = self.list_instances()
        for item in items:
            if str(item.get("id")) == ref:
                return item
        matches = [i for i in items if i.get("servername") == ref]
        if len(matches) > 1:
            raise ApiError("Zomro instance name %r is ambiguous (ids: %s); use the id"
                           % (ref, ", ".join(str(m.get("id")) for m in matches)), code="ambiguous_name")
        return matches[0] if matches else None

    def rescue_images(self, elid):
        """The rescue preview: ``[{key (uuid), value (OS name), depend (zone)}]`` and the zones."""
        doc = self.call("instances.fleio.rescue", elid=str(elid))
        return slist(doc, "select_boot"), [z["key"] for z in slist(doc, "zone")]

    def get_instance(self, elid):
        """The instance whose elid is ``elid`` (no name matching); ``None`` if absent.  One request."""
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
        return self.call("instances.fleio.rescue", safe=False, elid=str(elid), sok="ok",
                         select_boot=image, zone=zone, password=password)

    def unrescue(self, elid):
        """Leave rescue mode.  The call has no ``sok`` but is an action: never retried blindly."""
        return self.call("instances.fleio.unrescue", safe=False, elid=str(elid))


def describe_status(value):
    """A Zomro instance's state for wait messages: its ``instance_status`` or ``fotbo_status``, else ``status``."""
    if value is None:
        return "absent"
    if isinstance(value, dict):
        for key in ("instance_status", "fotbo_status", "status"):
            if key in value:
                return "%s=%s" % (key, unwrap(value[key]))
    return repr(value)[:100]


# The provider as the module frame sees it (see provider.py): modules name it as ``provider = ZOMRO``.
ZOMRO = Provider("zomro", zomro_argument_spec, ZomroClient.from_params,
                 module_kwargs=dict(required_together=[["username", "password"]],
                                    required_one_of=[["username", "auth_token"]]),
                 describe=describe_status)
