# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of the vmops.cloud.changes callback: results in, Markdown and JSON reports out, no secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest

from ansible import context
from ansible.module_utils.common.collections import ImmutableDict
from ansible.plugins.loader import callback_loader

from ansible_collections.vmops.cloud.plugins.callback import changes

PASSWORD = "Sup3r-Secret-Pw-42"
SCRIPT = "#!/bin/sh\necho top-secret-script-body\n"
ENV_TOKEN = "env-civo-token-0123456789"
UUID = "683913ec-8776-4881-ad00-2c635234a758"


class FakeHost(object):
    def __init__(self, name):
        self.name = name


class FakeTask(object):
    def __init__(self, action, name="a task", check_mode=None):
        self.resolved_action = action
        self.action = action
        self.name = name
        self.check_mode = check_mode

    def get_name(self):
        return self.name


class Result(object):
    """A CallbackTaskResult as ansible-core 2.19+ passes it (public properties)."""

    def __init__(self, res, action="vmops.cloud.civo_instance", host="localhost", name="a task", check_mode=None):
        self.result = res
        self.host = FakeHost(host)
        self.task = FakeTask(action, name, check_mode)
        self.task_fields = {} if check_mode is None else {"check_mode": check_mode}


class OldResult(object):
    """A TaskResult as ansible-core 2.17 and 2.18 pass it (private attributes only)."""

    def __init__(self, res, action="vmops.cloud.civo_instance", host="localhost", name="a task"):
        self._result = res
        self._host = FakeHost(host)
        self._task = FakeTask(action, name)
        self._task_fields = {}


class FakeStats(object):
    def __init__(self, failures=0):
        self.processed = {"localhost": 1}
        self.failures = failures

    def summarize(self, host):
        return dict(ok=3, changed=1, failures=self.failures, unreachable=0, skipped=0, rescued=0, ignored=0)


class FakeDisplay(object):
    def __init__(self):
        self.lines = []
        self.warnings = []

    def display(self, msg, *args, **kwargs):
        self.lines.append(msg)

    def warning(self, msg, *args, **kwargs):
        self.warnings.append(msg)


@pytest.fixture
def mode(monkeypatch):
    def set_mode(check):
        monkeypatch.setattr(context, "CLIARGS", ImmutableDict(check=check, diff=True))
    set_mode(False)
    return set_mode


@pytest.fixture
def make(monkeypatch, tmp_path, mode):
    monkeypatch.setenv("CIVO_TOKEN", ENV_TOKEN)

    def make_callback(**options):
        callback = callback_loader.get("vmops.cloud.changes")
        assert callback is not None, "vmops.cloud.changes not found"
        direct = {"markdown_path": str(tmp_path / "report.md"), "json_path": str(tmp_path / "report.json")}
        direct.update(options)
        callback.set_options(direct=direct)
        callback._display = FakeDisplay()
        callback.redactor = changes.Redactor()  # reads the environment set above
        return callback
    return make_callback


def finish(callback, tmp_path, stats=None):
    callback.v2_playbook_on_stats(stats or FakeStats())
    markdown = (tmp_path / "report.md").read_text()
    report = json.loads((tmp_path / "report.json").read_text())
    return markdown, report


def created_instance(hostname="web-1", ident=UUID):
    instance = {"id": ident, "hostname": hostname, "size": "g3.small", "status": "BUILDING", "tags": ["web"],
                "initial_password": PASSWORD, "script": SCRIPT, "public_ip": "212.2.0.1",
                "notes": "created with password %s" % PASSWORD}
    return {
        "changed": True,
        "instance": instance,
        "initial_password": PASSWORD,
        "actions": ["create instance %s (g3.small, ubuntu-jammy)" % hostname],
        "diff": {"before": {"state": "absent"},
                 "after": {"state": "present", "hostname": hostname, "script": SCRIPT, "rescue_password": PASSWORD}},
        "invocation": {"module_args": {"hostname": hostname, "api_key": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
                                       "api_url": "https://user:url-pa55word@api.example.invalid", "script": SCRIPT}},
    }


@pytest.mark.parametrize("key", ["initial_password", "password", "rescue_password", "api_key", "auth_token", "session",
                                 "script", "user_script", "token", "civostatsd_token", "apiKey", "sessionId",
                                 "CIVO_TOKEN", "ZOMRO_PASSWORD", "ZOMRO_AUTH", "auth", "private_key", "user_data",
                                 "client_secret", "passphrase"])
def test_secret_keys(key):
    assert changes.is_secret_key(key)


@pytest.mark.parametrize("key", ["hostname", "description", "ssh_key_id", "public_key", "size", "id", "name",
                                 "instance_id", "tags", "status", "passenger"])
def test_not_secret_keys(key):
    assert not changes.is_secret_key(key)


def test_apply_report_has_no_secret(make, tmp_path):
    callback = make()
    callback.v2_runner_on_ok(Result(created_instance(), name="Create web-1"))
    markdown, report = finish(callback, tmp_path)
    raw_json = (tmp_path / "report.json").read_text()
    for secret in (PASSWORD, "top-secret-script-body", "url-pa55word", ENV_TOKEN, "VALUE_SPECIFIED_IN_NO_LOG"):
        assert secret not in markdown, secret
        assert secret not in raw_json, secret
    record = report["results"][0]
    assert record["status"] == "changed" and record["changed"] is True and record["check_mode"] is False
    # The resource is named, not copied: no public_ip, no notes.
    assert record["resource"] == {"id": UUID, "hostname": "web-1"}
    assert record["diff"]["after"]["script"] == "(hidden)"
    assert record["diff"]["after"]["rescue_password"] == "(hidden)"
    assert record["actions"] == ["create instance web-1 (g3.small, ubuntu-jammy)"]
    assert report["mode"] == "apply" and report["summary"]["changed"] == 1 and report["summary"]["total"] == 1
    assert markdown.startswith("<!-- vmops.cloud changes -->\n### vmops.cloud apply: 1 changed, 0 unchanged, 0 failed")
    assert "| 1 | **changed** | `civo_instance` | `web-1 (%s)` | `create instance web-1" % UUID in markdown
    assert '+  "hostname": "web-1",' in markdown and '+  "script": "(hidden)"' in markdown
    paths = (tmp_path / "report.md", tmp_path / "report.json")
    assert callback._display.lines == ["vmops.cloud apply: 1 changed, 0 unchanged, 0 failed (report: %s, %s)" % paths]


def test_a_secret_seen_later_is_removed_from_earlier_texts(make, tmp_path):
    callback = make()
    leaky = {"changed": False, "failed": True, "msg": "API said: bad password %s" % PASSWORD,
             "failure": {"status": 400, "code": "bad", "reason": "echo %s" % PASSWORD}}
    callback.v2_runner_on_failed(Result(leaky))
    callback.v2_runner_on_ok(Result(created_instance()))
    markdown, report = finish(callback, tmp_path)
    assert PASSWORD not in markdown and PASSWORD not in json.dumps(report)
    assert report["results"][0]["msg"] == "API said: bad password (hidden)"


def test_check_mode_says_would_change(make, mode, tmp_path):
    mode(True)
    callback = make()
    callback.v2_runner_on_ok(Result({"changed": True, "instance": None, "actions": ["create instance web-1"],
                                     "diff": {"before": {"state": "absent"},
                                              "after": {"state": "present", "hostname": "web-1"}}}))
    callback.v2_runner_on_ok(Result({"changed": False, "instance": {"id": "i-2", "hostname": "db-1"}, "actions": []}))
    # A task with check_mode: false really changes, even in a --check run.
    callback.v2_runner_on_ok(Result({"changed": True, "snapshot": {"id": "s-1", "name": "snap"}, "actions": ["x"]},
                                    action="vmops.cloud.civo_snapshot", check_mode=False))
    markdown, report = finish(callback, tmp_path)
    statuses = [(r["status"], changes.label(r)) for r in report["results"]]
    assert statuses == [("would_change", "web-1"), ("unchanged", "db-1 (i-2)"), ("changed", "snap (s-1)")]
    assert report["mode"] == "check"
    assert report["summary"] == dict(changed=1, would_change=1, unchanged=1, failed=0, hidden=0, total=3)
    assert "### vmops.cloud plan: 1 to change, 1 changed (tasks with check_mode: false), 1 unchanged, 0 failed" in markdown
    assert "| 1 | **would change** | `civo_instance` | `web-1` |" in markdown
    assert "#### 1. `civo_instance` `web-1`: would change" in markdown
    assert "#### 2." not in markdown  # unchanged: a table row, no details


def test_failed_task_and_incomplete_run(make, tmp_path):
    callback = make()
    callback.v2_runner_on_failed(Result({
        "failed": True, "changed": False, "msg": "Unknown size g9.huge; valid sizes: g3.small, g3.medium",
        "failure": {"status": 400, "code": "size_not_found", "reason": "not found", "extra": "dropped"},
        "invocation": {"module_args": {"hostname": "web-9", "size": "g9.huge", "api_key": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}},
    }), ignore_errors=True)
    markdown, report = finish(callback, tmp_path, FakeStats(failures=1))
    record = report["results"][0]
    assert record["status"] == "failed" and record["ignored"] is True
    assert record["resource"] == {"hostname": "web-9"}
    assert record["failure"] == {"status": 400, "code": "size_not_found", "reason": "not found"}
    assert "| 1 | **failed** (ignored) | `civo_instance` | `web-9` |" in markdown
    assert "Failure: status `400`, code `size_not_found`, reason `not found`" in markdown
    assert "**The playbook failed on `localhost`**" in markdown
    assert report["hosts"]["localhost"]["failures"] == 1


def test_failure_after_a_change_says_so(make, tmp_path):
    """A module that fails after a change returns changed, the actions done and the resource as last seen."""
    callback = make()
    callback.v2_runner_on_failed(Result({
        "failed": True, "changed": True, "actions": ["create instance web-1 (g3.small, ubuntu-jammy)"],
        "instance": {"id": "i-1", "hostname": "web-1", "initial_password": PASSWORD},
        "failed_action": "wait until instance web-1 is ACTIVE",
        "msg": "Timed out waiting for instance web-1 to be ACTIVE", "failure": {"status": None, "code": "timeout"}}))
    markdown, report = finish(callback, tmp_path)
    assert report["results"][0]["status"] == "failed" and report["results"][0]["changed"] is True
    assert "| 1 | **failed** after changes | `civo_instance` | `web-1 (i-1)` | `create instance web-1" in markdown
    assert "The task failed after a change: the actions above were done; it failed at `wait until instance web-1 is ACTIVE`." in markdown
    assert report["results"][0]["failed_action"] == "wait until instance web-1 is ACTIVE"
    assert "Failure: status -, code `timeout`, reason -" in markdown
    assert PASSWORD not in markdown


def test_no_log_task_is_hidden(make, tmp_path):
    callback = make()
    censored = {"changed": True, "censored": "the output has been hidden due to the fact that 'no_log: true' was specified"}
    callback.v2_runner_on_ok(Result(censored))
    markdown, report = finish(callback, tmp_path)
    record = report["results"][0]
    assert record["status"] == "hidden" and record["resource"] is None and record["diff"] is None
    assert report["summary"]["hidden"] == 1
    assert "hidden (no_log)" in markdown


def test_loop_items_and_other_collections(make, tmp_path):
    callback = make()
    callback.v2_runner_on_ok(Result({"changed": True, "msg": "All items completed", "results": [
        dict(created_instance("web-1", "id-1"), _ansible_item_label="web-1", item={"hostname": "web-1", "script": SCRIPT}),
        {"skipped": True, "item": {"hostname": "web-2"}},
        dict(changed=False, instance={"id": "id-3", "hostname": "web-3"}, actions=[], _ansible_item_label="web-3"),
    ]}))
    callback.v2_runner_on_ok(Result({"changed": True}, action="ansible.builtin.copy"))
    callback.v2_runner_on_ok(Result({"changed": False, "instances": [{"id": "a"}, {"id": "b"}]},
                                    action="vmops.cloud.civo_instance_info"))
    markdown, report = finish(callback, tmp_path)
    assert [(r["item"], r["status"]) for r in report["results"]] == [
        ("web-1", "changed"), ("web-3", "unchanged"), (None, "unchanged")]
    assert changes.label(report["results"][2]) == "2 instances"
    assert "top-secret-script-body" not in markdown + json.dumps(report)
    assert "copy" not in markdown


def test_ansible_core_217_result_objects(make, tmp_path):
    callback = make()
    callback.v2_runner_on_ok(OldResult(created_instance(), name="old style"))
    markdown, report = finish(callback, tmp_path)
    assert report["results"][0]["task"] == "old style" and report["results"][0]["resource"]["hostname"] == "web-1"
    assert PASSWORD not in markdown


def test_untrusted_names_cannot_break_the_markdown(make, tmp_path):
    callback = make()
    name = "evil|name`<img src=x onerror=alert(1)> @everyone"
    callback.v2_runner_on_ok(Result({"changed": True, "instance": {"id": "i-1", "hostname": name},
                                     "actions": ["rename | ``` to x"],
                                     "diff": {"before": {"hostname": "a"}, "after": {"hostname": "```\n# injected"}}},
                                    name="Task <b>|bold</b>"))
    markdown, dummy = finish(callback, tmp_path)
    rows = [line for line in markdown.splitlines() if line.startswith("| 1 |")]
    assert len(rows) == 1
    cells = re.split(r"(?<!\\)\|", rows[0])[1:-1]
    assert len(cells) == 7, cells
    # HTML and mentions only inside code spans and fenced blocks, where they are shown as they are.
    outside = re.sub(r"(?ms)^````diff\n.*?^````$", "", markdown)
    outside = re.sub(r"`[^`\n]*`", "", outside)
    outside = re.sub(r"\\[^a-zA-Z0-9]", "", outside)  # escaped characters are shown as they are
    assert "<" not in outside.replace("<!-- vmops.cloud changes -->", "").replace("<br>", ""), outside
    assert "@everyone" not in outside and "|bold" not in outside
    assert "Task `Task <b>|bold</b>` on" in markdown  # no table here: the pipe is not escaped
    # The diff fence is longer than any backtick run in the diff, so it cannot be closed from inside.
    assert "\n````diff\n" in markdown


def test_long_reports_are_cut_to_the_limit(make, tmp_path):
    callback = make(markdown_max_chars=4000)
    for n in range(40):
        callback.v2_runner_on_ok(Result({"changed": True, "instance": {"id": "i-%d" % n, "hostname": "h-%d" % n},
                                         "actions": ["resize"], "diff": {"before": {"size": "a" * 200},
                                                                         "after": {"size": "b" * 200}}}))
    markdown, report = finish(callback, tmp_path)
    assert len(markdown) <= 4000
    assert "the JSON report has every result and diff" in markdown
    assert len(report["results"]) == 40


def test_show_unchanged_false_lists_only_changes(make, tmp_path):
    callback = make(show_unchanged=False)
    callback.v2_runner_on_ok(Result({"changed": False, "instance": {"id": "i-1", "hostname": "same"}, "actions": []}))
    callback.v2_runner_on_ok(Result({"changed": True, "instance": {"id": "i-2", "hostname": "other"}, "actions": ["x"]}))
    markdown, report = finish(callback, tmp_path)
    assert "`same" not in markdown and "`other (i-2)`" in markdown
    assert report["summary"]["unchanged"] == 1 and len(report["results"]) == 2


def test_unwritable_path_warns(make, tmp_path):
    callback = make(markdown_path=str(tmp_path / "missing-dir" / "r.md"))
    callback.v2_runner_on_ok(Result({"changed": False, "instance": {"id": "i-1"}, "actions": []}))
    callback.v2_playbook_on_stats(FakeStats())
    assert len(callback._display.warnings) == 1 and "could not write" in callback._display.warnings[0]
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["total"] == 1
