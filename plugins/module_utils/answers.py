# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a 2xx answer must look like: the checks given to the transport's ``check=`` hook.

``Transport.request(..., check=expect_list)`` returns what the check returns, or raises
``MalformedResponseError`` when the body is not that shape: a safe request is then retried like a 5xx
and an unsafe one is ambiguous (adopted, never re-sent blindly).  A ``""``, ``{}``, ``null``, HTML or
a wrong type is never read as "nothing exists".  One home for every JSON provider's checks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ._http import MalformedResponseError, body_excerpt


def _json_body(response):
    if not response.content or not response.content.strip():
        raise MalformedResponseError("the answer is empty, not JSON", status=response.status_code)
    try:
        return response.json()
    except ValueError:
        raise MalformedResponseError("the answer is not JSON: %s" % body_excerpt(response),
                                     status=response.status_code, reason=body_excerpt(response))


def describe(body):
    """What a body is, for a message (``an object with keys a, b``)."""
    if body is None:
        return "null"
    if isinstance(body, dict):
        return "an object with keys %s" % (", ".join(sorted(body)[:8]) or "none")
    return "a %s" % type(body).__name__


def expect_json(response):
    """Any JSON value (for a caller that checks the shape itself); never empty or HTML."""
    return _json_body(response)


def expect_any(response):
    """The answer to an action or a delete: JSON (often ``{"result": "success"}``) or an empty body."""
    if not response.content or not response.content.strip():
        return {}
    return _json_body(response)


def expect_object(response):
    """A JSON object (``{...}``) that is not empty."""
    body = _json_body(response)
    if not isinstance(body, dict) or not body:
        raise MalformedResponseError("expected a JSON object, got %s" % describe(body), status=response.status_code)
    return body


def expect_created(response):
    """A create's answer: an object with the new id (else the create may still have happened)."""
    body = expect_object(response)
    if not body.get("id") or not isinstance(body.get("id"), str) or body.get("result") == "failed":
        raise MalformedResponseError("the create answer has no id: %s" % describe(body), status=response.status_code)
    return body


def expect_page(response):
    """A page of a paged list, ``{"items": [...], "page"..., "pages"...}``, or a list answered as an array."""
    body = _json_body(response)
    if isinstance(body, list):
        items = body
    elif isinstance(body, dict) and isinstance(body.get("items"), list):
        items = body["items"]
        pages = body.get("pages", 1)
        if isinstance(pages, bool) or not isinstance(pages, int):
            raise MalformedResponseError("the page count is not a number: %r" % (pages,), status=response.status_code)
    else:
        raise MalformedResponseError("expected a list of items, got %s" % describe(body), status=response.status_code)
    if not all(isinstance(i, dict) for i in items):
        raise MalformedResponseError("the list holds something that is not an object", status=response.status_code)
    return body


def expect_list(response):
    """A list (a JSON array, or ``{"items": [...]}``), returned as a Python list of objects."""
    body = expect_page(response)
    return body if isinstance(body, list) else body["items"]
