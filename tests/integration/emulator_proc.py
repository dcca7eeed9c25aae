"""Start the API emulator (tests/emulator) as a real process and talk to it.

    emu = start_emulator(build_seconds=0.2)
    emu.civo("POST", "/v2/instances", hostname="a", size="g3.small", template_id="ubuntu-jammy")
    emu.zomro(func="instances", authinfo="%s:%s" % (emu.zomro_user, emu.zomro_password))
    emu.journal(); emu.mutating(); emu.stop()
"""

import atexit
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMULATOR_DIR = os.path.join(ROOT, "tests", "emulator")

TOKEN = "test-civo-token"
ZOMRO_USER = "demo"
ZOMRO_PASSWORD = "demo-password"

_RUNNING = set()


def wait_for(predicate, timeout=5.0, interval=0.03, what="condition"):
    """Poll predicate() until it returns a truthy value (returned) or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1fs waiting for %s (last: %r)" % (timeout, what, value))
        time.sleep(interval)


def _die_with_parent():
    """Linux: the emulator gets SIGTERM if the test process dies, even by SIGKILL."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    def __init__(self, proc, port, log_path, token, zomro_user, zomro_password, state=None):
        self.proc = proc
        self.port = port
        self.url = "http://127.0.0.1:%d" % port
        self.token = token
        self.zomro_user = zomro_user
        self.zomro_password = zomro_password
        self.state = state
        self.log_path = log_path
        self.http = requests.Session()

    # -- test controls -------------------------------------------------
    def _sim(self, method, name, json=None):
        r = self.http.request(method, self.url + "/_sim/" + name, json=json, timeout=30)
        r.raise_for_status()
        return r.json()

    def journal(self):
        return self._sim("GET", "journal")

    def clear_journal(self):
        self._sim("DELETE", "journal")

    def reset(self):
        self._sim("POST", "reset")
        self.clear_journal()
        self.clear_faults()

    def faults(self, rate, kinds, seed=1, **extra):
        """extra: match (path substring or Zomro func), methods, limit,
        timeout_seconds, retry_after."""
        self._sim("POST", "faults", dict(extra, rate=rate, kinds=list(kinds), seed=seed))

    def clear_faults(self):
        self._sim("DELETE", "faults")

    def seed(self, **kw):
        return self._sim("POST", "seed", kw)

    def config(self, **kw):
        self._sim("POST", "config", kw)

    def expire_sessions(self):
        self._sim("POST", "expire_sessions")

    def advance(self, seconds):
        """Move the emulator's clock forward (finishes transitions, ages sessions)
        without sleeping: use a long build_seconds, assert the transitional state,
        then advance past it."""
        self._sim("POST", "advance", {"seconds": seconds})

    # -- raw API calls -------------------------------------------------
    def civo(self, method, path, **params):
        """Authenticated Civo call: params in the query for GET/DELETE,
        as a JSON body otherwise. Returns the requests.Response."""
        method = method.upper()
        headers = {"Authorization": "bearer %s" % self.token}
        kw = {"params": params} if method in ("GET", "DELETE") else {"json": params}
        return self.http.request(method, self.url + path, headers=headers, timeout=30, **kw)

    def zomro(self, **form):
        """Raw form POST to "/"; returns the parsed JSON document."""
        form.setdefault("out", "json")
        r = self.http.post(self.url + "/", data=form, timeout=30)
        r.raise_for_status()
        return r.json()

    def instance(self, instance_id, region="LON1"):
        """GET one Civo instance (dict) or None when 404."""
        r = self.civo("GET", "/v2/instances/%s" % instance_id, region=region)
        if r.status_code == 404:
            return None
        r.raise_for_status()
        return r.json()

    def wait_status(self, instance_id, status, region="LON1", timeout=5.0):
        """Poll a Civo instance until its status is `status`; returns the instance."""
        return wait_for(lambda: (lambda i: i if i and i["status"] == status else None)(
            self.instance(instance_id, region)), timeout, what="instance %s %s" % (instance_id, status))

    def zomro_login(self):
        doc = self.zomro(func="auth", username=self.zomro_user, password=self.zomro_password)
        return doc["doc"]["auth"]["$id"]

    def mutating(self):
        """Journal entries that change state (attempts, faulted ones included):
        any non-GET Civo request; Zomro funcs other than auth, instances, whoami, keepalive and
        the rescue preview (instances.fleio.rescue without sok)."""
        out = []
        for e in self.journal():
            if "func" in e:
                func = e["func"]
                if func in ("auth", "instances", "whoami", "keepalive"):
                    continue
                if func == "instances.fleio.rescue" and e.get("form", {}).get("sok") != "ok":
                    continue
                out.append(e)
            elif e["method"] not in ("GET", "HEAD"):
                out.append(e)
        return out

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # -- lifecycle -----------------------------------------------------
    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=10):
        self.http.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        _RUNNING.discard(self)
        return self.proc.returncode

    def kill(self):
        """Hard kill (no clean shutdown), e.g. to test persistence after a crash."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        _RUNNING.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_emulator(state=None, build_seconds=0.2, port=None, extra_args=(),
                   token=TOKEN, zomro_user=ZOMRO_USER, zomro_password=ZOMRO_PASSWORD,
                   ready_timeout=15):
    """Start `python tests/emulator` on a loopback port; wait until it answers.

    Without ``port`` the emulator binds port 0 itself and the port is read from its log line
    ("emulator listening on http://127.0.0.1:PORT"): no window in which another process (another
    test run on the same machine) can take a port picked in advance, and no chance of mistaking
    another emulator for ours.  Raises RuntimeError with the emulator's log if it does not come up.
    """
    fd, log_path = tempfile.mkstemp(prefix="emulator-", suffix=".log")
    log = os.fdopen(fd, "w")
    cmd = [sys.executable, EMULATOR_DIR, "--host", "127.0.0.1", "--port", str(port or 0),
           "--civo-token", token, "--zomro-user", zomro_user,
           "--zomro-password", zomro_password, "--build-seconds", str(build_seconds)]
    if state:
        cmd += ["--state", str(state)]
    cmd += list(extra_args)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
    log.close()
    deadline = time.monotonic() + ready_timeout
    bound = None
    while time.monotonic() < deadline and proc.poll() is None and bound is None:
        with open(log_path) as f:
            m = _LISTENING.search(f.read())
        if m:
            bound = int(m.group(1))
        else:
            time.sleep(0.05)
    emu = Emulator(proc, bound or port or 0, log_path, token, zomro_user, zomro_password, state)
    _RUNNING.add(emu)
    while bound and time.monotonic() < deadline and proc.poll() is None:
        try:
            requests.get(emu.url + "/_sim/config", timeout=1).raise_for_status()
            return emu
        except requests.RequestException:
            time.sleep(0.05)
    last_log = emu.log()
    emu.stop()
    raise RuntimeError("emulator did not start; log:\n" + last_log)


_LISTENING = re.compile(r"emulator listening on http://127\.0\.0\.1:(\d+)")


@atexit.register
def _kill_leftovers():
    for emu in list(_RUNNING):
        try:
            emu.stop(timeout=3)
        except Exception:
            pass
