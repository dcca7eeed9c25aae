"""Secrets never appear in any output, at -vvv, in successful and in failing runs.

One ``ansible-playbook -vvv`` runs every module (credentials from ``module_defaults``
groups, a Zomro session token and a rescue password as task options) plus failing
tasks: a wrong API key, a wrong Zomro password, an unknown rescue image, refused
input and an API that keeps failing.  ``ansible-inventory -vvv`` lists the same account,
and fails once with a wrong key.  Then:

* the Civo API key, the Zomro password, the session token given to the modules,
  the rescue password and the wrong credentials appear in no output;
* no Zomro session id (24 hex digits) that the emulator accepts appears anywhere
  (that covers the sessions the modules open themselves);
* the instance's ``initial_password`` appears in the output of the task that created
  the instance, in its result, and nowhere else (no other task, not the inventory).

The same holds for module runs read directly (their JSON, stdout and stderr), where
Ansible's own no_log masking of the task output cannot hide a leak.
"""

import re
import subprocess

import yaml

from _common import CENTOS_OWN, ZOMRO_ELID, run
from runner import BIN, base_env, run_playbook

HOST = "secrets.example.com"
RESCUE_PASSWORD = "rescue-pw-Q7v9xZ"
WRONG_KEY = "wrong-key-3f9a1c77"
WRONG_PASSWORD = "wrong-zomro-pw-81ac"
FAKE_SESSION = "0f1e2d3c4b5a69788796a5b4"  # a session token the emulator never issued
SESSION_RE = re.compile(r"(?<![0-9a-f])[0-9a-f]{24}(?![0-9a-f])")

PLAYBOOK = """
- name: Every module at -vvv, with failures
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/vmops.cloud.civo:
      api_key: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_KEY') }}}}"
      api_url: "{url}"
      api_retries: 1
    group/vmops.cloud.zomro:
      api_url: "{url}/"
      username: "{zuser}"
      password: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_ZPASSWORD') }}}}"
  tasks:
    - name: Create the instance
      vmops.cloud.civo_instance:
        hostname: {host}
        size: g3.xsmall
        template_id: ubuntu-jammy
      register: created

    - name: Same instance again
      vmops.cloud.civo_instance:
        hostname: {host}
        size: g3.xsmall
        template_id: ubuntu-jammy

    - name: Instance info
      vmops.cloud.civo_instance_info:
        id: "{{{{ created.instance.id }}}}"

    - name: Recovery mode
      vmops.cloud.civo_recovery:
        instance: "{{{{ created.instance.id }}}}"
        state: enabled

    - name: Account snapshot
      vmops.cloud.civo_snapshot:
        name: secrets-snap
        instance: "{{{{ created.instance.id }}}}"

    - name: Account snapshot info
      vmops.cloud.civo_snapshot_info:
        name: secrets-snap

    - name: Instance snapshot
      vmops.cloud.civo_instance_snapshot:
        instance: "{{{{ created.instance.id }}}}"
        name: secrets-isnap

    - name: Instance snapshot info
      vmops.cloud.civo_instance_snapshot_info:
        instance: "{{{{ created.instance.id }}}}"

    - name: Zomro info with rescue images
      vmops.cloud.zomro_instance_info:
        instance: "{zelid}"
        rescue_images: true

    - name: Rescue with a password
      vmops.cloud.zomro_rescue:
        instance: "{zelid}"
        image: "{image}"
        rescue_password: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_RESCUE') }}}}"

    - name: Unrescue with a session token
      vmops.cloud.zomro_rescue:
        instance: "{zelid}"
        state: disabled
        auth_token: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_SESSION') }}}}"

    - name: FAIL wrong API key
      vmops.cloud.civo_instance:
        hostname: {host}
        api_key: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_WRONG_KEY') }}}}"
      ignore_errors: true

    - name: FAIL refused input
      vmops.cloud.civo_instance:
        hostname: missing.example.com
        state: started
      ignore_errors: true

    - name: FAIL snapshot restore without target
      vmops.cloud.civo_instance_snapshot:
        instance: "{{{{ created.instance.id }}}}"
        name: secrets-isnap
        state: restored
      ignore_errors: true

    - name: FAIL API keeps failing
      vmops.cloud.civo_instance:
        hostname: other.example.com
        size: g3.xsmall
        template_id: ubuntu-jammy
        ssh_key_id: deploy-key
      check_mode: true
      ignore_errors: true

    - name: FAIL wrong Zomro password
      vmops.cloud.zomro_rescue:
        instance: "{zelid}"
        image: "{image}"
        password: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_WRONG_PASSWORD') }}}}"
        rescue_password: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_RESCUE') }}}}"
      ignore_errors: true

    - name: FAIL unknown rescue image
      vmops.cloud.zomro_rescue:
        instance: "{zelid}"
        image: no-such-image
        rescue_password: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_RESCUE') }}}}"
      ignore_errors: true

    - name: FAIL invalid session, wrong password
      vmops.cloud.zomro_instance_info:
        auth_token: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_FAKE_SESSION') }}}}"
        password: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_WRONG_PASSWORD') }}}}"
      ignore_errors: true
"""


def task_sections(output):
    """``{task name: text}`` of an ansible-playbook output (the text before the first task under "")."""
    sections = {}
    name = ""
    for chunk in re.split(r"^(TASK \[[^\]]*\].*)$", output, flags=re.MULTILINE):
        match = re.match(r"TASK \[([^\]]*)\]", chunk)
        if match:
            name = match.group(1)
            continue
        sections[name] = sections.get(name, "") + chunk
    return sections


def live_sessions(emulator, text):
    """Zomro session ids in ``text`` that the emulator accepts."""
    found = []
    for candidate in set(SESSION_RE.findall(text)):
        doc = emulator.zomro(func="instances", auth=candidate)["doc"]
        if "error" not in doc:
            found.append(candidate)
    return found


def test_no_secret_in_any_output_at_vvv(emulator, tmp_path):
    session = emulator.zomro_login()
    secrets = {"Civo API key": emulator.token, "Zomro password": emulator.zomro_password,
               "Zomro session token": session, "rescue password": RESCUE_PASSWORD,
               "wrong API key": WRONG_KEY, "wrong Zomro password": WRONG_PASSWORD,
               "invalid session token": FAKE_SESSION}
    # The API keeps failing for one path only (every answer for ssh keys is an HTML 502).
    emulator.faults(1.0, ["502"], match="/v2/sshkeys")
    playbook = PLAYBOOK.format(url=emulator.url, zuser=emulator.zomro_user, host=HOST, zelid=ZOMRO_ELID,
                               image=CENTOS_OWN)
    # Secrets come from the environment, as in the modules' EXAMPLES: ansible-core prints the playbook's
    # source lines around a failed task, so a secret written into the playbook itself would be shown.
    env = {"SECRETS_T_KEY": emulator.token, "SECRETS_T_ZPASSWORD": emulator.zomro_password,
           "SECRETS_T_RESCUE": RESCUE_PASSWORD, "SECRETS_T_SESSION": session, "SECRETS_T_WRONG_KEY": WRONG_KEY,
           "SECRETS_T_WRONG_PASSWORD": WRONG_PASSWORD, "SECRETS_T_FAKE_SESSION": FAKE_SESSION}
    proc = run_playbook(playbook, verbosity=3, env=env)
    emulator.clear_faults()
    output = proc.stdout + proc.stderr
    sections = task_sections(proc.stdout)

    # Every task ran; exactly the FAIL tasks failed (and were ignored).
    recap = re.search(r"localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=0\s+failed=0\s+skipped=0\s+"
                      r"rescued=0\s+ignored=(\d+)", proc.stdout)
    assert proc.returncode == 0 and recap, output[-5000:]
    fail_tasks = [n for n in sections if n.startswith("FAIL ")]
    assert int(recap.group(3)) == len(fail_tasks) == 7, (recap.groups(), fail_tasks)
    for name in fail_tasks:
        assert "fatal: [localhost]: FAILED!" in sections[name], (name, sections[name][-3000:])
        assert "Traceback" not in sections[name]
    assert "authentication failed" in sections["FAIL wrong API key"]
    assert "502" in sections["FAIL API keeps failing"]
    assert "Invalid username or password" in sections["FAIL wrong Zomro password"]
    assert "Invalid username or password" in sections["FAIL invalid session, wrong password"]

    inst = [i for i in emulator.civo("GET", "/v2/instances", per_page=1000).json()["items"] if i["hostname"] == HOST]
    assert len(inst) == 1
    initial_password = inst[0]["initial_password"]
    assert len(initial_password) >= 12

    # The inventory, at -vvv too, once with the right key and once with a wrong one.
    inventory = []
    for name, key in (("ok", emulator.token), ("fail", WRONG_KEY)):
        path = tmp_path / ("%s.civo.yml" % name)
        path.write_text(yaml.safe_dump({"plugin": "vmops.cloud.civo", "api_url": emulator.url, "api_key": key}))
        inv = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(path), "--list", "-vvv"],
                             capture_output=True, text=True, timeout=300,
                             env=base_env({"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}))
        assert (inv.returncode == 0) == (name == "ok"), inv.stderr[-3000:]
        inventory.append(inv.stdout + inv.stderr)
    assert '"%s"' % HOST in inventory[0] and "civo_status_active" in inventory[0]

    everything = output + "".join(inventory)
    for what, value in secrets.items():
        assert value not in everything, "%s found in the output" % what
    assert live_sessions(emulator, everything) == []

    # initial_password: in the creating task's result, nowhere else.
    where = [name for name, text in sections.items() if initial_password in text]
    assert where == ["Create the instance"], where
    created = sections["Create the instance"]
    assert '"initial_password": "%s"' % initial_password in created
    assert initial_password not in proc.stderr and initial_password not in "".join(inventory)


def test_no_secret_in_direct_module_output(emulator):
    """Without Ansible's task-output masking: the module processes' own JSON, stdout and stderr."""
    session = emulator.zomro_login()
    results = []
    created = run(emulator, "civo_instance", dict(hostname=HOST, size="g3.xsmall", template_id="ubuntu-jammy"))
    assert created.get("initial_password"), created
    iid = created["instance"]["id"]
    results.append(run(emulator, "civo_instance", dict(id=iid, hostname=HOST, size="g3.xsmall")))
    results.append(run(emulator, "civo_instance_info", dict(hostname=HOST)))
    results.append(run(emulator, "civo_instance", dict(hostname=HOST, size="g3.xsmall"), api_key=WRONG_KEY))
    results.append(run(emulator, "civo_instance", dict(hostname=HOST, state="started"), check=True, diff=True))
    results.append(run(emulator, "civo_recovery", dict(instance=iid), diff=True))
    results.append(run(emulator, "civo_snapshot", dict(name="direct-snap", instance=iid), diff=True))
    results.append(run(emulator, "civo_snapshot_info", dict()))
    results.append(run(emulator, "civo_instance_snapshot", dict(instance=iid, name="direct-isnap"), diff=True))
    results.append(run(emulator, "civo_instance_snapshot_info", dict(instance=HOST)))
    results.append(run(emulator, "zomro_instance_info", dict(instance=ZOMRO_ELID, rescue_images=True)))
    results.append(run(emulator, "zomro_rescue", dict(instance=ZOMRO_ELID, image=CENTOS_OWN,
                                                      rescue_password=RESCUE_PASSWORD), diff=True))
    results.append(run(emulator, "zomro_rescue", dict(instance=ZOMRO_ELID, state="disabled", auth_token=session),
                       diff=True))
    results.append(run(emulator, "zomro_rescue", dict(instance=ZOMRO_ELID, image="nope",
                                                      rescue_password=RESCUE_PASSWORD), password=WRONG_PASSWORD))
    results.append(run(emulator, "zomro_rescue", dict(instance=ZOMRO_ELID, image="nope",
                                                      rescue_password=RESCUE_PASSWORD)))
    # Every session is still valid here: none may be in any output.
    assert live_sessions(emulator, "".join(r.output for r in results + [created])) == []
    emulator.expire_sessions()
    results.append(run(emulator, "zomro_instance_info", dict(auth_token=session), password=WRONG_PASSWORD))
    assert [bool(r.get("failed")) for r in results] == [False] * 2 + [True] + [False] * 9 + [True] * 3, \
        [(r.get("failed"), r.get("msg")) for r in results]

    initial_password = created["initial_password"]
    secrets = [emulator.token, emulator.zomro_password, session, RESCUE_PASSWORD, WRONG_KEY, WRONG_PASSWORD]
    for result in results:
        text = result.output
        assert not [s for s in secrets if s in text], text[-2000:]
        assert initial_password not in text, text[-2000:]
    assert not [s for s in secrets if s in created.output]
    assert "initial_password" not in created["instance"]
