# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guide's troubleshooting table lists every failure code users can get: each ``code="..."``
the collection raises (found in plugins/, so the table stays complete as codes are added) and the
provider codes seen on the real APIs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUIDE = os.path.join(ROOT, "docs", "docsite", "rst", "guide.rst")

# Codes the provider APIs answer that users meet (shared/api-docs/ERRATA.md, the official clients,
# and issue 17's list).
PROVIDER_CODES = {
    "authentication_invalid_key", "authentication_access_denied", "database_account_not_found",
    "requires_authentication", "auth",
    "route_not_found", "database_region_not_found", "database_size_not_found",
    "database_disk_image_not_found", "disk_image_not_found", "database_network_not_found",
    "database_firewall_not_found", "database_ssh_key_not_found", "database_snapshot_not_found",
    "database_instance_not_found", "parameter_size_missing", "parameter_name_invalid",
    "instance_state_must_be_active_or_shutoff", "database_instance_already_in_rescue_state",
    "database_snapshot_cannot_replace", "database_snapshot_create_already_in_process",
    "quota_limit_reached", "out_of_capacity", "instance_duplicate", "database_instance_duplicate_name",
    "instance_not_found", "tls_error",
}

CODE_RE = re.compile(r"""\bcode\s*=\s*(?:"([a-z0-9_]+)"|'([a-z0-9_]+)')|["']code["']\s*:\s*["']([a-z0-9_]+)["']""")


def raised_codes():
    codes = {}
    for base, _dirs, files in os.walk(os.path.join(ROOT, "plugins")):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(base, name)
            with open(path, encoding="utf-8") as handle:
                for match in CODE_RE.finditer(handle.read()):
                    code = next(g for g in match.groups() if g)
                    codes.setdefault(code, os.path.relpath(path, ROOT))
    return codes


def table_codes():
    with open(GUIDE, encoding="utf-8") as handle:
        text = handle.read()
    start = text.index("\nTroubleshooting\n")
    section = text[start:]
    table = section[section.index(".. list-table::"):]
    # the first column of every row: "   * - ``code``, ``code`` (Zomro)"
    codes = set()
    for line in table.splitlines():
        if line.startswith("   * - "):
            codes.update(re.findall(r"``([a-z0-9_]+)``", line))
        elif line and not line.startswith(" ") and not line.startswith(".."):
            break
    return codes


def test_scanner_finds_codes():
    codes = raised_codes()
    # the scanner must see the codes of the transport and of both providers
    for code in ("connection_error", "wait_timeout", "invalid_parameter", "instance_not_found"):
        assert code in codes, sorted(codes)


def test_table_lists_every_code_the_collection_raises():
    listed = table_codes()
    missing = {code: where for code, where in raised_codes().items() if code not in listed}
    assert not missing, "add these failure codes to the troubleshooting table of %s: %s" % (
        os.path.relpath(GUIDE, ROOT), ", ".join("%s (%s)" % item for item in sorted(missing.items())))


def test_table_lists_provider_codes_users_get():
    missing = sorted(PROVIDER_CODES - table_codes())
    assert not missing, "add these provider codes to the troubleshooting table: %s" % ", ".join(missing)
