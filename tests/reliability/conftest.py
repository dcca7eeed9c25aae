"""Fixtures of the reliability suite: the integration suite's emulator, reused.

``tests/integration/conftest.py`` is loaded under its own module name (so that
the two ``conftest`` modules never clash when both directories are collected
in one session) and its ``emulator_session`` / ``emulator`` fixtures are
re-exported here: one emulator process for the session, reset before each
test.  ``tests/integration`` is put on ``sys.path`` for ``runner`` and
``emulator_proc``; this directory for ``_common``.
"""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INTEGRATION = os.path.join(os.path.dirname(HERE), "integration")
for _path in (INTEGRATION, HERE):
    if _path not in sys.path:
        sys.path.insert(0, _path)

_spec = importlib.util.spec_from_file_location("vmops_integration_conftest", os.path.join(INTEGRATION, "conftest.py"))
_integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_integration)

emulator_session = _integration.emulator_session
emulator = _integration.emulator

# The collection importable from this process too (the tests read the modules' argument specs).
import runner  # noqa: E402  (tests/integration is on sys.path now)

_collections = str(runner.ensure_collection_path())
if _collections not in sys.path:
    sys.path.insert(0, _collections)
