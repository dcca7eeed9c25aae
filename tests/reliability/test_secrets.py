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

import base64
import json
import re
import subprocess

import yaml

from _common import CENTOS_OWN, MODULES, PUBLIC_KEY, ZOMRO_ELID, module_args, resource_world, run
from runner import BIN, base_env, run_playbook

HOST = "secrets.example.com"
RESCUE_PASSWORD = "rescue-pw-Q7v9xZ"
WRONG_KEY = "wrong-key-3f9a1c77"
WRONG_PASSWORD = "wrong-zomro-pw-81ac"
FAKE_SESSION = "0f1e2d3c4b5a69788796a5b4"  # a session token the emulator never issued
SCRIPT = "#!/bin/sh\necho db_password=Scr1pt-S3cret-9d7e > /etc/app.env\n"  # a user script is a secret
SCRIPT_MARK = "Scr1pt-S3cret-9d7e"
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

    - name: Instance with a user script
      vmops.cloud.civo_instance:
        hostname: script.example.com
        size: g3.xsmall
        template_id: ubuntu-jammy
        script: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_SCRIPT') }}}}"
        wait: false

    - name: Instance with a user script again
      vmops.cloud.civo_instance:
        hostname: script.example.com
        size: g3.xsmall
        template_id: ubuntu-jammy
        script: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_SCRIPT') }}}}"
        wait: false

    - name: SSH key
      vmops.cloud.civo_ssh_key:
        name: secrets-key
        public_key: "{pubkey}"

    - name: SSH key info
      vmops.cloud.civo_ssh_key_info:

    - name: Firewall with rules
      vmops.cloud.civo_firewall:
        name: secrets-fw
        rules:
          - ports: "22"
            cidr: [10.0.0.0/8]
      register: fw

    - name: Firewall rule
      vmops.cloud.civo_firewall_rule:
        firewall: secrets-fw
        ports: "443"

    - name: Firewall info
      vmops.cloud.civo_firewall_info:

    - name: Network
      vmops.cloud.civo_network:
        label: secrets-net

    - name: Network info
      vmops.cloud.civo_network_info:

    - name: Reserved IP
      vmops.cloud.civo_reserved_ip:
        name: secrets-ip

    - name: Reserved IP info
      vmops.cloud.civo_reserved_ip_info:

    - name: Volume
      vmops.cloud.civo_volume:
        name: secrets-vol
        size_gb: 5

    - name: Volume info
      vmops.cloud.civo_volume_info:

    - name: Catalogue
      vmops.cloud.civo_size_info:

    - name: Disk images
      vmops.cloud.civo_disk_image_info:

    - name: Regions
      vmops.cloud.civo_region_info:

    - name: Zomro power
      vmops.cloud.zomro_instance:
        instance: "{zelid}"
        state: restarted

    - name: FAIL refused input with a user script
      vmops.cloud.civo_instance:
        hostname: script-fail.example.com
        size: no-such-size
        template_id: ubuntu-jammy
        script: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_SCRIPT') }}}}"
      ignore_errors: true

    - name: FAIL zomro power with a wrong password
      vmops.cloud.zomro_instance:
        instance: "{zelid}"
        state: stopped
        password: "{{{{ lookup('ansible.builtin.env', 'SECRETS_T_WRONG_PASSWORD') }}}}"
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
               "invalid session token": FAKE_SESSION, "user script": SCRIPT_MARK}
    # The API keeps failing for one path only (the two attempts of the "FAIL API keeps failing" task to read
    # the ssh keys get an HTML 502; the tasks after it read them without faults).
    emulator.faults(1.0, ["502"], match="/v2/sshkeys", limit=2)
    playbook = PLAYBOOK.format(url=emulator.url, zuser=emulator.zomro_user, host=HOST, zelid=ZOMRO_ELID,
                               image=CENTOS_OWN, pubkey=PUBLIC_KEY)
    # every module of the collection runs in the playbook (a new one must be added here)
    assert not [m for m in MODULES if "vmops.cloud.%s:" % m not in playbook], \
        [m for m in MODULES if "vmops.cloud.%s:" % m not in playbook]
    # Secrets come from the environment, as in the modules' EXAMPLES: ansible-core prints the playbook's
    # source lines around a failed task, so a secret written into the playbook itself would be shown.
    env = {"SECRETS_T_KEY": emulator.token, "SECRETS_T_ZPASSWORD": emulator.zomro_password,
           "SECRETS_T_RESCUE": RESCUE_PASSWORD, "SECRETS_T_SESSION": session, "SECRETS_T_WRONG_KEY": WRONG_KEY,
           "SECRETS_T_WRONG_PASSWORD": WRONG_PASSWORD, "SECRETS_T_FAKE_SESSION": FAKE_SESSION,
           "SECRETS_T_SCRIPT": SCRIPT}
    proc = run_playbook(playbook, verbosity=3, env=env)
    emulator.clear_faults()
    output = proc.stdout + proc.stderr
    sections = task_sections(proc.stdout)

    # Every task ran; exactly the FAIL tasks failed (and were ignored).
    recap = re.search(r"localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=0\s+failed=0\s+skipped=0\s+"
                      r"rescued=0\s+ignored=(\d+)", proc.stdout)
    assert proc.returncode == 0 and recap, output[-5000:]
    fail_tasks = [n for n in sections if n.startswith("FAIL ")]
    assert int(recap.group(3)) == len(fail_tasks) == 9, (recap.groups(), fail_tasks)
    for name in fail_tasks:
        assert "fatal: [localhost]: FAILED!" in sections[name], (name, sections[name][-3000:])
        assert "Traceback" not in sections[name]
    assert "authentication failed" in sections["FAIL wrong API key"]
    assert "502" in sections["FAIL API keeps failing"]
    assert "Invalid username or password" in sections["FAIL wrong Zomro password"]
    assert "Invalid username or password" in sections["FAIL invalid session, wrong password"]
    assert "Invalid username or password" in sections["FAIL zomro power with a wrong password"]
    assert "no-such-size" in sections["FAIL refused input with a user script"]

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
    # the user script is in the emulator (it was sent), base64 or not it is in no output
    scripted = [i for i in emulator.civo("GET", "/v2/instances", per_page=1000).json()["items"]
                if i["hostname"] == "script.example.com"]
    assert len(scripted) == 1
    for value in (SCRIPT, SCRIPT_MARK, base64.b64encode(SCRIPT.encode()).decode()):
        assert value not in everything
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
    # Every other module with its minimal arguments (a new module is run here without touching this test),
    # and a create with a user script, once refused and once accepted.
    world = resource_world(emulator, "direct")
    world.update(id=iid)
    ran = set(["civo_instance", "civo_instance_info", "civo_recovery", "civo_snapshot", "civo_snapshot_info",
               "civo_instance_snapshot", "civo_instance_snapshot_info", "zomro_instance_info", "zomro_rescue"])
    extra = []
    for name in MODULES:
        if name not in ran:
            extra.append(run(emulator, name, module_args(name, world), diff=True))
            ran.add(name)
    extra.append(run(emulator, "civo_instance", dict(hostname="direct-script.example.com", size="no-such-size",
                                                     template_id="ubuntu-jammy", script=SCRIPT)))
    scripted = run(emulator, "civo_instance", dict(hostname="direct-script.example.com", size="g3.xsmall",
                                                   template_id="ubuntu-jammy", script=SCRIPT, wait=False))
    extra.append(scripted)
    assert [bool(r.get("failed")) for r in extra] == [False] * (len(extra) - 2) + [True, False], \
        [(r.get("failed"), r.get("msg")) for r in extra]
    assert set(MODULES) <= ran
    for result in extra:
        text = result.output
        assert not [s for s in (SCRIPT, SCRIPT_MARK, base64.b64encode(SCRIPT.encode()).decode()) if s in text], \
            text[-2000:]
        assert "user_script" not in json.dumps(result.get("instance") or {})
    results.extend(extra[:-1])
    # Every session is still valid here: none may be in any output.
    assert live_sessions(emulator, "".join(r.output for r in results + [created])) == []
    emulator.expire_sessions()
    results.append(run(emulator, "zomro_instance_info", dict(auth_token=session), password=WRONG_PASSWORD))
    assert [bool(r.get("failed")) for r in results] == ([False] * 2 + [True] + [False] * 9 + [True] * 2
                                                        + [False] * (len(extra) - 2) + [True] + [True]), \
        [(r.get("failed"), r.get("msg")) for r in results]

    initial_password = created["initial_password"]
    secrets = [emulator.token, emulator.zomro_password, session, RESCUE_PASSWORD, WRONG_KEY, WRONG_PASSWORD]
    for result in results:
        text = result.output
        assert not [s for s in secrets if s in text], text[-2000:]
        assert initial_password not in text, text[-2000:]
    assert not [s for s in secrets if s in created.output]
    assert "initial_password" not in created["instance"]
