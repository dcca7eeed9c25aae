"""A small HTTP proxy on loopback that forwards to the emulator and rewrites its answers.

    with RewriteProxy(emulator.url, rewrite) as proxy:
        ... point api_url at proxy.url ...

``forward(request)`` (optional) may change ``request["headers"]`` and ``request["body"]`` before they
are sent on.  ``rewrite(request, status, body)`` gets the forwarded request (``method``, ``path``, ``query``,
``headers``, ``body``), the emulator's status and body (bytes) and returns ``(status, body)`` to
answer instead (``None`` keeps the answer).  Tests use it for what the emulator does not do by
itself: hostile values in the account's own data, error pages that echo the request's headers.
Traffic goes only to 127.0.0.1.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


class RewriteProxy:
    def __init__(self, upstream, rewrite, forward=None):
        target = urlsplit(upstream)
        assert target.hostname in ("127.0.0.1", "localhost", "::1"), "the proxy forwards to loopback only"
        self.upstream = upstream.rstrip("/")
        self.rewrite = rewrite
        self.forward = forward
        self.requests = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = {"method": self.command, "path": parts.path, "query": parse_qs(parts.query),
                           "headers": dict(self.headers.items()), "body": body}
                proxy.requests.append(request)
                sent = dict(request, headers=dict(request["headers"]))
                if proxy.forward is not None:
                    proxy.forward(sent)
                headers = dict((k, v) for k, v in sent["headers"].items() if k.lower() not in HOP_HEADERS)
                resp = requests.request(self.command, proxy.upstream + self.path, headers=headers, data=sent["body"],
                                        timeout=60, allow_redirects=False)
                status, out = resp.status_code, resp.content
                changed = proxy.rewrite(request, status, out)
                if changed is not None:
                    status, out = changed
                self.send_response(status)
                self.send_header("Content-Type", resp.headers.get("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)
