#!/usr/bin/env python3
"""Per-task cost: 20 no-op vmops.cloud.civo_instance tasks vs 20 ansible.builtin.uri GETs of the same instance.

Both playbooks run against one emulator instance (by id, so each task is one GET).
An empty playbook (one ``ansible.builtin.meta: noop``) measures ansible-playbook's own
start-up, which is subtracted to get the cost per task.  The playbooks run
alternately ``--repeat`` times; the table shows medians and the ratio of the module
to ``uri`` (the goal is <= 1.0).

    python benchmarks/task_cost_bench.py [--tasks 20] [--repeat 3]
"""

import argparse
import sys

from _bench import civo_auth, count, median, print_table, start_emulator, timed_module, timed_playbook

HEAD = """- name: bench
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
"""

MODULE_TASK = """    - name: no-op {i}
      vmops.cloud.civo_instance:
        api_key: "{token}"
        api_url: "{url}"
        id: "{id}"
"""

URI_TASK = """    - name: GET {i}
      ansible.builtin.uri:
        url: "{url}/v2/instances/{id}?region=LON1"
        headers:
          Authorization: "bearer {token}"
        return_content: true
"""

NOOP = """    - name: nothing
      ansible.builtin.meta: noop
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    emu = start_emulator(build_seconds=0.2)
    try:
        created, dummy, dummy = timed_module("civo_instance", dict(
            civo_auth(emu), hostname="bench.example.com", size="g3.small", template_id="ubuntu-jammy"))
        fields = dict(token=emu.token, url=emu.url, id=created["instance"]["id"])
        books = {
            "empty playbook": HEAD + NOOP,
            "civo_instance": HEAD + "".join(MODULE_TASK.format(i=i, **fields) for i in range(args.tasks)),
            "uri": HEAD + "".join(URI_TASK.format(i=i, **fields) for i in range(args.tasks)),
        }
        times = dict((k, []) for k in books)
        requests = {}
        for dummy in range(args.repeat):
            for name, text in books.items():
                emu.clear_journal()
                times[name].append(timed_playbook(text))
                journal = emu.journal()
                requests[name] = (len(journal), count(journal, mutating=True))
    finally:
        emu.stop()

    base = median(times["empty playbook"])
    per_task = dict((k, (median(v) - base) / args.tasks) for k, v in times.items() if k != "empty playbook")
    rows = [("empty playbook (start-up)", median(times["empty playbook"]), min(times["empty playbook"]),
             max(times["empty playbook"]), float("nan"), float("nan"), requests["empty playbook"][0], "")]
    for name in ("civo_instance", "uri"):
        rows.append(("%d x %s" % (args.tasks, name), median(times[name]), min(times[name]), max(times[name]),
                     per_task[name] * 1000, per_task[name] / per_task["uri"], requests[name][0],
                     requests[name][1]))
    print_table(
        "Per-task cost: %d no-op tasks, median of %d run(s)" % (args.tasks, args.repeat),
        [("playbook", "%s"), ("median s", "%.2f"), ("min s", "%.2f"), ("max s", "%.2f"),
         ("ms per task", "%.0f"), ("x uri", "%.2f"), ("requests", "%d"), ("mutating", "%s")],
        rows,
        ["ms per task = (playbook median - empty playbook median) / %d; x uri = ratio of the per-task costs "
         "(goal <= 1.0)" % args.tasks,
         "whole playbooks: civo_instance / uri = %.2f" % (median(times["civo_instance"]) / median(times["uri"]))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
