#!/usr/bin/env python3
"""Run the ansible-test integration targets (tests/integration/targets/) of vmops.cloud.

    python tests/integration/run_targets.py COLLECTION_COPY [TARGET ...]

COLLECTION_COPY is the collection as ansible-test needs it (.../ansible_collections/vmops/cloud,
a real directory: `bash scripts/test.sh targets` prepares it in .build/ansible-test/).  This script
writes COLLECTION_COPY/tests/integration/integration_config.yml (ansible-test passes it to every
target as extra vars), runs `ansible-test integration --local` there, and removes the file again.

Default (emulator mode): starts tests/emulator on a free loopback port, seeds a "bystander"
instance and snapshot that no target may touch, runs the targets against it, then checks that
nothing with the run's prefix is left, that the bystander was never changed, and that the Zomro
instance is out of rescue mode.  Nothing is sent anywhere but 127.0.0.1.

Live mode (opt-in, costs money): VMOPS_LIVE=1 with real credentials in the environment:
CIVO_TOKEN (or CIVO_API_KEY), CIVO_REGION (default LON1); optionally ZOMRO_USERNAME and
ZOMRO_PASSWORD (without them the Zomro targets are left out) and VMOPS_ZOMRO_INSTANCE (a
disposable Zomro instance the zomro_instance target may stop, start and restart and the zomro_rescue
target may put into rescue mode and back; without it only the read-only and failure checks of the Zomro
targets run).  CIVO_API_URL / ZOMRO_API_URL
default to the real APIs.  VMOPS_CIVO_SIZE / VMOPS_CIVO_TEMPLATE override the size (g3.xsmall)
and image (ubuntu-jammy) of the instances the targets create.  See README.md, "Testing against a
real account".
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

TARGETS_DIR = os.path.join(HERE, "targets")
ZOMRO_TARGETS = ("inventory_zomro", "zomro_instance", "zomro_instance_info", "zomro_rescue")
CONFIG_REL = os.path.join("tests", "integration", "integration_config.yml")
BYSTANDER = "bystander-not-ours"
ZOMRO_INSTANCE = "5203773"  # the emulator's first Zomro instance, the one the zomro targets may stop and rescue


def all_targets():
    return sorted(t for t in os.listdir(TARGETS_DIR)
                  if os.path.isdir(os.path.join(TARGETS_DIR, t)) and not t.startswith("setup_"))


def write_config(copy, values):
    path = os.path.join(copy, CONFIG_REL)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# written by tests/integration/run_targets.py; removed after the run\n")
        json.dump(values, fh, indent=2, sort_keys=True)  # JSON is YAML
        fh.write("\n")
    return path


def ansible_test_cmd(targets):
    return ["ansible-test", "integration", "--local", "--python", "%d.%d" % sys.version_info[:2],
            "--color", "no"] + list(targets)


def target_weight(target):
    """Rough cost of a target (its module runs dominate): the number of task lines it has."""
    total = 0
    for root, _dirs, files in os.walk(os.path.join(TARGETS_DIR, target, "tasks")):
        for name in files:
            with open(os.path.join(root, name), encoding="utf-8") as fh:
                total += sum(1 for line in fh if line.lstrip().startswith("- name:"))
    return total or 1


def shards(targets, jobs):
    """Split targets into at most `jobs` groups of about equal weight. The Zomro targets share the one
    instance they may change, so they stay together, in their (alphabetical) order, in one group."""
    zomro = [t for t in targets if t in ZOMRO_TARGETS]
    units = [[t] for t in targets if t not in ZOMRO_TARGETS] + ([zomro] if zomro else [])
    groups = [[] for _ in range(max(1, min(jobs, len(units))))]
    weight = [0] * len(groups)
    for unit in sorted(units, key=lambda u: -sum(target_weight(t) for t in u)):
        i = weight.index(min(weight))
        groups[i].extend(unit)
        weight[i] += sum(target_weight(t) for t in unit)
    return [sorted(g) for g in groups if g]


def jobs_wanted():
    """VMOPS_TARGET_JOBS, else one ansible-test per CPU up to 2 (the targets of a group run one by one)."""
    value = os.environ.get("VMOPS_TARGET_JOBS")
    if value:
        return max(1, int(value))
    return max(1, min(2, os.cpu_count() or 1))


def ansible_test(copy, targets, jobs=1):
    """Run the targets with ansible-test, in `jobs` concurrent ansible-test processes (separate target
    groups, the same collection copy: every target runs in its own temporary directory). The output of
    a group is printed when it ends, so that it is not interleaved."""
    groups = shards(targets, jobs)
    started = time.monotonic()
    if len(groups) == 1:
        cmd = ansible_test_cmd(groups[0])
        print("+ " + " ".join(cmd), flush=True)
        rc = subprocess.call(cmd, cwd=copy)
        print("ansible-test integration: rc=%d in %.1fs" % (rc, time.monotonic() - started), flush=True)
        return rc
    procs = []
    for i, group in enumerate(groups):
        cmd = ansible_test_cmd(group)
        print("+ [group %d] %s" % (i + 1, " ".join(cmd)), flush=True)
        log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        procs.append((i + 1, subprocess.Popen(cmd, cwd=copy, stdout=log, stderr=subprocess.STDOUT), log))
    rc = 0
    for number, proc, log in procs:
        code = proc.wait()
        log.seek(0)
        print("=" * 30 + " group %d (rc=%d) " % (number, code) + "=" * 30, flush=True)
        sys.stdout.write(log.read())
        sys.stdout.flush()
        log.close()
        rc = rc or code
    print("ansible-test integration (%d groups): rc=%d in %.1fs" % (len(procs), rc, time.monotonic() - started),
          flush=True)
    return rc


def prefix():
    return "vit-" + secrets.token_hex(4)


# ----------------------------------------------------------------------------- emulator mode
def seed_bystander(emu):
    """An instance and an instance snapshot without the run's prefix: no target may touch them."""
    inst = emu.civo("POST", "/v2/instances", hostname=BYSTANDER, size="g3.small",
                    template_id="ubuntu-jammy", tags="bystander").json()
    emu.wait_status(inst["id"], "ACTIVE")
    r = emu.civo("POST", "/v2/instances/%s/snapshots" % inst["id"], name=BYSTANDER)
    r.raise_for_status()
    # two more Zomro instances: the targets may only rescue the designated one (vmops_zomro_instance)
    emu.seed(zomro_instances=2)
    emu.clear_journal()
    bystander = emu.instance(inst["id"])
    bystander["_others"] = others(emu)
    return bystander


# the account's own objects (no run prefix): every target must leave them exactly as they were
OTHERS = ("/v2/sshkeys", "/v2/firewalls", "/v2/networks", "/v2/volumes", "/v2/ips")


def listed(emu, path):
    """Every object of a Civo list route (every page of a paged one); None when the route is missing."""
    items, page = [], 1
    while True:
        r = emu.civo("GET", path, region="LON1", page=page, per_page=100)
        if r.status_code != 200:
            return None
        body = r.json()
        if not isinstance(body, dict):
            return body
        items.extend(body.get("items") or [])
        if page >= int(body.get("pages") or 1):
            return items
        page += 1


def label_of(item):
    return str(item.get("name") or item.get("label") or item.get("hostname") or "")


def others(emu):
    found = {}
    for path in OTHERS:
        items = listed(emu, path)
        if items is None:
            continue
        found[path] = sorted(json.dumps(i, sort_keys=True) for i in items if not label_of(i).startswith("vit-"))
    return found


def account_snapshots(emu):
    r = emu.civo("GET", "/v2/snapshots")
    return r.status_code == 200 and isinstance(r.json(), list)


def check_emulator(emu, run_prefix, bystander):
    problems = []
    instances = emu.civo("GET", "/v2/instances", per_page=1000).json()["items"]
    left = [i["hostname"] for i in instances if i["hostname"].startswith(run_prefix)
            and i.get("status") != "DELETING"]
    if left:
        problems.append("instances left behind: %s" % ", ".join(sorted(left)))
    for path in OTHERS:
        ours = [label_of(i) for i in listed(emu, path) or [] if label_of(i).startswith(run_prefix)
                and str(i.get("status", "")).lower() != "deleting"]
        if ours:
            problems.append("%s left behind: %s" % (path, ", ".join(sorted(ours))))
    r = emu.civo("GET", "/v2/snapshots")
    if r.status_code == 200 and isinstance(r.json(), list):
        snaps = [s["name"] for s in r.json() if str(s.get("name", "")).startswith(run_prefix)]
        if snaps:
            problems.append("account snapshots left behind: %s" % ", ".join(sorted(snaps)))
    now = emu.instance(bystander["id"])
    if now is None:
        problems.append("the bystander instance %s was deleted" % BYSTANDER)
    else:
        for key in ("hostname", "status", "tags", "size"):
            if now.get(key) != bystander.get(key):
                problems.append("the bystander's %s changed: %r -> %r" % (key, bystander.get(key), now.get(key)))
        snaps = emu.civo("GET", "/v2/instances/%s/snapshots" % bystander["id"]).json()
        if [s.get("name") for s in snaps] != [BYSTANDER]:
            problems.append("the bystander's snapshots changed: %r" % [s.get("name") for s in snaps])
    now_others = others(emu)
    for path, before in bystander["_others"].items():
        if now_others.get(path) != before:
            problems.append("%s without the run prefix changed: %r -> %r" % (path, before, now_others.get(path)))
    journal = emu.journal()
    touched = [e for e in emu.mutating() if bystander["id"] in e.get("path", "")]
    if touched:
        problems.append("changing requests sent to the bystander: %r" % touched)
    zomro_touched = [e["func"] for e in emu.mutating()
                     if "func" in e and str(e.get("form", {}).get("elid", ZOMRO_INSTANCE)) != ZOMRO_INSTANCE]
    if zomro_touched:
        problems.append("changing Zomro requests for an instance other than %s: %r" % (ZOMRO_INSTANCE, zomro_touched))
    zomro = emu.zomro(func="instances", authinfo="%s:%s" % (emu.zomro_user, emu.zomro_password))
    for elem in zomro["doc"].get("elem", []):
        elid = str(elem.get("id", {}).get("$"))
        states = {str((elem.get(k) or {}).get("$", "")).strip().lower()
                  for k in ("instance_status", "fotbo_status")} - {""}
        if states & {"rescued", "rescuing"}:
            problems.append("Zomro instance %s left in rescue mode" % elid)
        if elid == ZOMRO_INSTANCE and states != {"active"}:
            problems.append("Zomro instance %s left %s, not running" % (elid, "/".join(sorted(states))))
    methods = {}
    for e in journal:
        key = e.get("method") if "func" not in e else "zomro " + e["func"]
        methods[key] = methods.get(key, 0) + 1
    print("requests the targets sent to the emulator: %d (%s)" % (
        len(journal), ", ".join("%s %d" % kv for kv in sorted(methods.items()))), flush=True)
    return problems


def run_emulator(copy, targets):
    from emulator_proc import start_emulator

    emu = start_emulator(build_seconds=0.2)
    config = None
    try:
        bystander = seed_bystander(emu)
        run_prefix = prefix()
        config = write_config(copy, {
            "vmops_live": False,
            "vmops_resource_prefix": run_prefix,
            "vmops_civo_api_url": emu.url,
            "vmops_civo_api_key": emu.token,
            "vmops_civo_region": "LON1",
            "vmops_zomro_api_url": emu.url + "/",
            "vmops_zomro_username": emu.zomro_user,
            "vmops_zomro_password": emu.zomro_password,
            "vmops_zomro_instance": ZOMRO_INSTANCE,
            # does this emulator offer the legacy account snapshot API (/v2/snapshots)?
            "vmops_account_snapshots": account_snapshots(emu),
        })
        print("emulator on %s, resource prefix %s" % (emu.url, run_prefix), flush=True)
        rc = ansible_test(copy, targets, jobs_wanted())
        problems = check_emulator(emu, run_prefix, bystander)
        for p in problems:
            print("FAIL: " + p, file=sys.stderr)
        if rc == 0 and not problems:
            print("every target passed; nothing left behind, nothing without the prefix touched")
        return rc or (1 if problems else 0)
    finally:
        if config and os.path.exists(config):
            os.unlink(config)
        emu.stop()


# ----------------------------------------------------------------------------- live mode
def run_live(copy, targets):
    env = os.environ
    token = env.get("CIVO_TOKEN") or env.get("CIVO_API_KEY")
    if not token:
        print("VMOPS_LIVE=1 needs CIVO_TOKEN (or CIVO_API_KEY) in the environment", file=sys.stderr)
        return 2
    has_zomro = bool(env.get("ZOMRO_USERNAME") and env.get("ZOMRO_PASSWORD"))
    if not has_zomro:
        print("no ZOMRO_USERNAME/ZOMRO_PASSWORD: leaving out %s" % ", ".join(ZOMRO_TARGETS))
        targets = [t for t in targets if t not in ZOMRO_TARGETS]
    run_prefix = prefix()
    print("=" * 78)
    print("LIVE MODE: the targets run against the REAL Civo%s API with your account." % (
        " and Zomro" if has_zomro else ""))
    print("They create billed instances and snapshots named %s-* and delete them at the end." % run_prefix)
    if env.get("VMOPS_ZOMRO_INSTANCE"):
        print("Zomro instance %s will be stopped, started, restarted, and put into rescue mode and back."
              % env["VMOPS_ZOMRO_INSTANCE"])
    print("If the run is interrupted, delete anything named %s-* by hand." % run_prefix)
    print("=" * 78, flush=True)
    config = write_config(copy, {
        "vmops_live": True,
        "vmops_resource_prefix": run_prefix,
        "vmops_civo_api_url": env.get("CIVO_API_URL") or "https://api.civo.com",
        "vmops_civo_api_key": token,
        "vmops_civo_region": env.get("CIVO_REGION") or "LON1",
        "vmops_zomro_api_url": env.get("ZOMRO_API_URL") or "https://api.zomro.com/",
        "vmops_zomro_username": env.get("ZOMRO_USERNAME", ""),
        "vmops_zomro_password": env.get("ZOMRO_PASSWORD", ""),
        "vmops_zomro_instance": env.get("VMOPS_ZOMRO_INSTANCE", ""),
        "vmops_civo_size": env.get("VMOPS_CIVO_SIZE") or "g3.xsmall",
        "vmops_civo_template": env.get("VMOPS_CIVO_TEMPLATE") or "ubuntu-jammy",
    })
    try:
        return ansible_test(copy, targets)
    finally:
        os.unlink(config)


def main(argv):
    if len(argv) < 1 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    copy = os.path.abspath(argv[0])
    targets = argv[1:] or all_targets()
    if os.environ.get("VMOPS_LIVE") == "1":
        return run_live(copy, targets)
    return run_emulator(copy, targets)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
