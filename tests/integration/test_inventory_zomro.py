"""Integration tests of the vmops.cloud.zomro inventory plugin against the emulator.

``ansible-inventory`` runs as a real process; request counts come from the emulator's journal.
"""

import json
import os
import subprocess

import yaml

from runner import BIN, base_env, run_playbook

STRICT_ENV = {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}
FIRST = "5203773"
FIRST_ELID_NAME = "vps-5203773.zomro.example"


def unwrap(value):
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


class Inventory:
    def __init__(self, emulator, directory, name="test.zomro.yml"):
        self.emulator = emulator
        self.path = str(directory / name)
        self.cache_dir = str(directory / "cache")

    def config(self, creds=True, **options):
        cfg = {"plugin": "vmops.cloud.zomro", "api_url": self.emulator.url + "/"}
        if creds:
            cfg.update(username=self.emulator.zomro_user, password=self.emulator.zomro_password)
        cfg.update(options)
        return cfg

    def run(self, cfg, *args, env=None):
        with open(self.path, "w") as fh:
            yaml.safe_dump(cfg, fh)
        extra = dict(STRICT_ENV)
        extra.update(env or {})
        return subprocess.run([str(BIN / "ansible-inventory"), "-i", self.path] + list(args),
                              capture_output=True, text=True, env=base_env(extra), timeout=300)

    def list(self, cfg, env=None):
        proc = self.run(cfg, "--list", env=env)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        return unwrap(json.loads(proc.stdout)), proc


def group_hosts(listing, group):
    return sorted(listing.get(group, {}).get("hosts", []))


def funcs(emulator):
    return [e["func"] for e in emulator.journal() if "func" in e]


def test_list_groups_by_status_and_hostvars(emulator, tmp_path):
    stopped = emulator.seed(zomro_instances=2, zomro_status="stopped")["zomro_instances"]
    rescued = emulator.seed(zomro_instances=1, zomro_status="rescued")["zomro_instances"]
    emulator.clear_journal()
    inv = Inventory(emulator, tmp_path)
    listing, proc = inv.list(inv.config())

    names = dict((elid, "seed-%s.zomro.example" % elid) for elid in stopped + rescued)
    names[FIRST] = FIRST_ELID_NAME
    hostvars = listing["_meta"]["hostvars"]
    assert sorted(hostvars) == sorted(names.values())
    assert group_hosts(listing, "zomro") == sorted(names.values())
    assert group_hosts(listing, "zomro_status_active") == [FIRST_ELID_NAME]
    assert group_hosts(listing, "zomro_status_stopped") == sorted(names[e] for e in stopped)
    assert group_hosts(listing, "zomro_status_rescued") == [names[rescued[0]]]
    assert group_hosts(listing, "zomro_datacenter_netherlands") == sorted(names.values())

    hv = hostvars[FIRST_ELID_NAME]
    assert hv["zomro_id"] == FIRST and hv["zomro_servername"] == FIRST_ELID_NAME
    assert hv["zomro_instance_status"] == "active"
    assert hv["ansible_host"] == hv["zomro_ip"] == "185.117.152.17"
    assert hv["zomro_datacentername"] == "Netherlands"
    assert hostvars[names[stopped[0]]]["zomro_instance_status"] == "stopped"
    # the password never shows
    assert emulator.zomro_password not in proc.stdout + proc.stderr
    # one login, then the list (page by page: one page here)
    assert funcs(emulator)[0] == "auth" and set(funcs(emulator)[1:]) == {"instances"}
    assert len(funcs(emulator)) == 2


def test_credentials_from_environment_and_session(emulator, tmp_path):
    inv = Inventory(emulator, tmp_path)
    env = {"ZOMRO_USERNAME": emulator.zomro_user, "ZOMRO_PASSWORD": emulator.zomro_password,
           "ZOMRO_API_URL": emulator.url + "/"}
    emulator.clear_journal()
    listing, _ = inv.list({"plugin": "vmops.cloud.zomro"}, env=env)
    assert sorted(listing["_meta"]["hostvars"]) == [FIRST_ELID_NAME]
    assert funcs(emulator) == ["auth", "instances"]

    # an existing session (ZOMRO_AUTH): no login at all
    sid = emulator.zomro_login()
    emulator.clear_journal()
    listing, proc = inv.list({"plugin": "vmops.cloud.zomro"},
                             env={"ZOMRO_AUTH": sid, "ZOMRO_API_URL": emulator.url + "/"})
    assert sorted(listing["_meta"]["hostvars"]) == [FIRST_ELID_NAME]
    assert funcs(emulator) == ["instances"]
    assert sid not in proc.stdout + proc.stderr


def test_missing_credentials_and_bad_password_are_clear_errors(emulator, tmp_path):
    inv = Inventory(emulator, tmp_path)
    emulator.clear_journal()
    proc = inv.run(inv.config(creds=False), "--list")
    assert proc.returncode != 0 and "credentials are missing" in proc.stderr
    assert funcs(emulator) == []

    bad = "wrong-password-8c1f"
    proc = inv.run(inv.config(password=bad), "--list")
    assert proc.returncode != 0
    assert "Invalid username or password" in proc.stderr
    assert bad not in proc.stdout + proc.stderr and "Traceback" not in proc.stderr
    assert funcs(emulator) == ["auth"]


def test_status_filters_hostnames_and_constructed(emulator, tmp_path):
    stopped = emulator.seed(zomro_instances=2, zomro_status="stopped")["zomro_instances"]
    inv = Inventory(emulator, tmp_path)
    listing, _ = inv.list(inv.config(
        status=["STOPPED", "active"],
        filters=["zomro_id != '%s'" % stopped[1]],
        hostnames=["no_such_field", "{{ zomro_servername.split('.')[0] }}-{{ zomro_instance_status }}"],
        compose={"ansible_user": "'root'", "elid": "zomro_id | int"},
        keyed_groups=[{"key": "zomro_pricelist", "prefix": "plan"}],
        groups={"down": "zomro_instance_status == 'stopped'"},
        connect_with="servername", strict=True))
    hv = listing["_meta"]["hostvars"]
    first, other = "vps-5203773-active", "seed-%s-stopped" % stopped[0]
    assert sorted(hv) == sorted([first, other])
    assert hv[first]["ansible_user"] == "root" and hv[first]["elid"] == int(FIRST)
    assert hv[first]["ansible_host"] == FIRST_ELID_NAME
    assert group_hosts(listing, "down") == [other]
    assert group_hosts(listing, "plan_Cloud_VPS") == sorted([first, other])

    listing, _ = inv.list(inv.config(status=["rescued"]))
    assert listing["_meta"]["hostvars"] == {}

    # a filter that cannot be evaluated: the host is left out, or an error with strict
    listing, _ = inv.list(inv.config(filters=["zomro_no_such_var == 1"]))
    assert listing["_meta"]["hostvars"] == {}
    proc = inv.run(inv.config(filters=["zomro_no_such_var == 1"], strict=True), "--list")
    assert proc.returncode != 0 and "zomro_no_such_var" in proc.stderr


def test_duplicate_server_names_get_id_suffixes(emulator, tmp_path):
    seeded = emulator.seed(zomro_instances=2)["zomro_instances"]
    inv = Inventory(emulator, tmp_path)
    # every server named after its data centre: three instances with one name
    listing, _ = inv.list(inv.config(hostnames=["datacentername"]))
    names = sorted(listing["_meta"]["hostvars"])
    assert names == sorted("Netherlands_" + elid[:8] for elid in [FIRST] + seeded)
    assert sorted(listing["_meta"]["hostvars"][n]["zomro_id"] for n in names) == sorted([FIRST] + seeded)


def test_cache_hit_sends_no_request_and_filters_apply_to_it(emulator, tmp_path):
    emulator.seed(zomro_instances=2, zomro_status="stopped")
    inv = Inventory(emulator, tmp_path)
    cfg = inv.config(cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=inv.cache_dir,
                     cache_timeout=600)
    emulator.clear_journal()
    first, _ = inv.list(cfg)
    assert len(first["_meta"]["hostvars"]) == 3
    assert funcs(emulator) == ["auth", "instances"]
    files = os.listdir(inv.cache_dir)
    assert len(files) == 1
    with open(os.path.join(inv.cache_dir, files[0])) as fh:
        cached = fh.read()
    assert emulator.zomro_password not in cached and emulator.zomro_password not in files[0]

    emulator.seed(zomro_instances=1)
    emulator.clear_journal()
    again, _ = inv.list(cfg)
    assert funcs(emulator) == [] and again == first

    # status, filters and hostnames apply to the cached listing: still no request
    narrowed, _ = inv.list(dict(cfg, status=["stopped"], hostnames=["id"], filters=["zomro_id | int > 0"]))
    assert funcs(emulator) == []
    assert sorted(narrowed["_meta"]["hostvars"]) == sorted(
        h["zomro_id"] for h in first["_meta"]["hostvars"].values() if h["zomro_instance_status"] == "stopped")

    proc = inv.run(cfg, "--list", "--flush-cache")
    assert proc.returncode == 0, proc.stderr
    assert len(unwrap(json.loads(proc.stdout))["_meta"]["hostvars"]) == 4
    assert funcs(emulator) == ["auth", "instances"]


def test_a_play_reads_the_inventory(emulator, tmp_path):
    emulator.seed(zomro_instances=1, zomro_status="stopped")
    inv = Inventory(emulator, tmp_path)
    with open(inv.path, "w") as fh:
        yaml.safe_dump(inv.config(), fh)
    playbook = ("- hosts: zomro_status_stopped\n  gather_facts: false\n  tasks:\n"
                "    - ansible.builtin.debug:\n        msg: \"STATE={{ zomro_instance_status }} IP={{ ansible_host }}\"\n")
    proc = run_playbook(playbook, inventory=inv.path, env=STRICT_ENV)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "STATE=stopped IP=185." in proc.stdout
    assert "vps-5203773" not in proc.stdout
