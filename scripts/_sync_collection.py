#!/usr/bin/env python3
"""Copy the collection as `ansible-galaxy collection build` would ship it into DEST.

ansible-test needs a real directory laid out as .../ansible_collections/<namespace>/<name>/ (a symlink
to the checkout is not accepted), so test.sh copies the working tree (including uncommitted files)
into .build/ansible-test/ansible_collections/vmops/cloud/ before `ansible-test sanity|units`.

What is copied: the same file set as the galaxy build (its default ignores plus galaxy.yml
`build_ignore`), so sanity checks exactly what users get, which includes tests/unit and tests/sanity.
Two differences from the tarball:
  * galaxy.yml itself is kept (ansible-test reads the collection version from it);
  * DEV_ONLY below is always excluded, even if it is missing from build_ignore: the emulator,
    the integration suites, benchmarks, scripts, extensions (molecule) and the suites of the hook
    stages (tests/ee, tests/runner, ...) are dev tooling, not part of the shipped collection, and are
    run by their own stages from the checkout itself.

Usage: _sync_collection.py SRC DEST
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import sys

import yaml

GALAXY_DEFAULT_IGNORES = [
    'MANIFEST.json', 'FILES.json', 'galaxy.yaml', '.git', '*.pyc', '*.retry', 'tests/output',
]
GALAXY_IGNORE_DIRS = {'CVS', '.bzr', '.hg', '.git', '.svn', '__pycache__', '.tox'}
DEV_ONLY = [
    '.venv', '.build', '.ansible', '.ci', '.pytest_cache', '.molecule', '.hypothesis',
    'benchmarks', 'scripts', 'extensions', 'tests/emulator', 'tests/integration', 'tests/output',
    # suites of the hook stages of scripts/test.sh, run from the checkout by their own stage
    'tests/ee', 'tests/reliability', 'tests/runner', 'tests/docsite', 'tests/molecule',
]


def main(src: str, dest: str) -> int:
    with open(os.path.join(src, 'galaxy.yml'), encoding='utf-8') as fh:
        galaxy = yaml.safe_load(fh)
    patterns = GALAXY_DEFAULT_IGNORES + DEV_ONLY + list(galaxy.get('build_ignore') or [])
    patterns.append('%s-%s-*.tar.gz' % (galaxy['namespace'], galaxy['name']))

    def ignored(rel: str) -> bool:
        return any(fnmatch.fnmatch(rel, p) for p in patterns)

    # Start from a clean tree so deleted/renamed files never linger in the copy.
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)

    count = 0
    for root, dirs, files in os.walk(src):
        rel_root = os.path.relpath(root, src)
        rel_root = '' if rel_root == '.' else rel_root
        keep = []
        for d in sorted(dirs):
            rel = os.path.join(rel_root, d)
            if d in GALAXY_IGNORE_DIRS or ignored(rel):
                continue
            if os.path.islink(os.path.join(root, d)):
                # galaxy build keeps in-collection dir symlinks as links; copy them as links too
                os.symlink(os.readlink(os.path.join(root, d)), os.path.join(dest, rel))
                continue
            os.makedirs(os.path.join(dest, rel), exist_ok=True)
            keep.append(d)
        dirs[:] = keep
        for f in files:
            rel = os.path.join(rel_root, f)
            if ignored(rel):
                continue
            shutil.copy2(os.path.join(root, f), os.path.join(dest, rel), follow_symlinks=False)
            count += 1
    print('copied %d files to %s' % (count, dest))
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
