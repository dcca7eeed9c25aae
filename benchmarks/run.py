#!/usr/bin/env python3
"""Run every benchmark of vmops.cloud and rewrite benchmarks/RESULTS.md.

    bash benchmarks/run.sh                 # every benchmark, full size (about 15-25 minutes on 2 cores)
    bash benchmarks/run.sh --quick         # smaller sizes: a smoke run of the scripts (a few minutes)
    bash benchmarks/run.sh --only wait,requests

Each benchmark is a standalone script in this directory (``*_bench.py``) that starts
its own emulator and prints its table; this runner runs them one after the other,
shows their output as it comes, and writes RESULTS.md with the date, the machine
(cores, CPU, memory, load), the versions, the command and every table.  A
benchmark that fails is reported in RESULTS.md (and makes the exit status 1) but
does not stop the others.  Not part of scripts/test.sh.
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "RESULTS.md")
QUICK_NOTE = " (quick mode: smaller sizes, not the reference figures)"

# name -> (script, title, full arguments, --quick arguments)
BENCHMARKS = [
    ("task_cost", "task_cost_bench.py", "Per-task cost: civo_instance vs ansible.builtin.uri",
     [], ["--repeat", "1"]),
    ("requests", "requests_bench.py", "Requests per operation",
     [], ["--instances", "1000", "--build-seconds", "3", "--repeat", "1"]),
    ("wait", "wait_bench.py", "Wait latency",
     [], ["--builds", "1,3", "--samples", "2", "--long-build", "8"]),
    ("scale", "scale_bench.py", "Scale: provision and back up 1 vs 50 instances",
     [], ["--count", "5", "--build-seconds", "5"]),
    ("inventory", "inventory_bench.py", "Inventory plugin vs static YAML (benchmarks/inventory_bench.py)",
     [], ["--instances", "1000"]),
]


def machine():
    model = ""
    mem = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
        with open("/proc/meminfo") as fh:
            kib = next((int(line.split()[1]) for line in fh if line.startswith("MemTotal")), 0)
            mem = "%.1f GiB RAM" % (kib / 1024.0 / 1024.0)
    except (OSError, ValueError):
        pass
    return "%d CPU cores%s, %s, %s %s" % (os.cpu_count() or 0, " (%s)" % model if model else "", mem or "? RAM",
                                          platform.system(), platform.release())


def versions():
    try:
        from ansible.release import __version__ as ansible_version
    except ImportError:
        ansible_version = "?"
    return "Python %s, ansible-core %s" % (platform.python_version(), ansible_version)


def load():
    try:
        return "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "?"


def run_one(script, args):
    """Run a benchmark script, echoing its output; return (exit code, output, seconds)."""
    cmd = [sys.executable, os.path.join(HERE, script)] + args
    print("\n==> %s" % " ".join([os.path.relpath(cmd[1], REPO)] + args), flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO)
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line)
    proc.wait()
    return proc.returncode, "".join(lines), time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run, not the figures)")
    parser.add_argument("--only", default="", help="comma-separated names: %s" % ", ".join(b[0] for b in BENCHMARKS))
    parser.add_argument("--output", default=RESULTS, help="where to write the results (default: %(default)s)")
    args = parser.parse_args()
    only = set(n.strip() for n in args.only.split(",") if n.strip())
    unknown = only - set(b[0] for b in BENCHMARKS)
    if unknown:
        parser.error("unknown benchmark(s): %s" % ", ".join(sorted(unknown)))

    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = load()
    sections = []
    failed = []
    for name, script, title, full, quick in BENCHMARKS:
        if only and name not in only:
            continue
        if not os.path.exists(os.path.join(HERE, script)):
            sections.append((title, script, [], None, "(%s is not present: skipped)" % script, 0.0))
            continue
        bench_args = quick if args.quick else full
        code, output, seconds = run_one(script, bench_args)
        if code != 0:
            failed.append(name)
        sections.append((title, script, bench_args, code, output, seconds))

    command = "bash benchmarks/run.sh" + "".join(" " + a for a in sys.argv[1:])
    lines = [
        "# Benchmark results",
        "",
        "Written by `benchmarks/run.py`; do not edit by hand. Re-run with the command below.",
        "",
        "* Date: %s (UTC)" % started.strftime("%Y-%m-%d %H:%M"),
        "* Machine: %s" % machine(),
        "* Load average (1, 5, 15 min) before / after: %s / %s" % (load_before, load()),
        "* Software: %s" % versions(),
        "* Command: `%s`%s" % (command, QUICK_NOTE if args.quick else ""),
        "",
        "The times depend on the machine and its load; the ratios, measured in the same run, are the figures",
        "to compare. See benchmarks/README.md for what each benchmark measures.",
    ]
    for title, script, bench_args, code, output, seconds in sections:
        lines += ["", "## %s" % title, ""]
        if code is None:
            lines.append(output)
            continue
        status = "" if code == 0 else ", FAILED with exit status %d" % code
        lines.append("`%s` (%.0f s%s)" % (" ".join(["benchmarks/" + script] + bench_args), seconds, status))
        lines += ["", "```", output.strip("\n"), "```"]
    with open(args.output, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\nwrote %s%s" % (os.path.relpath(args.output), "; FAILED: %s" % ", ".join(failed) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
