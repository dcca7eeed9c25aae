# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of the module base: check mode, diff, actions, structured failures, no tracebacks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils.base import (
    ApiError,
    InfoModule,
    InvalidParameterError,
    Plan,
    VmopsModule,
    WaitTimeout,
)
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CIVO, CivoClient
from ansible_collections.vmops.cloud.plugins.module_utils.zomro import ZOMRO
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import (
    Exited,
    fake_module,
    patch_module_args,
    run_module,
)


API_KEY = "civo-key-0123456789-secret"


def raise_or_return(value):
    """Raise ``value`` if it is an exception, else return it."""
    if isinstance(value, BaseException):
        raise value
    return value


class Thing(VmopsModule):
    """A tiny module: a thing with a size; ``find`` and the steps are scripted per test."""

    provider = None
    resource_key = "thing"
    waits = False
    argument_spec = dict(
        name=dict(type="str", required=True),
        size=dict(type="int", default=1),
    )

    #: what find() returns, or an exception it raises
    current = None
    #: an exception the step raises
    step_error = None
    #: an exception validate() raises
    invalid = None
    #: every step run, across instances
    runs = []

    def validate(self):
        raise_or_return(self.invalid)

    def find(self):
        return raise_or_return(self.current)

    def plan(self, current):
        plan = Plan(before=current)
        if current is None:
            plan.step("create thing %s" % self.params["name"], self.create,
                      changes=dict(name=self.params["name"], size=self.params["size"]))
        elif current["size"] != self.params["size"]:
            plan.step("resize thing %s from %s to %s" % (self.params["name"], current["size"], self.params["size"]),
                      self.resize, changes=dict(size=self.params["size"]))
        return plan

    def create(self, current):
        return self._step("create", dict(name=self.params["name"], size=self.params["size"]))

    def resize(self, current):
        new = dict(current)
        new["size"] = self.params["size"]
        return self._step("resize", new)

    def _step(self, what, new):
        Thing.runs.append(what)
        raise_or_return(self.step_error)
        return new


def run(cls, params, check=False, diff=False, capsys=None, **attrs):
    """Run ``cls`` as Ansible would; return (exit code, result dict, raw stdout)."""
    args = dict(params)
    args.update(_ansible_check_mode=check, _ansible_diff=diff)
    sub = type(cls.__name__, (cls,), attrs)
    Thing.runs = []
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exit_info:
            sub().run()
    out = capsys.readouterr().out
    return exit_info.value.code, json.loads(out), out


# -- results -----------------------------------------------------------------------------------------

def test_no_change_is_changed_false_with_no_actions(capsys):
    rc, result, dummy = run(Thing, dict(name="a", size=2), capsys=capsys, current=dict(name="a", size=2))
    assert rc == 0
    assert result["changed"] is False
    assert result["actions"] == []
    assert result["thing"] == {"name": "a", "size": 2}
    assert Thing.runs == []
    assert "diff" not in result


def test_change_runs_the_steps_and_returns_the_new_object(capsys):
    rc, result, dummy = run(Thing, dict(name="a", size=4), capsys=capsys, current=dict(name="a", size=2))
    assert rc == 0
    assert result["changed"] is True
    assert result["actions"] == ["resize thing a from 2 to 4"]
    assert result["thing"] == {"name": "a", "size": 4}
    assert Thing.runs == ["resize"]


def test_check_mode_runs_no_step(capsys):
    rc, result, dummy = run(Thing, dict(name="a", size=4), check=True, capsys=capsys, current=dict(name="a", size=2))
    assert rc == 0
    assert Thing.runs == []
    assert result["changed"] is True
    assert result["actions"] == ["resize thing a from 2 to 4"]
    assert result["thing"] == {"name": "a", "size": 2}  # nothing was changed


def test_check_mode_create_runs_no_step(capsys):
    rc, result, dummy = run(Thing, dict(name="b"), check=True, capsys=capsys, current=None)
    assert Thing.runs == []
    assert result["changed"] is True and result["actions"] == ["create thing b"]
    assert result["thing"] is None


@pytest.mark.parametrize("check", [False, True])
def test_diff_shows_before_and_after(capsys, check):
    rc, result, dummy = run(Thing, dict(name="a", size=4), check=check, diff=True, capsys=capsys,
                            current=dict(name="a", size=2))
    assert result["diff"] == {"before": {"name": "a", "size": 2}, "after": {"name": "a", "size": 4}}


def test_diff_of_a_create_starts_empty(capsys):
    rc, result, dummy = run(Thing, dict(name="b", size=3), check=True, diff=True, capsys=capsys, current=None)
    assert result["diff"] == {"before": {}, "after": {"name": "b", "size": 3}}


def test_diff_without_change_is_equal(capsys):
    rc, result, dummy = run(Thing, dict(name="a", size=2), diff=True, capsys=capsys, current=dict(name="a", size=2))
    assert result["diff"]["before"] == result["diff"]["after"] == {"name": "a", "size": 2}


# -- failures ----------------------------------------------------------------------------------------

def test_api_error_in_find_is_a_structured_failure(capsys):
    error = ApiError("Civo API GET /v2/instances failed (HTTP 500): boom", status=500, code="server_error",
                     reason="boom")
    rc, result, out = run(Thing, dict(name="a"), capsys=capsys, current=error)
    assert rc == 1
    assert result["failed"] is True
    assert result["msg"] == str(error)
    assert result["failure"] == {"status": 500, "code": "server_error", "reason": "boom"}
    assert "Traceback" not in out
    assert Thing.runs == []


def test_api_error_in_a_step_is_a_structured_failure(capsys):
    error = ApiError("quota reached", status=403, code="quota_limit_reached", reason="quota")
    rc, result, dummy = run(Thing, dict(name="a", size=4), capsys=capsys, current=dict(name="a", size=2),
                            step_error=error)
    assert rc == 1 and result["failed"] is True
    assert result["failure"] == {"status": 403, "code": "quota_limit_reached", "reason": "quota"}
    assert Thing.runs == ["resize"]


def test_wait_timeout_is_a_structured_failure(capsys):
    error = WaitTimeout("Timed out after 5s waiting for thing a to be ACTIVE; last seen: status=BUILDING",
                        last_seen="status=BUILDING")
    rc, result, dummy = run(Thing, dict(name="a", size=4), capsys=capsys, current=dict(name="a", size=2),
                            step_error=error)
    assert result["failed"] is True
    assert "status=BUILDING" in result["msg"]
    assert result["failure"]["code"] == "wait_timeout"


def test_invalid_parameter_fails_before_find(capsys):
    rc, result, dummy = run(Thing, dict(name="a"), capsys=capsys, current=ApiError("find must not run"),
                            invalid=InvalidParameterError("size must be positive"))
    assert rc == 1
    assert result["msg"] == "size must be positive"
    assert result["failure"] == {"status": None, "code": "invalid_parameter", "reason": "size must be positive"}


@pytest.mark.parametrize("exc", [KeyError("id"), TypeError("'NoneType' object is not subscriptable"),
                                 ZeroDivisionError("division by zero")])
def test_unexpected_exception_is_a_message_not_a_traceback(capsys, exc):
    rc, result, out = run(Thing, dict(name="a"), capsys=capsys, current=exc)
    assert rc == 1
    assert result["failed"] is True
    assert result["msg"].startswith("Internal error in ")
    assert type(exc).__name__ in result["msg"]
    assert result["failure"]["code"] == "internal_error"
    # ansible-core < 2.19 prints the traceback in ``exception`` (the controller shows it only at -vvv)
    shown = json.dumps(dict((k, v) for k, v in result.items() if k != "exception"))
    assert "Traceback" not in shown and 'File \\"' not in shown and 'File "' not in shown


def test_internal_error_passes_the_traceback_as_exception(monkeypatch):
    """Issue 15.4: the traceback goes to ``exception`` (Ansible shows it only with tracebacks on, -vvv)."""
    from ansible_collections.vmops.cloud.plugins.module_utils import base
    monkeypatch.setattr(base, "AnsibleModule", fake_module(dict(name="a")))
    sub = type("Thing", (Thing,), {"current": KeyError("id")})
    with pytest.raises(Exited) as exited:
        sub().run()
    result = exited.value.result
    assert result["failed"] is True and "Traceback" not in result["msg"]
    assert result["exception"].startswith("Traceback") and "KeyError" in result["exception"]


def test_option_errors_are_reported_by_ansible(capsys):
    rc, result, dummy = run(Thing, dict(size=2), capsys=capsys)
    assert rc == 1
    assert "name" in result["msg"]


# -- providers -----------------------------------------------------------------------------------------

class CivoThing(VmopsModule):
    provider = CIVO
    resource_key = "thing"
    error = None

    def find(self):
        raise_or_return(self.error)
        cli = self.client
        assert isinstance(cli, CivoClient)
        return dict(region=cli.region, url=cli.base_url, wait=self.params["wait"],
                    wait_timeout=self.params["wait_timeout"])


def test_civo_module_gets_credentials_wait_options_and_a_client(capsys):
    rc, result, dummy = run(CivoThing, dict(api_key=API_KEY, region="fra1", api_url="http://127.0.0.1:9/"),
                            capsys=capsys)
    assert rc == 0
    assert result["thing"] == {"region": "FRA1", "url": "http://127.0.0.1:9", "wait": True, "wait_timeout": 600}
    assert API_KEY not in json.dumps(result)


def test_civo_module_takes_the_key_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("CIVO_TOKEN", API_KEY)
    rc, result, dummy = run(CivoThing, dict(), capsys=capsys)
    assert rc == 0 and result["thing"]["region"] == "LON1"


def test_civo_module_without_a_key_fails_before_any_request(capsys, monkeypatch):
    for name in ("CIVO_TOKEN", "CIVO_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    rc, result, dummy = run(CivoThing, dict(), capsys=capsys)
    assert rc == 1 and "api_key" in result["msg"]


def test_failure_never_shows_the_api_key(capsys):
    error = ApiError("Civo API authentication failed (HTTP 401, database_account_not_found): check api_key",
                     status=401, code="database_account_not_found", reason="The account could not be found")
    rc, result, out = run(CivoThing, dict(api_key=API_KEY), capsys=capsys, error=error)
    assert rc == 1
    assert result["failure"]["status"] == 401
    assert API_KEY not in out


def test_api_key_is_no_log(capsys):
    spec = {}

    class Spy(CivoThing):
        def find(self):
            spec.update(self.module.argument_spec)
            return None

    run(Spy, dict(api_key=API_KEY), capsys=capsys)
    assert spec["api_key"]["no_log"] is True


class ZomroThing(VmopsModule):
    provider = ZOMRO
    resource_key = "thing"
    waits = False

    def find(self):
        return dict(user=self.client.username)


class ZomroNoClient(ZomroThing):
    """Fails on its options alone, before it would build a client."""

    def find(self):
        return None


@pytest.mark.parametrize("cls", [ZomroThing, ZomroNoClient])
def test_zomro_module_needs_username_and_password_together(capsys, monkeypatch, cls):
    for name in ("ZOMRO_USERNAME", "ZOMRO_PASSWORD", "ZOMRO_AUTH"):
        monkeypatch.delenv(name, raising=False)
    rc, result, dummy = run(cls, dict(username="ops", auth_token="0b31d69ab7b7b4839dfd6506"), capsys=capsys)
    assert rc == 1
    assert "password" in result["msg"]


@pytest.mark.parametrize("cls", [ZomroThing, ZomroNoClient])
def test_zomro_module_needs_some_credentials(capsys, monkeypatch, cls):
    for name in ("ZOMRO_USERNAME", "ZOMRO_PASSWORD", "ZOMRO_AUTH"):
        monkeypatch.delenv(name, raising=False)
    rc, result, dummy = run(cls, dict(), capsys=capsys)
    assert rc == 1
    assert "username" in result["msg"] and "auth_token" in result["msg"]


def test_zomro_module_accepts_a_token(capsys):
    rc, result, out = run(ZomroThing, dict(auth_token="0b31d69ab7b7b4839dfd6506"), capsys=capsys)
    assert rc == 0 and result["thing"] == {"user": None}
    assert "0b31d69ab7b7b4839dfd6506" not in out


# -- info modules --------------------------------------------------------------------------------------

class ThingInfo(InfoModule):
    provider = None
    argument_spec = dict(name=dict(type="str"))
    error = None

    def gather(self):
        raise_or_return(self.error)
        return dict(things=[dict(name=self.params["name"])])


def test_info_module_is_never_changed(capsys):
    rc, result, dummy = run(ThingInfo, dict(name="a"), check=True, capsys=capsys)
    assert rc == 0
    assert result["changed"] is False and result["things"] == [{"name": "a"}]
    assert "wait" not in result


@pytest.mark.parametrize("error, code", [(ApiError("nope", status=404, code="not_found"), "not_found"),
                                         (ValueError("bad"), "internal_error")])
def test_info_module_failures_are_structured(capsys, error, code):
    rc, result, out = run(ThingInfo, dict(name="a"), capsys=capsys, error=error)
    assert rc == 1 and result["failure"]["code"] == code
    # ansible-core < 2.19 prints the traceback in ``exception`` (the controller shows it only at -vvv)
    assert "Traceback" not in json.dumps(dict((k, v) for k, v in result.items() if k != "exception"))


# -- Plan ----------------------------------------------------------------------------------------------

def test_plan_copies_before_and_lists_actions_in_order():
    current = {"size": 1, "tags": ["a"]}
    plan = Plan(before=current)
    assert not plan.changed and plan.actions == []
    plan.step("resize", lambda c: c, changes=dict(size=2)).step("retag", lambda c: c, changes=dict(tags=["b"]))
    current["tags"].append("mutated")
    assert plan.changed
    assert plan.actions == ["resize", "retag"]
    assert plan.before == {"size": 1, "tags": ["a"]}
    assert plan.after == {"size": 2, "tags": ["b"]}


def test_plan_diff_fields_may_have_any_name():
    plan = Plan(before={"description": "old"}).step("describe", lambda c: c, changes={"description": "new"})
    assert plan.actions == ["describe"]
    assert plan.after == {"description": "new"}


def test_apply_passes_each_steps_result_to_the_next():
    seen = []

    def first(current):
        seen.append(current)
        return "one"

    def second(current):
        seen.append(current)
        return "two"

    plan = Plan().step("first", first).step("second", second)
    assert VmopsModule.apply(VmopsModule.__new__(VmopsModule), plan, "zero") == "two"
    assert seen == ["zero", "one"]


def test_plan_step_binds_its_arguments_and_changes():
    from ansible_collections.vmops.cloud.plugins.module_utils.base import Plan

    calls = []

    def resize(current, size, reboot=False):
        calls.append((current, size, reboot))
        return dict(current, size=size)

    plan = Plan(before={"size": "small"})
    plan.step("resize to large", resize, "large", reboot=True, changes={"size": "large"})
    assert plan.actions == ["resize to large"]
    assert plan.before == {"size": "small"} and plan.after == {"size": "large"}
    description, func = plan.steps[0]
    assert func({"size": "small"}) == {"size": "large"}
    assert calls == [({"size": "small"}, "large", True)]


def test_plan_takes_before_and_after():
    from ansible_collections.vmops.cloud.plugins.module_utils.base import Plan

    plan = Plan(before=None, after={"state": "absent"})
    assert plan.before == {} and plan.after == {"state": "absent"} and not plan.changed


# -- partial results after a failure (issue 14, item 6) ----------------------------------------------

class Machine(VmopsModule):
    """create (returns the answer with its one-time password) -> wait (a step of its own) -> tag.

    ``script`` maps a step name to an exception it raises.
    """

    provider = None
    resource_key = "machine"
    waits = False
    argument_spec = dict(name=dict(type="str", required=True), mode=dict(type="str", default="split"))
    script = {}
    ran = []

    def find(self):
        return None

    def plan(self, current):
        plan = Plan(before=None)
        name = self.params["name"]
        if self.params["mode"] == "split":
            plan.step("create machine %s" % name, self.create, name, changes={"name": name})
            plan.step("wait for machine %s to be ACTIVE" % name, self.wait, changes={"status": "ACTIVE"})
        else:  # one step that creates and then waits, reporting its change with applied()
            plan.step("create machine %s and wait" % name, self.create_and_wait, name, changes={"name": name})
        plan.step("tag machine %s" % name, self.tag, ["web"], changes={"tags": ["web"]})
        return plan

    def _run(self, what):
        Machine.ran.append(what)
        raise_or_return(self.script.get(what))

    def create(self, current, name):
        self._run("create")
        return {"id": "m-1", "name": name, "status": "BUILDING", "initial_password": "Pw-once-0123"}

    def wait(self, current):
        self._run("wait")
        return dict(current, status="ACTIVE")

    def create_and_wait(self, current, name):
        created = self.applied(self.create(current, name))
        return self.wait(created)

    def tag(self, current, tags):
        self._run("tag")
        return dict(current, tags=tags)

    def result(self, current, plan):
        # as civo_instance does: the secret is returned once, beside the object, never inside it
        current = dict(current or {})
        password = current.pop("initial_password", None)
        result = {"machine": current}
        if password:
            result["initial_password"] = password
        return result


def run_machine(capsys, script, check=False, diff=False, mode="split"):
    Machine.ran = []
    sub = type("Machine", (Machine,), {"script": script})
    return run_module(sub, dict(name="m1", mode=mode), capsys, check=check, diff=diff)


TIMEOUT = WaitTimeout("Timed out after 5s waiting for machine m1 to be ACTIVE; last seen: status=BUILDING",
                      last_seen="status=BUILDING")


def test_a_failed_wait_after_a_create_reports_the_change_and_the_one_time_password(capsys):
    rc, result, dummy = run_machine(capsys, {"wait": TIMEOUT})
    assert rc == 1 and result["failed"] is True
    assert result["changed"] is True
    assert result["actions"] == ["create machine m1"]
    assert result["failed_action"] == "wait for machine m1 to be ACTIVE"
    assert result["initial_password"] == "Pw-once-0123"
    assert result["machine"] == {"id": "m-1", "name": "m1", "status": "BUILDING"}
    assert result["failure"]["code"] == "wait_timeout"
    assert Machine.ran == ["create", "wait"]


@pytest.mark.parametrize("error", [
    ApiError("Civo API authentication failed (HTTP 401): check api_key", status=401, code="authentication_invalid_key"),
    ApiError("GET /v2/instances/m-1 failed after 6 attempts: reset", code="connection_error"),
    KeyError("status"),
])
def test_any_failure_after_a_change_reports_it(capsys, error):
    rc, result, dummy = run_machine(capsys, {"tag": error})
    assert rc == 1 and result["changed"] is True
    assert result["actions"] == ["create machine m1", "wait for machine m1 to be ACTIVE"]
    assert result["failed_action"] == "tag machine m1"
    assert result["machine"]["status"] == "ACTIVE" and result["initial_password"] == "Pw-once-0123"


def test_a_step_that_reports_its_change_with_applied_keeps_it_when_its_wait_fails(capsys):
    rc, result, dummy = run_machine(capsys, {"wait": TIMEOUT}, mode="joined")
    assert rc == 1 and result["changed"] is True
    assert result["actions"] == ["create machine m1 and wait"]
    assert result["failed_action"] == "create machine m1 and wait"
    assert result["initial_password"] == "Pw-once-0123"


def test_a_failure_of_the_first_step_before_any_change_is_not_changed(capsys):
    error = ApiError("quota reached", status=403, code="quota_limit_reached", reason="quota")
    rc, result, dummy = run_machine(capsys, {"create": error})
    assert rc == 1 and result["changed"] is False
    assert result["actions"] == []
    assert result["failed_action"] == "create machine m1"
    assert "machine" not in result and "initial_password" not in result


def test_a_failure_before_any_step_is_not_changed(capsys):
    rc, result, dummy = run(Thing, dict(name="a"), capsys=capsys, current=ApiError("list failed", status=500))
    assert rc == 1 and result["changed"] is False and result["actions"] == []
    assert "failed_action" not in result


def test_check_mode_failures_are_not_changed(capsys):
    class Failing(Machine):
        def result(self, current, plan):
            raise ApiError("read failed", status=500)
    Machine.ran = []
    rc, result, dummy = run_module(Failing, dict(name="m1"), capsys, check=True)
    assert rc == 1 and result["changed"] is False and result["actions"] == []
    assert Machine.ran == []


def test_a_partial_result_never_waits(capsys):
    """result() that would wait (a snapshot still pending) is not run again against a failing API."""
    class Waits(Machine):
        def result(self, current, plan):
            return {"machine": self.wait_for(lambda: 1 / 0, lambda v: True, "never")}
    Machine.ran = []
    sub = type("Waits", (Waits,), {"script": {"tag": ApiError("boom", status=500)}})
    rc, result, dummy = run_module(sub, dict(name="m1"), capsys)
    assert rc == 1 and result["changed"] is True
    assert result["machine"]["status"] == "ACTIVE"  # the bare object as last returned


def test_a_partial_failure_keeps_the_diff(capsys):
    rc, result, dummy = run_machine(capsys, {"wait": TIMEOUT}, diff=True)
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["name"] == "m1"


# -- secrets in failures (issue 14, item 8) -----------------------------------------------------------

def test_every_failure_is_scrubbed_of_the_clients_secrets(capsys, monkeypatch):
    echoed = ApiError("Civo API GET /v2/instances failed (HTTP 400): got Authorization: bearer %s" % API_KEY,
                      status=400, code="bad", reason="header was bearer %s" % API_KEY)
    rc, result, out = run(CivoThing, dict(api_key=API_KEY), capsys=capsys, error=echoed)
    assert rc == 1
    assert API_KEY not in out
    assert "********" in result["msg"] and "********" in result["failure"]["reason"]


# -- providers as objects (issue 15, item 1) -----------------------------------------------------------

def test_the_frame_names_no_provider():
    import ansible_collections.vmops.cloud.plugins.module_utils.base as base_module
    source = open(base_module.__file__).read().lower()
    assert "civo" not in source and "zomro" not in source


def test_a_module_names_its_provider_object(capsys):
    from ansible_collections.vmops.cloud.plugins.module_utils.civo import CIVO

    class ByObject(CivoThing):
        provider = CIVO

    rc, result, dummy = run(ByObject, dict(api_key=API_KEY, region="fra1"), capsys=capsys)
    assert rc == 0 and result["thing"]["region"] == "FRA1"


def test_a_new_provider_needs_no_change_to_the_frame(capsys):
    from ansible_collections.vmops.cloud.plugins.module_utils.provider import Provider

    class Client(object):
        def __init__(self, params):
            self.token = params["token"]

    acme = Provider("acme-test", lambda: dict(token=dict(type="str", required=True, no_log=True)), Client,
                    module_kwargs=dict(mutually_exclusive=[["token", "name"]]),
                    describe=lambda value: "phase=%s" % value["phase"])

    class AcmeThing(VmopsModule):
        provider = acme
        resource_key = "thing"
        argument_spec = dict(name=dict(type="str"))

        def find(self):
            return {"token_len": len(self.client.token)}

        def plan(self, current):
            return Plan(before=current).step("wait", lambda c: self.wait_for(lambda: {"phase": "pending"},
                                                                             lambda v: False, "acme"))

    rc, result, dummy = run(AcmeThing, dict(token="t0k3n-value", wait_timeout=0), capsys=capsys)
    assert rc == 1 and "phase=pending" in result["msg"]  # the provider names the state
    rc, result, dummy = run(AcmeThing, dict(token="t0k3n-value", name="x"), capsys=capsys)
    assert rc == 1 and "mutually exclusive" in result["msg"]


def test_zomro_provider_describes_the_rescue_state():
    from ansible_collections.vmops.cloud.plugins.module_utils.zomro import ZOMRO
    assert ZOMRO.describe({"fotbo_status": "rescuing", "status": "2"}) == "fotbo_status=rescuing"
    assert ZOMRO.describe(None) == "absent"
    assert ZOMRO.module_kwargs["required_together"] == [["username", "password"]]


def test_errors_and_helpers_have_public_homes():
    from ansible_collections.vmops.cloud.plugins.module_utils import base, civo, util
    from ansible_collections.vmops.cloud.plugins.module_utils import _http
    for name in ("ApiError", "InvalidParameterError", "AmbiguousRequestError", "MalformedResponseError"):
        assert getattr(base, name) is getattr(_http, name)
    assert util.is_uuid("0f2b5e54-7a3c-4c1d-9a57-3c1f0d7e6a11") and not util.is_uuid("web1")
    assert util.parse_bool("Enabled") is True and util.parse_bool("maybe") is None
    # the old names stay importable from civo.py while other modules move
    assert civo.is_uuid("0f2b5e54-7a3c-4c1d-9a57-3c1f0d7e6a11") and civo.parse_bool("false") is False


def test_the_collection_version_lives_in_one_place():
    import os
    import re as re_module

    from ansible_collections.vmops.cloud.plugins.module_utils import _http, _version
    assert _http.USER_AGENT == "vmops.cloud/%s" % _version.COLLECTION_VERSION
    galaxy = os.path.join(os.path.dirname(_version.__file__), "..", "..", "galaxy.yml")
    if os.path.exists(galaxy):
        found = re_module.search(r"^version:\s*['\"]?([^'\"\s]+)", open(galaxy).read(), re_module.M)
        assert found and found.group(1) == _version.COLLECTION_VERSION


def test_failures_are_scrubbed_of_secrets_the_client_keeps_itself(capsys):
    """A Zomro error page echoing the form puts the module's own session id in the message."""
    class Holder(Thing):
        def find(self):
            self._client = type("Client", (), {"_secrets": {"sess-0123456789abcdef"}})()
            raise ApiError("Zomro API answered HTTP 500: auth=sess-0123456789abcdef&func=instances", status=500,
                           reason="auth=sess-0123456789abcdef")
    rc, result, out = run(Holder, dict(name="a"), capsys=capsys)
    assert rc == 1 and "sess-0123456789abcdef" not in out
    assert "auth=********" in result["msg"]


def test_plan_show_sets_one_diff_field_without_a_step():
    plan = Plan(before={"a": 1}).show("b", None, [2])
    assert plan.before == {"a": 1, "b": None}
    assert plan.after == {"a": 1, "b": [2]}
    assert not plan.changed and plan.actions == []


def test_plan_has_one_way_to_add_a_step():
    assert not hasattr(Plan, "add")  # steps carry their own arguments: plan.step(description, func, *args, changes=)


def test_a_provider_is_named_by_its_object_not_by_a_string():
    class ByName(CivoThing):
        provider = "civo"

    with pytest.raises(TypeError) as err:
        ByName()
    assert "Provider object" in str(err.value)
