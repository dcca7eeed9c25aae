"""Every curl example of /work/shared/api-docs, run with real curl against the emulator.

The commands are the documentation's, with only these changes:
  * https://api.civo.com / https://api.zomro.com/ -> the emulator, "bearer 12345" -> the test token,
    example ids (abc123, 4a07ac84-..., xyz312-...) -> ids of objects that exist, region "myregion" -> LON1;
  * the ERRATA corrections: `-x POST` -> `-X POST` (reboot), `-d name=...` -> `-d firewall_id=...`
    (firewall), `public_ip=true` -> `public_ip=create` (create), `/snapshots` added to the instance
    snapshot create path;
  * the snapshot create's `-d instance_id=...&safe=true` is quoted (unquoted, a shell would cut it at &).
"""

import json
import shlex
import shutil
import subprocess

import pytest

from emulator_proc import wait_for

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def curl(emu, command, **ids):
    command = command.replace("\\\n", " ")
    command = command.replace("https://api.civo.com", emu.url).replace("https://api.zomro.com", emu.url)
    command = command.replace("bearer 12345", "bearer " + emu.token)
    for old, new in ids.items():
        command = command.replace("{%s}" % old, new)
    argv = shlex.split(command)
    assert argv[0] == "curl"
    out = subprocess.run(argv[:1] + ["-sS", "-w", "\n%{http_code}"] + argv[1:],
                         capture_output=True, text=True, timeout=20)
    assert out.returncode == 0, out.stderr
    body, _, status = out.stdout.rpartition("\n")
    return int(status), (json.loads(body) if body.strip() else None)


def test_civo_instances_examples(emulator):
    s, inst = curl(emulator, '''curl -H "Authorization: bearer 12345" https://api.civo.com/v2/instances \\
  -d "hostname=server1.prod.example.com&size=g2.xsmall&region=lon1&public_ip=create&template_id=b67d6fed-8ab6-45b9-be2d-2f3337c933c6&initial_user=example"''')
    assert s == 200 and inst["status"] == "BUILDING" and inst["source_id"] == "ubuntu-focal"
    assert inst["initial_user"] == "example" and inst["size"] == "g2.xsmall"
    lon = emulator.wait_status(inst["id"], "ACTIVE")["id"]

    s, body = curl(emulator, 'curl -H "Authorization: bearer 12345" https://api.civo.com/v2/instances?region=LON1')
    assert s == 200 and [i["id"] for i in body["items"]] == [lon]

    nyc = emulator.seed(instances=1, region="NYC1", size="g3.xsmall")["instances"][0]
    s, body = curl(emulator, 'curl -H "Authorization: bearer 12345" https://api.civo.com/v2/instances/{id}?region=NYC1',
                   id=nyc)
    assert s == 200 and body["id"] == nyc and body["region"] == "NYC1"

    s, body = curl(emulator, '''curl -H "Authorization: bearer 12345" \\
  -X PUT https://api.civo.com/v2/instances/{id}/tags -d tags=linux''', id=lon)
    assert (s, body) == (200, {"result": "success"}) and emulator.instance(lon)["tags"] == ["linux"]

    s, body = curl(emulator, '''curl -H "Authorization: bearer 12345" \\
  -X POST https://api.civo.com/v2/instances/{id}/reboots?region=NYC1''', id=nyc)
    assert (s, body) == (200, {"result": "success"})
    emulator.wait_status(nyc, "ACTIVE", region="NYC1")

    s, body = curl(emulator, '''curl -H "Authorization: bearer 12345" \\
  -X PUT https://api.civo.com/v2/instances/{id}/stop?region=NYC1''', id=nyc)
    assert (s, body) == (200, {"result": "success"})
    emulator.wait_status(nyc, "SHUTOFF", region="NYC1")

    s, body = curl(emulator, '''curl -H "Authorization: bearer 12345" \\
  -X PUT https://api.civo.com/v2/instances/{id}/start?region=NYC1''', id=nyc)
    assert (s, body) == (200, {"result": "success"})
    emulator.wait_status(nyc, "ACTIVE", region="NYC1")

    s, body = curl(emulator, '''curl -H "Authorization: bearer 12345" \\
  -X PUT https://api.civo.com/v2/instances/{id}/resize -d size=g3.small -d region=NYC1''', id=nyc)
    assert (s, body) == (200, {"result": "success"})
    assert emulator.wait_status(nyc, "ACTIVE", region="NYC1")["size"] == "g3.small"

    fw = [f["id"] for f in emulator.civo("GET", "/v2/firewalls").json() if f["name"] == "restrictive-firewall"][0]
    s, body = curl(emulator, '''curl -H "Authorization: bearer 12345" \\
  -X PUT https://api.civo.com/v2/instances/{id}/firewall -d firewall_id={fw}''', id=lon, fw=fw)
    assert s == 200 and body["firewall_id"] == fw and body["id"] == lon

    s, body = curl(emulator, '''curl -H "Authorization: bearer 12345" \\
  -X DELETE https://api.civo.com/v2/instances/{id}?region=NYC1''', id=nyc)
    assert (s, body) == (200, {"result": "success"})
    # Asynchronous delete (ERRATA): DELETING, then gone.
    emulator.advance(60)
    assert emulator.instance(nyc, region="NYC1") is None


def test_civo_recovery_examples(emulator):
    iid = emulator.seed(instances=1)["instances"][0]
    s, body = curl(emulator, 'curl -H "Authorization: bearer 12345" -X PUT '
                             'https://api.civo.com/v2/instances/{id}/recovery?region=lon1', id=iid)
    assert (s, body) == (200, {"result": "success"})
    s, body = curl(emulator, 'curl -H "Authorization: bearer 12345" '
                             'https://api.civo.com/v2/instances/{id}/recovery?region=lon1', id=iid)
    assert (s, body) == (200, {"result": "true"})
    s, body = curl(emulator, 'curl -H "Authorization: bearer 12345" -X DELETE '
                             'https://api.civo.com/v2/instances/{id}/recovery?region=lon1', id=iid)
    assert (s, body) == (200, {"result": "success"})
    s, body = curl(emulator, 'curl -H "Authorization: bearer 12345" '
                             'https://api.civo.com/v2/instances/{id}/recovery?region=lon1', id=iid)
    assert (s, body) == (200, {"result": "false"})


def test_civo_snapshot_examples(emulator):
    iid = emulator.seed(instances=1)["instances"][0]
    s, body = curl(emulator, '''curl -X PUT -H "Authorization: bearer 12345" https://api.civo.com/v2/snapshots/my-instance-snapshot \\
  -d "instance_id={id}&safe=true"''', id=iid)
    assert s == 200 and body["name"] == "my-instance-snapshot" and body["safe"] is True
    assert body["status"] == "new" and body["completed_at"] is None
    s, body = curl(emulator, 'curl -H "Authorization: bearer 12345" https://api.civo.com/v2/snapshots')
    assert s == 200 and [x["name"] for x in body] == ["my-instance-snapshot"]
    wait_for(lambda: emulator.civo("GET", "/v2/snapshots/my-instance-snapshot").json()["status"] == "complete")
    s, body = curl(emulator, '''curl -H "Authorization: bearer 12345" \\
  -X DELETE https://api.civo.com/v2/snapshots/my-instance-snapshot''')
    assert (s, body) == (202, {"name": "my-instance-snapshot", "result": "success"})


def test_civo_instance_snapshot_examples(emulator):
    iid = emulator.seed(instances=1)["instances"][0]
    s, snap = curl(emulator, '''curl -H "Authorization: bearer 12345" https://api.civo.com/v2/instances/{id}/snapshots?region=LON1 \\
  -d "name=instance-snapshot-name"''', id=iid)
    assert s == 201 and snap["name"] == "instance-snapshot-name" and snap["status"]["state"] == "Pending"
    s, body = curl(emulator, 'curl -H "Authorization: bearer 12345" '
                             'https://api.civo.com/v2/instances/{id}/snapshots?region=LON1', id=iid)
    assert s == 200 and [x["id"] for x in body] == [snap["id"]]
    wait_for(lambda: emulator.civo("GET", "/v2/instances/%s/snapshots/%s" % (iid, snap["id"])).json()
             ["status"]["state"] == "Complete")
    s, body = curl(emulator, 'curl -H "Authorization: bearer 12345" '
                             'https://api.civo.com/v2/instances/{id}/snapshots/{snap}?region=LON1', id=iid, snap=snap["id"])
    assert s == 200 and body["status"]["state"] == "Complete"
    s, body = curl(emulator, '''curl -X PUT -H "Authorization: bearer 12345" https://api.civo.com/v2/instances/{id}/snapshots/{snap}?region=LON1 \\
  -d "name=instance-snapshot-something-here"''', id=iid, snap=snap["id"])
    assert s == 200 and body["name"] == "instance-snapshot-something-here"
    s, body = curl(emulator, '''curl -H "Authorization: bearer 12345" https://api.civo.com/v2/instances/{id}/snapshots/{snap}/restore?region=LON1 \\
  -d "hostname=my-new-instance-hostname&overwrite_existing=false"''', id=iid, snap=snap["id"])
    body = body["instance"]  # civogo ResourceSnapshotRestore; no instance_id
    assert s == 201 and body["hostname"] == "my-new-instance-hostname" and body["overwrite_existing"] is False
    new_id = [i["id"] for i in emulator.civo("GET", "/v2/instances").json()["items"]
              if i["hostname"] == "my-new-instance-hostname"][0]
    emulator.wait_status(new_id, "ACTIVE")
    s, body = curl(emulator, '''curl -H "Authorization: bearer 12345" \\
  -X DELETE https://api.civo.com/v2/instances/{id}/snapshots/{snap}?region=LON1''', id=iid, snap=snap["id"])
    assert s == 200
    assert emulator.civo("GET", "/v2/instances/%s/snapshots" % iid).json() == []


def test_zomro_examples(emulator):
    sid = emulator.zomro_login()
    s, doc = curl(emulator, '''curl --location 'https://api.zomro.com/' \\
--form 'func="instances.fleio.rescue"' \\
--form 'auth="{sid}"' \\
--form 'out="json"' \\
--form 'elid="5203773"' ''', sid=sid)
    assert s == 200 and doc["doc"]["slist"][1]["val"][0]["$key"] == "f8f2573f-56c4-44c5-8469-84eee4aa64e7"
    s, doc = curl(emulator, '''curl --location 'https://api.zomro.com/' \\
--form 'func="instances.fleio.rescue"' \\
--form 'auth="{sid}"' \\
--form 'out="json"' \\
--form 'elid="5203773"' \\
--form 'sok="ok"' \\
--form 'select_boot="f8f2573f-56c4-44c5-8469-84eee4aa64e7"' \\
--form 'password="MyPassword1"' \\
--form 'zone="pub"' ''', sid=sid)
    assert (s, doc) == (200, {"doc": {"ok": {"$": "ok"}}})
    status = lambda: emulator.zomro(func="instances", auth=sid)["doc"]["elem"][0]["instance_status"]["$"].lower()  # noqa: E731
    wait_for(lambda: status() == "rescued")
    s, doc = curl(emulator, '''curl --location 'https://api.zomro.com/' \\
--form 'func="instances.fleio.unrescue"' \\
--form 'auth="{sid}"' \\
--form 'out="json"' \\
--form 'elid="5203773"' ''', sid=sid)
    assert (s, doc) == (200, {"doc": {"ok": {"$": "ok"}}})
    wait_for(lambda: status() == "active")
    assert "MyPassword1" not in json.dumps(emulator.journal())
