"""Bad input: hypothesis feeds every module random and hostile parameters.

Each module's options come from its own argument spec (so a new option is
fuzzed without touching this file).  Values are plausible ones (to get past the
first checks), hostile strings (``../``, ``?``, ``#``, ``%2F``, unicode, control
characters, 5,000-character strings, ids with a path appended) and wrong types
(numbers, booleans, lists, dicts, null).  Credentials stay valid.  For every run:

* the module answers with its JSON result, never a traceback;
* a failure has a non-empty ``msg`` and is not an "Internal error" (a bug of ours);
* every request in the emulator's journal is to a real API route, with no ``.``/``..``
  segment and no query parameter smuggled in through a value.

``derandomize=True`` makes the examples the same on every run (CI is deterministic).
"""

import collections
import importlib
import os
from urllib.parse import unquote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _common import CENTOS_OWN, MODULES, ZOMRO_ELID, api_instance, route_problems, run

# BAD_INPUT_EXAMPLES / BAD_INPUT_RANDOM=1: more (and random) examples for a longer hunt by hand.
EXAMPLES = int(os.environ.get("BAD_INPUT_EXAMPLES", "30"))
DERANDOMIZE = os.environ.get("BAD_INPUT_RANDOM") != "1"
CREDENTIALS = frozenset(["api_key", "api_url", "username", "password", "auth_token"])
ANY_UUID = "779d651a-8e10-4019-9cc0-448451d16157"

HOSTILE = [
    "", " ", ".", "..", "../", "../../v2/snapshots", "..%2F..%2Fv2%2Fsnapshots", "%2e%2e%2f", "%2F", "a%2Fb", "a/b",
    "/v2/instances", "?", "#", "?region=NYC1&per_page=1", "x#fragment", "x?x=1", "%00", "null\x00byte",
    "line\nbreak", "tab\tbed", "\r\n\r\nGET / HTTP/1.1", "\u202eevil", "\u540d\u524d", "\U0001f642", "\u00e9" * 300,
    "a" * 5000, "'\"<>&;|`$(id)", "{{ 7 * 7 }}", "\\..\\..\\", "*", "%", "%%", "%zz", "+", "&", "=", ";",
    ANY_UUID + "/../..", ANY_UUID + "?x=1", ANY_UUID + "#", ANY_UUID.upper(), ANY_UUID + "/snapshots",
    "5203773/../1", "5203773?elid=1", "5203773&func=auth",
]
PLAUSIBLE = {
    "hostname": ["bad-input.example.com", "{host}"],
    "id": ["{id}", ANY_UUID, "{isnap}"],
    "instance": ["{id}", "{host}", ZOMRO_ELID],
    "name": ["nightly", "{snap}", "{isnapname}"],
    "size": ["g3.small", "g3.medium", "g3.xsmall"],
    "template_id": ["ubuntu-jammy"],
    "network_id": ["default"],
    "firewall_id": ["default", "restrictive-firewall"],
    "ssh_key_id": ["deploy-key"],
    "region": ["LON1", "nyc1"],
    "image": [CENTOS_OWN],
    "tags": [["bad", "input"]],
    "cron_timing": ["0 3 * * *"],
    "restore_hostname": ["restored.example.com"],
    "restore_private_ip": ["192.168.1.50"],
    "description": ["words"],
    "status": ["ACTIVE"],
    "rescue_password": ["rescue-pw"],
}

hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.text(alphabet="./?#%2Fa-", max_size=12),
    st.tuples(st.sampled_from(HOSTILE), st.text(max_size=8), st.sampled_from(HOSTILE)).map("".join),
)
wrong_type = st.one_of(
    st.integers(min_value=-2 ** 70, max_value=2 ** 70), st.floats(), st.booleans(), st.none(),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def module_options(name):
    """The module's argument spec as the base builds it (credentials and wait options included)."""
    from ansible_collections.vmops.cloud.plugins.module_utils.base import VmopsModule
    from ansible_collections.vmops.cloud.plugins.module_utils.civo import civo_argument_spec
    from ansible_collections.vmops.cloud.plugins.module_utils.waiter import wait_argument_spec
    from ansible_collections.vmops.cloud.plugins.module_utils.zomro import zomro_argument_spec
    mod = importlib.import_module("ansible_collections.vmops.cloud.plugins.modules." + name)
    classes = [v for v in vars(mod).values()
               if isinstance(v, type) and issubclass(v, VmopsModule) and v.__module__ == mod.__name__]
    assert len(classes) == 1, classes
    cls = classes[0]
    spec = dict(civo_argument_spec() if cls.provider == "civo" else zomro_argument_spec())
    if cls.waits:
        spec.update(wait_argument_spec())
    spec.update(cls.argument_spec)
    return spec, cls.module_kwargs


def good_strategy(option, spec, world):
    """Values the option accepts (plausible ones where known), to get past the first checks."""
    plausible = [v.format(**world) if isinstance(v, str) else v for v in PLAUSIBLE.get(option, [])]
    kind = spec.get("type", "str")
    if spec.get("choices"):
        return st.sampled_from(spec["choices"])
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        return {"api_retries": st.integers(0, 2), "api_timeout": st.integers(1, 30)}.get(option, st.integers(0, 20))
    if plausible:
        return st.sampled_from(plausible)
    text = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-.", min_size=1, max_size=20)
    return st.lists(text, max_size=3) if kind == "list" else text


def bad_strategy(option, spec):
    """Hostile values and wrong types for the option."""
    kind = spec.get("type", "str")
    if kind == "bool":
        return st.one_of(st.sampled_from(["yes", "no", "maybe", "", "1", "../"]), st.integers(-2, 2), wrong_type)
    if kind == "int":
        if option == "api_retries":  # the emulator injects no faults here; keep runs short
            return st.one_of(st.integers(-3, -1), st.sampled_from(["2", "x", "", None, 1.5]))
        return st.one_of(st.sampled_from([0, -1, -10, 86401, 2 ** 63, 10 ** 30]), hostile_text, st.floats())
    if kind == "list":
        element = st.one_of(hostile_text, wrong_type)
        return st.one_of(st.lists(element, min_size=1, max_size=4), hostile_text, wrong_type)
    return st.one_of(hostile_text, hostile_text, hostile_text, wrong_type)


def params_strategy(name, world):
    """Required options plus up to five optional ones; up to two of them (maybe none) get bad values."""
    spec, constraints = module_options(name)
    options = sorted(o for o in spec if o not in CREDENTIALS)
    required = [o for o in options if spec[o].get("required")]
    optional = [o for o in options if not spec[o].get("required")]
    # Options the module's required_one_of/required_if ask for: usually given, so that runs get past them.
    one_of_groups = [list(g) for g in constraints.get("required_one_of", [])]
    if_needed = sorted(set(o for rule in constraints.get("required_if", []) for o in rule[2]))

    @st.composite
    def params(draw):
        chosen = list(required)
        for group in one_of_groups:
            if draw(st.integers(0, 5)):
                chosen.append(draw(st.sampled_from(group)))
        chosen += [o for o in if_needed if draw(st.integers(0, 3))]
        chosen += draw(st.lists(st.sampled_from(optional), max_size=4, unique=True))
        chosen = sorted(set(chosen))
        bad = draw(st.lists(st.sampled_from(chosen), max_size=2, unique=True)) if chosen else []
        out = {}
        for option in chosen:
            strategy = bad_strategy(option, spec[option]) if option in bad else good_strategy(option, spec[option], world)
            out[option] = draw(strategy)
        # Keep waits short: nothing here needs long.
        if "wait_timeout" in spec and "wait_timeout" not in bad:
            out["wait_timeout"] = min(20, out.get("wait_timeout", 20))
        return out

    return params()


def build_world(emu):
    emu.config(build_seconds=0.05)
    inst = api_instance(emu, "bad-input-world.example.com")
    r = emu.civo("PUT", "/v2/snapshots/world-snap", instance_id=inst["id"])
    assert r.status_code == 200, r.text
    r = emu.civo("POST", "/v2/instances/%s/snapshots" % inst["id"], name="world-isnap")
    assert r.status_code == 201, r.text
    return {"id": inst["id"], "host": inst["hostname"], "snap": "world-snap", "isnap": r.json()["id"],
            "isnapname": "world-isnap"}


def test_every_module_is_fuzzed():
    assert all(callable(globals().get("test_" + name)) and module_options(name)[0] for name in MODULES)


def _check(emulator, name, params, outcomes):
    emulator.clear_journal()
    result = run(emulator, name, params)
    what = "%s %r" % (name, params)
    assert not result.get("unparsed"), "%s: no JSON result:\n%s" % (what, result.output[-3000:])
    assert "Traceback" not in result.output, "%s:\n%s" % (what, result.output[-3000:])
    if result.rc != 0 or result.get("failed"):
        assert result.get("failed") and result.rc != 0, "%s: %r" % (what, dict(result))
        msg = result.get("msg")
        assert isinstance(msg, str) and msg.strip(), "%s: failed without msg: %r" % (what, dict(result))
        assert not msg.startswith("Internal error"), "%s: %s" % (what, msg)
        outcomes["failed cleanly"] += 1
    else:
        assert "changed" in result, "%s: %r" % (what, dict(result))
        outcomes["succeeded"] += 1
    journal = emulator.journal()
    problems = route_problems(journal)
    assert not problems, "%s: requests outside the API's routes: %s" % (what, problems)
    server_errors = [e for e in journal if e.get("status", 0) >= 500]
    assert not server_errors, "%s: the emulator answered 5xx: %s" % (what, server_errors)
    outcomes["requests"] += len(journal)


def _fuzz(emulator, name):
    world = build_world(emulator)
    outcomes = collections.Counter()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None, print_blob=True,
              suppress_health_check=list(HealthCheck))
    @given(params_strategy(name, world))
    def check(params):
        _check(emulator, name, params, outcomes)

    check()
    print("\n%s: %s" % (name, dict(outcomes)))
    assert outcomes["failed cleanly"] > 0


def test_civo_instance(emulator):
    _fuzz(emulator, "civo_instance")


def test_civo_instance_info(emulator):
    _fuzz(emulator, "civo_instance_info")


def test_civo_recovery(emulator):
    _fuzz(emulator, "civo_recovery")


def test_civo_snapshot(emulator):
    _fuzz(emulator, "civo_snapshot")


def test_civo_snapshot_info(emulator):
    _fuzz(emulator, "civo_snapshot_info")


def test_civo_instance_snapshot(emulator):
    _fuzz(emulator, "civo_instance_snapshot")


def test_civo_instance_snapshot_info(emulator):
    _fuzz(emulator, "civo_instance_snapshot_info")


def test_zomro_rescue(emulator):
    _fuzz(emulator, "zomro_rescue")


def test_zomro_instance_info(emulator):
    _fuzz(emulator, "zomro_instance_info")


def test_hostile_ids_never_leave_their_path_segment(emulator):
    """Deterministic companions of the fuzzing: each hostile id is encoded into one segment."""
    world = build_world(emulator)
    for value in ("../../v2/snapshots", "..%2F..", "x?region=NYC1", "x#y", ANY_UUID + "/../" + ANY_UUID):
        emulator.clear_journal()
        result = run(emulator, "civo_instance_snapshot_info", dict(instance=world["id"], id=value))
        assert "Traceback" not in result.output
        journal = emulator.journal()
        assert not route_problems(journal), journal
        # The snapshot GET (then the instance GET that tells a missing instance from a missing snapshot).
        prefix = "/v2/instances/%s/snapshots/" % world["id"]
        assert [e["path"].startswith(prefix) for e in journal] == [True, False], journal
        seg = journal[0]["path"][len(prefix):]
        assert "/" not in seg and "?" not in seg and "#" not in seg and unquote(seg) == value
        assert all(e["query"] == {"region": "LON1"} for e in journal), journal


def test_null_for_every_option_of_a_required_group_fails_before_any_request(emulator):
    """Ansible's required_one_of counts an option given as null; the modules must still refuse."""
    world = build_world(emulator)
    groups = 0
    for name in MODULES:
        spec, constraints = module_options(name)
        for group in constraints.get("required_one_of", []):
            groups += 1
            params = dict((o, world["id"]) for o in spec if spec[o].get("required") and o not in CREDENTIALS)
            params.update(dict((o, None) for o in group))
            if name == "civo_instance":
                params.update(size="g3.small", template_id="ubuntu-jammy")
            for check in (True, False):
                emulator.clear_journal()
                result = run(emulator, name, params, check=check)
                clean = result.get("failed") and "Traceback" not in result.output and result.get("msg")
                assert clean, "%s %r: %s" % (name, params, result.get("msg") or result.output[-2000:])
                assert emulator.journal() == [], "%s %r sent %s" % (name, params, emulator.journal())
    assert groups >= 2
