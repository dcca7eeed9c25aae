"""Smoke test of the emulator fixture: it starts, answers both APIs, journals."""


def test_fixture_round_trip(emulator):
    r = emulator.civo("GET", "/v2/regions")
    assert r.status_code == 200
    assert {"LON1", "NYC1", "FRA1"} <= {x["code"] for x in r.json()}
    sid = emulator.zomro_login()
    doc = emulator.zomro(func="instances", auth=sid)
    assert doc["doc"]["elem"][0]["id"]["$"] == "5203773"
    r = emulator.civo("PUT", "/v2/instances/nope/tags", tags="x")
    assert r.status_code == 404
    j = emulator.journal()
    assert [e["status"] for e in j] == [200, 200, 200, 404]
    assert [e.get("func") for e in emulator.mutating()] == [None]
    assert "demo-password" not in str(j) and sid not in str(j)
