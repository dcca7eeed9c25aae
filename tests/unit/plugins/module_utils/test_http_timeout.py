# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Regression tests (bad-input property tests, issue 9): an impossible api_timeout is a clear error.

``api_timeout: 0``, a negative value or one too large for the socket layer made
every module fail with "Internal error (ValueError/OverflowError)" at its first
request.  The transport now refuses them when it is built, before any request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import MAX_TIMEOUT, InvalidParameterError, Transport
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient
from ansible_collections.vmops.cloud.plugins.module_utils.zomro import ZomroClient
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeSession, json_response


@pytest.mark.parametrize("timeout", [0, -1, -30, MAX_TIMEOUT + 1, 2 ** 63, 10 ** 30, "30", True, float("nan")])
def test_impossible_timeouts_are_refused_before_any_request(timeout):
    session = FakeSession()
    with pytest.raises(InvalidParameterError) as err:
        Transport(timeout=timeout, session=session)
    assert "api_timeout" in str(err.value) and err.value.code == "invalid_parameter"
    assert session.count == 0


@pytest.mark.parametrize("timeout", [1, 30, MAX_TIMEOUT, 0.5, None, (3, 10)])
def test_possible_timeouts_are_used(timeout):
    session = FakeSession(json_response(200, {"ok": True}))
    tr = Transport(timeout=timeout, session=session)
    tr.request("GET", "https://api.example.test/v2/regions")
    assert session.calls[0].kwargs["timeout"] == timeout


def test_clients_refuse_an_impossible_api_timeout():
    with pytest.raises(InvalidParameterError):
        CivoClient(api_key="k", api_timeout=0)
    with pytest.raises(InvalidParameterError):
        ZomroClient(username="u", password="p", api_timeout=-5)
