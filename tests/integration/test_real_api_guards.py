"""The guards that keep the integration targets and the demo off a real account.

Both refuse, before any request, when an API URL is not loopback and the user has not opted in
(targets: VMOPS_LIVE=1, i.e. vmops_live=true; demo: -e demo_allow_real_api=true).

"Before any request" is proven with a trap: every run has HTTP(S)_PROXY pointing at a listener on
127.0.0.1 that records each connection, so a request to the non-loopback URL would land in the trap
(and never leave the machine).  The positive controls show the trap does catch the modules' requests
once the opt-in is given, so an empty trap means something.  The non-loopback URLs are in TEST-NET-1
(192.0.2.0/24, RFC 5737) and are never contacted: the proxy takes every request.
"""

import re
import socket
import threading

import pytest

from runner import REPO, run_playbook

TARGETS = REPO / "tests" / "integration" / "targets"
NOT_LOOPBACK = "http://192.0.2.1:9"


class Trap:
    """A loopback HTTP proxy that answers 401 to everything and records what it got."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.requests = []
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = b""
                try:
                    while b"\r\n\r\n" not in data and len(data) < 65536:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                except OSError:
                    pass
                self.requests.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
                body = b'{"code": "trap", "reason": "caught by the test trap", "result": "failed"}'
                try:
                    conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
                except OSError:
                    pass

    def env(self):
        proxies = {}
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            proxies[name] = proxies[name.lower()] = self.url
        proxies["NO_PROXY"] = proxies["no_proxy"] = ""
        return proxies

    def close(self):
        self._stop = True
        self.sock.close()


@pytest.fixture
def trap():
    t = Trap()
    yield t
    t.close()


def recap(output):
    match = re.search(r"localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    assert match, output[-3000:]
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, match.groups())))


def target_play(role, tasks=""):
    return ("- hosts: localhost\n  connection: local\n  gather_facts: false\n"
            "  vars:\n    ansible_python_interpreter: \"{{ ansible_playbook_python }}\"\n"
            "  roles: [%s]\n%s" % (role, tasks))


def target_config(trap, **extra):
    config = {
        "vmops_resource_prefix": "vit-guardtest",
        "vmops_civo_api_url": trap.url, "vmops_civo_api_key": "guard-test-token",
        "vmops_zomro_api_url": trap.url + "/", "vmops_zomro_username": "u", "vmops_zomro_password": "p",
        "vmops_zomro_instance": "5203773",
    }
    config.update(extra)
    return config


def run_target(play, config, trap):
    env = dict(trap.env(), ANSIBLE_ROLES_PATH=str(TARGETS))
    return run_playbook(play, extra_vars=config, env=env, timeout=300)


# ----------------------------------------------------------------------------- integration targets
@pytest.mark.parametrize("target", ["civo_instance", "zomro_rescue", "inventory_civo"])
@pytest.mark.parametrize("which", ["civo", "zomro", "defaults"])
def test_target_refuses_a_real_api_before_any_request(trap, target, which):
    if which == "defaults":
        # no integration_config.yml at all: the setup target's defaults are the real APIs
        config = {}
    else:
        config = target_config(trap, **{"vmops_%s_api_url" % which: NOT_LOOPBACK})
    result = run_target(target_play(target), config, trap)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out[-3000:]
    assert "Refusing to run the vmops.cloud integration targets" in out, out[-3000:]
    assert "VMOPS_LIVE=1" in out and "billed" in out
    assert recap(result.stdout)["failed"] == 1 and recap(result.stdout)["changed"] == 0
    assert trap.requests == []


def test_target_guard_lets_live_mode_through_and_warns(trap):
    """Positive control: with the opt-in, the module's request to the non-loopback URL reaches the trap."""
    config = target_config(trap, vmops_live=True, vmops_civo_api_url=NOT_LOOPBACK)
    play = target_play("setup_vmops", "  tasks:\n    - name: One read\n      vmops.cloud.civo_instance_info:\n"
                                      "        api_key: \"{{ vmops_civo_api_key }}\"\n"
                                      "        api_url: \"{{ vmops_civo_api_url }}\"\n        api_retries: 0\n")
    result = run_target(play, config, trap)
    out = result.stdout + result.stderr
    assert "LIVE MODE against the real civo API" in out, out[-3000:]
    assert "vit-guardtest" in out
    assert any("192.0.2.1:9" in line for line in trap.requests), trap.requests
    assert "guard-test-token" not in out


def test_target_guard_accepts_loopback(trap):
    """The same guard lets loopback URLs through without the opt-in (that is how the emulator runs)."""
    play = target_play("setup_vmops", "  tasks:\n    - name: Show the prefix\n      ansible.builtin.debug:\n"
                                      "        msg: \"prefix={{ vmops_prefix }} real={{ vmops_real_apis }}\"\n")
    for url in ("http://127.0.0.1:1", "http://[::1]:1", "http://localhost:1", "http://127.8.9.10"):
        result = run_target(play, target_config(trap, vmops_civo_api_url=url), trap)
        assert result.returncode == 0, result.stdout[-3000:]
        assert "prefix=vit-guardtest real=[]" in result.stdout
    for url in ("http://127.0.0.1.example.com", "http://user@192.0.2.1", "127.0.0.1:8080"):
        result = run_target(play, target_config(trap, vmops_civo_api_url=url), trap)
        assert result.returncode != 0 and "Refusing" in result.stdout, (url, result.stdout[-2000:])
    assert trap.requests == []


# ----------------------------------------------------------------------------- the demo
def demo_env(trap, tmp_path, civo=None, zomro=None):
    env = dict(trap.env(), CIVO_TOKEN="guard-test-token", ZOMRO_USERNAME="u", ZOMRO_PASSWORD="guard-test-password",
               VMOPS_DEMO_STATE_DIR=str(tmp_path / "markers"))
    if civo:
        env["CIVO_API_URL"] = civo
    if zomro:
        env["ZOMRO_API_URL"] = zomro
    return env


@pytest.mark.parametrize("civo,zomro", [
    (None, None),                               # as shipped, with real credentials: the real APIs
    (NOT_LOOPBACK, "http://127.0.0.1:1/"),      # a real Civo URL
    ("http://127.0.0.1:1", NOT_LOOPBACK + "/"),  # a real Zomro URL
])
def test_demo_refuses_a_real_api_before_any_request(trap, tmp_path, civo, zomro):
    result = run_playbook(REPO / "playbooks" / "demo.yml", env=demo_env(trap, tmp_path, civo, zomro), timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode != 0, out[-3000:]
    assert "Refusing to run the demo against a real API" in out, out[-3000:]
    assert "demo_allow_real_api=true" in out
    assert recap(result.stdout) == {"ok": 0, "changed": 0, "unreachable": 0, "failed": 1}
    assert trap.requests == []
    assert not (tmp_path / "markers").exists()


def test_demo_runs_against_a_real_api_only_when_allowed(trap, tmp_path):
    """Positive control: with -e demo_allow_real_api=true the demo goes ahead (and its first request
    lands in the trap, which answers 401, so the run fails there)."""
    result = run_playbook(REPO / "playbooks" / "demo.yml", extra_vars={"demo_allow_real_api": True},
                          env=demo_env(trap, tmp_path, NOT_LOOPBACK, NOT_LOOPBACK + "/"), timeout=300)
    out = result.stdout + result.stderr
    assert "Refusing" not in out
    assert any("192.0.2.1:9" in line for line in trap.requests), (trap.requests, out[-3000:])
    assert "guard-test-token" not in out and "guard-test-password" not in out


# ----------------------------------------------------------------------------- run_targets.py live mode
def test_live_mode_needs_credentials_and_writes_nothing(tmp_path):
    """VMOPS_LIVE=1 without a Civo token stops before writing the config or running anything."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CIVO_", "ZOMRO_"))}
    env.update(VMOPS_LIVE="1", PATH="/nonexistent")  # no ansible-test reachable either
    proc = subprocess.run([sys.executable, str(REPO / "tests" / "integration" / "run_targets.py"), str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "CIVO_TOKEN" in proc.stderr
    assert list(tmp_path.iterdir()) == []
