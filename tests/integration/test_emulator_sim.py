"""Test controls under /_sim/: journal, faults, seed, reset, config; scale and concurrency."""

import concurrent.futures
import threading
import time

import pytest
import requests

AUTH = "Authorization"


def h(emu):
    return {AUTH: "bearer " + emu.token}


# -- journal -------------------------------------------------------------------------
def test_journal_records_api_requests_without_secrets(emulator):
    emulator.civo("GET", "/v2/instances", region="LON1", per_page=5)
    emulator.civo("POST", "/v2/instances", hostname="j.example.com", size="g3.small", template_id="debian-11")
    requests.get(emulator.url + "/v2/instances")  # 401 is journaled too
    sid = emulator.zomro_login()
    emulator.zomro(func="instances", auth=sid)
    emulator.zomro(func="instances.fleio.rescue", auth=sid, elid="5203773")
    emulator.zomro(func="instances.fleio.rescue", authinfo="demo:demo-password", elid="5203773", sok="ok",
                   select_boot="f8f2573f-56c4-44c5-8469-84eee4aa64e7", zone="pub", password="MyPassword1")
    requests.post(emulator.url + "/?func=instances&auth=%s&out=json" % sid)
    j = emulator.journal()
    assert [(e["method"], e["path"], e["status"]) for e in j] == [
        ("GET", "/v2/instances", 200), ("POST", "/v2/instances", 200), ("GET", "/v2/instances", 401),
        ("POST", "/", 200), ("POST", "/", 200), ("POST", "/", 200), ("POST", "/", 200), ("POST", "/", 200)]
    assert j[0]["query"] == {"region": "LON1", "per_page": "5"}
    assert [e.get("func") for e in j] == [None, None, None, "auth", "instances", "instances.fleio.rescue",
                                          "instances.fleio.rescue", "instances"]
    assert j[7]["query"]["auth"] == "***"
    text = repr(j)
    for secret in (sid, "demo-password", "MyPassword1", emulator.token):
        assert secret not in text
    assert all("/_sim" not in e["path"] for e in j)
    assert [(e["method"], e.get("func")) for e in emulator.mutating()] == [
        ("POST", None), ("POST", "instances.fleio.rescue")]
    emulator.clear_journal()
    assert emulator.journal() == []


# -- faults ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["429", "500", "503"])
def test_fault_status_codes_do_not_apply(emulator, kind):
    emulator.faults(1.0, [kind])
    r = emulator.civo("POST", "/v2/instances", hostname="f.example.com", size="g3.small", template_id="debian-11")
    assert r.status_code == int(kind)
    assert r.json()["result"] == "failed"
    if kind in ("429", "503"):
        assert r.headers["Retry-After"] == "1"
    z = requests.post(emulator.url + "/", data={"func": "instances", "authinfo": "demo:demo-password"})
    assert z.status_code == int(kind) and z.headers["Content-Type"].startswith("text/html")
    emulator.clear_faults()
    assert emulator.civo("GET", "/v2/instances").json()["items"] == []
    j = emulator.journal()
    assert [(e["status"], e["fault"], e["applied"]) for e in j[:2]] == [(int(kind), kind, False)] * 2
    assert j[1]["func"] == "instances"


def test_fault_502_is_an_html_page(emulator):
    emulator.faults(1.0, ["502"])
    r = emulator.civo("GET", "/v2/regions")
    assert r.status_code == 502 and r.headers["Content-Type"].startswith("text/html")
    assert b"<html>" in r.content
    with pytest.raises(ValueError):
        r.json()


def test_fault_reset_drops_the_connection_without_applying(emulator):
    emulator.faults(1.0, ["reset"])
    with pytest.raises(requests.ConnectionError):
        emulator.civo("POST", "/v2/instances", hostname="r.example.com", size="g3.small", template_id="debian-11")
    with pytest.raises(requests.ConnectionError):
        requests.post(emulator.url + "/", data={"func": "auth", "username": "demo", "password": "demo-password"})
    emulator.clear_faults()
    assert emulator.civo("GET", "/v2/instances").json()["items"] == []
    assert [(e["status"], e["fault"], e["applied"]) for e in emulator.journal()[:2]] == [(0, "reset", False)] * 2


def test_fault_lost_response_applies_then_drops(emulator):
    emulator.faults(1.0, ["lost_response"])
    with pytest.raises(requests.ConnectionError):
        emulator.civo("POST", "/v2/instances", hostname="dup.example.com", size="g3.small", template_id="debian-11")
    emulator.clear_faults()
    items = emulator.civo("GET", "/v2/instances").json()["items"]
    assert [i["hostname"] for i in items] == ["dup.example.com"]  # applied: a naive retry duplicates it
    e = emulator.journal()[0]
    assert (e["status"], e["fault"], e["applied"], e["applied_status"]) == (0, "lost_response", True, 200)
    assert len(emulator.mutating()) == 1


def test_fault_timeout_does_not_block_other_clients(emulator):
    emulator.faults(1.0, ["timeout"], timeout_seconds=5, limit=1)
    t0 = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get(emulator.url + "/v2/regions", headers=h(emulator), timeout=0.3)
    # the next request (limit reached) is served at once while the first still hangs
    r = requests.get(emulator.url + "/v2/regions", headers=h(emulator), timeout=2)
    assert r.status_code == 200 and time.monotonic() - t0 < 3
    e = emulator.journal()[0]
    assert (e["status"], e["fault"], e["applied"]) == (0, "timeout", False)


def test_faults_are_deterministic_with_a_seed_and_never_hit_sim(emulator):
    def run():
        out = []
        for _ in range(30):
            try:
                out.append(emulator.civo("GET", "/v2/sizes").status_code)
            except requests.ConnectionError:
                out.append("dropped")
        return out
    kinds = ["429", "500", "502", "503", "reset", "lost_response"]
    emulator.faults(0.5, kinds, seed=7)
    first = run()
    emulator.faults(0.5, kinds, seed=7)
    assert run() == first
    assert 200 in first and len(set(first)) > 2
    emulator.faults(0.5, kinds, seed=8)
    assert run() != first
    emulator.faults(1.0, kinds)
    for _ in range(5):
        assert requests.get(emulator.url + "/_sim/journal").status_code == 200
    state = requests.get(emulator.url + "/_sim/faults").json()
    assert state["rate"] == 1.0 and state["kinds"] == kinds
    bad = requests.post(emulator.url + "/_sim/faults", json={"rate": 0.5, "kinds": ["gremlins"]})
    assert bad.status_code == 400


def test_fault_match_methods_and_limit(emulator):
    emulator.faults(1.0, ["503"], match="/v2/instances", methods=["POST"], limit=2)
    assert emulator.civo("GET", "/v2/instances").status_code == 200
    assert emulator.civo("GET", "/v2/sizes").status_code == 200
    codes = [emulator.civo("POST", "/v2/instances", hostname="m", size="g3.small",
                           template_id="debian-11").status_code for _ in range(3)]
    assert codes == [503, 503, 200]
    emulator.faults(1.0, ["500"], match="instances.fleio.rescue")
    assert "error" not in emulator.zomro(func="instances", authinfo="demo:demo-password")["doc"]
    r = requests.post(emulator.url + "/", data={"func": "instances.fleio.rescue", "authinfo": "demo:demo-password",
                                                "elid": "5203773"})
    assert r.status_code == 500


# -- seed, reset, config ----------------------------------------------------------------
def test_seed_and_reset(emulator):
    out = emulator.seed(instances=3, region="fra1", tags=["x", "y"], status="SHUTOFF", zomro_instances=2)
    assert len(out["instances"]) == 3 and out["zomro_instances"] == ["5203774", "5203775"]
    items = emulator.civo("GET", "/v2/instances", region="FRA1").json()["items"]
    assert {(i["status"], tuple(i["tags"]), i["region"]) for i in items} == {("SHUTOFF", ("x", "y"), "FRA1")}
    assert all(i["public_ip"] and i["private_ip"] for i in items)
    building = emulator.seed(instances=2, status="BUILDING")["instances"]
    emulator.wait_status(building[0], "ACTIVE")
    emulator.civo("PUT", "/v2/snapshots/s", instance_id=building[0])
    sid = emulator.zomro_login()
    emulator.zomro(func="instances.fleio.rescue", auth=sid, elid="5203773", sok="ok",
                   select_boot="f8f2573f-56c4-44c5-8469-84eee4aa64e7", zone="pub")
    emulator.config(build_seconds=9)
    emulator.faults(0.0, ["500"])
    r = requests.post(emulator.url + "/_sim/reset")
    assert r.status_code == 200
    assert emulator.journal() == []
    assert requests.get(emulator.url + "/_sim/faults").json()["kinds"] == []
    assert requests.get(emulator.url + "/_sim/config").json()["build_seconds"] == 0.2
    assert emulator.civo("GET", "/v2/instances", region="FRA1").json()["items"] == []
    assert emulator.civo("GET", "/v2/snapshots").json() == []
    assert emulator.zomro(func="instances", auth=sid)["doc"]["error"]["$type"] == "access"  # sessions gone
    doc = emulator.zomro(func="instances", authinfo="demo:demo-password")["doc"]
    assert [(e["id"]["$"], e["instance_status"]["$"].lower()) for e in doc["elem"]] == [("5203773", "active")]
    for bad in ({"instances": 1, "status": "EXPLODED"}, {"instances": 1, "size": "g9"},
                {"instances": 1, "region": "mars1"}):
        assert requests.post(emulator.url + "/_sim/seed", json=bad).status_code == 400
    assert requests.get(emulator.url + "/_sim/nope").status_code == 404


# -- scale and concurrency -----------------------------------------------------------------
def test_ten_thousand_instances_in_one_list_call(emulator):
    t0 = time.perf_counter()
    emulator.seed(instances=10000, tags=["bulk"])
    seeded = time.perf_counter() - t0
    t0 = time.perf_counter()
    r = emulator.civo("GET", "/v2/instances", per_page=99999999)
    body = r.json()
    listed = time.perf_counter() - t0
    assert len(body["items"]) == 10000 and body["pages"] == 1
    assert len({i["id"] for i in body["items"]}) == 10000
    print("seed 10k: %.3fs, list 10k: %.3fs (%d bytes)" % (seeded, listed, len(r.content)))
    assert seeded < 5.0
    assert listed < 1.0
    t0 = time.perf_counter()
    assert len(emulator.civo("GET", "/v2/instances", tags="bulk", per_page=50, page=200).json()["items"]) == 50
    assert time.perf_counter() - t0 < 0.5


def test_fifty_concurrent_clients(emulator):
    emulator.seed(instances=200)
    errors = []
    barrier = threading.Barrier(50)

    def client(n):
        s = requests.Session()
        hdr = h(emulator)
        try:
            barrier.wait(5)
            r = s.post(emulator.url + "/v2/instances", headers=hdr, timeout=10,
                       json={"hostname": "c%02d.example.com" % n, "size": "g3.small", "template_id": "debian-11"})
            assert r.status_code == 200, r.text
            iid = r.json()["id"]
            for page in range(1, 4):
                r = s.get(emulator.url + "/v2/instances", headers=hdr, params={"page": page}, timeout=10)
                assert r.status_code == 200 and len(r.json()["items"]) == 20
            assert s.get(emulator.url + "/v2/instances/" + iid, headers=hdr, timeout=10).status_code == 200
            assert s.put(emulator.url + "/v2/instances/%s/tags" % iid, headers=hdr, json={"tags": "c"},
                         timeout=10).status_code == 200
            doc = s.post(emulator.url + "/", data={"func": "instances", "authinfo": "demo:demo-password",
                                                   "out": "json"}, timeout=10).json()
            assert "elem" in doc["doc"]
        except Exception as exc:  # collected, reported below
            errors.append(repr(exc))
        finally:
            s.close()

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        list(pool.map(client, range(50)))
    elapsed = time.perf_counter() - t0
    print("50 clients x 7 requests: %.3fs" % elapsed)
    assert errors == []
    assert len(emulator.civo("GET", "/v2/instances", tags="c", per_page=100).json()["items"]) == 50
    assert len(emulator.journal()) == 50 * 7 + 1
    assert elapsed < 10
