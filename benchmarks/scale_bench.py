#!/usr/bin/env python3
"""Scale: provision and back up 1 vs 50 instances with a 20-second build time.

ansible-playbook runs the roles vmops.cloud.provision (create every instance
without waiting, then wait for all) and vmops.cloud.backup (instance snapshots of
every instance carrying a tag, all requested at once, then waited for), with
every transition (instance build, snapshot) taking ``--build-seconds``.  The
ratio of the N-instance run to the 1-instance run shows how well the work
overlaps: N sequential builds would be N times slower.

    python benchmarks/scale_bench.py [--count 50] [--build-seconds 20]
"""

import argparse
import sys

from _bench import civo_env, count, print_table, start_emulator, timed_playbook

PROVISION = """- name: provision
  hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - role: vmops.cloud.provision
"""

BACKUP = """- name: backup
  hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - role: vmops.cloud.backup
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--build-seconds", type=float, default=20.0)
    args = parser.parse_args()

    emu = start_emulator(build_seconds=args.build_seconds)
    results = {}
    try:
        env = civo_env(emu)
        for n in (1, args.count):
            tag = "scale%d" % n
            instances = [{"hostname": "scale-%d-%03d.example.com" % (n, i), "size": "g3.xsmall",
                          "template_id": "ubuntu-jammy", "tags": [tag]} for i in range(n)]
            emu.clear_journal()
            seconds = timed_playbook(PROVISION, env=env, extra_vars={"provision_instances": instances,
                                                                     "provision_wait_timeout": 900})
            journal = emu.journal()
            active = [i for i in emu.civo("GET", "/v2/instances", tags=tag, per_page=1000).json()["items"]
                      if i["status"] == "ACTIVE"]
            assert len(active) == n, "provision left %d of %d instances ACTIVE" % (len(active), n)
            results[("provision", n)] = (seconds, len(journal), count(journal, mutating=True))

            emu.clear_journal()
            seconds = timed_playbook(BACKUP, env=env, extra_vars={"backup_tags": [tag], "backup_retention": 0,
                                                                  "backup_name_prefix": "bench",
                                                                  "backup_wait_timeout": 900})
            journal = emu.journal()
            snaps = sum(len(emu.civo("GET", "/v2/instances/%s/snapshots" % i["id"]).json()) for i in active)
            assert snaps == n, "backup made %d snapshots for %d instances" % (snaps, n)
            results[("backup", n)] = (seconds, len(journal), count(journal, mutating=True))
    finally:
        emu.stop()

    rows = []
    for role in ("provision", "backup"):
        one = results[(role, 1)]
        many = results[(role, args.count)]
        for n, (seconds, requests, writes) in ((1, one), (args.count, many)):
            rows.append(("%s %d" % (role, n), seconds, seconds / one[0], float(n) * one[0] / seconds if n > 1
                         else 1.0, requests, writes, requests / float(n)))
    print_table(
        "Scale: roles via ansible-playbook, every build %gs" % args.build_seconds,
        [("run", "%s"), ("time (s)", "%.1f"), ("x 1 instance", "%.2f"), ("speed-up vs serial", "%.1f"),
         ("requests", "%d"), ("writes", "%d"), ("requests/instance", "%.1f")],
        rows,
        ["x 1 instance = time / time of the same role for 1 instance (%d serial runs would be about %d x);"
         % (args.count, args.count),
         "speed-up vs serial = %d x (1-instance time) / time" % args.count])
    return 0


if __name__ == "__main__":
    sys.exit(main())
