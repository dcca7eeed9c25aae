"""Another ansible-core release for tests that must hold on every core the collection admits.

    bin_dir = core_bin("2.17")        # .build/venv-core-2.17/bin, built once, then reused
    subprocess.run([str(bin_dir / "ansible-playbook"), ...])

``meta/runtime.yml`` admits ansible-core 2.17 upward while the project venv pins a newer one.  Some
rules only bite on old releases (ansible-core 2.17 templates any plain string it finds in host
variables, 2.19 trusts none by default), so their tests run there too.

The venv is the one ``scripts/_core_venv.sh VERSION`` makes (``.build/venv-core-VERSION``, cached:
rebuilt only when its recipe changes, so a second run costs a fraction of a second; a lock
serialises concurrent builds).  Building needs the package index; when it cannot be reached the test
fails with pip's message: it is never skipped.
"""

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# The oldest release meta/runtime.yml admits (requires_ansible: ">=2.17.0"), and the newest one released
# (it needs Python 3.12, which scripts/_core_venv.sh finds).
OLDEST = "2.17"
NEWEST = "2.21"

_FOUND = {}


def core_bin(version=OLDEST):
    """``Path`` of the ``bin`` directory of a venv holding ansible-core ``version`` (e.g. ``"2.17"``)."""
    if version not in _FOUND:
        proc = subprocess.run(["bash", str(REPO / "scripts" / "_core_venv.sh"), version],
                              capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError("could not build the ansible-core %s venv:\n%s%s" % (version, proc.stdout, proc.stderr))
        venv = Path(proc.stdout.strip().splitlines()[-1])
        _FOUND[version] = venv / "bin"
    return _FOUND[version]


def core_version(bin_dir):
    """The ansible-core version installed beside ``bin_dir``, for example ``"2.17.14"``."""
    proc = subprocess.run([str(bin_dir / "python"), "-c",
                           "from ansible.release import __version__; print(__version__)"],
                          capture_output=True, text=True, check=True)
    return proc.stdout.strip()
