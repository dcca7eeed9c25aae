# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/runtime.yml action groups must list exactly the collection's modules.

`module_defaults: {group/vmops.cloud.civo: ...}` only reaches the modules named in the group, so a
module missing from its group silently ignores shared defaults (api_key, region, ...).
Runs under `ansible-test units` (from the .build copy) and plain pytest (from the checkout).
"""

from __future__ import annotations

import os

import pytest
import yaml

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
FQCN_PREFIX = 'vmops.cloud.'
PROVIDER_GROUPS = ('civo', 'zomro')


def _modules():
    mod_dir = os.path.join(COLLECTION_ROOT, 'plugins', 'modules')
    if not os.path.isdir(mod_dir):
        return set()
    return {
        name[:-3]
        for name in os.listdir(mod_dir)
        if name.endswith('.py') and name != '__init__.py' and not name.startswith('_')
    }


def _action_groups():
    with open(os.path.join(COLLECTION_ROOT, 'meta', 'runtime.yml'), encoding='utf-8') as fh:
        runtime = yaml.safe_load(fh) or {}
    groups = {}
    for group, entries in (runtime.get('action_groups') or {}).items():
        names = []
        for entry in entries or []:
            if isinstance(entry, dict):  # `- metadata: {extend_group: ...}`
                continue
            names.append(entry[len(FQCN_PREFIX):] if entry.startswith(FQCN_PREFIX) else entry)
        groups[group] = names
    return groups


@pytest.mark.parametrize('group', PROVIDER_GROUPS)
def test_group_is_exactly_the_provider_modules(group):
    groups = _action_groups()
    assert group in groups, 'meta/runtime.yml has no action group %r' % group
    listed = groups[group]
    assert len(listed) == len(set(listed)), 'duplicate entries in action group %r: %r' % (group, listed)
    expected = {m for m in _modules() if m.startswith(group + '_')}
    missing = sorted(expected - set(listed))
    stale = sorted(set(listed) - expected)
    assert not missing and not stale, (
        'action group %r != plugins/modules/%s_*: missing from group %r, listed without a module %r'
        % (group, group, missing, stale)
    )


def test_every_module_is_in_a_group():
    grouped = set()
    for names in _action_groups().values():
        grouped.update(names)
    ungrouped = sorted(_modules() - grouped)
    assert not ungrouped, 'modules in no action group of meta/runtime.yml: %r' % ungrouped
