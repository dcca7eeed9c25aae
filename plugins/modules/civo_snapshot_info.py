#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_snapshot_info
short_description: List Civo account snapshots
version_added: 0.1.0
author: vmops.cloud maintainers (@vmops)
description:
  - Lists the account snapshots of Civo (C(GET /v2/snapshots)), optionally only the one of a name or those of one instance.
  - Reads only; never changes anything.
  - C(/v2/snapshots) is Civo's legacy account snapshot API (the official Go client disabled it in 2021 and the CLI dropped
    it). On an account without it the module fails with a message that says so (code
    C(legacy_snapshot_api_unavailable)); use M(vmops.cloud.civo_instance_snapshot) for snapshots of an instance.
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
  name:
    description:
      - Return only the snapshot of this name.
    type: str
  instance:
    description:
      - Return only the snapshots of this instance, by id or by hostname.
      - An id is compared as it is (no further request); a hostname is looked up first, and one that no instance
        has gives an empty list.
    type: str
seealso:
  - module: vmops.cloud.civo_snapshot
  - module: vmops.cloud.civo_instance_snapshot_info
"""

EXAMPLES = r"""
- name: List every account snapshot
  vmops.cloud.civo_snapshot_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
  register: all_snapshots

- name: The snapshots of web1
  vmops.cloud.civo_snapshot_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    instance: web1.example.com
  register: web1_snapshots

- name: Show whether the weekly snapshot is complete
  vmops.cloud.civo_snapshot_info:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    name: web1-weekly
  register: weekly

- name: Print it
  ansible.builtin.debug:
    msg: "{{ weekly.snapshots | map(attribute='status') | list }}"
"""

RETURN = r"""
snapshots:
  description: The snapshots, as the API lists them (an empty list when none matches).
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Id of the snapshot.
      returned: when the API returns it
      type: str
      sample: 5f3a1c2e-2b8d-4b8e-9f1a-3c4d5e6f7a8b
    name:
      description: Name of the snapshot.
      returned: success
      type: str
      sample: web1-weekly
    instance_id:
      description: Id of the instance the snapshot is of.
      returned: success
      type: str
      sample: 44aab548-61ca-11e5-860e-5cf9389be614
    safe:
      description: Whether the instance is shut down while the snapshot is taken (the API may answer V(1)).
      returned: when the API returns it
      type: raw
      sample: false
    cron_timing:
      description: The schedule of a scheduled snapshot, else V(null).
      returned: when the API returns it
      type: str
      sample: "0 3 * * 1"
    status:
      description: V(new), V(in-progress) or V(complete).
      returned: when the API returns it
      type: str
      sample: in-progress
    state:
      description: The same as RV(snapshots[].status), in the API versions that use this name.
      returned: when the API returns it
      type: str
      sample: in-progress
    size_gb:
      description: Size of the snapshot in GB.
      returned: when the API returns it
      type: int
      sample: 20
    requested_at:
      description: When the snapshot was requested.
      returned: success
      type: str
      sample: "2015-09-20T19:31:36+00:00"
    completed_at:
      description: When the snapshot was completed, else V(null).
      returned: success
      type: str
      sample: null
  sample:
    - id: 5f3a1c2e-2b8d-4b8e-9f1a-3c4d5e6f7a8b
      name: web1-weekly
      instance_id: 44aab548-61ca-11e5-860e-5cf9389be614
      safe: false
      cron_timing: 0 3 * * 1
      status: in-progress
      state: in-progress
      size_gb: 20
      requested_at: '2015-09-20T19:31:36+00:00'
      completed_at: null
"""

from ..module_utils.civo import is_uuid
from ..module_utils.civo_resources import Snapshots
from ..module_utils.resource import ResourceInfoModule


class CivoSnapshotInfo(Snapshots, ResourceInfoModule):
    argument_spec = dict(name=dict(type="str"), instance=dict(type="str"))

    def instance_id(self):
        ref = self.params["instance"]
        if is_uuid(ref):
            return ref
        instance = self.client.find_instance(ref)
        return instance["id"] if instance else None

    def select(self, items):
        if self.params["instance"] is None or not items:
            return items
        wanted = self.instance_id()
        return [s for s in items if wanted is not None and s.get("instance_id") == wanted]


def main():
    CivoSnapshotInfo.main()


if __name__ == "__main__":
    main()
