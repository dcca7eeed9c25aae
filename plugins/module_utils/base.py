# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of every vmops.cloud module.

A module declares its options, how it finds its resource (``find``), what it
would change (``plan``) and how each change is applied (the plan's steps).
This base turns that into check mode (steps are not run), ``--diff`` output
(the plan's before/after), a stable result, and structured failures::

    class InstanceModule(VmopsModule):
        provider = "civo"
        resource_key = "instance"
        argument_spec = dict(hostname=dict(type="str"), ...)

        def find(self):
            return self.client.find_instance(self.params["hostname"])

        def plan(self, current):
            plan = Plan(before=summary(current))
            if current is None:
                plan.add("create instance", self.create, status="ACTIVE")
            return plan

        def create(self, current):
            ...  # returns the new current object

Any ``ApiError`` (or subclass) raised anywhere ends in
``fail_json(msg=..., failure={status, code, reason})``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.vmops.cloud.plugins.module_utils._http import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ApiError,
)
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient, civo_argument_spec
from ansible_collections.vmops.cloud.plugins.module_utils.waiter import wait_argument_spec, wait_until
from ansible_collections.vmops.cloud.plugins.module_utils.zomro import ZomroClient, zomro_argument_spec


class Plan(object):
    """What a run would change: ordered steps plus a before/after view."""

    def __init__(self, before=None, after=None):
        self.before = copy.deepcopy(before) if before is not None else {}
        self.after = copy.deepcopy(self.before if after is None else after)
        self.steps = []

    def step(self, description, func, *args, changes=None, **kwargs):
        """Add a step that carries its own arguments: ``func(current, *args, **kwargs)``.

        It returns the new current object.  ``changes`` holds the fields the step changes, for
        ``--diff``.  Prefer this to ``add``: no data passes through attributes of the module.
        """
        self.steps.append((description, _Bound(func, args, kwargs)))
        self.after.update(changes or {})
        return self

    def add(self, *step, **after):
        """Add a step ``(description, func)``: ``func(current)`` returns the new current object.

        ``after`` holds the fields the step changes, for ``--diff`` (any name,
        ``description`` included, hence the positional ``step``).
        """
        description, func = step
        self.steps.append((description, func))
        self.after.update(after)
        return self

    @property
    def changed(self):
        return bool(self.steps)

    @property
    def actions(self):
        return [description for description, dummy in self.steps]


class _Bound(object):
    """``func(current, *args, **kwargs)`` as a one-argument callable."""

    def __init__(self, func, args, kwargs):
        self.func, self.args, self.kwargs = func, args, kwargs

    def __call__(self, current):
        return self.func(current, *self.args, **self.kwargs)


class VmopsModule(object):
    #: ``civo``, ``zomro`` or ``None``: which client and credential options.
    provider = "civo"
    #: the result key holding the managed object.
    resource_key = "resource"
    #: the module's own options.
    argument_spec = {}
    #: extra AnsibleModule keyword arguments (mutually_exclusive, required_if...).
    module_kwargs = {}
    #: add ``wait``/``wait_timeout`` options.
    waits = True
    default_wait_timeout = 600

    def __init__(self):
        spec = {}
        if self.provider == "civo":
            spec.update(civo_argument_spec())
        elif self.provider == "zomro":
            spec.update(zomro_argument_spec())
        if self.waits:
            spec.update(wait_argument_spec(self.default_wait_timeout))
        spec.update(copy.deepcopy(self.argument_spec))
        kwargs = dict(self.module_kwargs)
        if self.provider == "zomro":
            kwargs.setdefault("required_together", []).append(["username", "password"])
            kwargs.setdefault("required_one_of", []).append(["username", "auth_token"])
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)
        # Read-only view of the options; modules never write to it.
        self.params = self.module.params
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._client = None

    # -- services for subclasses -----------------------------------------

    @property
    def client(self):
        if self._client is None:
            if self.provider == "civo":
                self._client = CivoClient.from_params(self.params)
            elif self.provider == "zomro":
                self._client = ZomroClient.from_params(self.params)
        return self._client

    @property
    def check_mode(self):
        return self.module.check_mode

    def wait_for(self, fetch, done, what, failed=None, describe=None):
        """The shared waiter, bounded by ``wait_timeout``."""
        return wait_until(fetch, done, self.params["wait_timeout"], what, failed=failed, describe=describe)

    # -- what a module overrides -----------------------------------------

    def validate(self):
        """Check the options before any request; raise ``InvalidParameterError``."""

    def find(self):
        """Return the current resource or ``None``."""
        return None

    def plan(self, current):
        """Return a ``Plan`` of what would change."""
        return Plan()

    def apply(self, plan, current):
        for dummy, func in plan.steps:
            current = func(current)
        return current

    def result(self, current, plan):
        """The module's return values (besides changed/diff/actions)."""
        return {self.resource_key: current}

    # -- the run -----------------------------------------------------------

    def run(self):
        try:
            self.validate()
            current = self.find()
            plan = self.plan(current)
            if plan.changed and not self.check_mode:
                current = self.apply(plan, current)
            result = self.result(current, plan)
        except ApiError as exc:
            self.fail_api(exc)
        except Exception as exc:  # pylint: disable=broad-except
            self.fail_internal(exc)
        result.update(changed=plan.changed, actions=plan.actions)
        if self.module._diff:
            result["diff"] = dict(before=plan.before, after=plan.after)
        self.module.exit_json(**result)

    def fail_api(self, exc):
        self.module.fail_json(msg=str(exc), failure=exc.failure())

    def fail_internal(self, exc):
        # A bug of ours must still read as a message, not a traceback.
        name = getattr(self.module, "_name", None) or type(self).__name__
        self.module.fail_json(msg="Internal error in %s (%s): %s" % (name, type(exc).__name__, exc),
                              failure=dict(status=None, code="internal_error", reason=str(exc)))

    @classmethod
    def main(cls):
        cls().run()


class InfoModule(VmopsModule):
    """A read-only module: ``gather()`` returns the result dict."""

    waits = False

    def gather(self):
        return {}

    def run(self):
        try:
            self.validate()
            result = self.gather()
        except ApiError as exc:
            self.fail_api(exc)
        except Exception as exc:  # pylint: disable=broad-except
            self.fail_internal(exc)
        self.module.exit_json(changed=False, **result)
