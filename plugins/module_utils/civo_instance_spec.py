# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What ``civo_instance`` changes in place, the addresses it asks for at creation, and its replacement plan.

* In place (``PUT /v2/instances/:id``, civogo ``UpdateInstance``): ``hostname`` (only when the instance
  is given by id), ``reverse_dns`` and ``notes``.  The body carries the three fields (unchanged ones as the
  instance has them, as civogo and Terraform send the object read back) and ``notes_delete: "true"`` when
  the notes are empty (civogo).
* At creation: ``reserved_ipv4`` (a reserved IP of ``/v2/ips`` by id, name or address; sent as its id) and
  ``private_ipv4`` (civogo ``InstanceConfig``).  Notes are not a create field: they are set right after
  the create (as terraform-provider-civo does).
* ``recreate``: options Civo cannot change in place (image, network, SSH key, initial user, script,
  public IP, private IP, a smaller size) replace the instance: delete, wait until it is gone, create.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from .base import InvalidParameterError
from .civo import instance_script

IPV4_RE = re.compile(r"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$")
INPLACE = ("hostname", "reverse_dns", "notes")


# -- in place --------------------------------------------------------------------

def inplace_changes(instance, params):
    """``{field: (before, after)}`` for what ``PUT /v2/instances/:id`` must change."""
    changes = {}
    wanted = params.get("hostname")
    if wanted is not None and params.get("id") and wanted != instance.get("hostname"):
        changes["hostname"] = (instance.get("hostname"), wanted)
    wanted = params.get("reverse_dns")
    current = instance.get("reverse_dns") or ""
    # Civo uses the hostname when the reverse DNS is empty: asking for the hostname is no change then.
    if wanted is not None and wanted != current and not (not current and wanted == instance.get("hostname")):
        changes["reverse_dns"] = (current or instance.get("hostname"), wanted)
    wanted = params.get("notes")
    if wanted is not None and wanted != (instance.get("notes") or ""):
        changes["notes"] = (instance.get("notes") or "", wanted)
    return changes


def update_body(instance, wanted):
    """The body of ``PUT /v2/instances/:id``: every field as the instance has it, ``wanted`` on top."""
    body = {"hostname": instance.get("hostname"), "reverse_dns": instance.get("reverse_dns") or "",
            "notes": instance.get("notes") or ""}
    body.update(wanted)
    if not body["notes"]:
        body["notes_delete"] = "true"
    return body


def describe(changes):
    return "update %s in place" % ", ".join("%s from %r to %r" % (k, changes[k][0], changes[k][1]) for k in INPLACE
                                            if k in changes)


def update_instance(current, client, wanted):
    """Step: send the update; the answer is ``{"result": "success"}``, so the object is updated locally."""
    client.put(client.path("instances", (current["id"], "instance id")), data=update_body(current, wanted))
    return dict(current, **wanted)


def plan_inplace(plan, client, current, params):
    changes = inplace_changes(current, params)
    if not changes:
        return
    for field, (before, after) in changes.items():
        plan.show(field, before, after)
    wanted = dict((k, v[1]) for k, v in changes.items())
    plan.step(describe(changes), update_instance, client, wanted, changes=wanted)


def plan_notes_after_create(plan, client, params):
    """Civo has no create field for notes: set them once the instance exists."""
    if params.get("notes"):
        plan.step("set notes of the new instance", update_instance, client, {"notes": params["notes"]},
                  changes={"notes": params["notes"]})


# -- addresses at creation ---------------------------------------------------------

def ip_label(ip):
    return "%s (%s)" % (ip.get("name"), ip.get("ip") or "no address yet")


def pick_reserved_ip(ips, value, region, holder=None):
    """The reserved IP whose id, name or address is ``value``; refused (naming the valid ones) otherwise.

    One assigned to an instance other than ``holder`` is refused too: it would be taken from that instance.
    """
    found = None
    for key in ("id", "name", "ip"):
        matches = [ip for ip in ips if ip.get(key) and str(ip.get(key)) == value]
        if matches:
            found = matches[0]
            break
    if found is None:
        raise InvalidParameterError("Unknown reserved IP %r in region %s; available: %s" % (
            value, region, ", ".join(sorted(ip_label(ip) for ip in ips)) or "none (create one with civo_reserved_ip)"))
    assigned = (found.get("assigned_to") or {}).get("id")
    if assigned and assigned != holder:
        raise InvalidParameterError(
            "The reserved IP %s is assigned to instance %s (%s); unassign it first (vmops.cloud.civo_reserved_ip)"
            % (ip_label(found), (found.get("assigned_to") or {}).get("name"), assigned))
    return found


def add_addresses(body, client, params, holder=None):
    """Add ``reserved_ipv4`` and ``private_ipv4`` to a create body (checked before any change)."""
    if params.get("reserved_ipv4"):
        ips = list(client.paginate("/v2/ips"))
        body["reserved_ipv4"] = pick_reserved_ip(ips, params["reserved_ipv4"], client.region, holder)["id"]
    if params.get("private_ipv4"):
        if not IPV4_RE.match(params["private_ipv4"]):
            raise InvalidParameterError("private_ipv4 must be an IPv4 address, got %r" % params["private_ipv4"][:80])
        body["private_ipv4"] = params["private_ipv4"]
    return body


def address_conflicts(instance, params):
    """A private address asked for that the existing instance does not have (it cannot change)."""
    wanted = params.get("private_ipv4")
    if wanted and instance.get("private_ip") and wanted != instance.get("private_ip"):
        return [("private_ipv4", instance.get("private_ip"), wanted)]
    return []


def check_reserved_ip(instance, params):
    """A different reserved IP on an existing instance is assigned through the IP, not by this module."""
    wanted = params.get("reserved_ipv4")
    if wanted and wanted not in (instance.get("reserved_ip_id"), instance.get("reserved_ip_name"),
                                 instance.get("reserved_ip")):
        raise InvalidParameterError(
            "Instance %s (%s) does not have the reserved IP %r (it has %s); reserved_ipv4 applies at creation. "
            "Assign it in place with vmops.cloud.civo_reserved_ip (instance: %s), or set recreate=true together "
            "with an option that needs a new instance"
            % (instance.get("hostname"), instance.get("id"), wanted, instance.get("reserved_ip") or "none",
               instance.get("id")))


# -- size ------------------------------------------------------------------------------

SIZE_DIMENSIONS = ("cpu_cores", "ram_mb", "disk_gb")


def size_vector(size):
    return tuple(int(size.get(d) or 0) for d in SIZE_DIMENSIONS)


def size_change(resolve, sizes, current, wanted, recreate):
    """``(new_size, conflict)``: the size to resize up to, or a conflict (smaller size, with ``recreate``).

    A smaller (or sideways) size without ``recreate`` is refused with both sizes spelled out.
    """
    if wanted is None or wanted == current.get("size"):
        return None, None
    new = resolve("size", wanted)
    old = [s for s in sizes if s.get("name") == current.get("size")]
    if not old:
        raise InvalidParameterError("The instance's current size %r is not in Civo's size list; "
                                    "cannot tell whether %r is larger" % (current.get("size"), wanted))
    if new.get("name") == old[0].get("name"):
        return None, None
    # Upward: no less of anything and more of something (the same figures under another name are not).
    up = size_vector(new) != size_vector(old[0]) and all(n >= o for n, o in zip(size_vector(new), size_vector(old[0])))
    if up:
        return new, None
    if recreate:
        return None, ("size", current.get("size"), new.get("name"))
    raise InvalidParameterError(
        "Civo only resizes upward: %s (%d CPU, %d MB RAM, %d GB disk) is not larger than the "
        "instance's %s (%d CPU, %d MB RAM, %d GB disk) in every respect (recreate=true replaces the instance)"
        % ((new.get("name"),) + size_vector(new) + (old[0].get("name"),) + size_vector(old[0])))


# -- replacement ---------------------------------------------------------------------------

# Options of the new instance taken from the old one when not given: option -> what the old one has.
INHERITED = (
    ("hostname", lambda i: i.get("hostname")),
    ("size", lambda i: i.get("size")),
    ("template_id", lambda i: i.get("template_id") or i.get("source_id")),
    ("network_id", lambda i: i.get("network_id")),
    ("firewall_id", lambda i: i.get("firewall_id") or None),
    ("ssh_key_id", lambda i: i.get("ssh_key_id") or None),
    ("initial_user", lambda i: i.get("initial_user") or None),
    ("reverse_dns", lambda i: i.get("reverse_dns") or None),
    ("notes", lambda i: i.get("notes") or None),
    ("tags", lambda i: list(i.get("tags") or [])),
    ("public_ip", lambda i: "create" if i.get("public_ip") else "none"),
    ("script", lambda i: instance_script(i) or None),
    ("reserved_ipv4", lambda i: i.get("reserved_ip_id") or None),
)


def replacement_params(params, current):
    """The options of the new instance: those given, else what the instance being replaced has."""
    p = dict(params)
    p["id"] = None
    for name, inherit in INHERITED:
        if params.get(name) is None:
            p[name] = inherit(current)
    return p


def plan_replace(module, plan, current, conflicts):
    """Delete the instance, wait until Civo no longer finds it, create it anew (and wait when asked)."""
    p = replacement_params(module.params, current)
    body = add_addresses(module.creation_body(p), module.client, p, holder=current.get("id"))
    what = "%s (%s)" % (current.get("hostname"), current.get("id"))
    reasons = ", ".join(c[0] for c in conflicts)
    plan.step("delete instance %s to replace it (%s cannot change in place)" % (what, reasons), module.delete)
    plan.step("wait for instance %s to be gone" % what, module.wait_deleted, current)
    for option, before, after in conflicts:
        plan.show(option, before, after)
    plan.step("create instance %s (%s, %s) in its place" % (body["hostname"], body["size"], p["template_id"]),
              module.create, body, changes={
                  "state": "present", "id": "(new instance)", "hostname": body["hostname"],
                  "status": "ACTIVE" if module.params["wait"] else "BUILDING", "size": body["size"],
                  "tags": list(p["tags"] or []), "firewall_id": body.get("firewall_id"), "replaced": True})
    if module.params["wait"]:
        plan.step("wait for instance %s to be ACTIVE" % body["hostname"], module.wait_created)
    plan_notes_after_create(plan, module.client, p)
    if module.params["state"] == "stopped":
        plan.step("stop instance", module.stop, changes={"status": "SHUTOFF"})
    return plan


def triage(module, plan, current, conflicts, message):
    """``(replacement plan, None)`` with ``recreate`` when something cannot change in place, else
    ``(None, size to resize up to or None)``; without ``recreate`` such a difference is refused (``message``)."""
    p = module.params
    sizes = module.client.list_resource("sizes") if p["size"] not in (None, current.get("size")) else []
    new_size, size_conflict = size_change(module.resolve, sizes, current, p["size"], p.get("recreate"))
    conflicts = conflicts + ([size_conflict] if size_conflict else [])
    if conflicts and p.get("recreate"):
        return plan_replace(module, plan, current, conflicts), None
    if conflicts:
        raise InvalidParameterError(message(current, conflicts))
    check_reserved_ip(current, p)
    return None, new_size
