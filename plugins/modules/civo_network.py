#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_network
short_description: Create, rename or delete a Civo private network
version_added: 0.1.0
author: vmops.cloud contributors (@vmops)
description:
  - Manages the private networks of a Civo region (C(/v2/networks)), found by O(label) or O(id).
  - The CIDR of a network is set when it is created and cannot change; a different O(cidr_v4) is refused.
  - With O(id), a different O(label) renames the network in place. The nameservers are updated in place.
  - The default network of a region cannot be deleted; the module refuses before sending anything.
  - Civo deletes a network asynchronously (it shows C(Deleting) first); with O(wait=true) the module waits until
    it is gone.
  - A create whose answer was lost is never sent again blindly; the module looks for the network and adopts it.
extends_documentation_fragment:
  - vmops.cloud.civo
  - vmops.cloud.wait
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - No request that changes anything is sent; RV(actions) lists what would be done.
  diff_mode:
    support: full
  platform:
    platforms: posix
    details:
      - Runs where the task runs, usually the controller (C(localhost)), which needs HTTPS access to the API and
        the Python library C(requests).
  action_group:
    membership:
      - vmops.cloud.civo
options:
  label:
    description:
      - Label (name) of the network, unique in the region. Required to create one.
      - With O(id), the network is renamed to this label.
    type: str
    aliases: [name]
  id:
    description: Id of an existing network. A no-op by id costs one request.
    type: str
  cidr_v4:
    description:
      - The IPv4 range of a new network, for example V(10.20.0.0/24). Civo picks one when it is not given.
      - Cannot change once the network exists.
    type: str
  nameservers:
    description: Up to three IPv4 addresses of DNS servers for the network; updated in place.
    type: list
    elements: str
  state:
    description: V(present) creates the network if there is none of that label; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode sends no request that changes anything; C(--diff) shows the network before and after.
seealso:
  - module: vmops.cloud.civo_network_info
  - module: vmops.cloud.civo_firewall
  - module: vmops.cloud.civo_instance
"""

EXAMPLES = r"""
- name: A private network for the web tier
  vmops.cloud.civo_network:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    label: web-tier
    cidr_v4: 10.20.0.0/24
    nameservers: [1.1.1.1, 8.8.8.8]
  register: net

# In check mode a network that does not exist yet is not created (net.network is null): the tasks that
# work on it are skipped then.
- name: Rename it by id
  vmops.cloud.civo_network:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    id: "{{ net.network.id }}"
    label: web-tier-2
  when: net.network is not none

- name: Delete it and wait until it is gone
  vmops.cloud.civo_network:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    label: web-tier-2
    state: absent
  when: net.network is not none
"""

RETURN = r"""
network:
  description: The network as the API shows it after the run; V(null) when absent (in check mode, as it was found).
  returned: success
  type: dict
  sample: {"id": "a1b2...", "label": "web-tier", "name": "cust-web-tier-a1b2", "cidr": "10.20.0.0/24", "default": false,
           "status": "Active", "nameservers_v4": ["1.1.1.1", "8.8.8.8"]}
adopted:
  description: V(true) when the create's answer was lost (or another run created the label first) and the network was adopted.
  returned: success
  type: bool
  sample: false
duplicates_deleted:
  description: Ids of networks of the same label that this run had created and deleted because an older one existed.
  returned: when there were any
  type: list
  elements: str
  sample:
    - 0b0e8f36-5b8e-4e5b-9d0e-4b7c7e1a2f10
actions:
  description: The changes made (or, in check mode, that would be made).
  returned: always
  type: list
  elements: str
  sample: ["create network 'web-tier'"]
"""

import ipaddress

from ..module_utils.civo_resources import Networks
from ..module_utils.resource import (
    ApiError, Field, InvalidParameterError, ResourceModule, Update, resource_spec)


def cidr(value):
    return str(ipaddress.ip_network(value, strict=False)) if value else value


class CivoNetwork(Networks, ResourceModule):
    waits = True
    PUT = Update()
    fields = (
        Field("label", update=PUT),
        Field("cidr_v4", key="cidr", body="cidr_v4", immutable=True, normalize=cidr,
              hint="a network's range is set at create; make a new network"),
        Field("nameservers", key="nameservers_v4", update=PUT),
    )
    argument_spec = resource_spec(name="label", name_aliases=["name"], cidr_v4=dict(type="str"),
                                  nameservers=dict(type="list", elements="str"))

    def validate(self):
        super(CivoNetwork, self).validate()
        try:
            cidr(self.params["cidr_v4"])
            for server in self.params["nameservers"] or []:
                ipaddress.IPv4Address(server)
        except ValueError as exc:
            raise InvalidParameterError("cidr_v4 and nameservers must be IPv4 values: %s" % exc)
        if self.params["nameservers"] is not None and not 1 <= len(self.params["nameservers"]) <= 3:
            raise InvalidParameterError("nameservers must list one to three addresses")

    def check_delete(self, current):
        if current.get("default"):
            raise ApiError("%s is the default network of region %s; Civo cannot delete it"
                           % (self.label(current), self.client.region), code="network_delete_default",
                           reason="the default network cannot be deleted")

    def plan_delete(self, plan, current):
        if current.get("status") == "Deleting":
            return  # already on its way out
        plan.step("delete %s" % self.label(current), self.delete)
        if self.params["wait"]:
            plan.step("wait for %s to be gone" % self.label(current), self.wait_gone, current["id"])

    def wait_gone(self, current, network_id):
        self.wait_for(lambda: self.get(network_id), lambda net: net is None,
                      "network %s to be deleted" % network_id)


def main():
    CivoNetwork.main()


if __name__ == "__main__":
    main()
