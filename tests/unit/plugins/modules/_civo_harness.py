# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Kept for tests that still import it: the harness is part of the test kit, ``module_utils/_fake.py``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import (  # noqa: F401
    Exited,
    FakeAnsibleModule,
    FakeCivo,
    make_module as make,
    not_found,
    run,
)
