"""A new user's first hour (issue 17): role inputs, the shipped playbooks without input, role docs,
the README Quick start (with and without --check) and scripts/emulator.sh."""

import os
import re
import signal
import subprocess
import time

import pytest
import requests

from runner import REPO, BIN, base_env, run_playbook

PY = 'ansible_python_interpreter: "{{ ansible_playbook_python }}"'


def civo_env(emulator):
    return {"CIVO_TOKEN": emulator.token, "CIVO_API_URL": emulator.url, "CIVO_REGION": "LON1",
            "ZOMRO_USERNAME": emulator.zomro_user, "ZOMRO_PASSWORD": emulator.zomro_password,
            "ZOMRO_API_URL": emulator.url + "/"}


def role_play(role, **role_vars):
    import json
    return """
- hosts: localhost
  gather_facts: false
  vars:
    %s
  roles:
    - role: vmops.cloud.%s
      vars: %s
""" % (PY, role, json.dumps(role_vars))


def changing(emulator):
    return emulator.mutating()


# ---------------------------------------------------------------- item 1: unknown keys in list items

GOOD = {"hostname": "typo-3", "size": "g3.small", "template_id": "ubuntu-jammy"}


@pytest.mark.parametrize("extra, word", [
    ({"ssh_kye_id": "deploy-key"}, "ssh_kye_id"),
    ({"tagz": ["x"]}, "tagz"),
    ({"state": "absent"}, "state"),
    ({"reboot_type": "soft"}, "reboot_type"),
    ({"public_ip": "yes"}, "public_ip"),
])
def test_provision_refuses_unknown_item_keys_before_any_request(emulator, extra, word):
    item = dict(GOOD, **extra)
    r = run_playbook(role_play("provision", provision_instances=[item]), env=civo_env(emulator))
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert word in out, out
    assert "provision_instances" in out, out
    assert emulator.journal() == [], emulator.journal()


def test_provision_refuses_item_without_hostname(emulator):
    item = {"size": "g3.small", "template_id": "ubuntu-jammy"}
    r = run_playbook(role_play("provision", provision_instances=[item]), env=civo_env(emulator))
    out = r.stdout + r.stderr
    assert r.returncode != 0 and "hostname" in out, out
    assert emulator.journal() == []


def test_provision_valid_item_creates_with_key_and_tags(emulator):
    # deploy-key is one of the emulator's seeded SSH keys
    item = dict(GOOD, ssh_key_id="deploy-key", tags=["x"])
    r = run_playbook(role_play("provision", provision_instances=[item], provision_wait=False), env=civo_env(emulator))
    assert r.returncode == 0, r.stdout + r.stderr
    inst = [i for i in emulator.civo("GET", "/v2/instances", region="LON1").json()["items"] if i["hostname"] == "typo-3"]
    assert len(inst) == 1 and inst[0]["tags"] == ["x"], inst
    assert inst[0]["ssh_key_id"], inst


# ---------------------------------------------------------------- item 2: shipped playbooks without input

@pytest.mark.parametrize("playbook, usage", [
    ("provision", "ansible-playbook vmops.cloud.provision -e"),
    ("backup", "ansible-playbook vmops.cloud.backup -e"),
    ("recovery", "ansible-playbook vmops.cloud.recovery -e recovery_instance="),
])
def test_shipped_playbook_without_input_fails_with_usage(emulator, playbook, usage):
    r = run_playbook("vmops.cloud." + playbook, env=civo_env(emulator))
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert usage in out, out
    assert "Traceback" not in out
    assert emulator.journal() == []


def test_provision_role_with_empty_list_fails(emulator):
    r = run_playbook(role_play("provision", provision_instances=[]), env=civo_env(emulator))
    out = r.stdout + r.stderr
    assert r.returncode != 0 and "provision_instances is empty" in out, out
    assert emulator.journal() == []


@pytest.mark.parametrize("role", ["provision", "backup", "recovery"])
def test_ansible_doc_role_shows_usage_example(role):
    r = subprocess.run([str(BIN / "ansible-doc"), "-t", "role", "vmops.cloud." + role],
                       capture_output=True, text=True, env=base_env(), timeout=120)
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "Usage example" in text, r.stdout
    assert "ansible-playbook vmops.cloud.%s -e" % role in text, r.stdout
    assert "role: vmops.cloud.%s" % role in text, r.stdout


# ---------------------------------------------------------------- item 7: assertion messages

def _fail_msg(out):
    m = re.search(r'"msg": "(.*?)"\}', out, re.S) or re.search(r"msg: (.*)", out)
    return m.group(1) if m else out


def test_backup_assertion_names_the_wrong_input(emulator):
    r = run_playbook(role_play("backup", backup_instances=["web-1"], backup_name_prefix="Bad_Prefix"),
                     env=civo_env(emulator))
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "backup_name_prefix 'Bad_Prefix' is not valid" in out, out
    for other in ("backup_retention", "backup_timestamp", "give backup_instances"):
        assert other not in _fail_msg(out), out
    assert emulator.journal() == []


def test_backup_assertion_nothing_to_back_up(emulator):
    r = run_playbook(role_play("backup"), env=civo_env(emulator))
    out = r.stdout + r.stderr
    assert r.returncode != 0 and "nothing to back up" in out, out
    assert "backup_name_prefix" not in _fail_msg(out), out


def test_recovery_assertion_names_the_wrong_input(emulator):
    r = run_playbook(role_play("recovery", recovery_instance="5203773", recovery_provider="zomro",
                               recovery_action="restore"), env=civo_env(emulator))
    out = r.stdout + r.stderr
    assert r.returncode != 0, out
    assert "restore is for Civo only" in out, out
    assert "recovery_instance is required" not in out, out
    assert emulator.journal() == []

    r = run_playbook(role_play("recovery", recovery_action="enter"), env=civo_env(emulator))
    out = r.stdout + r.stderr
    assert r.returncode != 0 and "recovery_instance is required" in out, out
    assert "Civo only" not in _fail_msg(out), out


# ---------------------------------------------------------------- item 3: README Quick start

def quick_start():
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Quick start"):]
    m = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert m, "no yaml block in the README's Quick start"
    return m.group(1)


def run_quick_start(env, check, tmp_path):
    path = tmp_path / "quickstart.yml"
    path.write_text(quick_start())
    # run as the README says: `ansible-playbook quickstart.yml` (implicit localhost, no inventory)
    e = base_env(env)
    return subprocess.run([str(BIN / "ansible-playbook"), str(path)] + (["--check", "--diff"] if check else []),
                          capture_output=True, text=True, env=e, timeout=300, cwd=str(tmp_path))


def recap(out):
    m = re.search(r"localhost\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)", out)
    assert m, out
    return dict(zip(("ok", "changed", "unreachable", "failed", "skipped"), map(int, m.groups())))


def test_readme_quick_start_check_mode_then_real(emulator, tmp_path):
    env = civo_env(emulator)
    r = run_quick_start(env, True, tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "NoneType" not in out, out
    assert recap(out)["failed"] == 0 and recap(out)["changed"] == 1, out
    assert emulator.mutating() == [], emulator.mutating()

    r = run_quick_start(env, False, tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert recap(out)["changed"] == 2, out
    inst = [i for i in emulator.civo("GET", "/v2/instances", region="LON1").json()["items"] if i["hostname"] == "web-1"]
    assert len(inst) == 1
    snaps = emulator.civo("GET", "/v2/instances/%s/snapshots" % inst[0]["id"], region="LON1").json()
    names = [s["name"] for s in (snaps.get("items", snaps) if isinstance(snaps, dict) else snaps)]
    assert "web-1-before-upgrade" in names, snaps

    # now the instance exists: check mode runs both tasks and changes nothing
    r = run_quick_start(env, True, tmp_path)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and recap(out)["changed"] == 0 and recap(out)["skipped"] == 0, out


# ---------------------------------------------------------------- item 4: scripts/emulator.sh

def test_emulator_script_prints_exports_that_work(tmp_path):
    env = base_env()
    env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    proc = subprocess.Popen(["bash", str(REPO / "scripts" / "emulator.sh")], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env, cwd=str(tmp_path),
                            start_new_session=True)
    exports = {}
    try:
        deadline = time.monotonic() + 120
        lines = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.match(r"export ([A-Z_]+)=(.*)$", line.strip())
            if m:
                exports[m.group(1)] = m.group(2)
            if "PATH" in exports:
                break
        assert {"CIVO_TOKEN", "CIVO_API_URL", "CIVO_REGION", "ZOMRO_USERNAME", "ZOMRO_PASSWORD",
                "ZOMRO_API_URL", "ANSIBLE_COLLECTIONS_PATH", "PATH"} <= set(exports), "".join(lines)
        assert re.match(r"http://127\.0\.0\.1:\d+$", exports["CIVO_API_URL"]), exports
        exports["PATH"] = exports["PATH"].replace("$PATH", os.environ.get("PATH", ""))
        run_env = dict(base_env(), **exports)
        r = run_quick_start(run_env, False, tmp_path)
        out = r.stdout + r.stderr
        assert r.returncode == 0 and recap(out)["changed"] == 2, out
        r = run_quick_start(run_env, False, tmp_path)
        assert r.returncode == 0 and recap(r.stdout)["changed"] == 0, r.stdout + r.stderr
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
    assert proc.returncode == 0, proc.returncode
    # the emulator process went with the script
    if exports.get("CIVO_API_URL"):
        with pytest.raises(requests.RequestException):
            requests.get(exports["CIVO_API_URL"] + "/_sim/config", timeout=2)


def test_readme_points_to_emulator_script_and_keeps_two_commands():
    text = (REPO / "README.md").read_text()
    top = text[:text.index("\n## ")]
    block = re.search(r"```bash\n(.*?)```", top, re.S).group(1)
    cmds = [ln.split("#")[0].strip() for ln in block.splitlines() if ln.split("#")[0].strip()]
    assert cmds == ["bash scripts/demo.sh", "bash scripts/test.sh"], cmds
    qs = text[text.index("## Quick start"):]
    qs = qs[:qs.index("\n## ", 5)]
    assert "bash scripts/emulator.sh" in qs and "export" in qs
