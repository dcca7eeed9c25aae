"""Shared pytest fixtures for integration tests.

* ``emulator_session`` (session scope): one emulator process for the whole run
  (build_seconds=0.2), killed at the end even when tests fail.
* ``emulator`` (function scope): the session emulator after ``reset()`` —
  starting state, empty journal, no faults — so each test starts clean.
* ``start_emulator``: import it for tests that need their own process
  (restart, persistence with ``state=``).
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emulator_proc import Emulator, start_emulator  # noqa: E402,F401


@pytest.fixture(scope="session")
def emulator_session():
    emu = start_emulator(build_seconds=0.2)
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def emulator(emulator_session):
    if not emulator_session.alive():
        pytest.fail("the emulator process died; log:\n" + emulator_session.log())
    emulator_session.reset()
    return emulator_session
