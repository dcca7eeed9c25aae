"""Issue 14: late-applied creates, partial results after a failure, the wait's bound, malformed 200s.

Each test runs the real module as a process against the emulator and asserts on its result and on the
emulator's journal.  The faults:

* ``late_applied``: the request is held past the client's ``api_timeout`` and then applied all the
  same (a proxy that passed it on late).  Adoption must find it (it looks more than once over a window
  as long as the request's timeout) instead of re-sending: exactly one object.
* a wait that times out or sees the API go away after a create: the failure says ``changed: true``,
  lists the actions applied and returns the ``initial_password`` (Civo returns it once).
* ``503`` with ``Retry-After: 999999`` on every poll: the module ends about at ``wait_timeout``.
* ``malformed``: a 200 whose body is ``""``, ``{}``, ``{"items": null}``, truncated JSON, HTML or a
  JSON string.  It must never read as "nothing exists": no duplicate create, no false "absent".
"""

import time

import pytest

from _common import ZOMRO_ELID, all_instances, api_instance, clean_failure, ok, run

HOST = "late.example.com"
MALFORMED = ["empty", "empty_object", "null_items", "truncated", "html", "wrong_type"]
CREATE = dict(hostname=HOST, size="g3.xsmall", template_id="ubuntu-jammy", api_retries=3)


def posts(journal, path="/v2/instances"):
    return [e for e in journal if e["method"] == "POST" and e["path"] == path]


# -- item 4: a create applied after the client gave up is adopted, not sent twice -------------------------

def test_a_create_applied_late_is_adopted_not_sent_twice(emulator):
    # The POST is held 3 s (the client gives up after 2 s) and then applied.
    emulator.faults(1.0, ["late_applied"], match="/v2/instances", methods=["POST"], limit=1, late_seconds=3)
    result = ok(run(emulator, "civo_instance", dict(CREATE, api_timeout=2, wait=False)))
    journal = emulator.journal()
    assert [i["hostname"] for i in all_instances(emulator)] == [HOST]
    sent = posts(journal)
    assert len(sent) == 1, sent  # never re-sent
    assert sent[0]["fault"] == "late_applied" and sent[0]["applied"] is True
    assert result["changed"] is True and result["instance"]["hostname"] == HOST
    assert "adopted the instance" in str(result.get("warnings")), result.get("warnings")


def test_the_timeout_fault_can_apply_late(emulator):
    """``{"kinds": ["timeout"], "apply_late": true}`` is the same fault as ``late_applied``."""
    emulator.faults(1.0, ["timeout"], apply_late=True, match="/v2/instances", methods=["POST"], limit=1,
                    timeout_seconds=3)
    ok(run(emulator, "civo_instance", dict(CREATE, api_timeout=2, wait=False)))
    assert len(posts(emulator.journal())) == 1
    assert [i["hostname"] for i in all_instances(emulator)] == [HOST]


def test_a_create_that_never_arrived_is_sent_again_after_the_window(emulator):
    """The plain ``timeout`` fault is never applied: after the looks find nothing, one re-send."""
    emulator.faults(1.0, ["timeout"], match="/v2/instances", methods=["POST"], limit=1, timeout_seconds=3)
    started = time.monotonic()
    ok(run(emulator, "civo_instance", dict(CREATE, api_timeout=2, wait=False)))
    elapsed = time.monotonic() - started
    journal = emulator.journal()
    assert len(posts(journal)) == 2
    assert [i["hostname"] for i in all_instances(emulator)] == [HOST]
    # the looks in between: at least two list requests after the lost POST, over about the window
    first_post = journal.index(posts(journal)[0])
    second_post = journal.index(posts(journal)[1])
    looks = [e for e in journal[first_post:second_post] if e["method"] == "GET" and e["path"] == "/v2/instances"]
    assert len(looks) >= 2, looks
    assert elapsed >= 2 + 2  # the timeout, then the adoption window of api_timeout seconds


# -- item 6: a failure after a change reports it -----------------------------------------------------------

def test_a_wait_that_times_out_after_a_create_reports_the_change_and_the_password(emulator):
    emulator.config(build_seconds=120)  # the instance stays BUILDING
    result = clean_failure(run(emulator, "civo_instance", dict(CREATE, wait_timeout=2)))
    assert result["failure"]["code"] == "wait_timeout"
    assert result["changed"] is True
    assert any(a.startswith("create instance %s" % HOST) for a in result["actions"]), result["actions"]
    assert result.get("failed_action"), result
    assert result["initial_password"], "the one-time password was lost"
    created = all_instances(emulator)
    assert len(created) == 1 and result["instance"]["id"] == created[0]["id"]
    assert "initial_password" not in result["instance"]


def test_the_api_going_down_during_the_wait_after_a_create_reports_the_change(emulator):
    emulator.config(build_seconds=120)
    # every read of the new instance fails (the create itself and the list before it succeed)
    emulator.faults(1.0, ["502"], match="/v2/instances/", methods=["GET"])
    result = clean_failure(run(emulator, "civo_instance", dict(CREATE, wait_timeout=3, api_timeout=2)))
    assert result["changed"] is True and result["initial_password"]
    assert result["failure"]["code"] == "wait_timeout" and "502" in result["msg"]
    assert len(all_instances(emulator)) == 1


def test_a_failure_before_any_change_is_not_changed(emulator):
    result = clean_failure(run(emulator, "civo_instance", dict(CREATE, size="g9.nonexistent")))
    assert result["changed"] is False
    assert all_instances(emulator) == []


# -- item 7: wait_timeout is the bound ----------------------------------------------------------------------

def test_a_huge_retry_after_on_every_poll_does_not_outlast_wait_timeout(emulator):
    inst = api_instance(emulator, "bound.example.com")
    emulator.faults(1.0, ["503"], match="/v2/instances/%s" % inst["id"], methods=["GET"], retry_after=999999)
    started = time.monotonic()
    # by hostname: the module finds it with a list request; only the polls of the stop's wait are faulted
    result = clean_failure(run(emulator, "civo_instance", dict(hostname=inst["hostname"], state="stopped",
                                                               wait_timeout=5, api_timeout=5)))
    elapsed = time.monotonic() - started
    assert result["failure"]["code"] == "wait_timeout", result
    # wait_timeout (5) plus one request's timeout (5) plus the module's start-up; it ran 151 s before
    assert elapsed < 5 + 5 + 10, elapsed


def test_an_outage_shorter_than_the_wait_does_not_fail_it(emulator):
    """Transient failures during a wait are retried until its deadline (not for a retry budget)."""
    inst = api_instance(emulator, "outage.example.com")
    emulator.config(build_seconds=6)
    # 12 failed reads of the instance in a row, several seconds: far more than api_retries (1) allows
    emulator.faults(1.0, ["reset", "503"], match="/v2/instances/%s" % inst["id"], methods=["GET"], limit=12,
                    retry_after=1)
    result = ok(run(emulator, "civo_instance", dict(hostname=inst["hostname"], state="stopped", wait_timeout=120,
                                                    api_retries=1, api_timeout=5)))
    assert result["changed"] is True and result["instance"]["status"] == "SHUTOFF"


# -- item 3: a malformed 200 is never "nothing exists" -----------------------------------------------------

@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_list_never_causes_a_duplicate_create(emulator, body):
    existing = api_instance(emulator, HOST)
    emulator.clear_journal()
    emulator.faults(1.0, ["malformed"], malformed=[body], match="/v2/instances", methods=["GET"], limit=2)
    result = run(emulator, "civo_instance", dict(CREATE, wait=False))
    emulator.clear_faults()
    assert posts(emulator.journal()) == [], "created a second instance after a malformed %s answer" % body
    assert [i["id"] for i in all_instances(emulator)] == [existing["id"]]
    if result.rc == 0:
        assert result["changed"] is False and result["instance"]["id"] == existing["id"]


@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_list_never_reads_as_absent(emulator, body):
    existing = api_instance(emulator, HOST)
    emulator.clear_journal()
    emulator.faults(1.0, ["malformed"], malformed=[body], match="/v2/instances", methods=["GET"])
    result = clean_failure(run(emulator, "civo_instance", dict(hostname=HOST, state="absent", api_retries=1)))
    emulator.clear_faults()
    assert not [e for e in emulator.journal() if e["method"] == "DELETE"]
    assert result["changed"] is False
    assert [i["id"] for i in all_instances(emulator)] == [existing["id"]]


@pytest.mark.parametrize("body", ["empty", "truncated", "html"])
def test_a_malformed_answer_to_the_create_is_adopted_not_sent_twice(emulator, body):
    emulator.faults(1.0, ["malformed"], malformed=[body], match="/v2/instances", methods=["POST"], limit=1)
    ok(run(emulator, "civo_instance", dict(CREATE, wait=False)))
    emulator.clear_faults()
    journal = emulator.journal()
    assert len(posts(journal)) == 1 and posts(journal)[0]["malformed"] == body
    assert [i["hostname"] for i in all_instances(emulator)] == [HOST]


# -- item 3 (Zomro): a malformed 200 is never "no instances" ----------------------------------------------

@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_zomro_list_never_reads_as_no_instances(emulator, body):
    emulator.faults(1.0, ["malformed"], malformed=[body], match="instances", methods=["POST"])
    result = run(emulator, "zomro_instance_info", dict(instance=ZOMRO_ELID, api_retries=1))
    emulator.clear_faults()
    clean_failure(result)
    assert "instances" not in result or result["instances"], result


@pytest.mark.parametrize("body", ["empty", "truncated", "html"])
def test_a_malformed_zomro_list_once_is_retried(emulator, body):
    emulator.faults(1.0, ["malformed"], malformed=[body], match="instances", methods=["POST"], limit=1)
    result = ok(run(emulator, "zomro_instance_info", dict(instance=ZOMRO_ELID)))
    emulator.clear_faults()
    assert [i["id"] for i in result["instances"]] == [ZOMRO_ELID]
