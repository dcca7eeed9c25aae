# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: changes
type: aggregate
short_description: A plan / change report of the vmops.cloud tasks, in Markdown and JSON
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Collects the result of every task of the C(vmops.cloud) collection (module, host, resource, C(actions), the
    C(--diff) before and after, changed or would change in check mode, failed with its message and failure
    code) and, when the playbook ends, writes a Markdown report (one table, then the details of each resource
    that changes or failed) and a JSON report, and prints a one-line summary.
  - Run with C(--check --diff), the report is the I(plan) of a GitOps pipeline, short enough to post as a
    merge request or pull request comment; run without C(--check), it is the record of what was applied.
  - "Only C(vmops.cloud) tasks are reported, one row per task and host, or per loop item. Tasks started with
    C(async) and C(poll: 0) are not reported (their result arrives later through C(async_status))."
  - "Secrets never appear in the reports: the value of every key that looks secret (for example
    C(initial_password), C(password), C(rescue_password), C(api_key), C(auth_token), C(session), C(script),
    C(token)) is replaced by V((hidden\\)), wherever it is; values Ansible masked for C(no_log) are shown as
    V((hidden\\)); the output of a task with C(no_log: true) is not reported at all; credentials in URLs are
    removed; and the values of secret-looking environment variables (for example C(CIVO_TOKEN),
    C(ZOMRO_PASSWORD)) and of the hidden keys are removed from every other text of the reports too.
    Whole objects are never copied: a resource is shown by its C(id), C(name), C(hostname) and C(instance_id)."
  - The Markdown starts with the HTML comment C(<!-- vmops.cloud changes -->), so that a pipeline can find and
    update its previous comment.
  - Enable it in C(ansible.cfg) (C(callbacks_enabled = vmops.cloud.changes) in the C([defaults]) section) or
    with E(ANSIBLE_CALLBACKS_ENABLED=vmops.cloud.changes).
requirements:
  - enabled in the configuration (C(callbacks_enabled))
seealso:
  - ref: ansible_collections.vmops.cloud.docsite.gitops
    description: The GitOps guide, with GitLab CI and GitHub Actions pipelines that use this callback.
options:
  markdown_path:
    description:
      - Where the Markdown report is written (the directory must exist). Not written when not set.
    type: path
    env:
      - name: VMOPS_CHANGES_MARKDOWN
    ini:
      - section: callback_vmops_changes
        key: markdown_path
  json_path:
    description:
      - Where the JSON report is written (the directory must exist). Not written when not set.
    type: path
    env:
      - name: VMOPS_CHANGES_JSON
    ini:
      - section: callback_vmops_changes
        key: json_path
  title:
    description:
      - The heading of the Markdown report, before the summary. For example a commit or an environment name.
    type: str
    default: vmops.cloud
    env:
      - name: VMOPS_CHANGES_TITLE
    ini:
      - section: callback_vmops_changes
        key: title
  show_unchanged:
    description:
      - List the tasks that change nothing (and the C(_info) modules) in the Markdown table.
      - They are always counted in the summary and always listed in the JSON report.
    type: bool
    default: true
    env:
      - name: VMOPS_CHANGES_SHOW_UNCHANGED
    ini:
      - section: callback_vmops_changes
        key: show_unchanged
  markdown_max_chars:
    description:
      - The longest Markdown report, in characters. Details that do not fit are left out, with a note that the
        JSON report has them all. The default fits a GitHub comment (at most 65536 characters).
    type: int
    default: 60000
    env:
      - name: VMOPS_CHANGES_MARKDOWN_MAX_CHARS
    ini:
      - section: callback_vmops_changes
        key: markdown_max_chars
notes:
  - The JSON report holds C(format) (C(1)), C(mode) (C(check) or C(apply)), C(title), C(summary) (C(changed),
    C(would_change), C(unchanged), C(failed), C(total)), C(hosts) (the play recap of every host, all tasks
    counted) and C(results), a list of C(task), C(module), C(host), C(item), C(resource), C(status) (C(changed),
    C(would_change), C(unchanged), C(failed) or C(hidden)), C(changed), C(check_mode), C(failed), C(ignored),
    C(actions), C(diff) (C(before) and C(after)), C(msg), C(failed_action) and C(failure) (C(status), C(code),
    C(reason)).
"""

EXAMPLES = r"""
# ansible.cfg
# [defaults]
# callbacks_enabled = vmops.cloud.changes
#
# [callback_vmops_changes]
# markdown_path = vmops-plan.md
# json_path = vmops-plan.json

# Or from the environment, for one run (the plan of a merge request):
#   ANSIBLE_CALLBACKS_ENABLED=vmops.cloud.changes \
#   VMOPS_CHANGES_MARKDOWN=vmops-plan.md VMOPS_CHANGES_JSON=vmops-plan.json \
#   ansible-playbook site.yml --check --diff
"""

import difflib
import json
import os
import re

from collections.abc import Mapping

from ansible import context
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.callback import CallbackBase

MARKER = "<!-- vmops.cloud changes -->"
HIDDEN = "(hidden)"
NO_LOG_MASKS = ("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", "********")
COLLECTION = "vmops.cloud."

# A key is secret when one of its words is one of these (words split at "_", "-", "." and camelCase)...
SECRET_WORDS = frozenset((
    "password", "passwords", "passwd", "passphrase", "pass", "pwd", "secret", "secrets", "token", "tokens",
    "apikey", "auth", "authorization", "session", "sessions", "sessid", "sessionid", "script", "scripts",
    "cookie", "cookies", "credential", "credentials", "userdata", "privatekey", "otp",
))
# ... or when two of its words in a row are one of these.
SECRET_PAIRS = frozenset((("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"),
                          ("user", "data"), ("cloud", "init"), ("signing", "key")))
# Values of secret-looking environment variables shorter than this are not searched for in texts.
MIN_ENV_SECRET = 8
MIN_RESULT_SECRET = 4

# What names a resource: never the whole object.
IDENTITY_KEYS = ("hostname", "name", "id", "instance_id")
# Options a task names its resource with (from the module's invocation), when the result has no resource.
ARG_IDENTITY_KEYS = ("hostname", "name", "id", "instance", "instance_id")
# Keys of a result that are not the resource.
RESULT_KEYS = frozenset((
    "changed", "failed", "skipped", "actions", "diff", "msg", "failure", "invocation", "item", "ansible_loop_var",
    "ansible_index_var", "warnings", "deprecations", "exception", "attempts", "retries", "censored", "results",
    "unreachable", "module_stderr", "module_stdout", "rc", "ansible_job_id", "started", "finished",
    "results_file", "stderr", "stdout", "stdout_lines", "stderr_lines", "failed_action",
))

URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@:]*:[^/\s@]*@")


def key_words(key):
    """The lower-case words of a key: ``initialPassword`` and ``initial-password`` give initial, password."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", to_text(key))
    return [word for word in re.split(r"[^a-z0-9]+", text.lower()) if word]


def is_secret_key(key):
    words = key_words(key)
    if any(word in SECRET_WORDS for word in words):
        return True
    return any(pair in SECRET_PAIRS for pair in zip(words, words[1:]))


class Redactor(object):
    """Hides secrets by key, by no_log mask, in URLs, and, at the end, every secret value seen anywhere."""

    def __init__(self, environ=None):
        self.values = set()
        for name, value in (os.environ if environ is None else environ).items():
            if is_secret_key(name) and value and len(value) >= MIN_ENV_SECRET and not value.isdigit():
                self.values.add(value)

    def remember(self, value, minimum=MIN_RESULT_SECRET):
        """Remember the strings of a secret value, to remove them from every text later."""
        if isinstance(value, Mapping):
            for item in value.values():
                self.remember(item, minimum)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self.remember(item, minimum)
        elif isinstance(value, (str, bytes)):
            text = to_text(value, errors="surrogate_or_replace")
            if len(text) >= minimum and text not in NO_LOG_MASKS and text != HIDDEN:
                self.values.add(text)

    def clean(self, value):
        """A plain copy of ``value`` (dicts, lists, text, numbers) with secret keys and masks hidden."""
        if isinstance(value, Mapping):
            out = {}
            for key, item in value.items():
                key = to_text(key)
                if is_secret_key(key):
                    self.remember(item)
                    out[key] = HIDDEN if item not in (None, "", [], {}) else item
                else:
                    out[key] = self.clean(item)
            return out
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self.clean(item) for item in value]
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float)):
            return value
        text = to_text(value, errors="surrogate_or_replace")
        if text in NO_LOG_MASKS:
            return HIDDEN
        return URL_CREDENTIALS.sub(r"\1" + HIDDEN + "@", text)

    def scrub(self, value):
        """``value`` with every remembered secret removed from every text (keys included)."""
        if isinstance(value, dict):
            return dict((self.scrub(key), self.scrub(item)) for key, item in value.items())
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, str):
            for secret in sorted(self.values, key=len, reverse=True):
                if secret in value:
                    value = value.replace(secret, HIDDEN)
            return value
        return value


def identity(obj):
    """The naming fields of a resource, or None."""
    if not isinstance(obj, Mapping):
        return None
    found = dict((key, obj[key]) for key in IDENTITY_KEYS
                 if obj.get(key) not in (None, "", [], {}) and not isinstance(obj[key], (Mapping, list)))
    return found or None


def find_resource(result):
    """The resource a module result is about: (identity, listed) where listed counts the objects of a listing."""
    resource, listed = None, {}
    for key in sorted(result):
        if key in RESULT_KEYS or key.startswith("_") or is_secret_key(key):
            continue
        value = result[key]
        if isinstance(value, Mapping):
            found = identity(value)
            if found and resource is None:
                resource = found
        elif isinstance(value, list) and all(isinstance(item, Mapping) for item in value):
            listed[key] = len(value)
    return resource, listed


def _name_and_id(res):
    name = res.get("hostname") or res.get("name") or res.get("instance")
    ident = res.get("id")
    if name and ident and to_text(name) != to_text(ident):
        return "%s (%s)" % (name, ident)
    return to_text(name or ident or "")


def resource_from_diff_or_args(clean):
    """The resource of a result that returned none: from its diff, else from its identifying arguments."""
    diff = clean.get("diff")
    for part in (diff if isinstance(diff, list) else [diff]):
        if isinstance(part, Mapping):
            resource = identity(part.get("after")) or identity(part.get("before"))
            if resource:
                return resource
    args = (clean.get("invocation") or {}).get("module_args") or {}
    found = dict((key, args[key]) for key in ARG_IDENTITY_KEYS
                 if args.get(key) not in (None, "", HIDDEN) and not isinstance(args[key], (Mapping, list)))
    return found or None


def result_status(failed, changed, check_mode):
    if failed:
        return "failed"
    if changed:
        return "would_change" if check_mode else "changed"
    return "unchanged"


def outcome(clean, failed):
    """The actions, diff, message and failure of a (cleaned) result, as the report keeps them."""
    actions = clean.get("actions")
    if not isinstance(actions, list):
        actions = []
    failure = clean.get("failure") if isinstance(clean.get("failure"), Mapping) else None
    msg = clean.get("msg") if (failed or clean.get("msg")) else None
    return dict(actions=[to_text(a) for a in actions],
                diff=clean.get("diff") if isinstance(clean.get("diff"), (Mapping, list)) else None,
                msg=to_text(msg) if msg is not None else None,
                failed_action=to_text(clean["failed_action"]) if failed and clean.get("failed_action") else None,
                failure=dict((k, failure.get(k)) for k in ("status", "code", "reason")) if failure else None)


def label(record):
    """How a resource is named in the report: ``hostname (id)`` or ``name (id)`` or what is known."""
    res = record.get("resource") or {}
    text = _name_and_id(res)
    if res.get("instance_id") and not text:
        text = "instance %s" % res["instance_id"]
    elif res.get("instance_id"):
        text += ", instance %s" % res["instance_id"]
    if not text and record.get("listed"):
        text = ", ".join("%d %s" % (count, key) for key, count in sorted(record["listed"].items()))
    if not text and record.get("item"):
        text = to_text(record["item"])
    return text


def code(text, table=True):
    """Inline code: literal (no Markdown, no HTML, no mention), one line; in a table cell, pipes escaped."""
    if text is None:
        return ""
    text = " ".join(to_text(text).split()).replace("`", "'")
    if not text:
        return ""
    return "`%s`" % (text.replace("|", "\\|") if table else text)


def plain(text):
    """Untrusted text outside code: one line, Markdown and HTML characters escaped."""
    text = " ".join(to_text(text).split())
    text = re.sub(r"([\\`*_{}\[\]<>()#+!|~@])", r"\\\1", text)
    return text.replace("&", "&amp;")


def fence(text, lang=""):
    """A fenced code block longer than any run of backticks in ``text``."""
    longest = max([len(run) for run in re.findall(r"`+", text)] + [2])
    mark = "`" * (longest + 1)
    return "%s%s\n%s\n%s" % (mark, lang, text.rstrip("\n"), mark)


def dump(value):
    if isinstance(value, str):
        return value if value.endswith("\n") or not value else value + "\n"
    if value is None:
        return ""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_diff(diff):
    """A unified diff of a module's ``diff`` (a dict or a list of before/after dicts), whole objects shown."""
    parts = diff if isinstance(diff, list) else [diff]
    out = []
    for part in parts:
        if not isinstance(part, Mapping):
            continue
        before = dump(part.get("before")).splitlines()
        after = dump(part.get("after")).splitlines()
        lines = list(difflib.unified_diff(before, after, part.get("before_header") or "before",
                                          part.get("after_header") or "after", n=max(len(before), len(after)),
                                          lineterm=""))
        out.extend(lines)
    return "\n".join(out)


STATUS_TEXT = {
    "would_change": "**would change**",
    "changed": "**changed**",
    "failed": "**failed**",
    "hidden": "hidden (no_log)",
    "unchanged": "no change",
}


def table_row(record):
    """The record's row of the Markdown table."""
    result = STATUS_TEXT.get(record["status"], record["status"])
    if record["status"] == "failed" and record["changed"]:
        result += " after changes"
    if record.get("ignored"):
        result += " (ignored)"
    return "| %d | %s | %s | %s | %s | %s | %s |" % (
        record["index"], result, code(record["module"].replace(COLLECTION, "", 1)), code(label(record)),
        "<br>".join(code(action) for action in record["actions"]) or "",
        plain(record["task"]) + (" (%s)" % code(record["item"]) if record.get("item") else ""),
        code(record["host"]))


def _failure_lines(record):
    lines = []
    if record["changed"]:
        lines.append("The task failed after a change: the actions above were done%s." % (
            "; it failed at %s" % code(record["failed_action"], False) if record.get("failed_action") else ""))
        lines.append("")
    lines.append("Error: %s" % code(record.get("msg") or "(no message)", False))
    failure = record.get("failure") or {}
    if failure:
        lines.append("")
        lines.append("Failure: status %s, code %s, reason %s" % (
            code(failure.get("status"), False) or "-", code(failure.get("code"), False) or "-",
            code(failure.get("reason"), False) or "-"))
    lines.append("")
    return lines


def details_block(record):
    """The record's details section: task, actions, failure, diff."""
    block = ["", "#### %d. %s %s: %s" % (record["index"], code(record["module"].replace(COLLECTION, "", 1)),
                                         code(label(record), False) or "", STATUS_TEXT[record["status"]].strip("*")),
             "",
             "Task %s on %s" % (code(record["task"], False), code(record["host"], False)), ""]
    for action in record["actions"]:
        block.append("- %s" % code(action, False))
    if record["actions"]:
        block.append("")
    if record["status"] == "failed":
        block.extend(_failure_lines(record))
    diff = render_diff(record["diff"]) if record.get("diff") else ""
    if diff:
        block.append(fence(diff, "diff"))
    elif record["status"] != "failed":
        block.append("(no diff: run with `--diff` to see before and after)")
    return "\n".join(block)


def fit(head, table, details, limit):
    """Head, table rows and details joined, cut (with a note) to at most ``limit`` characters."""
    note = "\n_The report was cut to fit %d characters: the JSON report has every result and diff._" % limit
    text = "\n".join(head)
    for index, line in enumerate(table):
        if len(text) + len(line) + len(note) + 1 > limit:
            text += "\n| | ... | %d more row(s) |\n" % (len(table) - index) + note
            details = []
            break
        text += "\n" + line
    if details:
        text += "\n\n---\n\n**Details**\n"
        for block in details:
            if len(text) + len(block) + len(note) + 1 > limit:
                text += note
                break
            text += block + "\n"
    return text


class CallbackModule(CallbackBase):
    """Collects the vmops.cloud results; writes the reports in ``v2_playbook_on_stats``."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "vmops.cloud.changes"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None, options=None):
        super(CallbackModule, self).__init__(display=display, options=options)
        self.records = []
        self.redactor = Redactor()

    # -- collecting -------------------------------------------------------------

    @staticmethod
    def _parts(result):
        """(host, task, result dict, task fields) on ansible-core 2.17 and 2.18 (attributes) and 2.19+ (properties)."""
        res = getattr(result, "result", None)
        if not isinstance(res, Mapping):
            res = getattr(result, "_result", None) or {}
        host = getattr(result, "host", None) or getattr(result, "_host", None)
        task = getattr(result, "task", None) or getattr(result, "_task", None)
        fields = getattr(result, "task_fields", None)
        if not isinstance(fields, Mapping):
            fields = getattr(result, "_task_fields", None) or {}
        return host, task, res, fields

    @staticmethod
    def _module(task):
        action = getattr(task, "resolved_action", None) or getattr(task, "action", None) or ""
        return to_text(action)

    @staticmethod
    def _check_mode(task, fields):
        for value in (fields.get("check_mode"), getattr(task, "check_mode", None)):
            if isinstance(value, bool):
                return value
        return bool(context.CLIARGS.get("check", False))

    def _collect(self, result, failed=False, ignored=False):
        host, task, res, fields = self._parts(result)
        module = self._module(task)
        if not module.startswith(COLLECTION):
            return
        base = {
            "task": to_text(getattr(task, "get_name", lambda: "")() or module),
            "module": module,
            "host": to_text(getattr(host, "name", host) or ""),
            "check_mode": self._check_mode(task, fields),
        }
        loop = res.get("results")
        if isinstance(loop, list):
            for item in loop:
                if isinstance(item, Mapping) and not item.get("skipped"):
                    self._record(base, item, bool(item.get("failed")), ignored)
        elif not res.get("skipped"):
            self._record(base, res, failed, ignored)

    def _record(self, base, res, failed, ignored):
        if res.get("ansible_job_id") and res.get("started") and not res.get("finished"):
            return  # async, poll 0: not a result yet
        record = dict(base)
        record["item"] = None
        if "_ansible_item_label" in res or "item" in res:
            item = res.get("_ansible_item_label", res.get("item"))
            if not isinstance(item, (Mapping, list)):
                record["item"] = self.redactor.clean(item)
        changed = bool(res.get("changed"))
        record.update(changed=changed, failed=bool(failed), ignored=bool(ignored and failed))
        if "censored" in res:
            record.update(status="hidden", resource=None, listed={}, actions=[], diff=None, msg=None, failure=None)
            self.records.append(record)
            return
        clean = self.redactor.clean(dict((k, v) for k, v in res.items() if not to_text(k).startswith("_")))
        resource, listed = find_resource(clean)
        record.update(status=result_status(failed, changed, record["check_mode"]),
                      resource=resource if resource is not None else resource_from_diff_or_args(clean),
                      listed=listed)
        record.update(outcome(clean, failed))
        self.records.append(record)

    def v2_runner_on_ok(self, result):
        self._collect(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._collect(result, failed=True, ignored=ignore_errors)

    def v2_runner_on_unreachable(self, result):
        self._collect(result, failed=True)

    # -- reporting --------------------------------------------------------------

    def report(self, stats=None):
        """The JSON report (a dict), every secret removed."""
        records = self.redactor.scrub(self.records)
        check = bool(context.CLIARGS.get("check", False))
        counts = dict(changed=0, would_change=0, unchanged=0, failed=0, hidden=0)
        for record in records:
            counts[record["status"]] = counts.get(record["status"], 0) + 1
        counts["total"] = len(records)
        hosts = {}
        if stats is not None:
            for host in sorted(getattr(stats, "processed", {}) or {}):
                summary = stats.summarize(host)
                hosts[to_text(host)] = dict((key, summary.get(key, 0)) for key in
                                            ("ok", "changed", "failures", "unreachable", "skipped", "rescued", "ignored"))
        for index, record in enumerate(records, 1):
            record["index"] = index
        return self.redactor.scrub({
            "format": 1,
            "mode": "check" if check else "apply",
            "title": self.get_option("title"),
            "summary": counts,
            "hosts": hosts,
            "results": records,
        })

    @staticmethod
    def summary_text(data):
        counts = data["summary"]
        if data["mode"] == "check":
            parts = ["%d to change" % counts["would_change"]]
            if counts["changed"]:
                parts.append("%d changed (tasks with check_mode: false)" % counts["changed"])
        else:
            parts = ["%d changed" % counts["changed"]]
        parts.append("%d unchanged" % counts["unchanged"])
        parts.append("%d failed" % counts["failed"])
        if counts.get("hidden"):
            parts.append("%d hidden (no_log)" % counts["hidden"])
        return ", ".join(parts)

    def markdown(self, data):
        """The Markdown report: heading, summary, one table, then details; at most ``markdown_max_chars``."""
        show_unchanged = self.get_option("show_unchanged")
        rows = [record for record in data["results"] if show_unchanged or record["status"] != "unchanged"]
        head = self.markdown_head(data, rows)
        table = [table_row(record) for record in rows]
        details = [details_block(record) for record in data["results"]
                   if record["status"] in ("would_change", "changed", "failed")]
        text = fit(head, table, details, self.get_option("markdown_max_chars"))
        return self.redactor.scrub(text.rstrip("\n") + "\n")

    def markdown_head(self, data, rows):
        check = data["mode"] == "check"
        heading = "### %s %s: %s" % (plain(data["title"] or "vmops.cloud"), "plan" if check else "apply",
                                     self.summary_text(data))
        head = [MARKER, heading, ""]
        if check:
            head.append("Check mode (`--check`): nothing was changed; *would change* is what an apply run changes.")
        else:
            head.append("Apply run: *changed* is what this run changed.")
        broken = sorted(host for host, summary in data["hosts"].items()
                        if summary.get("failures") or summary.get("unreachable"))
        if broken:
            head.append("")
            head.append("**The playbook failed on %s**: the tasks after the failure did not run, so this %s is "
                        "incomplete." % (", ".join(code(host) for host in broken), "plan" if check else "report"))
        head.append("")
        if rows:
            head.append("| # | Result | Module | Resource | Actions | Task | Host |")
            head.append("|--:|---|---|---|---|---|---|")
        elif not data["results"]:
            head.append("No vmops.cloud task ran.")
        else:
            head.append("Nothing changes.")
        return head

    def _write(self, path, text):
        directory = os.path.dirname(path) or "."
        tmp = os.path.join(directory, ".%s.tmp" % os.path.basename(path))
        with open(tmp, "w") as handle:
            handle.write(text)
        os.rename(tmp, path)

    def v2_playbook_on_stats(self, stats):
        data = self.report(stats)
        written = []
        for option, render in (("markdown_path", self.markdown),
                               ("json_path", lambda d: json.dumps(d, indent=2, sort_keys=True) + "\n")):
            path = self.get_option(option)
            if not path:
                continue
            try:
                self._write(path, render(data))
                written.append(path)
            except (IOError, OSError) as exc:
                self._display.warning("vmops.cloud.changes: could not write %s: %s" % (path, to_text(exc)))
        line = "vmops.cloud %s: %s" % ("plan" if data["mode"] == "check" else "apply", self.summary_text(data))
        if written:
            line += " (report: %s)" % ", ".join(written)
        self._display.display(line)
