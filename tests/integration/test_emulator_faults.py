"""The emulator's faults for issue 14: ``late_applied`` (a request applied after the client gave up)
and ``malformed`` (a 200 whose body is not the documented shape)."""

import json
import time

import pytest
import requests


def h(emu):
    return {"Authorization": "bearer " + emu.token}


def create(emu, timeout=30):
    return requests.post(emu.url + "/v2/instances", headers=h(emu), timeout=timeout,
                         json={"hostname": "late.example.com", "size": "g3.small", "template_id": "debian-11"})


def hostnames(emu):
    return [i["hostname"] for i in emu.civo("GET", "/v2/instances").json()["items"]]


@pytest.mark.parametrize("spec", [
    dict(kinds=["late_applied"], late_seconds=1.5),
    dict(kinds=["timeout"], apply_late=True, timeout_seconds=1.5),
])
def test_late_applied_is_applied_after_the_client_gave_up(emulator, spec):
    emulator.faults(1.0, spec.pop("kinds"), match="/v2/instances", methods=["POST"], limit=1, **spec)
    with pytest.raises(requests.Timeout):
        create(emulator, timeout=0.5)
    assert hostnames(emulator) == []  # not yet: the client gave up first
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not hostnames(emulator):
        time.sleep(0.1)
    assert hostnames(emulator) == ["late.example.com"]  # ...then it was applied all the same
    entry = [e for e in emulator.journal() if e["method"] == "POST"][0]
    assert (entry["fault"], entry["status"], entry["applied"], entry["applied_status"]) == ("late_applied", 0, True, 200)


def test_plain_timeout_is_still_never_applied(emulator):
    emulator.faults(1.0, ["timeout"], match="/v2/instances", methods=["POST"], limit=1, timeout_seconds=1)
    with pytest.raises(requests.Timeout):
        create(emulator, timeout=0.3)
    time.sleep(1.5)
    assert hostnames(emulator) == []


def test_fault_state_shows_the_new_options(emulator):
    emulator.faults(0.5, ["late_applied", "malformed"], malformed=["html", "empty"], late_seconds=2)
    state = requests.get(emulator.url + "/_sim/faults").json()
    assert state["kinds"] == ["late_applied", "malformed"] and state["malformed"] == ["html", "empty"]
    assert state["late_seconds"] == 2.0
    bad = requests.post(emulator.url + "/_sim/faults", json={"rate": 1, "kinds": ["malformed"], "malformed": ["x"]})
    assert bad.status_code == 400 and "unknown malformed" in bad.json()["reason"]


def _shape(kind, text):
    if kind == "empty":
        return text == ""
    if kind == "html":
        return text.lstrip().startswith("<html>")
    if kind == "truncated":
        try:
            json.loads(text)
        except ValueError:
            return True
        return False
    return {"empty_object": {}, "wrong_type": "ok"}.get(kind, object()) == json.loads(text) or (
        kind == "null_items" and json.loads(text).get("items", 1) is None)


@pytest.mark.parametrize("kind", ["empty", "empty_object", "null_items", "truncated", "html", "wrong_type"])
def test_malformed_answers_200_with_a_body_that_is_not_the_shape(emulator, kind):
    emulator.civo("POST", "/v2/instances", hostname="m.example.com", size="g3.small", template_id="debian-11")
    emulator.clear_journal()
    emulator.faults(1.0, ["malformed"], malformed=[kind], match="/v2/instances", methods=["GET"], limit=1)
    r = emulator.civo("GET", "/v2/instances")
    assert r.status_code == 200 and _shape(kind, r.text), r.text
    assert emulator.civo("GET", "/v2/instances").json()["items"][0]["hostname"] == "m.example.com"
    entry = emulator.journal()[0]
    assert (entry["fault"], entry["malformed"], entry["status"]) == ("malformed", kind, 200)


def test_a_malformed_answer_to_a_create_was_applied(emulator):
    emulator.faults(1.0, ["malformed"], malformed=["truncated"], match="/v2/instances", methods=["POST"], limit=1)
    r = create(emulator)
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()
    assert hostnames(emulator) == ["late.example.com"]
    entry = emulator.journal()[0]
    assert (entry["applied"], entry["applied_status"]) == (True, 200)


def test_malformed_zomro_answers(emulator):
    emulator.faults(1.0, ["malformed"], malformed=["null_items"], match="instances", limit=1)
    r = requests.post(emulator.url + "/", data={"func": "instances", "authinfo": "%s:%s" % (
        emulator.zomro_user, emulator.zomro_password), "out": "json"}, timeout=10)
    assert r.status_code == 200 and r.json() == {"doc": None}
