"""Check mode: every module, for every state, sends no request that changes anything.

Each case builds a small world through the API (instances ACTIVE and SHUTOFF,
one with recovery mode requested, an account snapshot, an instance snapshot, a
Zomro instance active and one rescued), clears the journal, runs one module with
``--check --diff`` and asserts that the journal holds zero mutating requests
(attempts included) while the module reports the change it would make.
"""

import time

import pytest

from _common import CENTOS_OWN, MODULES, ZOMRO_ELID, api_instance, ok, route_problems, run

NEW_HOST = "cm-new.example.com"


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def build_world(emu):
    emu.config(build_seconds=0.02)  # the world settles at once; check mode waits for nothing
    w = {}
    w["active"] = api_instance(emu, "cm-active.example.com")["id"]
    w["off"] = api_instance(emu, "cm-off.example.com", status="SHUTOFF")["id"]
    assert emu.civo("PUT", "/v2/instances/%s/recovery" % w["off"]).status_code == 200
    r = emu.civo("PUT", "/v2/snapshots/cm-snap", instance_id=w["active"])
    assert r.status_code == 200, r.text
    wait_until(lambda: emu.civo("GET", "/v2/snapshots/cm-snap").json()["status"] == "complete")
    r = emu.civo("POST", "/v2/instances/%s/snapshots" % w["active"], name="cm-isnap", description="d")
    assert r.status_code == 201, r.text
    w["isnap"] = r.json()["id"]
    wait_until(lambda: emu.civo("GET", "/v2/instances/%s/snapshots/cm-isnap" % w["active"]).json()
               ["status"]["state"] == "Complete")
    auth = "%s:%s" % (emu.zomro_user, emu.zomro_password)
    w["rescued"] = str(emu.seed(zomro_instances=1)["zomro_instances"][0])
    preview = emu.zomro(func="instances.fleio.rescue", elid=w["rescued"], authinfo=auth)["doc"]
    images = [v for s in preview["slist"] if s["$name"] == "select_boot" for v in s["val"]]
    image = [i for i in images if i["$"] == CENTOS_OWN][0]
    doc = emu.zomro(func="instances.fleio.rescue", elid=w["rescued"], sok="ok", select_boot=image["$key"],
                    zone=image["$depend"], authinfo=auth)["doc"]
    assert "error" not in doc, doc
    wait_until(lambda: [e for e in emu.zomro(func="instances", authinfo=auth)["doc"]["elem"]
                        if e["id"]["$"] == w["rescued"]][0]["instance_status"]["$"].lower() == "rescued")
    emu.clear_journal()
    return w


# (case id, module, params with {placeholders} from the world, changed expected)
CASES = [
    ("instance-create", "civo_instance", dict(hostname=NEW_HOST, size="g3.small", template_id="ubuntu-jammy",
                                              tags=["a"]), True),
    ("instance-update", "civo_instance", dict(id="{active}", tags=["x"], size="g3.medium",
                                              firewall_id="restrictive-firewall"), True),
    ("instance-present-noop", "civo_instance", dict(id="{active}"), False),
    ("instance-absent", "civo_instance", dict(id="{active}", state="absent"), True),
    ("instance-absent-missing", "civo_instance", dict(hostname=NEW_HOST, state="absent"), False),
    ("instance-started", "civo_instance", dict(id="{off}", state="started"), True),
    ("instance-stopped", "civo_instance", dict(id="{active}", state="stopped"), True),
    ("instance-stopped-resize", "civo_instance", dict(id="{off}", state="stopped", size="g3.medium"), True),
    ("instance-restarted", "civo_instance", dict(id="{active}", state="restarted", reboot_type="soft"), True),
    ("instance-restarted-off", "civo_instance", dict(id="{off}", state="restarted"), True),
    ("instance-info", "civo_instance_info", dict(hostname="cm-active.example.com"), False),
    ("recovery-enabled", "civo_recovery", dict(instance="{active}", state="enabled", reboot=True), True),
    ("recovery-disabled", "civo_recovery", dict(instance="{off}", state="disabled", reboot=True), True),
    ("recovery-enabled-noreboot", "civo_recovery", dict(instance="cm-active.example.com", state="enabled"), True),
    ("snapshot-create", "civo_snapshot", dict(name="cm-new", instance="{active}"), True),
    ("snapshot-cron", "civo_snapshot", dict(name="cm-cron", instance="{off}", cron_timing="0 3 * * *"), True),
    ("snapshot-retake", "civo_snapshot", dict(name="cm-snap", instance="{off}", force=True, safe=True), True),
    ("snapshot-keep", "civo_snapshot", dict(name="cm-snap", instance="{active}"), False),
    ("snapshot-absent", "civo_snapshot", dict(name="cm-snap", state="absent"), True),
    ("snapshot-info", "civo_snapshot_info", dict(instance="{active}"), False),
    ("isnap-create", "civo_instance_snapshot", dict(instance="{active}", name="cm-new"), True),
    ("isnap-update", "civo_instance_snapshot", dict(instance="{active}", id="{isnap}", name="cm-renamed",
                                                    description="new"), True),
    ("isnap-absent", "civo_instance_snapshot", dict(instance="{active}", name="cm-isnap", state="absent"), True),
    ("isnap-restore-new", "civo_instance_snapshot", dict(instance="{active}", name="cm-isnap", state="restored",
                                                         restore_hostname="cm-restored.example.com"), True),
    ("isnap-restore-over", "civo_instance_snapshot", dict(instance="{active}", name="cm-isnap", state="restored",
                                                          overwrite_existing=True), True),
    ("isnap-info", "civo_instance_snapshot_info", dict(instance="{active}"), False),
    ("rescue-enabled", "zomro_rescue", dict(instance=ZOMRO_ELID, state="enabled", image=CENTOS_OWN,
                                            rescue_password="check-mode-rescue"), True),
    ("rescue-disabled", "zomro_rescue", dict(instance="{rescued}", state="disabled"), True),
    ("rescue-enabled-noop", "zomro_rescue", dict(instance="{rescued}", state="enabled", image=CENTOS_OWN), False),
    ("zomro-info", "zomro_instance_info", dict(instance=ZOMRO_ELID, rescue_images=True), False),
]


def test_every_module_is_covered():
    assert set(c[1] for c in CASES) == set(MODULES)


@pytest.mark.parametrize("case, module, params, changed", CASES, ids=[c[0] for c in CASES])
def test_check_mode_sends_no_mutating_request(emulator, case, module, params, changed):
    world = build_world(emulator)
    params = dict((k, v.format(**world) if isinstance(v, str) else v) for k, v in params.items())
    result = ok(run(emulator, module, params, check=True, diff=True), case)
    journal = emulator.journal()
    assert journal, "the module sent no request at all"
    assert emulator.mutating() == [], "check mode sent mutating requests: %s" % emulator.mutating()
    assert not route_problems(journal)
    assert result["changed"] is changed, result
    if changed:
        assert result["actions"], result
        assert "before" in result["diff"] and "after" in result["diff"], result
        if case != "instance-restarted":  # a reboot of an ACTIVE instance ends as it began
            assert result["diff"]["before"] != result["diff"]["after"], result["diff"]
