#!/usr/bin/env python3
"""Wait latency: from the emulator's state change to the module's return.

civo_instance creates an instance and waits until it is ACTIVE.  The emulator
makes it ACTIVE exactly ``build`` seconds after it accepted the create (the
journal's time of the POST), so

* latency  = module return (client clock) - (POST time + build),
* detection = time of the poll that saw ACTIVE (journal) - (POST time + build),

measured ``--samples`` times for each build time (median and max).  Then one
30-second build counts the requests spent polling, against a fixed 2-second
poller (Civo's own tools poll every 2-3 s) over the same build.

    python benchmarks/wait_bench.py [--builds 1,5,15] [--samples 3] [--long-build 30]
"""

import argparse
import sys

from _bench import civo_auth, median, print_table, start_emulator, timed_module


def one_create(emu, hostname, build):
    emu.config(build_seconds=build)
    emu.clear_journal()
    result, start, end = timed_module("civo_instance", dict(
        civo_auth(emu), hostname=hostname, size="g3.small", template_id="ubuntu-jammy", wait_timeout=600))
    journal = emu.journal()
    post = [e for e in journal if e["method"] == "POST"][-1]
    polls = [e for e in journal if e["method"] == "GET" and e["time"] > post["time"]]
    change = post["time"] + build
    return {
        "latency": end - change,
        "detection": polls[-1]["time"] - change,
        "polls": len(polls),
        "total": end - start,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--builds", default="1,5,15", help="build times in seconds, comma separated")
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--long-build", type=float, default=30.0)
    args = parser.parse_args()
    builds = [float(b) for b in args.builds.split(",") if b.strip()]

    emu = start_emulator(build_seconds=1)
    rows = []
    n = 0
    try:
        for build in builds + [args.long_build]:
            samples = []
            for dummy in range(args.samples if build != args.long_build else 1):
                n += 1
                samples.append(one_create(emu, "wait-%d.example.com" % n, build))
            fixed = int(build // 2) + 1
            polls = median([s["polls"] for s in samples])
            rows.append(("%gs build%s" % (build, " (request count)" if build == args.long_build else ""),
                         len(samples), median([s["latency"] for s in samples]), max(s["latency"] for s in samples),
                         median([s["detection"] for s in samples]), max(s["detection"] for s in samples),
                         polls, fixed, polls / float(fixed)))
    finally:
        emu.stop()

    print_table(
        "Wait latency of civo_instance create + wait (state change -> module return)",
        [("build", "%s"), ("samples", "%d"), ("latency median s", "%.2f"), ("latency max s", "%.2f"),
         ("detect median s", "%.2f"), ("detect max s", "%.2f"), ("polls", "%g"), ("2s-poller polls", "%d"),
         ("polls x 2s-poller", "%.2f")],
        rows,
        ["latency = module exit - (POST accepted + build); detect = poll that saw ACTIVE - (POST + build); the rest",
         "of the latency is the module process returning.  Polls back off 0.25 s x 1.6 up to 5 s: a short build is",
         "noticed fast, a long one costs about a dozen requests."])
    return 0


if __name__ == "__main__":
    sys.exit(main())
