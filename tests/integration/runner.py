"""Run the collection's modules and playbooks from tests, as Ansible does.

``run_module`` executes a module file as a real process with
``ANSIBLE_MODULE_ARGS`` (about 0.3 s a run); ``run_playbook`` runs
``ansible-playbook`` for end-to-end tests.  Both find the collection through
``.build/collections/ansible_collections/vmops/cloud`` (a link to the repo).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".build" / "collections"
BIN = Path(sys.executable).parent


def ensure_collection_path():
    link = COLLECTIONS / "ansible_collections" / "vmops" / "cloud"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        link.symlink_to(REPO, target_is_directory=True)
    return COLLECTIONS


def base_env(extra=None):
    env = dict(os.environ)
    ensure_collection_path()
    env["PYTHONPATH"] = os.pathsep.join([str(COLLECTIONS)] + [p for p in [env.get("PYTHONPATH")] if p])
    env["ANSIBLE_COLLECTIONS_PATH"] = str(COLLECTIONS)
    env.setdefault("ANSIBLE_NOCOLOR", "1")
    env.setdefault("ANSIBLE_FORCE_COLOR", "0")
    env.setdefault("ANSIBLE_HOST_KEY_CHECKING", "False")
    env.setdefault("ANSIBLE_LOCALHOST_WARNING", "False")
    env.setdefault("ANSIBLE_INVENTORY_UNPARSED_WARNING", "False")
    env.setdefault("ANSIBLE_PYTHON_INTERPRETER", sys.executable)
    # Tests pass credentials explicitly; never pick up a developer's real ones.
    for name in ("CIVO_TOKEN", "CIVO_API_KEY", "CIVO_API_URL", "CIVO_REGION",
                 "ZOMRO_USERNAME", "ZOMRO_PASSWORD", "ZOMRO_AUTH", "ZOMRO_API_URL"):
        env.pop(name, None)
    env.update(extra or {})
    return env


class ModuleResult(dict):
    """The module's JSON result, plus ``rc``, ``stdout`` and ``stderr`` attributes."""

    rc = None
    stdout = ""
    stderr = ""

    @property
    def output(self):
        return self.stdout + self.stderr


def run_module(name, params, check=False, diff=False, env=None, timeout=300):
    """Run ``vmops.cloud.<name>`` with ``params``; return its result dict."""
    args = dict(params)
    args["_ansible_check_mode"] = check
    args["_ansible_diff"] = diff
    args.setdefault("_ansible_module_name", "vmops.cloud." + name)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
        path = handle.name
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ansible_collections.vmops.cloud.plugins.modules." + name, path],
            capture_output=True, text=True, env=base_env(env), timeout=timeout, cwd=str(REPO))
    finally:
        os.unlink(path)
    result = ModuleResult()
    for line in reversed(proc.stdout.strip().splitlines()):
        if line.startswith("{"):
            try:
                result.update(json.loads(line))
                break
            except ValueError:
                continue
    else:
        result.update(failed=True, msg="module printed no JSON result", unparsed=True)
    result.rc = proc.returncode
    result.stdout = proc.stdout
    result.stderr = proc.stderr
    return result


def run_playbook(playbook, extra_vars=None, check=False, diff=False, verbosity=0, env=None,
                 inventory=None, timeout=900, cwd=None):
    """Run ``ansible-playbook``; ``playbook`` is a path or the YAML text of a playbook."""
    cleanup = None
    if "\n" in str(playbook):
        handle = tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False, dir=str(cwd or REPO / ".build"))
        handle.write(playbook)
        handle.close()
        playbook = cleanup = handle.name
    cmd = [str(BIN / "ansible-playbook"), str(playbook), "-i", inventory or "localhost,", "-c", "local"]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    try:
        return subprocess.run(cmd, capture_output=True, text=True, env=base_env(env), timeout=timeout,
                              cwd=str(cwd or REPO))
    finally:
        if cleanup:
            os.unlink(cleanup)


def ok(result, changed=None):
    """Assert a module run succeeded (no traceback); optionally its ``changed``."""
    assert result.rc == 0 and not result.get("failed"), result.output
    assert "Traceback" not in result.output, result.output
    if changed is not None:
        assert result["changed"] is changed, result
    return result


def failed(result, *texts):
    """Assert a module run failed with a message (JSON result, no traceback) containing ``texts``."""
    assert result.rc != 0 and result.get("failed"), result.output
    assert "Traceback" not in result.output and not result.get("unparsed"), result.output
    for text in texts:
        assert text in result["msg"], result["msg"]
    return result


def civo_auth(emulator, region="LON1", **extra):
    params = dict(api_key=emulator.token, api_url=emulator.url, region=region)
    params.update(extra)
    return params


def zomro_auth(emulator, **extra):
    params = dict(api_url=emulator.url + "/", username=emulator.zomro_user, password=emulator.zomro_password)
    params.update(extra)
    return params
