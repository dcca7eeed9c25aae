# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Regression tests (issue 9): civo_instance never repeats an applied action blindly; null ids fail early.

Civo refuses stop/start/resize/reboot while an instance is in transition, and
answers 404 to a second DELETE: a request repeated after its answer was lost
failed the run although the first one had worked.  Power and resize requests are
now sent as not safe to repeat and, after an ambiguous failure, adopted when the
instance shows them applied; a DELETE that finds the instance gone is done.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import InvalidParameterError
from ansible_collections.vmops.cloud.tests.unit.plugins.modules.test_civo_instance import (
    DOC_INSTANCE,
    INSTANCE_ID,
    civo_api,
    instance,
    make,
)

BASE = "/v2/instances/" + INSTANCE_ID


def lossy_civo(instances, method, endpoint, applied=True, status_after=None):
    """The fake Civo API, losing the answer to the first ``method`` request to a path ending in ``endpoint``.

    ``applied``: the server applied it before the connection dropped (then the
    instance's status becomes ``status_after`` when given).  Every mutating
    request's ``safe`` flag is recorded.
    """
    return civo_api(instances, lose=(method, endpoint), applied=applied, status_after=status_after)


def sent(client, method, path):
    return [r for r in client.requests if r[0] == method and r[1] == path]


@pytest.mark.parametrize("state, status, method, endpoint, status_after", [
    ("stopped", "ACTIVE", "PUT", "/stop", "STOPPING"),
    ("started", "SHUTOFF", "PUT", "/start", "STARTING"),
    ("restarted", "ACTIVE", "POST", "/hard_reboots", "REBOOTING"),
    ("restarted", "SHUTOFF", "PUT", "/start", "STARTING"),
])
def test_lost_power_action_that_was_applied_is_not_sent_again(state, status, method, endpoint, status_after):
    client = lossy_civo([instance(status=status)], method, endpoint, status_after=status_after)
    mod = make(client=client, id=INSTANCE_ID, state=state, wait=False)
    current = mod.apply(mod.plan(mod.find()), mod.find())
    assert len(sent(client, method, BASE + endpoint)) == 1
    assert current["status"] == status_after
    assert client.safe_flags == [False]


@pytest.mark.parametrize("state, status, method, endpoint", [
    ("stopped", "ACTIVE", "PUT", "/stop"),
    ("started", "SHUTOFF", "PUT", "/start"),
    ("restarted", "ACTIVE", "POST", "/hard_reboots"),
])
def test_failed_power_action_that_was_not_applied_is_sent_again(state, status, method, endpoint):
    client = lossy_civo([instance(status=status)], method, endpoint, applied=False)
    mod = make(client=client, id=INSTANCE_ID, state=state, wait=False)
    mod.apply(mod.plan(mod.find()), mod.find())
    assert len(sent(client, method, BASE + endpoint)) == 2


def test_lost_resize_that_was_applied_is_not_sent_again():
    client = lossy_civo([DOC_INSTANCE], "PUT", "/resize", status_after="BUILDING")
    mod = make(client=client, id=INSTANCE_ID, size="g3.medium", wait=False)
    current = mod.apply(mod.plan(mod.find()), mod.find())
    assert [r[2] for r in sent(client, "PUT", BASE + "/resize")] == [{"size": "g3.medium"}]
    assert current["size"] == "g3.medium"
    assert client.safe_flags == [False]


def test_lost_resize_that_was_not_applied_is_sent_again():
    client = lossy_civo([DOC_INSTANCE], "PUT", "/resize", applied=False)
    mod = make(client=client, id=INSTANCE_ID, size="g3.medium", wait=False)
    mod.apply(mod.plan(mod.find()), mod.find())
    assert len(sent(client, "PUT", BASE + "/resize")) == 2


def test_delete_that_finds_the_instance_gone_succeeds():
    # The transport repeats a DELETE whose answer was lost; the repeat answers 404.
    client = civo_api([])
    mod = make(client=client, id=INSTANCE_ID, state="absent")
    assert mod.apply(mod.plan(instance()), instance()) is None
    assert [(m, p) for m, p, d in client.requests] == [("DELETE", BASE), ("GET", BASE)]


# -- found by the bad-input property tests ----------------------------------------------------------

def test_null_id_and_hostname_fail_before_any_request():
    # Ansible's required_one_of counts options given as null: without this check the module planned
    # "create instance None" (check mode) or sent a POST the API refuses.
    client = civo_api([DOC_INSTANCE])
    mod = make(client=client, id=None, hostname=None, size="g3.small", template_id="ubuntu-jammy")
    with pytest.raises(InvalidParameterError) as err:
        mod.validate()
    assert "id and hostname" in str(err.value)
    assert client.requests == []
