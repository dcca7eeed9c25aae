"""The emulator as a process: CLI, clean shutdown, persistence across restarts with --state."""

import subprocess
import sys
import threading
import time

import pytest
import requests

from emulator_proc import EMULATOR_DIR, start_emulator, wait_for

IMG = "f8f2573f-56c4-44c5-8469-84eee4aa64e7"


def test_cli_help_and_required_options():
    out = subprocess.run([sys.executable, EMULATOR_DIR, "--help"], capture_output=True, text=True, timeout=20)
    assert out.returncode == 0
    for opt in ("--host", "--port", "--civo-token", "--zomro-user", "--zomro-password", "--state",
                "--build-seconds"):
        assert opt in out.stdout
    out = subprocess.run([sys.executable, EMULATOR_DIR, "--port", "1"], capture_output=True, text=True, timeout=20)
    assert out.returncode != 0 and "--civo-token" in out.stderr


def test_sigterm_stops_cleanly_even_with_a_hanging_timeout_fault():
    emu = start_emulator()
    emu.faults(1.0, ["timeout"])  # default: hold the request 30 s
    hung = threading.Thread(target=lambda: pytest.raises(
        requests.RequestException, requests.get, emu.url + "/v2/regions", timeout=20), daemon=True)
    hung.start()
    wait_for(lambda: emu.journal(), what="the hanging request to be journaled")
    t0 = time.monotonic()
    assert emu.stop() == 0
    assert time.monotonic() - t0 < 5
    hung.join(5)
    assert "emulator stopped" in emu.log()
    assert "GET /v2/regions" in emu.log()


def test_memory_state_is_lost_on_restart():
    emu = start_emulator()
    emu.seed(instances=2)
    emu.stop()
    emu = start_emulator(port=emu.port)
    try:
        assert emu.civo("GET", "/v2/instances").json()["items"] == []
    finally:
        emu.stop()


def test_state_file_survives_restart_and_transitions_continue(tmp_path):
    db = tmp_path / "state.db"
    emu = start_emulator(state=db, build_seconds=0.5)
    try:
        built = emu.civo("POST", "/v2/instances", hostname="p.example.com", size="g3.small",
                         template_id="debian-11", tags="keep").json()
        seeded = emu.seed(instances=100, region="NYC1", zomro_instances=3)
        active = seeded["instances"][0]
        emu.civo("PUT", "/v2/instances/%s/recovery" % active, region="NYC1")
        emu.civo("PUT", "/v2/snapshots/persisted", instance_id=active, region="NYC1")
        isnap = emu.civo("POST", "/v2/instances/%s/snapshots" % active, name="isnap", region="NYC1").json()
        sid = emu.zomro_login()
        emu.zomro(func="instances.fleio.rescue", auth=sid, elid="5203773", sok="ok", select_boot=IMG, zone="pub")
        before = emu.civo("GET", "/v2/instances", region="NYC1", per_page=1000).json()["items"]
    finally:
        assert emu.stop() == 0

    emu = start_emulator(state=db, build_seconds=0.5)
    try:
        inst = emu.instance(built["id"])
        assert inst["tags"] == ["keep"] and inst["initial_password"] == built["initial_password"]
        inst = emu.wait_status(built["id"], "ACTIVE")  # the BUILDING started before the restart completes
        assert inst["public_ip"]
        after = emu.civo("GET", "/v2/instances", region="NYC1", per_page=1000).json()["items"]
        assert [i["id"] for i in after] == [i["id"] for i in before]  # same order too
        assert emu.civo("GET", "/v2/instances/%s/recovery" % active, region="NYC1").json() == {"result": "true"}
        wait_for(lambda: emu.civo("GET", "/v2/snapshots/persisted").json()["status"] == "complete")
        snap = emu.civo("GET", "/v2/instances/%s/snapshots/isnap" % active, region="NYC1").json()
        assert snap["id"] == isnap["id"]
        # the Zomro session and the rescue in progress survive as well
        doc = emu.zomro(func="instances", auth=sid)["doc"]
        assert len(doc["elem"]) == 4
        wait_for(lambda: {e["id"]["$"]: e["instance_status"]["$"].lower() for e in
                          emu.zomro(func="instances", auth=sid)["doc"]["elem"]}["5203773"] == "rescued")
        # addresses keep being unique after the restart
        new = emu.civo("POST", "/v2/instances", hostname="n.example.com", size="g3.small",
                       template_id="debian-11", region="NYC1").json()
        new = emu.wait_status(new["id"], "ACTIVE", region="NYC1")
        assert new["private_ip"] not in {i["private_ip"] for i in after}
        assert new["public_ip"] not in {i["public_ip"] for i in after}
        emu.civo("DELETE", "/v2/instances/" + built["id"])
    finally:
        emu.kill()  # a crash: what was answered must still be there

    emu = start_emulator(state=db)
    try:
        # The DELETE was answered before the crash: the asynchronous delete (DELETING, then gone) goes on.
        gone = emu.instance(built["id"])
        assert gone is None or gone["status"] == "DELETING"
        wait_for(lambda: emu.instance(built["id"]) is None, what="the deleted instance to be gone")
        assert len(emu.civo("GET", "/v2/instances", region="NYC1", per_page=1000).json()["items"]) == 101
        requests.post(emu.url + "/_sim/reset").raise_for_status()
    finally:
        emu.stop()

    emu = start_emulator(state=db)
    try:
        assert emu.civo("GET", "/v2/instances", region="NYC1").json()["items"] == []
        doc = emu.zomro(func="instances", authinfo="demo:demo-password")["doc"]
        assert [e["instance_status"]["$"].lower() for e in doc["elem"]] == ["active"]
    finally:
        emu.stop()


def test_ten_thousand_persisted_instances_reload_quickly(tmp_path):
    db = tmp_path / "big.db"
    emu = start_emulator(state=db)
    try:
        t0 = time.perf_counter()
        emu.seed(instances=10000)
        assert time.perf_counter() - t0 < 5
    finally:
        emu.stop()
    t0 = time.perf_counter()
    emu = start_emulator(state=db)
    try:
        assert time.perf_counter() - t0 < 5
        assert len(emu.civo("GET", "/v2/instances", per_page=99999999).json()["items"]) == 10000
    finally:
        emu.stop()
