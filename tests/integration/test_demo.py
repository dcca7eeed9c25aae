"""The demo playbook end to end, twice, against an emulator that keeps its state.

The first run provisions, backs up, drills recovery and rescue, restores; the
second run must report changed=0 and send no changing request at all.
"""

import re

from emulator_proc import start_emulator
from runner import REPO, run_playbook


def recap(output):
    match = re.search(r"localhost\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    assert match, output[-3000:]
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, match.groups())))


def test_demo_runs_then_reruns_without_changes(tmp_path):
    emu = start_emulator(state=str(tmp_path / "emulator.sqlite"), build_seconds=0.3)
    try:
        env = {
            "CIVO_TOKEN": emu.token, "CIVO_API_URL": emu.url, "CIVO_REGION": "LON1",
            "ZOMRO_USERNAME": emu.zomro_user, "ZOMRO_PASSWORD": emu.zomro_password,
            "ZOMRO_API_URL": emu.url + "/", "VMOPS_DEMO_STATE_DIR": str(tmp_path / "markers"),
        }
        first = run_playbook(REPO / "playbooks" / "demo.yml", env=env)
        assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
        assert recap(first.stdout)["changed"] > 0
        created = [e for e in emu.journal() if e["method"] == "POST" and e["path"] == "/v2/instances"]
        assert len(created) == 3
        for secret in (emu.token, emu.zomro_password):
            assert secret not in first.stdout + first.stderr
        hostnames = sorted(i["hostname"] for i in emu.civo("GET", "/v2/instances", per_page=100).json()["items"])
        assert hostnames == ["demo-db-1", "demo-web-1", "demo-web-2", "demo-web-2-restored"]
        zomro = emu.zomro(func="instances", authinfo="%s:%s" % (emu.zomro_user, emu.zomro_password))
        assert [e["instance_status"]["$"].lower() for e in zomro["doc"]["elem"]] == ["active"]

        emu.clear_journal()
        second = run_playbook(REPO / "playbooks" / "demo.yml", env=env)
        assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-2000:]
        assert recap(second.stdout)["changed"] == 0, second.stdout[-4000:]
        assert emu.mutating() == []
    finally:
        emu.stop()
