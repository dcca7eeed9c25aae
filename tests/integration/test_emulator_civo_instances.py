"""Civo instances and supporting lists, over HTTP against the emulator process."""

import base64
import json
import time

import pytest
import requests

from emulator_proc import wait_for

UBUNTU_FOCAL = "b67d6fed-8ab6-45b9-be2d-2f3337c933c6"


def create(emu, **kw):
    params = dict(hostname="web1.example.com", size="g3.small", template_id="ubuntu-jammy")
    params.update(kw)
    r = emu.civo("POST", "/v2/instances", **params)
    assert r.status_code == 200, r.text
    return r.json()


def assert_error(r, status, code):
    assert r.status_code == status, r.text
    body = r.json()
    assert "result" not in body and body["code"] == code and body["reason"]


# -- auth and parameter transport ---------------------------------------------
def test_auth_missing_wrong_and_case_insensitive_scheme(emulator):
    url = emulator.url + "/v2/instances"
    r = requests.get(url)
    assert_error(r, 401, "authentication_invalid_key")
    r = requests.get(url, headers={"Authorization": "bearer wrong"})
    assert_error(r, 401, "database_account_not_found")
    r = requests.get(url, headers={"Authorization": "token " + emulator.token})
    assert r.status_code == 401
    for scheme in ("bearer", "Bearer", "BEARER", "bEaReR"):
        r = requests.get(url, headers={"Authorization": "%s %s" % (scheme, emulator.token)})
        assert r.status_code == 200, scheme
    # the supporting lists share the rules
    assert requests.get(emulator.url + "/v2/sizes").status_code == 401


def test_parameters_from_query_form_and_json(emulator):
    h = {"Authorization": "bearer " + emulator.token}
    base = dict(hostname="q.example.com", size="g3.small", template_id="debian-11")
    r = requests.post(emulator.url + "/v2/instances", params=base, headers=h)
    assert r.status_code == 200 and r.json()["hostname"] == "q.example.com"
    r = requests.post(emulator.url + "/v2/instances", data=dict(base, hostname="f.example.com"), headers=h)
    assert r.status_code == 200 and r.json()["hostname"] == "f.example.com"
    r = requests.post(emulator.url + "/v2/instances", json=dict(base, hostname="j.example.com", region="nyc1"),
                      headers=h)
    assert r.status_code == 200 and r.json()["region"] == "NYC1"
    r = requests.post(emulator.url + "/v2/instances", data="{not json", headers=dict(h, **{
        "Content-Type": "application/json"}))
    assert_error(r, 400, "parameter_body_invalid")


# -- supporting lists ---------------------------------------------------------
def test_supporting_lists(emulator):
    regions = emulator.civo("GET", "/v2/regions").json()
    assert {"LON1", "NYC1", "FRA1"} <= {r["code"] for r in regions}
    assert [r["code"] for r in regions if r["default"]] == ["LON1"]

    sizes = {s["name"]: s for s in emulator.civo("GET", "/v2/sizes").json()}
    for name in ("g3.xsmall", "g3.small", "g3.medium", "g3.large", "g3.xlarge"):
        assert {"cpu_cores", "ram_mb", "disk_gb"} <= set(sizes[name])
    assert sizes["g3.small"]["ram_mb"] == 2048 and sizes["g3.large"]["cpu_cores"] == 4

    images = emulator.civo("GET", "/v2/disk_images").json()
    names = {i["name"]: i["id"] for i in images}
    assert {"ubuntu-jammy", "debian-11", "ubuntu-focal"} <= set(names)
    assert names["ubuntu-focal"] == UBUNTU_FOCAL
    assert all(len(i["id"]) == 36 for i in images)

    for region in ("LON1", "NYC1", "fra1"):
        nets = emulator.civo("GET", "/v2/networks", region=region).json()
        assert len(nets) == 1
        net = nets[0]
        assert net["label"] == "default" and net["default"] is True and net["region"] == region.upper()
        fws = emulator.civo("GET", "/v2/firewalls", region=region).json()
        assert {f["network_id"] for f in fws} == {net["id"]}
        assert "default" in {f["name"] for f in fws}
    lon = emulator.civo("GET", "/v2/networks").json()[0]
    nyc = emulator.civo("GET", "/v2/networks", region="NYC1").json()[0]
    assert lon["region"] == "LON1" and lon["id"] != nyc["id"]

    keys = emulator.civo("GET", "/v2/sshkeys").json()
    key = [k for k in keys if k["name"] == "default-key"][0]
    assert key["id"] and key["fingerprint"]
    assert emulator.civo("GET", "/v2/sshkeys/" + key["id"]).json()["name"] == "default-key"
    assert_error(emulator.civo("GET", "/v2/sshkeys/nope"), 404, "database_ssh_key_not_found")
    # civo/cli issue #329: an unknown region is a 404 (not "the object is absent").
    assert_error(emulator.civo("GET", "/v2/networks", region="mars1"), 404, "database_region_not_found")


# -- create -------------------------------------------------------------------
def test_create_builds_then_active_with_ips(emulator):
    inst = create(emulator)
    assert inst["status"] == "BUILDING"
    assert inst["public_ip"] is None and inst["private_ip"] is None
    assert inst["region"] == "LON1" and inst["size"] == "g3.small"
    assert inst["cpu_cores"] == 1 and inst["ram_mb"] == 2048 and inst["disk_gb"] == 25
    assert inst["name"].startswith("web1-") and inst["hostname"] == "web1.example.com"
    assert inst["initial_password"] and inst["ssh_key_id"] == "" and inst["initial_user"] == "civo"
    assert "recovery_mode" not in inst and "user_script" not in inst
    nets = emulator.civo("GET", "/v2/networks").json()
    fws = emulator.civo("GET", "/v2/firewalls").json()
    assert inst["network_id"] == nets[0]["id"]
    assert inst["firewall_id"] == [f["id"] for f in fws if f["name"] == "default"][0]
    active = emulator.wait_status(inst["id"], "ACTIVE")
    assert active["public_ip"] and active["private_ip"].startswith("192.168.")
    assert active["initial_password"] == inst["initial_password"]


def test_create_with_every_optional_field(emulator):
    key = emulator.civo("GET", "/v2/sshkeys").json()[0]
    fw = [f for f in emulator.civo("GET", "/v2/firewalls", region="NYC1").json()
          if f["name"] == "restrictive-firewall"][0]
    net = emulator.civo("GET", "/v2/networks", region="NYC1").json()[0]
    inst = create(emulator, hostname="db.example.com", size="g3.medium", template_id="debian-11",
                  region="nyc1", network_id=net["id"], firewall_id=fw["id"], count=1,
                  reverse_dns="rdns.example.com", public_ip="none", initial_user="admin",
                  ssh_key_id=key["id"], script="#!/bin/sh\necho hi\n", tags="db prod")
    assert inst["region"] == "NYC1" and inst["network_id"] == net["id"] and inst["firewall_id"] == fw["id"]
    assert inst["reverse_dns"] == "rdns.example.com" and inst["initial_user"] == "admin"
    assert inst["ssh_key_id"] == key["id"] and inst["ssh_key"] == key["public_key"]
    assert inst["initial_password"] == ""
    assert inst["tags"] == ["db", "prod"]
    # civogo Instance.Script: base64 in "script", no "user_script".
    assert base64.b64decode(inst["script"]).decode() == "#!/bin/sh\necho hi\n" and "user_script" not in inst
    assert inst["source_id"] == "debian-11"
    active = emulator.wait_status(inst["id"], "ACTIVE", region="NYC1")
    assert active["public_ip"] is None and active["private_ip"]
    assert base64.b64decode(active["script"]).decode() == "#!/bin/sh\necho hi\n"


def test_create_count_and_template_by_id_or_name(emulator):
    first = create(emulator, count=3, template_id=UBUNTU_FOCAL, tags="batch")
    assert first["source_id"] == "ubuntu-focal"
    items = emulator.civo("GET", "/v2/instances", tags="batch").json()["items"]
    assert len(items) == 3 and len({i["id"] for i in items}) == 3
    assert len({i["name"] for i in items}) == 3


@pytest.mark.parametrize("params,status,code", [
    ({"hostname": None}, 400, "parameter_hostname_missing"),
    ({"hostname": "bad host!"}, 400, "parameter_hostname_invalid"),
    ({"size": None}, 400, "parameter_size_missing"),
    ({"size": "g9.huge"}, 400, "database_size_not_found"),
    ({"template_id": None}, 400, "parameter_template_id_missing"),
    ({"template_id": "windows-95"}, 400, "database_disk_image_not_found"),
    ({"network_id": "nope"}, 400, "database_network_not_found"),
    ({"network_id": ""}, 400, "parameter_network_id_invalid"),
    ({"firewall_id": "nope"}, 400, "database_firewall_not_found"),
    ({"public_ip": "true"}, 400, "parameter_public_ip_invalid"),
    ({"ssh_key_id": "nope"}, 400, "database_ssh_key_not_found"),
    ({"count": "0"}, 400, "parameter_count_invalid"),
    ({"count": "many"}, 400, "parameter_count_invalid"),
    ({"count": 51}, 403, "quota_limit_reached"),
    ({"region": "mars1"}, 404, "database_region_not_found"),
])
def test_create_errors(emulator, params, status, code):
    body = dict(hostname="e.example.com", size="g3.small", template_id="ubuntu-jammy")
    for k, v in params.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = v
    assert_error(emulator.civo("POST", "/v2/instances", **body), status, code)
    assert emulator.civo("GET", "/v2/instances").json()["items"] == []


def test_create_network_of_other_region_is_not_found(emulator):
    nyc = emulator.civo("GET", "/v2/networks", region="NYC1").json()[0]
    assert_error(emulator.civo("POST", "/v2/instances", hostname="x", size="g3.small",
                               template_id="ubuntu-jammy", network_id=nyc["id"]),
                 400, "database_network_not_found")


# -- list, get ----------------------------------------------------------------
def test_list_pagination_and_filters(emulator):
    emulator.seed(instances=45, tags=["web"])
    emulator.seed(instances=5, tags=["db", "prod"])
    emulator.seed(instances=7, region="NYC1", tags=["web"])
    body = emulator.civo("GET", "/v2/instances").json()
    assert (body["page"], body["per_page"], body["pages"], len(body["items"])) == (1, 20, 3, 20)
    body = emulator.civo("GET", "/v2/instances", page=3).json()
    assert (body["page"], body["pages"], len(body["items"])) == (3, 3, 10)
    assert emulator.civo("GET", "/v2/instances", page=9).json()["items"] == []
    ids = set()
    for page in (1, 2, 3):
        ids |= {i["id"] for i in emulator.civo("GET", "/v2/instances", page=page).json()["items"]}
    assert len(ids) == 50
    big = emulator.civo("GET", "/v2/instances", per_page=99999999).json()
    assert big["pages"] == 1 and len(big["items"]) == 50
    assert len(emulator.civo("GET", "/v2/instances", tags="web", per_page=100).json()["items"]) == 45
    assert len(emulator.civo("GET", "/v2/instances", tags="prod db").json()["items"]) == 5
    assert emulator.civo("GET", "/v2/instances", tags="web db").json()["items"] == []
    nyc = emulator.civo("GET", "/v2/instances", region="nyc1").json()
    assert len(nyc["items"]) == 7 and {i["region"] for i in nyc["items"]} == {"NYC1"}
    assert emulator.civo("GET", "/v2/instances", region="FRA1").json() == {
        "page": 1, "per_page": 20, "pages": 1, "items": []}
    assert_error(emulator.civo("GET", "/v2/instances", page=0), 400, "parameter_page_invalid")
    assert_error(emulator.civo("GET", "/v2/instances", per_page="x"), 400, "parameter_per_page_invalid")


def test_get_and_wrong_region_is_not_found(emulator):
    inst = create(emulator, region="NYC1")
    r = emulator.civo("GET", "/v2/instances/" + inst["id"], region="nyc1")
    assert r.status_code == 200 and r.json()["id"] == inst["id"]
    for region in ("LON1", None):
        params = {"region": region} if region else {}
        assert_error(emulator.civo("GET", "/v2/instances/" + inst["id"], **params),
                     404, "database_instance_not_found")
        assert_error(emulator.civo("PUT", "/v2/instances/%s/stop" % inst["id"], **params),
                     404, "database_instance_not_found")
        assert_error(emulator.civo("DELETE", "/v2/instances/" + inst["id"], **params),
                     404, "database_instance_not_found")
    assert_error(emulator.civo("GET", "/v2/instances/00000000-0000-0000-0000-000000000000"),
                 404, "database_instance_not_found")


def test_unknown_route_and_method(emulator):
    assert emulator.civo("GET", "/v2/volcanoes").status_code == 404
    assert emulator.civo("PATCH", "/v2/instances").status_code == 405


# -- actions --------------------------------------------------------------------
def test_retag_replaces_and_empty_removes(emulator):
    inst = create(emulator, tags="a b")
    r = emulator.civo("PUT", "/v2/instances/%s/tags" % inst["id"], tags="linux web")
    assert r.status_code == 200 and r.json() == {"result": "success"}
    assert emulator.instance(inst["id"])["tags"] == ["linux", "web"]
    emulator.civo("PUT", "/v2/instances/%s/tags" % inst["id"], tags=["x", "y"])
    assert emulator.instance(inst["id"])["tags"] == ["x", "y"]
    emulator.civo("PUT", "/v2/instances/%s/tags" % inst["id"])
    assert emulator.instance(inst["id"])["tags"] == []


def test_stop_start_lifecycle(emulator):
    emulator.config(build_seconds=60)
    inst = create(emulator)
    iid = inst["id"]
    assert_error(emulator.civo("PUT", "/v2/instances/%s/stop" % iid), 409,
                 "instance_state_must_be_active_or_shutoff")
    emulator.advance(60)
    assert emulator.instance(iid)["status"] == "ACTIVE"
    assert emulator.civo("PUT", "/v2/instances/%s/stop" % iid).json() == {"result": "success"}
    assert emulator.instance(iid)["status"] == "STOPPING"
    assert_error(emulator.civo("PUT", "/v2/instances/%s/start" % iid), 409,
                 "instance_state_must_be_active_or_shutoff")
    emulator.advance(60)
    assert emulator.instance(iid)["status"] == "SHUTOFF"
    # stopping a stopped instance is a no-op success
    assert emulator.civo("PUT", "/v2/instances/%s/stop" % iid).status_code == 200
    assert emulator.instance(iid)["status"] == "SHUTOFF"
    assert emulator.civo("PUT", "/v2/instances/%s/start" % iid).json() == {"result": "success"}
    assert emulator.instance(iid)["status"] == "STARTING"
    emulator.advance(60)
    assert emulator.instance(iid)["status"] == "ACTIVE"
    assert emulator.civo("PUT", "/v2/instances/%s/start" % iid).status_code == 200
    assert emulator.instance(iid)["status"] == "ACTIVE"


@pytest.mark.parametrize("route", ["reboots", "hard_reboots", "soft_reboots"])
def test_reboots(emulator, route):
    iid = emulator.seed(instances=1)["instances"][0]
    emulator.config(build_seconds=60)
    r = emulator.civo("POST", "/v2/instances/%s/%s" % (iid, route))
    assert r.status_code == 200 and r.json() == {"result": "success"}
    assert emulator.instance(iid)["status"] == "REBOOTING"
    assert_error(emulator.civo("POST", "/v2/instances/%s/%s" % (iid, route)), 409,
                 "instance_state_must_be_active_or_shutoff")
    emulator.advance(60)
    assert emulator.instance(iid)["status"] == "ACTIVE"


def test_hard_reboot_boots_a_shutoff_instance_soft_does_not(emulator):
    iid = emulator.seed(instances=1, status="SHUTOFF")["instances"][0]
    assert_error(emulator.civo("POST", "/v2/instances/%s/soft_reboots" % iid), 409,
                 "instance_state_must_be_active_or_shutoff")
    assert emulator.civo("POST", "/v2/instances/%s/hard_reboots" % iid).status_code == 200
    emulator.wait_status(iid, "ACTIVE")


def test_resize_upward_only(emulator):
    iid = emulator.seed(instances=1, size="g3.medium")["instances"][0]
    for size, code in (("g3.small", "parameter_size_invalid"), ("g3.medium", "parameter_size_invalid"),
                       ("g3.tiny", "database_size_not_found"), (None, "parameter_size_missing")):
        params = {"size": size} if size else {}
        assert_error(emulator.civo("PUT", "/v2/instances/%s/resize" % iid, **params), 400, code)
    emulator.config(build_seconds=60)
    r = emulator.civo("PUT", "/v2/instances/%s/resize" % iid, size="g3.large", region="LON1")
    assert r.status_code == 200 and r.json() == {"result": "success"}
    inst = emulator.instance(iid)
    assert inst["status"] == "BUILDING" and inst["size"] == "g3.large"
    assert (inst["cpu_cores"], inst["ram_mb"], inst["disk_gb"]) == (4, 8192, 100)
    assert_error(emulator.civo("PUT", "/v2/instances/%s/resize" % iid, size="g3.xlarge"), 409,
                 "instance_state_must_be_active_or_shutoff")
    emulator.advance(60)
    assert emulator.instance(iid)["status"] == "ACTIVE"


def test_set_firewall(emulator):
    iid = emulator.seed(instances=1)["instances"][0]
    fws = {f["name"]: f["id"] for f in emulator.civo("GET", "/v2/firewalls").json()}
    r = emulator.civo("PUT", "/v2/instances/%s/firewall" % iid, firewall_id=fws["restrictive-firewall"])
    assert r.status_code == 200 and r.json()["id"] == iid
    assert r.json()["firewall_id"] == fws["restrictive-firewall"]
    assert emulator.instance(iid)["firewall_id"] == fws["restrictive-firewall"]
    assert_error(emulator.civo("PUT", "/v2/instances/%s/firewall" % iid, firewall_id="nope"),
                 400, "database_firewall_not_found")
    nyc_fw = emulator.civo("GET", "/v2/firewalls", region="NYC1").json()[0]["id"]
    assert_error(emulator.civo("PUT", "/v2/instances/%s/firewall" % iid, firewall_id=nyc_fw),
                 400, "database_firewall_not_found")
    # blank firewall_id: the default network's default firewall (documented)
    r = emulator.civo("PUT", "/v2/instances/%s/firewall" % iid)
    assert r.json()["firewall_id"] == fws["default"]
    counts = {f["name"]: f["instance_count"] for f in emulator.civo("GET", "/v2/firewalls").json()}
    assert counts["default"] == 1


def test_delete(emulator):
    inst = create(emulator)
    r = emulator.civo("DELETE", "/v2/instances/" + inst["id"])
    assert r.status_code == 200 and r.json() == {"result": "success"}
    # Asynchronous, as the real API: DELETING first, then gone (also from the list).
    assert emulator.instance(inst["id"])["status"] == "DELETING"
    assert [i["status"] for i in emulator.civo("GET", "/v2/instances").json()["items"]] == ["DELETING"]
    emulator.advance(60)
    assert emulator.instance(inst["id"]) is None
    assert emulator.civo("GET", "/v2/instances").json()["items"] == []
    assert_error(emulator.civo("DELETE", "/v2/instances/" + inst["id"]), 404, "database_instance_not_found")


def test_actions_on_unknown_instance_are_404(emulator):
    for method, suffix in (("PUT", "tags"), ("POST", "reboots"), ("POST", "hard_reboots"),
                           ("POST", "soft_reboots"), ("PUT", "stop"), ("PUT", "start"),
                           ("PUT", "resize"), ("PUT", "firewall"), ("GET", "recovery"),
                           ("PUT", "recovery"), ("DELETE", "recovery"), ("GET", "snapshots"),
                           ("POST", "snapshots")):
        r = emulator.civo(method, "/v2/instances/missing/" + suffix, size="g3.large")
        assert_error(r, 404, "database_instance_not_found")


def test_advance_clock(emulator):
    emulator.config(build_seconds=3600)
    inst = create(emulator)
    emulator.advance(3599)
    assert emulator.instance(inst["id"])["status"] == "BUILDING"
    emulator.advance(1)
    assert emulator.instance(inst["id"])["status"] == "ACTIVE"


def test_build_seconds_config_at_run_time(emulator):
    emulator.config(build_seconds=30)
    inst = create(emulator)
    time.sleep(0.3)
    assert emulator.instance(inst["id"])["status"] == "BUILDING"
    emulator.config(build_seconds=0)
    inst = create(emulator)
    assert inst["status"] == "BUILDING"
    assert emulator.instance(inst["id"])["status"] == "ACTIVE"
    cfg = requests.get(emulator.url + "/_sim/config").json()
    assert cfg["build_seconds"] == 0
    emulator.reset()
    assert requests.get(emulator.url + "/_sim/config").json()["build_seconds"] == 0.2


def test_secrets_not_logged(emulator):
    create(emulator, hostname="sec.example.com")
    emulator.zomro(func="auth", username=emulator.zomro_user, password=emulator.zomro_password)
    wait_for(lambda: "POST / 200" in emulator.log(), what="log line")
    log = emulator.log()
    assert emulator.token not in log and emulator.zomro_password not in log
    assert "POST /v2/instances 200" in log
    assert emulator.zomro_password not in json.dumps(emulator.journal())
