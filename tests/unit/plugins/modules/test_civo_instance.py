# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of civo_instance: comparison helpers, the plan and its request budget."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import (
    ADOPT_LOOKS,
    AmbiguousRequestError,
    ApiError,
    InvalidParameterError,
)
from ansible_collections.vmops.cloud.plugins.module_utils import civo_instance_plan as plan_helpers
from ansible_collections.vmops.cloud.plugins.module_utils.civo import decode_script, is_in_progress
from ansible_collections.vmops.cloud.plugins.modules import civo_instance as ci
from ansible_collections.vmops.cloud.plugins.modules.civo_instance import CivoInstance
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeCivoApi, bare_module

INSTANCE_ID = "779d651a-8e10-4019-9cc0-448451d16157"
NET = "950c8a1c-79d5-4e57-925a-6e941ebec8a3"
OTHER_NET = "0f0f0f0f-79d5-4e57-925a-6e941ebec8a3"
FW_DEFAULT = "e9bcefa3-f942-43a3-98f5-354608f0d55e"
FW_STRICT = "b6dfca68-059e-48c8-85a7-bac37996fde1"
FW_OTHER_NET = "c0c0c0c0-059e-48c8-85a7-bac37996fde1"
FOCAL = "b67d6fed-8ab6-45b9-be2d-2f3337c933c6"
JAMMY = "24f403aa-587c-5ed6-8aac-19dc6eb6e721"
KEY = "21aa424f-13be-44db-a908-6d4625c7e4f4"
OTHER_KEY = "31aa424f-13be-44db-a908-6d4625c7e4f4"


def size(name, cpu, ram, disk):
    return {"name": name, "cpu_cores": cpu, "ram_mb": ram, "disk_gb": disk}


SIZES = [size("g3.xsmall", 1, 1024, 25), size("g3.small", 1, 2048, 25), size("g3.medium", 2, 4096, 50),
         size("g2.small", 1, 2048, 20), size("g3.wide", 4, 1024, 25)]
LISTS = {
    "sizes": SIZES,
    "disk_images": [{"id": FOCAL, "name": "ubuntu-focal"}, {"id": JAMMY, "name": "ubuntu-jammy"}],
    "networks": [{"id": NET, "label": "default", "name": "Default", "default": True, "region": "LON1"},
                 {"id": OTHER_NET, "label": "backend", "name": "Backend", "default": False, "region": "LON1"}],
    "firewalls": [{"id": FW_DEFAULT, "name": "default", "network_id": NET},
                  {"id": FW_STRICT, "name": "restrictive-firewall", "network_id": NET},
                  {"id": FW_OTHER_NET, "name": "default", "network_id": OTHER_NET}],
    "sshkeys": [{"id": KEY, "name": "deploy-key"}, {"id": OTHER_KEY, "name": "other-key"}],
}

# The instance of the API documentation (civo-instances.txt), with a secret.
DOC_INSTANCE = {
    "id": INSTANCE_ID, "name": "test-b775c2ea", "hostname": "test", "size": "g3.small",
    "firewall_id": FW_DEFAULT, "source_type": "diskimage", "source_id": "ubuntu-focal", "network_id": NET,
    "initial_user": "root", "initial_password": "foobar", "ssh_key": "ssh-rsa ...", "ssh_key_id": KEY,
    "tags": ["first", "second"], "user_script": "SGVsbG8gd29ybGQh", "status": "ACTIVE",
    "public_ip": "212.2.247.88", "private_ip": "192.168.1.2", "reverse_dns": "", "cpu_cores": 1,
    "ram_mb": 2048, "disk_gb": 25,
}


def instance(**changes):
    obj = copy.deepcopy(DOC_INSTANCE)
    obj.update(changes)
    return obj


def civo_api(instances=(), **options):
    """The kit's fake Civo API over this file's account (``LISTS``); a create starts from ``DOC_INSTANCE``."""
    return FakeCivoApi(instances, lists=LISTS, template=DOC_INSTANCE, **options)


DEFAULTS = dict(
    id=None, hostname=None, state="present", reboot_type="hard", size=None, template_id=None, network_id=None,
    firewall_id=None, ssh_key_id=None, public_ip=None, initial_user=None, reverse_dns=None, script=None,
    tags=None, wait=True, wait_timeout=5, api_key="k", region="LON1",
)


def create_body(plan):
    """The body the plan's create step sends: the step carries it as its bound argument."""
    return next(func.args[0] for description, func in plan.steps if description.startswith("create instance"))


def make(client=None, **params):
    mod = bare_module(CivoInstance, dict(DEFAULTS, **params), client if client is not None else civo_api([DOC_INSTANCE]))
    mod.initial_password = None
    mod.race_lost = None
    return mod


# -- helpers ---------------------------------------------------------------------

@pytest.mark.parametrize("status, transitional, settled", [
    ("BUILDING", True, "ACTIVE"), ("STOPPING", True, "SHUTOFF"), ("REBOOTING", True, "ACTIVE"),
    ("STARTING", True, "ACTIVE"), ("ACTIVE", False, "ACTIVE"), ("SHUTOFF", False, "SHUTOFF"),
    ("DELETING", True, "DELETING"), (None, False, ""),
])
def test_transitional_and_settled(status, transitional, settled):
    assert is_in_progress(status) is transitional
    assert plan_helpers.settled_status(status) == settled


@pytest.mark.parametrize("old, new, expected", [
    ("g3.small", "g3.medium", "up"),
    ("g3.xsmall", "g3.small", "up"),
    ("g3.small", "g3.small", "same"),
    ("g3.medium", "g3.small", "down"),
    ("g3.small", "g2.small", "down"),     # less disk
    ("g3.small", "g3.wide", "down"),      # more CPU, less RAM: not upward
])
def test_compare_sizes(old, new, expected):
    by_name = dict((s["name"], s) for s in SIZES)
    assert plan_helpers.compare_sizes(by_name[old], by_name[new]) == expected


def test_same_tags_ignores_order_and_duplicates():
    assert ci.same_tags(["a", "b"], ["b", "a", "a"])
    assert not ci.same_tags(["a"], ["a", "b"])
    assert ci.same_tags([], [])
    assert ci.same_tags(None, [])


def test_decode_script():
    assert decode_script("SGVsbG8gd29ybGQh") == "Hello world!"
    assert decode_script("") == ""
    assert decode_script(None) == ""
    assert decode_script("not base64!") == "not base64!"


def test_summary():
    assert ci.summary(None) == {"state": "absent"}
    s = ci.summary(DOC_INSTANCE)
    assert s == {"state": "present", "id": INSTANCE_ID, "hostname": "test", "status": "ACTIVE", "size": "g3.small",
                 "tags": ["first", "second"], "firewall_id": FW_DEFAULT}
    assert "initial_password" not in s


@pytest.mark.parametrize("state, status, resize, expected", [
    ("present", "ACTIVE", False, None),
    ("present", "SHUTOFF", True, None),
    ("started", "ACTIVE", False, None),
    ("started", "SHUTOFF", False, "start"),
    ("started", "STOPPING", False, "start"),
    ("started", "BUILDING", False, None),
    ("started", "ACTIVE", True, None),
    ("stopped", "SHUTOFF", False, None),
    ("stopped", "STOPPING", False, None),
    ("stopped", "ACTIVE", False, "stop"),
    ("stopped", "SHUTOFF", True, "stop"),     # the resize boots it
    ("restarted", "ACTIVE", False, "reboot"),
    ("restarted", "REBOOTING", False, "reboot"),
    ("restarted", "SHUTOFF", False, "start"),
])
def test_power_plan(state, status, resize, expected):
    assert ci.power_plan(state, status, resize) == expected


# -- immutable attributes -----------------------------------------------------------

class Resolver(object):
    def __init__(self):
        self.calls = []
        self.client = civo_api()
        self.mod = make(client=self.client)

    def __call__(self, kind, value):
        self.calls.append((kind, value))
        return self.mod.resolve(kind, value)


def params(**kw):
    return dict(DEFAULTS, **kw)


@pytest.mark.parametrize("given", [
    dict(template_id="ubuntu-focal"),
    dict(network_id=NET),
    dict(ssh_key_id=KEY),
    dict(initial_user="root"),
    dict(script="Hello world!"),
    dict(public_ip="create"),
    dict(reverse_dns="test"),       # Civo's default: the hostname
    dict(hostname="test", id=INSTANCE_ID),
])
def test_matching_creation_options_cost_no_lookup(given):
    resolve = Resolver()
    assert ci.immutable_conflicts(DOC_INSTANCE, params(**given), resolve) == []
    assert resolve.calls == []


@pytest.mark.parametrize("given, kind", [
    (dict(template_id=FOCAL), "image"),
    (dict(network_id="default"), "network"),
    (dict(ssh_key_id="deploy-key"), "sshkey"),
])
def test_names_and_ids_that_resolve_to_the_same_object_match(given, kind):
    resolve = Resolver()
    assert ci.immutable_conflicts(DOC_INSTANCE, params(**given), resolve) == []
    assert [c[0] for c in resolve.calls] == [kind]


def test_template_id_field_short_cuts_the_image_lookup():
    resolve = Resolver()
    inst = instance(template_id=FOCAL)
    assert ci.immutable_conflicts(inst, params(template_id=FOCAL), resolve) == []
    assert resolve.calls == []


def test_every_differing_attribute_is_reported():
    resolve = Resolver()
    conflicts = ci.immutable_conflicts(DOC_INSTANCE, params(
        id=INSTANCE_ID, hostname="renamed", template_id="ubuntu-jammy", network_id="backend",
        ssh_key_id="other-key", initial_user="admin", script="echo hi", public_ip="none", reverse_dns="x.example"),
        resolve)
    # public_ip=none on an instance with a public IP is a warning, not a conflict (Civo gives the first
    # instance of a network a public IP anyway, terraform-provider-civo #357).
    # hostname (by id) and reverse_dns change in place (PUT /v2/instances/:id): not conflicts.
    assert [c[0] for c in conflicts] == ["template_id", "network_id", "ssh_key_id", "initial_user", "script"]
    message = ci.conflicts_message(DOC_INSTANCE, conflicts)
    for name in ("template_id", "network_id", "ssh_key_id", "initial_user", "script"):
        assert name in message
    assert "in place" in message and INSTANCE_ID in message and "recreate=true" in message


def test_ssh_key_on_an_instance_without_key_is_a_conflict():
    resolve = Resolver()
    conflicts = ci.immutable_conflicts(instance(ssh_key_id=""), params(ssh_key_id="deploy-key"), resolve)
    assert [c[0] for c in conflicts] == ["ssh_key_id"]


def test_public_ip_not_compared_while_building():
    resolve = Resolver()
    building = instance(status="BUILDING", public_ip=None)
    assert ci.immutable_conflicts(building, params(public_ip="create"), resolve) == []
    active = instance(public_ip=None)
    assert [c[0] for c in ci.immutable_conflicts(active, params(public_ip="create"), resolve)] == ["public_ip"]
    assert ci.immutable_conflicts(active, params(public_ip="none"), resolve) == []


def test_unknown_image_name_fails_clearly():
    with pytest.raises(ApiError) as err:
        ci.immutable_conflicts(DOC_INSTANCE, params(template_id="no-such-image"), Resolver())
    assert "Unknown disk image 'no-such-image'" in str(err.value)


# -- firewalls -------------------------------------------------------------------------

def test_pick_firewall():
    fws = LISTS["firewalls"]
    assert ci.pick_firewall(fws, FW_STRICT, NET)["id"] == FW_STRICT
    assert ci.pick_firewall(fws, "Restrictive-Firewall", NET)["id"] == FW_STRICT
    assert ci.pick_firewall(fws, "default", NET)["id"] == FW_DEFAULT
    assert ci.pick_firewall(fws, "default", OTHER_NET)["id"] == FW_OTHER_NET
    with pytest.raises(InvalidParameterError) as err:
        ci.pick_firewall(fws, "default")
    assert "ambiguous" in str(err.value) and FW_DEFAULT in str(err.value) and FW_OTHER_NET in str(err.value)
    with pytest.raises(InvalidParameterError) as err:
        ci.pick_firewall(fws, "nope", NET)
    assert "Unknown firewall 'nope'" in str(err.value) and "restrictive-firewall" in str(err.value)


# -- validation -------------------------------------------------------------------------

@pytest.mark.parametrize("given, text", [
    (dict(id="not-a-uuid"), "id must be a Civo instance id"),
    (dict(hostname=""), "hostname must not be empty"),
    (dict(hostname="a b"), "hostname must not contain whitespace"),
    (dict(hostname="a", tags=["ok", "two words"]), "tags must be non-empty and contain no whitespace"),
    (dict(hostname="a", tags=[""]), "tags must be non-empty"),
    (dict(hostname="a", size=" "), "size must not be empty"),
    (dict(hostname="a", wait_timeout=-1), "wait_timeout must not be negative"),
])
def test_validate_refuses_bad_input_before_any_request(given, text):
    mod = make(**given)
    with pytest.raises(InvalidParameterError) as err:
        mod.validate()
    assert text in str(err.value)
    assert mod.client.requests == []


# -- plans on an existing instance ------------------------------------------------------

def test_noop_by_id_costs_one_request():
    client = civo_api([DOC_INSTANCE])
    mod = make(client=client, id=INSTANCE_ID, size="g3.small", firewall_id=FW_DEFAULT, tags=["second", "first"],
               template_id="ubuntu-focal")
    current = mod.find()
    plan = mod.plan(current)
    assert not plan.changed and plan.before == plan.after
    assert client.requests == [("GET", "/v2/instances/" + INSTANCE_ID, None)]


def test_noop_by_hostname_costs_one_list_request():
    client = civo_api([DOC_INSTANCE, instance(id="11111111-8e10-4019-9cc0-448451d16157", hostname="other")])
    mod = make(client=client, hostname="test", size="g3.small")
    plan = mod.plan(mod.find())
    assert not plan.changed
    assert [(m, p) for m, p, d in client.requests] == [("GET", "/v2/instances")]


def test_ambiguous_hostname_lists_the_ids():
    other = "11111111-8e10-4019-9cc0-448451d16157"
    client = civo_api([DOC_INSTANCE, instance(id=other)])
    mod = make(client=client, hostname="test")
    with pytest.raises(ApiError) as err:
        mod.find()
    assert INSTANCE_ID in str(err.value) and other in str(err.value) and "ambiguous" in str(err.value)


def test_same_firewall_by_name_costs_one_list_and_no_step():
    client = civo_api()
    mod = make(client=client, hostname="test", firewall_id="default")
    plan = mod.plan(instance())
    assert not plan.changed
    assert [p for m, p, d in client.requests] == ["/v2/firewalls"]


def test_update_plan_orders_firewall_tags_resize_power():
    client = civo_api()
    mod = make(client=client, hostname="test", state="stopped", firewall_id="restrictive-firewall",
               tags=["x"], size="g3.medium")
    plan = mod.plan(instance())
    assert plan.actions == ["set firewall to restrictive-firewall (%s)" % FW_STRICT, "set tags to [x]",
                            "resize from g3.small to g3.medium", "stop instance"]
    assert plan.before["size"] == "g3.small"
    assert plan.after == dict(plan.before, firewall_id=FW_STRICT, tags=["x"], size="g3.medium", status="SHUTOFF")
    assert client.mutating == []


@pytest.mark.parametrize("wanted", ["g3.xsmall", "g2.small", "g3.wide"])
def test_smaller_size_fails_before_any_change(wanted):
    client = civo_api()
    mod = make(client=client, hostname="test", size=wanted, tags=["new"])
    with pytest.raises(InvalidParameterError) as err:
        mod.plan(instance())
    assert "Civo only resizes upward" in str(err.value) and wanted in str(err.value)
    assert client.mutating == []


def test_unknown_size_fails_with_the_list():
    mod = make(hostname="test", size="g9.huge")
    with pytest.raises(ApiError) as err:
        mod.plan(instance())
    assert "Unknown size 'g9.huge'" in str(err.value) and "g3.medium" in str(err.value)


def test_immutable_change_fails_naming_all_attributes():
    client = civo_api()
    mod = make(client=client, hostname="test", template_id="ubuntu-jammy", initial_user="admin", tags=["x"])
    with pytest.raises(InvalidParameterError) as err:
        mod.plan(instance())
    assert "template_id" in str(err.value) and "initial_user" in str(err.value)
    assert client.mutating == []


@pytest.mark.parametrize("status, action", [("ACTIVE", "hard reboot instance"), ("SHUTOFF", "start instance")])
def test_restarted_is_always_a_change(status, action):
    mod = make(hostname="test", state="restarted")
    plan = mod.plan(instance(status=status))
    assert plan.actions == [action]
    assert plan.after["status"] == "ACTIVE"


def test_soft_reboot_action():
    mod = make(hostname="test", state="restarted", reboot_type="soft")
    assert mod.plan(instance()).actions == ["soft reboot instance"]


def test_started_stopped_idempotent():
    assert not make(hostname="test", state="started").plan(instance()).changed
    assert not make(hostname="test", state="stopped").plan(instance(status="SHUTOFF")).changed
    assert make(hostname="test", state="stopped").plan(instance()).actions == ["stop instance"]
    assert make(hostname="test", state="started").plan(instance(status="SHUTOFF")).actions == ["start instance"]


def test_present_does_not_touch_the_power_state():
    assert not make(hostname="test").plan(instance(status="SHUTOFF")).changed


# -- absent ---------------------------------------------------------------------------------

def test_absent_plans_a_delete():
    plan = make(hostname="test", state="absent").plan(instance())
    # Civo deletes asynchronously: the wait is its own step.
    assert plan.actions == ["delete instance test (%s)" % INSTANCE_ID,
                            "wait for instance test (%s) to be gone" % INSTANCE_ID]
    assert plan.after == {"state": "absent"}


def test_absent_when_missing_or_deleting_is_a_noop():
    assert not make(hostname="test", state="absent").plan(None).changed
    assert not make(hostname="test", state="absent").plan(instance(status="DELETING")).changed


def test_absent_refuses_an_id_whose_hostname_differs():
    with pytest.raises(InvalidParameterError) as err:
        make(id=INSTANCE_ID, hostname="other", state="absent").plan(instance())
    assert "refusing to delete" in str(err.value)


# -- create -----------------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["started", "stopped", "restarted"])
def test_power_states_need_an_existing_instance(state):
    with pytest.raises(InvalidParameterError) as err:
        make(hostname="web", state=state).plan(None)
    assert "use state=present to create it" in str(err.value)


def test_create_needs_size_and_template():
    client = civo_api()
    with pytest.raises(InvalidParameterError) as err:
        make(client=client, hostname="web").plan(None)
    assert "size and template_id" in str(err.value)
    assert client.requests == []


def test_create_by_id_is_refused():
    with pytest.raises(InvalidParameterError) as err:
        make(id=INSTANCE_ID, size="g3.small", template_id="ubuntu-jammy").plan(None)
    assert "No instance with id" in str(err.value) and "hostname" in str(err.value)


def test_create_resolves_names_to_ids():
    client = civo_api()
    mod = make(client=client, hostname="web", size="g3.small", template_id="ubuntu-jammy", firewall_id="default",
               ssh_key_id="deploy-key", tags=["a", "b"], initial_user="admin", script="echo hi")
    plan = mod.plan(None)
    assert plan.actions == ["create instance web (g3.small, ubuntu-jammy)", "wait for instance web to be ACTIVE"]
    assert create_body(plan) == {
        "hostname": "web", "size": "g3.small", "template_id": JAMMY, "network_id": NET, "firewall_id": FW_DEFAULT,
        "ssh_key_id": KEY, "public_ip": "create", "initial_user": "admin", "script": "echo hi", "tags": "a b"}
    assert plan.after == {"state": "present", "hostname": "web", "status": "ACTIVE", "size": "g3.small",
                          "tags": ["a", "b"], "firewall_id": FW_DEFAULT}
    assert client.mutating == []


def test_create_checks_ids_against_the_account_lists_without_changing_anything():
    client = civo_api()
    mod = make(client=client, hostname="web", size="g3.small", template_id=JAMMY, network_id=OTHER_NET,
               firewall_id=FW_OTHER_NET, ssh_key_id=KEY, public_ip="none", wait=False)
    plan = mod.plan(None)
    assert create_body(plan)["template_id"] == JAMMY and create_body(plan)["network_id"] == OTHER_NET
    assert create_body(plan)["public_ip"] == "none"
    assert plan.after["status"] == "BUILDING"
    # An id is checked too (issue 17 item 6): only reads, before any change.
    assert client.mutating == []
    assert sorted(p for m, p, d in client.requests) == ["/v2/disk_images", "/v2/firewalls", "/v2/networks",
                                                        "/v2/sizes", "/v2/sshkeys"]


def test_create_returns_the_password_once_and_strips_it_from_the_instance():
    client = civo_api()
    mod = make(client=client, hostname="web", size="g3.small", template_id=JAMMY, wait=False)
    plan = mod.plan(None)
    current = mod.apply(plan, None)
    result = mod.result(current, plan)
    assert result["initial_password"] == "s3cret"
    assert "initial_password" not in result["instance"]
    # The size and image are checked, the default network read (the API requires a network_id); after the
    # POST one list looks for a concurrent run's instance of the same hostname.
    assert [(m, p) for m, p, d in client.requests] == [
        ("GET", "/v2/sizes"), ("GET", "/v2/disk_images"), ("GET", "/v2/networks"), ("POST", "/v2/instances"),
        ("GET", "/v2/instances")]


def test_lost_create_is_adopted_not_sent_twice():
    lost = AmbiguousRequestError("POST /v2/instances: connection dropped", code="connection_error")
    client = civo_api(post=[lost])
    # The server applied the lost create: the instance exists when the module looks.
    client.instances[INSTANCE_ID] = instance(hostname="web", status="BUILDING")
    mod = make(client=client, hostname="web", size="g3.small", template_id=JAMMY, network_id=NET, wait=False)
    plan = mod.plan(None)
    current = mod.apply(plan, None)
    assert current["id"] == INSTANCE_ID
    assert [m for m, p, d in client.requests if not p.startswith(("/v2/sizes", "/v2/disk_images", "/v2/networks"))] == ["POST", "GET"]
    assert mod.module.warnings and "adopted" in mod.module.warnings[0]
    assert mod.initial_password == "foobar"
    # The step keeps the password (a later failure still reports it); the result never shows it in the instance.
    assert "initial_password" not in mod.result(current, plan)["instance"]


def test_lost_create_not_applied_is_sent_again():
    lost = AmbiguousRequestError("POST /v2/instances: connection dropped", code="connection_error")
    client = civo_api(post=[lost])
    mod = make(client=client, hostname="web", size="g3.small", template_id=JAMMY, network_id=NET, wait=False)
    current = mod.apply(mod.plan(None), None)
    assert current["hostname"] == "web"
    # looked ADOPT_LOOKS times over a bounded window (issue 14.4) before sending again; after the create one
    # more list looks for a concurrent run's instance of the same hostname (issue 14.2).
    assert [m for m, p, d in client.requests if not p.startswith(("/v2/sizes", "/v2/disk_images", "/v2/networks"))] == (
        ["POST"] + ["GET"] * ADOPT_LOOKS + ["POST", "GET"])


# -- applying -------------------------------------------------------------------------------

def test_apply_update_steps_send_the_documented_requests():
    client = civo_api([DOC_INSTANCE])
    mod = make(client=client, hostname="test", state="stopped", firewall_id="restrictive-firewall",
               tags=["x", "y"], size="g3.medium")
    current = mod.find()
    plan = mod.plan(current)
    current = mod.apply(plan, current)
    sent = list(client.mutating)
    base = "/v2/instances/" + INSTANCE_ID
    assert sent == [("PUT", base + "/firewall", {"firewall_id": FW_STRICT}),
                    ("PUT", base + "/tags", {"tags": "x y"}),
                    ("PUT", base + "/resize", {"size": "g3.medium"}),
                    ("PUT", base + "/stop", None)]
    assert current["status"] == "SHUTOFF" and current["size"] == "g3.medium" and current["tags"] == ["x", "y"]
    assert "initial_password" not in mod.result(current, plan)["instance"]


def test_reboot_endpoints():
    for reboot_type, endpoint in (("hard", "hard_reboots"), ("soft", "soft_reboots")):
        client = civo_api([DOC_INSTANCE])
        mod = make(client=client, hostname="test", state="restarted", reboot_type=reboot_type)
        mod.apply(mod.plan(instance()), instance())
        assert [(m, p) for m, p, d in client.mutating] == [("POST", "/v2/instances/%s/%s" % (INSTANCE_ID, endpoint))]


def test_delete_then_wait_until_gone():
    client = civo_api([DOC_INSTANCE])
    mod = make(client=client, hostname="test", state="absent")
    assert mod.apply(mod.plan(instance()), instance()) is None
    path = "/v2/instances/" + INSTANCE_ID
    assert [(m, p) for m, p, d in client.requests] == [("DELETE", path), ("GET", path)]


def test_check_mode_never_applies():
    # The base runs steps only outside check mode; the plan itself must not send anything.
    client = civo_api([DOC_INSTANCE])
    mod = make(client=client, hostname="test", state="restarted", tags=["z"], size="g3.medium",
               firewall_id="restrictive-firewall")
    mod.module.check_mode = True
    plan = mod.plan(mod.find())
    assert plan.changed and client.mutating == []


def test_a_lost_race_follows_the_survivor_when_the_adopted_winner_is_given_up():
    """Run B lost a race to A's instance; A's run then gave A up to C (same created_at second, lower id).

    B must end on C, the instance that survives, not fail on the one that went away."""
    survivor = instance(id="00000000-0000-4000-8000-000000000001", hostname="racy", status="ACTIVE",
                        created_at="2026-11-26T16:00:00Z")
    given_up = instance(id="ffffffff-0000-4000-8000-000000000001", hostname="racy", status="BUILDING",
                        created_at="2026-11-26T16:00:00Z")
    client = civo_api([survivor])  # A's instance is already deleted by its own run
    mod = make(client, hostname="racy", wait=False)
    mod.race_lost = "bbbbbbbb-0000-4000-8000-000000000001"
    found = mod.wait_created(given_up)
    assert found["id"] == survivor["id"]
    assert any("given up" in w for w in mod.module.warnings)
    assert client.mutating == []


def test_a_lost_race_still_fails_when_no_instance_survives():
    given_up = instance(id="ffffffff-0000-4000-8000-000000000001", hostname="racy", status="BUILDING")
    mod = make(civo_api([]), hostname="racy", wait=False)
    mod.race_lost = "bbbbbbbb-0000-4000-8000-000000000001"
    with pytest.raises(ApiError):
        mod.wait_created(given_up)


def test_a_stop_whose_wait_fails_still_reports_the_stop():
    """The PUT .../stop was accepted, then the wait failed: the failure says changed, with the stop."""
    client = civo_api([instance(status="ACTIVE")])
    mod = make(client, id=INSTANCE_ID, state="stopped")
    mod.module._diff = False

    def broken_finish(current, status):
        raise ApiError("the API went away during the wait", status=503, code="unavailable")

    mod.finish = broken_finish
    plan = ci.Plan(before={"status": "ACTIVE"})
    plan.step("stop instance", mod.stop, changes={"status": "SHUTOFF"})
    with pytest.raises(ApiError):
        mod.apply(plan, client.get_instance(INSTANCE_ID))
    extra = mod.partial_failure(plan)
    assert extra["changed"] is True and extra["actions"] == ["stop instance"]
    assert extra["failed_action"] == "stop instance"
    assert [r[0] + " " + r[1].split("/")[-1] for r in client.mutating] == ["PUT stop"]
