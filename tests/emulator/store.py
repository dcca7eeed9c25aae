"""State store for the emulator.

All state lives in memory as plain JSON-able dicts, grouped by kind
(``instance``, ``snapshot``, ``zomro_instance``, ...) and keyed by a string.
With a state file, every write goes through to SQLite as well (one row per
object, JSON blob), so a restart reloads exactly what was there.

Transitional states are not driven by threads: an object carries a list of
timed patches in ``_due`` (``[[unix_time, {field: value}], ...]``), applied
lazily by ``settle()`` whenever the object is read. Because the patches are
part of the stored object, a restarted emulator replays them identically.

One re-entrant lock (``store.lock``) serialises every request's work on the
state; the emulator's handlers are short, so this is plenty fast.
"""

import contextlib
import json
import sqlite3
import threading
import time


class Clock:
    """The emulator's notion of now: wall time plus an offset that tests can
    move forward (POST /_sim/advance) to finish transitions without sleeping."""

    def __init__(self):
        self.offset = 0.0

    def now(self):
        return time.time() + self.offset


clock = Clock()


class Store:
    def __init__(self, path=None):
        self.lock = threading.RLock()
        self.data = {}
        self.db = None
        self._batch = 0
        if path:
            self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS objects ("
                " kind TEXT NOT NULL, key TEXT NOT NULL, data TEXT NOT NULL,"
                " PRIMARY KEY (kind, key))"
            )
            for kind, key, data in self.db.execute(
                "SELECT kind, key, data FROM objects ORDER BY rowid"
            ):
                self.data.setdefault(kind, {})[key] = json.loads(data)

    # -- reading -------------------------------------------------------
    def table(self, kind):
        return self.data.setdefault(kind, {})

    def get(self, kind, key):
        return self.data.get(kind, {}).get(key)

    def is_empty(self):
        return not any(self.data.values())

    # -- writing -------------------------------------------------------
    @contextlib.contextmanager
    def batch(self):
        """Group writes in one SQLite transaction (e.g. seeding 10,000 rows)."""
        with self.lock:
            if self.db is not None and self._batch == 0:
                self.db.execute("BEGIN")
            self._batch += 1
            try:
                yield
            except BaseException:
                self._batch -= 1
                if self.db is not None and self._batch == 0:
                    self.db.execute("ROLLBACK")
                raise
            self._batch -= 1
            if self.db is not None and self._batch == 0:
                self.db.execute("COMMIT")

    def put(self, kind, key, obj):
        with self.lock:
            bump(obj)
            self.data.setdefault(kind, {})[key] = obj
            if self.db is not None:
                self.db.execute(
                    "INSERT INTO objects (kind, key, data) VALUES (?, ?, ?)"
                    " ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data",
                    (kind, key, json.dumps(obj, separators=(",", ":"))),
                )

    def put_many(self, kind, items):
        """items: iterable of (key, obj)."""
        with self.batch():
            table = self.data.setdefault(kind, {})
            rows = []
            for key, obj in items:
                bump(obj)
                table[key] = obj
                rows.append((kind, key, json.dumps(obj, separators=(",", ":"))))
            if self.db is not None:
                self.db.executemany(
                    "INSERT INTO objects (kind, key, data) VALUES (?, ?, ?)"
                    " ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data",
                    rows,
                )

    def delete(self, kind, key):
        with self.lock:
            self.data.get(kind, {}).pop(key, None)
            if self.db is not None:
                self.db.execute("DELETE FROM objects WHERE kind = ? AND key = ?", (kind, key))

    def clear(self):
        with self.lock:
            self.data = {}
            if self.db is not None:
                self.db.execute("DELETE FROM objects")

    def close(self):
        with self.lock:
            if self.db is not None:
                self.db.close()
                self.db = None


def bump(obj):
    """Every change of an object bumps its "_v" (used to cache its JSON)."""
    obj["_v"] = obj.get("_v", 0) + 1


def schedule(obj, now, steps):
    """Append timed patches: steps = [(delay_seconds, {field: value}), ...]."""
    due = obj.setdefault("_due", [])
    for delay, patch in steps:
        due.append([now + delay, patch])
    due.sort(key=lambda item: item[0])


def settle(obj, now, hooks=None):
    """Apply every patch whose time has come. Returns True if obj changed.

    A patch key starting with "@" names a hook: hooks["@name"](obj, value)
    is called instead of setting a field (used for effects computed at the
    moment the transition completes, e.g. recovery mode at reboot).
    """
    due = obj.get("_due")
    if not due or due[0][0] > now:
        return False
    while due and due[0][0] <= now:
        _, patch = due.pop(0)
        for field, value in patch.items():
            if field.startswith("@"):
                hooks[field](obj, value)
            else:
                obj[field] = value
    if not due:
        del obj["_due"]
    bump(obj)
    return True


def public(obj):
    """The object as the API shows it: without internal "_" fields."""
    return {k: v for k, v in obj.items() if k[0] != "_"}
