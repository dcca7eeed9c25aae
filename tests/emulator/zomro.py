"""Zomro (ISPsystem BILLmanager) API emulation: form POSTs to "/".

Every answer is HTTP 200 with a JSON document; errors are inside it as
``doc.error`` ({"$type", "$object", "msg": {"$": text}}), as BILLmanager does.
Functions: auth, instances, instances.fleio.rescue (preview without sok,
action with sok=ok), instances.fleio.unrescue.
"""

import secrets

from store import clock, public, schedule, settle

FIRST_ELID = 5203773

# The rescue images exactly as the documentation's preview lists them.
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
]
IMAGE_ZONE = {key: zone for zone, key, _, _ in RESCUE_IMAGES}

RESCUABLE = ("active", "stopped")


def error(type_, obj, msg):
    err = {"$type": type_, "msg": {"$": msg}}
    if obj is not None:
        err["$object"] = obj
    return {"doc": {"error": err}}


def ok():
    return {"doc": {"ok": {"$": "ok"}}}


def wrap(obj):
    return {k: {"$": str(v)} for k, v in public(obj).items()}


class Zomro:
    def __init__(self, store, config, user, password):
        self.store = store
        self.config = config  # .build_seconds, .session_ttl
        self.user = user
        self.password = password

    # -- state -----------------------------------------------------------
    def initial_instances(self):
        return [self.new_instance(FIRST_ELID, "vps-5203773.zomro.example", "185.117.152.17")]

    @staticmethod
    def new_instance(elid, servername, ip, fotbo_status="active"):
        return {"id": str(elid), "servername": servername, "status": "2",
                "fotbo_status": fotbo_status, "ip": ip, "pricelist": "Cloud VPS",
                "datacentername": "Netherlands", "os": "Ubuntu 22.04"}

    def seed(self, n, fotbo_status="active"):
        table = self.store.table("zomro_instance")
        start = max([int(k) for k in table] + [FIRST_ELID]) + 1
        items = []
        for i in range(n):
            elid = start + i
            inst = self.new_instance(elid, "seed-%d.zomro.example" % elid,
                                     "185.%d.%d.%d" % (118 + i // 62500, i // 250 % 250, 2 + i % 250),
                                     fotbo_status)
            items.append((inst["id"], inst))
        self.store.put_many("zomro_instance", items)
        return [k for k, _ in items]

    def expire_sessions(self):
        with self.store.lock:
            for key in list(self.store.table("zomro_session")):
                self.store.delete("zomro_session", key)

    # -- entry point ------------------------------------------------------
    def handle(self, form):
        with self.store.lock:
            func = form.get("func", "")
            if func == "auth":
                return self.auth(form)
            who = self.authenticate(form)
            if who is not None:
                return who
            if func == "instances":
                return self.list_instances(form)
            if func == "instances.fleio.rescue":
                return self.rescue(form)
            if func == "instances.fleio.unrescue":
                return self.unrescue(form)
            return error("missed", "func", "Unknown function: %s" % func)

    def auth(self, form):
        if form.get("username") != self.user or form.get("password") != self.password:
            return error("auth", "badpassword", "Invalid username or password")
        sid = secrets.token_hex(12)
        self.store.put("zomro_session", sid, {"user": self.user, "last_used": clock.now()})
        return {"doc": {"auth": {"$id": sid, "$level": "16", "$": sid}}}

    def authenticate(self, form):
        """None when authorised, else the error document."""
        if form.get("authinfo"):
            user, _, password = form["authinfo"].partition(":")
            if user == self.user and password == self.password:
                return None
            return error("auth", "badpassword", "Invalid username or password")
        sid = form.get("auth")
        if not sid:
            return error("auth", "session", "Authorization required: log in with func=auth")
        sess = self.store.get("zomro_session", sid)
        now = clock.now()
        if sess is None or now - sess["last_used"] > float(self.config.session_ttl):
            if sess is not None:
                self.store.delete("zomro_session", sid)
            return error("auth", "session", "Session expired or unknown; log in again")
        sess["last_used"] = now
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
    def list_instances(self, form):
        now = clock.now()
        items = list(self.store.table("zomro_instance").values())
        total = len(items)
        p_cnt = form.get("p_cnt")
        p_num = form.get("p_num") or "1"
        if p_cnt:
            try:
                cnt, num = max(1, int(p_cnt)), max(1, int(p_num))
            except ValueError:
                return error("value", "p_cnt", "p_cnt and p_num must be numbers")
            items = items[(num - 1) * cnt: num * cnt]
        else:
            cnt, num = max(total, 1), 1
        elems = []
        for inst in items:
            settle(inst, now)
            elems.append(wrap(inst))
        return {"doc": {"elem": elems, "p_cnt": {"$": str(cnt)}, "p_num": {"$": str(num)},
                        "p_elems": {"$": str(total)}}}

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
        if inst["fotbo_status"] not in RESCUABLE:
            return error("value", "fotbo_status",
                         "Rescue is possible only from active or stopped, the instance is %s"
                         % inst["fotbo_status"])
        inst["fotbo_status"] = "rescuing"
        inst["_rescue_image"] = image
        inst["_rescue_password_set"] = bool(form.get("password"))
        schedule(inst, clock.now(), [(float(self.config.build_seconds), {"fotbo_status": "rescued"})])
        self.store.put("zomro_instance", inst["id"], inst)
        return ok()

    def preview(self, inst):
        zones = {"$name": "zone", "val": [{"$key": "pub", "$": "pub"}, {"$key": "own", "$": "own"}]}
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
        if inst["fotbo_status"] != "rescued":
            return error("value", "fotbo_status",
                         "Unrescue is possible only from rescued, the instance is %s" % inst["fotbo_status"])
        inst["fotbo_status"] = "unrescuing"
        inst.pop("_rescue_image", None)
        schedule(inst, clock.now(), [(float(self.config.build_seconds), {"fotbo_status": "active"})])
        self.store.put("zomro_instance", inst["id"], inst)
        return ok()
