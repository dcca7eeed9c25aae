"""playbooks/site.yml (issue 16, item 6) and the provision role's new options.

From an empty emulator account: ``--check`` first (no failure, zero changing requests), then the real run
(network, firewall with rules, SSH key, two instances using them by name, reserved IP assigned, volume
attached), then a second run and a second ``--check`` (``changed=0``, zero changing requests).
The role's SSH wait is tested against a loopback port the test opens; nothing else is ever contacted.
"""

import re
import socket
import threading

import pytest

from runner import REPO, run_playbook
from test_first_hour import civo_env, role_play
from test_real_api_guards import NOT_LOOPBACK, Trap

SITE = REPO / "playbooks" / "site.yml"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPvnwO2OjTAI/QOnmu4RNmgA/t+5GZfM+jah2DS7A1w8 ops@laptop"


def recap(output):
    match = re.search(r"localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    assert match, output[-3000:]
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, match.groups())))


def site(emulator, check=False, **extra):
    env = {"CIVO_TOKEN": emulator.token, "CIVO_API_URL": emulator.url, "CIVO_REGION": "LON1"}
    return run_playbook(SITE, extra_vars=dict({"site_ssh_public_key": KEY}, **extra), check=check, env=env)


def by_name(items, field="name"):
    return {i[field]: i for i in items}


def test_site_from_an_empty_account_check_run_rerun(emulator):
    counts = {}
    assert emulator.civo("GET", "/v2/instances", region="LON1").json()["items"] == []

    # 1. --check on the empty account: no failure, nothing changed, what cannot be planned is said.
    out = site(emulator, check=True)
    assert out.returncode == 0, out.stdout[-5000:] + out.stderr[-2000:]
    assert emulator.mutating() == [], out.stdout[-3000:]
    counts["check (empty account)"] = len(emulator.journal())
    assert "instance 'site-web-1' is not planned: it needs network 'site-net', firewall 'site-fw', SSH key 'site-key'" \
        in out.stdout, out.stdout[-5000:]
    assert "firewall 'site-fw' is not planned: it needs network 'site-net'" in out.stdout
    assert "reserved IP 'site-ip' would be assigned to site-web-1 once it exists" in out.stdout
    assert recap(out.stdout)["changed"] > 0  # the network, the key and the reserved IP would be created

    # 2. The real run builds everything.
    emulator.clear_journal()
    out = site(emulator)
    assert out.returncode == 0, out.stdout[-5000:] + out.stderr[-2000:]
    counts["first run"] = len(emulator.journal())
    counts["first run, changing"] = len(emulator.mutating())
    nets = by_name(emulator.civo("GET", "/v2/networks", region="LON1").json(), "label")
    net = nets["site-net"]
    assert net["cidr"] == "10.42.0.0/24"
    fw = by_name(emulator.civo("GET", "/v2/firewalls", region="LON1").json())["site-fw"]
    assert fw["network_id"] == net["id"]
    rules = emulator.civo("GET", "/v2/firewalls/%s/rules" % fw["id"], region="LON1").json()
    assert sorted((r["protocol"], r.get("start_port") or "") for r in rules) == \
        [("icmp", ""), ("tcp", "22"), ("tcp", "443"), ("tcp", "80")], rules
    key = by_name(emulator.civo("GET", "/v2/sshkeys").json())["site-key"]
    assert key["public_key"] == KEY
    instances = by_name(emulator.civo("GET", "/v2/instances", region="LON1").json()["items"], "hostname")
    assert sorted(instances) == ["site-web-1", "site-web-2"]
    for inst in instances.values():
        assert inst["status"] == "ACTIVE"
        assert inst["network_id"] == net["id"] and inst["firewall_id"] == fw["id"] and inst["ssh_key"] == KEY
        assert sorted(inst["tags"]) == ["site", "web"]
    ip = by_name(emulator.civo("GET", "/v2/ips", region="LON1").json()["items"])["site-ip"]
    assert ip["assigned_to"]["id"] == instances["site-web-1"]["id"]
    assert instances["site-web-1"]["public_ip"] == ip["ip"]
    vol = by_name(emulator.civo("GET", "/v2/volumes", region="LON1").json())["site-data"]
    assert vol["instance_id"] == instances["site-web-2"]["id"] and vol["network_id"] == net["id"]
    assert vol["size_gb"] == 10
    assert "Reserved IP site-ip: %s" % ip["ip"] in out.stdout
    assert emulator.token not in out.stdout + out.stderr

    # 3. A second run changes nothing and sends no changing request.
    emulator.clear_journal()
    out = site(emulator)
    assert out.returncode == 0 and recap(out.stdout)["changed"] == 0, out.stdout[-5000:]
    assert emulator.mutating() == []
    counts["second run"] = len(emulator.journal())

    # 4. --check on the built site: everything is planned (nothing skipped), nothing to change.
    emulator.clear_journal()
    out = site(emulator, check=True)
    assert out.returncode == 0 and recap(out.stdout)["changed"] == 0, out.stdout[-5000:]
    assert "is not planned: it needs" not in out.stdout and "once it exists" not in out.stdout
    assert emulator.mutating() == []
    counts["check (built site)"] = len(emulator.journal())

    print("request counts:", counts)
    # The second run reads each object once or twice: a regression that re-lists per item shows here.
    assert counts["second run"] <= 25, counts
    assert counts["check (empty account)"] <= 6, counts


def test_site_refuses_a_real_api_before_any_request():
    trap = Trap()
    try:
        for url in (None, NOT_LOOPBACK):
            env = dict(trap.env(), CIVO_TOKEN="guard-test-token", CIVO_REGION="LON1")
            if url:
                env["CIVO_API_URL"] = url
            out = run_playbook(SITE, extra_vars={"site_ssh_public_key": KEY}, env=env, timeout=300)
            assert out.returncode != 0, out.stdout[-3000:]
            assert "Refusing to run the site playbook against a real API" in out.stdout, out.stdout[-3000:]
            assert "site_allow_real_api=true" in out.stdout
            assert recap(out.stdout) == {"ok": 0, "changed": 0, "unreachable": 0, "failed": 1}
        assert trap.requests == []
        # Positive control: allowed, the first request goes out (into the trap, which answers 401).
        env = dict(trap.env(), CIVO_TOKEN="guard-test-token", CIVO_REGION="LON1", CIVO_API_URL=NOT_LOOPBACK)
        out = run_playbook(SITE, extra_vars={"site_ssh_public_key": KEY, "site_allow_real_api": True}, env=env,
                           timeout=300)
        assert "Refusing" not in out.stdout
        assert any("192.0.2.1:9" in line for line in trap.requests), (trap.requests, out.stdout[-3000:])
        assert "guard-test-token" not in out.stdout + out.stderr
    finally:
        trap.close()


def test_site_needs_a_public_key(emulator):
    env = {"CIVO_TOKEN": emulator.token, "CIVO_API_URL": emulator.url, "CIVO_REGION": "LON1"}
    out = run_playbook(SITE, env=env)
    assert out.returncode != 0 and "site_ssh_public_key" in out.stdout, out.stdout[-3000:]
    assert emulator.journal() == []


# ----------------------------------------------------------------------------- the role's new options
class SshBanner:
    """A loopback listener that answers like sshd (the banner), counting connections."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                try:
                    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
                except OSError:
                    pass

    def close(self):
        self.sock.close()


@pytest.fixture
def sshd():
    s = SshBanner()
    yield s
    s.close()


TWO = [{"hostname": "w-%d" % n, "size": "g3.small", "template_id": "ubuntu-jammy"} for n in (1, 2)]


def test_provision_does_not_wait_for_ssh_by_default(emulator, sshd):
    out = run_playbook(role_play("provision", provision_instances=TWO,
                                 provision_wait_for_connection_host="127.0.0.1",
                                 provision_wait_for_connection_port=sshd.port), env=civo_env(emulator))
    assert out.returncode == 0, out.stdout[-3000:]
    assert re.search(r"TASK \[vmops.cloud.provision : Wait until SSH answers on every instance\] \*+\nskipping",
                     out.stdout), out.stdout[-3000:]
    assert sshd.connections == 0


def test_provision_waits_for_ssh_when_asked(emulator, sshd):
    out = run_playbook(role_play("provision", provision_instances=TWO, provision_wait_for_connection=True,
                                 provision_wait_for_connection_host="127.0.0.1",
                                 provision_wait_for_connection_port=sshd.port), env=civo_env(emulator))
    assert out.returncode == 0, out.stdout[-3000:]
    assert "ok: [localhost] => (item=w-1)" in out.stdout.split("Wait until SSH answers on every instance")[-1]
    assert sshd.connections >= 2  # once per instance


def test_provision_ssh_wait_fails_with_a_message_when_nothing_answers(emulator):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]  # bound, never listening: connections are refused
    try:
        out = run_playbook(role_play("provision", provision_instances=TWO[:1], provision_wait_for_connection=True,
                                     provision_wait_for_connection_timeout=2,
                                     provision_wait_for_connection_host="127.0.0.1",
                                     provision_wait_for_connection_port=port), env=civo_env(emulator))
    finally:
        closed.close()
    assert out.returncode != 0
    assert "provision: SSH did not answer on w-1 within 2 seconds" in out.stdout, out.stdout[-3000:]


def test_provision_creates_key_and_firewall_the_instances_use_by_name(emulator):
    play = role_play("provision",
                     provision_ssh_keys=[{"name": "ops", "public_key": KEY}],
                     provision_firewalls=[{"name": "web", "rules": [{"ports": "22", "cidr": ["203.0.113.0/24"]}]}],
                     provision_instances=[dict(TWO[0], firewall_id="web", ssh_key_id="ops")], provision_wait=False)
    out = run_playbook(play, check=True, env=civo_env(emulator))
    assert out.returncode == 0, out.stdout[-3000:]
    assert emulator.mutating() == []
    assert "instance 'w-1' is not planned: it needs firewall 'web', SSH key 'ops'" in out.stdout, out.stdout[-3000:]

    out = run_playbook(play, env=civo_env(emulator))
    assert out.returncode == 0, out.stdout[-3000:]
    posts = [e["path"] for e in emulator.mutating()]
    assert posts.index("/v2/sshkeys") < posts.index("/v2/instances") and \
        posts.index("/v2/firewalls") < posts.index("/v2/instances"), posts
    fw = by_name(emulator.civo("GET", "/v2/firewalls", region="LON1").json())["web"]
    inst = emulator.civo("GET", "/v2/instances", region="LON1").json()["items"][0]
    assert inst["firewall_id"] == fw["id"] and inst["ssh_key"] == KEY

    emulator.clear_journal()
    out = run_playbook(play, env=civo_env(emulator))
    assert out.returncode == 0 and recap(out.stdout)["changed"] == 0, out.stdout[-3000:]
    assert emulator.mutating() == []


@pytest.mark.parametrize("extra, word", [
    ({"provision_firewalls": [{"name": "web", "rule": []}]}, "rule"),
    ({"provision_firewalls": [{"name": "web", "rules": [{"port": "22"}]}]}, "port"),
    ({"provision_firewalls": [{"network": "default"}]}, "name"),
    ({"provision_ssh_keys": [{"name": "ops"}]}, "public_key"),
    ({"provision_ssh_keys": [{"name": "ops", "public_key": KEY, "state": "absent"}]}, "state"),
])
def test_provision_refuses_bad_key_and_firewall_items_before_any_request(emulator, extra, word):
    out = run_playbook(role_play("provision", provision_instances=TWO[:1], **extra), env=civo_env(emulator))
    assert out.returncode != 0, out.stdout[-3000:]
    assert word in out.stdout and "Validating arguments against arg spec" in out.stdout, out.stdout[-3000:]
    assert emulator.journal() == []
