"""The suites' per-module tables cover every module in plugins/modules (found on disk, not listed by hand).

A new module fails here until it has its minimal arguments in ``_common.MODULE_ARGS`` (used by the auth,
secrets and bad-input suites); ``test_check_mode.py`` checks its own cases the same way.
"""

from _common import MODULE_ARGS, MODULES, discover_modules, module_options


def test_modules_are_discovered_from_the_plugins_directory():
    assert MODULES == discover_modules()
    assert len(MODULES) >= 24 and "civo_instance" in MODULES and "zomro_instance" in MODULES, MODULES


def test_every_module_has_minimal_arguments():
    missing = sorted(set(MODULES) - set(MODULE_ARGS))
    assert not missing, "modules without an entry in tests/reliability/_common.MODULE_ARGS: %s" % missing
    stale = sorted(set(MODULE_ARGS) - set(MODULES))
    assert not stale, "MODULE_ARGS entries for modules that do not exist: %s" % stale


def test_the_minimal_arguments_are_options_of_the_module():
    for name, args in MODULE_ARGS.items():
        spec = module_options(name)[0]
        assert set(args) <= set(spec), (name, sorted(set(args) - set(spec)))
        required = [o for o, s in spec.items() if s.get("required") and o not in ("api_key", "username")]
        assert set(required) <= set(args), (name, required)
