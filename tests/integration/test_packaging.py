"""A publishable 0.1.0 (issue 17): licence, released changelog, roles' version_added, the tarball's
contents (allow-list), and scripts/_check_tarball.py able to fail."""

import io
import re
import subprocess
import sys
import tarfile

import pytest
import yaml

from runner import REPO, BIN, base_env

CHECK = REPO / "scripts" / "_check_tarball.py"


def galaxy():
    return yaml.safe_load((REPO / "galaxy.yml").read_text())


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(out), str(REPO)],
                       capture_output=True, text=True, env=base_env(), timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return next(out.glob("vmops-cloud-*.tar.gz"))


def names(path):
    with tarfile.open(str(path)) as tar:
        return {m.name for m in tar.getmembers()}


def test_tarball_matches_the_allow_list(tarball):
    r = subprocess.run([sys.executable, str(CHECK), str(tarball)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    listed = names(tarball)
    for dev in ("requirements-dev.txt", ".ansible-lint", "docs/CONTRIBUTING-layout.md", "scripts", "tests/emulator",
                "tests/integration", "tests/ee", "extensions", "benchmarks"):
        assert dev not in listed, dev
    for need in ("COPYING", "CHANGELOG.rst", "requirements.txt", "meta/runtime.yml", "meta/execution-environment.yml"):
        assert need in listed, need


def fake_tarball(tmp_path, extra):
    path = tmp_path / "fake.tar.gz"
    with tarfile.open(str(path), "w:gz") as tar:
        for name in ["MANIFEST.json", "FILES.json", "README.md", "COPYING", "CHANGELOG.rst", "requirements.txt",
                     "changelogs/changelog.yaml", "meta/runtime.yml", "meta/execution-environment.yml",
                     "plugins/modules/x.py", "plugins/module_utils/x.py", "plugins/inventory/x.py",
                     "roles/provision/x", "roles/backup/x", "roles/recovery/x", "playbooks/provision.yml",
                     "docs/docsite/rst/guide.rst"] + extra:
            info = tarfile.TarInfo(name)
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
    return path


def test_tarball_check_can_fail(tmp_path):
    ok = subprocess.run([sys.executable, str(CHECK), str(fake_tarball(tmp_path, []))], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    for dev in ("requirements-dev.txt", ".ansible-lint", "tests/ee/test_runner.py", "docs/CONTRIBUTING-layout.md"):
        r = subprocess.run([sys.executable, str(CHECK), str(fake_tarball(tmp_path, [dev]))], capture_output=True, text=True)
        assert r.returncode == 1 and dev in r.stderr, (dev, r.stdout, r.stderr)


def test_copying_is_the_gpl3_that_galaxy_declares():
    text = (REPO / "COPYING").read_text()
    assert text.lstrip().startswith("GNU GENERAL PUBLIC LICENSE")
    assert "Version 3, 29 June 2007" in text
    assert "END OF TERMS AND CONDITIONS" in text
    assert galaxy()["license"] == ["GPL-3.0-or-later"]


def test_execution_environment_meta_has_only_builder_keys():
    meta = yaml.safe_load((REPO / "meta" / "execution-environment.yml").read_text())
    assert set(meta) == {"dependencies"}
    assert meta["dependencies"] == {"python": "requirements.txt"}


@pytest.mark.parametrize("role", ["provision", "backup", "recovery"])
def test_roles_have_version_added(role):
    spec = yaml.safe_load((REPO / "roles" / role / "meta" / "argument_specs.yml").read_text())
    assert str(spec["argument_specs"]["main"]["version_added"]) == galaxy()["version"]


def test_changelog_released_with_summary_and_new_roles():
    version = galaxy()["version"]
    changes = yaml.safe_load((REPO / "changelogs" / "changelog.yaml").read_text())
    release = changes["releases"][version]
    assert release["changes"]["release_summary"].strip()
    assert {o["name"] for o in release["objects"]["role"]} == {"provision", "backup", "recovery"}
    rst = (REPO / "CHANGELOG.rst").read_text()
    assert re.search(r"^v%s\n=+$" % re.escape(version), rst, re.M), rst[:400]
    assert "Release Summary" in rst and "New Roles" in rst and "New Modules" in rst
    for role in ("provision", "backup", "recovery"):
        assert "vmops.cloud.%s - " % role in rst
