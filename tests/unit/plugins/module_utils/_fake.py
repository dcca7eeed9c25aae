# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The unit tests' one test kit: every fake a unit test needs lives here.

Layer by layer (use the lowest one that lets the test say what it means):

- ``FakeSession`` (with ``response``/``json_response``/... and the ``requests`` failures): stands in for
  ``requests.Session`` under the real ``_http.Transport`` and the real clients; ``Routes`` is a scripted
  HTTP API (a route table) behind one.
- ``FakeTransport``: stands in for ``_http.Transport`` under a real client whose ``request`` is answered
  in memory (``FakeCivoApi``).
- ``FakeCivoApi``: the real ``CivoClient`` over an in-memory Civo API (instances, sizes, images, networks,
  firewalls, SSH keys, reserved IPs); every request recorded in ``.requests``.
- ``FakeCivo`` / ``FakeZomro``: stand in for the clients at method level (plain dicts, every call
  recorded), for module tests that script what the client answers.
- ``FakeAnsibleModule`` / ``fake_module`` / ``make_module`` / ``run``: run a module's real code without
  Ansible; ``run_module`` runs it through the real ``AnsibleModule``.
- ``FakeClock``, ``Sleeps``, ``Script``: time and scripted callables.

No network: every answer is scripted.  Answers are real ``requests.Response``
objects (so ``.json()``, ``.text`` and ``.content`` behave as in production)
and failures are the exception objects ``requests`` really raises, built the
way ``requests``/``urllib3`` build them.  Every request is also *prepared*
with ``requests`` so tests can assert the final URL that would go on the wire.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import socket
from http.client import RemoteDisconnected
from urllib.parse import parse_qs, urlsplit

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from ansible_collections.vmops.cloud.plugins.module_utils import base
from ansible_collections.vmops.cloud.plugins.module_utils._http import AmbiguousRequestError, ApiError, create_or_adopt
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient, is_uuid


# -- answers -------------------------------------------------------------------

def response(status=200, body=b"", headers=None, reason=None, url="https://api.example.test/"):
    """A real ``requests.Response`` with the given status, raw body and headers."""
    resp = requests.Response()
    resp.status_code = status
    if not isinstance(body, bytes):
        body = body.encode("utf-8")
    resp._content = body  # pylint: disable=protected-access
    resp._content_consumed = True  # pylint: disable=protected-access
    resp.headers = CaseInsensitiveDict(headers or {})
    resp.encoding = "utf-8"
    resp.reason = reason or _REASONS.get(status, "")
    resp.url = url
    return resp


def json_response(status=200, data=None, headers=None):
    hdrs = {"Content-Type": "application/json"}
    hdrs.update(headers or {})
    return response(status, json.dumps(data), hdrs)


def html_response(status, html, headers=None):
    hdrs = {"Content-Type": "text/html"}
    hdrs.update(headers or {})
    return response(status, html, hdrs)


def zomro_doc(doc):
    """A BILLmanager answer: HTTP 200 with ``{"doc": ...}``."""
    return json_response(200, {"doc": doc})


_REASONS = {
    200: "OK", 202: "Accepted", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity",
    429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented",
    502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
}

NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


# -- failures, as requests raises them -----------------------------------------

class _Conn(object):
    """Stands in for the urllib3 connection object in exception messages."""

    def __init__(self, host="api.example.test", port=443):
        self.host = host
        self.port = port

    def __str__(self):
        return "HTTPSConnection(host=%r, port=%d)" % (self.host, self.port)

    __repr__ = __str__


def connect_refused():
    """Nothing listening: the request never left the client."""
    reason = NewConnectionError(_Conn(), "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/v2/instances", reason=reason))


def dns_failure(temporary=False):
    """The host name did not resolve: the request never left the client."""
    if temporary:
        err = socket.gaierror(-3, "Temporary failure in name resolution")
    else:
        err = socket.gaierror(-2, "Name or service not known")
    reason = NameResolutionError("api.example.test", _Conn(), err)
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/v2/instances", reason=reason))


def dns_failure_temporary():
    """The resolver could not answer (EAI_AGAIN): the request never left the client."""
    return dns_failure(temporary=True)


def connect_timeout():
    """No TCP connection within the timeout: the request never left the client."""
    reason = ConnectTimeoutError(_Conn(), "Connection to api.example.test timed out. (connect timeout=30)")
    return requests.exceptions.ConnectTimeout(MaxRetryError(None, "/v2/instances", reason=reason))


def read_timeout():
    """The request was sent; no answer came within the timeout."""
    return requests.exceptions.ReadTimeout(
        ReadTimeoutError(None, "/v2/instances", "Read timed out. (read timeout=30)"))


def connection_reset():
    """The connection was reset after the request was sent."""
    return requests.exceptions.ConnectionError(
        ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer")))


def remote_disconnected():
    """The server closed the connection without answering."""
    return requests.exceptions.ConnectionError(
        ProtocolError("Connection aborted.", RemoteDisconnected("Remote end closed connection without response")))


# -- the session ---------------------------------------------------------------

class Call(object):
    """One request as the transport sent it."""

    def __init__(self, method, url, kwargs, headers):
        self.method = method
        self.url = url
        self.kwargs = kwargs
        self.headers = headers
        prepared = requests.Request(method, url, params=kwargs.get("params"), data=kwargs.get("data"),
                                    json=kwargs.get("json"), headers=headers).prepare()
        self.prepared = prepared
        split = urlsplit(prepared.url)
        #: the path on the wire (still percent-encoded)
        self.path = split.path
        #: the query string, decoded: {name: value} (last value wins)
        self.query = dict((k, v[-1]) for k, v in parse_qs(split.query, keep_blank_values=True).items())

    @property
    def json(self):
        return self.kwargs.get("json")

    @property
    def form(self):
        return self.kwargs.get("data")

    def __repr__(self):
        return "<Call %s %s>" % (self.method, self.prepared.url)


class FakeSession(object):
    """Answers requests from a script, or from ``handler(call)``.

    ``FakeSession(resp1, exc2, ...)`` answers each request with the next item
    (an exception instance is raised); when the script runs out the test fails.
    ``FakeSession(handler=f)`` answers with ``f(call)`` instead.
    """

    def __init__(self, *script, **kw):
        self.headers = CaseInsensitiveDict()
        self.script = list(script)
        self.handler = kw.pop("handler", None)
        if kw:
            raise TypeError("unexpected arguments %r" % sorted(kw))
        self.calls = []

    def add(self, *answers):
        self.script.extend(answers)
        return self

    def request(self, method, url, **kwargs):
        call = Call(method, url, kwargs, dict(self.headers))
        self.calls.append(call)
        if self.handler is not None:
            answer = self.handler(call)
        elif self.script:
            answer = self.script.pop(0)
        else:
            raise AssertionError("unexpected request #%d: %s %s" % (len(self.calls), method, url))
        if isinstance(answer, BaseException):
            raise answer
        return answer

    @property
    def count(self):
        return len(self.calls)

    @property
    def methods(self):
        return [c.method for c in self.calls]


class Routes(object):
    """A scripted HTTP API behind a ``FakeSession`` (``.session``): answers ``(method, path)`` from a table.

    ``Routes({("GET", "/v2/x"): answer})`` or ``Routes(**{"GET /v2/x": answer})``; a request without a route
    fails the test.  An answer is a list (each request takes the next, the last one repeats), a callable of
    the ``Call``, ``(status, body)`` (a ``bytes``/``str`` body is sent as it is, anything else as JSON),
    ``bytes`` (sent with 200) or a JSON value (sent with 200).  ``.calls``: ``(method, path)`` of each request.
    """

    def __init__(self, routes=None, **named):
        self.routes = dict(routes or {})
        self.routes.update((tuple(k.split(" ", 1)), v) for k, v in named.items())
        self.session = FakeSession(handler=self)

    def __call__(self, call):
        key = (call.method, call.path)
        if key not in self.routes:
            raise AssertionError("unexpected request %s %s" % key)
        answers = self.routes[key]
        value = answers.pop(0) if isinstance(answers, list) and len(answers) > 1 else (
            answers[0] if isinstance(answers, list) else answers)
        if callable(value):
            value = value(call)
        if isinstance(value, tuple):
            status, body = value
            if isinstance(body, (bytes, str)):
                return response(status, body)
            return json_response(status, body)
        if isinstance(value, bytes):
            return response(200, value)
        return json_response(200, value)

    @property
    def calls(self):
        return [(c.method, c.path) for c in self.session.calls]

    @property
    def mutating(self):
        return [c for c in self.calls if c[0] != "GET"]


class Sleeps(object):
    """A ``sleep`` that records the pauses instead of sleeping."""

    def __init__(self):
        self.delays = []

    def __call__(self, seconds):
        self.delays.append(seconds)

    def __len__(self):
        return len(self.delays)


# -- time ----------------------------------------------------------------------

class FakeClock(object):
    """A fake monotonic clock: ``clock()`` reads it, ``clock.sleep(s)`` advances it and records the pause.

    ``on_sleep(seconds)``, if given, is called too (e.g. to advance another fake).
    Pass ``clock`` as the waiter's ``clock`` and ``clock.sleep`` as every ``sleep``: a wait of
    minutes takes no real time and its length is measured exactly.
    """

    def __init__(self, now=1000.0):
        self.now = float(now)
        self.start = self.now
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0, "negative sleep %r" % seconds
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds):
        self.now += seconds

    @property
    def elapsed(self):
        return self.now - self.start


class Script(object):
    """A callable that answers from a script (an exception instance is raised) and counts its calls."""

    def __init__(self, *script, **kw):
        self.script = list(script)
        self.repeat_last = kw.pop("repeat_last", False)
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if not self.script:
            raise AssertionError("unexpected call #%d" % self.calls)
        item = self.script[0] if (self.repeat_last and len(self.script) == 1) else self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item


# -- modules -------------------------------------------------------------------

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    import contextlib
    from unittest import mock

    from ansible.module_utils import basic as _basic
    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args):
        with mock.patch.object(_basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))):
            yield


def run_module(cls, params, capsys, check=False, diff=False):
    """Run the module class ``cls`` as Ansible would (real ``AnsibleModule``); return (rc, result, stdout)."""
    import pytest  # only the tests need it

    args = dict(params)
    args.update(_ansible_check_mode=check, _ansible_diff=diff)
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exit_info:
            cls().run()
    out = capsys.readouterr().out
    return exit_info.value.code, json.loads(out), out


class Exited(Exception):
    """Raised by ``FakeAnsibleModule`` on exit; ``.result`` is what the module returned."""

    def __init__(self, result):
        super(Exited, self).__init__(result)
        self.result = result


class FakeAnsibleModule(object):
    """Stands in for ``AnsibleModule``: applies the spec's defaults, records warnings, raises ``Exited``.

    Subclass it with ``given`` (the options) and ``check`` (check mode), or build one with ``fake_module``.
    """

    check = False
    given = {}
    diff = True

    def __init__(self, argument_spec=None, supports_check_mode=False, **kwargs):
        self.argument_spec = argument_spec or {}
        self.kwargs = kwargs
        self.params = dict((k, v.get("default")) for k, v in self.argument_spec.items())
        unknown = set(self.given) - set(self.argument_spec) if self.argument_spec else set()
        if unknown:
            raise AssertionError("unknown options %s" % sorted(unknown))
        self.params.update(self.given)
        self.check_mode = self.check
        self._diff = self.diff
        self._name = "test"
        self.warnings = []
        self.no_log_values = set()

    def warn(self, msg):
        self.warnings.append(msg)

    def exit_json(self, **result):
        if self.warnings:
            result.setdefault("warnings", list(self.warnings))
        raise Exited(result)

    def fail_json(self, **result):
        result["failed"] = True
        if self.warnings:
            result.setdefault("warnings", list(self.warnings))
        raise Exited(result)


def fake_module(params, check=False, diff=True):
    """A ``FakeAnsibleModule`` class with these options (for ``monkeypatch.setattr(base, "AnsibleModule", ...)``)."""
    return type("FakeAM", (FakeAnsibleModule,), {"check": check, "given": dict(params), "diff": diff})


def make_module(cls, client, params, check=False, monkeypatch=None):
    """The module object, built by its real ``__init__`` over ``client`` (``monkeypatch`` is pytest's)."""
    monkeypatch.setattr(base, "AnsibleModule", fake_module(params, check=check))
    mod = cls()
    mod._client = client
    return mod


def run(cls, client, params, check=False, monkeypatch=None):
    """Run the module class ``cls`` over ``client``; the result dict of ``exit_json``/``fail_json``."""
    mod = make_module(cls, client, params, check=check, monkeypatch=monkeypatch)
    try:
        mod.run()
    except Exited as exc:
        return exc.result
    raise AssertionError("the module neither exited nor failed")


def bare_module(cls, params, client, module=None):
    """The module object without its ``__init__``: ``params`` as given (no spec defaults), a bare fake module."""
    mod = cls.__new__(cls)
    mod.module = module if module is not None else FakeAnsibleModule()
    mod.params = dict(params)
    mod._client = client
    return mod


# -- providers: Civo -------------------------------------------------------------

def not_found(what="instance"):
    """Civo's 404 for a missing ``what``."""
    return ApiError("not found", status=404, code="database_%s_not_found" % what, reason="not found")


class FakeCivo(object):
    """Stands in for ``CivoClient`` at method level: plain-dict state; every call is recorded in ``calls``.

    Mutating requests (``put``/``post``/``delete``) are in ``.mutations``; ``answers``, ``ambiguous`` and
    ``on_send`` (keyed by ``(method, path)``) script what they answer, a lost answer, and the server side.

    Where a plugin builds its own client, monkeypatch ``fake.build`` over ``CivoClient``: each client built
    is recorded in ``created`` (its keyword arguments); ``list_instances`` then answers ``regions[region]``
    (or raises ``error``) and records ``(region, tags)`` in ``listings``.
    """

    region = "LON1"
    path = staticmethod(CivoClient.path)
    settle_race = CivoClient.settle_race
    delete_if_present = CivoClient.delete_if_present

    def __init__(self, instances=(), recovery=None, snapshots=(), isnaps=None, regions=None):
        self.instances = dict((i["id"], copy.deepcopy(i)) for i in instances)
        self.regions = dict(regions or {})
        self.error = None
        self.created = []
        self.listings = []
        self.recovery = dict(recovery or {})
        self.snapshots = [copy.deepcopy(s) for s in snapshots]
        self.isnaps = copy.deepcopy(isnaps or {})
        self.calls = []
        self.answers = {}      # (method, path) -> answer for put/post/delete
        self.ambiguous = {}    # (method, path) -> how many times to raise AmbiguousRequestError
        self.on_send = {}      # (method, path) -> callable applied when the request "reaches" the server

    def build(self, **kwargs):
        """Stands in for ``CivoClient(**kwargs)``: records the arguments and answers as this fake, in that region."""
        self.created.append(kwargs)
        self.region = kwargs.get("region")
        return self

    # -- reads -------------------------------------------------------------
    def list_instances(self, tags=None):
        self.listings.append((self.region, list(tags or [])))
        if self.error is not None:
            raise self.error
        return [dict(i) for i in self.regions.get(self.region, [])]

    def get_instance(self, instance_id):
        self.calls.append(("get_instance", instance_id))
        inst = self.instances.get(instance_id)
        return copy.deepcopy(inst) if inst else None

    def find_instances_by_hostname(self, hostname):
        self.calls.append(("list_instances", hostname))
        return [copy.deepcopy(i) for i in self.instances.values() if i.get("hostname") == hostname]

    def find_instance(self, ref, what="instance"):
        if is_uuid(ref):
            return self.get_instance(ref)
        matches = self.find_instances_by_hostname(ref)
        return matches[0] if matches else None

    require_instance = CivoClient.require_instance  # the real one, over this fake's find_instance

    def get_recovery(self, instance_id):
        self.calls.append(("get_recovery", instance_id))
        return bool(self.recovery.get(instance_id, False))

    def list_snapshots(self):
        self.calls.append(("list_snapshots",))
        return copy.deepcopy(self.snapshots)

    def find_snapshot(self, name):
        for snap in self.list_snapshots():
            if snap.get("name") == name:
                return snap
        return None

    def list_instance_snapshots(self, instance_id):
        self.calls.append(("list_instance_snapshots", instance_id))
        if instance_id not in self.instances:
            raise not_found()
        return copy.deepcopy(self.isnaps.get(instance_id, []))

    def get_instance_snapshot(self, instance_id, ref):
        self.calls.append(("get_instance_snapshot", instance_id, ref))
        for snap in self.isnaps.get(instance_id, []):
            if ref in (snap.get("id"), snap.get("name")):
                return copy.deepcopy(snap)
        return None

    # -- writes ------------------------------------------------------------
    def _write(self, method, path, data=None, safe=None):
        self.calls.append((method, path, data))
        key = (method, path)
        if key in self.on_send:
            self.on_send[key](data)
        if self.ambiguous.get(key):
            self.ambiguous[key] -= 1
            raise AmbiguousRequestError("%s %s: connection lost" % (method, path), code="connection_error")
        answer = self.answers.get(key, {"result": "success"})
        if isinstance(answer, Exception):
            raise answer
        return copy.deepcopy(answer(data) if callable(answer) else answer)

    def put(self, path, data=None, safe=None, **kw):
        return self._write("PUT", path, data, safe)

    def post(self, path, data=None, safe=None, **kw):
        return self._write("POST", path, data, safe)

    def delete(self, path, params=None, safe=None, **kw):
        return self._write("DELETE", path, None, safe)

    def create_or_adopt(self, send, find):
        return create_or_adopt(send, find, retries=2, sleep=lambda s: None)

    @property
    def mutations(self):
        return [c for c in self.calls if c[0] in ("PUT", "POST", "DELETE")]


class FakeTransport(object):
    """Stands in for ``_http.Transport`` under a client whose ``request`` is answered in memory."""

    retries = 2

    def __init__(self):
        self.session = type("Session", (), {"headers": {}})()
        self.sleep = lambda seconds: None
        self.request_count = 0


class Request(tuple):
    """One request a ``FakeCivoApi`` answered: ``(method, path, data)``, with its query as ``.params``."""

    def __new__(cls, method, path, data=None, params=None):
        obj = super(Request, cls).__new__(cls, (method, path, data))
        obj.params = dict(params or {})
        return obj


NEW_INSTANCE_ID = "99999999-8e10-4019-9cc0-448451d16157"


class FakeCivoApi(CivoClient):
    """The real ``CivoClient`` with ``request`` answered by an in-memory Civo API; every request is recorded.

    ``instances``: the account's instances; ``lists``: what ``GET /v2/<name>`` answers for the catalogues
    (``sizes``, ``disk_images``, ``networks``, ``firewalls``, ``sshkeys``); ``ips``: the reserved IPs
    (``/v2/ips``; without them that path is unexpected); ``template``: the instance a create starts from;
    ``post``: exceptions the next creates raise; ``per_page``: page the instance list (honouring ``page``
    and ``tags``); ``read_only``: any changing request fails the test; ``lose=(method, path_end)``: the
    answer to the first such request is lost (``applied``: the server applied it first, and then the
    instance's status becomes ``status_after`` when given).  ``.requests`` are ``Request`` tuples,
    ``.mutating`` the changing ones, ``.safe_flags`` the ``safe`` flag of each changing request.
    """

    def __init__(self, instances=(), lists=None, ips=None, template=None, post=None, per_page=None,
                 read_only=False, lose=None, applied=True, status_after=None):
        super(FakeCivoApi, self).__init__(api_key="k", api_url="https://api.example.test", transport=FakeTransport())
        self.instances = dict((i["id"], copy.deepcopy(i)) for i in instances)
        self.lists = lists or {}
        self.ips = ips
        self.template = template or {}
        self.post_answers = list(post or [])
        self.per_page = per_page
        self.read_only = read_only
        self.lose = lose
        self.applied = applied
        self.status_after = status_after
        self.requests = []
        self.safe_flags = []

    @property
    def mutating(self):
        return [r for r in self.requests if r[0] != "GET"]

    def request(self, method, path, params=None, data=None, safe=None, region=True, check=None):
        if self.read_only:
            assert method == "GET", "a read-only test sent %s %s" % (method, path)
        if method != "GET":
            self.safe_flags.append(safe)
        if self.lose and method == self.lose[0] and path.endswith(self.lose[1]):
            self.lose = None
            if self.applied:
                self._answer(method, path, params, data)
                if self.status_after:
                    self.instances[path.split("/")[3]]["status"] = self.status_after
            else:
                self.requests.append(Request(method, path, data, params))
            raise AmbiguousRequestError("%s %s: the connection failed after the request was sent" % (method, path),
                                        code="connection_error")
        return self._answer(method, path, params, data)

    def _answer(self, method, path, params, data):
        self.requests.append(Request(method, path, data, params))
        parts = path.split("/")[2:]
        if method == "GET" and parts[0] in self.lists:
            return copy.deepcopy(self.lists[parts[0]])
        if parts == ["ips"] and self.ips is not None:
            return {"page": 1, "per_page": 100, "pages": 1, "items": copy.deepcopy(self.ips)}
        if method == "GET" and parts == ["instances"]:
            return self._instance_page(params or {})
        if parts[0] == "instances" and len(parts) >= 2:
            return self._instance_request(method, parts, data)
        if method == "POST" and parts == ["instances"]:
            return self._create(data)
        raise AssertionError("unexpected request %s %s" % (method, path))

    def _instance_page(self, params):
        wanted = set((params.get("tags") or "").split())
        items = [i for i in self.instances.values() if wanted.issubset(i.get("tags") or [])]
        if self.per_page is None:
            return {"page": 1, "per_page": len(items), "pages": 1, "items": copy.deepcopy(items)}
        page = params["page"]
        pages = max(1, (len(items) + self.per_page - 1) // self.per_page)
        chunk = items[(page - 1) * self.per_page: page * self.per_page]
        return {"page": page, "per_page": self.per_page, "pages": pages, "items": copy.deepcopy(chunk)}

    def _instance_request(self, method, parts, data):
        obj = self.instances.get(parts[1])
        if obj is None:
            raise ApiError("not found", status=404, code="database_instance_not_found")
        if method == "GET" and len(parts) == 2:
            return copy.deepcopy(obj)
        if method == "DELETE":
            del self.instances[parts[1]]
            return {"result": "success"}
        if method == "PUT" and len(parts) == 2:
            obj.update(hostname=data["hostname"], reverse_dns=data["reverse_dns"],
                       notes="" if data.get("notes_delete") == "true" else data["notes"])
            return {"result": "success"}
        action = parts[2] if len(parts) > 2 else None
        if action == "tags":
            obj["tags"] = (data or {}).get("tags", "").split()
        elif action == "stop":
            obj["status"] = "SHUTOFF"
        elif action in ("start", "hard_reboots", "soft_reboots"):
            obj["status"] = "ACTIVE"
        elif action == "resize":
            obj["size"] = data["size"]
        elif action == "firewall":
            obj["firewall_id"] = data["firewall_id"]
            return copy.deepcopy(obj)
        return {"result": "success"}

    def _create(self, data):
        if self.post_answers:
            raise self.post_answers.pop(0)
        created = copy.deepcopy(self.template)
        created.update(id=NEW_INSTANCE_ID, hostname=data["hostname"], size=data["size"], status="BUILDING",
                       initial_password="s3cret")
        self.instances[created["id"]] = created
        return copy.deepcopy(created)


# -- providers: Zomro ------------------------------------------------------------

class FakeZomro(object):
    """Stands in for ``ZomroClient`` at method level; every call is recorded in ``calls``.

    ``item``: what ``get_instance`` answers (``reads``: the ``instance_status`` of successive reads);
    ``instances``: what ``list_instances`` answers; ``images``/``zones``: what ``rescue_images`` answers
    (the instance ids it was asked for are in ``previews``).

    Where a plugin builds its own client, monkeypatch ``fake.build`` over ``ZomroClient``: each client built
    is recorded in ``created``; its first request opens a session when no ``auth_token`` was given
    (``session_id``), and ``list_instances`` raises ``error`` when set.
    """

    def __init__(self, item=None, reads=(), instances=(), images=(), zones=("pub", "own")):
        self.item = item
        self.reads = list(reads)
        self.instances = list(instances)
        self.images = list(images)
        self.zones = list(zones)
        self.previews = []
        self.calls = []
        self.created = []
        self.session_id = None
        self.error = None

    def build(self, **kwargs):
        """Stands in for ``ZomroClient(**kwargs)``: records the arguments and answers as this fake."""
        self.created.append(kwargs)
        self.session_id = kwargs.get("auth_token")
        return self

    def power(self, elid, action):
        self.calls.append(("power", elid, action))
        return {"ok": "ok"}

    def get_instance(self, elid):
        self.calls.append(("get", elid))
        if self.reads:
            item = dict(self.item)
            item["instance_status"] = self.reads.pop(0)
            return item
        return self.item

    def list_instances(self):
        self.calls.append(("list",))
        if self.session_id is None:
            self.session_id = "opened-session-0123456789"
        if self.error is not None:
            raise self.error
        return [dict(i) for i in self.instances]

    def rescue_images(self, elid):
        self.previews.append(elid)
        return list(self.images), list(self.zones)

    @property
    def preview_calls(self):
        return len(self.previews)

    def create_or_adopt(self, send, find):
        return send(), False
