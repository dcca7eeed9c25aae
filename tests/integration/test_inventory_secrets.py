"""The inventory plugins keep credentials to themselves (issue 14 items 8 and 9).

* The cache is per credential: the same ``*.civo.yml`` with another ``CIVO_TOKEN`` (another
  account) never gets the first account's hosts from the cache; the same for another Zomro
  password.  Cache files hold neither the credential nor an unsalted hash of it.
* An API error that echoes the request (the ``Authorization`` header, the Zomro form with the
  password and the session id) never shows a secret in ``ansible-inventory`` output, at any
  verbosity: inventory plugins get no ``no_log`` masking.

Two accounts and echoing error pages come from a loopback rewriting proxy in front of the emulator.
"""

import hashlib
import json
import os
import re
import subprocess
from urllib.parse import parse_qs

import yaml

from emulator_proc import free_port
from rewrite_proxy import RewriteProxy
from runner import BIN, base_env

STRICT_ENV = {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}
OTHER_TOKEN = "second-account-token-4b1d9e"


def header(request, name):
    for key, value in request["headers"].items():
        if key.lower() == name.lower():
            return value
    return None


def inventory(path, cfg, *args, env=None):
    with open(str(path), "w") as fh:
        yaml.safe_dump(cfg, fh)
    extra = dict(STRICT_ENV)
    extra.update(env or {})
    return subprocess.run([str(BIN / "ansible-inventory"), "-i", str(path)] + list(args),
                          capture_output=True, text=True, env=base_env(extra), timeout=300)


def hosts_of(proc):
    assert proc.returncode == 0, proc.stderr
    return sorted(json.loads(proc.stdout)["_meta"]["hostvars"])


def forbidden_forms(secret):
    """The secret and the unsalted digests someone could look it up by."""
    data = secret.encode()
    return [secret] + [getattr(hashlib, algo)(data).hexdigest()[:n] for algo in ("md5", "sha1", "sha256")
                       for n in (12, 32)]


# -- item 9: the cache is per credential --------------------------------------------------------

def two_civo_accounts(emulator):
    """Account A (the emulator's token) sees the ``a-`` instances, account B (OTHER_TOKEN) the ``b-`` ones."""
    def forward(request):
        if header(request, "Authorization") == "bearer %s" % OTHER_TOKEN:
            for key in list(request["headers"]):
                if key.lower() == "authorization":
                    request["headers"][key] = "bearer %s" % emulator.token

    def rewrite(request, status, body):
        if request["path"] != "/v2/instances" or status != 200:
            return None
        doc = json.loads(body)
        mine = "b-" if header(request, "Authorization") == "bearer %s" % OTHER_TOKEN else "a-"
        doc["items"] = [i for i in doc["items"] if i["hostname"].startswith(mine)]
        return status, json.dumps(doc).encode()

    return RewriteProxy(emulator.url, rewrite, forward=forward)


def test_civo_cache_never_serves_one_account_to_another_key(emulator, tmp_path):
    emulator.seed(instances=2, region="LON1", hostname_prefix="a")
    emulator.seed(instances=1, region="LON1", hostname_prefix="b")
    cache_dir = tmp_path / "cache"
    with two_civo_accounts(emulator) as proxy:
        path = tmp_path / "shared.civo.yml"
        cfg = {"plugin": "vmops.cloud.civo", "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
               "cache_connection": str(cache_dir), "cache_timeout": 600}
        account_a = {"CIVO_TOKEN": emulator.token, "CIVO_API_URL": proxy.url}
        account_b = {"CIVO_TOKEN": OTHER_TOKEN, "CIVO_API_URL": proxy.url}

        assert hosts_of(inventory(path, cfg, "--list", env=account_a)) == [
            "a-00000.example.com", "a-00001.example.com"]
        assert len(proxy.requests) == 1
        # the same file, another account's key: a request of its own, and only its own hosts
        assert hosts_of(inventory(path, cfg, "--list", env=account_b)) == ["b-00002.example.com"]
        assert len(proxy.requests) == 2
        assert header(proxy.requests[-1], "Authorization") == "bearer %s" % OTHER_TOKEN
        # each account's cache still answers for it alone, with no request
        assert hosts_of(inventory(path, cfg, "--list", env=account_a)) == [
            "a-00000.example.com", "a-00001.example.com"]
        assert hosts_of(inventory(path, cfg, "--list", env=account_b)) == ["b-00002.example.com"]
        assert len(proxy.requests) == 2

        # another API URL (the same server by another name) is another cache entry too
        other_url = dict(account_a, CIVO_API_URL=proxy.url.replace("127.0.0.1", "localhost"))
        assert hosts_of(inventory(path, cfg, "--list", env=other_url)) == [
            "a-00000.example.com", "a-00001.example.com"]
        assert len(proxy.requests) == 3

    files = sorted(os.listdir(str(cache_dir)))
    assert len(files) == 3
    for name in files:
        with open(str(cache_dir / name)) as fh:
            text = name + fh.read()
        for secret in (emulator.token, OTHER_TOKEN):
            for form in forbidden_forms(secret):
                assert form not in text, (name, form)


def test_zomro_cache_is_per_credential(emulator, tmp_path):
    cache_dir = tmp_path / "cache"
    path = tmp_path / "shared.zomro.yml"
    cfg = {"plugin": "vmops.cloud.zomro", "api_url": emulator.url + "/", "username": emulator.zomro_user,
           "cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(cache_dir),
           "cache_timeout": 600}
    emulator.clear_journal()
    assert hosts_of(inventory(path, cfg, "--list", env={"ZOMRO_PASSWORD": emulator.zomro_password})) == [
        "vps-5203773.zomro.example"]
    assert [e["func"] for e in emulator.journal()] == ["auth", "instances"]
    # another password never reads that cache: it asks the API, which refuses it
    emulator.clear_journal()
    proc = inventory(path, cfg, "--list", env={"ZOMRO_PASSWORD": "not-the-password-77"})
    assert proc.returncode != 0 and "vps-5203773" not in proc.stdout
    assert "Invalid username or password" in proc.stderr
    assert [e["func"] for e in emulator.journal()] == ["auth"]
    # the right one still does, with no request
    emulator.clear_journal()
    assert hosts_of(inventory(path, cfg, "--list", env={"ZOMRO_PASSWORD": emulator.zomro_password})) == [
        "vps-5203773.zomro.example"]
    assert emulator.journal() == []
    for name in os.listdir(str(cache_dir)):
        with open(str(cache_dir / name)) as fh:
            text = name + fh.read()
        for form in forbidden_forms(emulator.zomro_password):
            assert form not in text


# -- item 8: no secret in error text ---------------------------------------------------------------

def echo_civo_headers(status, html=False):
    """Answer the instance list with ``status`` and a body that echoes the request's headers."""
    def rewrite(request, _status, _body):
        if request["path"] != "/v2/instances":
            return None
        echoed = "; ".join("%s: %s" % kv for kv in request["headers"].items())
        if html:
            return status, ("<html><body><h1>Forbidden</h1><pre>%s</pre></body></html>" % echoed).encode()
        return status, json.dumps({"code": "bad_request", "reason": "rejected request with " + echoed}).encode()
    return rewrite


def test_civo_error_echoing_the_key_never_shows_it(emulator, tmp_path):
    emulator.seed(instances=1, region="LON1")
    path = tmp_path / "echo.civo.yml"
    for status, html in ((400, False), (403, True), (500, False)):
        with RewriteProxy(emulator.url, echo_civo_headers(status, html)) as proxy:
            cfg = {"plugin": "vmops.cloud.civo", "api_url": proxy.url, "api_key": emulator.token, "api_retries": 1}
            for verbosity in ([], ["-vvvv"]):
                proc = inventory(path, cfg, "--list", *verbosity)
                output = proc.stdout + proc.stderr
                assert proc.returncode != 0, output
                assert "rejected request with" in output or "Forbidden" in output, output
                # the echo is there, masked ("bearer <key>" or just the key)
                assert re.search(r"Authorization: (bearer )?\*{8}", output), output
                assert emulator.token not in output
                assert "Traceback" not in proc.stderr or verbosity


def test_civo_url_credentials_never_show(emulator, tmp_path):
    port = free_port()  # nothing listens there: the connection is refused
    cfg = {"plugin": "vmops.cloud.civo", "api_url": "http://deploy:url-pass-5e6f@127.0.0.1:%d" % port,
           "api_key": emulator.token, "api_retries": 0}
    proc = inventory(tmp_path / "url.civo.yml", cfg, "--list", "-vvvv")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "127.0.0.1:%d" % port in output, output
    assert "url-pass-5e6f" not in output and emulator.token not in output


def zomro_echo(kind):
    """Rewrite the instance list (or the login) into an error that echoes the form it got."""
    def rewrite(request, status, body):
        form = dict((k, v[0]) for k, v in parse_qs(request["body"].decode()).items())
        echoed = "&".join("%s=%s" % kv for kv in sorted(form.items()))
        if kind == "login" and form.get("func") == "auth":
            doc = {"doc": {"error": {"$type": "auth", "$object": "badpassword",
                                     "msg": {"$": "Invalid password in %s" % echoed}}}}
            return 200, json.dumps(doc).encode()
        if form.get("func") != "instances":
            return None
        if kind == "page":
            return 500, ("<html><body><h1>Internal error</h1><p>form: %s</p></body></html>" % echoed).encode()
        doc = {"doc": {"error": {"$type": "access", "msg": {"$": "Access denied for %s" % echoed}}}}
        return 200, json.dumps(doc).encode()
    return rewrite


def test_zomro_error_echoing_the_form_never_shows_password_or_session(emulator, tmp_path):
    path = tmp_path / "echo.zomro.yml"
    for kind in ("doc", "page", "login"):
        with RewriteProxy(emulator.url, zomro_echo(kind)) as proxy:
            cfg = {"plugin": "vmops.cloud.zomro", "api_url": proxy.url + "/", "username": emulator.zomro_user,
                   "password": emulator.zomro_password, "api_retries": 0}
            proc = inventory(path, cfg, "--list", "-vvvv")
            output = proc.stdout + proc.stderr
            assert proc.returncode != 0, output
            # the echo is there, masked: the login's form has the password, later ones the session
            assert ("password=********" if kind == "login" else "auth=********") in output, output
            assert emulator.zomro_password not in output
            sessions = [parse_qs(r["body"].decode()).get("auth", [""])[0] for r in proxy.requests]
            sessions = [s for s in sessions if s]
            if kind != "login":
                assert sessions, proxy.requests  # the plugin opened a session and sent it
            for sid in sessions:
                assert sid not in output

    # a session given as auth_token is masked too
    sid = emulator.zomro_login()
    with RewriteProxy(emulator.url, zomro_echo("doc")) as proxy:
        cfg = {"plugin": "vmops.cloud.zomro", "api_url": proxy.url + "/", "auth_token": sid, "api_retries": 0}
        proc = inventory(path, cfg, "--list", "-vvvv")
        assert proc.returncode != 0 and "auth=********" in proc.stderr, proc.stderr
        assert sid not in proc.stdout + proc.stderr
