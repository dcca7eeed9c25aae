# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The import rules of plugins/, checked by parsing every file's imports (so they cannot regress).

* Code of the collection is imported relatively (``from ..module_utils.base import ...``), never as
  ``ansible_collections.vmops.cloud...``: readers and structure tools see the layering.
* Imports run down the layers only: plugins (modules, inventory, callback, doc fragments) ->
  the frame (``base``, ``resource`` and their helpers, the inventory helper) -> providers
  (``provider`` and the provider clients) -> transport (``_http``, ``waiter``, ``util``, ``_version``).
  Within a layer an import is fine (Python refuses a cycle anyway), except that the frame's
  ``base`` names no provider, and no provider client imports another.
* Only ``module_utils`` imports the private ``_http``: modules and plugins take the errors and the
  frame from ``base`` (or ``resource``), the inventory helper its helpers from ``util``.
* No module imports another module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
PLUGINS = os.path.normpath(os.path.join(ROOT, "plugins"))
COLLECTION = "ansible_collections.vmops.cloud"

TRANSPORT, PROVIDERS, FRAME, PLUGIN = 0, 1, 2, 3
LAYER_NAMES = {TRANSPORT: "transport", PROVIDERS: "providers", FRAME: "frame", PLUGIN: "plugins"}
# every file of module_utils and plugin_utils has its layer here (a new file must be placed)
LAYERS = {
    "module_utils/_http": TRANSPORT,
    "module_utils/_version": TRANSPORT,
    "module_utils/util": TRANSPORT,
    "module_utils/answers": TRANSPORT,
    "module_utils/waiter": TRANSPORT,
    "module_utils/provider": PROVIDERS,
    "module_utils/civo": PROVIDERS,
    "module_utils/zomro": PROVIDERS,
    "module_utils/base": FRAME,
    "module_utils/resource": FRAME,
    "module_utils/civo_resources": FRAME,
    "module_utils/firewall_rules": FRAME,
    "module_utils/civo_restore": FRAME,
    "module_utils/civo_instance_spec": FRAME,
    "module_utils/civo_instance_plan": FRAME,
    "module_utils/civo_power": FRAME,
    "plugin_utils/_inventory": FRAME,
}
PLUGIN_DIRS = ("modules", "inventory", "callback", "doc_fragments")
PROVIDER_CLIENTS = ("module_utils/civo", "module_utils/zomro")
# the provider-neutral frame: a provider plugs into it through its Provider object and its descriptions
NEUTRAL = ("module_utils/base", "module_utils/resource")


def layer_of(name):
    """The layer of ``name`` (``module_utils/base``); ``None`` for a file not placed."""
    if name.split("/")[0] in PLUGIN_DIRS:
        return PLUGIN
    return LAYERS.get(name)


def plugin_files():
    for base, dirs, files in os.walk(PLUGINS):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for filename in sorted(files):
            if filename.endswith(".py") and filename != "__init__.py":
                path = os.path.join(base, filename)
                yield os.path.relpath(path, PLUGINS)[:-3].replace(os.sep, "/"), path


def imports_of(name, source):
    """(line, target, absolute) of every import of collection code in ``source``.

    ``target`` is a name such as ``module_utils/base`` (a relative import resolved against
    ``name``); ``absolute`` says it was written ``ansible_collections.vmops.cloud...``.
    """
    found = []
    package = name.split("/")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else list(package)
                parts = base + (node.module.split(".") if node.module else [])
                # ``from ..module_utils import civo`` names a module of a package
                package_import = not node.module or os.path.isdir(os.path.join(PLUGINS, *parts))
                targets = [parts + [alias.name] for alias in node.names] if package_import else [parts]
                found.extend((node.lineno, "/".join(t), False) for t in targets)
            elif node.module and node.module.startswith(COLLECTION + ".plugins."):
                found.append((node.lineno, node.module[len(COLLECTION + ".plugins."):].replace(".", "/"), True))
            elif node.module == COLLECTION + ".plugins":
                found.extend((node.lineno, alias.name.replace(".", "/"), True) for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(COLLECTION + "."):
                    found.append((node.lineno, alias.name[len(COLLECTION + ".plugins."):].replace(".", "/"), True))
    return found


def violations(name, source):
    """Every broken import rule of the file ``name`` (``modules/civo_instance``) with ``source``."""
    problems = []
    own = layer_of(name)
    if own is None:
        return ["%s: not placed in a layer (add it to LAYERS in tests/unit/test_layering.py)" % name]
    for line, target, absolute in imports_of(name, source):
        where = "%s:%d imports %s" % (name, line, target)
        if absolute:
            problems.append("%s absolutely (import it relatively: from ..%s import ...)" % (where, target.replace("/", ".")))
        layer = layer_of(target)
        if layer is None:
            problems.append("%s, a file not placed in a layer" % where)
        elif layer > own:
            problems.append("%s: up from %s to %s" % (where, LAYER_NAMES[own], LAYER_NAMES[layer]))
        if target == "module_utils/_http" and not name.startswith("module_utils/"):
            problems.append("%s: the private transport (take errors and the frame from base, helpers from util)" % where)
        if name in NEUTRAL and target in PROVIDER_CLIENTS:
            problems.append("%s: the frame names no provider (a module names its Provider object)" % where)
        if name in PROVIDER_CLIENTS and target in PROVIDER_CLIENTS and target != name:
            problems.append("%s: a provider client imports no other provider" % where)
        if name.startswith("modules/") and target.startswith("modules/"):
            problems.append("%s: a module imports no other module (share code in module_utils)" % where)
    return problems


FILES = list(plugin_files())


def test_every_plugin_file_is_checked():
    names = [name for name, _path in FILES]
    assert "module_utils/base" in names and "modules/civo_instance" in names and "inventory/civo" in names
    assert len(names) > 30


@pytest.mark.parametrize("name,path", FILES, ids=[name for name, _path in FILES])
def test_imports_follow_the_layers(name, path):
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    assert violations(name, source) == []


@pytest.mark.parametrize("name,source,expected", [
    ("modules/x", "from ansible_collections.vmops.cloud.plugins.module_utils.base import Plan\n", "absolutely"),
    ("modules/x", "from ..module_utils._http import ApiError\n", "private transport"),
    ("module_utils/_http", "from .base import Plan\n", "up from transport to frame"),
    ("module_utils/civo", "from .resource import Field\n", "up from providers to frame"),
    ("module_utils/waiter", "from . import base\n", "up from transport to frame"),
    ("module_utils/civo", "from ..module_utils import resource\n", "up from providers to frame"),
    ("module_utils/base", "from .civo import CIVO\n", "names no provider"),
    ("module_utils/resource", "from .zomro import ZOMRO\n", "names no provider"),
    ("module_utils/zomro", "from .civo import is_uuid\n", "no other provider"),
    ("modules/x", "from .civo_instance import summary\n", "no other module"),
    ("module_utils/new_helper", "import os\n", "not placed"),
    ("plugin_utils/_inventory", "from ..module_utils._http import scrub\n", "private transport"),
])
def test_a_broken_rule_is_reported(name, source, expected):
    problems = violations(name, source)
    assert any(expected in problem for problem in problems), problems


def test_a_good_file_passes():
    source = "from ..module_utils.base import ApiError, Plan\nfrom ..module_utils.util import is_uuid\nimport re\n"
    assert violations("modules/x", source) == []
    assert violations("module_utils/civo_resources", "from .resource import ResourceApi\nfrom .civo import CIVO\n") == []
