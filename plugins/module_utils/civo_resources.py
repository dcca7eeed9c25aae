# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Civo's plain resources, described once: path, names, error codes, list shape.

A resource module and its ``_info`` module both start from the description::

    class CivoSshKey(SshKeys, ResourceModule): ...      # plugins/modules/civo_ssh_key.py
    class CivoSshKeyInfo(SshKeys, ResourceInfoModule): ...

so the facts of the API (``/v2/sshkeys``, ``database_ssh_key_not_found``...) have one home; the
sources of each are in ``tests/emulator/README.md`` and ``../shared/api-docs/civo-more.md``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .answers import expect_list
from .base import InvalidParameterError
from .civo import CIVO
from .resource import ResourceApi


class CivoApi(ResourceApi):
    """A Civo ``/v2`` resource: the credentials and client of the Civo provider."""

    provider = CIVO

    def collection_path(self):
        return "/v2/" + self.path

    def scope(self, query, body):
        """``region`` in the query, and in the body of a PUT or POST."""
        query.setdefault("region", self.client.region)
        if body is not None:
            body.setdefault("region", self.client.region)


class SshKeys(CivoApi):
    path, what, resource_key, list_key = "sshkeys", "SSH key", "ssh_key", "ssh_keys"
    absent_codes = ("database_ssh_key_not_found",)
    duplicate_codes = ("database_ssh_key_duplicate_name", "sshkey_duplicate")


class Networks(CivoApi):
    path, what, resource_key, list_key = "networks", "network", "network", "networks"
    name_key = name_option = "label"
    absent_codes = ("database_network_not_found",)
    duplicate_codes = ("database_network_duplicate_name",)


class Firewalls(CivoApi):
    path, what, resource_key, list_key = "firewalls", "firewall", "firewall", "firewalls"
    get_by_id = False  # civogo reads one firewall from the list
    absent_codes = ("database_firewall_not_found",)
    duplicate_codes = ("database_firewall_duplicate_name", "firewall_duplicate")


class ReservedIps(CivoApi):
    path, what, resource_key, list_key = "ips", "reserved IP", "reserved_ip", "reserved_ips"
    paged = True
    absent_codes = ("database_ip_not_found", "database_reserved_ip_not_found")


class Volumes(CivoApi):
    path, what, resource_key, list_key = "volumes", "volume", "volume", "volumes"
    absent_codes = ("database_volume_not_found",)
    duplicate_codes = ("database_volume_duplicate_name",)


class Snapshots(CivoApi):
    """Civo's legacy account snapshots, named and addressed by name (``PUT/DELETE /v2/snapshots/:name``)."""

    path, what, resource_key, list_key = "snapshots", "snapshot", "snapshot", "snapshots"
    path_key = "name"
    absent_codes = ("database_snapshot_not_found",)

    def list_all(self):
        return self.client.list_snapshots()  # says so when the account has no legacy snapshot API

    def snapshot_path(self, name):
        return self.client.path("snapshots", (name, "snapshot name"))

    def delete_object(self, name, params=None):
        self.client.delete_if_present(self.snapshot_path(name))


class Sizes(CivoApi):
    path, what, list_key = "sizes", "size", "sizes"


class DiskImages(CivoApi):
    path, what, list_key = "disk_images", "disk image", "disk_images"
    absent_codes = ("database_disk_image_not_found",)


class Regions(CivoApi):
    path, what, list_key = "regions", "region", "regions"


def network_id(module, value, current=None):
    """``Field.resolve`` for a Civo network given by id or label (no request when it is ``current``)."""
    if value == current:
        return value
    nets = module.api("GET", "/v2/networks", check=expect_list)
    found = [n for n in nets if value in (n.get("id"), n.get("label"))]
    if len(found) != 1:
        raise InvalidParameterError("network %r is not one network of region %s; networks: %s" % (
            value, module.client.region, ", ".join(sorted(str(n.get("label")) for n in nets))))
    return found[0]["id"]


def default_network_id(module):
    """The id of the region's default network (one list request)."""
    nets = [n for n in module.api("GET", "/v2/networks", check=expect_list) if n.get("default")]
    if len(nets) != 1:
        raise InvalidParameterError("region %s has no single default network; give network" % module.client.region)
    return nets[0]["id"]
