"""Shared helpers of the benchmarks: the emulator, module and playbook runs, tables."""

import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

from emulator_proc import start_emulator  # noqa: E402,F401  (re-exported)
from runner import BIN, base_env, civo_auth, run_module, run_playbook  # noqa: E402,F401


def median(values):
    return statistics.median(values) if values else float("nan")


def timed_module(name, params, **kw):
    """Run a module; return ``(result, start, end)`` (wall clock, seconds since the epoch)."""
    start = time.time()
    result = run_module(name, params, **kw)
    end = time.time()
    if result.rc != 0 or result.get("failed"):
        raise SystemExit("%s failed: %s" % (name, result.get("msg") or result.output[-3000:]))
    return result, start, end


def timed_playbook(text, env=None, extra_vars=None):
    """Run a playbook (YAML text); return its wall time in seconds.  Exits on failure."""
    start = time.perf_counter()
    proc = run_playbook(text, extra_vars=extra_vars, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit("playbook failed (rc %s):\n%s" % (proc.returncode, (proc.stdout + proc.stderr)[-4000:]))
    return elapsed


def civo_env(emu):
    """Environment for playbooks whose tasks take the credentials from the environment (the roles)."""
    return {"CIVO_TOKEN": emu.token, "CIVO_API_URL": emu.url}


def print_table(title, columns, rows, notes=()):
    """``columns``: [(header, format)], e.g. ("time (s)", "%.2f"); ``rows``: tuples of values."""
    cells = [[h for h, f in columns]]
    for row in rows:
        cells.append([_cell(f, v) for (h, f), v in zip(columns, row)])
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    print()
    print(title)
    line = "  ".join(("%-*s" if i == 0 else "%*s") % (w, c) for i, (w, c) in enumerate(zip(widths, cells[0])))
    print(line)
    print("-" * len(line))
    for row in cells[1:]:
        print("  ".join(("%-*s" if i == 0 else "%*s") % (w, c) for i, (w, c) in enumerate(zip(widths, row))))
    for note in notes:
        print(note)
    sys.stdout.flush()


def _cell(fmt, value):
    if isinstance(value, float) and value != value:  # NaN: not applicable
        return "-"
    if isinstance(value, (int, float)):
        return fmt % value
    return str(value)


def count(journal, method=None, path_part=None, func=None, mutating=None):
    """Journal entries matching all the given filters."""
    out = []
    for e in journal:
        if method and e["method"] != method:
            continue
        if path_part and path_part not in e["path"]:
            continue
        if func and e.get("func") != func:
            continue
        if mutating is not None and (e["method"] != "GET") != mutating:
            continue
        out.append(e)
    return len(out)
