# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The steps of ``civo_instance`` that move an existing instance: settle, resize, start, stop, reboot.

``PowerSteps`` is mixed into the module class, which provides ``client``, ``params`` and ``wait_for``.
Each step returns the new current object; a request that may have been applied is never sent twice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .base import ApiError
from .civo import is_in_progress
from .civo_instance_plan import ACTIVE, SHUTOFF, settled_status


class PowerSteps(object):
    """Waiting for an instance, and the power and resize requests (mixed into ``CivoInstance``)."""

    def fetch(self, instance_id):
        return lambda: self.client.get_instance(instance_id)

    def settle(self, current):
        """Wait until the instance is no longer in a transitional state."""
        if not is_in_progress(current.get("status")):
            return current
        return self.wait_for(self.fetch(current["id"]),
                             lambda i: i is not None and not is_in_progress(i.get("status")),
                             "instance %s (%s) to finish %s" % (current.get("hostname"), current["id"],
                                                                current.get("status")),
                             failed=lambda i: i is None)

    def finish(self, current, status):
        """After an accepted request: wait for ``status``; with wait=false read the object once."""
        what = "instance %s (%s) to be %s" % (current.get("hostname"), current["id"], status)
        if self.params["wait"]:
            return self.wait_for(self.fetch(current["id"]),
                                 lambda i: i is not None and str(i.get("status")).upper() == status,
                                 what, failed=lambda i: i is None)
        # One read, so that the result (and any later step) sees the transitional state.
        found = self.client.get_instance(current["id"])
        if found is None:
            raise ApiError("Instance %s (%s) disappeared" % (current.get("hostname"), current["id"]),
                           status=404, code="database_instance_not_found", reason="instance disappeared")
        return found

    def follow_winner(self, winner):
        """This run lost a race and adopted ``winner``.  The winner's own run may still give it up at its
        second look (an instance created later in the same second can sort before it): then follow the
        oldest instance that survives instead of failing on the one that went away."""
        for dummy in range(3):
            try:
                return self.finish(winner, ACTIVE)
            except ApiError:
                survivors = self.client.find_instances_by_hostname(winner.get("hostname"))
                if not survivors or survivors[0].get("id") == winner.get("id"):
                    raise
                self.module.warn("the instance this run adopted (%s) was given up by the run that created it; "
                                 "following the oldest one left (%s)" % (winner.get("id"), survivors[0].get("id")))
                winner = survivors[0]
        return self.finish(winner, ACTIVE)

    def instance_path(self, current, *rest):
        return self.client.path("instances", (current["id"], "instance id"), *rest)

    def resize(self, current, size):
        current = self.settle(current)
        self.action(current, "resize", {"size": size}, lambda i: i.get("size") == size)
        # The resize reboots the instance; later steps need it settled again.
        return self.finish_resize(current)

    def finish_resize(self, current):
        found = self.client.get_instance(current["id"])
        if found is None:
            raise ApiError("Instance %s (%s) disappeared during the resize" % (current.get("hostname"), current["id"]),
                           status=404, code="database_instance_not_found", reason="instance disappeared")
        if self.params["wait"]:
            found = self.settle(found)
        return found

    def start(self, current):
        return self.power(current, "start", ACTIVE)

    def stop(self, current):
        return self.power(current, "stop", SHUTOFF)

    def power(self, current, endpoint, status):
        """Settle, then ``PUT .../start`` or ``.../stop`` unless the instance is ``status`` already."""
        current = self.settle(current)
        if str(current.get("status")).upper() == status:
            return current
        self.action(current, endpoint, None, lambda i: settled_status(i.get("status")) == status)
        return self.finish(current, status)

    def reboot(self, current):
        current = self.settle(current)
        if str(current.get("status")).upper() == SHUTOFF:
            self.action(current, "start", None, lambda i: settled_status(i.get("status")) == ACTIVE)
        else:
            endpoint = "soft_reboots" if self.params["reboot_type"] == "soft" else "hard_reboots"
            # Applied if the instance is rebooting.  A reboot that was applied and already finished when
            # the instance is read again cannot be told apart from one that was not: it is sent again
            # (a second reboot, never a wrong state).
            self.action(current, endpoint, None, lambda i: str(i.get("status")).upper() == "REBOOTING",
                        method="POST")
        return self.finish(current, ACTIVE)

    def action(self, current, endpoint, data, applied, method="PUT"):
        """Send a power or resize request to the instance; never repeat one that may have been applied.

        Civo refuses these requests while the instance is in transition, so a request repeated after
        its answer was lost would fail although the first one worked.  After an ambiguous failure the
        instance is read; when ``applied(instance)`` holds, the request took effect and is not sent
        again (``create_or_adopt``).  Returns True when it was adopted that way.
        """
        path = self.instance_path(current, endpoint)

        def send():
            return self.client.request(method, path, data=data, safe=False)

        def find():
            found = self.client.get_instance(current["id"])
            return found if found is not None and applied(found) else None

        dummy, adopted = self.client.create_or_adopt(send, find)
        # The request took effect: should the wait that follows fail, the run still reports the change.
        self.applied(current)
        return adopted
