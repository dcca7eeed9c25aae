"""From an empty account: network, firewall with rules, SSH key, reserved IP and volume, then an instance in that
network behind that firewall with that key, the IP assigned and the volume attached; a second run changes nothing
and costs only reads; check mode of the first run sends no changing request."""

import sys

import yaml

from runner import run_playbook

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPvnwO2OjTAI/QOnmu4RNmgA/t+5GZfM+jah2DS7A1w8 ops@laptop"

TASKS = [
    {"name": "network", "vmops.cloud.civo_network": {"label": "app", "cidr_v4": "10.40.0.0/24"}, "register": "net"},
    {"name": "firewall", "vmops.cloud.civo_firewall": {
        "name": "app", "network": "app", "rules": [{"ports": "22", "cidr": ["203.0.113.0/24"]}, {"ports": "443"}]},
     "register": "fw"},
    {"name": "key", "vmops.cloud.civo_ssh_key": {"name": "ops", "public_key": KEY}, "register": "key"},
    {"name": "instance", "vmops.cloud.civo_instance": {
        "hostname": "app1.example.com", "size": "g3.small", "template_id": "ubuntu-jammy",
        "network_id": "{{ net.network.id | default('app') }}", "firewall_id": "app", "ssh_key_id": "ops"},
     "register": "inst"},
    {"name": "reserved ip", "vmops.cloud.civo_reserved_ip": {
        "name": "app-ip", "instance": "{{ inst.instance.id | default('app1.example.com') }}"}},
    {"name": "volume", "vmops.cloud.civo_volume": {
        "name": "app-data", "size_gb": 10, "network": "app", "state": "attached", "instance": "app1.example.com"}},
]


def play(emulator):
    return yaml.safe_dump([{
        "hosts": "localhost", "gather_facts": False,
        "vars": {"ansible_python_interpreter": sys.executable},
        "module_defaults": {"group/vmops.cloud.civo": {"api_key": emulator.token, "api_url": emulator.url,
                                                       "region": "LON1"}},
        "tasks": TASKS}])


def test_empty_account_to_instance_and_back_to_changed_zero(emulator):
    out = run_playbook(play(emulator), check=True)
    # In check mode nothing exists yet, so tasks that need the new objects by name fail; none may change anything.
    assert emulator.mutating() == [], out.stdout

    out = run_playbook(play(emulator))
    assert out.returncode == 0, out.stdout + out.stderr
    nets = {n["label"]: n for n in emulator.civo("GET", "/v2/networks").json()}
    fws = {f["name"]: f for f in emulator.civo("GET", "/v2/firewalls").json()}
    inst = emulator.civo("GET", "/v2/instances").json()["items"][0]
    assert inst["network_id"] == nets["app"]["id"] and inst["firewall_id"] == fws["app"]["id"]
    assert inst["ssh_key"] == KEY and fws["app"]["network_id"] == nets["app"]["id"]
    ip = emulator.civo("GET", "/v2/ips").json()["items"][0]
    assert ip["assigned_to"]["id"] == inst["id"] and inst["public_ip"] == ip["ip"]
    vol = emulator.civo("GET", "/v2/volumes").json()[0]
    assert vol["instance_id"] == inst["id"] and vol["network_id"] == nets["app"]["id"]

    emulator.clear_journal()
    out = run_playbook(play(emulator))
    assert out.returncode == 0 and "changed=0" in out.stdout, out.stdout
    assert emulator.mutating() == []
