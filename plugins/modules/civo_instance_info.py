#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_instance_info
short_description: List Civo instances
version_added: 0.1.0
author: vmops.cloud maintainers (@vmops)
description:
  - Lists the Civo instances of the configured O(region), optionally filtered.
  - Every page of the list is read (one request for an account of up to thousands of instances);
    with O(id) a single instance is read with one request.
  - The instances' C(initial_password) is never returned.
extends_documentation_fragment:
  - vmops.cloud.civo
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  platform:
    platforms: posix
    details:
      - Runs where the task runs, usually the controller (C(localhost)), which needs HTTPS access to the API and
        the Python library C(requests).
  action_group:
    membership:
      - vmops.cloud.civo
options:
  id:
    description:
      - Only the instance with this id (UUID). An instance in another region is not found.
    type: str
  hostname:
    description:
      - Only instances with exactly this hostname.
    type: str
  tags:
    description:
      - Only instances that have every one of these tags.
    type: list
    elements: str
  status:
    description:
      - Only instances in this status, for example V(ACTIVE), V(SHUTOFF) or V(BUILDING) (case-insensitive).
    type: str
notes:
  - All filters must match. Without filters every instance of the region is returned.
  - This module never changes anything; it supports check mode.
seealso:
  - module: vmops.cloud.civo_instance
  - module: vmops.cloud.civo_instance_snapshot_info
  - module: vmops.cloud.civo_snapshot_info
"""

EXAMPLES = r"""
- name: List every instance of the region
  vmops.cloud.civo_instance_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
  register: all_instances

- name: Show their hostnames
  ansible.builtin.debug:
    msg: "{{ all_instances.instances | map(attribute='hostname') | list }}"

- name: Query with the credentials set once for the group
  module_defaults:
    group/vmops.cloud.civo:
      api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
      region: LON1
  block:
    - name: The running web servers of production
      vmops.cloud.civo_instance_info:
        tags: [web, production]
        status: ACTIVE
      register: web_servers

    - name: One instance by hostname
      vmops.cloud.civo_instance_info:
        hostname: web1.example.com
      register: web1
"""

RETURN = r"""
instances:
  description:
    - The matching instances as the Civo API describes them, without C(initial_password).
    - An empty list when nothing matches.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 779d651a-8e10-4019-9cc0-448451d16157
      name: web1-b775c2ea
      hostname: web1.example.com
      size: g3.small
      firewall_id: e9bcefa3-f942-43a3-98f5-354608f0d55e
      source_type: diskimage
      source_id: ubuntu-jammy
      network_id: 950c8a1c-79d5-4e57-925a-6e941ebec8a3
      initial_user: civo
      tags: [web, production]
      status: ACTIVE
      public_ip: 212.2.247.88
      private_ip: 192.168.1.2
      cpu_cores: 1
      ram_mb: 2048
      disk_gb: 25
"""

from ..module_utils.base import InfoModule, InvalidParameterError
from ..module_utils.civo import CIVO, is_uuid, strip_secrets


def matches(instance, hostname=None, tags=None, status=None):
    """True when the instance passes every given filter."""
    if hostname is not None and instance.get("hostname") != hostname:
        return False
    if tags and not set(tags).issubset(set(instance.get("tags") or [])):
        return False
    if status is not None and str(instance.get("status") or "").upper() != status.upper():
        return False
    return True


class CivoInstanceInfo(InfoModule):
    provider = CIVO
    argument_spec = dict(
        id=dict(type="str"),
        hostname=dict(type="str"),
        tags=dict(type="list", elements="str"),
        status=dict(type="str"),
    )

    def validate(self):
        p = self.params
        if p["id"] is not None and not is_uuid(p["id"]):
            raise InvalidParameterError("id must be a Civo instance id (a UUID), got %r" % p["id"][:80])
        for tag in p["tags"] or []:
            if not tag or any(c.isspace() for c in tag):
                raise InvalidParameterError("tags must be non-empty and contain no whitespace: %r" % tag)

    def gather(self):
        p = self.params
        if p["id"] is not None:
            found = self.client.get_instance(p["id"])
            candidates = [found] if found is not None else []
        else:
            # Civo filters by tags itself; every filter is applied here as well.
            candidates = self.client.list_instances(tags=p["tags"])
        instances = [strip_secrets(i) for i in candidates
                     if matches(i, hostname=p["hostname"], tags=p["tags"], status=p["status"])]
        return {"instances": instances}


def main():
    CivoInstanceInfo.main()


if __name__ == "__main__":
    main()
