"""Every EXAMPLES block of every plugin of the collection runs, verbatim, against the emulator.

Plugins are found on disk, so a plugin added later is covered without touching this file:

* modules (``plugins/modules/*.py``): the EXAMPLES tasks become one play per module, all plays in one
  ``ansible-playbook`` run (and a second run with ``--check --diff``).  Before each play a harness callback
  resets the emulator (a fresh account), creates the objects the examples refer to by name without
  creating them (``SHARED_OBJECTS``), and clears the journal; after it, it records the journal.  The
  credentials come from the environment, as a user's would (``CIVO_TOKEN``, ``CIVO_API_URL``,
  ``ZOMRO_USERNAME``, ``ZOMRO_PASSWORD``, ``ZOMRO_API_URL``); a variable is given to a play only when the
  example names it in a comment as the user's (``USER_VARS``).  The real run must succeed without skipping
  a task of the module, an ``_info`` module must change nothing and another module must change something;
  the check-mode run must succeed and send no changing request.
* inventory plugins: each YAML document of EXAMPLES is an inventory source; all of one plugin's are
  parsed by one ``ansible-inventory`` run (every source must parse and list hosts).
* callback plugins: the ``ansible.cfg`` section and the environment lines of EXAMPLES enable the callback
  for the module runs above; the files they name must be written.

(``test_module_docs.py`` checks the rest of every module's documentation.)
"""

import ast
import configparser
import json
import re
import shlex
import subprocess
import sys
import types

import pytest
import yaml

from emulator_proc import Emulator, start_emulator
from runner import BIN, REPO, base_env

MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if not p.stem.startswith("_"))
INVENTORIES = sorted(p.stem for p in (REPO / "plugins" / "inventory").glob("*.py") if not p.stem.startswith("_"))
CALLBACKS = sorted(p.stem for p in (REPO / "plugins" / "callback").glob("*.py") if not p.stem.startswith("_"))

# Variables the examples say are the user's (named in a comment of the example); given only to those.
USER_VARS = {"vault_rescue_password": "Rescue-Example-Pw-7f3a"}
# Environment variables the inventory examples read for a second account (named in the example).
USER_ENV_CREDENTIALS = {"CIVO_PROD_TOKEN": "token", "ZOMRO_PROD_USER": "zomro_user",
                        "ZOMRO_PROD_PASSWORD": "zomro_password"}

# Objects the examples refer to by name as already existing in the user's account: made before the play
# when its EXAMPLES mention the name and do not create the object themselves (``creates`` is the text
# that marks an example creating it).  Zomro's instance vps-5203773.zomro.example is in every fresh
# emulator account.
SHARED_OBJECTS = {
    "web1.example.com": {
        "creates": re.compile(r"hostname: web1\.example\.com\n(\s+\S.*\n)*?\s+template_id:"),
        "civo": ("POST", "/v2/instances", {"hostname": "web1.example.com", "size": "g3.small",
                                           "template_id": "ubuntu-jammy", "region": "LON1"}),
    },
}

HARNESS = r'''
import json
import os
import time
import urllib.request

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    """Test harness: a fresh emulator account for each play, its journal and task results recorded."""
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "examples_harness"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        with open(os.environ["EXAMPLES_HARNESS_PLAN"]) as f:
            self.plan = json.load(f)
        self.out = {}
        self.current = None

    def call(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.plan["url"] + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "bearer " + token)
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"null")

    def finish(self):
        if self.current is not None:
            self.out[self.current]["journal"] = self.call("GET", "/_sim/journal")
            self.out[self.current]["seconds"] = round(time.time() - self.started, 2)
            self.current = None

    def v2_playbook_on_play_start(self, play):
        self.finish()
        name = play.get_name()
        self.current = name
        self.out[name] = {"tasks": [], "journal": None, "seeded": []}
        self.started = time.time()
        self.call("POST", "/_sim/reset")
        for method, path, body in self.plan["seeds"].get(name, []):
            self.out[name]["seeded"].append(self.call(method, path, body, token=self.plan["token"]).get("id"))
        self.call("DELETE", "/_sim/journal")

    def record(self, result, status):
        res = result._result
        self.out[self.current]["tasks"].append({
            "name": result._task.get_name(), "action": result._task.action, "status": status,
            "changed": bool(res.get("changed")), "msg": str(res.get("msg", ""))[:2000]})

    def v2_runner_on_ok(self, result):
        self.record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self.record(result, "ignored" if ignore_errors else "failed")

    def v2_runner_on_skipped(self, result):
        self.record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self.record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self.finish()
        with open(os.environ["EXAMPLES_HARNESS_OUT"], "w") as f:
            json.dump(self.out, f)
'''


def plugin_examples(kind, name):
    """The EXAMPLES string of ``plugins/<kind>/<name>.py`` (read with ast, not imported)."""
    tree = ast.parse((REPO / "plugins" / kind / (name + ".py")).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["EXAMPLES"]:
            return node.value.value
    raise AssertionError("plugins/%s/%s.py has no EXAMPLES" % (kind, name))


def comments(text):
    return "\n".join(line for line in text.splitlines() if line.strip().startswith("#"))


def user_vars(text):
    """The USER_VARS this example uses and names in a comment (the comment says they are the user's)."""
    return {k: v for k, v in USER_VARS.items() if re.search(r"\b%s\b" % k, text) and k in comments(text)}


def seeds(text):
    out = []
    for name, obj in SHARED_OBJECTS.items():
        if name in text and not obj["creates"].search(text):
            out.append(obj["civo"])
    return out


def mutating(journal):
    return Emulator.mutating(types.SimpleNamespace(journal=lambda: journal))


def callback_config(name):
    """(ansible.cfg text, environment) that the callback's EXAMPLES show (comment lines)."""
    text = plugin_examples("callback", name)
    lines = [re.sub(r"^\s*#\s?", "", line) for line in text.splitlines()]
    cfg, env = [], {}
    for line in lines:
        if re.match(r"^\[[\w ]+\]$", line.strip()) or (cfg and re.match(r"^[a-z_]+\s*=", line.strip())):
            cfg.append(line.strip())
        for token in shlex.split(line.replace("\\", " ")):
            m = re.match(r"^([A-Z][A-Z0-9_]+)=(\S+)$", token)
            if m:
                env[m.group(1)] = m.group(2)
    return "\n".join(cfg) + "\n", env


def start_examples(emulator, tmp, check):
    """Start one ansible-playbook run of every module's EXAMPLES, a play each; returns a finish() that waits
    for it and returns (harness output, the finished process)."""
    tmp.mkdir(parents=True, exist_ok=True)
    harness_dir = tmp / "callbacks"
    harness_dir.mkdir(exist_ok=True)
    (harness_dir / "examples_harness.py").write_text(HARNESS)
    plays, plan = [], {"url": emulator.url, "token": emulator.token, "seeds": {}}
    inventory = ["[examples]"]
    for name in MODULES:
        text = plugin_examples("modules", name)
        tasks = yaml.safe_load(text)
        assert isinstance(tasks, list) and tasks, "%s: EXAMPLES is not a list of tasks" % name
        play_vars = {"ansible_python_interpreter": sys.executable}
        play_vars.update(user_vars(text))
        # In a block with a rescue so that a failure ends this play only (ansible-playbook stops when
        # every host of a play failed); the harness records the failed task all the same.
        block = {"block": tasks, "rescue": [{"name": "EXAMPLE FAILED", "ansible.builtin.meta": "noop"}]}
        plays.append({"name": name, "hosts": name, "gather_facts": False, "vars": play_vars, "tasks": [block]})
        plan["seeds"][name] = seeds(text)
        inventory.append("%s ansible_connection=local" % name)
    (tmp / "inventory.ini").write_text("\n".join(inventory) + "\n")
    (tmp / "examples.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    (tmp / "plan.json").write_text(json.dumps(plan))
    env = {"CIVO_TOKEN": emulator.token, "CIVO_API_URL": emulator.url,
           "ZOMRO_USERNAME": emulator.zomro_user, "ZOMRO_PASSWORD": emulator.zomro_password,
           "ZOMRO_API_URL": emulator.url + "/",
           "EXAMPLES_HARNESS_PLAN": str(tmp / "plan.json"), "EXAMPLES_HARNESS_OUT": str(tmp / "out.json"),
           "ANSIBLE_CALLBACK_PLUGINS": str(harness_dir), "ANSIBLE_CALLBACKS_ENABLED": "examples_harness",
           "ANSIBLE_RETRY_FILES_ENABLED": "False", "ANSIBLE_PIPELINING": "True"}
    cmd = [str(BIN / "ansible-playbook"), "-i", "inventory.ini", "examples.yml"]
    # The callback plugins' EXAMPLES enable them: the check run through the environment lines (a plan),
    # the real run through the ansible.cfg lines (the harness added to their callbacks_enabled).
    merged = configparser.ConfigParser()
    for callback in CALLBACKS:
        cfg, cb_env = callback_config(callback)
        if check:
            enabled = cb_env.pop("ANSIBLE_CALLBACKS_ENABLED", "")
            env["ANSIBLE_CALLBACKS_ENABLED"] += "," + enabled if enabled else ""
            env.update(cb_env)
        else:
            parsed = configparser.ConfigParser()
            parsed.read_string(cfg)
            enabled = [merged.get("defaults", "callbacks_enabled", fallback="examples_harness"),
                       parsed.get("defaults", "callbacks_enabled", fallback="")]
            merged.read_string(cfg)
            if not merged.has_section("defaults"):
                merged.add_section("defaults")
            merged.set("defaults", "callbacks_enabled", ",".join(e for e in enabled if e))
    if merged.sections():
        with open(str(tmp / "ansible.cfg"), "w") as handle:
            merged.write(handle)
        env["ANSIBLE_CONFIG"] = str(tmp / "ansible.cfg")
        del env["ANSIBLE_CALLBACKS_ENABLED"]
    if check:
        cmd += ["--check", "--diff"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=base_env(env),
                            cwd=str(tmp))

    def finish():
        try:
            stdout, stderr = proc.communicate(timeout=900)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
        done = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
        out_path = tmp / "out.json"
        assert out_path.exists(), "the harness wrote no results:\n" + stdout[-5000:] + stderr[-5000:]
        return json.loads(out_path.read_text()), done
    return finish


@pytest.fixture(scope="module")
def example_runs(emulator_session, tmp_path_factory):
    # the real and the check-mode runs side by side, each against an emulator of its own
    base = tmp_path_factory.mktemp("examples")
    with start_emulator(build_seconds=0.2) as second:
        finish_real = start_examples(emulator_session, base / "real", check=False)
        finish_check = start_examples(second, base / "check", check=True)
        real, check = finish_real(), finish_check()
    emulator_session.reset()
    return {"real": real, "check": check, "dirs": {"real": base / "real", "check": base / "check"}}


def play_report(name, played, proc):
    lines = ["%-8s %s (%s)%s" % (t["status"], t["name"], t["action"], (": " + t["msg"]) if t["msg"] else "")
             for t in played.get("tasks", [])]
    # the part of ansible-playbook's output that belongs to this play
    text = proc.stdout
    start = text.find("PLAY [%s]" % name)
    end = text.find("PLAY [", start + 1) if start >= 0 else -1
    return "\n".join(lines) + "\n--- output ---\n" + (text[start:end if end > 0 else None] if start >= 0 else text[-3000:])


@pytest.mark.parametrize("name", MODULES)
def test_module_examples_run(example_runs, name):
    for mode in ("real", "check"):
        results, proc = example_runs[mode]
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout[-3000:] + proc.stderr[-3000:]
        played = results.get(name)
        assert played is not None, "%s mode: the play of %s did not run\n%s" % (mode, name, proc.stdout[-3000:])
        report = "%s mode, %s:\n%s" % (mode, name, play_report(name, played, proc))
        tasks = [t for t in played["tasks"] if t["name"] != "EXAMPLE FAILED"]
        assert tasks and all(t["status"] == "ok" or t["status"] == "skipped" for t in tasks), report
        own = [t for t in tasks if t["action"] == "vmops.cloud." + name]
        assert own, "no example task of %s ran\n%s" % (name, report)
        assert tasks[0]["status"] == "ok", report
        if mode == "check" and any(t["status"] == "skipped" for t in own):
            # allowed when the example says why (a task that needs what check mode did not create)
            assert "check mode" in comments(plugin_examples("modules", name)), (
                "a task of the examples is skipped in check mode and no comment says why\n" + report)
        journal = played["journal"]
        assert journal is not None, report
        changes = mutating(journal)
        if mode == "real":
            assert all(t["status"] == "ok" for t in own), "a task was skipped in a real run\n" + report
            if name.endswith("_info"):
                assert changes == [], "an _info example changed something: %s\n%s" % (changes, report)
            else:
                assert changes, "the examples of %s changed nothing\n%s" % (name, report)
        else:
            assert changes == [], "check mode sent a changing request: %s\n%s" % (changes, report)
        for secret in USER_VARS.values():
            assert secret not in proc.stdout + proc.stderr


@pytest.mark.parametrize("name", CALLBACKS)
def test_callback_examples_configure_it(example_runs, name):
    cfg, env = callback_config(name)
    assert "callbacks_enabled" in cfg and "vmops.cloud." + name in cfg, cfg
    assert env.get("ANSIBLE_CALLBACKS_ENABLED") == "vmops.cloud." + name, env
    parsed = configparser.ConfigParser()
    parsed.read_string(cfg)
    files = {"real": [v for s in parsed.sections() if s != "defaults" for v in parsed[s].values()],
             "check": [v for k, v in env.items() if k != "ANSIBLE_CALLBACKS_ENABLED"]}
    for mode, paths in files.items():
        assert paths, (mode, cfg, env)
        for path in paths:
            written = example_runs["dirs"][mode] / path
            assert written.is_file(), "%s run: %s was not written" % (mode, path)
            content = written.read_text()
            assert "vmops.cloud." in content or "civo_instance" in content, content[:2000]
            for secret in list(USER_VARS.values()) + ["test-civo-token", "demo-password"]:
                assert secret not in content, (path, secret)


def inventory_documents(name):
    text = plugin_examples("inventory", name)
    out = []
    for i, doc_text in enumerate(re.split(r"(?m)^---\s*$", text)):
        doc = yaml.safe_load(doc_text)
        if not doc:
            continue
        m = re.search(r"(?m)^#\s*([\w.-]+\.ya?ml)\b", doc_text)
        out.append((m.group(1) if m else "example%d.%s.yml" % (i, name), doc_text, doc))
    return out


@pytest.mark.parametrize("name", INVENTORIES)
def test_inventory_examples_parse(emulator, tmp_path, name):
    docs = inventory_documents(name)
    assert docs, "no inventory example for %s" % name
    emulator.seed(instances=2, region="LON1", tags=["prod", "web"], size="g3.large", hostname_prefix="web")
    emulator.seed(instances=1, region="FRA1", tags=["prod", "web"], size="g3.large", hostname_prefix="fra")
    emulator.seed(zomro_instances=1)
    env = {"CIVO_TOKEN": emulator.token, "CIVO_API_URL": emulator.url,
           "ZOMRO_USERNAME": emulator.zomro_user, "ZOMRO_PASSWORD": emulator.zomro_password,
           "ZOMRO_API_URL": emulator.url + "/",
           # ~ in the examples' cache paths: a home of the test's own
           "HOME": str(tmp_path), "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "True"}
    for var, attr in USER_ENV_CREDENTIALS.items():
        if any(var in text and var in comments(text) for _, text, _ in docs):
            env[var] = getattr(emulator, attr)
    cmd = [str(BIN / "ansible-inventory"), "--list", "-vvv"]
    for filename, text, _ in docs:
        (tmp_path / filename).write_text(text)
        cmd += ["-i", filename]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=base_env(env), timeout=300, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-5000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-5000:]
    for filename, _, doc in docs:
        assert re.search(r"Parsed \S*%s inventory source with \S+ plugin" % re.escape(filename), proc.stdout + proc.stderr), (
            filename, proc.stderr[-3000:])
    listing = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert listing["_meta"]["hostvars"], listing
    assert mutating(emulator.journal()) == []
