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
  - With O(cache) on, a cache hit sends no request at all.
  - "Host names: see O(hostnames); by default the instance's C(hostname). When several listed instances get the
    same name (Civo allows duplicate hostnames, within or across regions), each of them is named
    C(<name>_<first 8 characters of its id>) instead, so no instance hides another. An instance for which no
    entry of O(hostnames) gives a name is named by its id."
  - "Default groups (names made safe for Ansible, lower case except tags): C(civo) with every host,
    C(civo_region_<region>), C(civo_size_<size>), C(civo_status_<status>) and C(civo_tag_<tag>) for each of the
    instance's tags. For example C(civo_region_lon1), C(civo_size_g3_small), C(civo_status_active)."
  - "Host variables: every field of the instance as the API lists it, each named O(hostvar_prefix) + field
    (for example C(civo_id), C(civo_public_ip), C(civo_tags)), plus C(<prefix>region) (the region the instance
    was listed in). Never set: C(initial_password), C(civostatsd_token) (credentials) and C(user_script)
    (the user's cloud-init script, which often holds secrets)."
  - "Values from the API are never templated: every host variable made from the API (tags, C(reverse_dns),
    C(notes), nested values too) and the host name are marked unsafe, on every ansible-core version the
    collection supports. A tag such as C({{ lookup('pipe', 'id'\\) }}) stays that text."
  - "Errors never show the API key (nor URL credentials): inventory plugins get no C(no_log) masking, so the
    plugin masks them itself, in text the API echoed too."
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
  hostnames:
    description:
      - How each host is named, as an ordered list; the first entry that gives a non-empty name wins (the convention
        of P(amazon.aws.aws_ec2#inventory)).
      - An entry is the name of an instance field as the API lists it (V(hostname), V(name), V(id), V(public_ip),
        V(private_ip), V(reverse_dns), ...), the name of a host variable (V(civo_name)), or a Jinja2 template over
        the host variables, for example V({{ civo_name }}.{{ civo_region | lower }}).
      - When no entry gives a name, the instance is named by its id. Duplicate names get short id suffixes (see the
        description).
    type: list
    elements: str
    default:
      - hostname
  filters:
    description:
      - Jinja2 conditions (without C({{ }})) over the host variables; an instance becomes a host only when it meets
        every one of them, for example V(civo_ram_mb >= 4096) or V('web' in civo_tags).
      - They apply after O(tags) and O(status) (which the API or the plugin apply first) and before O(hostnames),
        O(compose), O(groups) and O(keyed_groups); so they see the host variables from the API and C(ansible_host),
        not composed variables.
      - A condition that fails to evaluate leaves the instance out, or is an error when O(strict) is on.
      - With O(cache) on they apply to the cached listing, so changing them needs no new request.
    type: list
    elements: str
    default: []
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
    O(cache_connection)) to keep the cache between runs.
  - "The cache key covers the inventory file, the API URL, the regions, the tags and the API key: another key (another
    account), URL or scope never reads this cache. The key enters only as a salted PBKDF2-HMAC-SHA256 digest, never
    itself. O(status), O(filters), O(hostnames) and the constructed options apply to the cached listing on every run."
  - The cache never holds C(initial_password), C(civostatsd_token) nor C(user_script).
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
# grouped.civo.yml -- extra variables and groups built from the host variables; the API key of
# another account, from your own environment variable CIVO_PROD_TOKEN
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

---
# named.civo.yml -- hosts named by reverse DNS when set, else by hostname; only big instances with a public address
plugin: vmops.cloud.civo
hostnames:
  - reverse_dns
  - "{{ civo_hostname | lower }}"
filters:
  - civo_ram_mb >= 4096
  - civo_public_ip is truthy
"""


from ..module_utils.civo import DEFAULT_API_URL, DEFAULT_REGION, CivoClient, SECRET_FIELDS
from ..plugin_utils._inventory import (
    CloudInventory,
    group_name,
    unique_names,
    url_secrets,
)

# Fields never turned into host variables (nor cached): the client's secret fields (credentials, the
# stats agent's token and the user's init script, ``script``/``user_script``).
HIDDEN_FIELDS = frozenset(SECRET_FIELDS)


def host_names(instances):
    """Default inventory host names for ``instances``, in the same order (see ``unique_names``)."""
    return unique_names([inst.get("hostname") or "" for inst in instances], [inst.get("id") for inst in instances])


def matches(inst, want_tags, want_status):
    """True when ``inst`` carries every tag of ``want_tags`` and its status is in ``want_status`` (if any)."""
    if want_status and str(inst.get("status") or "").upper() not in want_status:
        return False
    if want_tags:
        have = inst.get("tags") or []
        if not isinstance(have, list) or not want_tags.issubset(have):
            return False
    return True


def public_fields(inst, region):
    """The instance without its hidden fields; ``region`` filled in when the API leaves it out."""
    out = dict((k, v) for k, v in inst.items() if k not in HIDDEN_FIELDS)
    if not out.get("region"):
        out["region"] = region
    return out


class InventoryModule(CloudInventory):

    NAME = "vmops.cloud.civo"
    PROVIDER = "civo"
    HIDDEN_FIELDS = HIDDEN_FIELDS

    def provider_settings(self):
        api_key = self.templated("api_key")
        if not api_key:
            self.fail("api_key is required: set it in the inventory file or the CIVO_TOKEN environment variable")
        region = self.templated("region") or DEFAULT_REGION
        regions = self.region_list(self.get_option("regions") or [str(region)])
        tags = [str(t) for t in (self.get_option("tags") or [])]
        if any(not t or " " in t for t in tags):
            self.fail("tags must be non-empty and hold no spaces")
        return dict(
            api_key=str(api_key),
            api_url=str(self.templated("api_url") or DEFAULT_API_URL),
            api_timeout=self.get_option("api_timeout"),
            api_retries=self.get_option("api_retries"),
            validate_certs=self.get_option("validate_certs"),
            regions=regions,
            tags=tags,
            status=set(str(s).upper() for s in (self.get_option("status") or [])),
            connect_with=self.get_option("connect_with"),
        )

    def region_list(self, values):
        """The regions, upper case, each once; an empty one fails."""
        regions = []
        for value in values:
            value = str(value or "").strip().upper()
            if not value:
                self.fail("regions must not hold an empty value")
            if value not in regions:
                regions.append(value)
        return regions

    def credential(self, settings):
        return settings["api_key"]

    def secrets(self, settings):
        return [settings.get("api_key")] + url_secrets(settings.get("api_url"))

    def cache_scope(self, settings):
        # What the listing depends on besides the key; hostnames, filters, status and the constructed
        # options apply to the cached listing on every run.
        return "|".join([settings["api_url"].rstrip("/"), ",".join(settings["regions"]),
                         " ".join(sorted(settings["tags"]))])

    def fetch(self, settings):
        """``{region: [instance without hidden fields, ...]}``, one listing per region."""
        result = {}
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
        return result

    def valid_listing(self, settings, listing):
        return isinstance(listing, dict) and all(isinstance(listing.get(r), list) for r in settings["regions"])

    def records(self, settings, listing):
        want_tags = set(settings["tags"])
        want_status = settings["status"]
        for region in settings["regions"]:
            for inst in listing.get(region) or []:
                if isinstance(inst, dict) and matches(inst, want_tags, want_status):
                    yield inst

    def default_groups(self, record):
        out = []
        for kind in ("region", "size", "status"):
            value = record.get(kind)
            if value:
                out.append(group_name("civo", kind, str(value).lower()))
        tags = record.get("tags") or []
        for tag in tags if isinstance(tags, list) else []:
            if tag:
                out.append(group_name("civo", "tag", str(tag)))
        return out

    def address(self, record, settings):
        connect_with = settings["connect_with"]
        if connect_with == "hostname":
            return record.get("hostname")
        return record.get(connect_with)
