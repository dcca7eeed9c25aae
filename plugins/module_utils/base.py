# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base of every vmops.cloud module.

A module declares its options, how it finds its resource (``find``), what it
would change (``plan``) and how each change is applied (the plan's steps).
This base turns that into check mode (steps are not run), ``--diff`` output
(the plan's before/after), a stable result, and structured failures::

    class InstanceModule(VmopsModule):
        provider = ACME                 # the Provider object its provider module exports
        resource_key = "instance"
        argument_spec = dict(hostname=dict(type="str"), ...)

        def find(self):
            return self.client.find_instance(self.params["hostname"])

        def plan(self, current):
            plan = Plan(before=summary(current))
            if current is None:
                plan.step("create instance", self.create, changes={"status": "ACTIVE"})
            return plan

        def create(self, current):
            ...  # returns the new current object

Any ``ApiError`` (or subclass) raised anywhere ends in
``fail_json(msg=..., failure={status, code, reason})``.

A failure after a change is honest about it: when a step fails after earlier steps ran (or after a
step reported its change with ``self.applied(obj)``), the failure says ``changed: true``, lists the
``actions`` applied, names the ``failed_action`` and carries the module's result for the object as
last returned by a step (so a one-time ``initial_password`` returned by a create is not lost when
the wait after it fails).  Check mode and failures before any change stay ``changed: false``.
Every message and failure is scrubbed of the secrets the client registered.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._http import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    AmbiguousRequestError,
    ApiError,
    InvalidParameterError,
    MalformedResponseError,
    scrub,
)
from .provider import Provider
from .waiter import WaitFailed, WaitTimeout, wait_argument_spec, wait_until

# Modules import the errors from here (never from the private ``_http``).
__all__ = ["AmbiguousRequestError", "ApiError", "InfoModule", "InvalidParameterError", "MalformedResponseError",
           "MISSING", "Plan", "VmopsModule", "WaitFailed", "WaitTimeout"]


#: ``Plan.show``: this side of the diff is left as it is.
MISSING = object()


class Plan(object):
    """What a run would change: ordered steps plus a before/after view."""

    def __init__(self, before=None, after=None):
        self.before = copy.deepcopy(before) if before is not None else {}
        self.after = copy.deepcopy(self.before if after is None else after)
        self.steps = []

    def step(self, description, func, *args, changes=None, **kwargs):
        """Add a step that carries its own arguments: ``func(current, *args, **kwargs)``.

        It returns the new current object.  ``changes`` holds the fields the step changes, for
        ``--diff``.  No data passes through attributes of the module.
        """
        self.steps.append((description, _Bound(func, args, kwargs)))
        self.after.update(changes or {})
        return self

    def show(self, key, before=MISSING, after=MISSING):
        """Show one field in ``--diff`` as ``before`` -> ``after``, for a field that no single step's
        ``changes`` describe (several steps make it, or it only explains a refusal or replacement).
        A side left out keeps what it has (a new object has no ``before``)."""
        for side, value in ((self.before, before), (self.after, after)):
            if value is not MISSING:
                side[key] = copy.deepcopy(value)
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


class _NoWait(Exception):
    """``wait_for`` called while a failure's partial result is built: no waiting then."""


class _Progress(object):
    """What ``apply`` has done so far (for the partial result of a failure)."""

    def __init__(self):
        self.done = []
        self.running = None
        self.running_applied = False
        self.has_last = False
        self.last = None

    def record(self, current):
        self.has_last = True
        self.last = current


class VmopsModule(object):
    #: the ``Provider`` object its provider module exports, or ``None``: which client
    #: and credential options.
    provider = None
    #: the result key holding the managed object.
    resource_key = "resource"
    #: the module's own options.
    argument_spec = {}
    #: extra AnsibleModule keyword arguments (mutually_exclusive, required_if...).
    module_kwargs = {}
    #: add ``wait``/``wait_timeout`` options.
    waits = True

    def __init__(self):
        provider = self.provider
        if provider is not None and not isinstance(provider, Provider):
            raise TypeError("%s.provider must be a Provider object (the one its provider module exports), not %r" % (type(self).__name__, provider))
        spec = {}
        if provider is not None:
            spec.update(provider.argument_spec())
        if self.waits:
            spec.update(wait_argument_spec())
        spec.update(copy.deepcopy(self.argument_spec))
        kwargs = dict(self.module_kwargs)
        if provider is not None:
            kwargs = provider.merge_module_kwargs(kwargs)
        self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)
        # Read-only view of the options; modules never write to it.
        self.params = self.module.params
        self._progress = _Progress()
        self._fail_extra = {}
        self._failing = False
        # Every failure, whichever method builds it, goes through _fail_json (partial results, scrubbing).
        self._module_fail_json = self.module.fail_json
        self.module.fail_json = self._fail_json
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._client = None

    # -- services for subclasses -----------------------------------------

    @property
    def client(self):
        if self._client is None:
            provider = self.provider
            if provider is not None:
                self._client = provider.client(self.params)
        return self._client

    @property
    def check_mode(self):
        return self.module.check_mode

    def wait_for(self, fetch, done, what, failed=None, describe=None):
        """The shared waiter, bounded by ``wait_timeout`` (transient API failures are retried within it)."""
        if getattr(self, "_failing", False):
            raise _NoWait()
        if describe is None:
            provider = self.provider
            describe = provider.describe if provider is not None else None
        return wait_until(fetch, done, self.params["wait_timeout"], what, failed=failed, describe=describe)

    def applied(self, current):
        """Tell the frame that the running step's change took effect; ``current`` is the object as returned.

        For a step that changes something and then goes on (e.g. waits): should it fail later, the
        failure still reports ``changed: true``, this step among the ``actions`` and ``current``.
        A step that returns the object it got (and leaves the wait to a step of its own) needs no call.
        """
        progress = self._get_progress()
        progress.running_applied = True
        progress.record(current)
        return current

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
        progress = self._get_progress()
        for description, func in plan.steps:
            progress.running, progress.running_applied = description, False
            current = func(current)
            progress.done.append(description)
            progress.record(current)
            progress.running, progress.running_applied = None, False
        return current

    def result(self, current, plan):
        """The module's return values (besides changed/diff/actions)."""
        return {self.resource_key: current}

    # -- the run -----------------------------------------------------------

    def run(self):
        plan = None
        try:
            self.validate()
            current = self.find()
            plan = self.plan(current)
            if plan.changed and not self.check_mode:
                current = self.apply(plan, current)
            result = self.result(current, plan)
        except ApiError as exc:
            self._fail_extra = self.partial_failure(plan)
            self.fail_api(exc)
        except Exception as exc:  # pylint: disable=broad-except
            self._fail_extra = self.partial_failure(plan)
            self.fail_internal(exc)
        result.update(changed=plan.changed, actions=plan.actions)
        if self.module._diff:
            result["diff"] = dict(before=plan.before, after=plan.after)
        self._show_warnings()
        self.module.exit_json(**result)

    def partial_failure(self, plan):
        """What a failure reports besides its message: ``changed``, the ``actions`` applied, and so on.

        No change yet (check mode, a failure before any step, a first step that changed nothing):
        ``changed: false``.  After a change: ``changed: true``, the ``actions`` applied, the
        ``failed_action`` and the module's ``result`` for the object as last returned by a step.
        """
        progress = self._get_progress()
        done = list(progress.done)
        if progress.running is not None and progress.running_applied:
            done.append(progress.running)
        extra = {"changed": bool(done), "actions": done}
        if progress.running is not None:
            extra["failed_action"] = progress.running
        if done and progress.has_last:
            extra.update(self._partial_result(progress.last, plan))
            extra.update(changed=True, actions=done)
            if self.module._diff and plan is not None:
                extra["diff"] = dict(before=plan.before, after=plan.after)
        return extra

    def _partial_result(self, current, plan):
        """``result()`` for the last object, without waiting; the bare object if that fails."""
        self._failing = True
        try:
            partial = self.result(current, plan)
            if not isinstance(partial, dict):
                raise TypeError("result() returned %r" % type(partial))
        except Exception:  # pylint: disable=broad-except
            partial = {self.resource_key: current}
        finally:
            self._failing = False
        for key in ("failed", "msg", "failure", "exception"):
            partial.pop(key, None)
        return partial

    def fail_api(self, exc):
        self.module.fail_json(msg=str(exc), failure=exc.failure())

    def fail_internal(self, exc):
        # A bug of ours must still read as a message; the traceback goes to ``exception`` (shown at -vvv).
        name = getattr(self.module, "_name", None) or type(self).__name__
        self.module.fail_json(msg="Internal error in %s (%s): %s" % (name, type(exc).__name__, exc),
                              failure=dict(status=None, code="internal_error", reason=str(exc)),
                              exception=traceback.format_exc())

    def _get_progress(self):
        progress = getattr(self, "_progress", None)
        if progress is None:
            progress = self._progress = _Progress()
        return progress

    def _secrets(self):
        """The secrets the client and its transport registered (a client may keep its own set too)."""
        client = self._client_or_none()
        secrets = set(getattr(getattr(client, "transport", None), "secrets", None) or ())
        for name in ("secrets", "_secrets"):
            held = getattr(client, name, None)
            if isinstance(held, (set, frozenset, list, tuple)):
                secrets.update(held)
        return secrets

    def _client_or_none(self):
        return getattr(self, "_client", None)

    def _show_warnings(self):
        transport = getattr(self._client_or_none(), "transport", None)
        for warning in getattr(transport, "warnings", None) or ():
            self.module.warn(warning)

    def _fail_json(self, **kwargs):
        """``AnsibleModule.fail_json`` with the partial result of the run and every secret scrubbed."""
        for key, value in (getattr(self, "_fail_extra", None) or {}).items():
            kwargs.setdefault(key, value)
        secrets = self._secrets()
        for key in ("msg", "exception"):
            if isinstance(kwargs.get(key), str):
                kwargs[key] = scrub(kwargs[key], secrets)
        if isinstance(kwargs.get("failure"), dict):
            kwargs["failure"] = dict((k, scrub(v, secrets) if isinstance(v, str) else v)
                                     for k, v in kwargs["failure"].items())
        self._show_warnings()
        self._module_fail_json(**kwargs)

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
            self._fail_extra = {"changed": False}
            self.fail_api(exc)
        except Exception as exc:  # pylint: disable=broad-except
            self._fail_extra = {"changed": False}
            self.fail_internal(exc)
        self._show_warnings()
        self.module.exit_json(changed=False, **result)
