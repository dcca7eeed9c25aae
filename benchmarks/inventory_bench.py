#!/usr/bin/env python3
"""Benchmark the vmops.cloud.civo inventory plugin against a static YAML inventory.

Starts its own emulator (tests/integration/emulator_proc.start_emulator), seeds
N instances (default 10,000), then times ``ansible-inventory --list`` and
measures its peak memory (max RSS of the child process) for:

* the plugin, cold (it lists the instances from the emulator),
* the plugin, cache hit (jsonfile cache; must send no request),
* a static YAML inventory with the same hosts, host variables and groups
  (written from the plugin's own output).

Each case runs ``--repeat`` times (default 1: the static case alone takes minutes); the table shows the median time
and the largest peak RSS, and the ratio of each case to the static inventory.
Not part of the test suite:

    python benchmarks/inventory_bench.py [--instances 10000] [--repeat 1] [--regions 1] [--keep]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

import yaml  # noqa: E402

from emulator_proc import start_emulator  # noqa: E402
from runner import BIN, base_env  # noqa: E402

REGIONS = ["LON1", "NYC1", "FRA1", "PHX1"]


def unwrap(value):
    """ansible-inventory --list marks untrusted strings as {"__ansible_unsafe": s}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def run_inventory(source, env, workdir):
    """Run ``ansible-inventory --list``; return (seconds, peak RSS in MiB, parsed output)."""
    out_path = os.path.join(workdir, "out.json")
    with open(out_path, "w") as out, open(os.path.join(workdir, "err.txt"), "w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen([str(BIN / "ansible-inventory"), "-i", source, "--list"],
                                stdout=out, stderr=err, env=env, cwd=workdir)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        with open(os.path.join(workdir, "err.txt")) as fh:
            raise SystemExit("ansible-inventory failed (rc %s):\n%s" % (proc.returncode, fh.read()[-3000:]))
    with open(out_path) as fh:
        data = json.load(fh)
    # ru_maxrss is in KiB on Linux.
    return elapsed, usage.ru_maxrss / 1024.0, data


def static_inventory(listing):
    """A YAML inventory (dict) with the hosts, hostvars and groups of an --list output."""
    listing = unwrap(listing)
    hostvars = listing["_meta"]["hostvars"]
    groups = {}
    for name, body in listing.items():
        if name in ("_meta", "all") or not isinstance(body, dict):
            continue
        groups[name] = {"hosts": dict((h, None) for h in body.get("hosts", []))}
    return {"all": {"hosts": hostvars, "children": groups}}


def count_hosts(listing):
    return len(listing["_meta"]["hostvars"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--regions", type=int, default=1, choices=range(1, len(REGIONS) + 1),
                        help="spread the instances over this many regions")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (inventories, cache, output)")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="inventory-bench-")
    emu = start_emulator(build_seconds=0.2)
    try:
        regions = REGIONS[:args.regions]
        per_region = [args.instances // len(regions)] * len(regions)
        per_region[0] += args.instances - sum(per_region)
        t0 = time.perf_counter()
        for region, count in zip(regions, per_region):
            emu.seed(instances=count, region=region, tags=["bench", region.lower()])
        seed_s = time.perf_counter() - t0

        env = base_env({"CIVO_TOKEN": emu.token})
        cache_dir = os.path.join(work, "cache")
        plugin_cfg = os.path.join(work, "bench.civo.yml")
        with open(plugin_cfg, "w") as fh:
            yaml.safe_dump({"plugin": "vmops.cloud.civo", "api_url": emu.url, "regions": regions,
                            "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
                            "cache_connection": cache_dir}, fh)

        rows = []

        def measure(label, source, before=None):
            times, peaks, requests, data = [], [], [], None
            for _ in range(args.repeat):
                if before:
                    before()
                emu.clear_journal()
                seconds, peak, data = run_inventory(source, env, work)
                times.append(seconds)
                peaks.append(peak)
                requests.append(len(emu.journal()))
            rows.append((label, statistics.median(times), max(peaks), max(requests), count_hosts(data)))
            return data

        def flush_cache():
            for name in os.listdir(cache_dir) if os.path.isdir(cache_dir) else []:
                os.unlink(os.path.join(cache_dir, name))

        listing = measure("plugin (API)", plugin_cfg, before=flush_cache)
        measure("plugin (cache hit)", plugin_cfg)

        static_path = os.path.join(work, "static.yml")
        with open(static_path, "w") as fh:
            yaml.safe_dump(static_inventory(listing), fh, default_flow_style=False)
        measure("static YAML", static_path)
    finally:
        emu.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    base_time, base_mem = rows[-1][1], rows[-1][2]
    print()
    print("ansible-inventory --list, %d instances in %d region(s), median of %d run(s); seeding took %.1fs"
          % (args.instances, len(regions), args.repeat, seed_s))
    header = "%-20s %10s %12s %10s %10s %9s %7s" % ("source", "time (s)", "peak RSS MiB", "time x", "memory x",
                                                    "requests", "hosts")
    print(header)
    print("-" * len(header))
    for label, seconds, peak, requests, hosts in rows:
        print("%-20s %10.2f %12.1f %10.2f %10.2f %9d %7d"
              % (label, seconds, peak, seconds / base_time, peak / base_mem, requests, hosts))
    print("(x = ratio to the static YAML inventory of the same hosts; requests = API requests per run)")
    if args.keep:
        print("work dir: %s" % work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
