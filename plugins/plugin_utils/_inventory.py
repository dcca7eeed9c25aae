# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the vmops.cloud inventory plugins (``civo``, ``zomro``) share.

A provider plugin subclasses ``CloudInventory`` and says how to read its settings, how to list its
instances and which default groups an instance joins.  This module does the rest, the same way for
every provider:

* every value from the API that lands in a host variable (and the host name) is marked unsafe, so
  that no core version ever templates it (``wrap_var`` on ansible-core 2.17/2.18; on 2.19 and later
  data is untrusted unless tagged, and ``wrap_var`` keeps it so);
* the cache key is ``<plugin>_<path hash>_<digest>``, the digest a PBKDF2-HMAC-SHA256 of the
  credential salted with the API URL and the options that shape the listing: another credential,
  URL or scope never reads this cache, and neither the credential nor an unsalted hash of it is
  ever written;
* errors are messages, with every secret the plugin holds (API key, password, session ids, URL
  credentials) replaced by ``********``: inventory plugins get no ``no_log`` masking;
* ``hostnames`` (an ordered list of field names or templates, the first non-empty wins) and
  ``filters`` (conditions every host must meet), then ``compose``, ``groups`` and ``keyed_groups``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.group import to_safe_group_name
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ..module_utils.util import (
    REDACTED,
    add_secret,
    scrub as _scrub,
    url_credentials,
)

try:
    from ansible.utils.unsafe_proxy import wrap_var as _wrap_var
except ImportError:  # pragma: no cover - a core without the unsafe proxy tags data instead: untrusted by default
    _wrap_var = None

# Bump when the cached listing's shape changes: older cache entries are then never read.
CACHE_FORMAT = 2
# PBKDF2 rounds of the cache digest: a Zomro password may be guessable, so make each guess cost.
CACHE_KEY_ROUNDS = 100000
MASK = REDACTED
_PREFIX_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)?$")
_VAR_RE = re.compile(r"[^A-Za-z0-9_]")


def make_unsafe(value):
    """``value`` (nested lists and dicts too) marked as never to be templated, on every core version."""
    if _wrap_var is None:
        return value
    return _wrap_var(value)


def url_secrets(url):
    """The user name and password of ``user:pass@`` in ``url``, decoded (empty list when there are none)."""
    return url_credentials(str(url or ""))


def scrub(text, secrets):
    """``text`` with every secret of ``secrets`` (their URL-encoded forms too), every secret registered with the
    transport and every ``user:pass@`` of a URL replaced by ``********`` (the transport's ``scrub``)."""
    return _scrub(str(text), [str(s) for s in secrets if s is not None])


def cache_digest(credential, scope):
    """A keyed digest of ``credential`` for ``scope`` (PBKDF2-HMAC-SHA256; never the credential itself)."""
    salt = ("vmops.cloud inventory cache %d\0%s" % (CACHE_FORMAT, scope)).encode("utf-8")
    return hashlib.pbkdf2_hmac("sha256", str(credential or "").encode("utf-8"), salt, CACHE_KEY_ROUNDS).hex()[:32]


def group_name(*parts):
    """A group name made safe for Ansible from ``parts`` joined by ``_``."""
    return to_safe_group_name("_".join(str(p) for p in parts), force=True, silent=True)


def unique_names(names, ids):
    """Host names made unique, in the same order.

    A name held by one record is kept; every record of a name held by several is named
    ``<name>_<first 8 characters of its id>`` (the full id if even that collides); a record without a
    name is named by its id.
    """
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    out = []
    used = set()
    for name, ident in zip(names, ids):
        ident = str(ident or "")
        if not name:
            chosen = ident
        elif counts[name] == 1:
            chosen = name
        else:
            chosen = "%s_%s" % (name, ident[:8])
        if chosen in used or not chosen:
            chosen = "%s_%s" % (name, ident) if name else ident
        used.add(chosen)
        out.append(chosen)
    return out


def is_template(text):
    return isinstance(text, str) and ("{{" in text or "{%" in text)


def name_value(value):
    """A host name candidate from a field value: a non-empty scalar as text, else ``None``."""
    if value is None or isinstance(value, (bool, dict, list, tuple)):
        return None
    text = str(value).strip()
    return text or None


class CloudInventory(BaseInventoryPlugin, Constructable, Cacheable):
    """The shared machinery; subclasses fill in the provider's parts (see the methods that raise)."""

    NAME = None
    # The group every host joins and the prefix of the default groups (``civo``, ``zomro``).
    PROVIDER = None
    # Fields never turned into host variables, nor cached (credentials, init scripts).
    HIDDEN_FIELDS = frozenset()
    # Fields of a record that name it in ``hostnames`` when no other entry gives a name.
    ID_FIELD = "id"

    # -- provider hooks ------------------------------------------------------

    def provider_settings(self):
        """The provider's settings (a dict); raise AnsibleParserError for bad options, before any request."""
        raise NotImplementedError

    def credential(self, settings):
        """The secret that selects the account (for the cache digest)."""
        raise NotImplementedError

    def secrets(self, settings):
        """Every secret to scrub from messages (the client's session ids included when it has some)."""
        raise NotImplementedError

    def cache_scope(self, settings):
        """A text naming everything besides the credential that shapes the cached listing."""
        raise NotImplementedError

    def fetch(self, settings):
        """The listing to cache: JSON-able, without hidden fields."""
        raise NotImplementedError

    def records(self, settings, listing):
        """The instances of ``listing`` to consider, in order, each a dict of API fields."""
        raise NotImplementedError

    def default_groups(self, record):
        """The default group names ``record`` joins (besides ``PROVIDER``)."""
        raise NotImplementedError

    def address(self, record, settings):
        """``ansible_host`` for ``record``, or ``None``."""
        raise NotImplementedError

    # -- options ---------------------------------------------------------------

    def verify_file(self, path):
        if not super(CloudInventory, self).verify_file(path):
            return False
        return path.endswith(("%s.yml" % self.PROVIDER, "%s.yaml" % self.PROVIDER))

    def fail(self, message):
        raise AnsibleParserError("%s inventory: %s" % (self.NAME, message))

    def templated(self, name):
        value = self.get_option(name)
        if isinstance(value, str) and self.templar.is_template(value):
            value = self.templar.template(value)
        return value

    def common_settings(self):
        prefix = self.get_option("hostvar_prefix") or ""
        if not _PREFIX_RE.match(prefix):
            self.fail("hostvar_prefix %r is not a valid variable name prefix" % str(prefix))
        hostnames = self.get_option("hostnames") or []
        for entry in hostnames:
            if not isinstance(entry, str) or not entry.strip():
                self.fail("hostnames must hold non-empty field names or templates, got %r" % (entry,))
        filters = self.get_option("filters") or []
        for entry in filters:
            if not isinstance(entry, str) or not entry.strip():
                self.fail("filters must hold non-empty conditions, got %r" % (entry,))
        # Kept as given (not stripped): on ansible-core 2.19+ a copy would lose the trust of the file's text.
        return dict(prefix=str(prefix), hostnames=list(hostnames), filters=list(filters))

    # -- listing and cache -------------------------------------------------------

    def cache_key(self, path, settings):
        scope = "%s\0%s" % (self.NAME, self.cache_scope(settings))
        return "%s_%s" % (self.get_cache_key(path), cache_digest(self.credential(settings), scope))

    def safe_fetch(self, settings):
        """``fetch`` with every failure turned into a message without a secret (and no traceback chain)."""
        for secret in self.secrets(settings):
            add_secret(secret)  # the transport scrubs every message it builds of them, too
        try:
            return self.fetch(settings)
        except AnsibleParserError as exc:
            message = scrub(str(exc), self.secrets(settings))
        except Exception as exc:  # every failure: its text may hold what the API echoed
            text = str(exc) or exc.__class__.__name__
            message = scrub("%s inventory: %s" % (self.NAME, text), self.secrets(settings))
        raise AnsibleParserError(message)

    def listing(self, path, settings, cache):
        use_cache = bool(self.get_option("cache"))
        key = self.cache_key(path, settings) if use_cache else None
        if use_cache and cache:
            try:
                cached = self._cache[key]
            except KeyError:
                cached = None
            if self.valid_listing(settings, cached):
                return cached
        listing = self.safe_fetch(settings)
        if use_cache:
            self._cache[key] = listing
        return listing

    def valid_listing(self, settings, listing):
        """True when a cached ``listing`` has the shape ``fetch`` returns (else it is fetched again)."""
        return isinstance(listing, dict)

    # -- building ------------------------------------------------------------------

    def host_vars(self, record, settings, var_names):
        prefix = settings["prefix"]
        hostvars = {}
        for field, value in record.items():
            if field in self.HIDDEN_FIELDS:
                continue
            var = var_names.get(field)
            if var is None:
                var = var_names[field] = prefix + _VAR_RE.sub("_", str(field))
            hostvars[var] = make_unsafe(value)
        address = self.address(record, settings)
        if address:
            hostvars["ansible_host"] = make_unsafe(address)
        return hostvars

    def passes_filters(self, filters, hostvars, ident, strict):
        for condition in filters:
            try:
                if not self._compose(condition, hostvars):
                    return False
            except Exception as exc:
                if strict:
                    raise AnsibleError("Could not evaluate filter %r for instance %s: %s" % (condition, ident, exc))
                return False
        return True

    def candidate_name(self, entries, record, hostvars, strict):
        """The first non-empty name ``entries`` give for ``record`` (``None`` if none does)."""
        for entry in entries:
            if is_template(entry):
                try:
                    self.templar.available_variables = hostvars
                    value = self.templar.template(entry)
                except Exception as exc:
                    if strict:
                        raise AnsibleError("Could not evaluate hostnames entry %r for instance %s: %s"
                                           % (entry, record.get(self.ID_FIELD), exc))
                    continue
            elif entry.strip() in record and entry.strip() not in self.HIDDEN_FIELDS:
                value = record[entry.strip()]
            else:
                value = hostvars.get(entry.strip())
            name = name_value(value)
            if name:
                return name
        return None

    def set_host_vars(self, name, hostvars):
        """Set every variable of ``hostvars`` on host ``name``.

        ``inventory.set_variable`` deep-copies and tags each value one by one, which is most of the
        time at 10,000 hosts.  The values here are fresh and marked unsafe, so they go straight into
        the host's variables when the host object allows it; otherwise through ``set_variable``.
        """
        host = self.inventory.get_host(name)
        host_vars = getattr(host, "vars", None)
        if isinstance(host_vars, dict):
            host_vars.update(hostvars)
            return
        for var, value in hostvars.items():
            self.inventory.set_variable(name, var, value)

    def parse(self, inventory, loader, path, cache=True):
        super(CloudInventory, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        settings = self.common_settings()
        settings.update(self.provider_settings())
        listing = self.listing(path, settings, cache)
        self.populate(self.records(settings, listing), settings)

    def populate(self, records, settings):
        strict = self.get_option("strict")
        compose = self.get_option("compose")
        groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")
        constructed = bool(compose or groups or keyed_groups)
        filters = settings["filters"]
        entries = settings["hostnames"]

        var_names = {}
        chosen = []
        for record in records:
            hostvars = self.host_vars(record, settings, var_names)
            ident = record.get(self.ID_FIELD)
            if filters and not self.passes_filters(filters, hostvars, ident, strict):
                continue
            chosen.append((record, hostvars, self.candidate_name(entries, record, hostvars, strict)))
        names = unique_names([c[2] for c in chosen], [c[0].get(self.ID_FIELD) for c in chosen])

        inv = self.inventory
        known_groups = {}

        def group(name):
            if name not in known_groups:
                known_groups[name] = inv.add_group(name)
            return known_groups[name]

        top = group(self.PROVIDER)
        for (record, hostvars, dummy), name in zip(chosen, names):
            name = make_unsafe(name)
            inv.add_host(name, group=top)
            self.set_host_vars(name, hostvars)
            for extra in self.default_groups(record):
                inv.add_child(group(extra), name)
            if constructed:
                self._set_composite_vars(compose, hostvars, name, strict=strict)
                self._add_host_to_composed_groups(groups, hostvars, name, strict=strict)
                self._add_host_to_keyed_groups(keyed_groups, hostvars, name, strict=strict)
