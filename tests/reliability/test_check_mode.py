"""Check mode: every module, for every state, sends no request that changes anything.

Each case builds a small world through the API (instances ACTIVE and SHUTOFF,
one with recovery mode requested, an account snapshot, an instance snapshot, a
Zomro instance active and one rescued), clears the journal, runs one module with
``--check --diff`` and asserts that the journal holds zero mutating requests
(attempts included) while the module reports the change it would make.
"""

import pytest

from _common import (CENTOS_OWN, MODULES, NEW_PUBLIC_KEY, PUBLIC_KEY, ZOMRO_ELID, api_instance, module_options, ok,
                     resource_world, route_problems, run, wait_until)

NEW_HOST = "cm-new.example.com"


def zomro_status(emu, elid):
    auth = "%s:%s" % (emu.zomro_user, emu.zomro_password)
    return [e for e in emu.zomro(func="instances", authinfo=auth)["doc"]["elem"]
            if e["id"]["$"] == elid][0]["instance_status"]["$"].lower()


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
    wait_until(lambda: zomro_status(emu, w["rescued"]) == "rescued")
    w["zstopped"] = str(emu.seed(zomro_instances=1)["zomro_instances"][0])
    doc = emu.zomro(func="service.stop", elid=w["zstopped"], authinfo=auth)["doc"]
    assert "error" not in doc, doc
    wait_until(lambda: zomro_status(emu, w["zstopped"]) == "stopped")
    w.update(resource_world(emu, "cm"))
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
    ("zomro-stopped", "zomro_instance", dict(instance=ZOMRO_ELID, state="stopped"), True),
    ("zomro-restarted", "zomro_instance", dict(instance=ZOMRO_ELID, state="restarted", hard=True), True),
    ("zomro-started", "zomro_instance", dict(instance="{zstopped}", state="started"), True),
    ("zomro-started-noop", "zomro_instance", dict(instance=ZOMRO_ELID, state="started"), False),
    ("sshkey-create", "civo_ssh_key", dict(name="cm-key-new", public_key=NEW_PUBLIC_KEY), True),
    ("sshkey-rename", "civo_ssh_key", dict(id="{key}", name="cm-key-renamed"), True),
    ("sshkey-noop", "civo_ssh_key", dict(name="{keyname}", public_key=PUBLIC_KEY), False),
    ("sshkey-absent", "civo_ssh_key", dict(name="{keyname}", state="absent"), True),
    ("sshkey-info", "civo_ssh_key_info", dict(name="{keyname}"), False),
    ("firewall-create", "civo_firewall", dict(name="cm-fw-new", rules=[dict(ports="22", cidr=["10.0.0.0/8"])]),
     True),
    ("firewall-rules", "civo_firewall", dict(name="{fwname}", rules=[dict(ports="443")]), True),
    ("firewall-absent", "civo_firewall", dict(id="{fw}", state="absent"), True),
    ("firewall-info", "civo_firewall_info", dict(name="{fwname}"), False),
    ("rule-present", "civo_firewall_rule", dict(firewall="{fwname}", ports="5432", cidr=["10.20.0.0/24"]), True),
    ("rule-absent", "civo_firewall_rule", dict(firewall="{fw}", ports="{rule_ports}", state="absent"), True),
    ("network-create", "civo_network", dict(label="cm-net-new", cidr_v4="10.99.0.0/24"), True),
    ("network-rename", "civo_network", dict(id="{net}", label="cm-net-renamed"), True),
    ("network-absent", "civo_network", dict(label="{netlabel}", state="absent"), True),
    ("network-info", "civo_network_info", dict(label="{netlabel}"), False),
    ("ip-create", "civo_reserved_ip", dict(name="cm-ip-new"), True),
    ("ip-assign", "civo_reserved_ip", dict(name="{ipname}", instance="{active}"), True),
    ("ip-unassigned-noop", "civo_reserved_ip", dict(id="{ip}", state="unassigned"), False),
    ("ip-absent", "civo_reserved_ip", dict(name="{ipname}", state="absent"), True),
    ("ip-info", "civo_reserved_ip_info", dict(name="{ipname}"), False),
    ("volume-create", "civo_volume", dict(name="cm-vol-new", size_gb=5), True),
    ("volume-attach", "civo_volume", dict(name="{volname}", instance="{active}", state="attached"), True),
    ("volume-resize-detached", "civo_volume", dict(id="{vol}", size_gb=10, state="detached"), True),
    ("volume-absent", "civo_volume", dict(name="{volname}", state="absent"), True),
    ("volume-info", "civo_volume_info", dict(name="{volname}"), False),
    ("size-info", "civo_size_info", dict(name="g3.small"), False),
    ("disk-image-info", "civo_disk_image_info", dict(), False),
    ("region-info", "civo_region_info", dict(), False),
]


def test_every_module_is_covered():
    """Every module in plugins/modules has check-mode cases (a new module fails here until it has)."""
    missing = sorted(set(MODULES) - set(c[1] for c in CASES))
    assert not missing, "modules without check-mode cases in test_check_mode.CASES: %s" % missing
    assert set(c[1] for c in CASES) <= set(MODULES)


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
        if case not in ("instance-restarted", "zomro-restarted"):  # a reboot of a running one ends as it began
            assert result["diff"]["before"] != result["diff"]["after"], result["diff"]


def test_every_state_of_every_module_is_covered():
    """Each choice of each module's ``state`` (its default included) has a check-mode case."""
    missing = []
    for name in MODULES:
        spec = module_options(name)[0]
        if "state" not in spec:
            continue
        seen = set(c[2].get("state", spec["state"].get("default")) for c in CASES if c[1] == name)
        missing += ["%s state=%s" % (name, s) for s in spec["state"]["choices"] if s not in seen]
    assert not missing, "no check-mode case for: %s" % missing
