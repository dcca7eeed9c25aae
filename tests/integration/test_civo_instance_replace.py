"""civo_instance's in-place update (PUT /v2/instances/:id), its create-time addresses (reserved_ipv4,
private_ipv4) and its opt-in replacement (recreate), run as a real module process against the emulator.

Request counts come from the emulator's journal.
"""

import sys
import time

import yaml

from runner import failed, ok, run_playbook

from test_civo_catalogue_and_examples import examples
from test_civo_instance import HOST, api_instance, civo, requests_made


def reserved_ip(emulator, name="web-ip"):
    r = emulator.civo("POST", "/v2/ips", name=name, region="LON1")
    assert r.status_code == 200, r.text
    ip_id = r.json()["id"]
    deadline = time.time() + 5
    while time.time() < deadline:
        ip = emulator.civo("GET", "/v2/ips/" + ip_id, region="LON1").json()
        if ip["ip"]:
            return ip
        time.sleep(0.05)
    raise AssertionError("the reserved IP got no address")


# -- in place ------------------------------------------------------------------------

def test_rename_by_id_in_place_then_second_run_is_one_request(emulator):
    inst = api_instance(emulator)
    wanted = dict(id=inst["id"], hostname="renamed.example.com", reverse_dns="rdns.example.com", notes="db primary")

    check = ok(civo(emulator, check=True, diff=True, **wanted))
    assert check["changed"] is True and emulator.mutating() == []
    assert check["actions"] == ["update hostname from %r to 'renamed.example.com', reverse_dns from %r to "
                                "'rdns.example.com', notes from '' to 'db primary' in place" % (HOST, HOST)]
    assert (check["diff"]["before"]["hostname"], check["diff"]["after"]["hostname"]) == (HOST, "renamed.example.com")
    assert (check["diff"]["before"]["notes"], check["diff"]["after"]["notes"]) == ("", "db primary")
    assert emulator.instance(inst["id"])["hostname"] == HOST

    emulator.clear_journal()
    res = ok(civo(emulator, diff=True, **wanted))
    print("rename by id: %d requests; " % len(emulator.journal()), end="")
    assert res["changed"] is True
    put = emulator.mutating()
    assert [(e["method"], e["path"]) for e in put] == [("PUT", "/v2/instances/" + inst["id"])]
    assert put[0]["body"]["hostname"] == "renamed.example.com" and put[0]["body"]["notes"] == "db primary"
    assert len(emulator.journal()) == 2, "one GET, one PUT"
    now = emulator.instance(inst["id"])
    assert (now["hostname"], now["reverse_dns"], now["notes"]) == ("renamed.example.com", "rdns.example.com",
                                                                    "db primary")
    assert res["instance"]["hostname"] == "renamed.example.com"

    emulator.clear_journal()
    again = ok(civo(emulator, **wanted))
    assert again["changed"] is False and again["actions"] == []
    assert requests_made(emulator) == [("GET", "/v2/instances/" + inst["id"])]


def test_notes_removed_with_an_empty_string(emulator):
    inst = api_instance(emulator)
    ok(civo(emulator, id=inst["id"], notes="temporary"))
    emulator.clear_journal()
    res = ok(civo(emulator, id=inst["id"], notes=""))
    assert res["changed"] is True and emulator.mutating()[0]["body"]["notes_delete"] == "true"
    assert emulator.instance(inst["id"])["notes"] == ""
    assert ok(civo(emulator, id=inst["id"], notes=""))["changed"] is False


# -- addresses at creation -------------------------------------------------------------

def test_create_with_reserved_and_private_address(emulator):
    ip = reserved_ip(emulator)
    params = dict(hostname=HOST, size="g3.small", template_id="ubuntu-jammy", reserved_ipv4="web-ip",
                  private_ipv4="192.168.1.50", notes="front")
    emulator.clear_journal()
    check = ok(civo(emulator, check=True, **params))
    assert check["changed"] is True and emulator.mutating() == []

    res = ok(civo(emulator, **params))
    print("create with reserved_ipv4, private_ipv4 and notes: %d requests" % len(emulator.journal()))
    inst = res["instance"]
    assert inst["public_ip"] == ip["ip"] and inst["private_ip"] == "192.168.1.50"
    assert inst["reserved_ip_id"] == ip["id"] and inst["notes"] == "front"
    post = [e for e in emulator.mutating() if e["method"] == "POST"]
    assert post[0]["body"]["reserved_ipv4"] == ip["id"] and post[0]["body"]["private_ipv4"] == "192.168.1.50"
    assigned = emulator.civo("GET", "/v2/ips/" + ip["id"], region="LON1").json()["assigned_to"]
    assert assigned["id"] == inst["id"] and assigned["type"] == "instance"

    emulator.clear_journal()
    again = ok(civo(emulator, **params))
    assert again["changed"] is False
    assert requests_made(emulator) == [("GET", "/v2/instances")]


def test_unknown_reserved_ip_is_refused_before_any_request_naming_the_valid_ones(emulator):
    reserved_ip(emulator, "web-ip")
    emulator.clear_journal()
    res = failed(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy", reserved_ipv4="nope"),
                 "Unknown reserved IP 'nope'", "web-ip")
    assert res["changed"] is False and emulator.mutating() == []


# -- recreate ----------------------------------------------------------------------------

def test_immutable_change_is_refused_without_recreate(emulator):
    inst = api_instance(emulator)
    res = failed(civo(emulator, id=inst["id"], template_id="debian-11"), "cannot change template_id",
                 "recreate=true")
    assert res["changed"] is False and emulator.mutating() == []


def test_recreate_deletes_waits_then_creates(emulator):
    ip = reserved_ip(emulator)
    inst = api_instance(emulator, reserved_ipv4=ip["id"], tags="web")
    assert inst["public_ip"] == ip["ip"]
    params = dict(id=inst["id"], template_id="debian-11", recreate=True)

    check = ok(civo(emulator, check=True, diff=True, **params))
    assert check["changed"] is True and emulator.mutating() == []
    assert check["actions"][0].startswith("delete instance %s (%s) to replace it" % (HOST, inst["id"]))
    assert check["actions"][2] == "create instance %s (g3.small, debian-11) in its place" % HOST
    assert (check["diff"]["before"]["template_id"], check["diff"]["after"]["template_id"]) == (
        "ubuntu-jammy", "debian-11")
    assert check["diff"]["before"]["id"] == inst["id"] and check["diff"]["after"]["replaced"] is True

    emulator.clear_journal()
    res = ok(civo(emulator, **params))
    new = res["instance"]
    assert res["changed"] is True and new["id"] != inst["id"] and new["source_id"] == "debian-11"
    assert new["status"] == "ACTIVE" and new["hostname"] == HOST and new["tags"] == ["web"]
    assert new["public_ip"] == ip["ip"], "the reserved IP goes to the new instance"
    assert res["initial_password"]
    journal = [(e["method"], e["path"], e.get("status")) for e in emulator.journal()]
    old = "/v2/instances/" + inst["id"]
    delete = journal.index(("DELETE", old, 200))
    post = [i for i, e in enumerate(journal) if e[:2] == ("POST", "/v2/instances")]
    assert len(post) == 1 and delete < post[0]
    polls = [e for e in journal[delete + 1:post[0]] if e[:2] == ("GET", old)]
    assert polls and polls[-1][2] == 404, "waited until the old instance was gone before creating"
    assert [(m, p) for m, p, s in journal if m != "GET"] == [("DELETE", old), ("POST", "/v2/instances")]
    assert emulator.instance(inst["id"]) is None
    print("recreate: %d requests (%d polls of the old instance)" % (len(journal), len(polls)))

    emulator.clear_journal()
    again = ok(civo(emulator, hostname=HOST, template_id="debian-11", recreate=True))
    assert again["changed"] is False and requests_made(emulator) == [("GET", "/v2/instances")]


def test_the_module_examples_run_against_the_emulator(emulator):
    """The EXAMPLES of civo_instance (the new options included) as one playbook."""
    tasks = examples("civo_instance")
    play = [{"hosts": "localhost", "gather_facts": False,
             "vars": {"ansible_python_interpreter": sys.executable}, "tasks": tasks}]
    out = run_playbook(yaml.safe_dump(play), env={"CIVO_TOKEN": emulator.token, "CIVO_API_URL": emulator.url})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "failed=0" in out.stdout
    app = [i for i in emulator.civo("GET", "/v2/instances", region="LON1").json()["items"]
           if i["hostname"] == "app1.example.org"]
    assert len(app) == 1 and app[0]["source_id"] == "debian-11" and app[0]["reserved_ip_name"] == "app-ip"
    assert app[0]["notes"] == "Application server, renamed"
