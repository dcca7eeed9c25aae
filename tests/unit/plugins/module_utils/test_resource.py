# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of the declarative resource layer (resource.py) through a real CivoClient and Transport over a
scripted session: planning, diff, immutable refusals, the tie-break after a create, list validation, delete."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils import base
from ansible_collections.vmops.cloud.plugins.module_utils._http import Transport, create_or_adopt
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient, civo_error
from ansible_collections.vmops.cloud.plugins.module_utils.civo_resources import CivoApi
from ansible_collections.vmops.cloud.plugins.module_utils.resource import (
    Field, ResourceInfoModule, ResourceModule, Update, resource_spec)
from ansible_collections.vmops.cloud.plugins.modules.civo_ssh_key import CivoSshKey
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import (
    Exited, Routes, Sleeps, fake_module)

BASE = "https://api.civo.test"


def run(cls, api, params, check=False, monkeypatch=None, retries=2):
    monkeypatch.setattr(base, "AnsibleModule", fake_module(dict(params, api_key="k", api_url=BASE), check=check))
    mod = cls()
    transport = Transport(session=api.session, retries=retries, sleep=Sleeps(), error_parser=civo_error)
    mod._client = CivoClient("k", api_url=BASE, region="lon1", api_retries=retries, transport=transport)
    mod._client.create_or_adopt = lambda send, find: create_or_adopt(send, find, retries=retries, sleep=lambda s: None)
    try:
        mod.run()
    except Exited as exc:
        return exc.result
    raise AssertionError("the module neither exited nor failed")


KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPvnwO2OjTAI/QOnmu4RNmgA/t+5GZfM+jah2DS7A1w8 a@b"
OTHER = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEk8IF0dZvHWKr45OetFH1ttI3uE94dmd2y6HC04fzqI c@d"


def sshkey(kid, name, key=KEY, created="2026-01-01T00:00:00Z"):
    return {"id": kid, "name": name, "public_key": key, "fingerprint": "SHA256:x", "created_at": created}


# -- planning, check mode, diff ---------------------------------------------------------------------------

def test_create_in_check_mode_sends_nothing_and_shows_the_diff(monkeypatch):
    api = Routes(**{"GET /v2/sshkeys": [[sshkey("a", "other")]]})
    res = run(CivoSshKey, api, dict(name="web", public_key=KEY), check=True, monkeypatch=monkeypatch)
    assert res["changed"] is True and res["actions"] == ["create SSH key 'web'"]
    assert res["diff"] == {"before": {}, "after": {"name": "web", "public_key": " ".join(KEY.split()[:2])}}
    assert api.mutating == [] and res["ssh_key"] is None


def test_create_posts_name_key_and_region_then_looks_again(monkeypatch):
    listed = [[], [sshkey("new", "web", created="2026-11-26T10:00:00Z")]]
    api = Routes(**{"GET /v2/sshkeys": listed, "POST /v2/sshkeys": {"result": "success", "id": "new"}})
    res = run(CivoSshKey, api, dict(name="web", public_key=KEY), monkeypatch=monkeypatch)
    assert res["changed"] is True and res["ssh_key"]["id"] == "new" and res["adopted"] is False
    assert api.calls == [("GET", "/v2/sshkeys"), ("POST", "/v2/sshkeys"), ("GET", "/v2/sshkeys")]
    post = api.session.calls[1]
    assert post.json == {"name": "web", "public_key": KEY, "region": "LON1"}


def test_noop_by_id_is_one_request(monkeypatch):
    api = Routes(**{"GET /v2/sshkeys/a": sshkey("a", "web")})
    res = run(CivoSshKey, api, dict(id="a", name="web", public_key=KEY), monkeypatch=monkeypatch)
    assert res["changed"] is False and res["actions"] == [] and api.calls == [("GET", "/v2/sshkeys/a")]
    assert res["diff"]["before"] == res["diff"]["after"]


# -- immutable fields --------------------------------------------------------------------------------------

def test_changed_immutable_field_is_refused_naming_field_and_values(monkeypatch):
    api = Routes(**{"GET /v2/sshkeys": [[sshkey("a", "web")]]})
    res = run(CivoSshKey, api, dict(name="web", public_key=OTHER), monkeypatch=monkeypatch)
    assert res["failed"] is True and res["failure"]["code"] == "immutable_field"
    msg = res["msg"]
    assert "SSH key 'web' (id a) cannot change in place: public_key" in msg
    assert "AAAAIPvn" in msg and "AAAAIEk8" in msg and "state=absent" in msg
    assert api.mutating == []


class Thing(CivoApi, ResourceModule):
    """Two fields renamed by one PUT, one resized by its own request, one immutable without a hint."""
    resource_key = "thing"
    path = "things"
    what = "thing"
    absent_codes = ("database_thing_not_found",)
    RENAME = Update()
    fields = (
        Field("name", update=RENAME),
        Field("notes", update=RENAME),
        Field("size", update=Update(suffix="/resize")),
        Field("zone", immutable=True),
        Field("kind"),  # no update, not marked immutable: refused too
    )
    argument_spec = resource_spec(notes=dict(type="str"), size=dict(type="int"), zone=dict(type="str"),
                                  kind=dict(type="str"))


def thing(**extra):
    obj = dict(id="t1", name="one", notes="n", size=1, zone="z1", kind="k")
    obj.update(extra)
    return obj


def test_updates_are_grouped_by_request_in_declaration_order(monkeypatch):
    api = Routes(**{"GET /v2/things/t1": thing(), "PUT /v2/things/t1": {"result": "success"},
                    "PUT /v2/things/t1/resize": {"result": "success"}})
    res = run(Thing, api, dict(id="t1", name="two", notes="m", size=2, zone="z1"), monkeypatch=monkeypatch)
    assert res["changed"] is True
    assert api.mutating == [("PUT", "/v2/things/t1"), ("PUT", "/v2/things/t1/resize")]
    assert api.session.calls[1].json == {"name": "two", "notes": "m", "region": "LON1"}
    assert api.session.calls[2].json == {"size": 2, "region": "LON1"}
    assert res["thing"]["name"] == "two" and res["thing"]["size"] == 2
    assert res["diff"]["after"]["name"] == "two" and res["diff"]["before"]["size"] == 1
    assert len(res["actions"]) == 2 and "name 'one' -> 'two'" in res["actions"][0]


def test_every_refused_field_is_named_in_one_message(monkeypatch):
    api = Routes(**{"GET /v2/things/t1": thing()})
    res = run(Thing, api, dict(id="t1", zone="z2", kind="q", size=5), monkeypatch=monkeypatch)
    assert res["failed"] and res["failure"]["reason"] == "zone, kind"
    assert "zone (current 'z1', wanted 'z2')" in res["msg"] and "kind (current 'k', wanted 'q')" in res["msg"]
    assert api.mutating == []


# -- the tie-break after a create -------------------------------------------------------------------------

def test_a_younger_duplicate_made_by_this_run_is_deleted_and_the_oldest_adopted(monkeypatch):
    older = sshkey("zzz-other", "web", created="2026-11-26T10:00:00Z")
    ours = sshkey("aaa-ours", "web", created="2026-11-26T10:00:01Z")
    api = Routes(**{"GET /v2/sshkeys": [[], [ours, older]], "POST /v2/sshkeys": {"result": "success", "id": "aaa-ours"},
                    "DELETE /v2/sshkeys/aaa-ours": {"result": "success"}})
    res = run(CivoSshKey, api, dict(name="web", public_key=KEY), monkeypatch=monkeypatch)
    assert res["changed"] is True and res["ssh_key"]["id"] == "zzz-other"
    assert res["duplicates_deleted"] == ["aaa-ours"]
    assert api.mutating == [("POST", "/v2/sshkeys"), ("DELETE", "/v2/sshkeys/aaa-ours")]
    assert "zzz-other" in res["warnings"][0] and "aaa-ours" in res["warnings"][0]


def test_the_oldest_is_kept_by_the_run_that_made_it(monkeypatch):
    ours = sshkey("zzz-ours", "web", created="2026-11-26T10:00:00Z")
    younger = sshkey("aaa-other", "web", created="2026-11-26T10:00:01Z")
    api = Routes(**{"GET /v2/sshkeys": [[], [younger, ours]], "POST /v2/sshkeys": {"result": "success", "id": "zzz-ours"}})
    res = run(CivoSshKey, api, dict(name="web", public_key=KEY), monkeypatch=monkeypatch)
    assert res["ssh_key"]["id"] == "zzz-ours" and "duplicates_deleted" not in res
    assert api.mutating == [("POST", "/v2/sshkeys")]


def test_same_created_at_breaks_the_tie_by_id(monkeypatch):
    ours = sshkey("b", "web", created="2026-11-26T10:00:00Z")
    other = sshkey("a", "web", created="2026-11-26T10:00:00Z")
    api = Routes(**{"GET /v2/sshkeys": [[], [ours, other]], "POST /v2/sshkeys": {"result": "success", "id": "b"},
                    "DELETE /v2/sshkeys/b": {"result": "success"}})
    res = run(CivoSshKey, api, dict(name="web", public_key=KEY), monkeypatch=monkeypatch)
    assert res["ssh_key"]["id"] == "a" and res["duplicates_deleted"] == ["b"]


def test_adopting_another_runs_object_with_a_different_immutable_value_is_refused(monkeypatch):
    older = sshkey("a", "web", key=OTHER, created="2026-11-26T10:00:00Z")
    api = Routes(**{"GET /v2/sshkeys": [[], [older]],
                    "POST /v2/sshkeys": (409, {"code": "database_ssh_key_duplicate_name", "reason": "taken"})})
    res = run(CivoSshKey, api, dict(name="web", public_key=KEY), monkeypatch=monkeypatch)
    assert res["failed"] and res["failure"]["code"] == "immutable_field"
    assert api.mutating == [("POST", "/v2/sshkeys")]


def test_a_taken_name_at_create_is_adopted(monkeypatch):
    older = sshkey("a", "web", created="2026-11-26T10:00:00Z")
    api = Routes(**{"GET /v2/sshkeys": [[], [older]],
                    "POST /v2/sshkeys": (409, {"code": "database_ssh_key_duplicate_name", "reason": "taken"})})
    res = run(CivoSshKey, api, dict(name="web", public_key=KEY), monkeypatch=monkeypatch)
    assert res["changed"] is True and res["adopted"] is True and res["ssh_key"]["id"] == "a"


def test_a_create_answer_without_id_is_ambiguous_and_the_object_adopted(monkeypatch):
    made = sshkey("new", "web")
    api = Routes(**{"GET /v2/sshkeys": [[], [made], [made]], "POST /v2/sshkeys": b""})
    res = run(CivoSshKey, api, dict(name="web", public_key=KEY), monkeypatch=monkeypatch)
    assert res["adopted"] is True and res["ssh_key"]["id"] == "new"
    assert api.mutating == [("POST", "/v2/sshkeys")]


# -- list validation ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [b"", b"{}", b"null", b'{"items": null}', b"<html>502</html>", b'["x"]'])
def test_a_malformed_list_is_an_error_never_an_empty_account(monkeypatch, body):
    api = Routes(**{"GET /v2/sshkeys": body})
    res = run(CivoSshKey, api, dict(name="web", public_key=KEY), monkeypatch=monkeypatch, retries=1)
    assert res["failed"] is True and res["failure"]["code"] == "malformed_response"
    assert api.mutating == [] and api.calls == [("GET", "/v2/sshkeys")] * 2


def test_an_ambiguous_name_fails_with_the_ids(monkeypatch):
    api = Routes(**{"GET /v2/sshkeys": [[sshkey("b", "web", created="2"), sshkey("a", "web", created="1")]]})
    res = run(CivoSshKey, api, dict(name="web", public_key=KEY), monkeypatch=monkeypatch)
    assert res["failed"] and res["failure"]["code"] == "ambiguous_name" and "ids: a, b" in res["msg"]


# -- delete ------------------------------------------------------------------------------------------------

def test_delete_takes_the_resources_own_404_as_done(monkeypatch):
    api = Routes(**{"GET /v2/sshkeys/a": sshkey("a", "web"),
                    "DELETE /v2/sshkeys/a": (404, {"code": "database_ssh_key_not_found", "reason": "gone"})})
    res = run(CivoSshKey, api, dict(id="a", state="absent"), monkeypatch=monkeypatch)
    assert res["changed"] is True and res["ssh_key"] is None


@pytest.mark.parametrize("code", ["database_region_not_found", "route_not_found", None])
def test_delete_fails_on_other_404s(monkeypatch, code):
    api = Routes(**{"GET /v2/sshkeys/a": sshkey("a", "web"),
                    "DELETE /v2/sshkeys/a": (404, {"code": code, "reason": "no"})})
    res = run(CivoSshKey, api, dict(id="a", state="absent"), monkeypatch=monkeypatch)
    assert res["failed"] is True and res["failure"]["status"] == 404


def test_get_by_id_fails_on_a_foreign_404(monkeypatch):
    api = Routes(**{"GET /v2/sshkeys/a": (404, {"code": "database_region_not_found", "reason": "no region"})})
    res = run(CivoSshKey, api, dict(id="a", state="absent"), monkeypatch=monkeypatch)
    assert res["failed"] is True and res["failure"]["code"] == "database_region_not_found"


# -- info --------------------------------------------------------------------------------------------------

class ThingInfo(CivoApi, ResourceInfoModule):
    path = "things"
    paged = True
    list_key = "things"


def test_info_reads_every_page_and_filters_by_name(monkeypatch):
    pages = [{"page": 1, "per_page": 1, "pages": 2, "items": [thing()]},
             {"page": 2, "per_page": 1, "pages": 2, "items": [thing(id="t2", name="two")]}]
    api = Routes(**{"GET /v2/things": pages})
    res = run(ThingInfo, api, dict(name="two"), monkeypatch=monkeypatch)
    assert [t["id"] for t in res["things"]] == ["t2"] and len(api.calls) == 2
    assert json.loads(json.dumps(res))["changed"] is False


def test_an_adopted_object_is_updated_to_what_the_options_want(monkeypatch):
    older = thing(id="t0", notes="old", created_at="1")
    api = Routes(**{"GET /v2/things": [[], [older]],
                    "POST /v2/things": (409, {"code": "database_thing_duplicate_name", "reason": "taken"}),
                    "PUT /v2/things/t0": {"result": "success"}})
    monkeypatch.setattr(Thing, "duplicate_codes", ("database_thing_duplicate_name",))
    res = run(Thing, api, dict(name="one", notes="new", zone="z1"), monkeypatch=monkeypatch)
    assert res["changed"] is True and res["adopted"] is True
    assert res["thing"]["id"] == "t0" and res["thing"]["notes"] == "new"
    assert api.mutating == [("POST", "/v2/things"), ("PUT", "/v2/things/t0")]
    assert api.session.calls[-1].json == {"notes": "new", "region": "LON1"}


def test_an_info_module_is_its_description_plus_filters():
    from ansible_collections.vmops.cloud.plugins.module_utils.civo_resources import Networks, ReservedIps
    info = ResourceInfoModule.of(ReservedIps, match={"ip": "ip"})
    assert issubclass(info, ReservedIps) and issubclass(info, ResourceInfoModule)
    assert (info.path, info.list_key, info.paged) == ("ips", "reserved_ips", True)
    assert info.argument_spec.fget(info) == {"id": {"type": "str"}, "name": {"type": "str"}, "ip": {"type": "str"}}
    nets = ResourceInfoModule.of(Networks, options=dict(label=dict(type="str", aliases=["name"])))
    assert nets.argument_spec.fget(nets) == {"id": {"type": "str"}, "label": {"type": "str", "aliases": ["name"]}}


def test_a_resolve_that_costs_a_request_runs_once_per_plan(monkeypatch):
    """The refusal check and the updates both ask for a field's wanted value: the network list is read once."""
    from ansible_collections.vmops.cloud.plugins.modules.civo_volume import CivoVolume
    vol = {"id": "v1", "name": "data", "size_gb": 5, "network_id": "n1", "volume_type": "ssd", "instance_id": ""}
    api = Routes(**{"GET /v2/volumes": [[vol]], "GET /v2/networks": [[{"id": "n1", "label": "default", "default": True}]]})
    res = run(CivoVolume, api, dict(name="data", size_gb=5, network="default"), monkeypatch=monkeypatch)
    assert res["changed"] is False, res
    assert api.calls == [("GET", "/v2/volumes"), ("GET", "/v2/networks")]
