"""Helpers shared by the reliability tests (imported as ``_common``)."""

import importlib
import os
import re
import time
from urllib.parse import unquote

from runner import civo_auth, run_module, zomro_auth

# Every fault kind the soak injects (tests/emulator/README.md); "malformed" has tests of its own.
ALL_FAULTS = ("429", "500", "502", "503", "reset", "timeout", "lost_response", "late_applied")

MODULES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                           "plugins", "modules")


def discover_modules():
    """Every module of the collection, read from ``plugins/modules/`` (never a hand-kept list)."""
    return tuple(sorted(f[:-3] for f in os.listdir(MODULES_DIR)
                        if f.endswith(".py") and not f.startswith("_") and f != "__init__.py"))


MODULES = discover_modules()
CIVO_MODULES = tuple(m for m in MODULES if m.startswith("civo_"))
ZOMRO_MODULES = tuple(m for m in MODULES if m.startswith("zomro_"))

ZOMRO_ELID = "5203773"
CENTOS_OWN = "Centos 9 x64"  # a rescue image of the docs, in zone "own"
PUBLIC_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPvnwO2OjTAI/QOnmu4RNmgA/t+5GZfM+jah2DS7A1w8 "
              "reliability@example")
NEW_PUBLIC_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB3vGZ3s9v5jFQm1Jq8mC0y0mO8Wf6vXkS9Zb1tQxY2n "
                  "new@example")

# The smallest valid arguments of every module ({placeholders} from resource_world()/the suites' worlds).
# Every module in plugins/modules must have an entry (test_module_tables.py): a new module cannot
# skip the check-mode, secrets, bad-input and auth suites.
MODULE_ARGS = {
    "civo_disk_image_info": dict(),
    "civo_firewall": dict(name="rel-fw-new"),
    "civo_firewall_info": dict(),
    "civo_firewall_rule": dict(firewall="{fwname}", ports="5432", cidr=["10.20.0.0/24"]),
    "civo_instance": dict(hostname="rel-new.example.com", size="g3.xsmall", template_id="ubuntu-jammy"),
    "civo_instance_info": dict(),
    "civo_instance_snapshot": dict(instance="{id}", name="rel-isnap-new"),
    "civo_instance_snapshot_info": dict(instance="{id}"),
    "civo_network": dict(label="rel-net-new"),
    "civo_network_info": dict(),
    "civo_recovery": dict(instance="{id}"),
    "civo_region_info": dict(),
    "civo_reserved_ip": dict(name="rel-ip-new"),
    "civo_reserved_ip_info": dict(),
    "civo_size_info": dict(),
    "civo_snapshot": dict(name="rel-snap-new", instance="{id}"),
    "civo_snapshot_info": dict(),
    "civo_ssh_key": dict(name="rel-key-new", public_key=NEW_PUBLIC_KEY),
    "civo_ssh_key_info": dict(),
    "civo_volume": dict(name="rel-vol-new", size_gb=5),
    "civo_volume_info": dict(),
    "zomro_instance": dict(instance=ZOMRO_ELID, state="started"),
    "zomro_instance_info": dict(),
    "zomro_rescue": dict(instance=ZOMRO_ELID, image=CENTOS_OWN, rescue_password="rel-rescue-pw"),
}


def module_args(name, world=None):
    """``MODULE_ARGS[name]`` with its placeholders filled from ``world``."""
    world = world or {}
    out = {}
    for key, value in MODULE_ARGS[name].items():
        out[key] = value.format(**world) if isinstance(value, str) else value
    return out

# -- the real API's routes: every journaled request must be one of them -------------------------

# One path segment as a client sends it: percent-encoded, never empty, never "." or ".."
# (checked separately after decoding), no raw "/", "?", "#" or whitespace.
_SEG = r"[A-Za-z0-9\-._~%!$&'()*+,;=:@]+"
CIVO_ROUTES = [re.compile("^" + p + "$") for p in (
    r"/v2/(regions|sizes|disk_images|networks|firewalls|sshkeys|instances|snapshots|ips|volumes|volumetypes)",
    r"/v2/(disk_images|sshkeys|instances|snapshots|networks|firewalls|ips|volumes)/" + _SEG,
    r"/v2/firewalls/" + _SEG + r"/rules(/" + _SEG + r")?",
    r"/v2/ips/" + _SEG + r"/actions",
    r"/v2/volumes/" + _SEG + r"/(attach|detach|resize)",
    r"/v2/instances/" + _SEG + r"/(tags|reboots|hard_reboots|soft_reboots|stop|start|resize|firewall|recovery"
    r"|snapshots)",
    r"/v2/instances/" + _SEG + r"/snapshots/" + _SEG + r"(/restore|/restores/" + _SEG + r")?",
)]
# Query parameters the clients send (region everywhere; paging and tag filters on lists).
CIVO_QUERY = frozenset(["region", "page", "per_page", "tags"])
ZOMRO_PATHS = ("/", "/billmgr")
ZOMRO_FUNCS = frozenset(["auth", "whoami", "keepalive", "instances", "instances.fleio.rescue",
                         "instances.fleio.unrescue", "service.start", "service.stop", "service.reboot",
                         "service.hardreboot"])


def route_problems(journal):
    """Journal entries that are not requests to a real API route, as readable strings."""
    problems = []
    for entry in journal:
        path = entry.get("path", "")
        where = "%s %s" % (entry.get("method"), path)
        if "func" in entry:
            if path not in ZOMRO_PATHS or entry["method"] != "POST":
                problems.append("Zomro request to %s" % where)
            elif entry["func"] not in ZOMRO_FUNCS:
                problems.append("Zomro func %r" % entry["func"])
            continue
        if not any(rx.match(path) for rx in CIVO_ROUTES):
            problems.append("not a Civo API route: %s" % where)
            continue
        for seg in path.split("/")[1:]:
            decoded = unquote(seg)
            if decoded in (".", "..") or not decoded.strip():
                problems.append("dot or empty segment in %s" % where)
        extra = set(entry.get("query") or {}) - CIVO_QUERY
        if extra:
            problems.append("unexpected query parameters %s in %s" % (sorted(extra), where))
    return problems


class _Captured(Exception):
    pass


def module_options(name):
    """The module's argument spec and AnsibleModule rules exactly as the frame builds them (credentials
    and wait options included): its ``main()`` runs up to the AnsibleModule, which records and stops."""
    from ansible_collections.vmops.cloud.plugins.module_utils import base
    mod = importlib.import_module("ansible_collections.vmops.cloud.plugins.modules." + name)
    seen = {}

    def capture(argument_spec=None, supports_check_mode=False, **kwargs):
        seen.update(spec=argument_spec, kwargs=kwargs)
        raise _Captured()

    real, base.AnsibleModule = base.AnsibleModule, capture
    try:
        mod.main()
    except _Captured:
        pass
    finally:
        base.AnsibleModule = real
    assert "spec" in seen, "%s built no AnsibleModule" % name
    return seen["spec"], seen["kwargs"]


# -- running modules ------------------------------------------------------------------------------

def run(emulator, name, params, check=False, diff=False, **auth):
    """Run module ``name`` with the emulator's credentials added to ``params``."""
    creds = zomro_auth(emulator, **auth) if name.startswith("zomro_") else civo_auth(emulator, **auth)
    creds.update(params)
    return run_module(name, creds, check=check, diff=diff)


def ok(result, what=""):
    assert result.rc == 0 and not result.get("failed"), "%s: %s" % (what, result.get("msg") or result.output)
    assert "Traceback" not in result.output, result.output
    return result


def clean_failure(result, what=""):
    """A failure that is a message: JSON result, ``msg``, no traceback, not an internal error."""
    assert not result.get("unparsed"), "%s: no JSON result: %s" % (what, result.output[-2000:])
    assert "Traceback" not in result.output, "%s: %s" % (what, result.output[-3000:])
    assert result.rc != 0 and result.get("failed"), "%s: expected a failure: %s" % (what, result.output)
    assert isinstance(result.get("msg"), str) and result["msg"].strip(), "%s: no msg: %r" % (what, dict(result))
    assert not result["msg"].startswith("Internal error"), "%s: %s" % (what, result["msg"])
    return result


def api_instance(emulator, hostname, size="g3.xsmall", status="ACTIVE", **kw):
    """An ACTIVE (or SHUTOFF) instance made straight through the API (not by a module); journal cleared
    afterwards, so that a test's journal holds only what the module under test sent."""
    r = emulator.civo("POST", "/v2/instances", hostname=hostname, size=size, template_id="ubuntu-jammy", **kw)
    assert r.status_code == 200, r.text
    inst = emulator.wait_status(r.json()["id"], "ACTIVE")
    if status == "SHUTOFF":
        assert emulator.civo("PUT", "/v2/instances/%s/stop" % inst["id"]).status_code == 200
        inst = emulator.wait_status(inst["id"], "SHUTOFF")
    emulator.clear_journal()
    return inst


def wait_until(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for %s" % what
        time.sleep(0.05)


def resource_world(emu, prefix="rel"):
    """An SSH key, a firewall (default rules), a network, a reserved IP and a volume made straight
    through the API, settled; their ids and names as placeholders for MODULE_ARGS and the cases."""
    w = {}
    r = emu.civo("POST", "/v2/sshkeys", name=prefix + "-key", public_key=PUBLIC_KEY)
    assert r.status_code == 200, r.text
    w.update(key=r.json()["id"], keyname=prefix + "-key")
    r = emu.civo("POST", "/v2/networks", label=prefix + "-net")
    assert r.status_code == 200, r.text
    w.update(net=r.json()["id"], netlabel=prefix + "-net")
    wait_until(lambda: emu.civo("GET", "/v2/networks/%s" % w["net"]).json().get("status") == "Active", what="network")
    r = emu.civo("POST", "/v2/firewalls", name=prefix + "-fw")
    assert r.status_code == 200, r.text
    w.update(fw=r.json()["id"], fwname=prefix + "-fw")
    rules = emu.civo("GET", "/v2/firewalls/%s/rules" % w["fw"]).json()
    w["rule_ports"] = [x for x in rules if x.get("direction") == "ingress"][0]["start_port"]
    r = emu.civo("POST", "/v2/ips", name=prefix + "-ip")
    assert r.status_code == 200, r.text
    w.update(ip=r.json()["id"], ipname=prefix + "-ip")
    wait_until(lambda: emu.civo("GET", "/v2/ips/%s" % w["ip"]).json().get("ip"), what="reserved IP")
    default_net = [n for n in emu.civo("GET", "/v2/networks").json() if n.get("default")][0]["id"]
    r = emu.civo("POST", "/v2/volumes", name=prefix + "-vol", size_gb=5, network_id=default_net)
    assert r.status_code == 200, r.text
    w.update(vol=r.json()["id"], volname=prefix + "-vol")
    wait_until(lambda: emu.civo("GET", "/v2/volumes/%s" % w["vol"]).json().get("status") == "available",
               what="volume")
    return w


def all_instances(emulator, region="LON1"):
    r = emulator.civo("GET", "/v2/instances", region=region, per_page=100000)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def zomro_instances(emulator):
    doc = emulator.zomro(func="instances", p_cnt="1000",
                         authinfo="%s:%s" % (emulator.zomro_user, emulator.zomro_password))
    return [dict((k, v.get("$") if isinstance(v, dict) else v) for k, v in e.items()) for e in doc["doc"]["elem"]]
