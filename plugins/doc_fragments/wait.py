# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait until the change has taken effect (for example the instance is V(ACTIVE)) before returning.
      - With V(false) the module returns right after the API accepted the request; the returned object then
        shows the transitional state.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait at most when O(wait=true). The state is polled with a capped backoff
        (first after 0.25 seconds, then less often, at most every 5 seconds).
      - On timeout the module fails and says which state it saw last.
    type: int
    default: 600
"""
