"""The Civo modules against the emulator's real-API shapes (issues 13, 14, 17): races between concurrent
``ansible-playbook`` runs, asynchronous delete, region 404, the user script as a secret, restore evidence,
the legacy snapshot API missing.  Request counts come from the emulator's journal."""

import json
import os
import tempfile
import threading
import time

from runner import REPO, civo_auth, failed, ok, run_module, run_playbook

HOST = "race.example.com"
SCRIPT = "#!/bin/sh\necho DB_PASSWORD=s3cr3t-in-script > /etc/app.env\n"


def mod(emulator, module, check=False, diff=False, **params):
    if not module.endswith("_info"):
        params.setdefault("wait_timeout", 30)
    return run_module(module, dict(civo_auth(emulator), **params), check=check, diff=diff)


def listed(emulator, hostname=None):
    items = emulator.civo("GET", "/v2/instances", region="LON1", per_page=100000).json()["items"]
    return [i for i in items if hostname is None or i["hostname"] == hostname]


def posts(emulator, suffix):
    return [e for e in emulator.journal() if e["method"] in ("POST", "PUT") and e["path"].endswith(suffix)]


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Start together
      ansible.builtin.command: "{python} -c 'import time; time.sleep(max(0, {start} - time.time()))'"
      changed_when: false
    - name: Create the instance
      vmops.cloud.civo_instance:
        api_key: "{token}"
        api_url: "{url}"
        region: LON1
        hostname: {host}
        size: g3.small
        template_id: ubuntu-jammy
        wait_timeout: 60
      register: created
    - name: Save the result
      ansible.builtin.copy:
        content: "{{{{ created | to_json }}}}"
        dest: "{out}"
      changed_when: false
"""


def in_parallel(count, func):
    """``[func(0), ..., func(count - 1)]``, each run in its own thread at the same time."""
    results = [None] * count

    def one(i):
        results[i] = func(i)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def concurrent_playbooks(emulator, count):
    import sys
    start = time.time() + 6
    outs = [tempfile.NamedTemporaryFile(suffix=".json", delete=False, dir=str(REPO / ".build")).name
            for dummy in range(count)]
    procs = in_parallel(count, lambda i: run_playbook(PLAYBOOK.format(
        python=sys.executable, start=start, token=emulator.token, url=emulator.url, host=HOST, out=outs[i])))
    results = []
    for i in range(count):
        assert procs[i].returncode == 0, procs[i].stdout + procs[i].stderr
        with open(outs[i]) as handle:
            results.append(json.load(handle))
        os.unlink(outs[i])
    return results


def test_concurrent_creates_end_with_one_instance(emulator):
    # Issue 14 item 2.  Each run's first read of the sizes answers 503 (Retry-After 1 s): every run has looked
    # the hostname up and found nothing before any of them creates, so all of them POST.
    emulator.faults(1.0, ["503"], match="/v2/sizes", methods=["GET"], limit=3, retry_after=1)
    results = concurrent_playbooks(emulator, 3)
    creates = posts(emulator, "/v2/instances")
    assert len(creates) >= 2, "the runs did not race (%d creates)" % len(creates)
    alive = listed(emulator, HOST)
    alive = [i for i in alive if i["status"] != "DELETING"]
    assert len(alive) == 1, alive
    winner = alive[0]["id"]
    # Every run succeeded, reports the instance kept, and the losers say what they deleted.
    assert all(r["instance"]["id"] == winner for r in results), results
    losers = [r for r in results if r.get("deleted_duplicate")]
    assert len(losers) == len(creates) - 1
    assert all("another run" in str(r.get("warnings")) for r in losers)
    assert winner not in [r["deleted_duplicate"] for r in losers]
    # A later run is a no-op: the DELETING losers are invisible, the hostname is not "ambiguous".
    emulator.clear_journal()
    res = ok(mod(emulator, "civo_instance", hostname=HOST, size="g3.small", template_id="ubuntu-jammy"))
    assert res["changed"] is False and res["instance"]["id"] == winner
    assert len(emulator.journal()) == 1


def test_concurrent_instance_snapshot_creates_all_succeed(emulator):
    iid = emulator.seed(instances=1)["instances"][0]
    emulator.clear_journal()
    results = in_parallel(3, lambda i: mod(emulator, "civo_instance_snapshot", instance=iid, name="nightly", wait=False))
    for res in results:
        ok(res)
    snaps = emulator.civo("GET", "/v2/instances/%s/snapshots" % iid, region="LON1").json()
    assert [s["name"] for s in snaps] == ["nightly"]
    assert all(r["snapshot"]["id"] == snaps[0]["id"] for r in results)


def test_concurrent_account_snapshot_takes_all_succeed(emulator):
    emulator.config(build_seconds=3.0)
    iid = emulator.seed(instances=1)["instances"][0]
    emulator.clear_journal()
    results = in_parallel(3, lambda i: mod(emulator, "civo_snapshot", instance=iid, name="weekly", wait=False))
    for res in results:
        ok(res)
    snaps = emulator.civo("GET", "/v2/snapshots", region="LON1").json()
    assert [s["name"] for s in snaps] == ["weekly"]


def test_absent_by_id_in_an_unknown_region_fails_naming_it(emulator):
    # Issue 13: a 404 database_region_not_found is not "absent"; today's tree reports ok.
    iid = emulator.seed(instances=1)["instances"][0]
    res = failed(run_module("civo_instance", dict(civo_auth(emulator, region="LON9"), id=iid, state="absent")),
                 "database_region_not_found", "region")
    assert res["failure"]["status"] == 404
    assert emulator.mutating() == []


def test_script_is_compared_decoded_never_returned_never_logged(emulator):
    # Issue 13 / 14 item 10 / 17 item 10.
    res = ok(mod(emulator, "civo_instance", hostname="s.example.com", size="g3.small", template_id="ubuntu-jammy",
                 script=SCRIPT))
    assert res["changed"] is True
    assert "s3cr3t-in-script" not in res.stdout and "script" not in res["instance"]
    emulator.clear_journal()
    again = ok(mod(emulator, "civo_instance", hostname="s.example.com", script=SCRIPT))
    assert again["changed"] is False and len(emulator.journal()) == 1
    info = ok(mod(emulator, "civo_instance_info", hostname="s.example.com"))
    assert info["instances"] and "script" not in info["instances"][0]
    # -vvv shows invocation.module_args: the script is masked there too.
    proc = run_playbook("""
- hosts: localhost
  gather_facts: false
  tasks:
    - vmops.cloud.civo_instance:
        api_key: "%s"
        api_url: "%s"
        hostname: s.example.com
        script: "%s"
""" % (emulator.token, emulator.url, SCRIPT.replace("\n", "\\n")), verbosity=3)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "s3cr3t-in-script" not in proc.stdout + proc.stderr
    assert "ZWNobyBEQl9QQVNTV09SRD" not in proc.stdout  # nor its base64


def test_delete_is_asynchronous_and_deleting_is_invisible(emulator):
    emulator.config(build_seconds=3.0)
    inst = emulator.seed(instances=1)["instances"][0]
    host = emulator.instance(inst)["hostname"]
    res = ok(mod(emulator, "civo_instance", id=inst, state="absent", wait=False))
    assert res["changed"] is True and emulator.instance(inst)["status"] == "DELETING"
    # A new instance with the same hostname is not "ambiguous" with the one being deleted.
    res = ok(mod(emulator, "civo_instance", hostname=host, size="g3.small", template_id="ubuntu-jammy", wait=False))
    assert res["changed"] is True and res["instance"]["id"] != inst
    again = ok(mod(emulator, "civo_instance", hostname=host, wait=False))
    assert again["changed"] is False


def test_restore_never_adopts_a_deleting_instance(emulator):
    emulator.config(build_seconds=0.3)
    iid = emulator.seed(instances=1)["instances"][0]
    ok(mod(emulator, "civo_instance_snapshot", instance=iid, name="golden"))
    # An instance with the restore's hostname is being deleted.
    old = emulator.civo("POST", "/v2/instances", hostname="copy.example.com", size="g3.small",
                        template_id="ubuntu-jammy").json()["id"]
    emulator.wait_status(old, "ACTIVE")
    emulator.config(build_seconds=6.0)
    emulator.civo("DELETE", "/v2/instances/" + old)
    emulator.config(build_seconds=0.3)
    emulator.clear_journal()
    res = ok(mod(emulator, "civo_instance_snapshot", instance=iid, name="golden", state="restored",
                 restore_hostname="copy.example.com", restore_private_ip="192.168.9.9"))
    assert res["changed"] is True and res["instance"]["id"] != old
    assert res["instance"]["private_ip"] == "192.168.9.9"  # sent as private_ipv4
    restore = posts(emulator, "/restore")
    assert len(restore) == 1 and restore[0]["body"]["private_ipv4"] == "192.168.9.9"


def test_overwrite_restore_answered_502_and_not_applied_is_not_reported_as_done(emulator):
    # Issue 14 item 5: the instance is REBOOTING, the restore POST answers 502 and is not applied.
    emulator.config(build_seconds=0.3)
    iid = emulator.seed(instances=1)["instances"][0]
    ok(mod(emulator, "civo_instance_snapshot", instance=iid, name="golden"))
    emulator.config(build_seconds=2.0)
    assert emulator.civo("POST", "/v2/instances/%s/hard_reboots" % iid, region="LON1").status_code == 200
    emulator.faults(1.0, ["502"], match="/restore", methods=["POST"], limit=1)
    emulator.clear_journal()
    res = ok(mod(emulator, "civo_instance_snapshot", instance=iid, name="golden", state="restored",
                 overwrite_existing=True))
    assert res["changed"] is True and res["adopted"] is False
    sent = posts(emulator, "/restore")
    assert [e["status"] for e in sent] == [502, 201]  # the first was not applied: sent again, once
    assert res["restore"] is not None and res["restore"]["overwrite_existing"] is True


def test_legacy_snapshot_api_missing_is_explained(emulator):
    emulator.config(legacy_snapshots=False)
    for module, params in (("civo_snapshot_info", {}),
                           ("civo_snapshot", dict(name="weekly", instance="x.example.com"))):
        res = failed(mod(emulator, module, **params), "legacy account snapshot API", "civo_instance_snapshot")
        assert res["failure"]["code"] == "legacy_snapshot_api_unavailable"
    assert emulator.mutating() == []


def test_missing_api_key_names_civo_token(emulator):
    res = failed(run_module("civo_instance_info", dict(api_url=emulator.url)), "CIVO_TOKEN", "CIVO_API_KEY")
    assert emulator.journal() == []
