# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of civo_instance_info: filters, paging and secrets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError, InvalidParameterError
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient
from ansible_collections.vmops.cloud.plugins.modules.civo_instance_info import CivoInstanceInfo, matches

A = "779d651a-8e10-4019-9cc0-448451d16157"
B = "889d651a-8e10-4019-9cc0-448451d16157"
C = "999d651a-8e10-4019-9cc0-448451d16157"


def inst(id_, hostname, tags, status):
    return {"id": id_, "hostname": hostname, "tags": tags, "status": status, "initial_password": "secret",
            "size": "g3.small"}


INSTANCES = [inst(A, "web1", ["web", "prod"], "ACTIVE"), inst(B, "web2", ["web"], "SHUTOFF"),
             inst(C, "db1", ["db", "prod"], "ACTIVE")]


class FakeTransport(object):
    def __init__(self):
        self.session = type("Session", (), {"headers": {}})()
        self.sleep = lambda seconds: None
        self.request_count = 0


class PagedCivo(CivoClient):
    """Answers the instance list ``per_page`` items at a time (ignoring the asked page size)."""

    def __init__(self, per_page=2):
        super(PagedCivo, self).__init__(api_key="k", api_url="https://api.example.test", transport=FakeTransport())
        self.per_page = per_page
        self.requests = []

    def request(self, method, path, params=None, data=None, safe=None, region=True, check=None):
        self.requests.append((method, path, dict(params or {})))
        assert method == "GET"
        if path == "/v2/instances":
            wanted = set((params or {}).get("tags", "").split())
            items = [i for i in INSTANCES if wanted.issubset(i["tags"])]
            page = params["page"]
            pages = max(1, (len(items) + self.per_page - 1) // self.per_page)
            chunk = items[(page - 1) * self.per_page: page * self.per_page]
            return {"page": page, "per_page": self.per_page, "pages": pages, "items": [dict(i) for i in chunk]}
        for i in INSTANCES:
            if path == "/v2/instances/" + i["id"]:
                return dict(i)
        raise ApiError("not found", status=404, code="database_instance_not_found")


def make(client=None, **params):
    mod = CivoInstanceInfo.__new__(CivoInstanceInfo)
    mod.params = dict(dict(id=None, hostname=None, tags=None, status=None, api_key="k", region="LON1"), **params)
    mod._client = client if client is not None else PagedCivo()
    return mod


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
    client = PagedCivo(per_page=2)
    result = make(client=client, **filters).gather()
    assert [i["id"] for i in result["instances"]] == ids
    assert all("initial_password" not in i for i in result["instances"])
    pages = [r for r in client.requests if r[1] == "/v2/instances"]
    assert [r[2]["page"] for r in pages] == list(range(1, len(pages) + 1))
    if filters.get("tags"):
        assert pages[0][2]["tags"] == " ".join(filters["tags"])


def test_one_request_for_a_large_page():
    client = PagedCivo(per_page=10000)
    make(client=client).gather()
    assert len(client.requests) == 1


def test_by_id_is_one_request_and_other_filters_still_apply():
    client = PagedCivo()
    assert [i["id"] for i in make(client=client, id=A).gather()["instances"]] == [A]
    assert client.requests == [("GET", "/v2/instances/" + A, {})]
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
