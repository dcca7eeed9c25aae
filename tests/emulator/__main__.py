"""Run the Civo + Zomro API emulator:

    python tests/emulator --host 127.0.0.1 --port 8080 --civo-token TOKEN \
        --zomro-user USER --zomro-password PASSWORD [--state FILE] [--build-seconds S]

Standard library only. Stops cleanly on SIGTERM / SIGINT.
"""

import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from server import App, Server  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python tests/emulator", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--civo-token", required=True)
    ap.add_argument("--zomro-user", required=True)
    ap.add_argument("--zomro-password", required=True)
    ap.add_argument("--state", help="SQLite file keeping all state across restarts")
    ap.add_argument("--build-seconds", type=float, default=3.0,
                    help="how long transitional states last (default 3)")
    ap.add_argument("--session-ttl", type=float, default=3600.0,
                    help="idle lifetime of a Zomro session in seconds (default 3600)")
    args = ap.parse_args(argv)

    app = App(args.civo_token, args.zomro_user, args.zomro_password, state=args.state,
              build_seconds=args.build_seconds, session_ttl=args.session_ttl)
    server = Server((args.host, args.port), app)

    def stop(signum, _frame):
        sys.stderr.write("signal %d: shutting down\n" % signum)
        app.stopping.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    sys.stderr.write("emulator listening on http://%s:%d (state: %s, build-seconds: %s)\n"
                     % (host, port, args.state or "memory", args.build_seconds))
    sys.stderr.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        app.store.close()
    sys.stderr.write("emulator stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
