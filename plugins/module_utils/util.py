# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers that belong to no provider: id and boolean parsing, URL segments and checks, secrets.

The public face of the transport's helpers for code above it (the inventory plugins' helper):
nothing outside ``module_utils`` imports the private ``_http``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ._http import (  # noqa: F401  pylint: disable=unused-import
    REDACTED,
    add_secret,
    check_api_url,
    path_segment,
    scrub,
    url_credentials,
)

__all__ = ["REDACTED", "UUID_RE", "add_secret", "check_api_url", "is_uuid", "parse_bool", "path_segment", "scrub",
           "transport_argument_spec", "url_credentials"]

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value):
    """True for a string that is a UUID (any case)."""
    return isinstance(value, str) and bool(UUID_RE.match(value))


def parse_bool(value):
    """``True``/``False`` from a JSON bool, number or string such as ``"true"``; ``None`` if neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes", "on", "1", "enabled"):
            return True
        if text in ("false", "no", "off", "0", "disabled"):
            return False
    return None


def transport_argument_spec():
    """The transport's options every provider takes: request timeout, retries, TLS verification."""
    return dict(
        api_timeout=dict(type="int", default=30),
        api_retries=dict(type="int", default=5),
        validate_certs=dict(type="bool", default=True),
    )
