# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of zomro_instance_info: selection and parsing of the instance list."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError
from ansible_collections.vmops.cloud.plugins.module_utils.zomro import elements, slist
from ansible_collections.vmops.cloud.plugins.modules.zomro_instance_info import ZomroInstanceInfo, select_instances
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeZomro, bare_module

DOC = {"elem": [
    {"id": {"$": "1"}, "servername": {"$": "web"}, "status": {"$": "2"}, "fotbo_status": {"$": "active"},
     "ip": {"$": "10.0.0.1"}},
    {"id": {"$": "2"}, "servername": {"$": "db"}, "status": {"$": "2"}, "fotbo_status": {"$": "rescued"},
     "ip": {"$": "10.0.0.2"}},
    {"id": {"$": "3"}, "servername": {"$": "db"}, "status": {"$": "2"}, "fotbo_status": {"$": "stopped"},
     "ip": {"$": "10.0.0.3"}},
    {"id": {"$": "4"}, "servername": {"$": "1"}, "status": {"$": "2"}, "fotbo_status": {"$": "active"},
     "ip": {"$": "10.0.0.4"}},
]}
PREVIEW = {"slist": [{"$name": "select_boot", "val": [
    {"$depend": "pub", "$key": "f8f2573f-56c4-44c5-8469-84eee4aa64e7", "$": "Ubuntu 22.04"},
    {"$depend": "own", "$name": "foo", "$key": "a9e7c223-5f11-4546-a298-6af546bebde6", "$": "Centos 9 x64"}]}]}


def items():
    return elements(DOC)


def test_elements_single_dict():
    assert elements({"elem": DOC["elem"][0]})[0]["servername"] == "web"
    assert elements({}) == []


@pytest.mark.parametrize("ref, ids", [
    (None, ["1", "2", "3", "4"]),
    ("2", ["2"]),
    ("web", ["1"]),
    ("db", ["2", "3"]),
    ("1", ["1"]),  # an id wins over a server name
    ("nope", []),
])
def test_select_instances(ref, ids):
    assert [i["id"] for i in select_instances(items(), ref)] == ids


def make(**params):
    client = FakeZomro(instances=items(), images=slist(PREVIEW, "select_boot"), zones=["pub", "own"])
    return bare_module(ZomroInstanceInfo, dict(dict(instance=None, rescue_images=False), **params), client)


def test_gather_all():
    result = make().gather()
    assert result["instances"][1] == {"id": "2", "name": "db", "status": "2", "state": "rescued",
                                      "rescue_status": "rescued", "ip": "10.0.0.2"}
    assert "rescue_images" not in result


def test_gather_rescue_images():
    mod = make(instance="web", rescue_images=True)
    result = mod.gather()
    assert [i["id"] for i in result["instances"]] == ["1"]
    assert result["rescue_images"] == [
        {"id": "f8f2573f-56c4-44c5-8469-84eee4aa64e7", "name": "Ubuntu 22.04", "image_name": None, "zone": "pub"},
        {"id": "a9e7c223-5f11-4546-a298-6af546bebde6", "name": "Centos 9 x64", "image_name": "foo", "zone": "own"}]
    assert mod.client.previews == ["1"]


def test_gather_rescue_images_needs_one_instance():
    with pytest.raises(ApiError) as err:
        make(instance="db", rescue_images=True).gather()
    assert "ambiguous" in str(err.value)
    with pytest.raises(ApiError) as err:
        make(instance="nope", rescue_images=True).gather()
    assert err.value.code == "instance_not_found"


def test_gather_missing_instance_is_empty():
    assert make(instance="nope").gather() == {"instances": []}
