# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Civo API v2 client: auth, region, pagination, errors, name resolution."""

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
    path_segment,
)
from .provider import Provider

DEFAULT_API_URL = "https://api.civo.com"
DEFAULT_REGION = "LON1"
# The API documents no maximum page size (the official client asks for
# 99999999).  One request lists an account of up to this many instances.
PAGE_SIZE = 10000

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Fields that are secrets in Civo's answers (the docs show them in list/get):
# the generated root password and the token of the instance's stats agent.
SECRET_FIELDS = ("initial_password", "civostatsd_token")


def civo_argument_spec():
    return dict(
        api_key=dict(type="str", required=True, no_log=True,
                     fallback=(env_fallback, ["CIVO_TOKEN", "CIVO_API_KEY"])),
        api_url=dict(type="str", default=DEFAULT_API_URL, fallback=(env_fallback, ["CIVO_API_URL"])),
        region=dict(type="str", default=DEFAULT_REGION, fallback=(env_fallback, ["CIVO_REGION"])),
        api_timeout=dict(type="int", default=30),
        api_retries=dict(type="int", default=5),
        validate_certs=dict(type="bool", default=True),
    )


def is_uuid(value):
    return isinstance(value, str) and bool(UUID_RE.match(value))


def strip_secrets(obj):
    """A copy of an API object without its secret fields."""
    if not isinstance(obj, dict):
        return obj
    return dict((k, v) for k, v in obj.items() if k not in SECRET_FIELDS)


def instance_not_found(ref, region):
    return ApiError("Instance %r not found in region %s" % (ref, region),
                    status=404, code="database_instance_not_found", reason="no such instance")


def civo_error(response, method, url):
    """Turn a Civo error answer (JSON or not) into an ApiError."""
    code = reason = None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        code = body.get("code") or body.get("result")
        reason = body.get("reason") or body.get("message")
    if reason is None:
        reason = body_excerpt(response) or response.reason
    status = response.status_code
    if status == 401 or code in ("authentication_invalid_key", "database_account_not_found",
                                 "requires_authentication"):
        message = "Civo API authentication failed (HTTP %s, %s): check api_key" % (status, code or reason)
    else:
        message = "Civo API %s %s failed (HTTP %s)%s: %s" % (
            method, url, status, " [%s]" % code if code else "", reason)
    return ApiError(message, status=status, code=code, reason=reason)


class CivoClient(object):
    """One Civo account in one region."""

    def __init__(self, api_key, api_url=DEFAULT_API_URL, region=DEFAULT_REGION, api_timeout=30,
                 api_retries=5, validate_certs=True, transport=None, **unused):
        if not api_key:
            raise InvalidParameterError("api_key is required (or set CIVO_TOKEN)")
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
        keys = ("api_key", "api_url", "region", "api_timeout", "api_retries", "validate_certs")
        return cls(**dict((k, params.get(k)) for k in keys if params.get(k) is not None))

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

    def request(self, method, path, params=None, data=None, safe=None, region=True):
        """Send a request; ``region`` goes in the query string, and in the body of PUT/POST."""
        query = dict(params or {})
        body = None
        if region:
            query.setdefault("region", self.region)
        if method in ("PUT", "POST"):
            body = dict(data or {})
            if region:
                body.setdefault("region", self.region)
        response = self.transport.request(method, self.base_url + path, params=query, json=body, safe=safe)
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            raise ApiError("Civo API %s %s answered HTTP %s with a body that is not JSON: %s"
                           % (method, path, response.status_code, body_excerpt(response)),
                           status=response.status_code, code="invalid_response",
                           reason=body_excerpt(response))

    def get(self, path, params=None, **kw):
        return self.request("GET", path, params=params, **kw)

    def post(self, path, data=None, **kw):
        return self.request("POST", path, data=data, **kw)

    def put(self, path, data=None, **kw):
        return self.request("PUT", path, data=data, **kw)

    def delete(self, path, params=None, **kw):
        return self.request("DELETE", path, params=params, **kw)

    def get_or_none(self, path, params=None):
        """GET an object; ``None`` when the API answers 404."""
        try:
            return self.get(path, params=params)
        except ApiError as exc:
            if exc.status == 404:
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
            body = self.get(path, params=query)
            if isinstance(body, list):
                yield from body
                return
            items = body.get("items") or []
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

    def list_instances(self, tags=None):
        params = {}
        if tags:
            params["tags"] = " ".join(tags)
        return list(self.paginate("/v2/instances", params=params))

    def find_instances_by_hostname(self, hostname):
        return [i for i in self.paginate("/v2/instances") if i.get("hostname") == hostname]

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
            body = self.get("/v2/" + kind)
            if isinstance(body, dict) and "items" in body:
                body = body["items"]
            self._lists[kind] = body if isinstance(body, list) else []
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
        names = sorted(set(str(i.get(name_keys[0])) for i in items))
        if not matches:
            raise ApiError("Unknown %s %r; available: %s" % (what, value, ", ".join(names[:50])),
                           status=None, code="%s_not_found" % what.replace(" ", "_"), reason="no match")
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
        body = self.get(self.path("instances", (instance_id, "instance id"), "recovery"))
        value = body.get("result") if isinstance(body, dict) else body
        parsed = parse_bool(value)
        if parsed is None:
            raise ApiError("Civo API answered an unexpected recovery mode %r for instance %s" % (value, instance_id),
                           code="invalid_response", reason="recovery mode is not true/false")
        return parsed

    def list_snapshots(self):
        """Every account snapshot (``GET /v2/snapshots``, a JSON array)."""
        body = self.get("/v2/snapshots")
        if isinstance(body, dict) and "items" in body:
            body = body["items"]
        return body if isinstance(body, list) else []

    def find_snapshot(self, name):
        """The account snapshot named ``name`` or ``None`` (one list request)."""
        for snap in self.list_snapshots():
            if snap.get("name") == name:
                return snap
        return None

    def list_instance_snapshots(self, instance_id):
        """The snapshots of one instance (``GET /v2/instances/:id/snapshots``)."""
        body = self.get(self.path("instances", (instance_id, "instance id"), "snapshots"))
        if isinstance(body, dict) and "items" in body:
            body = body["items"]
        return body if isinstance(body, list) else []

    def get_instance_snapshot(self, instance_id, snapshot):
        """One snapshot of an instance by id (or name), ``None`` on 404."""
        return self.get_or_none(self.path("instances", (instance_id, "instance id"),
                                          "snapshots", (snapshot, "snapshot id")))


def parse_bool(value):
    """``True``/``False`` from a JSON bool, number or string such as ``"true"``; ``None`` if neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "on", "1", "enabled"):
            return True
        if text in ("false", "no", "off", "0", "disabled"):
            return False
    return None


# The provider as the module frame sees it (see provider.py): modules name it as ``provider = CIVO``.
CIVO = Provider("civo", civo_argument_spec, CivoClient.from_params)
