#!/usr/bin/env python3
"""Assert the listing of the collection tarball (the build stage of scripts/test.sh).

    python scripts/_check_tarball.py dist/vmops-cloud-0.1.0.tar.gz

Every path in the tarball must fall under ALLOWED (what users need: plugins, roles, playbooks, meta,
docs/docsite, the changelog, unit tests, the licence) and every path of REQUIRED must be there.
Anything of the development set-up (requirements-dev.txt, .ansible-lint, scripts/, tests/emulator,
tests/integration, tests/ee, contributor docs, ...) fails the check; to ship a new top-level path on
purpose, add it to ALLOWED.
"""

import sys
import tarfile

# top-level files, and directories (ending in "/") whose whole content may ship
ALLOWED = [
    "MANIFEST.json", "FILES.json", "README.md", "COPYING", "CHANGELOG.rst", "requirements.txt",
    "changelogs/changelog.yaml", "changelogs/config.yaml", "changelogs/fragments/",
    "meta/runtime.yml", "meta/execution-environment.yml",
    "plugins/", "roles/", "playbooks/", "docs/docsite/", "tests/unit/",
]
# parent directories that appear as entries of their own
DIRS = {"changelogs", "meta", "docs", "tests"}
REQUIRED = [
    "MANIFEST.json", "FILES.json", "README.md", "COPYING", "CHANGELOG.rst", "requirements.txt",
    "changelogs/changelog.yaml", "meta/runtime.yml", "meta/execution-environment.yml",
    "plugins/modules/", "plugins/module_utils/", "plugins/inventory/", "roles/provision/", "roles/backup/",
    "roles/recovery/", "playbooks/provision.yml", "docs/docsite/rst/guide.rst",
]


def allowed(name):
    if name in DIRS:
        return True
    for entry in ALLOWED:
        if entry.endswith("/"):
            if name == entry[:-1] or name.startswith(entry):
                return True
        elif name == entry:
            return True
    return False


def main(path):
    with tarfile.open(path) as tar:
        names = sorted((m.name[2:] if m.name.startswith("./") else m.name).rstrip("/") for m in tar.getmembers())
    names = [n for n in names if n]
    bad = [n for n in names if not allowed(n)]
    missing = [r for r in REQUIRED if not any(n == r.rstrip("/") or n.startswith(r) for n in names)]
    if bad:
        print("paths in %s outside the allow-list (add them to build_ignore in galaxy.yml, or to ALLOWED in "
              "scripts/_check_tarball.py if users need them):\n  %s" % (path, "\n  ".join(bad)), file=sys.stderr)
    if missing:
        print("paths missing from %s:\n  %s" % (path, "\n  ".join(missing)), file=sys.stderr)
    if bad or missing:
        return 1
    tops = sorted(set(n.split("/")[0] for n in names))
    print("tarball listing OK: %d paths, top level: %s" % (len(names), " ".join(tops)))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
