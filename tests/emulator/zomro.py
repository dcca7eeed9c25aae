"""Zomro (ISPsystem BILLmanager) API emulation: form POSTs to "/".

Every answer is HTTP 200 with a JSON document; errors are inside it as
``doc.error`` ({"$type", "$object", "msg": {"$": text}}), as BILLmanager does.
Functions: auth, whoami, keepalive, totp.confirm, instances (paged),
instances.fleio.rescue (preview without sok, action with sok=ok),
instances.fleio.unrescue, service.start / service.stop / service.reboot /
service.hardreboot.

The shapes follow Zomro's own panel (Karantir-dev/billing-typescript); every
choice and its source is listed in README.md ("Zomro API").  Test-only switches
(the old ``fotbo_status`` shape, a two-factor account, page sizes) live under
``/_sim/zomro``.
"""

import secrets

from store import clock, public, schedule, settle

FIRST_ELID = 5203773

# The rescue images exactly as the documentation's preview lists them, plus one
# image of the "shr" zone (images shared with the account; panel constants.js),
# which the emulator invents so that the zone can be exercised.
RESCUE_IMAGES = [
    ("pub", "f8f2573f-56c4-44c5-8469-84eee4aa64e7", "Ubuntu 22.04", None),
    ("pub", "0bf4deb2-855c-4863-8518-6006d804adbb", "Debian 10", None),
    ("pub", "18d0ee2e-4d57-4f40-9b56-03c1773b5831", "AlmaLinux 8", None),
    ("pub", "1d9dda4c-34b0-4304-a90a-8f3018722fa2", "Rocky-Linux-8", None),
    ("pub", "2af0af94-0e6e-4ef3-8837-d41fdbfa3564", "Windows Server 2016", None),
    ("pub", "3010ae60-0185-4021-98da-f50013147ebd", "Debian 11", None),
    ("pub", "479c96f1-ccc6-47a2-952c-c9e3bbdc8d07", "Ubuntu 20.04", None),
    ("pub", "5da4ad83-45f6-4c0e-9a7e-7a7c18b2be6c", "AlmaLinux 9", None),
    ("pub", "7d7911e3-7178-4f36-a308-d841db5fe654", "CentOS Stream 9", None),
    ("pub", "92fabac2-69cc-46ad-8439-c377e0c90632", "Ubuntu 23.04", None),
    ("pub", "93878ba5-6b9e-4924-a4be-34edb623f808", "Debian 12", None),
    ("pub", "a8b7bcb3-6698-4264-b413-f2b866a46a70", "Rocky-Linux-9", None),
    ("pub", "b10434c0-d839-428f-a919-cac733fd6552", "Windows Server 2019", None),
    ("pub", "bda2467e-e192-4e4e-becc-cda2e71b9767", "Windows Server 2022", None),
    ("own", "a9e7c223-5f11-4546-a298-6af546bebde6", "Centos 9 x64", "foo"),
    ("shr", "c7d5e0a2-4b1f-4e8a-9d3c-2f6b8a1e5d40", "Debian 12 shared", "shared-debian"),
]
IMAGE_ZONE = {key: zone for zone, key, _, _ in RESCUE_IMAGES}
ZONES = ("pub", "own", "shr")

RESCUABLE = ("active", "stopped")
# BILLmanager service status codes the panel treats as not active (getInstanceMainInfo.js).
INACTIVE_CODES = ("1", "4", "5")

# service.<action>: states it may start from, the state in progress, the final state.
POWER = {
    "service.start": (("stopped",), "starting", "active"),
    "service.stop": (("active",), "stopping", "stopped"),
    "service.reboot": (("active",), "rebooting", "active"),
    "service.hardreboot": (("active", "error"), "rebooting", "active"),
}

DEFAULT_SETTINGS = {
    # The shape before 2024-05-16: fotbo_status (lower case), no item_status, "auth" session errors.
    "legacy_shape": False,
    # The account has two-factor authentication: func=auth gives a provisional session.
    "two_factor": False,
    "totp_code": "123456",
    # Page size when func=instances is sent without p_cnt (the real default is unknown).
    "default_page_size": 20,
    # Largest p_cnt honoured (None: any).
    "max_page_size": None,
}

ACCESS_TEXT = "Insufficient privileges to perform the function"


def error(type_, obj, msg):
    err = {"$type": type_, "msg": {"$": msg}}
    if obj is not None:
        err["$object"] = obj
    return {"doc": {"error": err}}


def ok():
    return {"doc": {"ok": {"$": "ok"}}}


def display(state):
    """instance_status as the panel may receive it: capitalised (the panel trims and lower-cases it)."""
    return state[:1].upper() + state[1:]


ITEM_STATUS = {"2": "Active", "1": "Ordered", "3": "Suspended", "4": "Deleted", "5": "Processing"}


class Zomro:
    def __init__(self, store, config, user, password):
        self.store = store
        self.config = config  # .build_seconds, .session_ttl
        self.user = user
        self.password = password

    # -- settings (test-only switches, reset with the store) ---------------
    def settings(self):
        stored = self.store.get("zomro_setting", "settings") or {}
        out = dict(DEFAULT_SETTINGS)
        out.update(stored)
        return out

    def sim(self, method, path, body):
        """``/_sim/zomro``: GET shows the switches, POST changes them."""
        if path.rstrip("/") != "/_sim/zomro":
            return 404, {"result": "failed", "reason": "unknown sim control %s %s" % (method, path)}
        if method == "POST":
            with self.store.lock:
                current = self.store.get("zomro_setting", "settings") or {}
                for key, value in body.items():
                    if key not in DEFAULT_SETTINGS:
                        return 400, {"result": "failed", "reason": "unknown Zomro setting %s" % key}
                    current[key] = value
                self.store.put("zomro_setting", "settings", current)
        elif method != "GET":
            return 405, {"result": "failed", "reason": "GET or POST"}
        return 200, self.settings()

    # -- state -----------------------------------------------------------
    def initial_instances(self):
        return [self.new_instance(FIRST_ELID, "vps-5203773.zomro.example", "185.117.152.17")]

    @staticmethod
    def new_instance(elid, servername, ip, state="active"):
        return {"id": str(elid), "servername": servername, "status": "2", "instance_status": state,
                "ip": ip, "pricelist": "Cloud VPS", "datacentername": "Netherlands",
                "instances_os": "Ubuntu 22.04", "createdate": "2024-05-16"}

    def seed(self, n, state="active"):
        table = self.store.table("zomro_instance")
        start = max([int(k) for k in table] + [FIRST_ELID]) + 1
        items = []
        for i in range(n):
            elid = start + i
            inst = self.new_instance(elid, "seed-%d.zomro.example" % elid,
                                     "185.%d.%d.%d" % (118 + i // 62500, i // 250 % 250, 2 + i % 250),
                                     state)
            items.append((inst["id"], inst))
        self.store.put_many("zomro_instance", items)
        return [k for k, _ in items]

    def expire_sessions(self):
        with self.store.lock:
            for key in list(self.store.table("zomro_session")):
                self.store.delete("zomro_session", key)

    def render(self, inst, legacy):
        """An instance as ``func=instances`` lists it: every field wrapped as {"$": value}."""
        fields = public(inst)
        state = fields.pop("instance_status")
        if legacy:
            fields["fotbo_status"] = state
        else:
            fields["instance_status"] = display(state)
            fields["item_status"] = ITEM_STATUS.get(fields["status"], "Active")
        return {k: {"$": str(v)} for k, v in fields.items()}

    # -- entry point ------------------------------------------------------
    def handle(self, form):
        with self.store.lock:
            func = form.get("func", "")
            settings = self.settings()
            if func == "auth":
                return self.auth(form, settings)
            if func == "totp.confirm":
                return self.totp_confirm(form, settings)
            who = self.authenticate(form, func, settings)
            if who is not None:
                return who
            if func == "whoami":
                return {"doc": {"user": {"$": self.user}}}
            if func == "keepalive":
                return ok()
            if func == "instances":
                return self.list_instances(form, settings)
            if func == "instances.fleio.rescue":
                return self.rescue(form)
            if func == "instances.fleio.unrescue":
                return self.unrescue(form)
            if func in POWER:
                return self.power(func, form)
            return error("missed", "func", "Unknown function: %s" % func)

    def new_session(self, provisional=False):
        sid = secrets.token_hex(12)
        self.store.put("zomro_session", sid, {"user": self.user, "last_used": clock.now(),
                                              "provisional": provisional})
        return sid

    def auth(self, form, settings):
        if form.get("username") != self.user or form.get("password") != self.password:
            return error("auth", "badpassword", "Invalid username or password")
        sid = self.new_session(provisional=bool(settings["two_factor"]))
        return {"doc": {"auth": {"$id": sid, "$level": "16", "$": sid}}}

    def session(self, sid, settings):
        """(session, error document)."""
        sess = self.store.get("zomro_session", sid) if sid else None
        now = clock.now()
        if sess is None or now - sess["last_used"] > float(self.config.session_ttl):
            if sess is not None:
                self.store.delete("zomro_session", sid)
            if settings["legacy_shape"]:
                return None, error("auth", "session", "Session expired or unknown; log in again")
            return None, error("access", None, ACCESS_TEXT)
        return sess, None

    def totp_confirm(self, form, settings):
        sess, err = self.session(form.get("auth"), settings)
        if err:
            return err
        if not sess.get("provisional"):
            return error("access", "totp.confirm", ACCESS_TEXT)
        if form.get("qrcode") != str(settings["totp_code"]):
            return error("value", "qrcode", "Invalid one-time code")
        self.store.delete("zomro_session", form.get("auth"))
        sid = self.new_session()
        return {"doc": {"auth": {"$id": sid, "$level": "16", "$": sid}}}

    def authenticate(self, form, func, settings):
        """None when authorised, else the error document."""
        if form.get("authinfo"):
            user, _, password = form["authinfo"].partition(":")
            if user == self.user and password == self.password:
                return None
            return error("auth", "badpassword", "Invalid username or password")
        sid = form.get("auth")
        sess, err = self.session(sid, settings)
        if err:
            return err
        if sess.get("provisional"):
            if func == "whoami":
                return {"doc": {"ok": {"$": "func=totp.confirm"}}}
            return error("access", None, ACCESS_TEXT)
        sess["last_used"] = clock.now()
        self.store.put("zomro_session", sid, sess)
        return None

    def instance(self, form):
        elid = form.get("elid", "")
        inst = self.store.get("zomro_instance", elid)
        if inst is None:
            return None, error("missed", "elid", "Instance %s not found" % (elid or "(no elid)"))
        settle(inst, clock.now())
        return inst, None

    # -- functions ---------------------------------------------------------
    def list_instances(self, form, settings):
        now = clock.now()
        items = sorted(self.store.table("zomro_instance").values(), key=lambda i: int(i["id"]))
        total = len(items)
        try:
            cnt = max(1, int(form.get("p_cnt") or settings["default_page_size"]))
            num = max(1, int(form.get("p_num") or "1"))
        except ValueError:
            return error("value", "p_cnt", "p_cnt and p_num must be numbers")
        if settings["max_page_size"]:
            cnt = min(cnt, int(settings["max_page_size"]))
        items = items[(num - 1) * cnt: num * cnt]
        doc = {"p_cnt": {"$": str(cnt)}, "p_num": {"$": str(num)}, "p_elems": {"$": str(total)}}
        elems = []
        for inst in items:
            settle(inst, now)
            elems.append(self.render(inst, settings["legacy_shape"]))
        if elems:  # absent when there are none (panel: ``data.doc.elem || []``)
            doc["elem"] = elems
        return {"doc": doc}

    def rescue(self, form):
        inst, err = self.instance(form)
        if err:
            return err
        if form.get("sok") != "ok":
            return self.preview(inst)
        image = form.get("select_boot", "")
        if not image:
            return error("empty", "select_boot", "Field 'select_boot' is required")
        if image not in IMAGE_ZONE:
            return error("value", "select_boot", "Unknown image %s" % image)
        zone = form.get("zone", "")
        if not zone:
            return error("empty", "zone", "Field 'zone' is required")
        if zone != IMAGE_ZONE[image]:
            return error("value", "zone", "Image %s is not in zone %s" % (image, zone))
        if inst["instance_status"] not in RESCUABLE:
            return error("value", "instance_status",
                         "Rescue is possible only from active or stopped, the instance is %s"
                         % inst["instance_status"])
        inst["instance_status"] = "rescuing"
        inst["_rescue_image"] = image
        inst["_rescue_password_set"] = bool(form.get("password"))
        schedule(inst, clock.now(), [(float(self.config.build_seconds), {"instance_status": "rescued"})])
        self.store.put("zomro_instance", inst["id"], inst)
        return ok()

    def preview(self, inst):
        zones = {"$name": "zone", "val": [{"$key": z, "$": z} for z in ZONES]}
        boots = []
        for zone, key, label, name in RESCUE_IMAGES:
            item = {"$depend": zone}
            if name:
                item["$name"] = name
            item["$key"] = key
            item["$"] = label
            boots.append(item)
        return {"doc": {"elid": {"$": inst["id"]}, "zone": {"$": "pub"},
                        "slist": [zones, {"$name": "select_boot", "val": boots}]}}

    def unrescue(self, form):
        inst, err = self.instance(form)
        if err:
            return err
        if inst["instance_status"] not in ("rescued", "booted_from_iso"):
            return error("value", "instance_status",
                         "Unrescue is possible only from rescued, the instance is %s" % inst["instance_status"])
        inst["instance_status"] = "unrescuing"
        inst.pop("_rescue_image", None)
        schedule(inst, clock.now(), [(float(self.config.build_seconds), {"instance_status": "active"})])
        self.store.put("zomro_instance", inst["id"], inst)
        return ok()

    def power(self, func, form):
        inst, err = self.instance(form)
        if err:
            return err
        if inst["status"] in INACTIVE_CODES:
            return error("access", func, "The service is not active")
        allowed, during, final = POWER[func]
        if inst["instance_status"] not in allowed:
            return error("value", "instance_status", "%s is possible only from %s, the instance is %s"
                         % (func, " or ".join(allowed), inst["instance_status"]))
        inst["instance_status"] = during
        inst["_power_count"] = inst.get("_power_count", 0) + 1
        schedule(inst, clock.now(), [(float(self.config.build_seconds), {"instance_status": final})])
        self.store.put("zomro_instance", inst["id"], inst)
        return ok()
