# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - URL of the Zomro (BILLmanager) API.
      - If not set, the value of the E(ZOMRO_API_URL) environment variable is used.
    type: str
    default: https://api.zomro.com/
  username:
    description:
      - Zomro account user name; the module logs in with C(func=auth) and uses the session it gets.
      - If not set, the value of the E(ZOMRO_USERNAME) environment variable is used.
      - Required together with O(password), unless O(auth_token) is given.
    type: str
  password:
    description:
      - Zomro account password. Never logged or returned.
      - If not set, the value of the E(ZOMRO_PASSWORD) environment variable is used.
    type: str
  auth_token:
    description:
      - An existing Zomro session id, sent as C(auth). Never logged or returned.
      - If not set, the value of the E(ZOMRO_AUTH) environment variable is used.
      - When the session has expired (the API answers an C(access) error) and O(username)/O(password) are given,
        the module logs in again once.
      - An account with two-factor authentication cannot log in with O(username) and O(password) alone (the API
        asks for a one-time code, C(func=totp.confirm)); the module fails saying so. Give a session confirmed in
        the panel here instead.
      - Session ids the module opens are never shown in its output.
    type: str
  api_timeout:
    description:
      - Seconds to wait for each API response.
    type: int
    default: 30
  api_retries:
    description:
      - How many times a read or a failed connection is retried, with capped exponential backoff and jitter.
      - An action that may have been applied is not repeated blindly; the module reads the instance state first.
    type: int
    default: 5
  validate_certs:
    description:
      - Verify the API's TLS certificate.
    type: bool
    default: true
requirements:
  - requests
notes:
  - Common options can be set once for all Zomro modules through the C(group/vmops.cloud.zomro) module defaults group.
    Put only the connection options there; M(vmops.cloud.zomro_instance_info) does not take O(ignore:wait) or O(ignore:wait_timeout).
"""
