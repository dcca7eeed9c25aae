"""Helpers shared by the reliability tests (imported as ``_common``)."""

import re
from urllib.parse import unquote

from runner import civo_auth, run_module, zomro_auth

# Every fault kind the soak injects (tests/emulator/README.md); "malformed" has tests of its own.
ALL_FAULTS = ("429", "500", "502", "503", "reset", "timeout", "lost_response", "late_applied")

CIVO_MODULES = ("civo_instance", "civo_instance_info", "civo_recovery", "civo_snapshot", "civo_snapshot_info",
                "civo_instance_snapshot", "civo_instance_snapshot_info")
ZOMRO_MODULES = ("zomro_rescue", "zomro_instance_info")
MODULES = CIVO_MODULES + ZOMRO_MODULES

ZOMRO_ELID = "5203773"
CENTOS_OWN = "Centos 9 x64"  # a rescue image of the docs, in zone "own"

# -- the real API's routes: every journaled request must be one of them -------------------------

# One path segment as a client sends it: percent-encoded, never empty, never "." or ".."
# (checked separately after decoding), no raw "/", "?", "#" or whitespace.
_SEG = r"[A-Za-z0-9\-._~%!$&'()*+,;=:@]+"
CIVO_ROUTES = [re.compile("^" + p + "$") for p in (
    r"/v2/(regions|sizes|disk_images|networks|firewalls|sshkeys|instances|snapshots)",
    r"/v2/(disk_images|sshkeys|instances|snapshots)/" + _SEG,
    r"/v2/instances/" + _SEG + r"/(tags|reboots|hard_reboots|soft_reboots|stop|start|resize|firewall|recovery"
    r"|snapshots)",
    r"/v2/instances/" + _SEG + r"/snapshots/" + _SEG + r"(/restore|/restores/" + _SEG + r")?",
)]
# Query parameters the clients send (region everywhere; paging and tag filters on lists).
CIVO_QUERY = frozenset(["region", "page", "per_page", "tags"])
ZOMRO_PATHS = ("/", "/billmgr")
ZOMRO_FUNCS = frozenset(["auth", "instances", "instances.fleio.rescue", "instances.fleio.unrescue"])


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
    """An ACTIVE instance made straight through the API (not by a module); journal cleared."""
    r = emulator.civo("POST", "/v2/instances", hostname=hostname, size=size, template_id="ubuntu-jammy", **kw)
    assert r.status_code == 200, r.text
    inst = emulator.wait_status(r.json()["id"], "ACTIVE")
    if status == "SHUTOFF":
        assert emulator.civo("PUT", "/v2/instances/%s/stop" % inst["id"]).status_code == 200
        inst = emulator.wait_status(inst["id"], "SHUTOFF")
    return inst


def all_instances(emulator, region="LON1"):
    r = emulator.civo("GET", "/v2/instances", region=region, per_page=100000)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def zomro_instances(emulator):
    doc = emulator.zomro(func="instances", p_cnt="1000",
                         authinfo="%s:%s" % (emulator.zomro_user, emulator.zomro_password))
    return [dict((k, v.get("$") if isinstance(v, dict) else v) for k, v in e.items()) for e in doc["doc"]["elem"]]
