# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of plugins/plugin_utils/_inventory.py, the helper the inventory plugins share.

They hold on every ansible-core the collection admits: run them with the 2.17 venv too
(``.build/venv-core-2.17/bin/python -m pytest tests/unit/plugins/plugin_utils``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

import pytest

from ansible_collections.vmops.cloud.plugins.plugin_utils import _inventory as helper

try:  # ansible-core 2.19 and later: data tagging
    from ansible.template import is_trusted_as_template, trust_as_template
except ImportError:  # 2.17, 2.18: the unsafe proxy
    is_trusted_as_template = trust_as_template = None


def assert_never_templated(value):
    """``value`` and every string nested in it will not be templated by this ansible-core."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert_never_templated(key)
            assert_never_templated(item)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            assert_never_templated(item)
    elif isinstance(value, str):
        if is_trusted_as_template is not None:
            assert not is_trusted_as_template(value), value
        else:
            from ansible.utils.unsafe_proxy import AnsibleUnsafe
            assert isinstance(value, AnsibleUnsafe), (type(value), value)


def trusted(text):
    return trust_as_template(text) if trust_as_template is not None else text


def test_make_unsafe_marks_nested_strings():
    evil = "{{ lookup('pipe', 'id') }}"
    value = {"tags": [trusted(evil), "plain"], "notes": trusted(evil), "nested": {"deep": [{"k": trusted(evil)}]},
             "count": 3, "on": True, "none": None}
    out = helper.make_unsafe(value)
    assert_never_templated(out)
    assert out == value  # the same text and numbers
    assert out["count"] == 3 and out["on"] is True and out["none"] is None
    assert_never_templated(helper.make_unsafe(trusted(evil)))


def test_make_unsafe_is_a_no_op_for_scalars():
    assert helper.make_unsafe(5) == 5
    assert helper.make_unsafe(None) is None


@pytest.mark.parametrize("secret", ["s3cr3t-key-value", "p@ss word/+&=", "kéy-ünïcode"])
def test_scrub_masks_the_secret_and_its_url_encoded_forms(secret):
    from urllib.parse import quote, quote_plus
    text = "a %s b %s c %s d" % (secret, quote(secret, safe=""), quote_plus(secret))
    out = helper.scrub(text, [secret])
    assert out == "a %s b %s c %s d" % (helper.MASK, helper.MASK, helper.MASK)
    assert secret not in out and quote(secret, safe="") not in out and quote_plus(secret) not in out


def test_scrub_ignores_empty_and_short_values_and_masks_longest_first():
    assert helper.scrub("abc key", [None, "", "abc"]) == "abc key"
    assert helper.scrub("token=abcd-efgh", ["abcd", "abcd-efgh"]) == "token=" + helper.MASK


def test_scrub_masks_url_credentials_without_being_told():
    assert helper.scrub("GET http://deploy:s3cret@127.0.0.1:1/v2 failed", []) == "GET http://********@127.0.0.1:1/v2 failed"


def test_url_secrets():
    assert sorted(helper.url_secrets("http://deploy:pa%73s@127.0.0.1:8080/x")) == ["deploy", "pass"]
    assert helper.url_secrets("https://api.civo.com") == []
    assert helper.url_secrets(None) == []


def test_cache_digest_depends_on_credential_and_scope_and_hides_the_credential():
    one = helper.cache_digest("key-one", "https://api|LON1")
    assert one == helper.cache_digest("key-one", "https://api|LON1")
    assert one != helper.cache_digest("key-two", "https://api|LON1")
    assert one != helper.cache_digest("key-one", "https://api|FRA1")
    assert "key-one" not in one
    for algo in ("md5", "sha1", "sha256"):
        assert getattr(hashlib, algo)(b"key-one").hexdigest()[:12] not in one


def test_unique_names():
    assert helper.unique_names(["a", "b"], ["1", "2"]) == ["a", "b"]
    assert helper.unique_names(["web", "web", "db"], ["11111111-a", "22222222-b", "3"]) == [
        "web_11111111", "web_22222222", "db"]
    assert helper.unique_names(["web", "web"], ["12345678-a", "12345678-b"]) == ["web_12345678", "web_12345678-b"]
    assert helper.unique_names([None, ""], ["id-1", "id-2"]) == ["id-1", "id-2"]


def test_name_value_and_is_template():
    assert helper.name_value("  x ") == "x"
    assert helper.name_value(7) == "7"
    for empty in (None, "", "  ", [], {}, True):
        assert helper.name_value(empty) is None
    assert helper.is_template("{{ x }}") and helper.is_template("{% if x %}y{% endif %}")
    assert not helper.is_template("hostname")
