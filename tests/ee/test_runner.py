"""Run playbooks through ansible-runner the way AWX / AAP runs a job.

AWX puts a job's files in a private data directory (project/, inventory/, env/) and
injects credentials as environment variables; here ``ansible_runner.run(envvars=...)``
does the same with the values a custom credential type injects (see the AWX page of
the user guide). Each run must succeed against the emulator, and no secret (the Civo
key, the Zomro password, any instance's initial password) may appear in any event or
in any artifact (stdout, job events, ...), even at -vvv.

The playbooks run: tests/ee/project/ee_smoke.yml always; playbooks/demo.yml as well
when it exists; and any playbook named in $VMOPS_EE_PLAYBOOK (a path), to try
another one by hand.
"""

import json
import os
import sys

import ansible_runner
import pytest
from jinja2.sandbox import SandboxedEnvironment

from guide_blocks import yaml_block

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
SMOKE = os.path.join(HERE, "project", "ee_smoke.yml")
DEMO = os.path.join(REPO, "playbooks", "demo.yml")

# Never let a developer's real credentials reach a test run.
CREDENTIAL_VARS = ("CIVO_TOKEN", "CIVO_API_KEY", "CIVO_API_URL", "CIVO_REGION",
                   "ZOMRO_USERNAME", "ZOMRO_PASSWORD", "ZOMRO_AUTH", "ZOMRO_API_URL")


def playbooks():
    found = [pytest.param(SMOKE, id="ee_smoke")]
    if os.path.isfile(DEMO):
        found.append(pytest.param(DEMO, id="demo"))
    extra = os.environ.get("VMOPS_EE_PLAYBOOK")
    if extra:
        found.append(pytest.param(os.path.abspath(extra), id="custom"))
    return found


def inject(type_name, inputs):
    """The environment AWX gives a job for a credential of the type the AWX guide documents.

    The input and injector configurations are read from docs/docsite/rst/awx.rst, and the injector
    templates rendered with Jinja's sandbox, as AWX does: what is tested is what users copy.
    """
    fields = yaml_block("awx", "# %s credential type: input configuration" % type_name)
    injectors = yaml_block("awx", "# %s credential type: injector configuration" % type_name)
    ids = [field["id"] for field in fields["fields"]]
    assert set(fields.get("required", [])) <= set(ids)
    assert set(inputs) <= set(ids), "unknown input: %s" % sorted(set(inputs) - set(ids))
    missing = [name for name in fields.get("required", []) if not inputs.get(name)]
    assert not missing, "required inputs missing: %s" % missing
    sandbox = SandboxedEnvironment()
    return dict((name, sandbox.from_string(template).render(**inputs))
                for name, template in injectors["env"].items())


def awx_credential_env(emulator):
    """A Civo and a Zomro credential of the documented types, attached to one job."""
    env = inject("Civo", {"civo_api_key": emulator.token, "civo_api_url": emulator.url})
    env.update(inject("Zomro", {"zomro_username": emulator.zomro_user, "zomro_password": emulator.zomro_password,
                                "zomro_api_url": emulator.url + "/"}))
    return env


def test_documented_credential_types():
    """Secrets are secret fields; the injectors set the variables the plugins read, with sane defaults."""
    for type_name, secret in (("Civo", "civo_api_key"), ("Zomro", "zomro_password")):
        fields = yaml_block("awx", "# %s credential type: input configuration" % type_name)["fields"]
        assert [f["id"] for f in fields if f.get("secret")] == [secret]
    assert inject("Civo", {"civo_api_key": "k"}) == {
        "CIVO_TOKEN": "k", "CIVO_REGION": "LON1", "CIVO_API_URL": "https://api.civo.com"}
    assert inject("Civo", {"civo_api_key": "k", "civo_region": "FRA1", "civo_api_url": ""})["CIVO_REGION"] == "FRA1"
    assert inject("Zomro", {"zomro_username": "u", "zomro_password": "p"}) == {
        "ZOMRO_USERNAME": "u", "ZOMRO_PASSWORD": "p", "ZOMRO_API_URL": "https://api.zomro.com/"}


def run_job(tmp_path, playbook, envvars, verbosity=3, extravars=None, cmdline=None, name="job"):
    """One AWX-like job: a private data directory with project/ and inventory/, credentials as env vars.

    ``cmdline``: more ansible-playbook options (``--check --diff``); ``name``: the private data directory's
    name under ``tmp_path``, for several jobs in one test.
    """
    private = tmp_path / name
    (private / "project").mkdir(parents=True)
    (private / "inventory").mkdir()
    with open(playbook, encoding="utf-8") as src:
        (private / "project" / os.path.basename(playbook)).write_text(src.read())
    (private / "inventory" / "hosts").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    env = {
        # The collection as the EE would have it installed; tools from this interpreter's bin.
        "ANSIBLE_COLLECTIONS_PATH": os.path.join(REPO, ".build", "collections"),
        "PATH": BIN + os.pathsep + os.environ.get("PATH", ""),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
    }
    env.update(envvars)
    # suppress_env_files: runner does not copy envvars (the credentials) into env/ on disk.
    return ansible_runner.run(private_data_dir=str(private), playbook=os.path.basename(playbook),
                              envvars=env, extravars=extravars, verbosity=verbosity, quiet=True, timeout=600,
                              suppress_env_files=True, cmdline=cmdline)


def instance_passwords(emulator):
    """{initial_password: hostname} of every instance, read straight from the emulator."""
    body = emulator.civo("GET", "/v2/instances", per_page=10000, region="LON1").json()
    return dict((inst["initial_password"], inst.get("hostname")) for inst in body.get("items", [])
                if inst.get("initial_password"))


def creating_event(event):
    """An event of the civo_instance task that created an instance: the one place its password may show."""
    data = event.get("event_data", {})
    action = data.get("resolved_action") or data.get("task_action") or ""
    return action.endswith("civo_instance") and data.get("res", {}).get("changed") is True


def artifact_files(result):
    """Every file the job wrote, except ``command``: ansible-runner's record of its own input.

    ansible-runner always writes the command line and the full environment it was given
    (so the injected credentials) to ``artifacts/<ident>/command``, readable by its owner
    only; that is runner's design, not output of the collection (the user guide says so).
    """
    command = os.path.join(result.config.artifact_dir, "command")
    assert os.stat(command).st_mode & 0o077 == 0, "artifacts/<ident>/command is readable by others"
    for root, dummy, files in os.walk(result.config.artifact_dir):
        for name in files:
            path = os.path.join(root, name)
            if path != command:
                yield path


@pytest.mark.parametrize("playbook", playbooks())
def test_awx_style_job(playbook, emulator, tmp_path, monkeypatch):
    for name in CREDENTIAL_VARS:
        monkeypatch.delenv(name, raising=False)
    emulator.seed(instances=2, tags=["ee-test"], hostname_prefix="ee")
    emulator.seed(instances=1, tags=["other"], hostname_prefix="other")
    creds = awx_credential_env(emulator)
    envvars = dict(creds, EE_TEST_TAG="ee-test", EE_TEST_EXPECTED="2",
                   VMOPS_DEMO_STATE_DIR=str(tmp_path / "demo-state"))
    before = instance_passwords(emulator)
    emulator.clear_journal()

    result = run_job(tmp_path, playbook, envvars)

    with open(os.path.join(result.config.artifact_dir, "stdout"), encoding="utf-8", errors="replace") as handle:
        stdout = handle.read()
    assert result.status == "successful" and result.rc == 0, "job %s (rc=%s):\n%s" % (
        result.status, result.rc, stdout[-6000:])
    events = list(result.events)
    assert any(e.get("event") == "playbook_on_stats" for e in events)
    failures = [e for e in events if e.get("event") in ("runner_on_failed", "runner_on_unreachable")
                and not e.get("event_data", {}).get("ignore_errors")]
    assert not failures, json.dumps(failures[0], indent=1)[:4000]
    ok_modules = set(e["event_data"].get("resolved_action") or e["event_data"].get("task_action")
                     for e in events if e.get("event") == "runner_on_ok")
    assert "vmops.cloud.civo_instance_info" in ok_modules, sorted(ok_modules)

    # The credentials reached the modules through the environment only.
    journal = emulator.journal()
    assert any(e.get("method") == "GET" and e.get("path") == "/v2/instances" and e.get("status") == 200
               for e in journal), journal[:20]
    assert not [e for e in journal if e.get("status") == 401], "a request was sent without the injected key"

    assert not (tmp_path / "job" / "env").exists(), "credentials were written to the private data dir's env/"
    secrets = {"Civo API key": creds["CIVO_TOKEN"], "Zomro password": creds["ZOMRO_PASSWORD"]}
    for password, hostname in before.items():
        secrets["initial_password of %s (not created by the job)" % hostname] = password
    assert len(secrets) == 5  # the key, the password and the three seeded instances' passwords
    for what, value in secrets.items():
        for event in events:
            assert value not in json.dumps(event), "%s leaked in event %s" % (what, event.get("event"))
        for path in artifact_files(result):
            with open(path, encoding="utf-8", errors="replace") as handle:
                assert value not in handle.read(), "%s leaked in artifact %s" % (what, path)
    # The initial password of an instance the job created is returned by the creating task only.
    created = dict((p, h) for p, h in instance_passwords(emulator).items() if p not in before)
    for password, hostname in created.items():
        for event in events:
            if password in json.dumps(event):
                assert creating_event(event), "initial_password of %s shown outside its creation: %s %s" % (
                    hostname, event.get("event"), event.get("event_data", {}).get("task"))
    # The -vvv output really shows the module invocations (so the check above means something).
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in stdout or '"api_key": "********"' in stdout, stdout[-3000:]


def test_job_without_credential_fails_clearly(emulator, tmp_path, monkeypatch):
    """A job template without the Civo credential: a clear message, no request sent."""
    for name in CREDENTIAL_VARS:
        monkeypatch.delenv(name, raising=False)
    emulator.clear_journal()
    result = run_job(tmp_path, SMOKE, {"CIVO_API_URL": emulator.url}, verbosity=0)
    assert result.status == "failed"
    failed = [e for e in result.events if e.get("event") == "runner_on_failed"]
    assert failed, "the task did not fail"
    msg = failed[0]["event_data"]["res"].get("msg", "")
    assert "api_key" in msg, msg
    assert emulator.journal() == []


def test_collection_playbook_as_awx_job_template(emulator, tmp_path, monkeypatch):
    """The AWX guide's recipe: a project playbook imports vmops.cloud.backup; extra variables configure it."""
    for name in CREDENTIAL_VARS:
        monkeypatch.delenv(name, raising=False)
    ids = emulator.seed(instances=2, tags=["nightly"], hostname_prefix="db")["instances"]
    emulator.seed(instances=1, tags=["other"], hostname_prefix="other")
    emulator.clear_journal()
    creds = inject("Civo", {"civo_api_key": emulator.token, "civo_api_url": emulator.url})
    extravars = {"backup_tags": ["nightly"], "backup_name_prefix": "awx", "backup_retention": 2,
                 "backup_timestamp": "20260101-020000"}
    result = run_job(tmp_path, os.path.join(HERE, "project", "awx_backup.yml"), creds, verbosity=0,
                     extravars=extravars)
    with open(os.path.join(result.config.artifact_dir, "stdout"), encoding="utf-8", errors="replace") as handle:
        stdout = handle.read()
    assert result.status == "successful", stdout[-5000:]
    creates = sorted(e["path"] for e in emulator.mutating() if e["method"] == "POST")
    assert creates == sorted("/v2/instances/%s/snapshots" % i for i in ids), creates
    assert not (tmp_path / "job" / "env").exists()
