# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Part of the test kit: under plain pytest, ansible's plugin loader is given this collection before any
test module loads (``ansible-test units`` installs its own collection finder first, so nothing is done
there).  The inventory, callback and plugin_utils tests then load the plugins as ansible-core does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.utils.collection_loader import AnsibleCollectionConfig


def collections_root():
    """The directory holding ``ansible_collections`` for this checkout or copy."""
    coll = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    parent = os.path.dirname(os.path.dirname(coll))
    if os.path.basename(parent) == "ansible_collections":
        return os.path.dirname(parent)
    return os.path.join(coll, ".build", "collections")


if AnsibleCollectionConfig.collection_finder is None:
    from ansible.plugins.loader import init_plugin_loader
    init_plugin_loader([collections_root()])
