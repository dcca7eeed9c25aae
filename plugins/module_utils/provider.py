# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the module frame needs to know about a provider, as one object.

Each provider module (``civo.py``, ``zomro.py``) ends with one ``Provider`` (``CIVO``, ``ZOMRO``);
a module names it (``provider = CIVO``) and the frame (``base.py``) uses it without importing any
provider.  Adding a provider touches only new files (plus ``meta/runtime.yml``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy


class Provider(object):
    """A provider's argument spec, client factory, extra AnsibleModule rules and status naming.

    ``argument_spec()`` returns the credential/endpoint options every module of the provider takes;
    ``client(params)`` builds its API client from the module's options; ``module_kwargs`` holds extra
    AnsibleModule rules (e.g. ``required_together``), merged with the module's own; ``describe(value)``
    names an object's state in wait messages (``None``: the waiter's generic ``status=``/``state=``).
    """

    def __init__(self, name, argument_spec, client, module_kwargs=None, describe=None):
        self.name = name
        self._argument_spec = argument_spec
        self._client = client
        self.module_kwargs = module_kwargs or {}
        self.describe = describe

    def argument_spec(self):
        return copy.deepcopy(self._argument_spec())

    def client(self, params):
        return self._client(params)

    def merge_module_kwargs(self, kwargs):
        """``kwargs`` (a module's AnsibleModule rules) plus this provider's: lists are concatenated."""
        merged = copy.deepcopy(dict(kwargs))
        for key, rules in self.module_kwargs.items():
            if isinstance(rules, list):
                merged[key] = list(merged.get(key) or []) + copy.deepcopy(rules)
            else:
                merged.setdefault(key, copy.deepcopy(rules))
        return merged

    def __repr__(self):
        return "<Provider %s>" % self.name
