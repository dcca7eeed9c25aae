"""Every module's documentation is publishable (issue 17, "Publishable 0.1.0").

Modules are found on disk, so a module added later must comply too.  ``ansible-doc --json`` reads the
documentation as users see it (fragments merged) and each module must have:

* ``attributes`` ``check_mode``, ``diff_mode`` and ``platform`` through the
  ``ansible.builtin.action_common_attributes`` fragment (``partial`` support explains itself in ``details``;
  ``_info`` modules say ``diff_mode: N/A``), and ``action_group`` membership as in ``meta/runtime.yml``;
* ``seealso`` naming existing sibling modules (an ``_info`` module its module and back);
* a ``sample`` for every top-level return value, ``returned`` for every field at every depth, and ``actions``
  (modules that change things).
"""

import ast
import json
import subprocess

import pytest
import yaml

from runner import BIN, REPO, base_env

MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if not p.stem.startswith("_"))


def module_docs():
    env = base_env()
    proc = subprocess.run([str(BIN / "ansible-doc"), "--json", "-t", "module"] + ["vmops.cloud." + m for m in MODULES],
                          capture_output=True, text=True, env=env, timeout=300, cwd=str(REPO))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def docs():
    return module_docs()


def action_groups():
    runtime = yaml.safe_load((REPO / "meta" / "runtime.yml").read_text())
    groups = {}
    for group, members in (runtime.get("action_groups") or {}).items():
        for member in members:
            if isinstance(member, str):
                groups.setdefault(member, []).append("vmops.cloud." + group)
    return groups


def sources(name):
    """The module's own DOCUMENTATION (to check which fragments it extends)."""
    tree = ast.parse((REPO / "plugins" / "modules" / (name + ".py")).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["DOCUMENTATION"]:
            return yaml.safe_load(node.value.value)
    raise AssertionError("no DOCUMENTATION in %s" % name)


def return_problems(fields, path="", top=True):
    problems = []
    for key, spec in (fields or {}).items():
        where = path + key
        if "returned" not in spec:
            problems.append("%s: no 'returned'" % where)
        if top and "sample" not in spec:
            problems.append("%s: no 'sample'" % where)
        if isinstance(spec.get("contains"), dict):
            problems.extend(return_problems(spec["contains"], where + ".", top=False))
    return problems


@pytest.mark.parametrize("name", MODULES)
def test_module_documentation(docs, name):
    entry = docs.get("vmops.cloud." + name)
    assert entry, "ansible-doc has no documentation for %s" % name
    doc, ret = entry["doc"], entry.get("return") or {}
    own = sources(name)
    fragments = own.get("extends_documentation_fragment") or []
    assert "ansible.builtin.action_common_attributes" in fragments, fragments
    attrs = doc.get("attributes") or {}
    for attr in ("check_mode", "diff_mode", "platform"):
        assert attr in attrs, "%s: attribute %s is not documented" % (name, attr)
        assert attrs[attr].get("description"), (name, attr, attrs[attr])
        assert attrs[attr].get("support") in ("full", "partial", "none", "N/A"), (name, attr, attrs[attr])
    assert attrs["check_mode"]["support"] in ("full", "partial"), attrs["check_mode"]
    if name.endswith("_info"):
        assert attrs["diff_mode"]["support"] == "N/A", attrs["diff_mode"]
    else:
        assert attrs["diff_mode"]["support"] in ("full", "partial"), attrs["diff_mode"]
    for attr, spec in attrs.items():
        if spec.get("support") == "partial":
            assert spec.get("details"), "%s: partial support of %s needs details" % (name, attr)
    assert attrs["platform"].get("platforms") in ("all", "posix", ["posix"], ["all"]), attrs["platform"]
    groups = action_groups().get(name, [])
    if groups:
        assert sorted(attrs.get("action_group", {}).get("membership") or []) == sorted(groups), (
            "%s: action_group membership must be %s (meta/runtime.yml)" % (name, groups))
    seealso = [s.get("module") for s in doc.get("seealso") or [] if s.get("module")]
    assert seealso, "%s has no seealso to other modules" % name
    siblings = set("vmops.cloud." + m for m in MODULES)
    missing = [s for s in seealso if s.startswith("vmops.cloud.") and s not in siblings]
    assert not missing, "%s: seealso names modules that do not exist: %s" % (name, missing)
    if name.endswith("_info") and name[:-5] in MODULES:
        assert "vmops.cloud." + name[:-5] in seealso, "%s: seealso must name %s" % (name, name[:-5])
    if name + "_info" in MODULES:
        assert "vmops.cloud.%s_info" % name in seealso, "%s: seealso must name %s_info" % (name, name)
    assert any(s in siblings for s in seealso), seealso
    assert "vmops.cloud." + name not in seealso
    assert ret, "%s documents no return values" % name
    problems = return_problems(ret)
    assert not problems, "%s RETURN: %s" % (name, "; ".join(problems))
    if not name.endswith("_info"):  # an _info module changes nothing and returns no actions
        assert "actions" in ret, "%s does not document RV(actions)" % name
