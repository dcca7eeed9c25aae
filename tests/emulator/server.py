"""HTTP side of the emulator: one ThreadingHTTPServer serving
  * the Civo API under /v2/...        (bearer token auth, JSON answers)
  * the Zomro API as form POSTs to /  (BILLmanager documents)
  * test controls under /_sim/...     (no auth, never faulted, not journaled)
plus the request journal and fault injection.
"""

import email.parser
import email.policy
import json
import random
import socket
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from civo import ApiError, Civo
from store import Store, clock
from zomro import Zomro

SECRET_KEYS = {"password", "auth", "authinfo", "initial_password", "token"}
FAULT_KINDS = ("429", "500", "502", "503", "reset", "timeout", "lost_response", "late_applied", "malformed")
# Without "kinds": the original seven, so that a seed gives the same sequence as before.
DEFAULT_KINDS = FAULT_KINDS[:7]
# Bodies of the "malformed" fault: a 200 whose body is not the documented shape (issue 14.3).
MALFORMED_BODIES = ("empty", "empty_object", "null_items", "truncated", "html", "wrong_type")
JOURNAL_MAX = 200000

HTML_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
            b"</body>\r\n</html>\r\n")


def html_page(status, title):
    return ("<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1>"
            "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            % (status, title, status, title)).encode()


def malformed_body(kind, out, is_civo):
    """(body bytes, content type) of a malformed 200 answer of ``kind`` (see MALFORMED_BODIES)."""
    real = out if isinstance(out, bytes) else json.dumps(out, separators=(",", ":")).encode()
    if kind == "empty":
        return b"", "application/json"
    if kind == "empty_object":
        return b"{}", "application/json"
    if kind == "null_items":
        return (b'{"page":1,"per_page":20,"pages":1,"items":null}' if is_civo else b'{"doc":null}'), "application/json"
    if kind == "truncated":
        return real[: max(1, len(real) // 2)], "application/json"
    if kind == "html":
        return html_page(200, "OK"), "text/html"
    return b'"ok"', "application/json"  # wrong_type: valid JSON, not an object or a list


def redact(d):
    return {k: ("***" if k.lower() in SECRET_KEYS else v) for k, v in d.items()}


class Config:
    def __init__(self, build_seconds, session_ttl):
        self.build_seconds = build_seconds
        self.session_ttl = session_ttl


class Faults:
    """Seeded random fault injection: each API request draws once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        with self.lock:
            self.rate = 0.0
            self.kinds = []
            self.rng = random.Random(1)
            self.match = None
            self.methods = None
            self.limit = None
            self.injected = 0
            self.timeout_seconds = 30.0
            self.retry_after = 1
            self.apply_late = False
            self.late_seconds = None
            self.malformed = list(MALFORMED_BODIES)

    def configure(self, spec):
        kinds = [str(k) for k in spec.get("kinds", DEFAULT_KINDS)]
        bad = [k for k in kinds if k not in FAULT_KINDS]
        if bad:
            raise ValueError("unknown fault kinds: %s" % bad)
        rate = float(spec.get("rate", 0.0))
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        malformed = [str(m) for m in spec.get("malformed", MALFORMED_BODIES)]
        bad = [m for m in malformed if m not in MALFORMED_BODIES]
        if bad or not malformed:
            raise ValueError("unknown malformed bodies: %s (known: %s)" % (bad, ", ".join(MALFORMED_BODIES)))
        with self.lock:
            self.rate = rate
            self.kinds = kinds
            self.apply_late = bool(spec.get("apply_late", False))
            self.late_seconds = None if spec.get("late_seconds") is None else float(spec["late_seconds"])
            self.malformed = malformed
            self.rng = random.Random(spec.get("seed", 1))
            self.match = spec.get("match")
            self.methods = [m.upper() for m in spec["methods"]] if spec.get("methods") else None
            self.limit = spec.get("limit")
            self.injected = 0
            self.timeout_seconds = float(spec.get("timeout_seconds", 30.0))
            self.retry_after = int(spec.get("retry_after", 1))

    def state(self):
        with self.lock:
            return {"rate": self.rate, "kinds": self.kinds, "match": self.match,
                    "methods": self.methods, "limit": self.limit, "injected": self.injected,
                    "timeout_seconds": self.timeout_seconds, "retry_after": self.retry_after,
                    "apply_late": self.apply_late, "late_seconds": self.late_seconds, "malformed": self.malformed}

    def draw(self, method, path, func):
        with self.lock:
            if not self.kinds or self.rate <= 0:
                return None
            if self.limit is not None and self.injected >= self.limit:
                return None
            if self.methods and method not in self.methods:
                return None
            if self.match and self.match not in path and self.match != func:
                return None
            hit = self.rng.random() < self.rate
            kind = self.rng.choice(self.kinds)
            if not hit:
                return None
            self.injected += 1
            if kind == "timeout" and self.apply_late:
                kind = "late_applied"
            if kind == "malformed":
                # drawn only for this kind: the sequences of the other kinds stay as they were
                return kind, self.rng.choice(self.malformed)
            return kind, None

    def hold_seconds(self, kind):
        """How long a ``timeout`` or ``late_applied`` fault holds the request."""
        if kind == "late_applied" and self.late_seconds is not None:
            return self.late_seconds
        return self.timeout_seconds


class App:
    def __init__(self, token, zomro_user, zomro_password, state=None, build_seconds=3.0,
                 session_ttl=3600.0):
        self.token = token
        self.defaults = (float(build_seconds), float(session_ttl))
        self.config = Config(*self.defaults)
        self.store = Store(state)
        self.civo = Civo(self.store, self.config)
        self.zomro = Zomro(self.store, self.config, zomro_user, zomro_password)
        self.faults = Faults()
        self.journal = []
        self.journal_lock = threading.Lock()
        self.stopping = threading.Event()
        if self.store.is_empty():
            self.seed_initial()

    def seed_initial(self):
        with self.store.batch():
            for inst in self.zomro.initial_instances():
                self.store.put("zomro_instance", inst["id"], inst)
            self.store.put("meta", "counters", {"public": 0, "private": 0})

    def reset(self):
        with self.store.lock, self.store.batch():
            self.store.clear()
            self.seed_initial()
        self.config.build_seconds, self.config.session_ttl = self.defaults
        self.config.legacy_snapshots = True
        clock.offset = 0.0
        self.faults.clear()
        with self.journal_lock:
            self.journal.clear()

    def record(self, entry):
        with self.journal_lock:
            self.journal.append(entry)
            if len(self.journal) > JOURNAL_MAX:
                del self.journal[: len(self.journal) - JOURNAL_MAX]

    # -- /_sim/ controls ---------------------------------------------------
    def sim(self, method, path, body):
        route = (method, path.rstrip("/"))
        if route == ("GET", "/_sim/journal"):
            with self.journal_lock:
                return 200, list(self.journal)
        if route == ("DELETE", "/_sim/journal"):
            with self.journal_lock:
                self.journal.clear()
            return 200, {"result": "success"}
        if route == ("POST", "/_sim/faults"):
            try:
                self.faults.configure(body)
            except (ValueError, TypeError) as exc:
                return 400, {"result": "failed", "reason": str(exc)}
            return 200, self.faults.state()
        if route == ("GET", "/_sim/faults"):
            return 200, self.faults.state()
        if route == ("DELETE", "/_sim/faults"):
            self.faults.clear()
            return 200, {"result": "success"}
        if route == ("POST", "/_sim/seed"):
            with self.store.lock, self.store.batch():
                ids = []
                if body.get("instances"):
                    kw = {k: body[k] for k in ("region", "status", "size", "image", "hostname_prefix")
                          if body.get(k)}
                    ids = self.civo.seed(int(body["instances"]), tags=body.get("tags") or [], **kw)
                zids = []
                if body.get("zomro_instances"):
                    zids = self.zomro.seed(int(body["zomro_instances"]),
                                           body.get("zomro_status") or "active")
            return 200, {"instances": ids, "zomro_instances": zids}
        if route == ("POST", "/_sim/reset"):
            self.reset()
            return 200, {"result": "success"}
        if route == ("POST", "/_sim/expire_sessions"):
            self.zomro.expire_sessions()
            return 200, {"result": "success"}
        if route == ("POST", "/_sim/advance"):
            clock.offset += float(body.get("seconds", 0))
            return 200, {"offset": clock.offset}
        if route == ("POST", "/_sim/config"):
            if "build_seconds" in body:
                self.config.build_seconds = float(body["build_seconds"])
            if "session_ttl" in body:
                self.config.session_ttl = float(body["session_ttl"])
            if "legacy_snapshots" in body:  # civo: serve /v2/snapshots (default) or answer 404 as a real account
                self.config.legacy_snapshots = bool(body["legacy_snapshots"])
            return 200, self.config_state()
        if route == ("GET", "/_sim/config"):
            return 200, self.config_state()
        if route[1].startswith("/_sim/zomro"):
            return self.zomro.sim(method, route[1], body)
        return 404, {"result": "failed", "reason": "unknown sim control %s %s" % route}

    def config_state(self):
        return {"build_seconds": self.config.build_seconds, "session_ttl": self.config.session_ttl}


def parse_body(headers, raw):
    """Body parameters from JSON, urlencoded or multipart/form-data."""
    if not raw:
        return {}
    ctype = headers.get("Content-Type", "")
    main = ctype.split(";")[0].strip().lower()
    if main == "application/json" or (not main and raw[:1] in (b"{", b"[")):
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("the JSON body must be an object")
        return data
    if main == "multipart/form-data":
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
        out = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name:
                payload = part.get_payload(decode=True) or b""
                out[name] = payload.decode("utf-8", "replace")
        return out
    return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vmops-emulator/1.0"
    sys_version = ""

    def setup(self):
        super().setup()
        # headers and body go out back to back: without this, Nagle + delayed
        # ACK adds ~40 ms to every keep-alive response
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # silence the default access log
        pass

    def do_GET(self):
        self.serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    @property
    def app(self):
        return self.server.app

    # -- responses ---------------------------------------------------------
    def send(self, status, body, ctype="application/json", headers=()):
        if not isinstance(body, bytes):
            body = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        if self.command != "HEAD":
            self._headers_buffer.append(b"\r\n" + body)  # one write for head and body
            self.flush_headers()
        else:
            self.end_headers()
        self.status = status

    def drop(self):
        """Close the connection without an answer (TCP reset)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.status = 0

    def log(self, path, t0):
        ms = (time.monotonic() - t0) * 1000
        sys.stderr.write("%s %s %s %.1fms\n" % (self.command, path, self.status, ms))

    # -- main --------------------------------------------------------------
    def serve(self):
        t0 = time.monotonic()
        self.status = 0
        url = urlsplit(self.path)
        path = url.path or "/"
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            if path.startswith("/_sim/") or path == "/_sim":
                try:
                    body = json.loads(raw.decode() or "{}") if raw else {}
                except ValueError:
                    body = {}
                try:
                    status, out = self.app.sim(self.command, path, body if isinstance(body, dict) else {})
                except ApiError as exc:
                    status, out = exc.status, exc.body()
                self.send(status, out)
            else:
                self.serve_api(path, query, raw)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            traceback.print_exc()
            try:
                self.send(500, {"code": "internal_error", "reason": "emulator error", "result": "failed"})
            except OSError:
                self.close_connection = True
        self.log(path, t0)

    def serve_api(self, path, query, raw):
        app = self.app
        is_civo = path.startswith("/v2/") or path == "/v2"
        if not is_civo and path not in ("/", "/billmgr"):
            app.record({"time": time.time(), "method": self.command, "path": path,
                        "query": redact(query), "applied": False, "status": 404})
            self.send(404, html_page(404, "Not Found"), "text/html")
            return
        entry = {"time": time.time(), "method": self.command, "path": path, "query": redact(query)}
        try:
            body = parse_body(self.headers, raw)
            bad_body = None
        except (ValueError, UnicodeDecodeError) as exc:
            body, bad_body = {}, str(exc)
        form = None
        if not is_civo:
            form = dict(query)
            form.update({k: str(v) for k, v in body.items()})
            entry["func"] = form.get("func", "")
            entry["form"] = redact(form)
        else:
            entry["body"] = redact(body)

        fault, malformed = app.faults.draw(self.command, path, entry.get("func")) or (None, None)
        if fault:
            entry["fault"] = fault
        if malformed:
            entry["malformed"] = malformed
        entry["applied"] = fault in (None, "lost_response", "late_applied", "malformed")
        if fault in ("429", "500", "502", "503"):
            code = int(fault)
            headers = [("Retry-After", str(app.faults.retry_after))] if code in (429, 503) else []
            entry["status"] = code
            app.record(entry)  # journal before answering: the journal's order is the answers' order
            if code == 502 or not is_civo:
                titles = {429: "Too Many Requests", 500: "Internal Server Error",
                          502: "Bad Gateway", 503: "Service Temporarily Unavailable"}
                self.send(code, HTML_502 if code == 502 else html_page(code, titles[code]),
                          "text/html", headers)
            else:
                codes = {429: "too_many_requests", 500: "internal_server_error",
                         503: "service_unavailable"}
                self.send(code, {"code": codes[code], "reason": "Injected fault %s" % fault,
                                 "result": "failed"}, headers=headers)
            return
        if fault == "reset":
            entry["status"] = 0
            app.record(entry)
            self.drop()
            return
        if fault == "timeout":
            entry["status"] = 0
            app.record(entry)
            app.stopping.wait(app.faults.hold_seconds(fault))
            self.drop()
            return
        if fault == "late_applied":
            # Held like a timeout (the client gives up), then applied all the same: a proxy that passed
            # the request on late.  Journaled when it is applied, with the status the API gave it.
            if app.stopping.wait(app.faults.hold_seconds(fault)):
                entry["status"], entry["applied"] = 0, False
                app.record(entry)
                self.drop()
                return

        if is_civo:
            status, out = self.civo_call(path, query, body, bad_body)
        else:
            status, out = 200, app.zomro.handle(form)
        if fault in ("lost_response", "late_applied"):
            entry["status"] = 0
            entry["applied_status"] = status
            entry["applied"] = status < 400
            app.record(entry)
            self.drop()
            return
        if fault == "malformed":
            # Applied, then answered 200 with a body that is not the documented shape (a proxy or a
            # broken gateway rewrote it): the client must never read it as "nothing exists".
            entry["status"] = 200
            entry["applied_status"] = status
            entry["applied"] = status < 400
            app.record(entry)
            raw_body, ctype = malformed_body(malformed, out, is_civo)
            self.send(200, raw_body, ctype)
            return
        entry["status"] = status
        app.record(entry)
        self.send(status, out)

    def civo_call(self, path, query, body, bad_body):
        auth = self.headers.get("Authorization", "")
        scheme, _, token = auth.strip().partition(" ")
        if not auth:
            return 401, {"code": "authentication_invalid_key",
                         "reason": "No API key was supplied (Authorization: bearer KEY)"}
        if scheme.lower() != "bearer" or token.strip() != self.app.token:
            return 401, {"code": "database_account_not_found",
                         "reason": "The API key supplied is not valid"}
        if bad_body is not None:
            return 400, {"code": "parameter_body_invalid", "reason": bad_body}
        params = dict(query)
        params.update(body)
        try:
            return self.app.civo.dispatch(self.command, path, params)
        except ApiError as exc:
            return exc.status, exc.body()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, addr, app):
        self.app = app
        super().__init__(addr, Handler)
