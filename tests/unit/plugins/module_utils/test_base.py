# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of the module base: check mode, diff, actions, structured failures, no tracebacks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError, InvalidParameterError
from ansible_collections.vmops.cloud.plugins.module_utils.base import InfoModule, Plan, VmopsModule
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient
from ansible_collections.vmops.cloud.plugins.module_utils.waiter import WaitTimeout

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    import contextlib
    from unittest import mock

    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))):
            yield


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
            plan.add("create thing %s" % self.params["name"], self.create, name=self.params["name"],
                     size=self.params["size"])
        elif current["size"] != self.params["size"]:
            plan.add("resize thing %s from %s to %s" % (self.params["name"], current["size"], self.params["size"]),
                     self.resize, size=self.params["size"])
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
    assert "Traceback" not in out and 'File "' not in out


def test_option_errors_are_reported_by_ansible(capsys):
    rc, result, dummy = run(Thing, dict(size=2), capsys=capsys)
    assert rc == 1
    assert "name" in result["msg"]


# -- providers -----------------------------------------------------------------------------------------

class CivoThing(VmopsModule):
    provider = "civo"
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
    provider = "zomro"
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
    assert "Traceback" not in out


# -- Plan ----------------------------------------------------------------------------------------------

def test_plan_copies_before_and_lists_actions_in_order():
    current = {"size": 1, "tags": ["a"]}
    plan = Plan(before=current)
    assert not plan.changed and plan.actions == []
    plan.add("resize", lambda c: c, size=2).add("retag", lambda c: c, tags=["b"])
    current["tags"].append("mutated")
    assert plan.changed
    assert plan.actions == ["resize", "retag"]
    assert plan.before == {"size": 1, "tags": ["a"]}
    assert plan.after == {"size": 2, "tags": ["b"]}


def test_plan_diff_fields_may_have_any_name():
    plan = Plan(before={"description": "old"}).add("describe", lambda c: c, description="new")
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

    plan = Plan().add("first", first).add("second", second)
    assert VmopsModule.apply(None, plan, "zero") == "two"
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
