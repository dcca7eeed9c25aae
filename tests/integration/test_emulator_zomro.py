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
    ("shr", "c7d5e0a2-4b1f-4e8a-9d3c-2f6b8a1e5d40", "Debian 12 shared"),  # emulator's own sample of zone shr
]


def err(doc):
    return doc["doc"].get("error")


def instances(emu, sid):
    doc = emu.zomro(func="instances", auth=sid, p_cnt="1000")["doc"]
    return {e["id"]["$"]: {k: v["$"] for k, v in e.items()} for e in doc.get("elem", [])}


def status(emu, sid, elid=ELID):
    """The instance state as the panel reads it (getInstanceMainInfo.js: trimmed, lower case)."""
    return instances(emu, sid)[elid]["instance_status"].strip().lower()


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
    # An unknown or expired session is an "access" error (panel src/Redux/auth/authOperations.js).
    assert e["$type"] == "access" and "Insufficient privileges" in e["msg"]["$"]
    assert err(emulator.zomro(func="instances"))["$type"] == "access"
    assert err(emulator.zomro(func="instances", authinfo="demo:wrong"))["$object"] == "badpassword"


def test_instances_list_with_session_and_authinfo(emulator):
    sid = emulator.zomro_login()
    doc = emulator.zomro(func="instances", auth=sid)["doc"]
    assert len(doc["elem"]) == 1
    elem = doc["elem"][0]
    for field in ("id", "servername", "status", "item_status", "instance_status", "ip"):
        assert set(elem[field]) == {"$"}, field
    assert "fotbo_status" not in elem  # renamed 2024-05-16 (panel commit 0ecc2141)
    assert elem["id"]["$"] == ELID and elem["instance_status"]["$"] == "Active" and elem["ip"]["$"]
    assert elem["item_status"]["$"] == "Active" and elem["status"]["$"] == "2"
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
    # Without p_cnt the server's default page size applies (the emulator's: 20); p_elems is the total.
    assert len(doc["elem"]) == 20 and doc["p_elems"]["$"] == "31" and doc["p_cnt"]["$"] == "20"
    page = emulator.zomro(func="instances", auth=sid, p_cnt="10", p_num="4")["doc"]
    assert len(page["elem"]) == 1 and page["p_num"]["$"] == "4"
    beyond = emulator.zomro(func="instances", auth=sid, p_cnt="10", p_num="5")["doc"]
    assert "elem" not in beyond and beyond["p_elems"]["$"] == "31"
    # A cap on the page size (a test switch): the answer's p_cnt says what was honoured.
    emulator._sim("POST", "zomro", json={"max_page_size": 7})
    capped = emulator.zomro(func="instances", auth=sid, p_cnt="1000")["doc"]
    assert len(capped["elem"]) == 7 and capped["p_cnt"]["$"] == "7"


def test_session_expiry_by_control_and_by_idle_ttl(emulator):
    sid = emulator.zomro_login()
    assert "error" not in emulator.zomro(func="instances", auth=sid)["doc"]
    emulator.expire_sessions()
    assert err(emulator.zomro(func="instances", auth=sid))["$type"] == "access"
    # authinfo does not depend on sessions
    assert "error" not in emulator.zomro(func="instances", authinfo="demo:demo-password")["doc"]
    emulator.config(session_ttl=0.6)
    sid = emulator.zomro_login()
    for _ in range(3):  # use keeps an idle-timed session alive
        time.sleep(0.25)
        assert "error" not in emulator.zomro(func="instances", auth=sid)["doc"]
    time.sleep(0.8)
    assert err(emulator.zomro(func="instances", auth=sid))["$type"] == "access"
    # the clock control ages sessions too
    emulator.config(session_ttl=3600)
    sid = emulator.zomro_login()
    emulator.advance(3500)
    assert "error" not in emulator.zomro(func="instances", auth=sid)["doc"]
    emulator.advance(3601)
    assert err(emulator.zomro(func="instances", auth=sid))["$type"] == "access"


def test_rescue_preview_lists_the_documented_images(emulator):
    sid = emulator.zomro_login()
    doc = emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=ELID)["doc"]
    zone, boot = doc["slist"]
    assert zone == {"$name": "zone", "val": [{"$key": z, "$": z} for z in ("pub", "own", "shr")]}
    assert boot["$name"] == "select_boot"
    assert [(v["$depend"], v["$key"], v["$"]) for v in boot["val"]] == DOC_IMAGES
    assert boot["val"][-2]["$name"] == "foo"
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
    assert err(again)["$object"] == "instance_status"
    emulator.advance(60)
    assert status(emulator, sid) == "rescued"
    again = emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=ELID, sok="ok",
                           select_boot=UBUNTU_2204, zone="pub")
    assert "rescued" in err(again)["msg"]["$"]
    assert emulator.zomro(func="instances.fleio.unrescue", auth=sid, elid=ELID) == {"doc": {"ok": {"$": "ok"}}}
    assert status(emulator, sid) == "unrescuing"
    emulator.advance(60)
    assert status(emulator, sid) == "active"
    assert err(emulator.zomro(func="instances.fleio.unrescue", auth=sid, elid=ELID))["$object"] == "instance_status"


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


def zomro_sim(emu, **settings):
    return emu._sim("POST", "zomro", json=settings)


def test_legacy_shape_switch(emulator):
    """The shape before 2024-05-16: fotbo_status in lower case, no item_status, "auth" session errors."""
    assert emulator._sim("GET", "zomro")["legacy_shape"] is False
    zomro_sim(emulator, legacy_shape=True)
    sid = emulator.zomro_login()
    elem = emulator.zomro(func="instances", auth=sid)["doc"]["elem"][0]
    assert elem["fotbo_status"] == {"$": "active"} and "instance_status" not in elem and "item_status" not in elem
    assert err(emulator.zomro(func="instances", auth="deadbeef")) ["$type"] == "auth"
    emulator.reset()  # the switches go back to the real shapes
    assert emulator._sim("GET", "zomro")["legacy_shape"] is False


def test_two_factor_account(emulator):
    zomro_sim(emulator, two_factor=True)
    sid = emulator.zomro_login()  # func=auth answers a (provisional) session as usual
    assert emulator.zomro(func="whoami", auth=sid) == {"doc": {"ok": {"$": "func=totp.confirm"}}}
    assert err(emulator.zomro(func="instances", auth=sid))["$type"] == "access"
    assert err(emulator.zomro(func="totp.confirm", auth=sid, sok="ok", qrcode="000000"))["$object"] == "qrcode"
    full = emulator.zomro(func="totp.confirm", auth=sid, sok="ok", clicked_button="ok", qrcode="123456")
    new_sid = full["doc"]["auth"]["$id"]
    assert new_sid != sid
    assert "error" not in emulator.zomro(func="instances", auth=new_sid)["doc"]
    assert "user" in emulator.zomro(func="whoami", auth=new_sid)["doc"]


def test_power_functions(emulator):
    emulator.config(build_seconds=60)
    sid = emulator.zomro_login()
    assert err(emulator.zomro(func="service.start", auth=sid, elid=ELID))["$object"] == "instance_status"
    assert emulator.zomro(func="service.stop", auth=sid, elid=ELID) == {"doc": {"ok": {"$": "ok"}}}
    assert status(emulator, sid) == "stopping"
    assert instances(emulator, sid)[ELID]["instance_status"] == "Stopping"
    emulator.advance(60)
    assert status(emulator, sid) == "stopped"
    assert err(emulator.zomro(func="service.reboot", auth=sid, elid=ELID))["$type"] == "value"
    assert "error" not in emulator.zomro(func="service.start", auth=sid, elid=ELID)["doc"]
    assert status(emulator, sid) == "starting"
    emulator.advance(60)
    assert "error" not in emulator.zomro(func="service.reboot", auth=sid, elid=ELID)["doc"]
    assert status(emulator, sid) == "rebooting"
    emulator.advance(60)
    assert "error" not in emulator.zomro(func="service.hardreboot", auth=sid, elid=ELID)["doc"]
    assert status(emulator, sid) == "rebooting"
    emulator.advance(60)
    assert status(emulator, sid) == "active"
    assert err(emulator.zomro(func="service.stop", auth=sid, elid="999"))["$object"] == "elid"
    assert [m["func"] for m in emulator.mutating()].count("service.stop") == 2
