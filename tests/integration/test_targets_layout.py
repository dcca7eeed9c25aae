"""Every module and inventory plugin has an ansible-test integration target, in the shared layout.

No emulator and no ansible run: this reads the files only (well under a second), so that a new module
cannot land without its target in tests/integration/targets/ (issue 13 item 5, issue 16 "Done when").
"""

import ast
import os
import re

import pytest
import yaml

from runner import REPO

TARGETS = REPO / "tests" / "integration" / "targets"
MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
INVENTORIES = sorted(p.stem for p in (REPO / "plugins" / "inventory").glob("*.py") if p.stem != "__init__")


def plugin_targets():
    return MODULES + ["inventory_%s" % name for name in INVENTORIES]


def run_targets_tuple(name):
    """A module-level tuple of strings in run_targets.py, read without importing it."""
    tree = ast.parse((REPO / "tests" / "integration" / "run_targets.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("run_targets.py has no %s" % name)


def load(path):
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def test_the_plugin_lists_are_not_empty():
    # a wrong path would make every other test here pass vacuously
    assert len(MODULES) >= 20 and "civo_instance" in MODULES and "zomro_instance" in MODULES
    assert "civo" in INVENTORIES


@pytest.mark.parametrize("target", plugin_targets())
def test_every_plugin_has_a_target(target):
    root = TARGETS / target
    assert root.is_dir(), "no integration target tests/integration/targets/%s/ (see the existing ones)" % target
    for rel in ("aliases", "meta/main.yml", "tasks/main.yml", "tasks/failures.yml", "tasks/tests.yml"):
        assert (root / rel).is_file(), "%s/%s is missing" % (target, rel)
    # every target goes through the real-API guard and the run-unique prefix of setup_vmops
    assert load(root / "meta" / "main.yml")["dependencies"] == ["setup_vmops"]
    aliases = (root / "aliases").read_text(encoding="utf-8").split()
    assert "context/controller" in aliases and "disabled" not in aliases and "unsupported" not in aliases


@pytest.mark.parametrize("target", plugin_targets())
def test_target_runs_failures_and_tests_and_cleans_up_in_always(target):
    root = TARGETS / target
    main = load(root / "tasks" / "main.yml")
    assert isinstance(main, list) and len(main) == 1 and "block" in main[0], "%s: one block in tasks/main.yml" % target
    included = [t.get("ansible.builtin.include_tasks") for t in main[0]["block"]]
    assert "failures.yml" in included and "tests.yml" in included, (target, included)
    if (root / "tasks" / "cleanup.yml").exists():
        always = [t.get("ansible.builtin.include_tasks") for t in main[0].get("always", [])]
        assert always == ["cleanup.yml"], "%s: cleanup.yml must run under always:" % target


def test_no_target_without_a_plugin():
    """A target named like a module or inventory that no longer exists is a stale leftover."""
    known = set(plugin_targets())
    stale = sorted(t.name for t in TARGETS.iterdir() if t.is_dir() and not t.name.startswith("setup_")
                   and t.name not in known)
    assert stale == []


def test_live_mode_leaves_out_every_zomro_target_without_zomro_credentials():
    zomro = sorted(t for t in plugin_targets() if t.startswith("zomro_") or t == "inventory_zomro")
    assert zomro and sorted(run_targets_tuple("ZOMRO_TARGETS")) == zomro


NAME_KEYS = ("name", "hostname", "label")
# a rule's label only tells the rules of a (prefixed) firewall apart
NOT_NAMES = {"vmops.cloud.civo_firewall_rule": ("label",)}


def all_tasks(tasks):
    for task in tasks or []:
        yield task
        for key in ("block", "rescue", "always"):
            yield from all_tasks(task.get(key))


def module_tasks(tasks):
    for task in all_tasks(tasks):
        for key, args in task.items():
            if key.startswith("vmops.cloud.") and isinstance(args, dict):
                yield task, key, args


def uses_prefix(value, prefixed):
    used = set(re.findall(r"[a-z_]+", str(value)))
    return "vmops_prefix" in used or bool(used & prefixed)


@pytest.mark.parametrize("target", plugin_targets())
def test_resources_are_named_with_the_run_prefix(target):
    """Every name/hostname/label a target passes to a changing vmops.cloud module comes from the run prefix
    (directly, through the target's defaults, or a loop over such values), so that nothing without the
    prefix is ever touched."""
    root = TARGETS / target
    defaults = load(root / "defaults" / "main.yml") if (root / "defaults" / "main.yml").exists() else {}
    prefixed = {k for k, v in (defaults or {}).items() if "vmops_prefix" in str(v)}
    for path in sorted((root / "tasks").glob("*.yml")):  # include_tasks looped over prefixed names
        for task in all_tasks(load(path)):
            loop_var = (task.get("loop_control") or {}).get("loop_var")
            if loop_var and uses_prefix(task.get("loop"), prefixed):
                prefixed.add(loop_var)
    checked = 0
    for path in sorted((root / "tasks").glob("*.yml")):
        for task, module, args in module_tasks(load(path)):
            for key in NAME_KEYS:
                value = args.get(key)
                if value is None or module.endswith("_info") or key in NOT_NAMES.get(module, ()):
                    continue  # _info modules only read
                if task.get("ignore_errors") and str(task.get("name", "")).startswith("Fail"):
                    continue  # invalid input refused before any request (the task asserts the failure)
                checked += 1
                values = [value]
                if str(value).replace(" ", "") == "{{item}}":
                    values = task.get("loop")
                    values = [values] if isinstance(values, str) else values
                assert values and all(uses_prefix(v, prefixed) for v in values), (
                    "%s: %s %s=%r does not use the run prefix" % (os.path.relpath(path, REPO), module, key, value))
    if target.startswith("civo_") and not target.endswith("_info"):
        assert checked > 0, "%s names nothing it creates?" % target


def test_run_targets_groups_keep_every_target_once_and_zomro_together():
    import run_targets

    targets = run_targets.all_targets()
    assert sorted(targets) == sorted(plugin_targets())
    for jobs in (1, 2, 3):
        groups = run_targets.shards(targets, jobs)
        assert len(groups) == min(jobs, len(targets))
        assert sorted(t for g in groups for t in g) == sorted(targets)
        with_zomro = [g for g in groups if set(g) & set(run_targets.ZOMRO_TARGETS)]
        assert len(with_zomro) == 1 and set(run_targets.ZOMRO_TARGETS) <= set(with_zomro[0])


def resource_names(target):
    """The '{{ vmops_prefix }}-<suffix>' names a target gives to what it creates (defaults and the
    name/hostname/label of its changing module calls)."""
    root = TARGETS / target
    texts = []
    if (root / "defaults" / "main.yml").exists():
        texts.append(str(load(root / "defaults" / "main.yml")))
    for path in sorted((root / "tasks").glob("*.yml")):
        for task, module, args in module_tasks(load(path)):
            if not module.endswith("_info"):
                texts.extend(str(args.get(key)) for key in NAME_KEYS if key not in NOT_NAMES.get(module, ()))
    return {m for text in texts for m in re.findall(r"vmops_prefix \}\}-([a-z0-9][a-z0-9-]*[a-z0-9])", text)}


def test_targets_never_share_a_resource_name():
    """Targets run concurrently (run_targets.py groups): two targets creating the same name would race."""
    seen = {}
    for target in plugin_targets():
        for name in resource_names(target):
            assert name not in seen, "%s and %s both create '<prefix>-%s'" % (seen[name], target, name)
            seen[name] = target
    assert len(seen) > 10
