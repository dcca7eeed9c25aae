"""The documentation site: ``bash scripts/docsite.sh`` builds it offline, with a page per plugin and role.

Expected pages are derived from the tree, so the test follows the collection as it grows: every
plugins/modules/*.py, plugins/inventory/*.py, every role with meta/argument_specs.yml, and the guides of
docs/docsite/extra-docs.yml. Each module page must show all its options, its return values and its
examples, as ``ansible-doc`` reads them.
"""

import glob
import html
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
SCRIPT = os.path.join(REPO, "scripts", "docsite.sh")

OFFLINE = {
    "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
    "no_proxy": "", "NO_PROXY": "",
}


def plugin_names(kind):
    return sorted(os.path.splitext(os.path.basename(p))[0]
                  for p in glob.glob(os.path.join(REPO, "plugins", kind, "*.py"))
                  if not os.path.basename(p).startswith("_"))


def role_names():
    return sorted(os.path.basename(os.path.dirname(os.path.dirname(p)))
                  for p in glob.glob(os.path.join(REPO, "roles", "*", "meta", "argument_specs.yml")))


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def page_text(path):
    """The visible text of an HTML page, entities decoded, whitespace collapsed."""
    with open(path, encoding="utf-8") as handle:
        raw = handle.read()
    raw = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", raw)
    # Inline markup (highlighted code, literals) joins its text; other tags separate words.
    raw = re.sub(r"</?(span|code|strong|em|a|b|i)\b[^>]*>", "", raw)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def squash(text):
    return " ".join(text.split())


@pytest.fixture(scope="module")
def tool_env(ee_env):
    env = dict(ee_env)
    env.update(OFFLINE)
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory, tool_env):
    dest = tmp_path_factory.mktemp("docsite") / "site"
    proc = subprocess.run(["bash", SCRIPT, str(dest)], capture_output=True, text=True, env=tool_env,
                          cwd=REPO, timeout=600, check=False)
    assert proc.returncode == 0, "bash scripts/docsite.sh failed (rc=%s):\n%s\n%s" % (
        proc.returncode, proc.stdout[-5000:], proc.stderr[-5000:])
    root = dest / "html"
    assert (root / "index.html").is_file(), proc.stdout
    return root


@pytest.fixture(scope="module")
def module_docs(tool_env):
    """``ansible-doc --json`` of every module: the documentation as Ansible itself reads it."""
    names = ["vmops.cloud." + name for name in plugin_names("modules")]
    if not names:
        return {}
    proc = subprocess.run([os.path.join(BIN, "ansible-doc"), "--json", "-t", "module"] + names,
                          capture_output=True, text=True, env=tool_env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return dict((name.split(".")[-1], data["doc"] and data) for name, data in json.loads(proc.stdout).items())


def test_every_plugin_and_role_has_a_page(site):
    expected = (["%s_module.html" % name for name in plugin_names("modules")]
                + ["%s_inventory.html" % name for name in plugin_names("inventory")]
                + ["%s_callback.html" % name for name in plugin_names("callback")]
                + ["%s_role.html" % name for name in role_names()])
    assert len(expected) >= 3
    missing = [page for page in expected if not (site / page).is_file()]
    assert not missing, "pages missing from the site: %s" % missing
    index = page_text(str(site / "index.html"))
    for page in expected:
        assert re.sub(r"_(module|inventory|callback|role)\.html$", "", page) in index


def test_every_module_of_the_action_groups_has_a_page(site):
    """meta/runtime.yml promises these modules; the site must document each of them."""
    groups = load_yaml(os.path.join(REPO, "meta", "runtime.yml"))["action_groups"]
    promised = sorted(set(name for members in groups.values() for name in members if isinstance(name, str)))
    missing = [name for name in promised if not (site / ("%s_module.html" % name)).is_file()]
    assert not missing, "modules of meta/runtime.yml action_groups without a page: %s" % missing


@pytest.mark.parametrize("module", plugin_names("modules"))
def test_module_page_shows_options_examples_and_return_values(site, module_docs, module):
    data = module_docs[module]
    doc, returns, examples = data["doc"], data.get("return") or {}, data.get("examples") or ""
    text = page_text(str(site / ("%s_module.html" % module)))
    assert squash(doc["short_description"]) in text
    missing = [name for name in doc["options"] if name not in text]
    assert not missing, "options missing from %s_module.html: %s" % (module, missing)
    missing = [name for name in returns if name not in text]
    assert not missing, "return values missing from %s_module.html: %s" % (module, missing)
    tasks = re.findall(r"^- name: (.+)$", examples, re.M)
    assert tasks, "%s has no example task" % module
    missing = [task for task in tasks if squash(task) not in text]
    assert not missing, "example tasks missing from %s_module.html: %s" % (module, missing)
    assert "vmops.cloud.%s:" % module in text


def test_civo_instance_page(site, module_docs):
    """The main module, spelled out: options, an example task and the return keys."""
    assert "civo_instance" in module_docs, "plugins/modules/civo_instance.py is missing"
    text = page_text(str(site / "civo_instance_module.html"))
    for option in ("hostname", "state", "size", "template_id", "tags", "api_key", "region", "wait_timeout"):
        assert option in text, option
    for choice in ("present", "absent", "started", "stopped", "restarted"):
        assert choice in text, choice
    for key in ("instance", "initial_password", "actions"):
        assert key in text, key
    assert "vmops.cloud.civo_instance:" in text and "hostname:" in text


def documented_options(kind, name):
    """The top-level options a plugin's DOCUMENTATION declares (read from the source, not the site)."""
    with open(os.path.join(REPO, "plugins", kind, name + ".py")) as f:
        source = f.read()
    doc = re.search(r'^DOCUMENTATION = r?"""(.*?)^"""', source, re.S | re.M).group(1)
    return sorted((yaml.safe_load(doc) or {}).get("options") or {})


def test_inventory_page(site):
    for name in plugin_names("inventory"):
        text = page_text(str(site / ("%s_inventory.html" % name)))
        assert "plugin: vmops.cloud.%s" % name in text
        options = documented_options("inventory", name)
        # Every option the plugin declares is on its page, and those of the shared doc fragments.
        assert {"connect_with", "hostnames", "filters"} <= set(options), name
        missing = [option for option in options + ["keyed_groups", "compose", "cache"] if option not in text]
        assert not missing, "options missing from %s_inventory.html: %s" % (name, missing)


def test_role_pages_show_their_inputs(site):
    for role in role_names():
        spec = load_yaml(os.path.join(REPO, "roles", role, "meta", "argument_specs.yml"))
        text = page_text(str(site / ("%s_role.html" % role)))
        options = spec["argument_specs"]["main"].get("options") or {}
        missing = [name for name in options if name not in text]
        assert not missing, "inputs missing from %s_role.html: %s" % (role, missing)


def test_guides_are_on_the_site(site):
    extra = load_yaml(os.path.join(REPO, "docs", "docsite", "extra-docs.yml"))
    pages = [page for section in extra["sections"] for page in section["toctree"]]
    assert {"guide", "awx"} <= set(pages)
    index = page_text(str(site / "index.html"))
    for page in pages:
        assert (site / ("docsite/%s.html" % page)).is_file() or (site / ("%s.html" % page)).is_file(), page
    assert "User guide" in index and "AWX and Ansible Automation Platform" in index
    guide = page_text(str(next(p for p in site.rglob("guide.html"))))
    for needle in ("CIVO_TOKEN", "ZOMRO_PASSWORD", "plugin: vmops.cloud.civo", "provision_instances",
                   "backup_retention", "recovery_action", "Troubleshooting", "ambiguous_hostname", "wait_timeout",
                   "Civo only resizes upward"):
        assert needle in guide, needle
    awx = page_text(str(next(p for p in site.rglob("awx.html"))))
    for needle in ("injector configuration", "CIVO_TOKEN: \"{{ civo_api_key }}\"", "secret: true",
                   "ansible-builder"):
        assert needle in awx, needle


def test_site_links_resolve(site):
    """Every relative link of the site points at a file that exists (external links are not fetched)."""
    broken = []
    for page in site.rglob("*.html"):
        with open(str(page), encoding="utf-8") as handle:
            for href in re.findall(r'href="([^"#?]+)', handle.read()):
                if re.match(r"^[a-z]+:", href) or href.startswith("//"):
                    continue
                if not (page.parent / href).resolve().exists():
                    broken.append("%s -> %s" % (page.relative_to(site), href))
    assert not broken, broken[:20]
