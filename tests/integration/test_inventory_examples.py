"""Every EXAMPLES document of the inventory plugins runs against the emulator and lists hosts.

Only the endpoint and the cache directory are changed (and the environment variables the examples
read are set), so a renamed option or a broken template in the documentation fails here.
"""

import ast
import json
import subprocess

import pytest
import yaml

from runner import BIN, REPO, base_env


def documents(plugin):
    """The YAML documents of ``plugins/inventory/<plugin>.py``'s EXAMPLES (read, not imported)."""
    tree = ast.parse((REPO / "plugins" / "inventory" / (plugin + ".py")).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["EXAMPLES"]:
            return [doc for doc in yaml.safe_load_all(node.value.value) if doc]
    raise AssertionError("no EXAMPLES in %s" % plugin)


def run(path, cfg, env):
    with open(str(path), "w") as fh:
        yaml.safe_dump(cfg, fh)
    extra = {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}
    extra.update(env)
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(path), "--list"], capture_output=True,
                          text=True, env=base_env(extra), timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("index", range(len(documents("civo"))))
def test_civo_examples(emulator, tmp_path, index):
    emulator.seed(instances=2, region="LON1", tags=["prod", "web"], size="g3.large", hostname_prefix="web")
    emulator.seed(instances=1, region="FRA1", tags=["prod", "web"], size="g3.large", hostname_prefix="fra")
    cfg = dict(documents("civo")[index])
    cfg["api_url"] = emulator.url
    if "cache_connection" in cfg:
        cfg["cache_connection"] = str(tmp_path / "cache")
    env = {"CIVO_TOKEN": emulator.token, "CIVO_PROD_TOKEN": emulator.token}
    listing = run(tmp_path / "example.civo.yml", cfg, env)
    assert len(listing["_meta"]["hostvars"]) >= 2, listing


@pytest.mark.parametrize("index", range(len(documents("zomro"))))
def test_zomro_examples(emulator, tmp_path, index):
    emulator.seed(zomro_instances=1)
    cfg = dict(documents("zomro")[index])
    cfg["api_url"] = emulator.url + "/"
    if "cache_connection" in cfg:
        cfg["cache_connection"] = str(tmp_path / "cache")
    env = {"ZOMRO_USERNAME": emulator.zomro_user, "ZOMRO_PASSWORD": emulator.zomro_password,
           "ZOMRO_PROD_USER": emulator.zomro_user, "ZOMRO_PROD_PASSWORD": emulator.zomro_password}
    listing = run(tmp_path / "example.zomro.yml", cfg, env)
    assert len(listing["_meta"]["hostvars"]) == 2, listing


def test_guide_hostnames_and_filters_example(emulator, tmp_path):
    """The ``hostnames``/``filters`` block of docs/docsite/rst/guide.rst, as written."""
    import sys
    sys.path.insert(0, str(REPO / "tests" / "ee"))
    from guide_blocks import yaml_block

    emulator.seed(instances=1, region="LON1", tags=["web"], size="g3.large", hostname_prefix="Big")
    emulator.seed(instances=1, region="LON1", tags=["db"], size="g3.large", hostname_prefix="db")
    emulator.seed(instances=1, region="LON1", tags=["web"], size="g3.xsmall", hostname_prefix="tiny")
    cfg = dict(yaml_block("guide", "# inventory/named.civo.yml"), api_url=emulator.url)
    listing = run(tmp_path / "named.civo.yml", cfg, {"CIVO_TOKEN": emulator.token})
    assert sorted(listing["_meta"]["hostvars"]) == ["big-00000.example.com"]
