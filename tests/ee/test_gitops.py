"""The GitOps pipeline of docs/docsite/rst/gitops.rst, run as far as this machine allows.

The plan command (``--check --diff``) and the apply command of the GitLab CI and GitHub Actions pipelines are
read from the page, with the environment variables they set, and run through ansible-runner (as
tests/ee/test_runner.py runs AWX-style jobs) on playbooks/demo.yml against the API emulator (loopback only).
The vmops.cloud.changes callback's Markdown and JSON reports are then checked: a row per task and resource,
would change in the plan and changed in the apply, the diff, and no secret (the Civo API key, the Zomro
password, any instance's initial_password).

Scenario: apply on an empty account (creates everything), drift (two instances lose a tag outside the
pipeline), plan (shows the two tag changes and sends no changing request), apply (makes exactly them),
plan again (nothing to change).
"""

import ast
import json
import os
import re
import shlex

import pytest
import yaml

from guide_blocks import yaml_block, code_blocks
from test_runner import (CREDENTIAL_VARS, DEMO, REPO, artifact_files, awx_credential_env, creating_event,
                         instance_passwords, run_job)

PLUGIN = os.path.join(REPO, "plugins", "callback", "changes.py")
MARKER = "<!-- vmops.cloud changes -->"
DEMO_HOSTS = ("demo-web-1", "demo-web-2", "demo-db-1")


def plugin_doc():
    with open(PLUGIN, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            return yaml.safe_load(node.value.value)
    raise AssertionError("no DOCUMENTATION in %s" % PLUGIN)


def playbook_line(lines):
    found = [line for line in lines if isinstance(line, str) and line.strip().startswith("ansible-playbook ")]
    assert len(found) == 1, lines
    return found[0].strip()


def documented_pipelines():
    """{'gitlab'|'github': {'env': {...}, 'plan': cmd, 'apply': cmd}} from docs/docsite/rst/gitops.rst."""
    gitlab = yaml_block("gitops", "# .gitlab-ci.yml")
    github = yaml_block("gitops", "# .github/workflows/vmops.yml")
    pipelines = {
        "gitlab": {
            "env": gitlab["variables"],
            "plan": playbook_line(gitlab["plan"]["script"]),
            "apply": playbook_line(gitlab["apply"]["script"]),
            "plan_when": json.dumps(gitlab["plan"]["rules"]),
            "apply_when": json.dumps(gitlab["apply"]["rules"]),
        },
        "github": {
            "env": github["env"],
            "plan": playbook_line([s.get("run") for s in github["jobs"]["plan"]["steps"]]),
            "apply": playbook_line([s.get("run") for s in github["jobs"]["apply"]["steps"]]),
            "plan_when": github["jobs"]["plan"]["if"],
            "apply_when": github["jobs"]["apply"]["if"],
        },
    }
    return pipelines


def test_documented_pipelines_agree():
    """Both pipelines run the same plan and apply commands with the callback's documented variables."""
    pipelines = documented_pipelines()
    gitlab, github = pipelines["gitlab"], pipelines["github"]
    assert gitlab["plan"] == github["plan"]
    assert gitlab["apply"] == github["apply"]
    plan, apply = shlex.split(gitlab["plan"]), shlex.split(gitlab["apply"])
    assert "--check" in plan and "--diff" in plan
    assert "--check" not in apply and "-C" not in apply
    assert [a for a in plan if a != "--check"] == apply, "the plan must be the apply plus --check"
    assert "merge_request_event" in gitlab["plan_when"] and "CI_DEFAULT_BRANCH" in gitlab["apply_when"]
    assert "pull_request" in github["plan_when"] and "refs/heads/main" in github["apply_when"]
    names = set(n["name"] for option in plugin_doc()["options"].values() for n in option.get("env", []))
    for env in (gitlab["env"], github["env"]):
        assert env["ANSIBLE_CALLBACKS_ENABLED"] == "vmops.cloud.changes"
        callback_vars = dict((k, v) for k, v in env.items() if k.startswith("VMOPS_CHANGES_"))
        assert set(callback_vars) == set(["VMOPS_CHANGES_MARKDOWN", "VMOPS_CHANGES_JSON"])
        assert set(callback_vars) <= names, "variables the plugin does not read: %s" % (set(callback_vars) - names)
    assert dict((k, v) for k, v in gitlab["env"].items() if k.startswith("VMOPS_")) == \
        dict((k, v) for k, v in github["env"].items() if k.startswith("VMOPS_"))
    # The console block shows the same two commands.
    console = [text for lang, text in code_blocks("gitops") if lang == "console"]
    assert any(("$ " + gitlab["plan"]) in text and ("$ " + gitlab["apply"]) in text for text in console), console
    # The page's settings table names every variable the plugin reads.
    with open(os.path.join(REPO, "docs", "docsite", "rst", "gitops.rst"), encoding="utf-8") as handle:
        page = handle.read()
    for name in names:
        assert "``%s``" % name in page, name


def job_args(command):
    """(options for ansible-runner's cmdline) from a documented ``ansible-playbook site.yml OPTIONS`` line."""
    words = shlex.split(command)
    assert words[0] == "ansible-playbook" and words[1].endswith(".yml"), words
    return " ".join(words[2:]) or None


class Job(object):
    """One documented pipeline step, run as an ansible-runner job; its reports parsed."""

    def __init__(self, tmp_path, name, command, env):
        self.name = name
        self.command = command
        self.result = run_job(tmp_path, DEMO, env, verbosity=0, cmdline=job_args(command), name=name)
        with open(os.path.join(self.result.config.artifact_dir, "stdout"), encoding="utf-8", errors="replace") as fh:
            self.stdout = fh.read()
        project = tmp_path / name / "project"
        # Relative paths, as in the pipelines: the report lands in the job's working directory (the project).
        self.md_path = project / env["VMOPS_CHANGES_MARKDOWN"]
        self.json_path = project / env["VMOPS_CHANGES_JSON"]
        assert self.result.status == "successful", "%s: %s\n%s" % (name, self.result.status, self.stdout[-6000:])
        assert self.md_path.is_file() and self.json_path.is_file(), (name, os.listdir(str(project)), self.stdout[-3000:])
        self.markdown = self.md_path.read_text(encoding="utf-8")
        self.report = json.loads(self.json_path.read_text(encoding="utf-8"))

    def rows(self, module=None, status=None):
        return [r for r in self.report["results"]
                if (module is None or r["module"] == "vmops.cloud." + module) and (status is None or r["status"] == status)]

    def table_rows(self):
        """The Markdown table's rows, as lists of cells."""
        rows = [line for line in self.markdown.splitlines() if re.match(r"^\| \d+ \|", line)]
        return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]

    def details(self, index):
        """The Markdown details section of result ``index``."""
        match = re.search(r"(?ms)^#### %d\. .*?(?=^#### |\Z)" % index, self.markdown)
        assert match, "no details for result %d in:\n%s" % (index, self.markdown)
        return match.group(0)


def check_common(job, mode):
    report = job.report
    assert report["format"] == 1 and report["mode"] == mode
    assert job.markdown.startswith(MARKER + "\n")
    # Every vmops.cloud task of the demo is there: one row per task and loop item.
    modules = set(r["module"] for r in report["results"])
    for module in ("civo_instance", "civo_instance_info", "civo_instance_snapshot", "civo_instance_snapshot_info",
                   "zomro_instance_info"):
        assert "vmops.cloud." + module in modules, sorted(modules)
    created = [r for r in job.rows("civo_instance") if r["task"].endswith("Create the missing instances")]
    assert sorted(r["resource"]["hostname"] for r in created) == sorted(DEMO_HOSTS)
    assert all(r["host"] == "localhost" and r["failed"] is False for r in report["results"])
    assert report["summary"]["failed"] == 0 and report["summary"]["total"] == len(report["results"])
    assert report["hosts"]["localhost"]["failures"] == 0
    # The table has exactly one row per result, in order, with its result and module.
    table = job.table_rows()
    assert [int(row[0]) for row in table] == [r["index"] for r in report["results"]]
    words = {"changed": "**changed**", "would_change": "**would change**", "unchanged": "no change"}
    for row, record in zip(table, report["results"]):
        assert row[1] == words[record["status"]], (row, record)
        assert row[2] == "`%s`" % record["module"].replace("vmops.cloud.", ""), row
        if record["resource"] and record["resource"].get("hostname"):
            assert record["resource"]["hostname"] in row[3], row
    # The screen shows the one-line summary with the report paths.
    summary = [line for line in job.stdout.splitlines() if line.startswith("vmops.cloud %s:" % (
        "plan" if mode == "check" else "apply"))]
    assert len(summary) == 1, job.stdout[-3000:]
    assert "%d failed" % 0 in summary[0] and str(job.md_path.name) in summary[0]
    heading = job.markdown.splitlines()[1]
    assert summary[0].split(": ", 1)[1].startswith(heading.split(": ", 1)[1]), (summary, heading)


def check_no_secret(job, secrets):
    """No secret in the reports or on the screen; in the job's events, an initial password only where it is created."""
    texts = {"markdown": job.markdown, "json": json.dumps(job.report), "json file": job.json_path.read_text(),
             "stdout": job.stdout}
    for what, value in secrets.items():
        assert value, what
        for name, text in texts.items():
            assert value not in text, "%s leaked in the %s report of the %s" % (what, name, job.name)
        for event in job.result.events:
            if value in json.dumps(event):
                assert what.startswith("initial_password") and creating_event(event), (
                    "%s leaked in event %s of the %s" % (what, event.get("event"), job.name))
        for path in artifact_files(job.result):
            if os.sep + "job_events" + os.sep in path:
                continue  # the events, checked above
            with open(path, encoding="utf-8", errors="replace") as handle:
                assert value not in handle.read(), "%s leaked in artifact %s" % (what, path)
    assert "initial_password" not in job.markdown


@pytest.fixture
def pipeline_env(emulator, tmp_path, monkeypatch):
    for name in CREDENTIAL_VARS:
        monkeypatch.delenv(name, raising=False)
    gitlab = documented_pipelines()["gitlab"]
    env = dict((k, str(v)) for k, v in gitlab["env"].items() if k.startswith(("ANSIBLE_", "VMOPS_")))
    env.update(awx_credential_env(emulator))
    env["VMOPS_DEMO_STATE_DIR"] = str(tmp_path / "demo-state")
    return env


def test_plan_and_apply_reports(emulator, pipeline_env, tmp_path):
    pipelines = documented_pipelines()["gitlab"]
    # 1. Apply on an empty account: everything is created, the report says changed (not would change).
    first = Job(tmp_path, "apply-1", pipelines["apply"], pipeline_env)
    check_common(first, "apply")
    assert not first.rows(status="would_change")
    created = [r for r in first.rows("civo_instance", "changed") if r["task"].endswith("Create the missing instances")]
    assert sorted(r["resource"]["hostname"] for r in created) == sorted(DEMO_HOSTS)
    for record in created:
        assert any(a.startswith("create instance %s" % record["resource"]["hostname"]) for a in record["actions"])
        assert record["diff"]["before"] == {"state": "absent"}
        assert record["diff"]["after"]["hostname"] == record["resource"]["hostname"]
        assert re.match(r"^[0-9a-f-]{36}$", record["resource"]["id"]), record["resource"]
        assert set(record["resource"]) <= {"id", "name", "hostname", "instance_id"}, record["resource"]
        details = first.details(record["index"])
        assert "+  \"hostname\": \"%s\"" % record["resource"]["hostname"] in details, details
        assert "```diff" in details and ": changed" in details.splitlines()[0]
    assert len(first.rows("civo_instance_snapshot", "changed")) == 4  # three backups and one restore
    assert len(first.rows("zomro_rescue", "changed")) == 2
    counts = first.report["summary"]
    assert counts["changed"] == len(first.rows(status="changed")) >= 11
    assert "apply: %d changed, %d unchanged, 0 failed" % (counts["changed"], counts["unchanged"]) in first.markdown
    passwords = instance_passwords(emulator)
    assert len(passwords) == 4, "the demo creates four instances, each with an initial_password"
    secrets = {"Civo API key": emulator.token, "Zomro password": emulator.zomro_password}
    for password, hostname in passwords.items():
        secrets["initial_password of %s" % hostname] = password
    check_no_secret(first, secrets)

    # 2. Drift outside the pipeline: two instances lose their second tag.
    ids = dict((r["resource"]["hostname"], r["resource"]["id"]) for r in created)
    for hostname in ("demo-web-1", "demo-db-1"):
        assert emulator.civo("PUT", "/v2/instances/%s/tags" % ids[hostname], tags="demo", region="LON1").status_code == 200
    emulator.clear_journal()

    # 3. The plan of a merge request: exactly the two tag changes, nothing sent that changes anything.
    plan = Job(tmp_path, "plan", pipelines["plan"], pipeline_env)
    check_common(plan, "check")
    assert emulator.mutating() == [], "the plan sent changing requests: %s" % emulator.mutating()
    would = plan.rows(status="would_change")
    assert sorted((r["module"], r["resource"]["hostname"]) for r in would) == [
        ("vmops.cloud.civo_instance", "demo-db-1"), ("vmops.cloud.civo_instance", "demo-web-1")], would
    assert not plan.rows(status="changed")
    assert plan.report["summary"]["would_change"] == 2
    assert "### vmops.cloud plan: 2 to change, " in plan.markdown
    assert "Check mode (`--check`): nothing was changed" in plan.markdown
    for record in would:
        tag = "web" if record["resource"]["hostname"] == "demo-web-1" else "db"
        assert record["check_mode"] is True and record["changed"] is True
        assert record["diff"]["before"]["tags"] == ["demo"] and record["diff"]["after"]["tags"] == ["demo", tag]
        assert any("tag" in action for action in record["actions"]), record["actions"]
        details = plan.details(record["index"])
        assert ": would change" in details.splitlines()[0]
        assert re.search(r'(?m)^\+ +"%s"$' % tag, details), details
        assert "`%s`" % record["actions"][0] in details
    check_no_secret(plan, secrets)

    # 4. The apply after the merge makes exactly the planned changes.
    emulator.clear_journal()
    second = Job(tmp_path, "apply-2", pipelines["apply"], pipeline_env)
    check_common(second, "apply")
    done = second.rows(status="changed")
    assert sorted((r["module"], r["resource"]["hostname"], tuple(r["actions"])) for r in done) == \
        sorted((r["module"], r["resource"]["hostname"], tuple(r["actions"])) for r in would)
    assert [r["diff"] for r in sorted(done, key=lambda r: r["index"])] == \
        [r["diff"] for r in sorted(would, key=lambda r: r["index"])]
    puts = sorted(e["path"] for e in emulator.mutating())
    assert puts == sorted("/v2/instances/%s/tags" % ids[h] for h in ("demo-web-1", "demo-db-1")), puts
    check_no_secret(second, secrets)

    # 5. A plan now has nothing to change.
    again = Job(tmp_path, "plan-2", pipelines["plan"], pipeline_env)
    check_common(again, "check")
    assert again.report["summary"]["would_change"] == 0 and not again.rows(status="would_change")
    assert "### vmops.cloud plan: 0 to change, " in again.markdown
    assert "#### " not in again.markdown  # no details: nothing changes
    check_no_secret(again, secrets)
