"""Instance functions beyond civo.py's own: the in-place update ``PUT /v2/instances/:id`` (hostname,
reverse DNS, notes), and the create fields ``reserved_ipv4`` and ``private_ipv4`` (sources in
README.md, section "Civo instance update, reserved_ipv4 and private_ipv4").

``install(civo)`` is called at the end of ``Civo.__init__`` (after ``civo_resources.install``): it
adds the PUT route and wraps civo.py's create and delete handlers, leaving their code as it is.
"""

import civo as base
from civo import ApiError, HOSTNAME_RE, p_bool, p_str, valid_ip
from store import clock


class InstanceExtras:
    def __init__(self, civo):
        self.civo = civo
        self.store = civo.store
        self.create = civo.create_instance
        self.delete = civo.delete_instance

    # -- PUT /v2/instances/:id (civogo UpdateInstance) -------------------------
    def update_instance(self, params, id):
        inst = self.civo.instance(id, params)
        if inst["status"] == "DELETING":
            raise ApiError(404, "database_instance_not_found", "Failed to find the instance within the internal database")
        hostname = p_str(params, "hostname")
        if hostname is not None and not HOSTNAME_RE.match(hostname):
            raise ApiError(400, "parameter_hostname_invalid", "The hostname supplied is not a valid host name")
        if hostname:
            inst["hostname"] = hostname
        reverse_dns = p_str(params, "reverse_dns")
        if reverse_dns is not None:
            inst["reverse_dns"] = reverse_dns
        notes = p_str(params, "notes")
        if p_bool(params, "notes_delete"):
            inst["notes"] = ""
        elif notes is not None:
            inst["notes"] = notes
        self.civo.save("instance", id, inst)
        return 200, {"result": "success"}

    # -- POST /v2/instances with reserved_ipv4 / private_ipv4 --------------------
    def find_ip(self, value, region):
        ips = [ip for ip in self.civo.resources.table("ip").values() if ip.get("region") == region]
        for key in ("id", "name", "ip"):
            for ip in ips:
                if ip.get(key) == value:
                    return ip
        raise ApiError(404, "database_ip_not_found", "The reserved IP %s could not be found" % value)

    def check_private(self, value, network):
        if not valid_ip(value):
            raise ApiError(400, "parameter_private_ipv4_invalid", "The private_ipv4 supplied is not an IPv4 address")
        for inst in self.store.table("instance").values():
            if inst.get("network_id") == network and inst.get("private_ip") == value and inst["status"] != "DELETING":
                raise ApiError(409, "database_private_ip_already_in_use",
                               "The private IP %s is already used in the network" % value)

    def create_instance(self, params):
        region = self.civo.region(params)
        reserved = p_str(params, "reserved_ipv4") or None
        private = p_str(params, "private_ipv4") or None
        ip = self.find_ip(reserved, region) if reserved else None
        if ip is not None:
            holder = ip["assigned_to"].get("id")
            if holder and self.store.get("instance", holder) is not None:
                raise ApiError(409, "database_ip_already_assigned", "The reserved IP %s is assigned to %s"
                               % (ip["ip"], ip["assigned_to"].get("name") or holder))
            if not ip["ip"]:
                raise ApiError(409, "reserved_ip_not_ready", "The reserved IP has no address yet")
        if private:
            self.check_private(private, p_str(params, "network_id") or base.network_id(region))
        status, body = self.create(params)
        if ip is None and private is None:
            return status, body
        inst = self.store.get("instance", body["id"])
        self.apply_addresses(inst, ip, private)
        return status, body

    def apply_addresses(self, inst, ip, private):
        """The addresses the instance shows once ACTIVE: the reserved one as public IP, the private one asked for."""
        patches = [patch for _at, patch in inst.get("_due", []) if "private_ip" in patch] or [inst]
        for patch in patches:
            if private:
                patch["private_ip"] = private
            if ip is not None:
                patch["public_ip"] = ip["ip"]
        if ip is not None:
            inst.update(reserved_ip_id=ip["id"], reserved_ip_name=ip["name"], reserved_ip=ip["ip"])
            ip["assigned_to"] = {"id": inst["id"], "type": "instance", "name": inst["hostname"]}
            self.store.put("ip", ip["id"], ip)
        self.civo.save("instance", inst["id"], inst)

    # -- DELETE: a reserved IP outlives its instance and is free again ----------
    def delete_instance(self, params, id):
        status, body = self.delete(params, id)
        for ip in list(self.civo.resources.table("ip").values()):
            if ip["assigned_to"].get("id") == id:
                ip["assigned_to"] = {"id": "", "type": "", "name": ""}
                self.store.put("ip", ip["id"], ip)
        return status, body


def install(civo):
    import re

    ext = InstanceExtras(civo)
    swap = {civo.create_instance: ext.create_instance, civo.delete_instance: ext.delete_instance}
    civo.routes[:] = [(m, rx, swap.get(fn, fn)) for m, rx, fn in civo.routes]
    civo.routes.append(("PUT", re.compile(r"/v2/instances/(?P<id>[^/]+)/?$"), ext.update_instance))
    civo.extras = ext
    return ext


__all__ = ["install", "clock"]
