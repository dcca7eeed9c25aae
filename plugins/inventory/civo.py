# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: civo
short_description: Civo instances as an Ansible inventory
version_added: 0.1.0
author: vmops.cloud maintainers (@vmops)
description:
  - Builds an inventory of the Civo instances of one account, in one or several regions.
  - "Reads its configuration from a YAML file whose name ends in C(civo.yml) or C(civo.yaml) and that holds
    C(plugin: vmops.cloud.civo)."
  - Each region is listed with large pages (10,000 instances a request), so most accounts cost one request per
    region. Requests are retried like in the modules of this collection (see O(api_retries)).
  - With O(cache) on, a cache hit sends no request at all. The cache never holds the instances'
    C(initial_password).
  - "Host names: the instance's C(hostname). When several listed instances share a hostname (Civo allows it,
    within or across regions), each of them is named C(<hostname>_<first 8 characters of its id>) instead, so
    no instance hides another. An instance without a hostname is named by its id."
  - "Default groups (names made safe for Ansible, lower case except tags): C(civo) with every host,
    C(civo_region_<region>), C(civo_size_<size>), C(civo_status_<status>) and C(civo_tag_<tag>) for each of the
    instance's tags. For example C(civo_region_lon1), C(civo_size_g3_small), C(civo_status_active)."
  - "Host variables: every field of the instance as the API lists it, each named O(hostvar_prefix) + field
    (for example C(civo_id), C(civo_public_ip), C(civo_tags)), plus C(<prefix>region) (the region the instance
    was listed in). Never set: C(initial_password), C(civostatsd_token) (credentials) and C(user_script)
    (the user's cloud-init script, which often holds secrets)."
  - Values from the API are never templated.
requirements:
  - requests
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description:
      - The name of this plugin; the inventory file is for this plugin only if this is set to V(vmops.cloud.civo).
    type: str
    required: true
    choices:
      - vmops.cloud.civo
  api_key:
    description:
      - "Civo API key, sent as C(Authorization: bearer <key>)."
      - If not set, the value of the E(CIVO_TOKEN) environment variable is used, then E(CIVO_API_KEY).
      - May be a template, for example V({{ lookup('ansible.builtin.env', 'MY_CIVO_KEY'\) }}).
      - Never put in a host variable, the cache or an error message.
    type: str
    env:
      # Ansible lets the last variable set in this list win: CIVO_TOKEN over CIVO_API_KEY.
      - name: CIVO_API_KEY
      - name: CIVO_TOKEN
  api_url:
    description:
      - Base URL of the Civo API.
    type: str
    default: https://api.civo.com
    env:
      - name: CIVO_API_URL
  region:
    description:
      - The configured region, listed when O(regions) is empty.
    type: str
    default: LON1
    env:
      - name: CIVO_REGION
  regions:
    description:
      - Regions to list instances from, for example V(LON1), V(NYC1), V(FRA1) (case-insensitive).
      - Each region costs one request (or one per 10,000 instances).
      - When empty, the region of O(region) is listed.
    type: list
    elements: str
    default: []
  tags:
    description:
      - Only instances that carry every one of these tags.
    type: list
    elements: str
    default: []
  status:
    description:
      - Only instances in one of these statuses, for example V(ACTIVE) or V(SHUTOFF) (case-insensitive).
      - When empty, instances in every status.
    type: list
    elements: str
    default: []
  connect_with:
    description:
      - What C(ansible_host) is set to.
      - V(public_ip) and V(private_ip) use that address of the instance; an instance that has no such address
        (yet) gets no C(ansible_host).
      - V(hostname) uses the instance's hostname, which must resolve.
    type: str
    default: public_ip
    choices:
      - public_ip
      - private_ip
      - hostname
  hostvar_prefix:
    description:
      - Prefix of the host variables made from the instance fields.
      - Must be empty or a valid variable name start (letters, digits, underscores).
    type: str
    default: civo_
  api_timeout:
    description:
      - Seconds to wait for each API response before the request counts as failed.
    type: int
    default: 30
  api_retries:
    description:
      - How many times a failed request is retried (HTTP 429 honouring C(Retry-After), 500, 502, 503, 504,
        connection errors and timeouts), with capped exponential backoff and jitter.
    type: int
    default: 5
  validate_certs:
    description:
      - Verify the API's TLS certificate. Turn off only for a test endpoint.
    type: bool
    default: true
notes:
  - With O(cache) on, change O(cache_plugin) to a persistent one (for example V(ansible.builtin.jsonfile) with
    O(cache_connection)) to keep the cache between runs; the cache key covers the API URL, the regions and the
    tags, so changing them never reads another configuration's cache.
  - Run C(ansible-inventory --flush-cache) to refresh a cached inventory.
"""

EXAMPLES = r"""
# civo.yml -- the API key comes from the CIVO_TOKEN environment variable
plugin: vmops.cloud.civo

---
# prod.civo.yml -- two regions, only running production web servers, cached for 10 minutes
plugin: vmops.cloud.civo
regions:
  - LON1
  - FRA1
tags:
  - prod
  - web
status:
  - ACTIVE
connect_with: private_ip
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-civo-inventory
cache_timeout: 600

---
# grouped.civo.yml -- extra variables and groups built from the host variables
plugin: vmops.cloud.civo
api_key: "{{ lookup('ansible.builtin.env', 'CIVO_PROD_TOKEN') }}"
hostvar_prefix: civo_
compose:
  ansible_user: civo_initial_user
groups:
  big: civo_ram_mb >= 8192
keyed_groups:
  - key: civo_source_id
    prefix: image
  - key: civo_tags
    prefix: tagged
"""

import hashlib
import re

from ansible.errors import AnsibleParserError
from ansible.inventory.group import to_safe_group_name
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError
from ansible_collections.vmops.cloud.plugins.module_utils.civo import CivoClient, SECRET_FIELDS

# Fields never turned into host variables (nor cached): credentials and the user's init script.
HIDDEN_FIELDS = frozenset(tuple(SECRET_FIELDS) + ("civostatsd_token", "user_script", "script"))

_PREFIX_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)?$")
_VAR_RE = re.compile(r"[^A-Za-z0-9_]")
_CACHE_FORMAT = 1


def _group(*parts):
    return to_safe_group_name("_".join(parts), force=True, silent=True)


def host_names(instances):
    """Inventory host names for ``instances``, in the same order.

    The hostname when unique among ``instances``; for a hostname held by
    several instances, ``<hostname>_<first 8 chars of id>`` for each of them
    (the full id if even that collides); the id when there is no hostname.
    """
    counts = {}
    for inst in instances:
        name = inst.get("hostname") or ""
        counts[name] = counts.get(name, 0) + 1
    names = []
    used = set()
    for inst in instances:
        hostname = inst.get("hostname") or ""
        ident = str(inst.get("id") or "")
        if not hostname:
            name = ident
        elif counts[hostname] == 1:
            name = hostname
        else:
            name = "%s_%s" % (hostname, ident[:8])
        if name in used or not name:
            name = "%s_%s" % (hostname, ident) if hostname else ident
        used.add(name)
        names.append(name)
    return names


def matches(inst, want_tags, want_status):
    """True when ``inst`` carries every tag of ``want_tags`` and its status is in ``want_status`` (if any)."""
    if want_status and str(inst.get("status") or "").upper() not in want_status:
        return False
    if want_tags:
        have = inst.get("tags") or []
        if not want_tags.issubset(have):
            return False
    return True


def public_fields(inst, region):
    """The instance without its hidden fields; ``region`` filled in when the API leaves it out."""
    out = dict((k, v) for k, v in inst.items() if k not in HIDDEN_FIELDS)
    if not out.get("region"):
        out["region"] = region
    return out


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "vmops.cloud.civo"

    def verify_file(self, path):
        if not super(InventoryModule, self).verify_file(path):
            return False
        return path.endswith(("civo.yml", "civo.yaml"))

    # -- options -------------------------------------------------------------

    def _templated(self, name):
        value = self.get_option(name)
        if isinstance(value, str) and self.templar.is_template(value):
            value = self.templar.template(value)
        return value

    def _settings(self):
        api_key = self._templated("api_key")
        if not api_key:
            raise AnsibleParserError(
                "vmops.cloud.civo inventory: api_key is required: set it in the inventory file "
                "or the CIVO_TOKEN environment variable")
        prefix = self.get_option("hostvar_prefix") or ""
        if not _PREFIX_RE.match(prefix):
            raise AnsibleParserError("vmops.cloud.civo inventory: hostvar_prefix %r is not a valid variable name prefix"
                                     % str(prefix))
        region = self._templated("region") or "LON1"
        regions = []
        for value in self.get_option("regions") or [str(region)]:
            value = str(value or "").strip().upper()
            if not value:
                raise AnsibleParserError("vmops.cloud.civo inventory: regions must not hold an empty value")
            if value not in regions:
                regions.append(value)
        tags = [str(t) for t in (self.get_option("tags") or [])]
        if any(not t or " " in t for t in tags):
            raise AnsibleParserError("vmops.cloud.civo inventory: tags must be non-empty and hold no spaces")
        return dict(
            api_key=str(api_key),
            api_url=str(self._templated("api_url") or "https://api.civo.com"),
            api_timeout=self.get_option("api_timeout"),
            api_retries=self.get_option("api_retries"),
            validate_certs=self.get_option("validate_certs"),
            regions=regions,
            tags=tags,
            status=set(str(s).upper() for s in (self.get_option("status") or [])),
            connect_with=self.get_option("connect_with"),
            prefix=str(prefix),
        )

    # -- fetching ------------------------------------------------------------

    def _fetch(self, settings):
        """``{region: [instance without hidden fields, ...]}``, one listing per region."""
        result = {}
        try:
            client = None
            for region in settings["regions"]:
                if client is None:
                    client = CivoClient(api_key=settings["api_key"], api_url=settings["api_url"], region=region,
                                        api_timeout=settings["api_timeout"], api_retries=settings["api_retries"],
                                        validate_certs=settings["validate_certs"])
                client.region = region
                result[region] = [public_fields(inst, region)
                                  for inst in client.list_instances(tags=settings["tags"])
                                  if isinstance(inst, dict)]
        except ApiError as exc:
            raise AnsibleParserError("vmops.cloud.civo inventory: %s" % exc)
        return result

    def _cache_key(self, path, settings):
        # The API key is left out on purpose: no digest of a secret in a file name.
        scope = "|".join([settings["api_url"].rstrip("/"), ",".join(settings["regions"]),
                          " ".join(sorted(settings["tags"])), str(_CACHE_FORMAT)])
        return "%s_%s" % (self.get_cache_key(path), hashlib.sha256(scope.encode("utf-8")).hexdigest()[:12])

    def _listing(self, path, settings, cache):
        use_cache = bool(self.get_option("cache"))
        key = self._cache_key(path, settings)
        listing = None
        if use_cache and cache:
            try:
                cached = self._cache[key]
            except KeyError:
                cached = None
            if isinstance(cached, dict) and all(isinstance(cached.get(r), list) for r in settings["regions"]):
                listing = cached
        if listing is None:
            listing = self._fetch(settings)
            if use_cache:
                self._cache[key] = listing
        return listing

    # -- building ------------------------------------------------------------

    def _set_host_vars(self, name, hostvars):
        """Set every variable of ``hostvars`` on host ``name``.

        ``inventory.set_variable`` deep-copies and tags each value one by one,
        which is most of this plugin's time at 10,000 hosts.  The values here
        are fresh JSON scalars, lists and dicts (never templated: they carry no
        trust), so they go straight into the host's variables when the host
        object allows it; otherwise through ``set_variable``.
        """
        host = self.inventory.get_host(name)
        host_vars = getattr(host, "vars", None)
        if isinstance(host_vars, dict):
            host_vars.update(hostvars)
            return
        for var, value in hostvars.items():
            self.inventory.set_variable(name, var, value)

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        settings = self._settings()
        listing = self._listing(path, settings, cache)

        instances = []
        for region in settings["regions"]:
            instances.extend(listing.get(region) or [])
        names = host_names(instances)

        want_tags = set(settings["tags"])
        want_status = settings["status"]
        prefix = settings["prefix"]
        connect_with = settings["connect_with"]
        compose = self.get_option("compose")
        groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")
        strict = self.get_option("strict")
        constructed = bool(compose or groups or keyed_groups)

        inv = self.inventory
        var_names = {}
        known_groups = {}

        def group(name):
            if name not in known_groups:
                known_groups[name] = inv.add_group(name)
            return known_groups[name]

        top = inv.add_group("civo")
        for inst, name in zip(instances, names):
            if not matches(inst, want_tags, want_status):
                continue
            inv.add_host(name, group=top)
            hostvars = {}
            for field, value in inst.items():
                if field in HIDDEN_FIELDS:
                    continue
                var = var_names.get(field)
                if var is None:
                    var = var_names[field] = prefix + _VAR_RE.sub("_", str(field))
                hostvars[var] = value
            if connect_with == "hostname":
                address = inst.get("hostname")
            else:
                address = inst.get(connect_with)
            if address:
                hostvars["ansible_host"] = address
            self._set_host_vars(name, hostvars)

            for kind, value in (("region", inst.get("region")), ("size", inst.get("size")),
                                ("status", inst.get("status"))):
                if value:
                    inv.add_child(group(_group("civo", kind, str(value).lower())), name)
            for tag in inst.get("tags") or []:
                if tag:
                    inv.add_child(group(_group("civo", "tag", str(tag))), name)

            if constructed:
                self._set_composite_vars(compose, hostvars, name, strict=strict)
                self._add_host_to_composed_groups(groups, hostvars, name, strict=strict)
                self._add_host_to_keyed_groups(keyed_groups, hostvars, name, strict=strict)
