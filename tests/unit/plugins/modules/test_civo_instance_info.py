# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of civo_instance_info: filters, paging and secrets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import InvalidParameterError
from ansible_collections.vmops.cloud.plugins.modules.civo_instance_info import CivoInstanceInfo, matches
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeCivoApi, bare_module

A = "779d651a-8e10-4019-9cc0-448451d16157"
B = "889d651a-8e10-4019-9cc0-448451d16157"
C = "999d651a-8e10-4019-9cc0-448451d16157"


def inst(id_, hostname, tags, status):
    return {"id": id_, "hostname": hostname, "tags": tags, "status": status, "initial_password": "secret",
            "size": "g3.small"}


INSTANCES = [inst(A, "web1", ["web", "prod"], "ACTIVE"), inst(B, "web2", ["web"], "SHUTOFF"),
             inst(C, "db1", ["db", "prod"], "ACTIVE")]


def paged_civo(per_page=2):
    """The kit's fake Civo API answering the instance list ``per_page`` items at a time (ignoring the asked
    page size); a changing request fails the test."""
    return FakeCivoApi(INSTANCES, per_page=per_page, read_only=True)


def make(client=None, **params):
    params = dict(dict(id=None, hostname=None, tags=None, status=None, api_key="k", region="LON1"), **params)
    return bare_module(CivoInstanceInfo, params, client if client is not None else paged_civo())


@pytest.mark.parametrize("filters, expected", [
    ({}, True),
    ({"hostname": "web1"}, True),
    ({"hostname": "web"}, False),
    ({"tags": ["web"]}, True),
    ({"tags": ["prod", "web"]}, True),
    ({"tags": ["web", "db"]}, False),
    ({"status": "active"}, True),
    ({"status": "SHUTOFF"}, False),
    ({"hostname": "web1", "tags": ["web"], "status": "ACTIVE"}, True),
])
def test_matches(filters, expected):
    assert matches(INSTANCES[0], **filters) is expected


@pytest.mark.parametrize("filters, ids", [
    ({}, [A, B, C]),
    ({"tags": ["web"]}, [A, B]),
    ({"tags": ["prod", "web"]}, [A]),
    ({"status": "ACTIVE"}, [A, C]),
    ({"hostname": "db1"}, [C]),
    ({"hostname": "nope"}, []),
])
def test_gather_reads_every_page_and_filters(filters, ids):
    client = paged_civo(per_page=2)
    result = make(client=client, **filters).gather()
    assert [i["id"] for i in result["instances"]] == ids
    assert all("initial_password" not in i for i in result["instances"])
    pages = [r for r in client.requests if r[1] == "/v2/instances"]
    assert [r.params["page"] for r in pages] == list(range(1, len(pages) + 1))
    if filters.get("tags"):
        assert pages[0].params["tags"] == " ".join(filters["tags"])


def test_one_request_for_a_large_page():
    client = paged_civo(per_page=10000)
    make(client=client).gather()
    assert len(client.requests) == 1


def test_by_id_is_one_request_and_other_filters_still_apply():
    client = paged_civo()
    assert [i["id"] for i in make(client=client, id=A).gather()["instances"]] == [A]
    assert client.requests == [("GET", "/v2/instances/" + A, None)] and client.requests[0].params == {}
    assert make(id=A, status="SHUTOFF").gather()["instances"] == []
    assert make(id="11111111-8e10-4019-9cc0-448451d16157").gather()["instances"] == []


@pytest.mark.parametrize("params, text", [
    ({"id": "web1"}, "id must be a Civo instance id"),
    ({"tags": ["a b"]}, "no whitespace"),
])
def test_validate(params, text):
    with pytest.raises(InvalidParameterError) as err:
        make(**params).validate()
    assert text in str(err.value)
