"""Fault soak: 300+ module runs while the emulator injects 20% faults of every kind.

Worker threads (each with its own hostnames, snapshot names and Zomro instance)
take instances through their life: create, retag, resize, stop, start, restart,
recovery mode on and off (with reboots), an account snapshot, an instance
snapshot, Zomro rescue on and off, and every other round delete.  Each round ends
with a no-op run that must report no change.  Meanwhile one request in five gets a
fault: 429 (Retry-After), 500, an HTML 502, 503, a reset, a timeout or a lost
response (applied, then the connection dropped).

Required: no run fails, and afterwards (faults off) the emulator holds exactly the
desired state, one instance per hostname and one snapshot per name.

Modules run with ``api_timeout: 2`` (a timeout fault holds the connection for 3 s)
and ``api_retries: 8`` instead of the default 5: with ~2,000 requests at a 20% fault
rate, six faults in a row on one request (0.2^6 each) would otherwise happen in
about one soak in ten, which would be the dice, not a bug.
"""

import collections
import os
import threading
import time
import traceback

from _common import ALL_FAULTS, CENTOS_OWN, all_instances, route_problems, run, zomro_instances

WORKERS = int(os.environ.get("SOAK_WORKERS", "8"))
ROUNDS = int(os.environ.get("SOAK_ROUNDS", "3"))
FAULT_RATE = 0.2
SEED = int(os.environ.get("SOAK_SEED", "9"))
BUILD_SECONDS = 0.3
COMMON = dict(api_timeout=2, api_retries=8, wait_timeout=60)
MIN_RUNS = 300


def hostname(worker, rnd):
    return "soak-w%d-r%d.example.com" % (worker, rnd)


def snapshot_name(worker, rnd):
    return "soak-w%d-r%d" % (worker, rnd)


def kept(rnd):
    """Odd rounds end with the instance deleted; even rounds keep it."""
    return rnd % 2 == 0


def desired_tags(worker, rnd):
    return sorted(["soak", "w%d" % worker, "r%d" % rnd])


class Soak:
    def __init__(self, emulator, zomro_elids):
        self.emu = emulator
        self.zomro_elids = zomro_elids
        self.lock = threading.Lock()
        self.runs = 0
        self.changed = collections.Counter()
        self.failures = []
        self.adopted = 0
        self.warnings = []

    def module(self, worker, step, name, params, expect_changed=None):
        params = dict(COMMON, **params)
        started = time.monotonic()
        result = run(self.emu, name, params)
        with self.lock:
            self.runs += 1
            if result.get("failed") or result.rc != 0 or "Traceback" in result.output:
                self.failures.append("worker %d, %s (%s, %.1fs): %s" % (
                    worker, step, name, time.monotonic() - started, result.get("msg") or result.output[-1500:]))
                raise StepFailed(step)
            if expect_changed is not None and bool(result.get("changed")) != expect_changed:
                self.failures.append("worker %d, %s (%s): changed=%s, expected %s; actions %s" % (
                    worker, step, name, result.get("changed"), expect_changed, result.get("actions")))
                raise StepFailed(step)
            self.changed[name] += bool(result.get("changed"))
            if result.get("adopted"):
                self.adopted += 1
            self.warnings.extend(result.get("warnings") or [])
        return result

    def worker(self, w):
        try:
            for rnd in range(ROUNDS):
                self.round(w, rnd)
        except StepFailed:
            pass
        except Exception:  # a bug in this test: report it like a failed run
            with self.lock:
                self.failures.append("worker %d: %s" % (w, traceback.format_exc()))

    def round(self, w, rnd):
        host = hostname(w, rnd)
        m = self.module
        inst = m(w, "create %s" % host, "civo_instance", dict(
            hostname=host, size="g3.xsmall", template_id="ubuntu-jammy", tags=["soak", "w%d" % w]),
            expect_changed=True)["instance"]
        iid = inst["id"]
        assert inst["status"] == "ACTIVE", inst
        m(w, "retag", "civo_instance", dict(id=iid, tags=desired_tags(w, rnd)), expect_changed=True)
        m(w, "resize", "civo_instance", dict(id=iid, size="g3.small"), expect_changed=True)
        m(w, "stop", "civo_instance", dict(id=iid, state="stopped"), expect_changed=True)
        m(w, "start", "civo_instance", dict(id=iid, state="started"), expect_changed=True)
        m(w, "restart", "civo_instance", dict(id=iid, state="restarted"), expect_changed=True)
        m(w, "recovery on", "civo_recovery", dict(instance=iid, state="enabled", reboot=True), expect_changed=True)
        m(w, "recovery off", "civo_recovery", dict(instance=host, state="disabled", reboot=True),
          expect_changed=True)
        m(w, "account snapshot", "civo_snapshot", dict(name=snapshot_name(w, rnd), instance=iid),
          expect_changed=True)
        m(w, "instance snapshot", "civo_instance_snapshot",
          dict(instance=iid, name="snap-r%d" % rnd, description="soak"), expect_changed=True)
        elid = self.zomro_elids[w]
        m(w, "rescue on", "zomro_rescue", dict(instance=elid, state="enabled", image=CENTOS_OWN,
                                               rescue_password="soak-rescue-%d" % w), expect_changed=True)
        m(w, "rescue off", "zomro_rescue", dict(instance=elid, state="disabled"), expect_changed=True)
        if kept(rnd):
            m(w, "no-op", "civo_instance", dict(id=iid, hostname=host, size="g3.small", tags=desired_tags(w, rnd),
                                                state="started"), expect_changed=False)
        else:
            m(w, "delete", "civo_instance", dict(hostname=host, state="absent"), expect_changed=True)
            m(w, "no-op", "civo_instance", dict(hostname=host, state="absent"), expect_changed=False)


class StepFailed(Exception):
    pass


def test_fault_soak(emulator):
    emulator.config(build_seconds=BUILD_SECONDS)
    zomro_elids = emulator.seed(zomro_instances=WORKERS)["zomro_instances"]
    emulator.faults(FAULT_RATE, ALL_FAULTS, seed=SEED, timeout_seconds=3, retry_after=1)
    soak = Soak(emulator, zomro_elids)
    started = time.monotonic()
    threads = [threading.Thread(target=soak.worker, args=(w,), name="soak-%d" % w) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    emulator.clear_faults()
    journal = emulator.journal()

    faults = collections.Counter(e["fault"] for e in journal if e.get("fault"))
    lost_mutations = collections.Counter(
        "%s %s" % (e["method"], _route(e)) for e in journal
        if e.get("fault") == "lost_response" and (e["method"] != "GET" and e.get("func") not in ("auth", "instances")))
    print("\nsoak: %d module runs by %d workers in %.0fs; %d requests, %d faulted %s; lost answers to "
          "applied changes: %s; adopted %d" % (soak.runs, WORKERS, elapsed, len(journal), sum(faults.values()),
                                               dict(faults), dict(lost_mutations), soak.adopted))

    assert not soak.failures, "%d run(s) failed under faults:\n%s" % (len(soak.failures), "\n".join(soak.failures))
    assert soak.runs >= MIN_RUNS or WORKERS * ROUNDS < 24, soak.runs
    # The faults were real: every kind was injected, at about the configured rate.
    assert set(faults) == set(ALL_FAULTS), faults
    assert 0.1 < sum(faults.values()) / float(len(journal)) < 0.3
    assert sum(lost_mutations.values()) > 0
    assert not route_problems(journal)

    # -- the final state, read with faults off ------------------------------------------------
    instances = all_instances(emulator)
    by_host = collections.defaultdict(list)
    for inst in instances:
        by_host[inst["hostname"]].append(inst)
    wanted_hosts = set(hostname(w, r) for w in range(WORKERS) for r in range(ROUNDS) if kept(r))
    duplicates = dict((h, [i["id"] for i in v]) for h, v in by_host.items() if len(v) > 1)
    assert not duplicates, "several instances per hostname: %s" % duplicates
    assert set(by_host) == wanted_hosts, (sorted(set(by_host) - wanted_hosts), sorted(wanted_hosts - set(by_host)))
    for w in range(WORKERS):
        for r in range(ROUNDS):
            if not kept(r):
                continue
            inst = by_host[hostname(w, r)][0]
            assert inst["status"] == "ACTIVE" and inst["size"] == "g3.small", inst
            assert sorted(inst["tags"]) == desired_tags(w, r), inst
            recovery = emulator.civo("GET", "/v2/instances/%s/recovery" % inst["id"]).json()
            assert recovery == {"result": "false"}
            snaps = emulator.civo("GET", "/v2/instances/%s/snapshots" % inst["id"]).json()
            assert [s["name"] for s in snaps] == ["snap-r%d" % r], snaps
            assert snaps[0]["status"]["state"] == "Complete"

    snapshots = emulator.civo("GET", "/v2/snapshots").json()
    names = collections.Counter(s["name"] for s in snapshots)
    assert all(n == 1 for n in names.values()), names
    assert set(names) == set(snapshot_name(w, r) for w in range(WORKERS) for r in range(ROUNDS))
    assert all(s["status"] == "complete" for s in snapshots), snapshots

    zomro = dict((z["id"], z) for z in zomro_instances(emulator))
    for elid in zomro_elids:
        assert zomro[str(elid)]["instance_status"].lower() == "active", zomro[str(elid)]


def _route(entry):
    if "func" in entry:
        return entry["func"]
    parts = entry["path"].split("/")
    return "/".join(":id" if len(p) == 36 else p for p in parts)
