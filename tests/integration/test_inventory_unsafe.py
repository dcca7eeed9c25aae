"""Values from the API never run code where the inventory is read (issue 14 item 1), on every admitted core.

An account's own data is hostile here: tags, ``reverse_dns``, ``notes``, the hostname and nested
values hold ``{{ lookup('pipe', 'touch <marker>') }}``.  A play reads them (``debug: var=``, a
``msg`` template, ``ansible.builtin.template``, a ``compose`` copy, a ``hostnames`` template) from
the API and from the cache; no marker file may appear.  ansible-core 2.17 (the oldest
``requires_ansible`` admits, from ``scripts/_core_venv.sh 2.17``) templates plain strings in host
variables, the pinned core does not: both run.  The hostile values are put into the emulator's
answers by a loopback rewriting proxy (``rewrite_proxy.py``).
"""

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core_venv import NEWEST, OLDEST, core_bin, core_version
from rewrite_proxy import RewriteProxy
from runner import BIN, REPO, base_env

STRICT_ENV = {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}
FIELDS = ("tags", "reverse_dns", "notes", "hostname", "nested", "servername", "os")


@pytest.fixture(params=["pinned", OLDEST, NEWEST], ids=lambda v: "core-" + v)
def core(request):
    """``(bin directory, python)`` of the ansible-core under test."""
    if request.param == "pinned":
        return BIN, sys.executable
    bin_dir = core_bin(request.param)
    assert core_version(bin_dir).startswith(request.param + "."), core_version(bin_dir)
    return bin_dir, str(bin_dir / "python")


class Hostile:
    """One marker file per field, and the payload that would create it."""

    def __init__(self, directory):
        token = secrets.token_hex(6)
        self.markers = dict((f, directory / ("pwned-%s-%s" % (token, f))) for f in FIELDS)

    def payload(self, field):
        return "{{ lookup('pipe', 'touch %s') }}" % self.markers[field]

    def fired(self):
        return [f for f, path in self.markers.items() if path.exists()]


def civo_rewrite(hostile):
    def rewrite(request, status, body):
        if request["method"] != "GET" or request["path"] != "/v2/instances" or status != 200:
            return None
        doc = json.loads(body)
        for inst in doc.get("items") or []:
            inst["tags"] = list(inst.get("tags") or []) + [hostile.payload("tags")]
            inst["reverse_dns"] = hostile.payload("reverse_dns")
            inst["notes"] = hostile.payload("notes")
            inst["nested"] = {"deep": [hostile.payload("nested"), {"key": hostile.payload("nested")}]}
            if inst["hostname"].startswith("evil"):
                inst["hostname"] = hostile.payload("hostname")
        return status, json.dumps(doc).encode()
    return rewrite


def run(bin_dir, python, args, env=None):
    extra = dict(STRICT_ENV, ANSIBLE_PYTHON_INTERPRETER=python)
    extra.update(env or {})
    return subprocess.run([str(bin_dir / args[0])] + list(args[1:]), capture_output=True, text=True,
                          env=base_env(extra), timeout=600, cwd=str(REPO))


PLAY = """
- hosts: {group}
  gather_facts: false
  tasks:
    - ansible.builtin.debug:
        var: {prefix}tags
    - ansible.builtin.debug:
        var: {prefix}nested
    - ansible.builtin.debug:
        var: inventory_hostname
    - ansible.builtin.debug:
        msg: "SEEN={{{{ {prefix}tags | join(',') }}}}|{{{{ {prefix}reverse_dns }}}}|{{{{ copied }}}}|{{{{ {prefix}notes }}}}"
    - ansible.builtin.template:
        src: {template}
        dest: "{out}/{{{{ {prefix}id }}}}.txt"
        mode: "0600"
      delegate_to: localhost
"""

TEMPLATE = ("{{ civo_tags | join(',') }}|{{ civo_reverse_dns }}|{{ civo_notes }}|{{ civo_nested.deep[0] }}|"
            "{{ civo_nested.deep[1].key }}|{{ copied }}|{{ inventory_hostname }}\n")


def test_civo_hostile_values_never_run_code(emulator, tmp_path, core):
    bin_dir, python = core
    emulator.seed(instances=1, region="LON1", tags=["web"], hostname_prefix="evil")
    emulator.seed(instances=1, region="LON1", tags=["web"], hostname_prefix="good")
    hostile = Hostile(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "t.j2").write_text(TEMPLATE)
    play = tmp_path / "play.yml"
    play.write_text(PLAY.format(group="civo", prefix="civo_", template=tmp_path / "t.j2", out=out))

    with RewriteProxy(emulator.url, civo_rewrite(hostile)) as proxy:
        inv = tmp_path / "hostile.civo.yml"
        inv.write_text(yaml.safe_dump({
            "plugin": "vmops.cloud.civo", "api_url": proxy.url, "api_key": emulator.token,
            "compose": {"copied": "civo_reverse_dns"},
            "hostnames": ["hostname"],
            "keyed_groups": [{"key": "civo_tags", "prefix": "kg"}],
            "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
            "cache_connection": str(tmp_path / "cache"), "cache_timeout": 600}))
        for attempt in ("api", "cache"):
            before = len(proxy.requests)
            proc = run(bin_dir, python, ["ansible-playbook", str(play), "-i", str(inv), "-c", "local"])
            assert proc.returncode == 0, proc.stdout + proc.stderr
            assert hostile.fired() == [], (attempt, proc.stdout)
            # the text is shown as it is, never evaluated
            assert hostile.payload("tags") in proc.stdout and hostile.payload("nested") in proc.stdout
            seen = "SEEN=web,%s|%s|%s|%s" % (hostile.payload("tags"), hostile.payload("reverse_dns"),
                                             hostile.payload("reverse_dns"), hostile.payload("notes"))
            assert seen in proc.stdout
            written = sorted(p.read_text() for p in out.iterdir())
            assert len(written) == 2
            for text in written:
                assert hostile.payload("reverse_dns") + "|" + hostile.payload("notes") in text
                assert hostile.payload("nested") + "|" + hostile.payload("nested") in text
            assert any(text.rstrip("\n").endswith("|" + hostile.payload("hostname")) for text in written)
            if attempt == "cache":
                assert len(proxy.requests) == before  # served from the cache
            else:
                assert len(proxy.requests) == before + 1

        # a hostnames template over a hostile value: the host name is the text, not its result
        inv.write_text(yaml.safe_dump({
            "plugin": "vmops.cloud.civo", "api_url": proxy.url, "api_key": emulator.token,
            "compose": {"copied": "civo_reverse_dns"},
            "hostnames": ["{{ civo_reverse_dns }}"],
            "filters": ["civo_hostname.startswith('good')"]}))
        proc = run(bin_dir, python, ["ansible-playbook", str(play), "-i", str(inv), "-c", "local"])
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert hostile.fired() == [], proc.stdout
        assert '"inventory_hostname": "%s"' % hostile.payload("reverse_dns") in proc.stdout

        # what ansible-inventory shows: the same text
        proc = run(bin_dir, python, ["ansible-inventory", "-i", str(inv), "--list"])
        assert proc.returncode == 0, proc.stderr
        assert hostile.fired() == []
        assert json.dumps(hostile.payload("notes"))[1:-1] in proc.stdout


def zomro_rewrite(hostile):
    def rewrite(request, status, body):
        if b"func=instances" not in request["body"] or status != 200:
            return None
        doc = json.loads(body)
        for elem in doc["doc"].get("elem") or []:
            elem["os"] = {"$": hostile.payload("os")}
            # a nested value (a field the client passes through as it is)
            elem["nested"] = {"deep": [hostile.payload("nested"), {"k": hostile.payload("nested")}]}
            if elem["id"]["$"] == "5203773":
                elem["servername"] = {"$": hostile.payload("servername")}
        return status, json.dumps(doc).encode()
    return rewrite


ZOMRO_PLAY = """
- hosts: zomro
  gather_facts: false
  tasks:
    - ansible.builtin.debug:
        var: zomro_os
    - ansible.builtin.debug:
        var: zomro_nested
    - ansible.builtin.debug:
        var: inventory_hostname
    - ansible.builtin.debug:
        msg: "SEEN={{ zomro_os }}|{{ zomro_nested.deep[0] }}|{{ zomro_nested.deep[1].k }}|{{ copied }}"
    - ansible.builtin.template:
        src: {template}
        dest: "{out}/{{{{ zomro_id }}}}.txt"
        mode: "0600"
      delegate_to: localhost
"""


def test_zomro_hostile_values_never_run_code(emulator, tmp_path, core):
    bin_dir, python = core
    emulator.seed(zomro_instances=1)
    hostile = Hostile(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "t.j2").write_text("{{ zomro_os }}|{{ zomro_nested.deep[0] }}|{{ zomro_nested.deep[1].k }}|{{ copied }}|"
                                   "{{ inventory_hostname }}\n")
    play = tmp_path / "play.yml"
    play.write_text(ZOMRO_PLAY.replace("{template}", str(tmp_path / "t.j2")).replace("{out}", str(out))
                    .replace("{{{{", "{{").replace("}}}}", "}}"))
    with RewriteProxy(emulator.url, zomro_rewrite(hostile)) as proxy:
        inv = tmp_path / "hostile.zomro.yml"
        inv.write_text(yaml.safe_dump({
            "plugin": "vmops.cloud.zomro", "api_url": proxy.url + "/", "username": emulator.zomro_user,
            "password": emulator.zomro_password, "compose": {"copied": "zomro_os"},
            "keyed_groups": [{"key": "zomro_os", "prefix": "os"}],
            "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
            "cache_connection": str(tmp_path / "cache"), "cache_timeout": 600}))
        for attempt in ("api", "cache"):
            before = len(proxy.requests)
            proc = run(bin_dir, python, ["ansible-playbook", str(play), "-i", str(inv), "-c", "local"])
            assert proc.returncode == 0, proc.stdout + proc.stderr
            assert hostile.fired() == [], (attempt, proc.stdout)
            assert "SEEN=%s|%s|%s|%s" % (hostile.payload("os"), hostile.payload("nested"), hostile.payload("nested"),
                                         hostile.payload("os")) in proc.stdout
            assert '"inventory_hostname": "%s"' % hostile.payload("servername") in proc.stdout
            written = sorted(p.read_text() for p in out.iterdir())
            assert len(written) == 2
            assert any(t.rstrip("\n").endswith("|" + hostile.payload("servername")) for t in written)
            assert all(t.startswith("%s|%s|%s|%s|" % (hostile.payload("os"), hostile.payload("nested"),
                                                      hostile.payload("nested"), hostile.payload("os"))) for t in written)
            assert len(proxy.requests) == (before if attempt == "cache" else before + 2)  # auth + instances


def test_inventory_unit_tests_pass_on_the_oldest_core():
    """The plugins' and the helper's unit tests (nested values unsafe, scrubbing, cache keys) on ansible-core 2.17."""
    bin_dir = core_bin(OLDEST)
    proc = subprocess.run([str(bin_dir / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/unit/plugins/inventory", "tests/unit/plugins/plugin_utils"],
                          capture_output=True, text=True, env=base_env(), timeout=600, cwd=str(REPO))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = proc.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "skipped" not in summary, summary
