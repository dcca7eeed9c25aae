# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of zomro_rescue: parsing of the API's documents and the plan."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError, InvalidParameterError
from ansible_collections.vmops.cloud.plugins.module_utils.zomro import (
    elements,
    error_message,
    instance_summary,
    rescue_image_summary,
    slist,
    ZomroError,
)
from ansible_collections.vmops.cloud.plugins.modules import zomro_rescue
from ansible_collections.vmops.cloud.plugins.modules.zomro_rescue import ZomroRescue, match_image, rescue_view
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeZomro, bare_module

UBUNTU = "f8f2573f-56c4-44c5-8469-84eee4aa64e7"
OWN = "a9e7c223-5f11-4546-a298-6af546bebde6"

# The preview answer of the API documentation (zomro-rescue.txt), shortened.
PREVIEW_DOC = {
    "elid": {"$": "5203773"},
    "slist": [
        {"$name": "zone", "val": [{"$key": "pub", "$": "pub"}, {"$key": "own", "$": "own"}]},
        {"$name": "select_boot", "val": [
            {"$depend": "pub", "$key": UBUNTU, "$": "Ubuntu 22.04"},
            {"$depend": "pub", "$key": "0bf4deb2-855c-4863-8518-6006d804adbb", "$": "Debian 10"},
            {"$depend": "pub", "$key": "1d9dda4c-34b0-4304-a90a-8f3018722fa2", "$": "Rocky-Linux-8"},
            {"$depend": "own", "$name": "foo", "$key": OWN, "$": "Centos 9 x64"},
        ]},
    ],
}

INSTANCES_DOC = {"elem": [
    {"id": {"$": "5203773"}, "servername": {"$": "vps-1.example"}, "status": {"$": "2"},
     "fotbo_status": {"$": "active"}, "ip": {"$": "185.117.152.17"}, "pricelist": {"$": "Cloud VPS"}},
]}


def images():
    return slist(PREVIEW_DOC, "select_boot")


# -- parsing ------------------------------------------------------------------

def test_preview_images_parse():
    parsed = images()
    assert len(parsed) == 4
    assert parsed[0] == {"key": UBUNTU, "value": "Ubuntu 22.04", "depend": "pub", "name": None}
    assert rescue_image_summary(parsed[3]) == {"id": OWN, "name": "Centos 9 x64", "image_name": "foo", "zone": "own"}
    assert [z["key"] for z in slist(PREVIEW_DOC, "zone")] == ["pub", "own"]


def test_preview_single_entry_as_dict():
    doc = {"slist": {"$name": "select_boot", "val": {"$depend": "pub", "$key": UBUNTU, "$": "Ubuntu 22.04"}}}
    assert [i["key"] for i in slist(doc, "select_boot")] == [UBUNTU]
    assert slist({}, "select_boot") == []


def test_instance_summary_unwraps_and_keeps_known_fields_only():
    item = elements(INSTANCES_DOC)[0]
    assert instance_summary(item) == {"id": "5203773", "name": "vps-1.example", "status": "2", "state": "active",
                                      "rescue_status": "active", "ip": "185.117.152.17"}
    assert instance_summary(None) is None
    assert instance_summary({"id": 7})["id"] == "7"


@pytest.mark.parametrize("ref, zone, expected", [
    ("Ubuntu 22.04", None, UBUNTU),
    ("ubuntu 22.04", None, UBUNTU),
    (" Ubuntu 22.04 ", "pub", UBUNTU),
    (UBUNTU, None, UBUNTU),
    (UBUNTU.upper(), None, UBUNTU),
    ("Centos 9 x64", None, OWN),
    ("foo", None, OWN),
    ("rocky-linux-8", None, "1d9dda4c-34b0-4304-a90a-8f3018722fa2"),
])
def test_match_image(ref, zone, expected):
    assert match_image(images(), ref, zone)["key"] == expected


def test_match_image_unknown_lists_available():
    with pytest.raises(ApiError) as err:
        match_image(images(), "Ubuntu 99.04")
    assert err.value.code == "image_not_found"
    assert "Ubuntu 22.04 (pub)" in str(err.value) and "Centos 9 x64 (own)" in str(err.value)


def test_match_image_wrong_zone():
    with pytest.raises(ApiError) as err:
        match_image(images(), "Ubuntu 22.04", "own")
    assert "in zone own" in str(err.value)


def test_match_image_ambiguous_name():
    dup = images() + [{"key": "11111111-2222-3333-4444-555555555555", "value": "Ubuntu 22.04", "depend": "own"}]
    with pytest.raises(ApiError) as err:
        match_image(dup, "Ubuntu 22.04")
    assert err.value.code == "ambiguous_image"
    assert match_image(dup, "Ubuntu 22.04", "own")["depend"] == "own"


def test_rescue_view():
    assert rescue_view({"fotbo_status": "rescuing"}) == {"enabled": True, "image": None, "zone": None, "status": "rescuing"}
    assert rescue_view({"fotbo_status": "unrescuing"})["enabled"] is False
    assert rescue_view({"fotbo_status": "active"}, UBUNTU, "pub")["image"] == UBUNTU


def test_error_message_hint_only_for_token_sessions():
    expired = ZomroError("Zomro API instances failed [auth]: Session expired", error_type="auth", error_object="session")
    assert "auth_token has expired" in error_message(expired, can_login=False)
    assert error_message(expired, can_login=True) == str(expired)
    bad = ZomroError("Invalid username or password", error_type="auth", error_object="badpassword")
    assert error_message(bad, can_login=False) == str(bad)


# -- planning ------------------------------------------------------------------

def make(state="enabled", image="Ubuntu 22.04", zone=None, instance="5203773", password=None, client=None):
    params = dict(instance=instance, state=state, image=image, zone=zone, rescue_password=password,
                  wait=True, wait_timeout=5, username="u", password="p", auth_token=None)
    return bare_module(ZomroRescue, params, client or FakeZomro(images=images()))


def inst(status):
    return {"id": "5203773", "servername": "vps-1.example", "fotbo_status": status}


@pytest.mark.parametrize("status", ["active", "stopped"])
def test_plan_enable_from_rescuable(status):
    mod = make()
    plan = mod.plan(inst(status))
    assert plan.changed
    assert plan.actions == ["enable rescue mode with image Ubuntu 22.04 (%s, zone pub)" % UBUNTU,
                            "wait until the instance is rescued"]
    assert plan.before == {"enabled": False, "image": None, "zone": None, "status": status}
    assert plan.after == {"enabled": True, "image": UBUNTU, "zone": "pub", "status": "rescued"}
    assert mod.client.preview_calls == 1


@pytest.mark.parametrize("status", ["rescued", "rescuing"])
def test_plan_enable_already_rescued_is_a_noop_without_preview(status):
    mod = make()
    plan = mod.plan(inst(status))
    assert not plan.changed
    assert mod.client.preview_calls == 0


@pytest.mark.parametrize("status", ["booted_from_iso", "unrescuing", "starting", "stopping", "error"])
def test_plan_enable_from_wrong_state_fails(status):
    mod = make()
    with pytest.raises(ApiError) as err:
        mod.plan(inst(status))
    assert err.value.code == "invalid_state"
    assert status in str(err.value) and "active or stopped" in str(err.value)


def test_plan_uuid_and_zone_skip_the_preview():
    mod = make(image=UBUNTU.upper(), zone="pub")
    plan = mod.plan(inst("active"))
    assert plan.changed and (plan.after["image"], plan.after["zone"]) == (UBUNTU, "pub")
    assert plan.steps[0][1].args == (UBUNTU, "pub")  # the enable step carries them
    assert mod.client.preview_calls == 0


def test_plan_uuid_without_zone_takes_the_zone_of_the_image():
    mod = make(image=OWN)
    plan = mod.plan(inst("active"))
    assert (plan.after["image"], plan.after["zone"]) == (OWN, "own")
    assert plan.steps[0][1].args == (OWN, "own")
    assert mod.client.preview_calls == 1


def test_plan_image_without_zone_in_preview_needs_zone():
    mod = make(client=FakeZomro(images=[{"key": UBUNTU, "value": "Ubuntu 22.04", "depend": None}]))
    with pytest.raises(ApiError) as err:
        mod.plan(inst("active"))
    assert "set zone" in str(err.value)


def test_plan_disable():
    mod = make(state="disabled", image=None)
    plan = mod.plan(inst("rescued"))
    assert plan.actions == ["disable rescue mode", "wait until the instance is active"]
    assert plan.after["enabled"] is False and plan.after["status"] == "active"


@pytest.mark.parametrize("status", ["active", "stopped", "unrescuing", "starting"])
def test_plan_disable_noop(status):
    mod = make(state="disabled", image=None)
    assert not mod.plan(inst(status)).changed
    assert mod.module.warnings == []


def test_plan_disable_booted_from_iso_warns():
    mod = make(state="disabled", image=None)
    assert not mod.plan(inst("booted_from_iso")).changed
    assert "ISO" in mod.module.warnings[0]


def test_plan_disable_while_rescuing_fails():
    mod = make(state="disabled", image=None)
    with pytest.raises(ApiError) as err:
        mod.plan(inst("rescuing"))
    assert err.value.code == "invalid_state"


@pytest.mark.parametrize("params, text", [
    (dict(instance="  "), "instance must not be empty"),
    (dict(instance="a\nb"), "control characters"),
    (dict(image=" "), "image must not be empty"),
    (dict(image="f8f2573f-56c4-44c5-8469-84eee4aa64e"), "not a valid one"),
    (dict(image="f8f2573f-56c4-44c5-8469-84eee4aa64e7x"), None),  # not UUID-like: a name, resolved later
    (dict(password=""), "rescue_password must not be empty"),
])
def test_validate(params, text):
    mod = make(**params)
    if text is None:
        mod.validate()
        return
    with pytest.raises(InvalidParameterError) as err:
        mod.validate()
    assert text in str(err.value)


def test_module_has_docs():
    for name in ("DOCUMENTATION", "EXAMPLES", "RETURN"):
        assert getattr(zomro_rescue, name).strip()
