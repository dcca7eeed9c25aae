"""Civo resources beyond instances: SSH keys, firewalls and their rules, networks, reserved IPs
(``/v2/ips``), volumes and volume types, in the shapes of the official clients (sources in
README.md, section "Civo resources").

``install(civo)`` is called at the end of ``Civo.__init__``: it puts these routes in front of
civo.py's own (so the read-only ``GET /v2/networks``, ``/v2/firewalls`` and ``/v2/sshkeys`` of
civo.py are answered here) and replaces civo.py's static ``NETWORKS``, ``FIREWALLS`` and
``SSH_KEYS_BY_ID`` tables with live views of the store, so an instance can be created in a
network, behind a firewall and with a key made through the API.  The seeded objects of civo.py
(the default network and firewalls per region, ``default-key``, ``deploy-key``) are copied into
the store on first use (again after a reset), with the same ids.
"""

import base64
import hashlib
import ipaddress
import re
import uuid
from collections.abc import Mapping

import civo as base
from civo import ApiError, iso, p_bool, p_int, p_str
from store import clock, public, schedule, settle

DEFAULT_RULES = [("22", "22"), ("80", "80"), ("443", "443")]
VOLUME_TYPES = [
    {"name": "csi-s3", "description": "S3 compatible storage", "enabled": True, "labels": ["standard"]},
    {"name": "ms-xfs-2-replicas", "description": "Standard SSD volume", "enabled": True,
     "labels": ["default", "standard"]},
]
DEFAULT_VOLUME_TYPE = "ms-xfs-2-replicas"


# "Not found" codes: civogo errors.go names ssh_key, firewall, network and volume; ip and
# firewall_rule are not in any client (assumed, README).
NOT_FOUND = {"sshkey": "database_ssh_key_not_found", "firewall": "database_firewall_not_found",
             "network": "database_network_not_found", "volume": "database_volume_not_found",
             "ip": "database_ip_not_found", "firewall_rule": "database_firewall_rule_not_found"}


def not_found(kind, what):
    return ApiError(404, NOT_FOUND[kind], "The %s could not be found" % what)


def _fingerprint(public_key):
    try:
        material = public_key.split()[1]
        raw = base64.b64decode(material + "=" * (-len(material) % 4), validate=True)
    except (IndexError, ValueError):
        raise ApiError(400, "parameter_public_key_invalid", "The public key supplied is not a valid SSH key")
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def _cidr(value, code="database_firewall_rules_invalid_params"):
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        raise ApiError(400, code, "%r is not a valid CIDR" % value)


class _View(Mapping):
    """civo.py's static table of ``kind``, read live from the store (deleted objects are gone)."""

    def __init__(self, res, kind):
        self.res, self.kind = res, kind

    def _table(self):
        return self.res.table(self.kind)

    def __getitem__(self, key):
        return self._table()[key]

    def __iter__(self):
        return iter(list(self._table()))

    def __len__(self):
        return len(self._table())


class Resources:
    def __init__(self, civo):
        self.civo = civo
        self.store = civo.store
        self.routes = []
        for method, pattern, fn in (
            ("GET", r"/v2/sshkeys", self.list_sshkeys),
            ("POST", r"/v2/sshkeys", self.create_sshkey),
            ("GET", r"/v2/sshkeys/(?P<id>[^/]+)", self.get_sshkey),
            ("PUT", r"/v2/sshkeys/(?P<id>[^/]+)", self.update_sshkey),
            ("DELETE", r"/v2/sshkeys/(?P<id>[^/]+)", self.delete_sshkey),
            ("GET", r"/v2/firewalls", self.list_firewalls),
            ("POST", r"/v2/firewalls", self.create_firewall),
            ("PUT", r"/v2/firewalls/(?P<id>[^/]+)", self.update_firewall),
            ("DELETE", r"/v2/firewalls/(?P<id>[^/]+)", self.delete_firewall),
            ("GET", r"/v2/firewalls/(?P<id>[^/]+)/rules", self.list_rules),
            ("POST", r"/v2/firewalls/(?P<id>[^/]+)/rules", self.create_rule),
            ("DELETE", r"/v2/firewalls/(?P<id>[^/]+)/rules/(?P<rid>[^/]+)", self.delete_rule),
            ("GET", r"/v2/networks", self.list_networks),
            ("POST", r"/v2/networks", self.create_network),
            ("GET", r"/v2/networks/(?P<id>[^/]+)", self.get_network),
            ("PUT", r"/v2/networks/(?P<id>[^/]+)", self.update_network),
            ("DELETE", r"/v2/networks/(?P<id>[^/]+)", self.delete_network),
            ("GET", r"/v2/ips", self.list_ips),
            ("POST", r"/v2/ips", self.create_ip),
            ("GET", r"/v2/ips/(?P<id>[^/]+)", self.get_ip),
            ("PUT", r"/v2/ips/(?P<id>[^/]+)", self.update_ip),
            ("DELETE", r"/v2/ips/(?P<id>[^/]+)", self.delete_ip),
            ("POST", r"/v2/ips/(?P<id>[^/]+)/actions", self.ip_action),
            ("GET", r"/v2/volumetypes", self.list_volume_types),
            ("GET", r"/v2/volumes", self.list_volumes),
            ("POST", r"/v2/volumes", self.create_volume),
            ("GET", r"/v2/volumes/(?P<id>[^/]+)", self.get_volume),
            ("DELETE", r"/v2/volumes/(?P<id>[^/]+)", self.delete_volume),
            ("PUT", r"/v2/volumes/(?P<id>[^/]+)/attach", self.attach_volume),
            ("PUT", r"/v2/volumes/(?P<id>[^/]+)/detach", self.detach_volume),
            ("PUT", r"/v2/volumes/(?P<id>[^/]+)/resize", self.resize_volume),
        ):
            self.routes.append((method, re.compile(pattern + r"/?$"), fn))

    # -- store -----------------------------------------------------------------
    def ensure_seeded(self):
        """civo.py's seeded networks, firewalls and keys, copied into the store once per reset."""
        if self.store.get("meta", "resources_seeded"):
            return
        with self.store.batch():
            for net in base.STATIC_NETWORKS.values():
                self.store.put("network", net["id"], dict(net))
            for fw in base.STATIC_FIREWALLS.values():
                obj = {k: v for k, v in fw.items() if k not in ("rules_count", "instance_count")}
                obj["rules"] = []
                count = fw.get("rules_count", 0)
                for start, end in (DEFAULT_RULES if fw.get("default") else [("22", "22")])[:count]:
                    obj["rules"].append(self.rule(obj, {"protocol": "tcp", "start_port": start, "end_port": end,
                                                        "cidr": ["0.0.0.0/0"], "direction": "ingress"}))
                self.store.put("firewall", fw["id"], obj)
            for key in base.STATIC_SSH_KEYS:
                self.store.put("sshkey", key["id"], dict(key))
            self.store.put("meta", "resources_seeded", {"done": True})

    def table(self, kind):
        self.ensure_seeded()
        now = clock.now()
        table = self.store.table(kind)
        for key, obj in list(table.items()):
            settle(obj, now)
            if obj.get("_gone"):
                self.store.delete(kind, key)
        return self.store.table(kind)

    def obj(self, kind, key, what, region=None):
        obj = self.table(kind).get(key)
        if obj is None or (region is not None and obj.get("region", region) != region):
            raise not_found(kind, what)
        return obj

    def in_region(self, kind, params):
        region = self.civo.region(params)
        return [o for o in self.table(kind).values() if o.get("region", region) == region]

    def name_taken(self, kind, field, value, region, exclude=None):
        return any(o.get(field) == value and o["id"] != exclude and o.get("region", region) == region
                   for o in self.table(kind).values())

    def instance(self, instance_id, region):
        inst = self.store.get("instance", instance_id)
        if inst is None or inst["region"] != region:
            raise ApiError(404, "database_instance_not_found", "Failed to find the instance within the internal database")
        return self.civo.settled(inst)

    @property
    def half(self):
        return self.civo.build / 2.0

    # -- SSH keys --------------------------------------------------------------
    def list_sshkeys(self, params):
        return 200, [public(k) for k in self.table("sshkey").values()]

    def get_sshkey(self, params, id):
        return 200, public(self.obj("sshkey", id, "SSH key"))

    def create_sshkey(self, params):
        name = (p_str(params, "name") or "").strip()
        key = (p_str(params, "public_key") or "").strip()
        if not name:
            raise ApiError(400, "parameter_name_invalid", "The name supplied is empty")
        if not key:
            raise ApiError(400, "parameter_public_key_empty", "The public key supplied is empty")
        fingerprint = _fingerprint(key)
        for other in self.table("sshkey").values():
            if other["name"] == name:
                raise ApiError(409, "database_ssh_key_duplicate_name", "An SSH key with this name already exists")
            if other["fingerprint"] == fingerprint:
                raise ApiError(409, "sshkey_duplicate", "This SSH key has already been uploaded")
        kid = str(uuid.uuid4())
        self.store.put("sshkey", kid, {"id": kid, "name": name, "public_key": key, "fingerprint": fingerprint,
                                       "created_at": iso(clock.now())})
        return 200, {"result": "success", "id": kid}

    def update_sshkey(self, params, id):
        key = self.obj("sshkey", id, "SSH key")
        name = (p_str(params, "name") or "").strip()
        if name and name != key["name"]:
            if any(o["name"] == name for o in self.table("sshkey").values()):
                raise ApiError(409, "database_ssh_key_duplicate_name", "An SSH key with this name already exists")
            key["name"] = name
            self.store.put("sshkey", id, key)
        return 200, public(key)

    def delete_sshkey(self, params, id):
        self.obj("sshkey", id, "SSH key")
        self.store.delete("sshkey", id)
        return 200, {"result": "success"}

    # -- firewalls -------------------------------------------------------------
    def rule(self, fw, params):
        protocol = (p_str(params, "protocol") or "tcp").lower()
        if protocol not in ("tcp", "udp", "icmp"):
            raise ApiError(400, "database_firewall_rules_invalid_params", "protocol must be tcp, udp or icmp")
        start, end = p_str(params, "start_port") or "", p_str(params, "end_port") or ""
        ports = p_str(params, "ports")
        if ports:
            start, _, end = ports.partition("-")
        end = end or start
        if protocol == "icmp":
            start = end = ""
        elif not start:
            raise ApiError(400, "database_firewall_rules_invalid_params", "start_port is required for %s" % protocol)
        for port in (start, end):
            if port and not (port.isdigit() and 1 <= int(port) <= 65535):
                raise ApiError(400, "database_firewall_rules_invalid_params", "%r is not a port" % port)
        if start and int(end) < int(start):
            raise ApiError(400, "database_firewall_rules_invalid_params", "end_port is below start_port")
        cidr = params.get("cidr")
        if cidr is None or cidr == "" or cidr == []:
            cidr = ["0.0.0.0/0"]
        if isinstance(cidr, str):
            cidr = [c.strip() for c in cidr.split(",") if c.strip()]
        cidr = [_cidr(str(c)) for c in cidr]
        direction = (p_str(params, "direction") or "ingress").lower()
        if direction not in ("ingress", "egress"):
            raise ApiError(400, "database_firewall_rules_invalid_params", "direction must be ingress or egress")
        action = (p_str(params, "action") or "allow").lower()
        if action not in ("allow", "deny"):
            raise ApiError(400, "database_firewall_rules_invalid_params", "action must be allow or deny")
        label = p_str(params, "label")
        return {"id": str(uuid.uuid4()), "firewall_id": fw["id"], "protocol": protocol,
                "start_port": start, "end_port": end, "cidr": cidr, "direction": direction, "action": action,
                "label": label or None, "ports": ("%s-%s" % (start, end) if start != end else start) if start else "",
                "openstack_security_group_rule_id": None}

    def firewall_view(self, fw, counts):
        out = public(fw)
        rules = out.pop("rules")
        if rules:  # civogo: rules and rules_count are omitempty
            out["rules"] = rules
            out["rules_count"] = len(rules)
        out["instance_count"] = counts.get(fw["id"], 0)
        out["cluster_count"] = 0
        out["loadbalancer_count"] = 0
        return out

    def instance_counts(self):
        counts = {}
        for inst in self.store.table("instance").values():
            counts[inst.get("firewall_id")] = counts.get(inst.get("firewall_id"), 0) + 1
        return counts

    def list_firewalls(self, params):
        counts = self.instance_counts()
        return 200, [self.firewall_view(fw, counts) for fw in self.in_region("firewall", params)]

    def create_firewall(self, params):
        region = self.civo.region(params)
        name = (p_str(params, "name") or "").strip()
        if not name:
            raise ApiError(400, "parameter_name_invalid", "The name supplied is empty")
        if self.name_taken("firewall", "name", name, region):
            raise ApiError(409, "database_firewall_duplicate_name", "A firewall with this name already exists")
        net_id = p_str(params, "network_id") or base.network_id(region)
        net = self.table("network").get(net_id)
        if net is None or net.get("region") != region or net.get("status") != "Active":
            raise ApiError(400, "database_network_not_found", "The network %s could not be found" % net_id)
        fid = str(uuid.uuid4())
        fw = {"id": fid, "name": name, "network_id": net_id, "region": region, "default": False, "rules": []}
        create_rules = p_bool(params, "create_rules", default=True)
        given = params.get("rules") if isinstance(params.get("rules"), list) else []
        if create_rules and not given:
            for start, end in DEFAULT_RULES:
                fw["rules"].append(self.rule(fw, {"start_port": start, "end_port": end}))
        for r in given:
            fw["rules"].append(self.rule(fw, r if isinstance(r, dict) else {}))
        self.store.put("firewall", fid, fw)
        return 200, {"id": fid, "name": name, "result": "success"}

    def update_firewall(self, params, id):
        region = self.civo.region(params)
        fw = self.obj("firewall", id, "firewall", region)
        name = (p_str(params, "name") or "").strip()
        if name and name != fw["name"]:
            if self.name_taken("firewall", "name", name, region, exclude=id):
                raise ApiError(409, "database_firewall_duplicate_name", "A firewall with this name already exists")
            fw["name"] = name
            self.store.put("firewall", id, fw)
        return 200, {"result": "success"}

    def delete_firewall(self, params, id):
        fw = self.obj("firewall", id, "firewall", self.civo.region(params))
        if self.instance_counts().get(id):
            raise ApiError(409, "database_firewall_delete_failed",
                           "The firewall %s is in use by instances and cannot be deleted" % fw["name"])
        self.store.delete("firewall", id)
        return 200, {"result": "success"}

    def list_rules(self, params, id):
        fw = self.obj("firewall", id, "firewall", self.civo.region(params))
        return 200, fw["rules"]

    def create_rule(self, params, id):
        fw = self.obj("firewall", id, "firewall", self.civo.region(params))
        rule = self.rule(fw, params)
        fw["rules"].append(rule)
        self.store.put("firewall", id, fw)
        return 200, rule

    def delete_rule(self, params, id, rid):
        fw = self.obj("firewall", id, "firewall", self.civo.region(params))
        if not any(r["id"] == rid for r in fw["rules"]):
            raise not_found("firewall_rule", "firewall rule")
        fw["rules"] = [r for r in fw["rules"] if r["id"] != rid]
        self.store.put("firewall", id, fw)
        return 200, {"result": "success"}

    # -- networks --------------------------------------------------------------
    def list_networks(self, params):
        return 200, [public(n) for n in self.in_region("network", params)]

    def get_network(self, params, id):
        return 200, public(self.obj("network", id, "network", self.civo.region(params)))

    def nameservers(self, params):
        value = params.get("nameservers_v4")
        if value is None or value == "" or value == []:
            return None
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if len(value) > 3 or not all(base.valid_ip(str(v)) for v in value):
            raise ApiError(400, "parameter_nameservers_v4_invalid", "nameservers_v4 must be at most 3 IPv4 addresses")
        return [str(v) for v in value]

    def create_network(self, params):
        region = self.civo.region(params)
        label = (p_str(params, "label") or "").strip()
        if not label:
            raise ApiError(400, "parameter_label_invalid", "The label supplied is empty")
        if self.name_taken("network", "label", label, region):
            raise ApiError(409, "database_network_duplicate_name", "A network with this label already exists")
        cidr = p_str(params, "cidr_v4")
        if cidr:
            cidr = _cidr(cidr, "parameter_cidr_v4_invalid")
        else:
            counter = self.store.get("meta", "network_counter") or {"n": 0}
            counter = {"n": counter["n"] + 1}
            self.store.put("meta", "network_counter", counter)
            cidr = "10.%d.0.0/24" % (counter["n"] % 250)
        nid = str(uuid.uuid4())
        net = {"id": nid, "name": "cust-%s-%s" % (label.lower()[:20], nid[:8]), "label": label, "default": False,
               "cidr": cidr, "status": "Active", "ipv4_enabled": True,
               "nameservers_v4": self.nameservers(params) or ["8.8.8.8", "1.1.1.1"], "region": region}
        self.store.put("network", nid, net)
        return 200, {"id": nid, "label": label, "result": "success"}

    def update_network(self, params, id):
        region = self.civo.region(params)
        net = self.obj("network", id, "network", region)
        label = (p_str(params, "label") or "").strip()
        cidr = p_str(params, "cidr_v4")
        if cidr and _cidr(cidr, "parameter_cidr_v4_invalid") != net["cidr"]:
            raise ApiError(400, "parameter_cidr_v4_invalid", "The CIDR of a network cannot be changed")
        if label and label != net["label"]:
            if self.name_taken("network", "label", label, region, exclude=id):
                raise ApiError(409, "database_network_duplicate_name", "A network with this label already exists")
            net["label"] = label
        servers = self.nameservers(params)
        if servers is not None:
            net["nameservers_v4"] = servers
        self.store.put("network", id, net)
        return 200, {"id": id, "label": net["label"], "result": "success"}

    def delete_network(self, params, id):
        net = self.obj("network", id, "network", self.civo.region(params))
        if net.get("default"):
            raise ApiError(400, "network_delete_default", "The default network cannot be deleted")
        if net["status"] == "Deleting":
            return 200, {"result": "success"}
        if any(i.get("network_id") == id for i in self.store.table("instance").values()):
            raise ApiError(409, "database_network_delete_with_instance", "The network still has instances")
        if any(v.get("network_id") == id for v in self.table("volume").values()):
            raise ApiError(409, "database_network_inuse_by_volumes", "The network still has volumes")
        for fw in list(self.table("firewall").values()):
            if fw["network_id"] == id:
                self.store.delete("firewall", fw["id"])
        net["status"] = "Deleting"
        schedule(net, clock.now(), [(self.half, {"_gone": True})])
        self.store.put("network", id, net)
        return 200, {"result": "success"}

    # -- reserved IPs (/v2/ips) ------------------------------------------------
    def ip_obj(self, id, params):
        return self.obj("ip", id, "reserved IP", self.civo.region(params))

    def ip_view(self, ip):
        out = public(ip)
        out.pop("region", None)
        return out

    def list_ips(self, params):
        page = p_int(params, "page", 1)
        per_page = p_int(params, "per_page", 20)
        if page < 1 or per_page < 1:
            raise ApiError(400, "parameter_page_invalid", "page and per_page must be at least 1")
        items = [self.ip_view(i) for i in self.in_region("ip", params)]
        pages = max(1, -(-len(items) // per_page))
        return 200, {"page": page, "per_page": per_page, "pages": pages,
                     "items": items[(page - 1) * per_page: page * per_page]}

    def get_ip(self, params, id):
        return 200, self.ip_view(self.ip_obj(id, params))

    def create_ip(self, params):
        region = self.civo.region(params)
        counter = self.store.get("meta", "ip_counter") or {"n": 0}
        counter = {"n": counter["n"] + 1}
        self.store.put("meta", "ip_counter", counter)
        address = "74.220.%d.%d" % (counter["n"] // 250 % 256, 2 + counter["n"] % 250)
        iid = str(uuid.uuid4())
        ip = {"id": iid, "name": (p_str(params, "name") or "").strip() or address, "ip": "",
              "assigned_to": {"id": "", "type": "", "name": ""}, "region": region}
        schedule(ip, clock.now(), [(self.half, {"ip": address})])
        self.store.put("ip", iid, ip)
        return 200, self.ip_view(ip)

    def update_ip(self, params, id):
        ip = self.ip_obj(id, params)
        name = (p_str(params, "name") or "").strip()
        if not name:
            raise ApiError(400, "parameter_name_invalid", "The name supplied is empty")
        ip["name"] = name
        self.store.put("ip", id, ip)
        return 200, self.ip_view(ip)

    def _unassign(self, ip, now):
        old = ip["assigned_to"].get("id")
        inst = self.store.get("instance", old) if old else None
        if inst is not None:
            self.civo.settled(inst)
            for key in ("reserved_ip_id", "reserved_ip_name", "reserved_ip"):
                inst.pop(key, None)
            inst["public_ip"] = inst.pop("_public_ip_before", inst.get("public_ip"))
            self.store.put("instance", inst["id"], inst)
        schedule(ip, now, [(self.half, {"assigned_to": {"id": "", "type": "", "name": ""}})])

    def ip_action(self, params, id):
        now = clock.now()
        region = self.civo.region(params)
        ip = self.ip_obj(id, params)
        action = p_str(params, "action")
        if action == "unassign":
            if ip["assigned_to"].get("id"):
                self._unassign(ip, now)
                self.store.put("ip", id, ip)
            return 200, {"result": "success"}
        if action != "assign":
            raise ApiError(400, "parameter_action_invalid", "action must be assign or unassign")
        kind = p_str(params, "assign_to_type") or "instance"
        if kind != "instance":
            raise ApiError(400, "parameter_assign_to_type_invalid", "Only instances exist in this emulator")
        target = p_str(params, "assign_to_id")
        if not target:
            raise ApiError(400, "parameter_assign_to_id_invalid", "assign_to_id is required")
        inst = self.instance(target, region)
        if not ip["ip"]:
            raise ApiError(409, "reserved_ip_not_ready", "The reserved IP has no address yet")
        if ip["assigned_to"].get("id") == target:
            return 200, {"result": "success"}
        if ip["assigned_to"].get("id"):
            self._unassign(ip, now)
        inst["_public_ip_before"] = inst.get("public_ip")
        inst.update(reserved_ip_id=ip["id"], reserved_ip_name=ip["name"], reserved_ip=ip["ip"], public_ip=ip["ip"])
        self.store.put("instance", inst["id"], inst)
        schedule(ip, now, [(self.half, {"assigned_to": {"id": inst["id"], "type": "instance",
                                                        "name": inst["hostname"]}})])
        self.store.put("ip", id, ip)
        return 200, {"result": "success"}

    def delete_ip(self, params, id):
        ip = self.ip_obj(id, params)
        if ip["assigned_to"].get("id"):
            self._unassign(ip, clock.now())
        self.store.delete("ip", id)
        return 200, {"result": "success"}

    # -- volumes ---------------------------------------------------------------
    def list_volume_types(self, params):
        return 200, VOLUME_TYPES

    def volume(self, id, params):
        return self.obj("volume", id, "volume", self.civo.region(params))

    def list_volumes(self, params):
        return 200, [public(v) for v in self.in_region("volume", params)]

    def get_volume(self, params, id):
        return 200, public(self.volume(id, params))

    def create_volume(self, params):
        region = self.civo.region(params)
        name = (p_str(params, "name") or "").strip()
        if not name:
            raise ApiError(400, "parameter_name_invalid", "The name supplied is empty")
        if self.name_taken("volume", "name", name, region):
            raise ApiError(409, "database_volume_duplicate_name", "A volume with this name already exists")
        size = p_int(params, "size_gb", 0)
        if size < 1:
            raise ApiError(400, "volume_invalid_size", "size_gb must be at least 1")
        net_id = p_str(params, "network_id")
        if not net_id:
            raise ApiError(400, "parameter_network_id_invalid", "The network_id supplied was empty")
        net = self.table("network").get(net_id)
        if net is None or net.get("region") != region:
            raise ApiError(400, "database_network_not_found", "The network %s could not be found" % net_id)
        vtype = p_str(params, "volume_type") or DEFAULT_VOLUME_TYPE
        if vtype not in [t["name"] for t in VOLUME_TYPES]:
            raise ApiError(400, "parameter_volume_type_invalid", "Unknown volume type %s" % vtype)
        vid = str(uuid.uuid4())
        vol = {"id": vid, "name": name, "instance_id": "", "cluster_id": "", "network_id": net_id,
               "mountpoint": "", "status": "creating", "volume_type": vtype, "size_gb": size,
               "bootable": p_bool(params, "bootable"), "created_at": iso(clock.now()), "region": region}
        schedule(vol, clock.now(), [(self.half, {"status": "available"})])
        self.store.put("volume", vid, vol)
        return 200, {"id": vid, "name": name, "result": "success"}

    def attach_volume(self, params, id):
        region = self.civo.region(params)
        vol = self.volume(id, params)
        target = p_str(params, "instance_id")
        if not target:
            raise ApiError(400, "parameter_instance_id_invalid", "instance_id is required")
        self.instance(target, region)
        if vol["instance_id"] or vol["status"] != "available":
            raise ApiError(409, "database_volume_cannot_multiple_attach",
                           "The volume is %s%s" % (vol["status"], " to %s" % vol["instance_id"] if vol["instance_id"] else ""))
        vol["instance_id"] = target
        vol["status"] = "attaching"
        vol["mountpoint"] = "/dev/vdb"
        schedule(vol, clock.now(), [(self.half, {"status": "attached"})])
        self.store.put("volume", id, vol)
        return 200, {"result": "success"}

    def detach_volume(self, params, id):
        vol = self.volume(id, params)
        if not vol["instance_id"] or vol["status"] != "attached":
            raise ApiError(409, "database_volume_not_attached", "The volume is %s, not attached" % vol["status"])
        vol["status"] = "detaching"
        schedule(vol, clock.now(), [(self.half, {"status": "available", "instance_id": "", "mountpoint": ""})])
        self.store.put("volume", id, vol)
        return 200, {"result": "success"}

    def resize_volume(self, params, id):
        vol = self.volume(id, params)
        size = p_int(params, "size_gb", 0)
        if vol["instance_id"]:
            raise ApiError(409, "database_volume_still_attached_cannot_resize", "Detach the volume to resize it")
        if size <= vol["size_gb"]:
            raise ApiError(400, "parameter_volume_size_must_increase", "A volume can only grow")
        vol["size_gb"] = size
        self.store.put("volume", id, vol)
        return 200, {"result": "success"}

    def delete_volume(self, params, id):
        vol = self.volume(id, params)
        if vol["instance_id"]:
            raise ApiError(409, "database_volume_delete_failed", "The volume is attached and cannot be deleted")
        self.store.delete("volume", id)
        return 200, {"result": "success"}


def install(civo):
    """Register the routes in front of civo.py's and make its static tables live views."""
    res = Resources(civo)
    civo.routes[0:0] = res.routes
    civo.resources = res
    if not hasattr(base, "STATIC_NETWORKS"):
        base.STATIC_NETWORKS, base.STATIC_FIREWALLS = base.NETWORKS, base.FIREWALLS
        base.STATIC_SSH_KEYS = base.SSH_KEYS
    base.NETWORKS = _View(res, "network")
    base.FIREWALLS = _View(res, "firewall")
    base.SSH_KEYS_BY_ID = _View(res, "sshkey")
    return res
