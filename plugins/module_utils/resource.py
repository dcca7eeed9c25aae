# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A declarative layer for plain create/read/update/delete resources (SSH keys, networks, ...).

A module declares its resource instead of coding it: the API's facts come from a ``ResourceApi``
description (the path, what messages call it, the result keys, the "not found" and "name taken"
error codes: ``civo_resources.SshKeys``), the module adds its ``fields`` (``Field``: which options are
sent at create, which ``Update`` changes one in place, which are ``immutable``) and its
``argument_spec`` (``resource_spec``).  ``plugins/modules/civo_ssh_key.py`` is the whole of a module;
``docs/CONTRIBUTING.md`` walks through adding one.  A module ``class CivoSshKey(SshKeys, ResourceModule)``
and gets: find by ``id`` (one GET) or by exact name (one validated list request; several objects
of that name fail with their ids), ``state: present/absent``, a create through
``create_or_adopt`` (a lost answer is found and adopted, never re-sent blindly), a look for
duplicates of the name after a create (the oldest is kept; the run that created a younger one
deletes its own and reports it), in-place updates grouped by request, refusals of fields that
cannot change (one message naming every field with its current and wanted value), a delete that
takes a repeated DELETE's 404 as done (only the resource's own "not found" codes), check mode,
``--diff`` and ``actions`` from the base's ``Plan``.

Every answer is checked (``Transport.request(check=...)``): a malformed list is an error (retried
like a 5xx), never an empty account.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from .base import (  # noqa: F401 (errors re-exported for the resource modules)
    ApiError,
    InfoModule,
    InvalidParameterError,
    Plan,
    VmopsModule,
)
from .answers import expect_any, expect_created, expect_list, expect_object, expect_page
from .util import path_segment

# The listed page size of paged lists (``/v2/ips``); the API documents no maximum.
PAGE_SIZE = 1000


# -- declarations ------------------------------------------------------------------------------------

class Update(object):
    """One in-place update request; the fields that share it go in one body.

    ``suffix`` is appended to the object's path (``/resize``); ``extra`` is added to the body.
    """

    def __init__(self, method="PUT", suffix="", extra=None):
        self.method = method
        self.suffix = suffix
        self.extra = dict(extra or {})


class Field(object):
    """An option of the module that is a field of the API object.

    ``key``: the object's field (default: the option); ``body``: the request's field (default:
    ``key``); ``create``: sent in the create body; ``required``: needed to create; ``update``: the
    ``Update`` that changes it in place; ``immutable``: a different value is refused (``hint`` tells
    what to do instead); ``normalize(value)``: the comparable form of a value (wanted and current);
    ``resolve(module, value, current_value)``: the API value of an option (a name to an id...);
    ``compare``: False for a field only sent at create (an existing object is never compared on it).
    """

    def __init__(self, option, key=None, body=None, create=True, required=False, update=None,
                 immutable=False, hint=None, normalize=None, resolve=None, compare=True):
        self.option = option
        self.key = key or option
        self.body = body or self.key
        self.create = create
        self.required = required
        self.update = update
        self.immutable = immutable
        self.hint = hint
        self.normalize = normalize or (lambda value: value)
        self.resolve = resolve
        self.compare = compare


def resource_spec(name="name", name_aliases=None, states=("present", "absent"), **options):
    """``id``, the name option, ``state`` and the module's own ``options``."""
    spec = dict(id=dict(type="str"), state=dict(type="str", default=states[0], choices=list(states)))
    spec[name] = dict(type="str")
    if name_aliases:
        spec[name]["aliases"] = list(name_aliases)
    spec.update(options)
    return spec


def short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def age_key(obj):
    """Oldest first: ``created_at`` (ISO 8601 sorts as text), then the id; the same order in every run."""
    return (str(obj.get("created_at") or ""), str(obj.get("id") or ""))


class ResourceApi(object):
    """Requests of one resource kind (shared by the resource and ``_info`` modules)."""

    #: collection path under /v2/ (``sshkeys``)
    path = None
    #: what the messages call it (``SSH key``)
    what = "resource"
    #: the API field that holds the name
    name_key = "name"
    #: the field that names an object in its path (``/v2/sshkeys/:id``)
    path_key = "id"
    #: lists are ``{page, per_page, pages, items}`` (else a bare array)
    paged = False
    #: ``GET path/:id`` exists (else an id is looked up in the list)
    get_by_id = True
    #: error codes of a 404 that mean "no such object" (a 404 with another code is an error)
    absent_codes = ()
    #: create error codes meaning "that name is taken" (another run was first): adopt it
    duplicate_codes = ()
    #: the module option that holds the name
    name_option = "name"
    #: the result key of one object (``ssh_key``) and of a list (``ssh_keys``)
    resource_key = "resource"
    list_key = "items"

    def api(self, method, path, data=None, params=None, safe=None, check=expect_any):
        """One request to the provider, with what ``scope`` adds to every request."""
        query = dict(params or {})
        body = dict(data or {}) if method in ("PUT", "POST") else None
        self.scope(query, body)
        client = self.client
        return client.transport.request(method, client.base_url + path, params=query, json=body,
                                        safe=safe, check=check)

    def scope(self, query, body):
        """Add what every request of the provider carries to the query and the body (``None``: none)."""

    def collection_path(self):
        return "/" + self.path

    def item_path(self, obj_id, *rest):
        segments = [path_segment(obj_id, "%s id" % self.what)] + [path_segment(s) for s in rest]
        return "%s/%s" % (self.collection_path(), "/".join(segments))

    def is_absent(self, exc):
        return exc.status == 404 and exc.code in self.absent_codes

    def list_all(self):
        if not self.paged:
            return self.api("GET", self.collection_path(), check=expect_list)
        items, page = [], 1
        while True:
            body = self.api("GET", self.collection_path(), params=dict(page=page, per_page=PAGE_SIZE),
                            check=expect_page)
            if isinstance(body, list):  # not paged after all: the whole list
                return items + body
            items.extend(body["items"])
            if page >= (body.get("pages") or 1) or not body["items"]:
                return items
            page += 1

    def get(self, obj_id):
        """The object of this id, or ``None`` (one GET, or one list request without ``GET :id``)."""
        if not self.get_by_id:
            return next((o for o in self.list_all() if o.get("id") == obj_id), None)
        try:
            return self.api("GET", self.item_path(obj_id), check=expect_object)
        except ApiError as exc:
            if self.is_absent(exc):
                return None
            raise

    def named(self, name, items=None):
        items = self.list_all() if items is None else items
        return [o for o in items if o.get(self.name_key) == name]

    def find_by_name(self, name):
        """The one object of this exact name or ``None``; several fail with their ids."""
        matches = self.named(name)
        if len(matches) > 1:
            raise ApiError("%s name %r is ambiguous: %d objects in region %s have it (ids: %s); give the id"
                           % (self.what, name, len(matches), self.client.region,
                              ", ".join(str(o.get("id")) for o in sorted(matches, key=age_key))),
                           code="ambiguous_name", reason="several objects have that name")
        return matches[0] if matches else None

    def delete_object(self, obj_id, params=None):
        """DELETE; a 404 with an absent code (a repeated DELETE after a lost answer) is done."""
        try:
            self.api("DELETE", self.item_path(obj_id), params=params)
        except ApiError as exc:
            if not self.is_absent(exc):
                raise


class ResourceModule(ResourceApi, VmopsModule):
    """A plain resource: ``find`` -> ``plan`` (create / update / refuse / delete) -> steps."""

    waits = False
    #: the declared fields (``Field``)
    fields = ()

    def __init__(self):
        super(ResourceModule, self).__init__()
        self.adopted = False
        self.duplicates_deleted = []
        self._resolved = {}

    # -- what the options want ------------------------------------------------------------------

    @property
    def state(self):
        return self.params["state"]

    @property
    def name(self):
        return self.params[self.name_option]

    def field(self, option):
        return next(f for f in self.fields if f.option == option)

    def wanted_value(self, field, current=None):
        """The API value of ``field``'s option; a ``resolve`` runs once per current value in a run (the
        refusal check, the updates and the create body all ask, and a resolve may cost a request)."""
        value = self.params.get(field.option)
        if value is None or field.resolve is None:
            return value
        have = current.get(field.key) if current else None
        key = (field.option, repr(have))
        if key not in self._resolved:
            self._resolved[key] = field.resolve(self, value, have)
        return self._resolved[key]

    def label(self, obj=None):
        """``SSH key 'web' (id ...)`` for messages and actions."""
        obj = obj or {}
        name = obj.get(self.name_key) or self.name
        text = "%s %r" % (self.what, name) if name else self.what
        if obj.get("id"):
            text += " (id %s)" % obj["id"]
        elif self.params.get("id"):
            text += " (id %s)" % self.params["id"]
        return text

    def summary(self, obj):
        """The object as ``--diff`` shows it: its id and declared fields, normalised."""
        if not obj:
            return {}
        out = {"id": obj.get("id"), self.name_key: obj.get(self.name_key)}
        for field in self.fields:
            out[field.key] = field.normalize(obj.get(field.key))
        return out

    # -- VmopsModule ----------------------------------------------------------------------------

    def validate(self):
        if self.params.get("id") is not None:
            path_segment(self.params["id"], "id")
        elif not (self.name or "").strip():
            raise InvalidParameterError("give %s or id of the %s" % (self.name_option, self.what))

    def find(self):
        if self.params.get("id"):
            obj = self.get(self.params["id"])
            if obj is None and self.state != "absent":
                raise ApiError("%s id %s not found in region %s; to create one give %s without id"
                               % (self.what, self.params["id"], self.client.region, self.name_option),
                               status=404, code=(self.absent_codes or ("not_found",))[0], reason="no such object")
            return obj
        return self.find_by_name(self.name)

    def plan(self, current):
        if self.state == "absent":
            plan = Plan(before=self.summary(current), after={})
            if current is not None:
                self.check_delete(current)
                self.plan_delete(plan, current)
            return plan
        if current is None:
            body = self.create_body()
            plan = Plan(before={}, after=self.created_summary(body))
            plan.step(self.describe_create(body), self.create, body)
        else:
            plan = Plan(before=self.summary(current))
            self.refuse_immutable(current)
            self.before_updates(plan, current)
            for update, body, changes in self.updates(current):
                plan.step(self.describe_update(current, changes), self.send_update, update, body,
                          changes=changes)
        self.extra_steps(plan, current)
        return plan

    def result(self, current, plan):
        result = {self.resource_key: current, "adopted": self.adopted}
        if self.duplicates_deleted:
            result["duplicates_deleted"] = self.duplicates_deleted
        return result

    # -- hooks for modules ----------------------------------------------------------------------

    def check_delete(self, current):
        """Raise to refuse deleting ``current`` (e.g. a default network)."""

    def before_updates(self, plan, current):
        """Steps (or refusals) before the in-place updates of an existing object (e.g. a detach)."""

    def extra_steps(self, plan, current):
        """Steps beyond the declared fields (rules, attachments, waits); ``current`` None = created."""

    def plan_delete(self, plan, current):
        plan.step("delete %s" % self.label(current), self.delete)

    def describe_create(self, body):
        """The action of a create (``create SSH key 'web'``)."""
        return "create %s" % self.label()

    def create_body(self):
        body = {}
        missing = []
        for field in self.fields:
            value = self.wanted_value(field)
            if value is None:
                if field.required:
                    missing.append(field.option)
                continue
            if field.create:
                body[field.body] = value
        if missing:
            raise InvalidParameterError("%s is required to create %s" % (" and ".join(missing), self.label()))
        if not (self.name or "").strip():
            raise InvalidParameterError("%s is required to create a %s" % (self.name_option, self.what))
        body[self.name_key] = self.name
        return body

    def created_summary(self, body):
        out = {self.name_key: self.name}
        for field in self.fields:
            value = body.get(field.body) if field.create else None
            out[field.key] = field.normalize(value)
        return out

    # -- planning helpers -----------------------------------------------------------------------

    def differences(self, current):
        """``[(field, current normalised, wanted normalised, wanted value)]`` for fields that differ."""
        out = []
        for field in self.fields:
            wanted = self.wanted_value(field, current) if field.compare else None
            if wanted is None:
                continue
            have, want = field.normalize(current.get(field.key)), field.normalize(wanted)
            if have != want:
                out.append((field, have, want, wanted))
        return out

    def refuse_immutable(self, current):
        refused = [(f, have, want) for f, have, want, dummy in self.differences(current)
                   if f.immutable or f.update is None]
        if not refused:
            return
        parts = ["%s (current %s, wanted %s)%s" % (f.option, short(have), short(want), ": " + f.hint if f.hint else "")
                 for f, have, want in refused]
        raise ApiError("%s cannot change in place: %s" % (self.label(current), "; ".join(parts)),
                       code="immutable_field", reason=", ".join(f.option for f, dummy, dummy2 in refused))

    def updates(self, current):
        """``[(Update, body, diff changes)]``, one per request, in declaration order."""
        grouped = []
        for field, dummy, want, wanted in self.differences(current):
            entry = next((g for g in grouped if g[0] is field.update), None)
            if entry is None:
                entry = (field.update, dict(field.update.extra), {})
                grouped.append(entry)
            entry[1][field.body] = wanted
            entry[2][field.key] = want
        return grouped

    def describe_update(self, current, changes):
        parts = ["%s %s -> %s" % (k, short(self.summary(current).get(k), 40), short(v, 40))
                 for k, v in changes.items()]
        return "update %s: %s" % (self.label(current), ", ".join(parts))

    # -- steps ----------------------------------------------------------------------------------

    def create(self, current, body):
        name = body[self.name_key]

        def send():
            return self.api("POST", self.collection_path(), data=body, safe=False, check=expect_created)

        def find():
            matches = sorted(self.named(name), key=age_key)
            return matches[0] if matches else None

        try:
            answer, self.adopted = self.client.create_or_adopt(send, find)
            self.applied(answer)  # created: a failure from here on still reports the change
        except ApiError as exc:
            if exc.code not in self.duplicate_codes:
                raise
            # The name was taken between our look and our create: another run was first.
            answer = find()
            if answer is None:
                raise
            self.adopted = True
        obj = self.settle_duplicates(name, answer)
        if self.adopted or obj.get("id") != answer.get("id"):
            obj = self.converge(obj)
        return obj

    def settle_duplicates(self, name, answer):
        """Look again for objects of this name: the oldest is kept, our own younger one deleted."""
        ours = answer.get("id")
        matches = sorted(self.named(name), key=age_key)
        if not matches:
            # Not listed yet: the answer (or the object) is what there is.
            return (self.get(ours) if ours and self.get_by_id else None) or answer
        winner = matches[0]
        if ours and winner.get("id") != ours and any(o.get("id") == ours for o in matches):
            self.delete_object(ours)
            self.duplicates_deleted.append(ours)
            self.module.warn("%s: another run created the same name first (id %s); this run deleted the one "
                             "it had created (id %s) and adopted the older one" % (self.label(), winner.get("id"), ours))
            return winner
        return next((o for o in matches if o.get("id") == ours), winner)

    def converge(self, obj):
        """After adopting an object made by another request: refuse or update what differs."""
        self.refuse_immutable(obj)
        for update, body, changes in self.updates(obj):
            obj = self.send_update(obj, update, body)
        return obj

    def send_update(self, current, update, body):
        answer = self.api(update.method, self.item_path(current["id"]) + update.suffix, data=body)
        new = copy.deepcopy(current)
        for field in self.fields:
            if field.body in body:
                new[field.key] = body[field.body]
        if isinstance(answer, dict) and answer.get("id") == current["id"] and self.name_key in answer:
            new.update((k, v) for k, v in answer.items() if k != "result")
        return new

    def delete(self, current):
        self.delete_object(current[self.path_key])
        return None


class ResourceInfoModule(ResourceApi, InfoModule):
    """``_info`` of a resource kind: every object, or those of an ``id`` / exact ``name``."""

    #: exact-match filters, option -> field of the object (``{"ip": "ip"}``): applied when the option is given
    match = {}
    #: options beyond ``id``, the name and the ``match`` filters (which are strings)
    options = {}

    @property
    def argument_spec(self):
        spec = {"id": dict(type="str"), self.name_option: dict(type="str")}
        spec.update((option, dict(type="str")) for option in self.match)
        spec.update(copy.deepcopy(self.options))
        return spec

    @classmethod
    def of(cls, api, **attributes):
        """The ``_info`` module of the resource ``api`` describes, with ``attributes`` (``match``...):
        a module that needs nothing else is ``ResourceInfoModule.of(SshKeys).main()``."""
        return type(api.__name__ + "Info", (api, cls), attributes)

    def select(self, items):
        """Module-specific filters (by default none), after ``match``."""
        return items

    def gather(self):
        wanted_id, name = self.params.get("id"), self.params.get(self.name_option)
        if wanted_id is not None:
            obj = self.get(wanted_id)
            items = [obj] if obj is not None else []
        else:
            items = self.list_all()
        if name is not None:
            items = [o for o in items if o.get(self.name_key) == name]
        for option, field in sorted(self.match.items()):
            if self.params.get(option) is not None:
                items = [o for o in items if o.get(field) == self.params[option]]
        return {self.list_key: self.select(items)}
