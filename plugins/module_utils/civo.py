# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Civo API v2 client: auth, region, pagination, errors, name resolution."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import re

from ansible.module_utils.basic import env_fallback

from ._http import ApiError, InvalidParameterError, Transport, body_excerpt, create_or_adopt, path_segment
from .answers import expect_any, expect_created, expect_json, expect_list, expect_object, expect_page
from .provider import Provider
# is_uuid and parse_bool live in util (one home); imported here for the modules that take them from civo
from .util import is_uuid, parse_bool, transport_argument_spec  # noqa: F401  pylint: disable=unused-import

DEFAULT_API_URL = "https://api.civo.com"
DEFAULT_REGION = "LON1"
# The API documents no maximum page size (the official client asks for
# 99999999).  One request lists an account of up to this many instances.
PAGE_SIZE = 10000

# Fields that are secrets in Civo's answers (the docs show them in list/get): the generated root
# password, the token of the instance's stats agent, the recovery password and the user script
# (``script``, base64; older answers ``user_script``), which often holds credentials.  One rule
# everywhere: never returned by a module, never shown by the inventory, ``no_log`` as an option.
SECRET_FIELDS = ("initial_password", "civostatsd_token", "rescue_password", "script", "user_script")

# The environment variables ``api_key`` is read from, in order (named in the missing-key message).
API_KEY_ENV = ("CIVO_TOKEN", "CIVO_API_KEY")

# 404 codes that mean "the object asked for does not exist".  Any other 404 (an unknown region
# ``database_region_not_found`` (civo/cli issue #329), an unknown route ``route_not_found``, a
# 404 without a code) is a failure that names its cause, never "absent".
ABSENT_CODES = frozenset([
    "database_instance_not_found", "database_instance_find", "database_snapshot_not_found",
    "database_restore_not_found", "database_instance_snapshot_not_found", "not_found",
])

# Statuses in which an instance is busy (besides every status ending in ING).  Real answers
# (civogo, terraform-provider-civo) show INSTANCE-CREATE, INSTALLING, SCALING and MIGRATING.
IN_PROGRESS = frozenset(["BUILDING", "STARTING", "STOPPING", "REBOOTING", "DELETING", "INSTANCE-CREATE",
                         "INSTALLING", "SCALING", "MIGRATING", "BUILD_PENDING", "PENDING"])
DELETING = "DELETING"


def civo_argument_spec():
    # api_key is not "required" in the spec: AnsibleModule would say only "missing required
    # arguments: api_key"; the client names the environment variables instead.
    return dict(
        api_key=dict(type="str", no_log=True, fallback=(env_fallback, list(API_KEY_ENV))),
        api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["CIVO_API_URL"])),
        region=dict(type="str", default=DEFAULT_REGION, fallback=(env_fallback, ["CIVO_REGION"])),
        **transport_argument_spec()
    )


def strip_secrets(obj):
    """A copy of an API object without its secret fields."""
    if not isinstance(obj, dict):
        return obj
    return dict((k, v) for k, v in obj.items() if k not in SECRET_FIELDS)


def instance_status(instance):
    return str((instance or {}).get("status") or "").strip().upper()


def is_in_progress(status):
    """True for a status in which the instance is busy (BUILDING, INSTANCE-CREATE, SCALING...)."""
    status = str(status or "").strip().upper()
    return status in IN_PROGRESS or status.endswith("ING")


def is_busy(instance):
    """True for an instance (not ``None``) in a status in progress (see ``is_in_progress``)."""
    return bool(instance) and is_in_progress(instance.get("status"))


# A snapshot's state, in one spelling: the docs capitalise states (Pending, Complete, Failed); civogo's
# tests show pending and completed; legacy snapshots answer new, in-progress, complete.
SNAPSHOT_COMPLETE = "complete"
SNAPSHOT_PENDING = "pending"
SNAPSHOT_FAILED = ("failed", "error")
SNAPSHOT_STATE_ALIASES = {"completed": SNAPSHOT_COMPLETE, "success": SNAPSHOT_COMPLETE, "succeeded": SNAPSHOT_COMPLETE,
                          "in_progress": SNAPSHOT_PENDING, "in-progress": SNAPSHOT_PENDING,
                          "creating": SNAPSHOT_PENDING, "new": SNAPSHOT_PENDING}


def snapshot_state(snap, canonical=True):
    """A snapshot's state from ``status`` (a string or ``{"state": ...}``) or ``state``, lower case.

    ``canonical``: spelled as ``complete``, ``pending``, ``failed`` whatever the answer's spelling;
    otherwise as the answer has it (lower case).  ``None`` when the answer says nothing.
    """
    if not snap:
        return None
    status = snap.get("status")
    if isinstance(status, dict):
        status = status.get("state")
    if status is None:
        status = snap.get("state")
    if status is None:
        return None
    status = str(status).strip().lower()
    return SNAPSHOT_STATE_ALIASES.get(status, status) if canonical else status


def is_deleting(instance):
    return instance_status(instance) == DELETING


def is_absent_error(exc):
    """True when ``exc`` says that the object asked for does not exist (not: unknown region, route...)."""
    return isinstance(exc, ApiError) and exc.status == 404 and exc.code in ABSENT_CODES


def oldest_first(objects):
    """The objects in the deterministic order every racing run agrees on: ``created_at``, then ``id``.

    A missing ``created_at`` sorts last (a create answer not yet listed is the newest).
    """
    def key(obj):
        created = obj.get("created_at") or obj.get("requested_at")
        return (created is None, str(created or ""), str(obj.get("id") or ""))
    return sorted(objects, key=key)


def decode_script(value):
    """The user script as text: Civo answers it base64-encoded in ``script`` (civogo ``Instance.Script``)."""
    if not value:
        return ""
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return value


def instance_script(instance):
    """The decoded user script of an instance (``script``; older answers ``user_script``)."""
    instance = instance or {}
    value = instance.get("script")
    if not value:
        value = instance.get("user_script")
    return decode_script(value)


def instance_not_found(ref, region):
    return ApiError("Instance %r not found in region %s" % (ref, region),
                    status=404, code="database_instance_not_found", reason="no such instance")


def _error_fields(body):
    """(code, reason, details) of a Civo error body; ``None`` for what it does not say."""
    if not isinstance(body, dict):
        return None, None, None
    # Real bodies: {"code", "reason"} (civogo errors.go), sometimes "details"; older ones
    # {"result": "requires_authentication", "status": 401}; "result": "failed" is not a code.
    code = body.get("code")
    if not code and body.get("result") not in (None, "failed", "success"):
        code = body.get("result")
    reason = body.get("reason") or body.get("message") or body.get("error")
    if isinstance(code, (dict, list)):
        code = None
    if isinstance(reason, (dict, list)):
        reason = str(reason)[:200]
    return code, reason, body.get("details")


def _error_message(status, code, reason, method, url):
    if status == 401 or code in ("authentication_invalid_key", "database_account_not_found",
                                 "requires_authentication"):
        return "Civo API authentication failed (HTTP %s, %s): check api_key" % (status, code or reason)
    tag = " [%s]" % code if code else ""
    if code == "database_region_not_found":
        return ("Civo API %s %s failed (HTTP %s)%s: Civo does not know this region (check the region option): %s"
                % (method, url, status, tag, reason))
    if status == 404 and (code == "route_not_found" or not code):
        return ("Civo API %s %s failed (HTTP %s)%s: this API route does not exist (check api_url): %s"
                % (method, url, status, tag, reason))
    return "Civo API %s %s failed (HTTP %s)%s: %s" % (method, url, status, tag, reason)


def civo_error(response, method, url):
    """Turn a Civo error answer (JSON or not) into an ApiError."""
    try:
        body = response.json()
    except ValueError:
        body = None
    code, reason, details = _error_fields(body)
    if reason is None:
        reason = body_excerpt(response) or response.reason
    if details:
        reason = "%s (details: %s)" % (reason, str(details)[:200])
    status = response.status_code
    return ApiError(_error_message(status, code, reason, method, url), status=status, code=code, reason=reason)


class CivoClient(object):
    """One Civo account in one region."""

    def __init__(self, api_key, api_url=DEFAULT_API_URL, region=DEFAULT_REGION, api_timeout=30,
                 api_retries=5, validate_certs=True, transport=None, **unused):
        if not api_key:
            raise InvalidParameterError("api_key is required: give the api_key option or set the environment "
                                        "variable %s" % " or ".join(API_KEY_ENV))
        self.base_url = (api_url or DEFAULT_API_URL).rstrip("/")
        if not re.match(r"^https?://", self.base_url, re.IGNORECASE):
            raise InvalidParameterError("api_url must start with http:// or https://")
        self.region = (region or DEFAULT_REGION).upper()
        self.retries = api_retries
        self.transport = transport or Transport(timeout=api_timeout, retries=api_retries,
                                                validate_certs=validate_certs, error_parser=civo_error)
        self.transport.session.headers["Authorization"] = "bearer %s" % api_key
        self.transport.session.headers["Accept"] = "application/json"
        self._lists = {}

    @classmethod
    def from_params(cls, params):
        keys = ("api_url", "region", "api_timeout", "api_retries", "validate_certs")
        return cls(params.get("api_key"), **dict((k, params.get(k)) for k in keys if params.get(k) is not None))

    @property
    def request_count(self):
        return self.transport.request_count

    # -- raw requests -----------------------------------------------------

    @staticmethod
    def path(*segments):
        """``/v2/...`` with every segment URL-encoded and checked."""
        parts = []
        for seg in segments:
            if isinstance(seg, tuple):  # (value, what) for clearer errors
                parts.append(path_segment(seg[0], seg[1]))
            else:
                parts.append(path_segment(seg))
        return "/v2/" + "/".join(parts)

    def request(self, method, path, params=None, data=None, safe=None, region=True, check=None):
        """Send a request; ``region`` goes in the query string, and in the body of PUT/POST.

        ``check`` validates the answer's shape (``expect_object``, ``expect_page``...): a body that is
        not that shape is never read as "nothing" (see ``_http.Transport.request``).  Without it, an
        action's answer is JSON or empty.
        """
        query = dict(params or {})
        body = None
        if region:
            query.setdefault("region", self.region)
        if method in ("PUT", "POST"):
            body = dict(data or {})
            if region:
                body.setdefault("region", self.region)
        return self.transport.request(method, self.base_url + path, params=query, json=body, safe=safe,
                                      check=check or expect_any)

    def get(self, path, params=None, **kw):
        kw.setdefault("check", expect_json)
        return self.request("GET", path, params=params, **kw)

    def post(self, path, data=None, **kw):
        return self.request("POST", path, data=data, **kw)

    def put(self, path, data=None, **kw):
        return self.request("PUT", path, data=data, **kw)

    def delete(self, path, params=None, **kw):
        return self.request("DELETE", path, params=params, **kw)

    def delete_if_present(self, path):
        """DELETE an object; its own "not found" 404 (a repeated DELETE after a lost answer) counts as done."""
        try:
            self.delete(path)
        except ApiError as exc:
            if not is_absent_error(exc):
                raise

    def get_or_none(self, path, params=None):
        """GET an object; ``None`` only when the API says that object does not exist (``ABSENT_CODES``)."""
        try:
            return self.get(path, params=params, check=expect_object)
        except ApiError as exc:
            if is_absent_error(exc):
                return None
            raise

    def paginate(self, path, params=None, per_page=PAGE_SIZE):
        """Yield every item of a paginated list ``{page, per_page, pages, items}``.

        A list answered as a plain JSON array is yielded as it is.
        """
        page = 1
        while True:
            query = dict(params or {})
            query.update(page=page, per_page=per_page)
            body = self.get(path, params=query, check=expect_page)
            if isinstance(body, list):
                yield from body
                return
            items = body["items"]
            yield from items
            pages = body.get("pages") or 1
            if page >= pages or not items:
                return
            page += 1

    def create_or_adopt(self, send, find):
        """See ``_http.create_or_adopt``; bounded by ``api_retries``."""
        return create_or_adopt(send, find, retries=self.retries, sleep=self.transport.sleep)

    # -- instances --------------------------------------------------------

    def get_instance(self, instance_id):
        return self.get_or_none(self.path("instances", (instance_id, "instance id")))

    def create_instance(self, body):
        """POST /v2/instances; never repeated blindly (an ambiguous answer raises ``_http.AmbiguousRequestError``)."""
        return self.post("/v2/instances", data=body, check=expect_created)

    def settle_race(self, created, candidates, delete, what):
        """After our create, the tie-break every racing run agrees on: the oldest of ``candidates`` wins.

        ``candidates`` are the objects with the wanted name (ours included).  When ours is not the
        winner, ``delete(ours)`` removes it; returns ``(winner, message or None)``.
        """
        ordered = oldest_first([c for c in candidates if c.get("id") != created.get("id")] + [created])
        # The listed copy of ours carries created_at; the create answer may not.
        listed = dict((c.get("id"), c) for c in candidates)
        ordered = oldest_first([listed.get(c.get("id"), c) for c in ordered])
        winner = ordered[0]
        if winner.get("id") == created.get("id") or len(ordered) < 2:
            return created, None
        delete(created)
        return winner, ("another run created %s %s at the same time; kept the oldest (%s) and deleted the one "
                        "this run created (%s)" % (what, winner.get("hostname") or winner.get("name"),
                                                   winner.get("id"), created.get("id")))

    def list_instances(self, tags=None):
        params = {}
        if tags:
            params["tags"] = " ".join(tags)
        return list(self.paginate("/v2/instances", params=params))

    def find_instances_by_hostname(self, hostname, include_deleting=False):
        """The instances of the region with this hostname, oldest first; ``DELETING`` ones are left out."""
        return oldest_first(i for i in self.paginate("/v2/instances") if i.get("hostname") == hostname
                            and (include_deleting or not is_deleting(i)))

    def find_instance_by_hostname(self, hostname, what="instance"):
        """The one instance of the region with this hostname, or ``None``; several fail with their ids."""
        matches = self.find_instances_by_hostname(hostname)
        if len(matches) > 1:
            raise ApiError("%s %r is ambiguous: %d instances in region %s have that hostname (ids: %s); use the id"
                           % (what, hostname, len(matches), self.region,
                              ", ".join(sorted(str(m.get("id")) for m in matches))),
                           code="ambiguous_hostname", reason="hostname matches several instances")
        return matches[0] if matches else None

    def find_instance(self, ref, what="instance"):
        """An instance by id (a UUID: one GET) or by hostname (one list request); ``None`` if absent."""
        if ref is None or ref == "":
            raise InvalidParameterError("%s must not be empty" % what)
        if is_uuid(ref):
            return self.get_instance(ref)
        return self.find_instance_by_hostname(ref, what)

    def require_instance(self, ref, what="instance"):
        """Like ``find_instance``, but a missing instance is a 404 ``database_instance_not_found``."""
        instance = self.find_instance(ref, what)
        if instance is None:
            raise instance_not_found(ref, self.region)
        return instance

    # -- supporting lists, resolved by id or name ------------------------

    def list_resource(self, kind):
        """Cached list of ``regions``, ``sizes``, ``disk_images``, ``networks``, ``firewalls``, ``sshkeys``."""
        if kind not in self._lists:
            self._lists[kind] = self.get("/v2/" + kind, check=expect_list)
        return self._lists[kind]

    def resolve(self, kind, value, name_keys=("name",), what=None):
        """The object of ``kind`` whose id or name equals ``value`` (case-insensitive for names)."""
        what = what or kind
        items = self.list_resource(kind)
        for item in items:
            if item.get("id") == value:
                return item
        lowered = str(value).lower()
        matches = [i for i in items if any(str(i.get(k, "")).lower() == lowered for k in name_keys)]
        if len(matches) == 1:
            return matches[0]
        names = sorted(set(str(next((i.get(k) for k in name_keys if i.get(k)), i.get("id"))) for i in items))
        if not matches:
            # Refused before any changing request, naming what the account has.
            raise InvalidParameterError("Unknown %s %r in region %s; available: %s"
                                        % (what, value, self.region, ", ".join(names[:50]) or "none"))
        raise ApiError("%s %r is ambiguous (%d matches); use the id" % (what, value, len(matches)),
                       code="ambiguous_%s" % what.replace(" ", "_"), reason="several matches")

    def default_network(self):
        for net in self.list_resource("networks"):
            if net.get("default") and str(net.get("region", self.region)).upper() == self.region:
                return net
        for net in self.list_resource("networks"):
            if net.get("default"):
                return net
        raise ApiError("No default network found in region %s" % self.region, code="database_network_not_found")

    # -- recovery mode and snapshots (shared by the recovery/snapshot modules) --

    def get_recovery(self, instance_id):
        """The requested recovery mode of an instance as a bool (the API answers ``{"result": "true"}``)."""
        body = self.get(self.path("instances", (instance_id, "instance id"), "recovery"), check=expect_any)
        value = body.get("result") if isinstance(body, dict) else body
        parsed = parse_bool(value)
        if parsed is None:
            raise ApiError("Civo API answered an unexpected recovery mode %r for instance %s" % (value, instance_id),
                           code="invalid_response", reason="recovery mode is not true/false")
        return parsed

    def list_snapshots(self):
        """Every account snapshot (``GET /v2/snapshots``, a JSON array).

        This is Civo's legacy account-snapshot API (civogo disabled it in commit 26c3780, the CLI
        dropped it): when the route does not exist for the account, the failure says so.
        """
        try:
            return self.get("/v2/snapshots", check=expect_list)
        except ApiError as exc:
            if exc.status in (404, 405, 410) and not is_absent_error(exc):
                raise ApiError("This Civo account does not offer the legacy account snapshot API (/v2/snapshots "
                               "answered HTTP %s%s); use vmops.cloud.civo_instance_snapshot for snapshots of an "
                               "instance" % (exc.status, " [%s]" % exc.code if exc.code else ""),
                               status=exc.status, code="legacy_snapshot_api_unavailable", reason=exc.reason)
            raise

    def find_snapshot(self, name):
        """The account snapshot named ``name`` or ``None`` (one list request)."""
        for snap in self.list_snapshots():
            if snap.get("name") == name:
                return snap
        return None

    def list_instance_snapshots(self, instance_id):
        """The snapshots of one instance (``GET /v2/instances/:id/snapshots``)."""
        return self.get(self.path("instances", (instance_id, "instance id"), "snapshots"), check=expect_list)

    def get_instance_snapshot(self, instance_id, snapshot):
        """One snapshot of an instance by id (or name), ``None`` on 404."""
        return self.get_or_none(self.path("instances", (instance_id, "instance id"),
                                          "snapshots", (snapshot, "snapshot id")))


# The provider as the module frame sees it (see provider.py): modules name it as ``provider = CIVO``.
CIVO = Provider("civo", civo_argument_spec, CivoClient.from_params)
