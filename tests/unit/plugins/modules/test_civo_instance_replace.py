# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of civo_instance's in-place update (hostname, reverse_dns, notes), its create-time addresses
(reserved_ipv4, private_ipv4) and its opt-in replacement (recreate)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils import civo_instance_spec as spec
from ansible_collections.vmops.cloud.plugins.module_utils._http import InvalidParameterError
from ansible_collections.vmops.cloud.tests.unit.plugins.modules.test_civo_instance import (
    create_body,
    FOCAL,
    INSTANCE_ID,
    JAMMY,
    civo_api,
    instance,
    make,
)

IP_ID = "5a5a5a5a-8e10-4019-9cc0-448451d16157"
IPS = [{"id": IP_ID, "name": "web-ip", "ip": "74.220.1.3", "assigned_to": {"id": "", "type": "", "name": ""}},
       {"id": "6b6b6b6b-8e10-4019-9cc0-448451d16157", "name": "taken-ip", "ip": "74.220.1.4",
        "assigned_to": {"id": "77777777-8e10-4019-9cc0-448451d16157", "type": "instance", "name": "other"}}]


def civo_ips(instances=()):
    """The fake Civo API with ``/v2/ips`` (``PUT /v2/instances/:id`` is always there)."""
    return civo_api(instances, ips=IPS)


# -- in place ------------------------------------------------------------------------

def test_inplace_changes_by_id():
    current = instance(notes="old")
    changes = spec.inplace_changes(current, dict(id=INSTANCE_ID, hostname="renamed", reverse_dns="r.example",
                                                 notes="new"))
    assert changes == {"hostname": ("test", "renamed"), "reverse_dns": ("test", "r.example"),
                       "notes": ("old", "new")}


def test_hostname_is_only_a_rename_when_the_instance_is_given_by_id():
    assert spec.inplace_changes(instance(), dict(hostname="other")) == {}


def test_inplace_no_change_when_equal_and_reverse_dns_defaults_to_the_hostname():
    current = instance(notes="n")
    assert spec.inplace_changes(current, dict(id=INSTANCE_ID, hostname="test", reverse_dns="test", notes="n")) == {}
    assert spec.inplace_changes(instance(reverse_dns="x.example"), dict(reverse_dns="x.example")) == {}


def test_update_body_sends_every_field_and_notes_delete_when_empty():
    body = spec.update_body(instance(notes="keep", reverse_dns="r"), {"hostname": "renamed"})
    assert body == {"hostname": "renamed", "reverse_dns": "r", "notes": "keep"}
    body = spec.update_body(instance(notes="old"), {"notes": ""})
    assert body == {"hostname": "test", "reverse_dns": "", "notes": "", "notes_delete": "true"}


def test_rename_by_id_plans_one_put_with_diff_and_runs_it():
    client = civo_ips([instance()])
    mod = make(client=client, id=INSTANCE_ID, hostname="renamed.example.com", notes="hello")
    plan = mod.plan(instance())
    assert plan.actions == ["update hostname from 'test' to 'renamed.example.com', notes from '' to 'hello' in place"]
    assert (plan.before["hostname"], plan.after["hostname"]) == ("test", "renamed.example.com")
    assert (plan.before["notes"], plan.after["notes"]) == ("", "hello")
    assert client.mutating == [], "planning (check mode) sends nothing that changes"
    current = instance()
    for dummy, step in plan.steps:
        current = step(current)
    assert client.mutating == [("PUT", "/v2/instances/" + INSTANCE_ID,
                                {"hostname": "renamed.example.com", "reverse_dns": "", "notes": "hello"})]
    assert current["hostname"] == "renamed.example.com" and current["notes"] == "hello"
    assert mod.plan(client.instances[INSTANCE_ID]).actions == [], "second run: no change"


def test_reverse_dns_is_no_longer_a_conflict_but_an_update():
    mod = make(client=civo_ips([instance()]), hostname="test", reverse_dns="other.example.com")
    assert mod.plan(instance()).actions == ["update reverse_dns from 'test' to 'other.example.com' in place"]


# -- addresses at creation -----------------------------------------------------------

@pytest.mark.parametrize("value", [IP_ID, "web-ip", "74.220.1.3"])
def test_reserved_ip_by_id_name_or_address(value):
    assert spec.pick_reserved_ip(IPS, value, "LON1")["id"] == IP_ID


def test_unknown_reserved_ip_lists_the_valid_ones():
    with pytest.raises(InvalidParameterError) as err:
        spec.pick_reserved_ip(IPS, "nope", "LON1")
    assert "Unknown reserved IP 'nope'" in str(err.value)
    assert "web-ip (74.220.1.3)" in str(err.value) and "taken-ip (74.220.1.4)" in str(err.value)


def test_reserved_ip_of_another_instance_is_refused_unless_it_is_the_one_replaced():
    with pytest.raises(InvalidParameterError) as err:
        spec.pick_reserved_ip(IPS, "taken-ip", "LON1")
    assert "assigned to instance other" in str(err.value)
    assert spec.pick_reserved_ip(IPS, "taken-ip", "LON1", holder="77777777-8e10-4019-9cc0-448451d16157")


def test_create_sends_reserved_and_private_address():
    client = civo_ips()
    mod = make(client=client, hostname="new.example.com", size="g3.small", template_id="ubuntu-jammy",
               reserved_ipv4="web-ip", private_ipv4="192.168.1.50", notes="n")
    plan = mod.plan(None)
    assert plan.actions[-1] == "set notes of the new instance"
    assert create_body(plan)["reserved_ipv4"] == IP_ID and create_body(plan)["private_ipv4"] == "192.168.1.50"
    assert client.mutating == []


@pytest.mark.parametrize("params, text", [
    (dict(reserved_ipv4="nope"), "Unknown reserved IP 'nope'"),
    (dict(private_ipv4="192.168.1.300"), "private_ipv4 must be an IPv4 address"),
])
def test_bad_addresses_are_refused_before_any_change(params, text):
    client = civo_ips()
    mod = make(client=client, hostname="new.example.com", size="g3.small", template_id="ubuntu-jammy", **params)
    with pytest.raises(InvalidParameterError) as err:
        mod.plan(None)
    assert text in str(err.value)
    assert client.mutating == []


def test_existing_instance_with_other_reserved_ip_is_refused_pointing_to_civo_reserved_ip():
    mod = make(client=civo_ips([instance()]), hostname="test", reserved_ipv4="web-ip")
    with pytest.raises(InvalidParameterError) as err:
        mod.plan(instance())
    assert "civo_reserved_ip" in str(err.value)
    assert make(client=civo_ips(), hostname="test", reserved_ipv4="web-ip").plan(
        instance(reserved_ip_name="web-ip")).actions == []


def test_other_private_address_is_a_conflict():
    mod = make(client=civo_ips([instance()]), hostname="test", private_ipv4="192.168.1.9")
    with pytest.raises(InvalidParameterError) as err:
        mod.plan(instance())
    assert "private_ipv4" in str(err.value) and "recreate=true" in str(err.value)


# -- recreate ----------------------------------------------------------------------------

def test_without_recreate_an_immutable_change_is_refused():
    client = civo_ips([instance()])
    with pytest.raises(InvalidParameterError) as err:
        make(client=client, id=INSTANCE_ID, template_id="ubuntu-jammy").plan(instance())
    assert "cannot change template_id" in str(err.value) and "recreate=true" in str(err.value)
    assert client.mutating == []


def test_recreate_plans_delete_wait_create_wait_with_both_in_the_diff():
    client = civo_ips([instance()])
    mod = make(client=client, id=INSTANCE_ID, template_id="ubuntu-jammy", recreate=True)
    plan = mod.plan(instance())
    assert plan.actions == [
        "delete instance test (%s) to replace it (template_id cannot change in place)" % INSTANCE_ID,
        "wait for instance test (%s) to be gone" % INSTANCE_ID,
        "create instance test (g3.small, ubuntu-jammy) in its place",
        "wait for instance test to be ACTIVE"]
    assert plan.before["template_id"] == "ubuntu-focal" and plan.after["template_id"] == "ubuntu-jammy"
    assert plan.before["id"] == INSTANCE_ID and plan.after["replaced"] is True
    assert client.mutating == []
    body = plan.steps[2][1].args[0]
    # Options not given are the old instance's: size, network, firewall, key, user, tags.
    assert (body["template_id"], body["size"], body["ssh_key_id"], body["initial_user"], body["tags"]) == (
        JAMMY, "g3.small", instance()["ssh_key_id"], "root", "first second")


def test_recreate_keeps_the_reserved_ip_of_the_old_instance():
    client = civo_ips([instance()])
    current = instance(reserved_ip_id="6b6b6b6b-8e10-4019-9cc0-448451d16157", reserved_ip="74.220.1.4")
    # the IP is assigned to "77777777-...": as holder of the IP, the instance being replaced may pass it on
    current["id"] = "77777777-8e10-4019-9cc0-448451d16157"
    mod = make(client=client, id=current["id"], template_id="ubuntu-jammy", recreate=True)
    plan = mod.plan(current)
    assert plan.steps[2][1].args[0]["reserved_ipv4"] == "6b6b6b6b-8e10-4019-9cc0-448451d16157"


def test_smaller_size_with_recreate_replaces_and_without_is_refused():
    with pytest.raises(InvalidParameterError) as err:
        make(client=civo_ips([instance()]), id=INSTANCE_ID, size="g3.xsmall").plan(instance())
    assert "Civo only resizes upward" in str(err.value) and "recreate=true" in str(err.value)
    plan = make(client=civo_ips([instance()]), id=INSTANCE_ID, size="g3.xsmall", recreate=True).plan(instance())
    assert plan.actions[0].endswith("(size cannot change in place)")
    assert (plan.before["size"], plan.after["size"]) == ("g3.small", "g3.xsmall")


def test_recreate_is_not_used_when_everything_can_change_in_place():
    plan = make(client=civo_ips([instance()]), id=INSTANCE_ID, size="g3.medium", template_id=FOCAL,
                recreate=True).plan(instance())
    assert plan.actions == ["resize from g3.small to g3.medium"]


def test_recreate_runs_delete_wait_create_in_order():
    client = civo_ips([instance()])
    mod = make(client=client, id=INSTANCE_ID, template_id="ubuntu-jammy", recreate=True, wait=False)
    plan = mod.plan(instance())
    current = instance()
    for dummy, step in plan.steps:
        current = step(current)
    sent = [(m, p) for m, p, d in client.mutating]
    assert sent == [("DELETE", "/v2/instances/" + INSTANCE_ID), ("POST", "/v2/instances")]
    assert current["id"] != INSTANCE_ID and INSTANCE_ID not in client.instances
