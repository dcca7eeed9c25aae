# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of zomro_instance (power state) and of zomro_rescue planning over the real-shape fixtures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError, InvalidParameterError
from ansible_collections.vmops.cloud.plugins.module_utils.zomro import elements
from ansible_collections.vmops.cloud.plugins.modules import zomro_instance
from ansible_collections.vmops.cloud.plugins.modules.zomro_instance import ZomroInstance
from ansible_collections.vmops.cloud.plugins.modules.zomro_rescue import ZomroRescue
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeAnsibleModule, FakeZomro, bare_module

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "zomro")


def fixture_items(name):
    with open(os.path.join(FIXTURES, name + ".json")) as handle:
        return elements(json.load(handle)["doc"])


def by_name(name):
    items = fixture_items("instances_page1") + fixture_items("instances_page2") + fixture_items("instances_not_active")
    return [i for i in items if i.get("servername") == name or i.get("name") == name][0]


def make(state="started", hard=False, wait=True, client=None, instance="5203773"):
    return bare_module(ZomroInstance, dict(instance=instance, state=state, hard=hard, wait=wait, wait_timeout=5,
                                           username="u", password="p", auth_token=None), client or FakeZomro())


def item(state, **extra):
    out = {"id": "5203773", "servername": "web1.example", "instance_status": state, "item_status": "Active",
           "status": "2"}
    out.update(extra)
    return out


# -- planning -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("state, current", [
    ("started", "Active"), ("started", " active "), ("stopped", "Stopped"), ("stopped", "STOPPED"),
])
def test_nothing_to_do(state, current):
    plan = make(state).plan(item(current))
    assert not plan.changed and plan.actions == []
    assert plan.before == plan.after


@pytest.mark.parametrize("state, current, func, during, goal", [
    ("started", "Stopped", "service.start", "starting", "active"),
    ("stopped", "Active", "service.stop", "stopping", "stopped"),
    ("restarted", "Active", "service.reboot", "rebooting", "active"),
    ("restarted", "Stopped", "service.start", "starting", "active"),
])
def test_power_plan_has_the_action_and_the_wait_as_separate_steps(state, current, func, during, goal):
    plan = make(state).plan(item(current))
    assert plan.changed
    assert len(plan.actions) == 2
    assert func in plan.actions[0] and "web1.example (id 5203773)" in plan.actions[0]
    assert plan.actions[1] == "wait until the instance is %s" % goal
    assert plan.before == {"state": current.strip().lower()}
    assert plan.after == {"state": goal}


def test_without_wait_the_diff_shows_the_state_in_progress():
    plan = make("stopped", wait=False).plan(item("Active"))
    assert len(plan.actions) == 1 and plan.after == {"state": "stopping"}


def test_hard_restart_uses_hardreboot():
    plan = make("restarted", hard=True).plan(item("Active"))
    assert "service.hardreboot" in plan.actions[0] and plan.actions[0].startswith("hard reboot")


def test_hard_restart_is_allowed_from_error():
    assert make("restarted", hard=True).plan(item("Error")).changed
    with pytest.raises(ApiError):
        make("restarted").plan(item("Error"))


@pytest.mark.parametrize("state, current", [
    ("started", "Starting"), ("stopped", "stopping"), ("restarted", "Rebooting"),
])
def test_already_on_its_way_is_no_change(state, current):
    assert not make(state).plan(item(current)).changed


@pytest.mark.parametrize("current, text", [
    ("Rescued", "rescue mode"), ("Booted_from_iso", "ISO"), ("Resized", "resize"), ("Suspended", "suspended"),
    ("Error", "error"),
])
def test_blocked_states_fail_clearly(current, text):
    with pytest.raises(ApiError) as err:
        make("stopped").plan(item(current))
    assert err.value.code == "invalid_state" and text in str(err.value)


def test_a_state_in_progress_without_wait_fails():
    with pytest.raises(ApiError) as err:
        make("started", wait=False).plan(item("Stopping"))
    assert "stopping" in str(err.value) and "wait=true" in str(err.value)


@pytest.mark.parametrize("name", ["unpaid", "leaving"])
def test_an_inactive_service_fails_before_any_change(name):
    """instances_not_active.json: status 5, and item_status 'Deletion in progress' (getInstanceMainInfo.js)."""
    with pytest.raises(ApiError) as err:
        make("started").plan(by_name(name))
    assert "not active" in str(err.value)


def test_no_state_at_all_fails_clearly():
    with pytest.raises(ApiError) as err:
        make("started").plan({"id": "1", "servername": "x", "status": "2"})
    assert "instance_status" in str(err.value)


def test_plan_over_the_real_shape_fixtures():
    assert not make("started").plan(by_name("web1.example")).changed       # "Active "
    assert make("started").plan(by_name("backup-box")).changed              # "STOPPED", name fallback
    with pytest.raises(ApiError):
        make("stopped").plan(by_name("db1.example"))                        # "Rescued"


# -- steps ----------------------------------------------------------------------------------------------

def test_steps_send_one_power_request_and_wait():
    client = FakeZomro(item("Stopped"), reads=["Starting", "Active"])
    mod = make("started", client=client)
    mod.wait_for = lambda fetch, done, what, failed=None, describe=None: _poll(fetch, done)
    plan = mod.plan(item("Stopped"))
    current = mod.apply(plan, item("Stopped"))
    assert [c for c in client.calls if c[0] == "power"] == [("power", "5203773", "start")]
    assert current["instance_status"] == "Active"


def _poll(fetch, done):
    for dummy in range(10):
        value = fetch()
        if done(value):
            return value
    raise AssertionError("never done")


@pytest.mark.parametrize("params, text", [
    (dict(instance=" "), "must not be empty"),
    (dict(instance="a\x00b"), "control characters"),
    (dict(state="started", hard=True), "only with state=restarted"),
])
def test_validate(params, text):
    mod = make(**params)
    with pytest.raises(InvalidParameterError) as err:
        mod.validate()
    assert text in str(err.value)


def test_module_has_docs():
    for name in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
        assert getattr(zomro_instance, name).strip()


# -- zomro_rescue over the fixtures ---------------------------------------------------------------------

def rescue_module(state):
    mod = ZomroRescue.__new__(ZomroRescue)
    mod.module = FakeAnsibleModule()
    mod.params = dict(instance="x", state=state, image="f8f2573f-56c4-44c5-8469-84eee4aa64e7", zone="pub",
                      rescue_password=None, wait=True, wait_timeout=5, username="u", password="p", auth_token=None)
    mod._client = FakeZomro()
    mod.image = mod.zone = mod.image_label = None
    return mod


def test_rescue_enable_plan_reads_instance_status():
    """The old tree read only fotbo_status: "its status is None"."""
    plan = rescue_module("enabled").plan(by_name("web1.example"))
    assert plan.changed and plan.before["status"] == "active"
    assert plan.actions[0].startswith("enable rescue mode") and plan.actions[1] == "wait until the instance is rescued"


def test_rescue_disable_plan_reads_instance_status():
    """The old tree reported ok and did nothing on a rescued instance in the new shape."""
    plan = rescue_module("disabled").plan(by_name("db1.example"))
    assert plan.actions == ["disable rescue mode", "wait until the instance is active"]
    assert plan.before["enabled"] is True


def test_rescue_plan_over_the_old_shape():
    plan = rescue_module("disabled").plan(fixture_items("instances_legacy")[0])
    assert plan.changed


def test_rescue_zone_accepts_shr():
    from ansible_collections.vmops.cloud.plugins.modules.zomro_rescue import ZomroRescue as M
    assert M.argument_spec["zone"]["choices"] == ["pub", "own", "shr"]


# -- an instance already on its way: find() waits, result() never does ------------------------------------

class _FindingClient(FakeZomro):
    """FakeZomro that also answers require_instance with the instance as first listed."""

    def require_instance(self, ref):
        self.calls.append(("find", ref))
        return dict(self.item)


@pytest.mark.parametrize("state, first, goal", [
    ("started", "Starting", "Active"), ("stopped", "Stopping", "Stopped"), ("restarted", "Rebooting", "Active"),
    ("restarted", "Starting", "Active"),
])
def test_find_waits_for_an_instance_on_its_way_and_the_plan_sends_nothing(state, first, goal):
    client = _FindingClient(item(first), reads=[first, goal])
    mod = make(state, client=client)
    mod.wait_for = lambda fetch, done, what, failed=None, describe=None: _poll(fetch, done)
    found = mod.find()
    assert found["instance_status"] == goal  # waited in find(), reads only
    plan = mod.plan(found)
    assert not plan.changed and plan.actions == []  # an instance found rebooting is not restarted again
    assert [c for c in client.calls if c[0] == "power"] == []
    assert mod.result(found, plan)["instance"]["state"] == goal.lower()


def test_result_never_waits():
    """A wait that belongs to no change of this run is done while reading (find), never in result()."""
    client = _FindingClient(item("Stopped"), reads=["Stopped"])
    mod = make("stopped", client=client)
    current = item("Stopping")
    plan = mod.plan(current)
    assert not plan.changed
    assert mod.result(current, plan)["instance"]["state"] == "stopping"
    assert client.calls == []


def test_find_does_not_wait_in_check_mode_or_without_wait():
    for check_mode, wait in ((True, True), (False, False)):
        client = _FindingClient(item("Stopping"), reads=["Stopped"])
        mod = make("stopped", wait=wait, client=client)
        mod.module.check_mode = check_mode
        found = mod.find()
        assert found["instance_status"] == "Stopping" and client.calls == [("find", "5203773")]
        assert not mod.plan(found).changed
