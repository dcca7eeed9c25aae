"""vmops.cloud.civo_instance run as a real module process against the emulator process.

Every test starts from an empty emulator (the ``emulator`` fixture resets it);
request counts come from the emulator's journal.
"""

import json

import pytest

from runner import civo_auth, failed, ok, run_module, run_playbook

HOST = "web1.example.com"
FOCAL = "b67d6fed-8ab6-45b9-be2d-2f3337c933c6"


def civo(emulator, check=False, diff=False, region="LON1", **params):
    params.setdefault("wait_timeout", 20)
    return run_module("civo_instance", dict(civo_auth(emulator, region=region), **params), check=check, diff=diff)


def api_instance(emulator, **kw):
    """An ACTIVE instance made straight through the API (not by the module)."""
    params = dict(hostname=HOST, size="g3.small", template_id="ubuntu-jammy")
    params.update(kw)
    r = emulator.civo("POST", "/v2/instances", **params)
    assert r.status_code == 200, r.text
    inst = emulator.wait_status(r.json()["id"], "ACTIVE", region=params.get("region", "LON1"))
    emulator.clear_journal()
    return inst


def requests_made(emulator):
    return [(e["method"], e["path"]) for e in emulator.journal()]


def all_instances(emulator, region="LON1"):
    r = emulator.civo("GET", "/v2/instances", region=region, per_page=100000)
    assert r.status_code == 200
    return r.json()["items"]


# -- create ------------------------------------------------------------------

def test_create_waits_until_active_returns_password_once_then_is_idempotent(emulator):
    res = ok(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy", tags=["web", "prod"],
                  diff=True))
    assert res["changed"] is True
    assert res["actions"] == ["create instance %s (g3.small, ubuntu-jammy)" % HOST,
                              "wait for instance %s to be ACTIVE" % HOST]
    inst = res["instance"]
    assert inst["status"] == "ACTIVE" and inst["hostname"] == HOST and inst["public_ip"]
    assert sorted(inst["tags"]) == ["prod", "web"]
    assert "initial_password" not in inst
    assert res["initial_password"], "the creating run returns the initial password"
    assert res["diff"]["before"] == {"state": "absent"}
    assert res["diff"]["after"]["state"] == "present" and res["diff"]["after"]["status"] == "ACTIVE"
    mutating = emulator.mutating()
    assert [(e["method"], e["path"]) for e in mutating] == [("POST", "/v2/instances")]
    # The module resolved the image name and sent the default network (required by the docs).
    body = mutating[0]["body"]
    assert body["template_id"] != "ubuntu-jammy" and body["network_id"] and body["tags"] == "web prod"

    emulator.clear_journal()
    again = ok(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy", tags=["prod", "web"]))
    assert again["changed"] is False and again["actions"] == []
    assert "initial_password" not in again and res["initial_password"] not in again.stdout
    assert again["instance"]["id"] == inst["id"]
    assert requests_made(emulator) == [("GET", "/v2/instances")]
    assert len(all_instances(emulator)) == 1


def test_noop_by_id_is_exactly_one_request(emulator):
    inst = api_instance(emulator)
    emulator.clear_journal()
    res = ok(civo(emulator, id=inst["id"], size="g3.small", template_id="ubuntu-jammy", state="started",
                  firewall_id=inst["firewall_id"], tags=[]))
    assert res["changed"] is False
    assert requests_made(emulator) == [("GET", "/v2/instances/" + inst["id"])]
    assert "initial_password" not in res["instance"]


def test_noop_by_hostname_is_one_list_request_among_thousands(emulator):
    emulator.seed(instances=3000)
    inst = api_instance(emulator)
    emulator.clear_journal()
    res = ok(civo(emulator, hostname=HOST, size="g3.small"))
    assert res["changed"] is False and res["instance"]["id"] == inst["id"]
    journal = emulator.journal()
    assert [(e["method"], e["path"]) for e in journal] == [("GET", "/v2/instances")]


def test_create_in_check_mode_sends_nothing_mutating(emulator):
    res = ok(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy", firewall_id="default",
                  ssh_key_id="deploy-key", check=True, diff=True))
    assert res["changed"] is True and res["instance"] is None
    assert res["actions"] == ["create instance %s (g3.small, ubuntu-jammy)" % HOST,
                              "wait for instance %s to be ACTIVE" % HOST]
    assert res["diff"]["after"]["firewall_id"]
    assert "initial_password" not in res
    assert emulator.mutating() == []
    assert all_instances(emulator) == []


def test_create_with_ssh_key_firewall_and_options_by_name(emulator):
    res = ok(civo(emulator, hostname=HOST, size="g3.xsmall", template_id=FOCAL, ssh_key_id="deploy-key",
                  firewall_id="restrictive-firewall", public_ip="none", initial_user="admin",
                  reverse_dns="rdns.example.com", script="#!/bin/sh\necho hi\n"))
    inst = res["instance"]
    assert "initial_password" not in res, "no password when an ssh key is given"
    assert inst["ssh_key_id"] and inst["public_ip"] is None and inst["initial_user"] == "admin"
    assert inst["source_id"] == "ubuntu-focal"
    firewalls = emulator.civo("GET", "/v2/firewalls", region="LON1").json()
    assert inst["firewall_id"] == [f["id"] for f in firewalls if f["name"] == "restrictive-firewall"][0]
    # The same options (names, not ids) are a no-op afterwards.
    emulator.clear_journal()
    again = ok(civo(emulator, hostname=HOST, size="g3.xsmall", template_id=FOCAL, ssh_key_id="deploy-key",
                    firewall_id="restrictive-firewall", public_ip="none", initial_user="admin",
                    reverse_dns="rdns.example.com", script="#!/bin/sh\necho hi\n"))
    assert again["changed"] is False, again["actions"]
    assert emulator.mutating() == []


def test_create_without_wait_then_wait_by_id(emulator):
    emulator.config(build_seconds=2.0)
    res = ok(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy", wait=False))
    assert res["changed"] is True and res["instance"]["status"] == "BUILDING"
    assert res["initial_password"]
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("POST", "/v2/instances")]
    still_building = emulator.instance(res["instance"]["id"])["status"] == "BUILDING"
    emulator.clear_journal()
    ready = ok(civo(emulator, id=res["instance"]["id"]))
    assert ready["changed"] is False and ready["instance"]["status"] == "ACTIVE"
    assert emulator.mutating() == []
    if still_building:
        assert len(emulator.journal()) >= 2  # it polled until the build finished


def test_create_needs_size_and_template_before_any_mutation(emulator):
    failed(civo(emulator, hostname=HOST, size="g3.small"), "give template_id")
    failed(civo(emulator, hostname=HOST), "give size and template_id")
    assert emulator.mutating() == []


def test_create_by_id_only_fails(emulator):
    failed(civo(emulator, id="11111111-2222-4333-8444-555555555555", size="g3.small", template_id="ubuntu-jammy"),
           "No instance with id", "give its hostname")
    assert emulator.mutating() == []


def test_unknown_names_fail_before_the_create(emulator):
    failed(civo(emulator, hostname=HOST, size="g3.small", template_id="no-such-image"), "Unknown disk image")
    failed(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy", firewall_id="nope"),
           "Unknown firewall 'nope'")
    assert emulator.mutating() == []


def test_api_error_is_a_message_with_the_failure(emulator):
    # Issue 17 item 6: an unknown size is refused before any changing request, with the valid sizes.
    res = failed(civo(emulator, hostname=HOST, size="g9.huge", template_id="ubuntu-jammy"),
                 "Unknown size 'g9.huge'", "g3.small", "g3.medium")
    assert res["failure"]["code"] == "invalid_parameter"
    assert emulator.mutating() == []
    # An error the API answers still reads as a message with its failure.
    res = failed(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy", region="XYZ9"),
                 "database_region_not_found", "region")
    assert res["failure"]["status"] == 404 and res["failure"]["code"] == "database_region_not_found"


def test_bad_api_key_is_a_clear_failure_without_the_key(emulator):
    res = run_module("civo_instance", dict(civo_auth(emulator, api_key="wrong-key-123"), hostname=HOST))
    failed(res, "authentication failed", "check api_key")
    assert "wrong-key-123" not in res.output
    assert emulator.token not in civo(emulator, hostname="x", state="absent").output


def test_lost_create_response_is_adopted_not_duplicated(emulator):
    emulator.faults(1.0, ["lost_response"], match="/v2/instances", methods=["POST"], limit=1)
    res = ok(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy"))
    assert res["changed"] is True and res["instance"]["status"] == "ACTIVE"
    assert "adopted" in json.dumps(res.get("warnings")), res.get("warnings")
    posts = [e for e in emulator.journal() if e["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["fault"] == "lost_response"
    assert len(all_instances(emulator)) == 1
    assert "initial_password" not in res["instance"]


def test_create_after_5xx_that_was_not_applied_is_sent_again(emulator):
    emulator.faults(1.0, ["502"], match="/v2/instances", methods=["POST"], limit=1)
    res = ok(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy", api_retries=2))
    assert res["changed"] is True
    posts = [e for e in emulator.journal() if e["method"] == "POST"]
    assert [p["status"] for p in posts] == [502, 200]
    assert len(all_instances(emulator)) == 1


def test_ambiguous_hostname_fails_listing_ids(emulator):
    r = emulator.civo("POST", "/v2/instances", hostname=HOST, size="g3.small", template_id="ubuntu-jammy", count=2)
    assert r.status_code == 200
    ids = sorted(i["id"] for i in all_instances(emulator))
    emulator.clear_journal()
    res = failed(civo(emulator, hostname=HOST, state="absent"), "ambiguous", ids[0], ids[1])
    assert res["failure"]["code"] == "ambiguous_hostname"
    assert emulator.mutating() == []


def test_region_is_part_of_the_identity(emulator):
    inst = api_instance(emulator, region="NYC1")
    emulator.clear_journal()
    failed(civo(emulator, id=inst["id"], state="started"), "No instance with id", "LON1")
    ok_ = ok(civo(emulator, id=inst["id"], state="started", region="nyc1"))
    assert ok_["changed"] is False
    # By hostname in LON1 the NYC1 instance does not exist: present would create a new one there.
    res = ok(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy", check=True))
    assert res["changed"] is True
    assert emulator.mutating() == []


# -- updates in place ----------------------------------------------------------

def test_retag_diff_idempotent_and_remove_all(emulator):
    inst = api_instance(emulator, tags="a b")
    emulator.clear_journal()
    check = ok(civo(emulator, id=inst["id"], tags=["c", "a"], check=True, diff=True))
    assert check["changed"] is True and check["actions"] == ["set tags to [c, a]"]
    assert check["diff"]["before"]["tags"] == ["a", "b"] and check["diff"]["after"]["tags"] == ["c", "a"]
    assert emulator.mutating() == []

    res = ok(civo(emulator, id=inst["id"], tags=["c", "a"], diff=True))
    assert res["changed"] is True and sorted(res["instance"]["tags"]) == ["a", "c"]
    mutating = emulator.mutating()
    assert [(e["method"], e["path"]) for e in mutating] == [("PUT", "/v2/instances/%s/tags" % inst["id"])]
    assert mutating[0]["body"]["tags"] == "c a"
    assert sorted(emulator.instance(inst["id"])["tags"]) == ["a", "c"]

    emulator.clear_journal()
    assert ok(civo(emulator, id=inst["id"], tags=["a", "c"]))["changed"] is False
    assert len(emulator.journal()) == 1

    res = ok(civo(emulator, id=inst["id"], tags=[]))
    assert res["changed"] is True and emulator.instance(inst["id"])["tags"] == []
    assert ok(civo(emulator, id=inst["id"], tags=[]))["changed"] is False


def test_resize_upward_then_idempotent(emulator):
    inst = api_instance(emulator)
    check = ok(civo(emulator, hostname=HOST, size="g3.medium", check=True, diff=True))
    assert check["changed"] and check["actions"] == ["resize from g3.small to g3.medium"]
    assert check["diff"]["before"]["size"] == "g3.small" and check["diff"]["after"]["size"] == "g3.medium"
    assert emulator.mutating() == []

    res = ok(civo(emulator, hostname=HOST, size="g3.medium"))
    assert res["changed"] is True
    assert res["instance"]["size"] == "g3.medium" and res["instance"]["status"] == "ACTIVE"
    assert res["instance"]["cpu_cores"] == 2
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("PUT", "/v2/instances/%s/resize" % inst["id"])]

    emulator.clear_journal()
    again = ok(civo(emulator, id=inst["id"], size="g3.medium"))
    assert again["changed"] is False
    assert requests_made(emulator) == [("GET", "/v2/instances/" + inst["id"])]


@pytest.mark.parametrize("smaller", ["g3.xsmall", "g2.small"])
def test_resize_smaller_fails_before_any_change(emulator, smaller):
    inst = api_instance(emulator)
    emulator.clear_journal()
    res = failed(civo(emulator, id=inst["id"], size=smaller, tags=["x"]), "Civo only resizes upward", smaller)
    assert res["failure"]["code"] == "invalid_parameter"
    assert emulator.mutating() == []
    assert emulator.instance(inst["id"])["size"] == "g3.small"


def test_unknown_size_on_update_fails_with_the_size_list(emulator):
    inst = api_instance(emulator)
    failed(civo(emulator, id=inst["id"], size="g9.huge"), "Unknown size 'g9.huge'", "g3.medium")
    assert emulator.mutating() == []


def test_firewall_by_name_and_id(emulator):
    inst = api_instance(emulator)
    firewalls = dict((f["name"], f["id"]) for f in emulator.civo("GET", "/v2/firewalls", region="LON1").json())
    assert inst["firewall_id"] == firewalls["default"]

    emulator.clear_journal()
    same = ok(civo(emulator, id=inst["id"], firewall_id=firewalls["default"]))
    assert same["changed"] is False and len(emulator.journal()) == 1  # same id: no firewall list

    check = ok(civo(emulator, id=inst["id"], firewall_id="restrictive-firewall", check=True, diff=True))
    assert check["changed"] and check["diff"]["after"]["firewall_id"] == firewalls["restrictive-firewall"]
    assert emulator.mutating() == []

    res = ok(civo(emulator, id=inst["id"], firewall_id="restrictive-firewall"))
    assert res["changed"] is True and res["instance"]["firewall_id"] == firewalls["restrictive-firewall"]
    mutating = emulator.mutating()
    assert [(e["method"], e["path"]) for e in mutating] == [("PUT", "/v2/instances/%s/firewall" % inst["id"])]
    assert mutating[0]["body"]["firewall_id"] == firewalls["restrictive-firewall"]

    emulator.clear_journal()
    assert ok(civo(emulator, id=inst["id"], firewall_id="restrictive-firewall"))["changed"] is False
    assert emulator.mutating() == []
    res = ok(civo(emulator, id=inst["id"], firewall_id=firewalls["default"]))
    assert res["changed"] is True and emulator.instance(inst["id"])["firewall_id"] == firewalls["default"]


def test_several_updates_in_one_run(emulator):
    inst = api_instance(emulator)
    res = ok(civo(emulator, id=inst["id"], size="g3.large", tags=["big"], firewall_id="restrictive-firewall",
                  state="stopped", diff=True))
    assert res["actions"][0].startswith("set firewall to restrictive-firewall")
    assert res["actions"][1:] == ["set tags to [big]", "resize from g3.small to g3.large", "stop instance"]
    final = emulator.instance(inst["id"])
    assert (final["size"], final["tags"], final["status"]) == ("g3.large", ["big"], "SHUTOFF")
    assert res["instance"]["status"] == "SHUTOFF"
    assert res["diff"]["after"]["status"] == "SHUTOFF"
    again = ok(civo(emulator, id=inst["id"], size="g3.large", tags=["big"], firewall_id="restrictive-firewall",
                    state="stopped"))
    assert again["changed"] is False


def test_changes_civo_cannot_make_in_place_are_refused_naming_each(emulator):
    inst = api_instance(emulator)
    res = failed(civo(emulator, id=inst["id"], hostname="renamed.example.com", template_id="debian-11",
                      initial_user="admin", ssh_key_id="deploy-key", script="echo x", public_ip="none",
                      reverse_dns="other.example.com", size="g3.large", tags=["would-change"]),
                 "cannot change", "in place")
    # public_ip=none on an instance with an address is a warning, not a refusal (terraform-provider-civo #357).
    for name in ("template_id", "initial_user", "ssh_key_id", "script"):
        assert name + " (instance has" in res["msg"], name
    # hostname (by id) and reverse_dns change in place (PUT /v2/instances/:id): not refused, and not sent either.
    for name in ("hostname", "reverse_dns"):
        assert name + " (instance has" not in res["msg"], name
    assert "public_ip (instance has" not in res["msg"]
    assert "size" not in res["msg"].split(":")[0], "size can be changed in place"
    assert emulator.mutating() == []


@pytest.mark.parametrize("option, value", [("template_id", FOCAL), ("initial_user", "admin")])
def test_a_single_immutable_change_is_refused(emulator, option, value):
    inst = api_instance(emulator)
    res = failed(civo(emulator, id=inst["id"], tags=["would-change"], **{option: value}), "cannot change " + option)
    assert emulator.mutating() == []
    assert res["failure"]["code"] == "invalid_parameter"


def test_network_of_another_region_is_unknown(emulator):
    inst = api_instance(emulator)
    other = emulator.civo("GET", "/v2/networks", region="NYC1").json()[0]["id"]
    failed(civo(emulator, id=inst["id"], network_id=other), "Unknown network")
    same = ok(civo(emulator, id=inst["id"], network_id="default"))
    assert same["changed"] is False
    assert emulator.mutating() == []


# -- power states ----------------------------------------------------------------

def test_stop_start_idempotent_with_check_and_diff(emulator):
    inst = api_instance(emulator)
    base = "/v2/instances/" + inst["id"]

    check = ok(civo(emulator, id=inst["id"], state="stopped", check=True, diff=True))
    assert check["changed"] and check["actions"] == ["stop instance"]
    assert (check["diff"]["before"]["status"], check["diff"]["after"]["status"]) == ("ACTIVE", "SHUTOFF")
    assert emulator.mutating() == []

    res = ok(civo(emulator, id=inst["id"], state="stopped"))
    assert res["changed"] and res["instance"]["status"] == "SHUTOFF"
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("PUT", base + "/stop")]

    emulator.clear_journal()
    again = ok(civo(emulator, id=inst["id"], state="stopped"))
    assert again["changed"] is False and len(emulator.journal()) == 1

    # present leaves the power state alone
    assert ok(civo(emulator, id=inst["id"]))["changed"] is False

    check = ok(civo(emulator, id=inst["id"], state="started", check=True))
    assert check["changed"] and check["actions"] == ["start instance"]
    assert emulator.mutating() == []
    res = ok(civo(emulator, id=inst["id"], state="started"))
    assert res["changed"] and res["instance"]["status"] == "ACTIVE"
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("PUT", base + "/start")]
    emulator.clear_journal()
    assert ok(civo(emulator, hostname=HOST, state="started"))["changed"] is False
    assert len(emulator.journal()) == 1


def test_stop_without_wait_returns_the_transitional_state(emulator):
    inst = api_instance(emulator)
    emulator.config(build_seconds=1.0)
    res = ok(civo(emulator, id=inst["id"], state="stopped", wait=False))
    assert res["changed"] and res["instance"]["status"] == "STOPPING"
    # A second run without waiting sees it heading for SHUTOFF: nothing to do.
    assert ok(civo(emulator, id=inst["id"], state="stopped", wait=False))["changed"] is False
    # With wait, a run that starts while it is STOPPING waits for it to settle, then starts it.
    res = ok(civo(emulator, id=inst["id"], state="started"))
    assert res["changed"] and res["instance"]["status"] == "ACTIVE"


@pytest.mark.parametrize("reboot_type, endpoint", [("hard", "hard_reboots"), ("soft", "soft_reboots")])
def test_restarted_always_changes(emulator, reboot_type, endpoint):
    inst = api_instance(emulator)
    check = ok(civo(emulator, id=inst["id"], state="restarted", reboot_type=reboot_type, check=True))
    assert check["changed"] and check["actions"] == ["%s reboot instance" % reboot_type]
    assert emulator.mutating() == []
    for dummy in range(2):
        emulator.clear_journal()
        res = ok(civo(emulator, id=inst["id"], state="restarted", reboot_type=reboot_type))
        assert res["changed"] is True and res["instance"]["status"] == "ACTIVE"
        assert [(e["method"], e["path"]) for e in emulator.mutating()] == [
            ("POST", "/v2/instances/%s/%s" % (inst["id"], endpoint))]


def test_restarted_starts_a_stopped_instance(emulator):
    inst = api_instance(emulator)
    ok(civo(emulator, id=inst["id"], state="stopped"))
    emulator.clear_journal()
    res = ok(civo(emulator, id=inst["id"], state="restarted", reboot_type="soft"))
    assert res["actions"] == ["start instance"] and res["instance"]["status"] == "ACTIVE"
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("PUT", "/v2/instances/%s/start" % inst["id"])]


def test_resize_of_a_stopped_instance_leaves_it_stopped(emulator):
    inst = api_instance(emulator)
    ok(civo(emulator, id=inst["id"], state="stopped"))
    res = ok(civo(emulator, id=inst["id"], state="stopped", size="g3.medium"))
    assert res["changed"] and res["instance"]["size"] == "g3.medium" and res["instance"]["status"] == "SHUTOFF"
    assert ok(civo(emulator, id=inst["id"], state="stopped", size="g3.medium"))["changed"] is False


@pytest.mark.parametrize("state", ["started", "stopped", "restarted"])
def test_power_state_of_a_missing_instance_fails(emulator, state):
    failed(civo(emulator, hostname="ghost.example.com", state=state), "No instance with hostname",
           "use state=present to create it")
    assert emulator.mutating() == []


def test_run_on_a_building_instance_waits_for_it_first(emulator):
    emulator.config(build_seconds=1.0)
    r = emulator.civo("POST", "/v2/instances", hostname=HOST, size="g3.small", template_id="ubuntu-jammy")
    res = ok(civo(emulator, id=r.json()["id"], state="stopped"))
    assert res["changed"] and res["instance"]["status"] == "SHUTOFF"
    assert [e["status"] for e in emulator.mutating()] == [200, 200]  # the create, then a stop that was accepted


# -- absent ---------------------------------------------------------------------------

def test_absent_deletes_waits_and_is_idempotent(emulator):
    inst = api_instance(emulator)
    check = ok(civo(emulator, hostname=HOST, state="absent", check=True, diff=True))
    assert check["changed"] and check["diff"]["after"] == {"state": "absent"}
    assert check["diff"]["before"]["id"] == inst["id"]
    assert emulator.mutating() == []

    res = ok(civo(emulator, hostname=HOST, state="absent", diff=True))
    assert res["changed"] is True and res["instance"] is None
    assert res["actions"] == ["delete instance %s (%s)" % (HOST, inst["id"]),
                              "wait for instance %s (%s) to be gone" % (HOST, inst["id"])]
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("DELETE", "/v2/instances/" + inst["id"])]
    assert emulator.instance(inst["id"]) is None

    emulator.clear_journal()
    assert ok(civo(emulator, hostname=HOST, state="absent"))["changed"] is False
    assert ok(civo(emulator, id=inst["id"], state="absent"))["changed"] is False
    assert emulator.mutating() == []


def test_absent_by_id_refuses_a_different_hostname(emulator):
    inst = api_instance(emulator)
    failed(civo(emulator, id=inst["id"], hostname="other.example.com", state="absent"), "refusing to delete")
    assert emulator.instance(inst["id"]) is not None


# -- input validation ---------------------------------------------------------------

@pytest.mark.parametrize("params, text", [
    (dict(), "one of the following is required: id, hostname"),
    (dict(id="web1"), "id must be a Civo instance id"),
    (dict(hostname="a b"), "must not contain whitespace"),
    (dict(hostname=HOST, tags=["two words"]), "no whitespace"),
    (dict(hostname=HOST, public_ip="true"), "value of public_ip must be one of"),
])
def test_bad_input_fails_before_any_request(emulator, params, text):
    failed(civo(emulator, **params), text)
    assert emulator.journal() == []


# -- through ansible-playbook ----------------------------------------------------------

def test_playbook_with_group_defaults_check_and_diff(emulator):
    playbook = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/vmops.cloud.civo:
      api_key: "{{ key }}"
      api_url: "{{ url }}"
      region: LON1
  tasks:
    - name: create
      vmops.cloud.civo_instance:
        hostname: pb.example.com
        size: g3.small
        template_id: ubuntu-jammy
        tags: [pb]
        wait_timeout: 20
      register: created
    - name: again
      vmops.cloud.civo_instance:
        hostname: pb.example.com
        size: g3.small
        template_id: ubuntu-jammy
        tags: [pb]
      register: again
    - name: retag in check mode
      vmops.cloud.civo_instance:
        hostname: pb.example.com
        tags: [pb, xtag]
      check_mode: true
      diff: true
      register: retag
    - name: facts
      vmops.cloud.civo_instance_info:
        tags: [pb]
      register: info
    - name: check
      ansible.builtin.assert:
        that:
          - created is changed
          - again is not changed
          - retag is changed
          - retag.actions == ['set tags to [pb, xtag]']
          - info.instances | length == 1
          - info.instances[0].id == created.instance.id
          - info.instances[0].tags == ['pb']
          - created.initial_password | length > 0
          - again.initial_password is not defined
"""
    proc = run_playbook(playbook, extra_vars={"key": emulator.token, "url": emulator.url})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert emulator.token not in proc.stdout
    assert any(line.startswith("+") and "xtag" in line for line in proc.stdout.splitlines()), proc.stdout
    assert [(e["method"], e["path"]) for e in emulator.mutating()] == [("POST", "/v2/instances")]


def test_result_is_json_serialisable_and_secret_free(emulator):
    res = ok(civo(emulator, hostname=HOST, size="g3.small", template_id="ubuntu-jammy"))
    password = res["initial_password"]
    text = json.dumps({k: v for k, v in res.items() if k != "initial_password"})
    assert password not in text
    later = ok(civo(emulator, hostname=HOST, state="restarted"))
    assert password not in later.stdout and "initial_password" not in later["instance"]
