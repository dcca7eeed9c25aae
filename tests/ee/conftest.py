"""Fixtures of the execution-environment / AWX tests (``python -m pytest tests/ee``).

The emulator helpers and the module runner live in tests/integration (dev-only, not
shipped in the collection tarball); they are put on ``sys.path`` here.
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

from emulator_proc import start_emulator  # noqa: E402  pylint: disable=wrong-import-position
from runner import base_env  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session")
def ee_env():
    """The environment the tools run with: the collection findable as vmops.cloud, no real credentials."""
    return base_env()


@pytest.fixture(scope="session")
def emulator_session():
    emu = start_emulator(build_seconds=0.2)
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def emulator(emulator_session):  # pylint: disable=redefined-outer-name
    if not emulator_session.alive():
        pytest.fail("the emulator process died; log:\n" + emulator_session.log())
    emulator_session.reset()
    return emulator_session
