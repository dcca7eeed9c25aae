"""Wrong credentials: one clear error, no retry storm (at most one request), the secret not echoed."""

import subprocess

import pytest
import yaml

from _common import CIVO_MODULES, ZOMRO_ELID, ZOMRO_MODULES, clean_failure, module_args, run
from runner import BIN, base_env, run_module

WRONG_KEY = "wrong-civo-key-5b1e0c"
WRONG_PASSWORD = "wrong-zomro-password-77d1"
WRONG_SESSION = "0123456789abcdef01234567"
ANY_ID = "779d651a-8e10-4019-9cc0-448451d16157"

# Placeholders of _common.MODULE_ARGS: nothing exists, the key is refused before any lookup.
FAKE_WORLD = dict(id=ANY_ID, fwname="web", fw=ANY_ID)
# Every Civo module (discovered from plugins/modules) with its minimal arguments, plus deletes by id.
CIVO_CASES = [(name, module_args(name, FAKE_WORLD)) for name in CIVO_MODULES] + [
    ("civo_instance", dict(id=ANY_ID, state="absent")),
    ("civo_ssh_key", dict(id=ANY_ID, state="absent")),
    ("civo_volume", dict(id=ANY_ID, state="absent")),
]
ZOMRO_CASES = [(name, module_args(name)) for name in ZOMRO_MODULES] + [
    ("zomro_rescue", dict(instance=ZOMRO_ELID, state="disabled")),
    ("zomro_instance", dict(instance=ZOMRO_ELID, state="stopped")),
]


@pytest.mark.parametrize("module, params", CIVO_CASES, ids=["%s-%d" % (c[0], i) for i, c in enumerate(CIVO_CASES)])
def test_wrong_civo_key_is_one_clear_error(emulator, module, params):
    result = clean_failure(run(emulator, module, params, api_key=WRONG_KEY), module)
    assert "authentication failed" in result["msg"] and "api_key" in result["msg"], result["msg"]
    assert result["failure"]["status"] == 401, result
    journal = emulator.journal()
    assert len(journal) == 1, journal
    assert journal[0]["status"] == 401
    assert WRONG_KEY not in result.output


@pytest.mark.parametrize("module, params", ZOMRO_CASES, ids=["%s-%d" % (c[0], i) for i, c in enumerate(ZOMRO_CASES)])
def test_wrong_zomro_password_is_one_clear_error(emulator, module, params):
    result = clean_failure(run(emulator, module, params, password=WRONG_PASSWORD), module)
    assert "Invalid username or password" in result["msg"], result["msg"]
    journal = emulator.journal()
    assert [e["func"] for e in journal] == ["auth"], journal
    assert WRONG_PASSWORD not in result.output


@pytest.mark.parametrize("module", ZOMRO_MODULES)
def test_invalid_zomro_session_without_password_is_one_clear_error(emulator, module):
    params = module_args(module)
    params.pop("rescue_password", None)
    params.update(api_url=emulator.url + "/", auth_token=WRONG_SESSION)
    result = clean_failure(run_module(module, params), module)
    assert "auth_token" in result["msg"] and "log in again" in result["msg"], result["msg"]
    assert len(emulator.journal()) == 1, emulator.journal()
    assert WRONG_SESSION not in result.output


def test_wrong_key_in_the_inventory_is_one_clear_error(emulator, tmp_path):
    path = tmp_path / "auth.civo.yml"
    path.write_text(yaml.safe_dump({"plugin": "vmops.cloud.civo", "api_url": emulator.url, "api_key": WRONG_KEY}))
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(path), "--list", "-vvv"],
                          capture_output=True, text=True, timeout=300,
                          env=base_env({"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}))
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "authentication failed" in output, output
    assert len(emulator.journal()) == 1, emulator.journal()
    assert WRONG_KEY not in output
