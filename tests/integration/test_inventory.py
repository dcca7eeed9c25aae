"""Integration tests of the vmops.cloud.civo inventory plugin.

``ansible-inventory --list`` / ``--graph`` (and one ``ansible-playbook``) run as
real processes against the emulator; request counts come from its journal.
"""

import json
import os
import subprocess
import time

import yaml

from runner import BIN, base_env, run_playbook

# A failed source is a non-zero exit instead of a warning and an empty inventory.
STRICT_ENV = {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}


def unwrap(value):
    """``--list`` shows untrusted strings as ``{"__ansible_unsafe": s}``; return plain data."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


class Inventory:
    """Writes ``<dir>/<name>`` and runs ansible-inventory on it."""

    def __init__(self, emulator, directory, name="test.civo.yml"):
        self.emulator = emulator
        self.path = str(directory / name)
        self.cache_dir = str(directory / "cache")

    def config(self, with_key=True, **options):
        cfg = {"plugin": "vmops.cloud.civo", "api_url": self.emulator.url}
        if with_key:
            cfg["api_key"] = self.emulator.token
        cfg.update(options)
        return cfg

    def run(self, cfg, *args, env=None, timeout=300):
        with open(self.path, "w") as fh:
            yaml.safe_dump(cfg, fh)
        extra = dict(STRICT_ENV)
        extra.update(env or {})
        return subprocess.run([str(BIN / "ansible-inventory"), "-i", self.path] + list(args),
                              capture_output=True, text=True, env=base_env(extra), timeout=timeout)

    def list(self, cfg, env=None):
        proc = self.run(cfg, "--list", env=env)
        assert proc.returncode == 0, proc.stderr
        return unwrap(json.loads(proc.stdout)), proc


def group_hosts(listing, group):
    return sorted(listing.get(group, {}).get("hosts", []))


def instance_requests(emulator):
    return [e for e in emulator.journal() if e["path"].startswith("/v2/")]


def secrets_of(emulator, region):
    resp = emulator.civo("GET", "/v2/instances", region=region, per_page=1000)
    resp.raise_for_status()
    return [i["initial_password"] for i in resp.json()["items"] if i.get("initial_password")]


def create(emulator, hostname, region="LON1", tags=""):
    resp = emulator.civo("POST", "/v2/instances", hostname=hostname, size="g3.small",
                         template_id="ubuntu-jammy", region=region, tags=tags)
    assert resp.status_code == 200, resp.text
    return resp.json()


# ---------------------------------------------------------------------------------------------

def test_list_hosts_groups_and_hostvars_in_two_regions(emulator, tmp_path):
    emulator.seed(instances=3, region="LON1", tags=["web", "prod"])
    emulator.seed(instances=2, region="NYC1", status="SHUTOFF", size="g3.large", hostname_prefix="db")
    passwords = secrets_of(emulator, "LON1") + secrets_of(emulator, "NYC1")
    assert len(passwords) == 5
    emulator.clear_journal()

    inv = Inventory(emulator, tmp_path)
    listing, proc = inv.list(inv.config(regions=["lon1", "NYC1"]))

    web = ["seed-%05d.example.com" % i for i in range(3)]
    db = ["db-%05d.example.com" % i for i in range(3, 5)]
    hostvars = listing["_meta"]["hostvars"]
    assert sorted(hostvars) == sorted(web + db)
    assert group_hosts(listing, "civo") == sorted(web + db)
    assert group_hosts(listing, "civo_region_lon1") == web
    assert group_hosts(listing, "civo_region_nyc1") == db
    assert group_hosts(listing, "civo_size_g3_small") == web
    assert group_hosts(listing, "civo_size_g3_large") == db
    assert group_hosts(listing, "civo_status_active") == web
    assert group_hosts(listing, "civo_status_shutoff") == db
    assert group_hosts(listing, "civo_tag_web") == web
    assert group_hosts(listing, "civo_tag_prod") == web

    hv = hostvars["db-00004.example.com"]
    for field in ("id", "name", "hostname", "size", "status", "tags", "public_ip", "private_ip", "region",
                  "network_id", "firewall_id", "source_id", "initial_user", "cpu_cores", "ram_mb", "disk_gb"):
        assert "civo_" + field in hv, field
    assert hv["civo_region"] == "NYC1" and hv["civo_status"] == "SHUTOFF" and hv["civo_size"] == "g3.large"
    assert hv["ansible_host"] == hv["civo_public_ip"] and hv["ansible_host"]
    assert hostvars["seed-00000.example.com"]["civo_tags"] == ["web", "prod"]
    # never a secret: not the field, not its value, not the API key
    for forbidden in ["initial_password", "civostatsd_token", emulator.token] + passwords:
        assert forbidden not in proc.stdout and forbidden not in proc.stderr

    # one large-page GET per region, nothing else
    reqs = instance_requests(emulator)
    assert [(r["method"], r["path"], r["query"]["region"], r["query"]["per_page"]) for r in reqs] == [
        ("GET", "/v2/instances", "LON1", "10000"), ("GET", "/v2/instances", "NYC1", "10000")]


def test_graph_and_default_region_from_environment(emulator, tmp_path):
    emulator.seed(instances=2, region="LON1", tags=["web"])
    emulator.seed(instances=1, region="FRA1", hostname_prefix="fra")
    emulator.clear_journal()
    inv = Inventory(emulator, tmp_path)
    # no api_key / api_url in the file: CIVO_TOKEN and CIVO_API_URL; no regions: the default region LON1
    proc = inv.run({"plugin": "vmops.cloud.civo"}, "--graph",
                   env={"CIVO_TOKEN": emulator.token, "CIVO_API_URL": emulator.url})
    assert proc.returncode == 0, proc.stderr
    lines = [line.strip() for line in proc.stdout.splitlines()]
    assert "|--@civo_region_lon1:" in lines
    assert "|  |--seed-00000.example.com" in lines and "|  |--seed-00001.example.com" in lines
    assert "fra-00002.example.com" not in proc.stdout
    reqs = instance_requests(emulator)
    assert len(reqs) == 1 and reqs[0]["query"]["region"] == "LON1"

    # CIVO_REGION picks the default region
    proc = inv.run({"plugin": "vmops.cloud.civo"}, "--graph",
                   env={"CIVO_TOKEN": emulator.token, "CIVO_API_URL": emulator.url, "CIVO_REGION": "fra1"})
    assert proc.returncode == 0, proc.stderr
    assert "fra-00002.example.com" in proc.stdout and "seed-00000" not in proc.stdout


def test_filters_tags_and_status(emulator, tmp_path):
    a = emulator.seed(instances=2, region="LON1", tags=["web", "prod"], hostname_prefix="a")["instances"]
    emulator.seed(instances=2, region="LON1", tags=["web"], hostname_prefix="b")
    emulator.seed(instances=1, region="LON1", tags=["prod", "web", "x"], status="SHUTOFF", hostname_prefix="c")
    emulator.seed(instances=1, region="LON1", tags=["prod", "web", "x"], hostname_prefix="d")
    inv = Inventory(emulator, tmp_path)

    listing, _ = inv.list(inv.config(tags=["web", "prod"], status=["active"]))
    assert sorted(listing["_meta"]["hostvars"]) == ["a-00000.example.com", "a-00001.example.com",
                                                    "d-00005.example.com"]
    assert {listing["_meta"]["hostvars"]["a-00000.example.com"]["civo_id"],
            listing["_meta"]["hostvars"]["a-00001.example.com"]["civo_id"]} == set(a)

    listing, _ = inv.list(inv.config(tags=["x"]))
    assert sorted(listing["_meta"]["hostvars"]) == ["c-00004.example.com", "d-00005.example.com"]

    listing, _ = inv.list(inv.config(status=["SHUTOFF", "BUILDING"]))
    assert sorted(listing["_meta"]["hostvars"]) == ["c-00004.example.com"]


def test_connect_with_and_hostvar_prefix(emulator, tmp_path):
    emulator.seed(instances=1, region="LON1")
    inv = Inventory(emulator, tmp_path)
    listing, _ = inv.list(inv.config(connect_with="private_ip", hostvar_prefix="vm_"))
    hv = listing["_meta"]["hostvars"]["seed-00000.example.com"]
    assert hv["ansible_host"] == hv["vm_private_ip"] != hv["vm_public_ip"]
    assert not [k for k in hv if k.startswith("civo_")]

    listing, _ = inv.list(inv.config(connect_with="hostname"))
    assert listing["_meta"]["hostvars"]["seed-00000.example.com"]["ansible_host"] == "seed-00000.example.com"

    proc = inv.run(inv.config(connect_with="ssh"), "--list")
    assert proc.returncode != 0
    assert "connect_with" in proc.stderr and "public_ip, private_ip, hostname" in proc.stderr


def test_compose_groups_and_keyed_groups(emulator, tmp_path):
    emulator.seed(instances=2, region="LON1", tags=["web", "prod"], size="g3.large", hostname_prefix="big")
    emulator.seed(instances=1, region="LON1", tags=["db"], hostname_prefix="small")
    inv = Inventory(emulator, tmp_path)
    listing, _ = inv.list(inv.config(
        compose={"ansible_user": "'deploy'", "mem_gb": "civo_ram_mb // 1024", "where": "civo_region | lower"},
        groups={"large_memory": "civo_ram_mb >= 8192", "webservers": "'web' in civo_tags"},
        keyed_groups=[{"key": "civo_tags", "prefix": "tag"}, {"key": "civo_source_id", "prefix": "image"},
                      {"key": "where", "prefix": "dc"}],
        strict=True))
    big = ["big-00000.example.com", "big-00001.example.com"]
    hv = listing["_meta"]["hostvars"]
    assert hv["big-00000.example.com"]["ansible_user"] == "deploy"
    assert hv["big-00000.example.com"]["mem_gb"] == hv["big-00000.example.com"]["civo_ram_mb"] // 1024
    assert group_hosts(listing, "large_memory") == big
    assert group_hosts(listing, "webservers") == big
    assert group_hosts(listing, "tag_web") == big and group_hosts(listing, "tag_db") == ["small-00002.example.com"]
    assert group_hosts(listing, "image_ubuntu_jammy") == big + ["small-00002.example.com"]
    assert group_hosts(listing, "dc_lon1") == big + ["small-00002.example.com"]

    # strict: an expression that fails is an error, not a silently missing variable
    proc = inv.run(inv.config(compose={"oops": "civo_no_such_field + 1"}, strict=True), "--list")
    assert proc.returncode != 0 and "oops" in proc.stderr


def test_duplicate_hostnames_get_short_id_suffixes(emulator, tmp_path):
    one = create(emulator, "web.example.com", region="LON1")
    two = create(emulator, "web.example.com", region="FRA1")
    create(emulator, "solo.example.com", region="FRA1")
    inv = Inventory(emulator, tmp_path)
    listing, _ = inv.list(inv.config(regions=["LON1", "FRA1"], connect_with="hostname"))
    hv = listing["_meta"]["hostvars"]
    first, second = "web.example.com_" + one["id"][:8], "web.example.com_" + two["id"][:8]
    assert sorted(hv) == sorted([first, second, "solo.example.com"])
    assert hv[first]["civo_id"] == one["id"] and hv[second]["civo_region"] == "FRA1"
    assert hv[second]["ansible_host"] == "web.example.com"


def test_cache_hit_sends_no_request(emulator, tmp_path):
    emulator.seed(instances=3, region="LON1", tags=["web"])
    passwords = secrets_of(emulator, "LON1")
    inv = Inventory(emulator, tmp_path)
    cfg = inv.config(cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=inv.cache_dir,
                     cache_timeout=600)
    emulator.clear_journal()
    first, _ = inv.list(cfg)
    assert len(instance_requests(emulator)) == 1
    cache_files = os.listdir(inv.cache_dir)
    assert len(cache_files) == 1
    with open(os.path.join(inv.cache_dir, cache_files[0])) as fh:
        cached = fh.read()
    for forbidden in ["initial_password", "civostatsd_token", emulator.token] + passwords:
        assert forbidden not in cached

    # a new instance appears only once the cache is refreshed
    emulator.seed(instances=1, region="LON1", hostname_prefix="late")
    emulator.clear_journal()
    second, _ = inv.list(cfg)
    assert emulator.journal() == []
    assert second == first

    proc = inv.run(cfg, "--list", "--flush-cache")
    assert proc.returncode == 0, proc.stderr
    assert "late-00003.example.com" in proc.stdout
    assert len(instance_requests(emulator)) == 1

    # another scope (regions) never reads this cache
    emulator.clear_journal()
    inv.list(dict(cfg, regions=["LON1", "NYC1"]))
    assert len(instance_requests(emulator)) == 2

    # an expired cache is refreshed
    emulator.clear_journal()
    inv.list(dict(cfg, cache_timeout=1))
    time.sleep(1.2)
    inv.list(dict(cfg, cache_timeout=1))
    assert len(instance_requests(emulator)) >= 1


def test_bad_token_is_a_clear_error(emulator, tmp_path):
    emulator.seed(instances=1, region="LON1")
    emulator.clear_journal()
    inv = Inventory(emulator, tmp_path)
    bad = "wrong-token-d41d8cd98f00"
    proc = inv.run(inv.config(api_key=bad), "--list")
    assert proc.returncode != 0
    assert "Civo API authentication failed" in proc.stderr
    assert "check api_key" in proc.stderr
    assert bad not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
    reqs = instance_requests(emulator)
    assert len(reqs) == 1 and reqs[0]["status"] in (401, 403)  # an auth failure is not retried


def test_missing_api_key_fails_before_any_request(emulator, tmp_path):
    inv = Inventory(emulator, tmp_path)
    proc = inv.run(inv.config(with_key=False), "--list")
    assert proc.returncode != 0
    assert "api_key is required" in proc.stderr
    assert emulator.journal() == []


def test_transient_errors_are_retried(emulator, tmp_path):
    emulator.seed(instances=2, region="LON1")
    emulator.clear_journal()
    emulator.faults(1.0, ["503", "429", "502"], match="/v2/instances", limit=2, retry_after=0)
    inv = Inventory(emulator, tmp_path)
    listing, _ = inv.list(inv.config())
    assert len(listing["_meta"]["hostvars"]) == 2
    reqs = instance_requests(emulator)
    assert len(reqs) == 3 and reqs[-1]["status"] == 200


def test_api_values_are_never_templated(emulator, tmp_path):
    create(emulator, "tpl.example.com", tags="{{7*6}} plain")
    inv = Inventory(emulator, tmp_path)
    cfg = inv.config(cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=inv.cache_dir)
    with open(inv.path, "w") as fh:
        yaml.safe_dump(cfg, fh)
    playbook = ("- hosts: civo\n  gather_facts: false\n  tasks:\n"
                "    - ansible.builtin.debug:\n        msg: \"TAGS={{ civo_tags | join(',') }}\"\n")
    for _ in range(2):  # from the API, then from the cache
        proc = run_playbook(playbook, inventory=inv.path, env=STRICT_ENV)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "TAGS={{7*6}},plain" in proc.stdout
        assert "TAGS=42" not in proc.stdout


def test_ten_thousand_and_one_instances_take_two_requests(emulator, tmp_path):
    emulator.seed(instances=10001, region="LON1", tags=["bulk"])
    emulator.clear_journal()
    inv = Inventory(emulator, tmp_path)
    start = time.monotonic()
    proc = inv.run(inv.config(), "--graph", "civo_tag_bulk")
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    hosts = [line for line in proc.stdout.splitlines() if line.strip().startswith("|--seed-")]
    assert len(hosts) == 10001
    reqs = instance_requests(emulator)
    assert [(r["query"]["page"], r["query"]["per_page"]) for r in reqs] == [("1", "10000"), ("2", "10000")]
    assert elapsed < 60, elapsed


def test_hostnames_and_filters_with_the_cache(emulator, tmp_path):
    emulator.seed(instances=2, region="LON1", tags=["web"], size="g3.large", hostname_prefix="big")
    emulator.seed(instances=1, region="LON1", tags=["db"], hostname_prefix="small")
    inv = Inventory(emulator, tmp_path)
    cfg = inv.config(cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=inv.cache_dir,
                     cache_timeout=600,
                     # first non-empty wins: reverse_dns is empty here, the template gives a name
                     hostnames=["reverse_dns", "{{ civo_name.split('-')[0] }}-{{ civo_id[:4] }}.{{ civo_region | lower }}"],
                     filters=["civo_ram_mb >= 8192", "'web' in civo_tags"])
    emulator.clear_journal()
    listing, _ = inv.list(cfg)
    hv = listing["_meta"]["hostvars"]
    assert len(hv) == 2 and len(instance_requests(emulator)) == 1
    for name, host in hv.items():
        assert name == "big-%s.lon1" % host["civo_id"][:4]
        assert host["civo_ram_mb"] >= 8192
    assert group_hosts(listing, "civo_tag_web") == sorted(hv) and "civo_tag_db" not in listing

    # other hostnames and filters apply to the cached listing: no request
    emulator.clear_journal()
    listing, _ = inv.list(dict(cfg, hostnames=["no_such_field", "civo_name", "id"], filters=["'db' in civo_tags"]))
    assert emulator.journal() == []
    names = sorted(listing["_meta"]["hostvars"])
    assert len(names) == 1 and names[0].startswith("small-")
    assert listing["_meta"]["hostvars"][names[0]]["civo_name"] == names[0]

    # every entry empty: the id names the host
    listing, _ = inv.list(dict(cfg, hostnames=["reverse_dns"], filters=[]))
    every = listing["_meta"]["hostvars"]
    assert len(every) == 3 and all(name == host["civo_id"] for name, host in every.items())
    assert emulator.journal() == []

    # a filter that cannot be evaluated leaves the instance out, or is an error with strict
    listing, _ = inv.list(dict(cfg, filters=["civo_no_such_field > 1"]))
    assert listing["_meta"]["hostvars"] == {}
    proc = inv.run(dict(cfg, filters=["civo_no_such_field > 1"], strict=True), "--list")
    assert proc.returncode != 0 and "civo_no_such_field" in proc.stderr

    # bad entries fail before any request
    proc = inv.run(dict(cfg, hostnames=[""], cache=False), "--list")
    assert proc.returncode != 0 and "hostnames must hold" in proc.stderr
    assert emulator.journal() == []
