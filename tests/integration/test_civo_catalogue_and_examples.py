"""Catalogue info modules (sizes, disk images, regions) against the emulator, and the EXAMPLES of every module
of the resource layer run as a playbook against it."""

import sys

import pytest
import yaml

from runner import REPO, civo_auth, ok, run_module, run_playbook

RESOURCE_MODULES = ["civo_ssh_key", "civo_ssh_key_info", "civo_network", "civo_network_info", "civo_firewall",
                    "civo_firewall_info", "civo_firewall_rule", "civo_reserved_ip", "civo_reserved_ip_info", "civo_volume",
                    "civo_volume_info", "civo_size_info", "civo_disk_image_info", "civo_region_info"]


def info(emulator, module, **params):
    return ok(run_module(module, civo_auth(emulator, **params)), changed=False)


def test_sizes(emulator):
    sizes = info(emulator, "civo_size_info")["sizes"]
    assert "g3.small" in [s["name"] for s in sizes] and all("ram_mb" in s for s in sizes)
    assert [s["name"] for s in info(emulator, "civo_size_info", name="g3.small")["sizes"]] == ["g3.small"]
    assert emulator.mutating() == []


def test_disk_images(emulator):
    images = info(emulator, "civo_disk_image_info")["disk_images"]
    names = [i["name"] for i in images]
    assert "ubuntu-jammy" in names and "talos-v1.5.0" not in names
    assert "talos-v1.5.0" in [i["name"] for i in info(emulator, "civo_disk_image_info", all=True)["disk_images"]]
    assert sorted(i["name"] for i in info(emulator, "civo_disk_image_info", distribution="debian")["disk_images"]) == [
        "debian-10", "debian-11", "debian-12"]
    focal = "b67d6fed-8ab6-45b9-be2d-2f3337c933c6"
    emulator.clear_journal()
    assert [i["name"] for i in info(emulator, "civo_disk_image_info", id=focal)["disk_images"]] == ["ubuntu-focal"]
    assert [(e["method"], e["path"]) for e in emulator.journal()] == [("GET", "/v2/disk_images/" + focal)]
    assert info(emulator, "civo_disk_image_info", id="no-such-image")["disk_images"] == []


def test_regions(emulator):
    regions = info(emulator, "civo_region_info")["regions"]
    assert "LON1" in [r["code"] for r in regions]
    assert [r["code"] for r in info(emulator, "civo_region_info", code="fra1")["regions"]] == ["FRA1"]


def examples(name):
    source = (REPO / "plugins" / "modules" / (name + ".py")).read_text()
    namespace = {}
    start = source.index('EXAMPLES = r"""')
    exec(source[start:source.index('"""', start + 15) + 3], namespace)  # the EXAMPLES string only
    return yaml.safe_load(namespace["EXAMPLES"])


@pytest.mark.parametrize("name", RESOURCE_MODULES)
def test_module_examples_run_against_the_emulator(emulator, name):
    tasks = examples(name)
    assert tasks and any(("vmops.cloud." + name) in t for t in tasks)
    play = [{"hosts": "localhost", "gather_facts": False,
             "vars": {"ansible_python_interpreter": sys.executable}, "tasks": tasks}]
    out = run_playbook(yaml.safe_dump(play), env={"CIVO_TOKEN": emulator.token, "CIVO_API_URL": emulator.url})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "failed=0" in out.stdout
    if name.endswith("_info"):
        assert emulator.mutating() == []
    else:
        assert emulator.mutating(), "the examples of %s changed nothing" % name
