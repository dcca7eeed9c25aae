"""The collection declares its Python requirements for execution environments.

* meta/execution-environment.yml is what ansible-builder reads from an INSTALLED
  collection (version 3, dependencies.python: requirements.txt).
* tests/ee/execution-environment.yml builds an EE with this collection from a local
  tarball. ``ansible-builder create`` writes its build context offline; the test then
  runs the context's own galaxy install and introspection steps (what the image build
  would run in its galaxy and builder stages) and checks that ``requests`` comes out.

Everything runs without network: proxies point at a closed port and pip has no index.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from guide_blocks import yaml_block

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)

# Any attempt to reach the network fails at once.
OFFLINE = {
    "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
    "no_proxy": "", "NO_PROXY": "", "PIP_NO_INDEX": "1",
    "ANSIBLE_GALAXY_DISABLE_GPG_VERIFY": "1",
}


def tool(name):
    path = os.path.join(BIN, name)
    return path if os.path.exists(path) else (shutil.which(name) or name)


def run(cmd, env, cwd=None):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=300, check=False)
    assert proc.returncode == 0, "%s failed (rc=%s):\n%s\n%s" % (" ".join(cmd), proc.returncode, proc.stdout,
                                                                 proc.stderr)
    return proc


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def galaxy_version():
    return load_yaml(os.path.join(REPO, "galaxy.yml"))["version"]


def requirement_names(path):
    names = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                names.append(line.split(";")[0].replace(" ", ""))
    return names


@pytest.fixture(scope="module")
def offline_env(ee_env):
    env = dict(ee_env)
    env.update(OFFLINE)
    return env


@pytest.fixture(scope="module")
def context(tmp_path_factory, offline_env):
    """A copy of tests/ee with a freshly built tarball, and the context ansible-builder creates from it."""
    work = tmp_path_factory.mktemp("ee")
    for name in ("execution-environment.yml", "requirements.yml"):
        shutil.copy(os.path.join(HERE, name), str(work / name))
    run([tool("ansible-galaxy"), "collection", "build", "--force", "--output-path", str(work / "collections"), REPO],
        offline_env)
    proc = run([tool("ansible-builder"), "create", "-f", str(work / "execution-environment.yml"),
                "-c", str(work / "context"), "--output-filename", "Containerfile",
                "-v", "3"], offline_env, cwd=str(work))
    return {"work": work, "dir": work / "context", "log": proc.stdout + proc.stderr}


def test_meta_execution_environment_declares_python_requirements():
    meta = load_yaml(os.path.join(REPO, "meta", "execution-environment.yml"))
    # only what ansible-builder's introspection reads from a collection: dependencies.python/system
    assert set(meta) == {"dependencies"}, meta
    assert set(meta["dependencies"]) <= {"python", "system"}, meta
    python_reqs = meta["dependencies"]["python"]
    path = os.path.join(REPO, python_reqs)
    assert os.path.isfile(path), "meta/execution-environment.yml names %s, which does not exist" % python_reqs
    declared = set(re.match(r"[A-Za-z0-9_.-]+", name).group(0).lower() for name in requirement_names(path))
    # The only third-party package the plugins import at run time.
    assert "requests" in declared


def test_ee_galaxy_requirement_matches_the_collection_version():
    reqs = load_yaml(os.path.join(HERE, "requirements.yml"))
    names = [c["name"] for c in reqs["collections"]]
    expected = "collections/vmops-cloud-%s.tar.gz" % galaxy_version()
    assert names == [expected], "tests/ee/requirements.yml must install %s (the version of galaxy.yml)" % expected
    ee = load_yaml(os.path.join(HERE, "execution-environment.yml"))
    assert ee["version"] == 3
    assert ee["dependencies"]["galaxy"] == "requirements.yml"
    assert ee["additional_build_files"] == [{"src": "collections/vmops-cloud-*.tar.gz", "dest": "collections"}]


def test_builder_create_writes_a_complete_context(context):
    ctx = context["dir"]
    containerfile = (ctx / "Containerfile").read_text()
    build = ctx / "_build"
    tarball = build / "collections" / ("vmops-cloud-%s.tar.gz" % galaxy_version())
    assert tarball.is_file(), "the collection tarball was not copied into the context:\n" + context["log"]
    assert load_yaml(str(build / "requirements.yml")) == load_yaml(os.path.join(HERE, "requirements.yml"))
    for script in ("introspect.py", "assemble", "install-from-bindep", "check_galaxy", "check_ansible"):
        assert (build / "scripts" / script).is_file(), script
    # The image installs ansible-core and ansible-runner, then this collection, then its requirements.
    assert 'ARG ANSIBLE_INSTALL_REFS="ansible-core>=2.17,<2.20 ansible-runner>=2.4,<3"' in containerfile
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "/output/scripts/introspect.py introspect" in containerfile
    assert "COPY --from=galaxy /usr/share/ansible /usr/share/ansible" in containerfile
    assert containerfile.index("FROM base AS galaxy") < containerfile.index("introspect.py introspect")


@pytest.fixture(scope="module")
def installed(context, offline_env):
    """The galaxy stage of the Containerfile, run here: ``WORKDIR /build`` + ``ansible-galaxy collection install``."""
    build = context["dir"] / "_build"
    target = context["work"] / "installed"
    # A clean image has no collections yet: nothing may make vmops.cloud look installed already.
    env = dict(offline_env, ANSIBLE_COLLECTIONS_PATH=str(target))
    env.pop("PYTHONPATH", None)
    run([tool("ansible-galaxy"), "collection", "install", "--offline", "-r", "requirements.yml",
         "--collections-path", str(target)], env, cwd=str(build))
    return target


def introspect(context, collections_path, env):
    """The builder stage: ``introspect.py introspect --write-pip=... --write-bindep=...``; the pip lines."""
    script = context["dir"] / "_build" / "scripts" / "introspect.py"
    pip_out = collections_path.parent / ("%s-pip.txt" % collections_path.name)
    bindep_out = collections_path.parent / ("%s-bindep.txt" % collections_path.name)
    proc = run([sys.executable, str(script), "introspect", str(collections_path),
                "--write-pip", str(pip_out), "--write-bindep", str(bindep_out)], env)
    text = pip_out.read_text() if pip_out.exists() else ""
    return [line.strip() for line in text.splitlines() if line.strip()], proc.stdout


def test_context_installs_the_collection_and_requests(context, installed, offline_env):
    coll = installed / "ansible_collections" / "vmops" / "cloud"
    assert (coll / "MANIFEST.json").is_file()
    assert (coll / "meta" / "execution-environment.yml").is_file(), "meta/execution-environment.yml is not shipped"
    assert (coll / "requirements.txt").is_file(), "requirements.txt is not shipped"
    lines, out = introspect(context, installed, offline_env)
    ours = [line for line in lines if line.endswith("# from collection vmops.cloud")]
    assert any(line.startswith("requests") for line in ours), "no requests requirement of vmops.cloud:\n" + out
    # Exactly what requirements.txt declares.
    assert len(ours) == len(requirement_names(os.path.join(REPO, "requirements.txt"))), out


def test_introspection_follows_the_meta_file(context, installed, offline_env, tmp_path):
    """builder takes the requirements from meta/execution-environment.yml, not from a guess."""
    copy = tmp_path / "collections"
    shutil.copytree(str(installed), str(copy))
    coll = copy / "ansible_collections" / "vmops" / "cloud"
    (coll / "ee-marker.txt").write_text("marker-package==1.0\n")
    meta = load_yaml(str(coll / "meta" / "execution-environment.yml"))
    meta["dependencies"]["python"] = "ee-marker.txt"
    (coll / "meta" / "execution-environment.yml").write_text(yaml.safe_dump(meta))
    lines, out = introspect(context, copy, offline_env)
    assert lines == ["marker-package==1.0  # from collection vmops.cloud"], out


def test_documented_execution_environment_is_valid(tmp_path, offline_env):
    """The EE definition the AWX guide shows is accepted by ansible-builder as it is."""
    ee = yaml_block("awx", "# execution-environment.yml")
    assert ee["dependencies"]["galaxy"] == {"collections": [{"name": "vmops.cloud"}]}
    (tmp_path / "execution-environment.yml").write_text(yaml.safe_dump(ee))
    run([tool("ansible-builder"), "create", "-f", str(tmp_path / "execution-environment.yml"),
         "-c", str(tmp_path / "context"), "--output-filename", "Containerfile"], offline_env, cwd=str(tmp_path))
    build = tmp_path / "context" / "_build"
    assert load_yaml(str(build / "requirements.yml")) == {"collections": [{"name": "vmops.cloud"}]}
    containerfile = (tmp_path / "context" / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile
    assert "/output/scripts/introspect.py introspect" in containerfile
