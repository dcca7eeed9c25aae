#!/usr/bin/env python3
"""Pre-seed ansible-test's pip bootstrap cache so it never downloads get-pip.py.

ansible-test builds a fresh virtualenv (without pip) for each sanity test that has requirements and
bootstraps pip into it with ~/.ansible/test/cache/get_pip_<X_Y>.py, which it otherwise downloads
from ansible's CI file host (unreachable here).  We write a small stand-in there that installs pip
from a wheel fetched once from PyPI with `pip download pip==<version>`, so the only network ansible-test
needs is PyPI (for the pinned sanity requirements themselves).

The pip version comes from default_packages in ansible_test/_internal/python_requirements.py of the
installed ansible-core.  A real get-pip script already in the cache is left alone.

Run with the .venv python: _seed_get_pip.py
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys

import ansible_test

MARKER = '# vmops.cloud offline get-pip stand-in'
TEMPLATE = '''{marker}
"""Install pip {version} from a local wheel (written by scripts/_seed_get_pip.py)."""
import glob
import os
import sys

WHEEL_DIR = {wheel_dir!r}


def main():
    wheels = sorted(glob.glob(os.path.join(WHEEL_DIR, 'pip-{version}-*.whl')))
    if not wheels:
        sys.exit('no pip wheel in %s: rerun scripts/_seed_get_pip.py' % WHEEL_DIR)
    sys.path.insert(0, wheels[0])
    from pip._internal.cli.main import main as pip_main  # pylint: disable=import-outside-toplevel
    # ansible-test passes get-pip.py options plus package specs (pip==X); drop the get-pip-only flags.
    args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
    sys.exit(pip_main(['install', '--no-index', '--find-links', WHEEL_DIR] + args))


if __name__ == '__main__':
    main()
'''


def pip_version() -> str:
    path = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')
    with open(path, encoding='utf-8') as fh:
        text = fh.read()
    m = re.search(r"default_packages\s*=\s*dict\(\s*pip='([0-9][^']*)'", text)
    if not m:
        sys.exit('cannot find the bootstrap pip version in %s' % path)
    return m.group(1)


def main() -> int:
    version = pip_version()
    cache = os.path.expanduser('~/.ansible/test/cache')
    wheel_dir = os.path.join(cache, 'pip-wheels')
    script = os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_'))
    os.makedirs(wheel_dir, exist_ok=True)

    if not glob.glob(os.path.join(wheel_dir, 'pip-%s-*.whl' % version)):
        subprocess.run(
            [sys.executable, '-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps',
             '--only-binary=:all:', '--dest', wheel_dir, 'pip==%s' % version],
            check=True,
        )

    if os.path.exists(script):
        with open(script, encoding='utf-8') as fh:
            if not fh.readline().startswith(MARKER):
                print('keeping existing real get-pip script %s' % script)
                return 0

    content = TEMPLATE.format(marker=MARKER, version=version, wheel_dir=wheel_dir)
    tmp = script + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as fh:
        fh.write(content)
    os.replace(tmp, script)
    print('pip %s bootstrap for ansible-test: %s' % (version, script))
    return 0


if __name__ == '__main__':
    sys.exit(main())
