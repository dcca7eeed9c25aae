# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  api_key:
    description:
      - "Civo API key, sent as C(Authorization: bearer <key>)."
      - If not set, the value of the E(CIVO_TOKEN) environment variable is used, then E(CIVO_API_KEY).
      - Required, here or in one of those variables; a run without it fails before any request, naming them.
      - Never logged or returned.
    type: str
  api_url:
    description:
      - Base URL of the Civo API.
      - If not set, the value of the E(CIVO_API_URL) environment variable is used.
    type: str
    default: https://api.civo.com
  region:
    description:
      - Civo region the resources live in, for example V(LON1), V(NYC1) or V(FRA1) (case-insensitive).
      - Civo answers "not found" for an object asked for in the wrong region.
      - If not set, the value of the E(CIVO_REGION) environment variable is used, else V(LON1).
    type: str
    default: LON1
  api_timeout:
    description:
      - Seconds to wait for each API response before the request counts as failed.
    type: int
    default: 30
  api_retries:
    description:
      - How many times a failed request is retried (HTTP 429 honouring C(Retry-After), 500, 502, 503, 504,
        connection errors and timeouts), with capped exponential backoff and jitter.
      - A create that may have been applied is never re-sent before the module has looked for what it created.
    type: int
    default: 5
  validate_certs:
    description:
      - Verify the API's TLS certificate. Turn off only for a test endpoint.
    type: bool
    default: true
requirements:
  - requests
notes:
  - All Civo modules of this collection can be given common options through the C(group/vmops.cloud.civo) module defaults group.
    Put only the connection options there (O(api_key), O(api_url), O(region), O(api_timeout), O(api_retries), O(validate_certs));
    the C(_info) modules do not take O(ignore:wait) or O(ignore:wait_timeout).
"""
