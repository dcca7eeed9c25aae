"""Zomro (BILLmanager) API: auth, sessions, instances, rescue preview/action, unrescue."""

import time

import requests

from emulator_proc import wait_for

ELID = "5203773"
UBUNTU_2204 = "f8f2573f-56c4-44c5-8469-84eee4aa64e7"
CENTOS_OWN = "a9e7c223-5f11-4546-a298-6af546bebde6"

DOC_IMAGES = [
    ("pub", "f8f2573f-56c4-44c5-8469-84eee4aa64e7", "Ubuntu 22.04"),
    ("pub", "0bf4deb2-855c-4863-8518-6006d804adbb", "Debian 10"),
    ("pub", "18d0ee2e-4d57-4f40-9b56-03c1773b5831", "AlmaLinux 8"),
    ("pub", "1d9dda4c-34b0-4304-a90a-8f3018722fa2", "Rocky-Linux-8"),
    ("pub", "2af0af94-0e6e-4ef3-8837-d41fdbfa3564", "Windows Server 2016"),
    ("pub", "3010ae60-0185-4021-98da-f50013147ebd", "Debian 11"),
    ("pub", "479c96f1-ccc6-47a2-952c-c9e3bbdc8d07", "Ubuntu 20.04"),
    ("pub", "5da4ad83-45f6-4c0e-9a7e-7a7c18b2be6c", "AlmaLinux 9"),
    ("pub", "7d7911e3-7178-4f36-a308-d841db5fe654", "CentOS Stream 9"),
    ("pub", "92fabac2-69cc-46ad-8439-c377e0c90632", "Ubuntu 23.04"),
    ("pub", "93878ba5-6b9e-4924-a4be-34edb623f808", "Debian 12"),
    ("pub", "a8b7bcb3-6698-4264-b413-f2b866a46a70", "Rocky-Linux-9"),
    ("pub", "b10434c0-d839-428f-a919-cac733fd6552", "Windows Server 2019"),
    ("pub", "bda2467e-e192-4e4e-becc-cda2e71b9767", "Windows Server 2022"),
    ("own", "a9e7c223-5f11-4546-a298-6af546bebde6", "Centos 9 x64"),
]


def err(doc):
    return doc["doc"].get("error")


def instances(emu, sid):
    return {e["id"]["$"]: {k: v["$"] for k, v in e.items()} for e in emu.zomro(func="instances", auth=sid)["doc"]["elem"]}


def status(emu, sid, elid=ELID):
    return instances(emu, sid)[elid]["fotbo_status"]


def test_auth_and_bad_password(emulator):
    doc = emulator.zomro(func="auth", username=emulator.zomro_user, password=emulator.zomro_password)
    sid = doc["doc"]["auth"]["$id"]
    assert len(sid) == 24 and "error" not in doc["doc"]
    bad = emulator.zomro(func="auth", username=emulator.zomro_user, password="nope")
    assert err(bad) == {"$type": "auth", "$object": "badpassword", "msg": {"$": "Invalid username or password"}}
    assert err(emulator.zomro(func="auth", username="other", password=emulator.zomro_password))["$type"] == "auth"


def test_errors_are_http_200_documents(emulator):
    r = requests.post(emulator.url + "/", data={"func": "instances", "auth": "deadbeef", "out": "json"})
    assert r.status_code == 200
    e = r.json()["doc"]["error"]
    assert e["$type"] == "auth" and e["$object"] == "session" and e["msg"]["$"]
    assert err(emulator.zomro(func="instances"))["$type"] == "auth"
    assert err(emulator.zomro(func="instances", authinfo="demo:wrong"))["$object"] == "badpassword"


def test_instances_list_with_session_and_authinfo(emulator):
    sid = emulator.zomro_login()
    doc = emulator.zomro(func="instances", auth=sid)["doc"]
    assert len(doc["elem"]) == 1
    elem = doc["elem"][0]
    for field in ("id", "servername", "status", "fotbo_status", "ip"):
        assert set(elem[field]) == {"$"}, field
    assert elem["id"]["$"] == ELID and elem["fotbo_status"]["$"] == "active" and elem["ip"]["$"]
    auth_info = "%s:%s" % (emulator.zomro_user, emulator.zomro_password)
    assert emulator.zomro(func="instances", authinfo=auth_info)["doc"]["elem"] == doc["elem"]
    # query string and multipart work as well as urlencoded bodies
    r = requests.post(emulator.url + "/?func=instances&out=json&auth=" + sid)
    assert r.json()["doc"]["elem"] == doc["elem"]
    r = requests.post(emulator.url + "/", files={"func": (None, "instances"), "auth": (None, sid),
                                                 "out": (None, "json")})
    assert r.json()["doc"]["elem"] == doc["elem"]


def test_instances_paging_and_seed(emulator):
    sid = emulator.zomro_login()
    ids = emulator.seed(zomro_instances=30)["zomro_instances"]
    assert len(ids) == 30 and ids[0] == "5203774"
    doc = emulator.zomro(func="instances", auth=sid)["doc"]
    assert len(doc["elem"]) == 31 and doc["p_elems"]["$"] == "31"
    page = emulator.zomro(func="instances", auth=sid, p_cnt="10", p_num="4")["doc"]
    assert len(page["elem"]) == 1 and page["p_num"]["$"] == "4"


def test_session_expiry_by_control_and_by_idle_ttl(emulator):
    sid = emulator.zomro_login()
    assert "error" not in emulator.zomro(func="instances", auth=sid)["doc"]
    emulator.expire_sessions()
    assert err(emulator.zomro(func="instances", auth=sid))["$type"] == "auth"
    # authinfo does not depend on sessions
    assert "error" not in emulator.zomro(func="instances", authinfo="demo:demo-password")["doc"]
    emulator.config(session_ttl=0.6)
    sid = emulator.zomro_login()
    for _ in range(3):  # use keeps an idle-timed session alive
        time.sleep(0.25)
        assert "error" not in emulator.zomro(func="instances", auth=sid)["doc"]
    time.sleep(0.8)
    assert err(emulator.zomro(func="instances", auth=sid))["$object"] == "session"
    # the clock control ages sessions too
    emulator.config(session_ttl=3600)
    sid = emulator.zomro_login()
    emulator.advance(3500)
    assert "error" not in emulator.zomro(func="instances", auth=sid)["doc"]
    emulator.advance(3601)
    assert err(emulator.zomro(func="instances", auth=sid))["$object"] == "session"


def test_rescue_preview_lists_the_documented_images(emulator):
    sid = emulator.zomro_login()
    doc = emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=ELID)["doc"]
    zone, boot = doc["slist"]
    assert zone == {"$name": "zone", "val": [{"$key": "pub", "$": "pub"}, {"$key": "own", "$": "own"}]}
    assert boot["$name"] == "select_boot"
    assert [(v["$depend"], v["$key"], v["$"]) for v in boot["val"]] == DOC_IMAGES
    assert boot["val"][-1]["$name"] == "foo"
    assert status(emulator, sid) == "active"  # a preview changes nothing


def test_rescue_and_unrescue_lifecycle(emulator):
    emulator.config(build_seconds=60)
    sid = emulator.zomro_login()
    doc = emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=ELID, sok="ok",
                         select_boot=UBUNTU_2204, zone="pub", password="MyPassword1")
    assert doc == {"doc": {"ok": {"$": "ok"}}}
    assert status(emulator, sid) == "rescuing"
    again = emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=ELID, sok="ok",
                           select_boot=UBUNTU_2204, zone="pub")
    assert err(again)["$object"] == "fotbo_status"
    emulator.advance(60)
    assert status(emulator, sid) == "rescued"
    again = emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=ELID, sok="ok",
                           select_boot=UBUNTU_2204, zone="pub")
    assert "rescued" in err(again)["msg"]["$"]
    assert emulator.zomro(func="instances.fleio.unrescue", auth=sid, elid=ELID) == {"doc": {"ok": {"$": "ok"}}}
    assert status(emulator, sid) == "unrescuing"
    emulator.advance(60)
    assert status(emulator, sid) == "active"
    assert err(emulator.zomro(func="instances.fleio.unrescue", auth=sid, elid=ELID))["$object"] == "fotbo_status"


def test_rescue_from_stopped_with_own_image(emulator):
    sid = emulator.zomro_login()
    elid = emulator.seed(zomro_instances=1, zomro_status="stopped")["zomro_instances"][0]
    assert status(emulator, sid, elid) == "stopped"
    doc = emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=elid, sok="ok",
                         select_boot=CENTOS_OWN, zone="own")
    assert "error" not in doc["doc"]
    wait_for(lambda: status(emulator, sid, elid) == "rescued")


def test_rescue_parameter_errors(emulator):
    sid = emulator.zomro_login()
    base = dict(func="instances.fleio.rescue", auth=sid, elid=ELID, sok="ok")
    e = err(emulator.zomro(**base, zone="pub", select_boot_from_iso=UBUNTU_2204))  # the docs' wrong name
    assert (e["$type"], e["$object"]) == ("empty", "select_boot")
    e = err(emulator.zomro(**base, zone="pub", select_boot="00000000-0000-0000-0000-000000000000"))
    assert (e["$type"], e["$object"]) == ("value", "select_boot")
    e = err(emulator.zomro(**base, select_boot=UBUNTU_2204))
    assert (e["$type"], e["$object"]) == ("empty", "zone")
    e = err(emulator.zomro(**base, zone="own", select_boot=UBUNTU_2204))
    assert (e["$type"], e["$object"]) == ("value", "zone")
    e = err(emulator.zomro(**dict(base, elid="999"), zone="pub", select_boot=UBUNTU_2204))
    assert (e["$type"], e["$object"]) == ("missed", "elid")
    e = err(emulator.zomro(func="instances.fleio.unrescue", auth=sid, elid="999"))
    assert (e["$type"], e["$object"]) == ("missed", "elid")
    e = err(emulator.zomro(func="instances.fleio.rescue", auth=sid))
    assert e["$type"] == "missed"
    e = err(emulator.zomro(func="no.such.func", auth=sid))
    assert (e["$type"], e["$object"]) == ("missed", "func")
    assert status(emulator, sid) == "active"
    assert emulator.mutating() and all(m["func"] != "instances" for m in emulator.mutating())
