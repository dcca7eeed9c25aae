# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: zomro
short_description: Zomro cloud instances as an Ansible inventory
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Builds an inventory of the Cloud VPS instances of one Zomro (BILLmanager) account.
  - "Reads its configuration from a YAML file whose name ends in C(zomro.yml) or C(zomro.yaml) and that holds
    C(plugin: vmops.cloud.zomro)."
  - "Costs one login (C(func=auth)) when O(username) and O(password) are given, then the instance list
    (C(func=instances), page by page). Requests are retried like in the modules of this collection
    (see O(api_retries)). With O(cache) on, a cache hit sends no request at all."
  - "Host names: see O(hostnames); by default the instance's C(servername) (else its C(name)). When several
    listed instances get the same name, each of them is named C(<name>_<first 8 characters of its id>) instead, so no instance hides
    another. An instance for which no entry of O(hostnames) gives a name is named by its id."
  - "Default groups (names made safe for Ansible, lower case): C(zomro) with every host,
    C(zomro_status_<instance status>) (for example C(zomro_status_active), C(zomro_status_stopped),
    C(zomro_status_rescued)) and C(zomro_datacenter_<data centre>) (for example C(zomro_datacenter_netherlands))."
  - "Host variables: every field of the instance as the API lists it (without BILLmanager's C({\"$\": ...})
    wrapping), each named O(hostvar_prefix) + field, for example C(zomro_id), C(zomro_servername), C(zomro_ip),
    C(zomro_datacentername). C(<prefix>instance_status) is the instance's state, trimmed and lower case (read from
    C(instance_status), or C(fotbo_status) on older panels); C(<prefix>status) is the billing status code."
  - "Values from the API are never templated: every host variable made from the API and the host name are
    marked unsafe, on every ansible-core version the collection supports."
  - "Errors never show the password, the session id (given or opened by the plugin) nor URL credentials:
    inventory plugins get no C(no_log) masking, so the plugin masks them itself, in text the API echoed too."
requirements:
  - requests
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description:
      - The name of this plugin; the inventory file is for this plugin only if this is set to V(vmops.cloud.zomro).
    type: str
    required: true
    choices:
      - vmops.cloud.zomro
  api_url:
    description:
      - URL of the Zomro (BILLmanager) API.
    type: str
    default: https://api.zomro.com/
    env:
      - name: ZOMRO_API_URL
  username:
    description:
      - Zomro account user name; the plugin logs in with C(func=auth) and uses the session it gets.
      - Required together with O(password), unless O(auth_token) is given.
      - May be a template.
    type: str
    env:
      - name: ZOMRO_USERNAME
  password:
    description:
      - Zomro account password. Never put in a host variable, the cache or an error message.
      - May be a template, for example V({{ lookup('ansible.builtin.env', 'MY_ZOMRO_PASSWORD'\) }}).
    type: str
    env:
      - name: ZOMRO_PASSWORD
  auth_token:
    description:
      - An existing Zomro session id, sent as C(auth). Never put in a host variable, the cache or an error message.
      - When the session has expired and O(username)/O(password) are given, the plugin logs in again once.
      - May be a template.
    type: str
    env:
      - name: ZOMRO_AUTH
  status:
    description:
      - Only instances in one of these states (C(instance_status)), for example V(active), V(stopped) or V(rescued)
        (case-insensitive).
      - When empty, instances in every state.
    type: list
    elements: str
    default: []
  connect_with:
    description:
      - What C(ansible_host) is set to.
      - V(ip) uses the instance's first IP address; an instance that has none (yet) gets no C(ansible_host).
      - V(servername) uses the instance's server name, which must resolve.
    type: str
    default: ip
    choices:
      - ip
      - servername
  hostnames:
    description:
      - How each host is named, as an ordered list; the first entry that gives a non-empty name wins (the convention
        of P(amazon.aws.aws_ec2#inventory)).
      - An entry is the name of an instance field as the API lists it (V(servername), V(name), V(id), V(ip)), the
        name of a host variable (V(zomro_servername)), or a Jinja2 template over the host variables, for example
        V({{ zomro_servername }}-{{ zomro_id }}).
      - When no entry gives a name, the instance is named by its id.
      - By default the server name, else the C(name) field (which older panels fill instead).
    type: list
    elements: str
    default:
      - servername
      - name
  filters:
    description:
      - Jinja2 conditions (without C({{ }})) over the host variables; an instance becomes a host only when it meets
        every one of them, for example V(zomro_datacentername == 'Netherlands').
      - They apply after O(status) and before O(hostnames), O(compose), O(groups) and O(keyed_groups); so they see
        the host variables from the API and C(ansible_host), not composed variables.
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
    default: zomro_
  api_timeout:
    description:
      - Seconds to wait for each API response before the request counts as failed.
    type: int
    default: 30
  api_retries:
    description:
      - How many times a failed read is retried, with capped exponential backoff and jitter.
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
  - "The cache key covers the inventory file, the API URL and the credentials (user name and password, or the
    session id): another account never reads this cache. The credentials enter only as a salted
    PBKDF2-HMAC-SHA256 digest, never themselves. O(status), O(filters), O(hostnames) and the constructed options
    apply to the cached listing on every run."
  - Run C(ansible-inventory --flush-cache) to refresh a cached inventory.
"""

EXAMPLES = r"""
# zomro.yml -- credentials from ZOMRO_USERNAME and ZOMRO_PASSWORD
plugin: vmops.cloud.zomro

---
# running.zomro.yml -- only running instances in the Netherlands, named by server name and id, cached 10 minutes
plugin: vmops.cloud.zomro
status:
  - active
filters:
  - zomro_datacentername == 'Netherlands'
hostnames:
  - "{{ zomro_servername }}-{{ zomro_id }}"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-zomro-inventory
cache_timeout: 600

---
# grouped.zomro.yml -- extra groups built from the host variables; the credentials of another
# account, from your own environment variables ZOMRO_PROD_USER and ZOMRO_PROD_PASSWORD
plugin: vmops.cloud.zomro
username: "{{ lookup('ansible.builtin.env', 'ZOMRO_PROD_USER') }}"
password: "{{ lookup('ansible.builtin.env', 'ZOMRO_PROD_PASSWORD') }}"
compose:
  ansible_user: "'root'"
keyed_groups:
  - key: zomro_pricelist
    prefix: plan
groups:
  rescue: zomro_instance_status in ['rescued', 'rescuing']
"""

import re

from ..module_utils.zomro import DEFAULT_API_URL, ZomroClient
from ..plugin_utils._inventory import (
    CloudInventory,
    group_name,
    url_secrets,
)

# Fields never turned into host variables (nor cached): none of the list's documented fields is a secret,
# these are left out should a panel ever answer them.
HIDDEN_FIELDS = frozenset(["password", "auth", "authinfo"])

_IP_SPLIT_RE = re.compile(r"[\s,;]+")


def instance_state(inst):
    """The instance's state, trimmed and lower case: ``instance_status``, else ``fotbo_status`` (older panels)."""
    for field in ("instance_status", "fotbo_status"):
        value = inst.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return ""


def public_fields(inst):
    """The instance as host variables see it: without hidden fields, ``instance_status`` normalised."""
    out = dict((k, v) for k, v in inst.items() if k not in HIDDEN_FIELDS)
    if "id" in out and out["id"] is not None:
        out["id"] = str(out["id"])
    out["instance_status"] = instance_state(inst)
    return out


def first_ip(value):
    """The first address of the ``ip`` field (which may list several)."""
    if not isinstance(value, str):
        return None
    for part in _IP_SPLIT_RE.split(value.strip()):
        if part:
            return part
    return None


class InventoryModule(CloudInventory):

    NAME = "vmops.cloud.zomro"
    PROVIDER = "zomro"
    HIDDEN_FIELDS = HIDDEN_FIELDS

    _client = None

    def provider_settings(self):
        username = self.templated("username")
        password = self.templated("password")
        auth_token = self.templated("auth_token")
        if not auth_token and not (username and password):
            self.fail("credentials are missing: set username and password (or ZOMRO_USERNAME and ZOMRO_PASSWORD), "
                      "or auth_token (ZOMRO_AUTH), in the inventory file or the environment")
        return dict(
            api_url=str(self.templated("api_url") or DEFAULT_API_URL),
            username=str(username) if username else None,
            password=str(password) if password else None,
            auth_token=str(auth_token) if auth_token else None,
            api_timeout=self.get_option("api_timeout"),
            api_retries=self.get_option("api_retries"),
            validate_certs=self.get_option("validate_certs"),
            status=set(str(s).strip().lower() for s in (self.get_option("status") or [])),
            connect_with=self.get_option("connect_with"),
        )

    def credential(self, settings):
        return "\0".join([settings.get("username") or "", settings.get("password") or "",
                          settings.get("auth_token") or ""])

    def secrets(self, settings):
        found = [settings.get("password"), settings.get("auth_token")] + url_secrets(settings.get("api_url"))
        client = self._client
        if client is not None:
            found.append(getattr(client, "session_id", None))
            found.extend(getattr(client, "secrets", None) or [])
        return found

    def cache_scope(self, settings):
        return settings["api_url"].rstrip("/")

    def fetch(self, settings):
        """``{"instances": [instance without hidden fields, ...]}``."""
        self._client = ZomroClient(api_url=settings["api_url"], username=settings["username"],
                                   password=settings["password"], auth_token=settings["auth_token"],
                                   api_timeout=settings["api_timeout"], api_retries=settings["api_retries"],
                                   validate_certs=settings["validate_certs"])
        return {"instances": [public_fields(inst) for inst in self._client.list_instances()
                              if isinstance(inst, dict)]}

    def valid_listing(self, settings, listing):
        return isinstance(listing, dict) and isinstance(listing.get("instances"), list)

    def records(self, settings, listing):
        want = settings["status"]
        for inst in listing.get("instances") or []:
            if isinstance(inst, dict) and (not want or inst.get("instance_status") in want):
                yield inst

    def default_groups(self, record):
        out = []
        if record.get("instance_status"):
            out.append(group_name("zomro", "status", record["instance_status"]))
        datacenter = record.get("datacentername")
        if isinstance(datacenter, str) and datacenter.strip():
            out.append(group_name("zomro", "datacenter", datacenter.strip().lower()))
        return out

    def address(self, record, settings):
        if settings["connect_with"] == "servername":
            return record.get("servername")
        return first_ip(record.get("ip"))
