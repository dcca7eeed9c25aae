#!/usr/bin/env python3
"""Requests per operation, counted in the emulator's journal.

* no-op by id (civo_instance with ``id``),
* no-op by hostname among 10,000 instances (civo_instance with ``hostname``),
* create + wait (civo_instance, image by name, default network, until ACTIVE),
* snapshot + wait: an instance snapshot (civo_instance_snapshot) and an account
  snapshot (civo_snapshot), until complete,

with a build time of ``--build-seconds`` (default 10) for every transition.  Each
row splits the requests into lookups, writes and polls (GETs of the object after
the write), and gives the module's wall time and the ratio of its polls to a
fixed 2-second poller over the same build (what Civo's own tools do).

    python benchmarks/requests_bench.py [--instances 10000] [--build-seconds 10]
"""

import argparse
import sys

from _bench import civo_auth, median, print_table, start_emulator, timed_module


def split(journal):
    """(lookups before the first write, writes, reads after the first write)."""
    writes = [i for i, e in enumerate(journal) if e["method"] != "GET"]
    if not writes:
        return len(journal), 0, 0
    first = writes[0]
    return first, len(writes), len([e for e in journal[first:] if e["method"] == "GET"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=10000)
    parser.add_argument("--build-seconds", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each no-op (median time)")
    args = parser.parse_args()
    build = args.build_seconds
    fixed_polls = max(1, int(build // 2) + 1)  # a 2 s poller: reads at 2, 4, ... until the first one after the build

    emu = start_emulator(build_seconds=build)
    rows = []
    try:
        auth = civo_auth(emu)

        def measure(label, name, params, fixed=None, repeat=1):
            times, journal = [], []
            for dummy in range(repeat):
                emu.clear_journal()
                result, start, end = timed_module(name, dict(auth, **params))
                times.append(end - start)
                journal = emu.journal()
            lookups, writes, polls = split(journal)
            rows.append((label, len(journal), lookups, writes, polls, median(times),
                         (polls / float(fixed)) if fixed else float("nan")))
            return result

        created = measure("create + wait (civo_instance)", "civo_instance",
                          dict(hostname="bench-0.example.com", size="g3.small", template_id="ubuntu-jammy",
                               wait_timeout=600), fixed=fixed_polls)
        iid = created["instance"]["id"]
        measure("no-op by id (civo_instance)", "civo_instance", dict(id=iid), repeat=args.repeat)
        measure("no-op by hostname, 1 instance", "civo_instance", dict(hostname="bench-0.example.com"),
                repeat=args.repeat)
        measure("instance snapshot + wait", "civo_instance_snapshot",
                dict(instance=iid, name="bench-isnap", wait_timeout=600), fixed=fixed_polls)
        measure("account snapshot + wait", "civo_snapshot", dict(instance=iid, name="bench-snap", wait_timeout=600),
                fixed=fixed_polls)
        emu.config(build_seconds=0.2)
        emu.seed(instances=args.instances - 1)
        measure("no-op by hostname, %d instances" % args.instances, "civo_instance",
                dict(hostname="bench-0.example.com"), repeat=args.repeat)
        measure("no-op by id, %d instances" % args.instances, "civo_instance", dict(id=iid), repeat=args.repeat)
    finally:
        emu.stop()

    print_table(
        "Requests per operation (build time %gs; no-ops: median time of %d runs)" % (build, args.repeat),
        [("operation", "%s"), ("requests", "%d"), ("lookups", "%d"), ("writes", "%d"), ("polls", "%d"),
         ("time (s)", "%.2f"), ("polls x 2s-poller", "%.2f")],
        rows,
        ["lookups = GETs before the first write (finding the object, resolving names); polls = GETs after it "
         "(waiting);",
         "polls x 2s-poller = polls / the %d reads a fixed 2-second poller makes over a %gs build"
         % (fixed_polls, build)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
