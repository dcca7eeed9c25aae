# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The planning helpers of ``civo_instance`` (pure functions, unit tested): the diff view, size and tag
comparisons, the creation options an existing instance cannot change (a table), the firewall lookup and
the power action a state needs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

from . import civo_instance_spec as spec
from .base import InvalidParameterError
from .civo import instance_script, is_in_progress

ACTIVE = "ACTIVE"
SHUTOFF = "SHUTOFF"
DELETING = "DELETING"
# Where an instance in a transitional state is heading (for planning without waiting).
SETTLES_TO = {"BUILDING": ACTIVE, "STARTING": ACTIVE, "REBOOTING": ACTIVE, "STOPPING": SHUTOFF,
              "INSTANCE-CREATE": ACTIVE, "INSTALLING": ACTIVE, "SCALING": ACTIVE, "MIGRATING": ACTIVE}
SIZE_DIMENSIONS = ("cpu_cores", "ram_mb", "disk_gb")

# Creation options Civo cannot change on an existing instance, compared without a request when the
# instance names the same value (``same``: its fields), else by looking the name up (``kind``) and
# comparing the object found with the instance (``pairs``: found field, instance field).  ``shown``:
# the instance's value in the refusal.  ``script`` and ``public_ip`` have their own checks below.
Immutable = namedtuple("Immutable", "option shown same kind pairs")
IMMUTABLE = (
    Immutable("template_id", lambda i: i.get("source_id"), ("source_id", "template_id"), "image",
              (("id", "template_id"), ("name", "source_id"))),
    Immutable("network_id", lambda i: i.get("network_id"), ("network_id",), "network", (("id", "network_id"),)),
    Immutable("ssh_key_id", lambda i: i.get("ssh_key_id") or None, ("ssh_key_id",), "sshkey", (("id", "ssh_key_id"),)),
    Immutable("initial_user", lambda i: i.get("initial_user"), ("initial_user",), None, ()),
)


def settled_status(status):
    """The status an instance is heading for (its own status when settled)."""
    status = str(status or "").upper()
    return SETTLES_TO.get(status, status)


def summary(instance):
    """What ``--diff`` shows of an instance."""
    if instance is None:
        return {"state": "absent"}
    return {
        "state": "present",
        "id": instance.get("id"),
        "hostname": instance.get("hostname"),
        "status": instance.get("status"),
        "size": instance.get("size"),
        "tags": list(instance.get("tags") or []),
        "firewall_id": instance.get("firewall_id"),
    }


def same_tags(current, wanted):
    return sorted(set(current or [])) == sorted(set(wanted or []))


def size_vector(size):
    return tuple(int(size.get(d) or 0) for d in SIZE_DIMENSIONS)


def compare_sizes(current, wanted):
    """``up``, ``same`` or ``down`` for two size objects (cpu_cores, ram_mb, disk_gb).

    ``down`` also covers a sideways move (more of one, less of another).
    """
    old = size_vector(current)
    new = size_vector(wanted)
    if new == old:
        return "same"
    if all(n >= o for n, o in zip(new, old)):
        return "up"
    return "down"


def _differs(field, instance, wanted, resolve):
    """True when ``wanted`` is not what the instance has; a name is looked up only when needed."""
    if wanted in [instance.get(key) for key in field.same]:
        return False
    if field.kind is None:
        return True
    found = resolve(field.kind, wanted)
    return not any(found.get(mine) == instance.get(theirs) for mine, theirs in field.pairs)


def _script_conflict(instance, wanted):
    # Civo answers the script base64-encoded in ``script`` (civogo Instance.Script); never show it.
    current = instance_script(instance)
    if wanted.strip() != current.strip():
        return ("script", "(%d characters)" % len(current), "(%d characters)" % len(wanted))
    return None


def _public_ip_conflict(instance, wanted):
    # public_ip=none with an address is only a warning (see public_ip_warning): Civo gives the first
    # instance of a network a public IP anyway (terraform-provider-civo #357).
    status = str(instance.get("status") or "").upper()
    if wanted == "create" and not is_in_progress(status) and not instance.get("public_ip") and status == ACTIVE:
        return ("public_ip", "none", wanted)
    return None


def immutable_conflicts(instance, params, resolve):
    """Requested creation options an existing instance does not match.

    ``resolve(kind, value)`` looks a name up (``image``, ``network``, ``sshkey``)
    and is only called when the cheap comparison with the instance is not
    conclusive.  Returns a list of ``(option, current, wanted)``.
    """
    conflicts = [(field.option, field.shown(instance), params[field.option]) for field in IMMUTABLE
                 if params.get(field.option) is not None
                 and _differs(field, instance, params[field.option], resolve)]
    for option, check in (("script", _script_conflict), ("public_ip", _public_ip_conflict)):
        if params.get(option) is not None:
            conflicts.append(check(instance, params[option]))
    return [c for c in conflicts if c is not None] + spec.address_conflicts(instance, params)


def public_ip_warning(instance, params):
    """The warning for ``public_ip: none`` on an instance that got a public address anyway, or ``None``."""
    if params.get("public_ip") == "none" and instance.get("public_ip"):
        return ("Instance %s (%s) has the public IP %s although public_ip=none was asked for: Civo gives the first "
                "instance of a network a public IP anyway (terraform-provider-civo issue #357). Nothing was changed."
                % (instance.get("hostname"), instance.get("id"), instance.get("public_ip")))
    return None


def conflicts_message(instance, conflicts):
    details = ", ".join("%s (instance has %r, requested %r)" % c for c in conflicts)
    return ("Civo cannot change %s of the existing instance %s (%s) in place: %s. "
            "Leave these options out, or set recreate=true to replace the instance (this destroys its disk)."
            % (", ".join(c[0] for c in conflicts), instance.get("hostname"), instance.get("id"), details))


def pick_firewall(firewalls, value, network_id=None):
    """The firewall whose id, or name within ``network_id``, is ``value``."""
    for fw in firewalls:
        if fw.get("id") == value:
            return fw
    in_network = [fw for fw in firewalls if network_id is None or fw.get("network_id") in (None, network_id)]
    matches = [fw for fw in in_network if str(fw.get("name", "")).lower() == str(value).lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        names = sorted(set(str(fw.get("name")) for fw in in_network))
        raise InvalidParameterError("Unknown firewall %r%s; available: %s" % (
            value, " in network %s" % network_id if network_id else "", ", ".join(names) or "none"))
    raise InvalidParameterError("Firewall name %r is ambiguous (%d firewalls, ids: %s); use the id"
                                % (value, len(matches), ", ".join(sorted(fw["id"] for fw in matches))))


def power_plan(state, status, resize_planned=False):
    """The power action (``start``, ``stop``, ``reboot``) a state needs, or None."""
    status = settled_status(status)
    if state == "started" and status != ACTIVE:
        return "start"
    if state == "stopped" and (status != SHUTOFF or resize_planned):
        # A resize boots the instance: it is stopped again afterwards (the step
        # sends nothing when the instance is already SHUTOFF by then).
        return "stop"
    if state == "restarted":
        return "start" if status == SHUTOFF else "reboot"
    return None
