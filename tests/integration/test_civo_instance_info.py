"""vmops.cloud.civo_instance_info run as a real module process against the emulator process."""

import pytest

from runner import civo_auth, ok, run_module


def ok_info(result):
    return ok(result, changed=False)


def info(emulator, check=False, region="LON1", **params):
    return run_module("civo_instance_info", dict(civo_auth(emulator, region=region), **params), check=check)


def make(emulator, hostname, tags="", region="LON1", status="ACTIVE"):
    r = emulator.civo("POST", "/v2/instances", hostname=hostname, size="g3.small", template_id="ubuntu-jammy",
                      tags=tags, region=region)
    assert r.status_code == 200, r.text
    inst = emulator.wait_status(r.json()["id"], "ACTIVE", region=region)
    if status == "SHUTOFF":
        assert emulator.civo("PUT", "/v2/instances/%s/stop" % inst["id"], region=region).status_code == 200
        inst = emulator.wait_status(inst["id"], "SHUTOFF", region=region)
    return inst


@pytest.fixture
def fleet(emulator):
    fleet = dict(
        web1=make(emulator, "web1.example.com", "web prod"),
        web2=make(emulator, "web2.example.com", "web", status="SHUTOFF"),
        db1=make(emulator, "db1.example.com", "db prod"),
        nyc=make(emulator, "web1.example.com", "web prod", region="NYC1"),
    )
    emulator.clear_journal()
    return fleet


def ids(result):
    return sorted(i["id"] for i in result["instances"])


def test_filters(emulator, fleet):
    lon = sorted(fleet[k]["id"] for k in ("web1", "web2", "db1"))
    everything = ok_info(info(emulator))
    assert ids(everything) == lon
    assert all("initial_password" not in i for i in everything["instances"])
    assert all(i["hostname"] and i["status"] for i in everything["instances"])

    assert ids(ok_info(info(emulator, hostname="web1.example.com"))) == [fleet["web1"]["id"]]
    assert ids(ok_info(info(emulator, tags=["web"]))) == sorted([fleet["web1"]["id"], fleet["web2"]["id"]])
    assert ids(ok_info(info(emulator, tags=["prod", "web"]))) == [fleet["web1"]["id"]]
    assert ids(ok_info(info(emulator, status="shutoff"))) == [fleet["web2"]["id"]]
    assert ids(ok_info(info(emulator, tags=["prod"], status="ACTIVE"))) == sorted([fleet["web1"]["id"], fleet["db1"]["id"]])
    assert ok_info(info(emulator, hostname="nope.example.com"))["instances"] == []
    assert ids(ok_info(info(emulator, region="NYC1"))) == [fleet["nyc"]["id"]]
    # Reads only; one list request per run.
    journal = emulator.journal()
    assert {e["method"] for e in journal} == {"GET"}
    assert len(journal) == 8


def test_by_id_is_one_request(emulator, fleet):
    res = ok_info(info(emulator, id=fleet["web2"]["id"]))
    assert ids(res) == [fleet["web2"]["id"]] and "initial_password" not in res["instances"][0]
    assert [(e["method"], e["path"]) for e in emulator.journal()] == [("GET", "/v2/instances/" + fleet["web2"]["id"])]
    assert ok_info(info(emulator, id=fleet["web2"]["id"], status="ACTIVE"))["instances"] == []
    # Another region's instance is not found by id.
    assert ok_info(info(emulator, id=fleet["nyc"]["id"]))["instances"] == []


def test_check_mode_and_bad_input(emulator, fleet):
    assert len(ok_info(info(emulator, check=True))["instances"]) == 3
    res = info(emulator, id="web1")
    assert res.rc != 0 and "id must be a Civo instance id" in res["msg"] and "Traceback" not in res.output
    assert emulator.mutating() == []


def test_every_page_is_read(emulator):
    # More instances than the client's page size: the list takes two pages.
    emulator.seed(instances=10001, tags=["bulk"])
    emulator.clear_journal()
    res = ok_info(info(emulator, tags=["bulk"], status="ACTIVE"))
    assert len(res["instances"]) == 10001
    pages = [e for e in emulator.journal() if e["path"] == "/v2/instances"]
    assert [e["query"]["page"] for e in pages] == ["1", "2"]
    assert all("initial_password" not in i for i in res["instances"][:50])


def test_large_account_costs_one_request(emulator):
    emulator.seed(instances=2500)
    emulator.clear_journal()
    res = ok_info(info(emulator, hostname="seed-00007.example.com"))
    assert len(res["instances"]) == 1
    assert len(emulator.journal()) == 1
