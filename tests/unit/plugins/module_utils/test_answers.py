# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The answer checks (module_utils/answers.py): one set for the Civo client and the resource layer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.vmops.cloud.plugins.module_utils._http import MalformedResponseError
from ansible_collections.vmops.cloud.plugins.module_utils.answers import (
    expect_any, expect_created, expect_json, expect_list, expect_object, expect_page)
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import html_response, json_response, response


@pytest.mark.parametrize("check,answer", [
    (expect_json, response(200, b"")),
    (expect_object, json_response(200, {})),
    (expect_object, json_response(200, [])),
    (expect_created, json_response(200, {"result": "success"})),
    (expect_created, json_response(200, {"id": 7})),
    (expect_created, json_response(200, {"id": "x", "result": "failed"})),
    (expect_page, json_response(200, {"items": None})),
    (expect_page, json_response(200, {"items": [], "pages": True})),
    (expect_page, json_response(200, {"items": [], "pages": "2"})),
    (expect_list, json_response(200, [1, 2])),
    (expect_list, html_response(200, "<html>maintenance</html>")),
    (expect_any, response(200, b'{"trunc')),
])
def test_a_wrong_shape_is_malformed(check, answer):
    with pytest.raises(MalformedResponseError):
        check(answer)


def test_the_right_shapes_pass():
    assert expect_any(response(204, b"")) == {}
    assert expect_created(json_response(200, {"id": "a1"})) == {"id": "a1"}
    assert expect_list(json_response(200, [{"id": "a"}])) == [{"id": "a"}]
    assert expect_list(json_response(200, {"items": [{"id": "a"}], "pages": 1})) == [{"id": "a"}]
    assert expect_page(json_response(200, [{"id": "a"}])) == [{"id": "a"}]
