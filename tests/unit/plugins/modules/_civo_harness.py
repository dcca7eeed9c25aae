# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a Civo module's real code against a scripted client, without Ansible or HTTP.

``run(cls, client, params, check=False)`` builds the module through its real
``__init__`` (argument spec merged by the base) with ``AnsibleModule``
replaced by a fake that applies the spec's defaults, runs it and returns the
result dict of ``exit_json``/``fail_json`` (with ``failed`` set on failure).

``FakeCivo`` answers the client methods the recovery/snapshot modules use from
plain dicts and records every call; mutating calls are in ``.mutations``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.vmops.cloud.plugins.module_utils import base
from ansible_collections.vmops.cloud.plugins.module_utils._http import AmbiguousRequestError, ApiError, create_or_adopt
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient, instance_not_found, is_uuid


class Exited(Exception):
    def __init__(self, result):
        super(Exited, self).__init__(result)
        self.result = result


class FakeAnsibleModule(object):
    check = False
    given = {}

    def __init__(self, argument_spec, supports_check_mode=False, **kwargs):
        self.argument_spec = argument_spec
        self.kwargs = kwargs
        self.params = dict((k, v.get("default")) for k, v in argument_spec.items())
        unknown = set(self.given) - set(argument_spec)
        if unknown:
            raise AssertionError("unknown options %s" % sorted(unknown))
        self.params.update(self.given)
        self.check_mode = self.check
        self._diff = True
        self._name = "test"
        self.warnings = []

    def warn(self, msg):
        self.warnings.append(msg)

    def exit_json(self, **result):
        if self.warnings:
            result["warnings"] = list(self.warnings)
        raise Exited(result)

    def fail_json(self, **result):
        result["failed"] = True
        if self.warnings:
            result["warnings"] = list(self.warnings)
        raise Exited(result)


def make(cls, client, params, check=False, monkeypatch=None):
    """The module object, built by its real ``__init__`` (``monkeypatch`` is pytest's)."""
    fake = type("FakeAM", (FakeAnsibleModule,), {"check": check, "given": dict(params)})
    monkeypatch.setattr(base, "AnsibleModule", fake)
    mod = cls()
    mod._client = client
    return mod


def run(cls, client, params, check=False, monkeypatch=None):
    mod = make(cls, client, params, check=check, monkeypatch=monkeypatch)
    try:
        mod.run()
    except Exited as exc:
        return exc.result
    raise AssertionError("the module neither exited nor failed")


def not_found(what="instance"):
    return ApiError("not found", status=404, code="database_%s_not_found" % what, reason="not found")


class FakeCivo(object):
    """Plain-dict state; every call is recorded in ``calls`` as ``(name, args)``."""

    region = "LON1"
    path = staticmethod(CivoClient.path)
    settle_race = CivoClient.settle_race
    delete_if_present = CivoClient.delete_if_present

    def __init__(self, instances=(), recovery=None, snapshots=(), isnaps=None):
        self.instances = dict((i["id"], copy.deepcopy(i)) for i in instances)
        self.recovery = dict(recovery or {})
        self.snapshots = [copy.deepcopy(s) for s in snapshots]
        self.isnaps = copy.deepcopy(isnaps or {})
        self.calls = []
        self.answers = {}      # (method, path) -> answer for put/post/delete
        self.ambiguous = {}    # (method, path) -> how many times to raise AmbiguousRequestError
        self.on_send = {}      # (method, path) -> callable applied when the request "reaches" the server

    # -- reads -------------------------------------------------------------
    def get_instance(self, instance_id):
        self.calls.append(("get_instance", instance_id))
        inst = self.instances.get(instance_id)
        return copy.deepcopy(inst) if inst else None

    def find_instances_by_hostname(self, hostname):
        self.calls.append(("list_instances", hostname))
        return [copy.deepcopy(i) for i in self.instances.values() if i.get("hostname") == hostname]

    def find_instance(self, ref, what="instance"):
        if is_uuid(ref):
            return self.get_instance(ref)
        matches = self.find_instances_by_hostname(ref)
        return matches[0] if matches else None

    def require_instance(self, ref, what="instance"):
        found = self.find_instance(ref, what)
        if found is None:
            raise instance_not_found(ref, self.region)
        return found

    def get_recovery(self, instance_id):
        self.calls.append(("get_recovery", instance_id))
        return bool(self.recovery.get(instance_id, False))

    def list_snapshots(self):
        self.calls.append(("list_snapshots",))
        return copy.deepcopy(self.snapshots)

    def find_snapshot(self, name):
        for snap in self.list_snapshots():
            if snap.get("name") == name:
                return snap
        return None

    def list_instance_snapshots(self, instance_id):
        self.calls.append(("list_instance_snapshots", instance_id))
        if instance_id not in self.instances:
            raise not_found()
        return copy.deepcopy(self.isnaps.get(instance_id, []))

    def get_instance_snapshot(self, instance_id, ref):
        self.calls.append(("get_instance_snapshot", instance_id, ref))
        for snap in self.isnaps.get(instance_id, []):
            if ref in (snap.get("id"), snap.get("name")):
                return copy.deepcopy(snap)
        return None

    # -- writes ------------------------------------------------------------
    def _write(self, method, path, data=None, safe=None):
        self.calls.append((method, path, data))
        key = (method, path)
        if key in self.on_send:
            self.on_send[key](data)
        if self.ambiguous.get(key):
            self.ambiguous[key] -= 1
            raise AmbiguousRequestError("%s %s: connection lost" % (method, path), code="connection_error")
        answer = self.answers.get(key, {"result": "success"})
        if isinstance(answer, Exception):
            raise answer
        return copy.deepcopy(answer(data) if callable(answer) else answer)

    def put(self, path, data=None, safe=None, **kw):
        return self._write("PUT", path, data, safe)

    def post(self, path, data=None, safe=None, **kw):
        return self._write("POST", path, data, safe)

    def delete(self, path, params=None, safe=None, **kw):
        return self._write("DELETE", path, None, safe)

    def create_or_adopt(self, send, find):
        return create_or_adopt(send, find, retries=2, sleep=lambda s: None)

    @property
    def mutations(self):
        return [c for c in self.calls if c[0] in ("PUT", "POST", "DELETE")]
