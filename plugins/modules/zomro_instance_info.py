#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: zomro_instance_info
short_description: List Zomro Cloud VPS instances and the rescue images offered for one
version_added: 0.1.0
description:
  - Lists the instances of a Zomro (BILLmanager) account with their id, server name, service status, rescue status
    and IP address, or only the one given by O(instance).
  - With O(rescue_images=true), also lists the rescue images that the rescue preview offers for that instance.
  - Never changes anything.
author: vmops.cloud maintainers (@vmops)
options:
  instance:
    description:
      - Only this instance, by its id (C(elid)) or by its server name.
      - When no instance matches, RV(instances) is empty (and the module fails if O(rescue_images=true)).
    type: str
  rescue_images:
    description:
      - Also return the rescue images the rescue preview offers for O(instance) (one more request).
    type: bool
    default: false
extends_documentation_fragment:
  - vmops.cloud.zomro
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
      - vmops.cloud.zomro
notes:
  - Requests per run, 1 (the instance list), plus 1 (the rescue preview) with O(rescue_images=true). Logging in
    with O(username) and O(password) adds one C(func=auth) request, unless a valid O(auth_token) is given too.
    Every page of the instance list is read (C(p_cnt), C(p_num)), one more request per 1000 instances.
seealso:
  - module: vmops.cloud.zomro_instance
  - module: vmops.cloud.zomro_rescue
"""

EXAMPLES = r"""
- name: List all instances of the account
  vmops.cloud.zomro_instance_info:
    username: "{{ lookup('ansible.builtin.env', 'ZOMRO_USERNAME') }}"
    password: "{{ lookup('ansible.builtin.env', 'ZOMRO_PASSWORD') }}"
  register: zomro

- name: Show the instances in rescue mode
  ansible.builtin.debug:
    msg: "{{ zomro.instances | selectattr('rescue_status', 'equalto', 'rescued') | map(attribute='name') | list }}"

# O(auth_token) takes a session id instead of a user name and password: log in once with BILLmanager's
# func=auth (the session id is doc.auth.$id of the answer, valid about an hour while in use) and pass it
# to the following tasks. The login changes nothing, so it runs in check mode too.
- name: Log in once and keep the session id
  ansible.builtin.uri:
    url: "{{ lookup('ansible.builtin.env', 'ZOMRO_API_URL', default='https://api.zomro.com/') }}"
    method: POST
    body_format: form-urlencoded
    body:
      func: auth
      out: json
      username: "{{ lookup('ansible.builtin.env', 'ZOMRO_USERNAME') }}"
      password: "{{ lookup('ansible.builtin.env', 'ZOMRO_PASSWORD') }}"
  register: zomro_login
  no_log: true
  check_mode: false

- name: One instance and the rescue images offered for it
  vmops.cloud.zomro_instance_info:
    auth_token: "{{ zomro_login.json.doc.auth['$id'] }}"
    instance: vps-5203773.zomro.example
    rescue_images: true
  register: offer

- name: Show the UUID of the Ubuntu 22.04 rescue image
  ansible.builtin.debug:
    msg: "{{ (offer.rescue_images | selectattr('name', 'equalto', 'Ubuntu 22.04') | first).id }}"
"""

RETURN = r"""
instances:
  description: The instances (only the one matching O(instance) when given; empty when none matches).
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The instance id (C(elid)).
      returned: success
      type: str
      sample: "5203773"
    name:
      description: The server name.
      returned: success
      type: str
      sample: vps-5203773.zomro.example
    status:
      description:
        - The billing status of the service, C(item_status) (for example V(Active)); on panels without it, the
          BILLmanager status code C(status) (for example V(2), active service).
      returned: success
      type: str
      sample: Active
    state:
      description:
        - The instance state, C(instance_status) (or C(fotbo_status) on older panels) trimmed and in lower case,
          V(active), V(stopped), V(rescued), V(booted_from_iso), or a state in progress such as V(rescuing),
          V(unrescuing), V(starting), V(stopping).
      returned: success
      type: str
      sample: active
    rescue_status:
      description:
        - The same as C(state) (kept for compatibility).
      returned: success
      type: str
      sample: active
    ip:
      description: The main IP address.
      returned: success
      type: str
      sample: 185.117.152.17
  sample:
    - id: '5203773'
      name: vps-5203773.zomro.example
      status: Active
      state: active
      rescue_status: active
      ip: 185.117.152.17
rescue_images:
  description: The rescue images the preview offers for O(instance).
  returned: when O(rescue_images=true)
  type: list
  elements: dict
  contains:
    id:
      description: The image UUID, for O(vmops.cloud.zomro_rescue#module:image).
      returned: when O(rescue_images=true)
      type: str
      sample: f8f2573f-56c4-44c5-8469-84eee4aa64e7
    name:
      description: The OS name, as the preview lists it.
      returned: when O(rescue_images=true)
      type: str
      sample: Ubuntu 22.04
    image_name:
      description: The image name of an own image (the preview's C($name)); V(null) for public images.
      returned: when O(rescue_images=true)
      type: str
      sample: foo
    zone:
      description: The zone of the image, V(pub) (public), V(own) (the account's own images) or V(shr) (shared).
      returned: when O(rescue_images=true)
      type: str
      sample: pub
  sample:
    - id: f8f2573f-56c4-44c5-8469-84eee4aa64e7
      name: Ubuntu 22.04
      image_name: foo
      zone: pub
failure:
  description: On failure, the API's answer.
  returned: failure
  type: dict
  contains:
    status:
      description: HTTP status (Zomro answers errors with 200 and an error document).
      returned: failure
      type: int
    code:
      description: The error type (for example V(auth)) or a code of the module (V(instance_not_found)).
      returned: failure
      type: str
    reason:
      description: The error text.
      returned: failure
      type: str
    object:
      description: The object the API error refers to (for example V(badpassword), V(session)).
      returned: failure
      type: str
  sample:
    status: 200
    code: auth
    reason: Invalid username or password
    object: badpassword
"""

from ..module_utils.base import ApiError, InfoModule
from ..module_utils.zomro import ZOMRO, ZomroModuleMixin, check_instance_ref, instance_name, instance_not_found, instance_summary, rescue_image_summary


def select_instances(items, ref=None):
    """The instances matching ``ref`` (id first, then server name); all without ``ref``."""
    if ref is None:
        return items
    by_id = [i for i in items if str(i.get("id")) == ref]
    return by_id or [i for i in items if instance_name(i) == ref]


class ZomroInstanceInfo(ZomroModuleMixin, InfoModule):
    provider = ZOMRO
    argument_spec = dict(
        instance=dict(type="str"),
        rescue_images=dict(type="bool", default=False),
    )
    module_kwargs = dict(required_if=[["rescue_images", True, ["instance"]]])

    def validate(self):
        if self.params.get("instance") is not None:
            check_instance_ref(self.params["instance"])

    def gather(self):
        ref = self.params.get("instance")
        ref = ref.strip() if ref is not None else None
        found = select_instances(self.client.list_instances(), ref)
        result = {"instances": [instance_summary(i) for i in found]}
        if self.params["rescue_images"]:
            if not found:
                raise instance_not_found(ref)
            if len(found) > 1:
                raise ApiError("Zomro instance name %r is ambiguous (ids: %s); use the id"
                               % (ref, ", ".join(str(i.get("id")) for i in found)), code="ambiguous_name")
            images, dummy = self.client.rescue_images(found[0]["id"])
            result["rescue_images"] = [rescue_image_summary(i) for i in images]
        return result


def main():
    ZomroInstanceInfo.main()


if __name__ == "__main__":
    main()
