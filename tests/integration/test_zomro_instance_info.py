"""vmops.cloud.zomro_instance_info against the emulator, run as a real module process."""

from runner import failed, ok, run_module, zomro_auth


def ok_info(result):
    return ok(result, changed=False)


ELID = "5203773"
NAME = "vps-5203773.zomro.example"
UBUNTU = "f8f2573f-56c4-44c5-8469-84eee4aa64e7"


def info(emulator, creds=None, check=False, **params):
    args = dict(creds if creds is not None else zomro_auth(emulator))
    args.update(params)
    return run_module("zomro_instance_info", args, check=check)


def funcs(emulator):
    return [e["func"] for e in emulator.journal()]


def test_list_all_instances(emulator):
    seeded = emulator.seed(zomro_instances=3, zomro_status="stopped")["zomro_instances"]
    res = ok_info(info(emulator))
    assert [i["id"] for i in res["instances"]] == [ELID] + seeded
    # Real shapes (panel getInstanceMainInfo.js): status from item_status, state from instance_status.
    assert res["instances"][0] == {"id": ELID, "name": NAME, "status": "Active", "state": "active",
                                   "rescue_status": "active", "ip": "185.117.152.17"}
    assert {i["rescue_status"] for i in res["instances"][1:]} == {"stopped"}
    assert "rescue_images" not in res
    assert funcs(emulator) == ["auth", "instances"]
    assert emulator.zomro_password not in res.output


def test_one_instance_by_name_and_id_with_a_session(emulator):
    sid = emulator.zomro_login()
    emulator.seed(zomro_instances=2)
    emulator.clear_journal()
    creds = dict(api_url=emulator.url + "/", auth_token=sid)
    by_name = ok_info(info(emulator, creds=creds, instance=NAME))
    by_id = ok_info(info(emulator, creds=creds, instance=ELID, check=True))
    assert by_name["instances"] == by_id["instances"] and len(by_id["instances"]) == 1
    assert by_id["instances"][0]["id"] == ELID
    assert funcs(emulator) == ["instances", "instances"]
    assert sid not in by_name.output + by_id.output


def test_missing_instance_is_an_empty_list(emulator):
    res = ok_info(info(emulator, instance="no-such-server"))
    assert res["instances"] == []


def test_rescue_status_shows_rescued(emulator):
    sid = emulator.zomro_login()
    emulator.zomro(func="instances.fleio.rescue", auth=sid, elid=ELID, sok="ok", select_boot=UBUNTU, zone="pub")
    emulator.clear_journal()
    res = ok_info(info(emulator, instance=ELID))
    assert res["instances"][0]["rescue_status"] in ("rescuing", "rescued")


def test_rescue_images(emulator):
    res = ok_info(info(emulator, instance=NAME, rescue_images=True))
    images = res["rescue_images"]
    assert len(images) == 16  # the 15 of the docs and the emulator's image of zone shr
    assert images[0] == {"id": UBUNTU, "name": "Ubuntu 22.04", "image_name": None, "zone": "pub"}
    assert {"id": "a9e7c223-5f11-4546-a298-6af546bebde6", "name": "Centos 9 x64", "image_name": "foo",
            "zone": "own"} in images
    assert funcs(emulator) == ["auth", "instances", "instances.fleio.rescue"]
    assert emulator.mutating() == []
    preview = emulator.journal()[-1]
    assert preview["form"]["elid"] == ELID and "sok" not in preview["form"]


def test_rescue_images_needs_an_instance(emulator):
    res = failed(info(emulator, rescue_images=True))
    assert "instance" in res["msg"]
    assert emulator.journal() == []
    res = failed(info(emulator, instance="no-such-server", rescue_images=True))
    assert "not found" in res["msg"]
    assert emulator.mutating() == []


def test_bad_credentials_and_expired_session(emulator):
    res = failed(info(emulator, creds=zomro_auth(emulator, password="not-the-password")))
    assert "Invalid username or password" in res["msg"] and "not-the-password" not in res.output

    sid = emulator.zomro_login()
    emulator.expire_sessions()
    emulator.clear_journal()
    res = failed(info(emulator, creds=dict(api_url=emulator.url + "/", auth_token=sid)))
    assert "auth_token has expired" in res["msg"]
    assert funcs(emulator) == ["instances"]

    emulator.clear_journal()
    res = ok_info(info(emulator, creds=zomro_auth(emulator, auth_token=sid)))
    assert len(res["instances"]) == 1
    assert funcs(emulator) == ["instances", "auth", "instances"]
