#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: civo_instance
short_description: Create, update, start, stop, restart and delete Civo instances
version_added: 0.1.0
author: vmops.cloud maintainers (@vmops)
description:
  - Manages one Civo instance, identified by O(id) or by O(hostname) within the configured O(region).
  - Creates the instance when it is missing (O(state=present)), deletes it (O(state=absent)), starts,
    stops or restarts it.
  - Changes what Civo can change in place on an existing instance (tags, size upward, firewall, and with
    C(PUT /v2/instances/:id) the hostname, reverse DNS and notes) and refuses, naming the attributes, any
    requested change Civo cannot make in place, unless O(recreate=true) asks to replace the instance.
  - A create whose answer was lost (the connection dropped after Civo applied it) never creates a second
    instance; the module looks the hostname up before it sends the create again, and adopts what it finds.
  - Requests are kept to a minimum; a run that changes nothing costs one request when the instance is
    given by O(id), and one list request (whatever the number of instances, up to thousands) when it is
    given by O(hostname). Names (images, networks, firewalls, SSH keys, sizes) are only looked up when a
    plan needs them.
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
  id:
    description:
      - The id (UUID) of the instance.
      - Takes precedence over O(hostname) to identify the instance. An instance with this id in another
        region than O(region) is not found (Civo scopes instances by region).
      - When both are given and the instance's hostname differs from O(hostname), the instance is renamed in
        place (C(PUT /v2/instances/:id)); with O(state=absent) the module fails instead of deleting it.
      - One of O(id) and O(hostname) is required.
    type: str
  hostname:
    description:
      - The hostname of the instance (a fully qualified domain name).
      - Identifies the instance within the region when O(id) is not given; when several instances of the
        region have this hostname, the module fails and lists their ids (use O(id) then).
      - Required to create an instance.
    type: str
  state:
    description:
      - V(present) makes sure the instance exists. A missing instance is created and, with O(wait=true), is
        V(ACTIVE) when the module returns. The power state of an existing instance is not changed.
      - V(absent) deletes the instance; with O(wait=true) the module returns once Civo no longer finds it.
      - V(started) and V(stopped) make sure the existing instance is V(ACTIVE) or V(SHUTOFF).
      - V(restarted) reboots the instance (see O(reboot_type)) and always reports a change; a stopped
        instance is started instead.
      - V(started), V(stopped) and V(restarted) fail when the instance does not exist; use V(present) to
        create it.
    type: str
    choices: [present, absent, started, stopped, restarted]
    default: present
  reboot_type:
    description:
      - How O(state=restarted) reboots an V(ACTIVE) instance. V(soft) asks the operating system to reboot,
        V(hard) resets the instance.
    type: str
    choices: [hard, soft]
    default: hard
  size:
    description:
      - The size of the instance, for example V(g3.small). Required to create an instance.
      - On an existing instance a different size resizes it. Civo only resizes upward (no fewer CPU cores,
        RAM or disk, and more of at least one); a smaller size fails before any change is sent, unless
        O(recreate=true) replaces the instance.
      - Resizing reboots the instance.
    type: str
  template_id:
    description:
      - The disk image to build the instance from, by id or by name (for example V(ubuntu-jammy)).
        Required to create an instance.
      - Cannot be changed on an existing instance; a different image fails (O(recreate=true) replaces the instance).
    type: str
  network_id:
    description:
      - The network of the instance, by id or label. The region's default network when not given.
      - Cannot be changed on an existing instance; a different network fails (O(recreate=true) replaces the instance).
    type: str
  firewall_id:
    description:
      - The firewall of the instance, by id or name (within the instance's network).
      - When not given at creation, Civo applies the network's default firewall.
      - On an existing instance a different firewall is set in place.
    type: str
  ssh_key_id:
    description:
      - The SSH key (id or name) installed for the initial user at creation.
      - Without it Civo sets a random password, returned once as RV(initial_password).
      - Cannot be changed on an existing instance; a different key fails (O(recreate=true) replaces the instance).
    type: str
  public_ip:
    description:
      - Whether Civo allocates a public IP address at creation (V(create)) or not (V(none)).
      - When not given, Civo's default V(create) applies.
      - Cannot be changed on an existing instance; V(create) on an instance without a public IP fails.
      - Civo gives the first instance of a network a public IP even with V(none) (terraform-provider-civo
        issue 357); such an instance is accepted with a warning, not refused.
    type: str
    choices: [create, none]
  initial_user:
    description:
      - The name of the initial user created at creation (Civo's default is the image's default user,
        else V(civo)).
      - Cannot be changed on an existing instance; a different user fails (O(recreate=true) replaces the instance).
    type: str
  reverse_dns:
    description:
      - The reverse DNS name of the instance's address, set at creation (Civo uses the hostname when not
        given).
      - On an existing instance a different value is set in place (C(PUT /v2/instances/:id)).
    type: str
  notes:
    description:
      - Free-text notes kept with the instance. On an existing instance a different value is set in place
        (C(PUT /v2/instances/:id)); V("") removes the notes. When not given, the notes are left as they are.
      - Civo has no create field for notes; at creation they are set right after the create request.
    type: str
  reserved_ipv4:
    description:
      - A reserved IP of the region (see M(vmops.cloud.civo_reserved_ip)), by id, name or address, that becomes
        the public address of the instance at creation. An unknown one fails before any change, naming the
        reserved IPs of the region; one assigned to another instance fails too.
      - On an existing instance that does not have it the module fails; assign it in place with
        M(vmops.cloud.civo_reserved_ip) (O(recreate=true) keeps the instance's reserved IP for the new one).
    type: str
  private_ipv4:
    description:
      - The private IPv4 address of the instance in its network, chosen at creation (Civo picks one when not
        given).
      - Cannot be changed on an existing instance; a different address fails (O(recreate=true) replaces the
        instance).
    type: str
  recreate:
    description:
      - When an option that Civo cannot change in place differs from the existing instance (O(template_id),
        O(network_id), O(ssh_key_id), O(initial_user), O(script), O(public_ip), O(private_ipv4), or a smaller
        O(size)), replace the instance. The module deletes it, waits until Civo no longer finds it, then creates it
        again with the requested options (options not given are taken from the old instance, its reserved IP
        included).
      - B(This destroys the instance's disk and everything on it.) Also lost are its public IP address
        (unless it is a reserved IP), its private address (unless O(private_ipv4) is given), its id and
        its snapshots; Civo sets a new initial password (returned as RV(initial_password)).
      - The new instance has a new id; a later run that gives the old O(id) does not find it (give O(hostname),
        or the id returned in RV(instance)).
      - Never the default. Without it such a difference fails with a message that names the options.
      - Check mode and C(--diff) show the deletion and the creation; no request that changes anything is sent.
    type: bool
    default: false
  script:
    description:
      - A script Civo runs as root at the end of the instance's first boot, set at creation.
      - Cannot be changed on an existing instance; a different script fails (O(recreate=true) replaces the instance). Civo answers the script
        base64-encoded in the instance's C(script) field; the module compares the decoded text.
      - Treated as a secret (it often holds credentials) everywhere, as the inventory does; it is not logged
        (not even in C(invocation) at C(-vvv)) and the module never returns it.
    type: str
  tags:
    description:
      - The tags of the instance. On an existing instance the tags are replaced by exactly this list
        (order does not matter); V([]) removes every tag.
      - When not given, the tags of an existing instance are left as they are.
      - A tag must not contain whitespace (Civo sends tags as one space-separated string).
    type: list
    elements: str
notes:
  - O(region) is part of an instance's identity; an instance in another region is "not found", so a
    changed region never moves an instance.
  - Check mode sends no request that changes anything; the plan is reported in RV(actions) and, with
    C(--diff), in the diff.
  - When one run makes several changes that need a settled instance (for example a resize, then a
    stop), the module waits between them, within O(wait_timeout), even with O(wait=false); O(wait=false)
    only skips waiting after the last request.
  - When a run starts while the instance is in a transitional state (V(BUILDING), V(STOPPING),
    V(REBOOTING)...) and O(wait=true), the module first waits for it to settle.
seealso:
  - module: vmops.cloud.civo_instance_info
  - module: vmops.cloud.civo_recovery
  - module: vmops.cloud.civo_instance_snapshot
  - module: vmops.cloud.civo_snapshot
  - module: vmops.cloud.civo_size_info
  - module: vmops.cloud.civo_disk_image_info
  - module: vmops.cloud.civo_reserved_ip
"""

EXAMPLES = r"""
- name: Create an instance (or make sure it exists) and wait until it is ACTIVE
  vmops.cloud.civo_instance:
    api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
    region: LON1
    hostname: web1.example.com
    size: g3.small
    template_id: ubuntu-jammy
    ssh_key_id: deploy-key
    firewall_id: default
    tags: [web, production]
  register: web1

# In check mode an instance that does not exist yet is not created, so web1.instance is null:
# the tasks that work on it are skipped then.
- name: Show the address of the new instance
  ansible.builtin.debug:
    msg: "web1 is at {{ web1.instance.public_ip }}"
  when: web1.instance is not none

- name: Manage the instance with the credentials set once for the group
  when: web1.instance is not none
  module_defaults:
    group/vmops.cloud.civo:
      api_key: "{{ lookup('ansible.builtin.env', 'CIVO_TOKEN') }}"
      region: LON1
  block:
    - name: Resize upward and retag an existing instance
      vmops.cloud.civo_instance:
        hostname: web1.example.com
        size: g3.medium
        tags: [web, production, resized]

    - name: Put the instance behind another firewall
      vmops.cloud.civo_instance:
        hostname: web1.example.com
        firewall_id: restrictive-firewall

    - name: Stop the instance
      vmops.cloud.civo_instance:
        hostname: web1.example.com
        state: stopped

    - name: Start it again
      vmops.cloud.civo_instance:
        hostname: web1.example.com
        state: started

    - name: Soft reboot, by id, without waiting
      vmops.cloud.civo_instance:
        id: "{{ web1.instance.id }}"
        state: restarted
        reboot_type: soft
        wait: false

    - name: Delete the instance
      vmops.cloud.civo_instance:
        hostname: web1.example.com
        state: absent

    - name: Reserve an IP address for the next instance
      vmops.cloud.civo_reserved_ip:
        name: app-ip

    - name: Create an instance with the reserved IP as its public address and a chosen private address
      vmops.cloud.civo_instance:
        hostname: app1.example.com
        size: g3.small
        template_id: ubuntu-jammy
        reserved_ipv4: app-ip
        private_ipv4: 192.168.1.50
        notes: Application server
      register: app1

    - name: Rename it and change its reverse DNS and notes in place (by id)
      vmops.cloud.civo_instance:
        id: "{{ app1.instance.id }}"
        hostname: app1.example.org
        reverse_dns: app1.example.org
        notes: Application server, renamed

    - name: Replace it by a Debian instance (destroys its disk; the reserved IP goes to the new instance)
      vmops.cloud.civo_instance:
        hostname: app1.example.org
        template_id: debian-11
        recreate: true
"""

RETURN = r"""
instance:
  description:
    - The instance as the Civo API describes it, after the changes (with O(wait=true), in its final state).
    - Never contains C(initial_password), C(script) (the user script) or other secrets.
    - V(null) when the instance does not exist (after O(state=absent), or a create in check mode).
  returned: always
  type: dict
  sample:
    id: 779d651a-8e10-4019-9cc0-448451d16157
    name: web1-b775c2ea
    hostname: web1.example.com
    account_id: 73993076-f1dc-4b53-88d8-158d97d7be92
    size: g3.small
    firewall_id: e9bcefa3-f942-43a3-98f5-354608f0d55e
    source_type: diskimage
    source_id: ubuntu-jammy
    network_id: 950c8a1c-79d5-4e57-925a-6e941ebec8a3
    initial_user: civo
    ssh_key_id: 21aa424f-13be-44db-a908-6d4625c7e4f4
    tags: [web, production]
    status: ACTIVE
    public_ip: 212.2.247.88
    private_ip: 192.168.1.2
    reverse_dns: ""
    cpu_cores: 1
    ram_mb: 2048
    disk_gb: 25
deleted_duplicate:
  description:
    - When another run created an instance with the same hostname at the same time, every run keeps the
      oldest (by C(created_at), then id) and the run whose instance lost deletes its own; this is the id of
      the instance this run created and deleted. RV(instance) is then the one kept.
  returned: when this run lost a race to create the instance
  type: str
  sample: 8a2b9f0c-1111-4222-8333-944455556666
initial_password:
  description:
    - The random password Civo set for the initial user.
    - Returned only by the run that created the instance, and only when no O(ssh_key_id) was given;
      Civo does not reveal it through this module again.
  returned: when the instance was created (or replaced, see O(recreate)) by this run and no ssh key was given
  type: str
  sample: pAsSw0rd-3xAmple
actions:
  description:
    - The changes made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: ["set tags to [web, production]", "resize from g3.small to g3.medium"]
diff:
  description:
    - Before and after of what the run changed (state, status, size, tags, firewall; hostname, reverse DNS and
      notes changed in place; with O(recreate), the options that made the replacement and C(replaced) set to V(true)).
  returned: when diff mode is enabled
  type: dict
  contains:
    before:
      description: The instance before the run.
      type: dict
      returned: success
    after:
      description: The instance after the run (in check mode, as it would be).
      type: dict
      returned: success
  sample:
    before: {state: present, hostname: web1.example.com, status: ACTIVE, size: g3.small, tags: [web]}
    after: {state: present, hostname: web1.example.com, status: ACTIVE, size: g3.medium, tags: [web]}
"""

from ..module_utils import civo_instance_spec as spec
from ..module_utils.base import InvalidParameterError, Plan, VmopsModule
from ..module_utils.civo import CIVO, is_in_progress, is_uuid, strip_secrets
from ..module_utils.civo_instance_plan import (
    ACTIVE,
    DELETING,
    SHUTOFF,
    conflicts_message,
    immutable_conflicts,
    pick_firewall,
    power_plan,
    public_ip_warning,
    same_tags,
    summary,
)
from ..module_utils.civo_power import PowerSteps

# Options that, when given, must not be empty.
NON_EMPTY = ("hostname", "size", "template_id", "network_id", "firewall_id", "ssh_key_id", "initial_user",
             "reserved_ipv4", "private_ipv4")


def check_text_options(p):
    """Refuse empty names, a hostname with whitespace and tags Civo cannot send (space-separated)."""
    for name in NON_EMPTY:
        if p.get(name) is not None and not p[name].strip():
            raise InvalidParameterError("%s must not be empty" % name)
    if p["hostname"] is not None and any(c.isspace() for c in p["hostname"]):
        raise InvalidParameterError("hostname must not contain whitespace: %r" % p["hostname"])
    for tag in p["tags"] or []:
        if not tag or any(c.isspace() for c in tag):
            raise InvalidParameterError("tags must be non-empty and contain no whitespace "
                                        "(Civo sends them space-separated): %r" % tag)


class CivoInstance(PowerSteps, VmopsModule):
    provider = CIVO
    resource_key = "instance"
    argument_spec = dict(
        id=dict(type="str"),
        hostname=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent", "started", "stopped", "restarted"]),
        reboot_type=dict(type="str", default="hard", choices=["hard", "soft"]),
        size=dict(type="str"),
        template_id=dict(type="str"),
        network_id=dict(type="str"),
        firewall_id=dict(type="str"),
        ssh_key_id=dict(type="str", no_log=False),
        public_ip=dict(type="str", choices=["create", "none"]),
        initial_user=dict(type="str"),
        reverse_dns=dict(type="str"),
        script=dict(type="str", no_log=True),
        tags=dict(type="list", elements="str"),
        notes=dict(type="str"),
        reserved_ipv4=dict(type="str"),
        private_ipv4=dict(type="str"),
        recreate=dict(type="bool", default=False),
    )
    module_kwargs = dict(required_one_of=[["id", "hostname"]])

    def __init__(self):
        super(CivoInstance, self).__init__()
        self.initial_password = None
        self.race_lost = None

    # -- input -----------------------------------------------------------

    def validate(self):
        p = self.params
        if p["id"] is None and p["hostname"] is None:
            # required_one_of counts an option given as null; a create for hostname None must not be planned.
            raise InvalidParameterError("one of id and hostname is required (both are null)")
        if p["id"] is not None and not is_uuid(p["id"]):
            raise InvalidParameterError("id must be a Civo instance id (a UUID), got %r" % p["id"][:80])
        check_text_options(p)
        if p["wait_timeout"] < 0:
            raise InvalidParameterError("wait_timeout must not be negative")

    # -- finding ---------------------------------------------------------

    def find(self):
        if self.params["id"]:
            current = self.client.get_instance(self.params["id"])
        else:
            current = self.client.find_instance_by_hostname(self.params["hostname"])
        if current is None:
            return None
        status = str(current.get("status") or "").upper()
        if self.params["state"] != "absent" and is_in_progress(status) and status != DELETING \
                and self.params["wait"] and not self.check_mode:
            # Plan on a settled instance (start/stop/resize need ACTIVE or SHUTOFF).
            current = self.settle(current)
        return current

    # -- planning --------------------------------------------------------

    # kind: (list, name fields, what messages call it)
    KINDS = {"image": ("disk_images", ("name",), "disk image"), "network": ("networks", ("label", "name"), "network"),
             "sshkey": ("sshkeys", ("name",), "SSH key"), "size": ("sizes", ("name",), "size")}

    def resolve(self, kind, value):
        path, name_keys, what = self.KINDS[kind]
        return self.client.resolve(path, value, name_keys=name_keys, what=what)

    def plan(self, current):
        state = self.params["state"]
        before = summary(current)
        if current is not None and str(current.get("status") or "").upper() == DELETING:
            current = None
        if state == "absent":
            if current is not None and self.params["id"] and self.params["hostname"] is not None \
                    and current.get("hostname") != self.params["hostname"]:
                raise InvalidParameterError(
                    "Instance %s has the hostname %r, not %r; refusing to delete it"
                    % (current.get("id"), current.get("hostname"), self.params["hostname"]))
            if current is None:
                return Plan(before=before)
            plan = Plan(before=before, after={"state": "absent"})
            plan.step("delete instance %s (%s)" % (current.get("hostname"), current.get("id")), self.delete)
            if self.params["wait"]:
                plan.step("wait for instance %s (%s) to be gone" % (current.get("hostname"), current.get("id")),
                          self.wait_deleted, current)
            return plan
        if current is None:
            return self.plan_create(before)
        return self.plan_update(Plan(before=before), current)

    def plan_create(self, before):
        p = self.params
        where = "id %s" % p["id"] if p["id"] else "hostname %r" % p["hostname"]
        if p["state"] != "present":
            raise InvalidParameterError("No instance with %s in region %s; state=%s needs an existing instance "
                                        "(use state=present to create it)" % (where, self.client.region, p["state"]))
        if p["id"]:
            raise InvalidParameterError(
                "No instance with id %s in region %s. Civo chooses the id of a new instance: to create one, "
                "give its hostname (and no id)" % (p["id"], self.client.region))
        missing = [name for name in ("size", "template_id") if not p[name]]
        if missing:
            raise InvalidParameterError("No instance with hostname %r in region %s; to create it, give %s"
                                        % (p["hostname"], self.client.region, " and ".join(missing)))
        body = spec.add_addresses(self.creation_body(), self.client, p)
        plan = Plan(before=before, after={
            "state": "present",
            "hostname": p["hostname"],
            "status": ACTIVE if p["wait"] else "BUILDING",
            "size": p["size"],
            "tags": list(p["tags"] or []),
            "firewall_id": body.get("firewall_id"),
        })
        plan.step("create instance %s (%s, %s)" % (p["hostname"], p["size"], p["template_id"]), self.create, body)
        if p["wait"]:
            plan.step("wait for instance %s to be ACTIVE" % p["hostname"], self.wait_created)
        spec.plan_notes_after_create(plan, self.client, p)
        return plan

    def creation_body(self, p=None):
        """The create request; every name or id is checked against the account's lists before any change.

        An unknown size, image, network, firewall or SSH key is refused here, naming the valid ones.
        """
        p = p or self.params
        if p["script"]:
            # The script is a secret: an error answer echoing it must not show it either.
            add_secret = getattr(getattr(self.client, "transport", None), "add_secret", None)
            if add_secret is not None:
                add_secret(p["script"])
        body = {"hostname": p["hostname"], "size": self.resolve("size", p["size"])["name"]}
        body["template_id"] = self.resolve("image", p["template_id"])["id"]
        if p["network_id"] is None:
            body["network_id"] = self.client.default_network()["id"]
        else:
            body["network_id"] = self.resolve("network", p["network_id"])["id"]
        if p["firewall_id"] is not None:
            body["firewall_id"] = pick_firewall(self.client.list_resource("firewalls"), p["firewall_id"],
                                                body["network_id"])["id"]
        if p["ssh_key_id"] is not None:
            body["ssh_key_id"] = self.resolve("sshkey", p["ssh_key_id"])["id"]
        body["public_ip"] = p["public_ip"] or "create"
        for name in ("initial_user", "reverse_dns", "script"):
            if p[name] is not None:
                body[name] = p[name]
        if p["tags"]:
            body["tags"] = " ".join(p["tags"])
        return body

    def plan_update(self, plan, current):
        p = self.params
        replacement, new_size = spec.triage(self, plan, current, immutable_conflicts(current, p, self.resolve),
                                            conflicts_message)
        if replacement is not None:
            return replacement
        warning = public_ip_warning(current, p)
        if warning:
            self.module.warn(warning)
        spec.plan_inplace(plan, self.client, current, p)

        # Firewall: compare ids; a name costs the firewall list only when it is not the current id.
        if p["firewall_id"] is not None and p["firewall_id"] != current.get("firewall_id"):
            fw = pick_firewall(self.client.list_resource("firewalls"), p["firewall_id"], current.get("network_id"))
            if fw["id"] != current.get("firewall_id"):
                plan.step("set firewall to %s (%s)" % (fw.get("name"), fw["id"]), self.set_firewall, fw["id"],
                          changes=dict(firewall_id=fw["id"]))

        if p["tags"] is not None and not same_tags(current.get("tags"), p["tags"]):
            tags = list(p["tags"])
            plan.step("set tags to [%s]" % ", ".join(tags), self.set_tags, tags, changes=dict(tags=tags))

        # Size: the sizes list is only needed when the size differs.
        if new_size is not None:
            size = new_size.get("name")
            plan.step("resize from %s to %s" % (current.get("size"), size), self.resize, size, changes=dict(size=size))

        action = power_plan(p["state"], current.get("status"), new_size is not None)
        if action is not None:
            description = {"reboot": "%s reboot instance" % p["reboot_type"]}.get(action, "%s instance" % action)
            plan.step(description, getattr(self, action), changes=dict(status=SHUTOFF if action == "stop" else ACTIVE))
        return plan

    # -- steps (each returns the new current object) ----------------------

    def create(self, current, body):
        """POST the instance (adopting it after a lost answer), then settle a race with other runs.

        Returns the create answer with ``initial_password`` (returned once by Civo) so that a later failure
        still reports it; the result strips every secret.
        """
        hostname = body["hostname"]

        def find():
            found = self.client.find_instances_by_hostname(hostname)
            return found[0] if found else None

        created, adopted = self.client.create_or_adopt(lambda: self.client.create_instance(body), find)
        self.initial_password = created.get("initial_password") or self.initial_password
        if adopted:
            self.module.warn("The answer to the create request was lost; adopted the instance %s it created"
                             % created.get("id"))
        kept = dict((k, v) for k, v in created.items() if k not in ("script", "user_script", "civostatsd_token"))
        if not adopted:
            kept = self.settle_race(kept)
        return kept

    def settle_race(self, created):
        """Concurrent runs that each created ``hostname`` keep one instance: the oldest (created_at, then id).

        The run whose instance loses deletes its own (never another run's) and reports it.
        """
        others = self.client.find_instances_by_hostname(created.get("hostname"))
        if not [i for i in others if i.get("id") != created.get("id")]:
            return created
        winner, message = self.client.settle_race(created, others, self.delete_own, "instance")
        if message is None:
            return created
        self.module.warn(message)
        self.race_lost = created.get("id")
        self.initial_password = None  # the password of the deleted instance is worthless
        return winner

    def delete_own(self, instance):
        self.client.delete_if_present(self.instance_path(instance))

    def wait_created(self, current):
        """Its own step: a failure here still reports the create (and its initial_password)."""
        if self.race_lost is not None:
            return self.follow_winner(current)
        found = self.finish(current, ACTIVE)
        # A racing run may have created its instance after our first look: look once more.
        found = self.settle_race(found)
        if self.race_lost is not None and str(found.get("status")).upper() != ACTIVE:
            found = self.follow_winner(found)
        return found

    def delete(self, current):
        # A DELETE repeated after its answer was lost finds the instance gone: that is the goal.
        self.client.delete_if_present(self.instance_path(current))
        return None

    def wait_deleted(self, dummy, instance):
        """Civo deletes asynchronously (DELETING, then gone)."""
        self.wait_for(self.fetch(instance["id"]), lambda i: i is None,
                      "instance %s (%s) to be deleted" % (instance.get("hostname"), instance["id"]))
        return None

    def set_tags(self, current, tags):
        self.client.put(self.instance_path(current, "tags"), data={"tags": " ".join(tags)})
        return dict(current, tags=tags)

    def set_firewall(self, current, firewall_id):
        answer = self.client.put(self.instance_path(current, "firewall"), data={"firewall_id": firewall_id})
        if isinstance(answer, dict) and answer.get("id") == current["id"]:
            return strip_secrets(answer)
        return dict(current, firewall_id=firewall_id)

    # -- result --------------------------------------------------------------

    def result(self, current, plan):
        result = {"instance": strip_secrets(current) if current is not None else None}
        if self.race_lost:
            result["deleted_duplicate"] = self.race_lost
        if self.initial_password:
            result["initial_password"] = self.initial_password
        return result


def main():
    CivoInstance.main()


if __name__ == "__main__":
    main()
