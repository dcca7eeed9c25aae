# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of the vmops.cloud.zomro inventory plugin (no network: the client is faked)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.utils.collection_loader import AnsibleCollectionConfig


def _collections_root():
    coll = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
    parent = os.path.dirname(os.path.dirname(coll))
    if os.path.basename(parent) == "ansible_collections":
        return os.path.dirname(parent)
    return os.path.join(coll, ".build", "collections")


if AnsibleCollectionConfig.collection_finder is None:  # plain pytest; ansible-test units has one already
    from ansible.plugins.loader import init_plugin_loader
    init_plugin_loader([_collections_root()])

from ansible.plugins.loader import inventory_loader  # noqa: E402

from ansible_collections.vmops.cloud.plugins.inventory import zomro as zomro_inv  # noqa: E402
from ansible_collections.vmops.cloud.plugins.module_utils.zomro import ZomroError  # noqa: E402
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeZomro  # noqa: E402


def elem(elid, servername, state="active", field="instance_status", ip="185.0.0.1", **extra):
    out = {"id": str(elid), "servername": servername, "status": "2", field: state, "ip": ip,
           "datacentername": "Netherlands", "pricelist": "Cloud VPS"}
    out.update(extra)
    return out


@pytest.fixture
def fake(monkeypatch):
    """The kit's FakeZomro, built by the plugin in place of ZomroClient: ``instances`` is what it lists."""
    client = FakeZomro()
    monkeypatch.setattr(zomro_inv, "ZomroClient", client.build)
    for name in ("ZOMRO_USERNAME", "ZOMRO_PASSWORD", "ZOMRO_AUTH", "ZOMRO_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return client


BASE = "plugin: vmops.cloud.zomro\nusername: demo\npassword: unit-pass-4242\napi_url: http://zomro.test/\n"


def run(tmp_path, config, name="test.zomro.yml"):
    path = tmp_path / name
    path.write_text(config)
    plugin = inventory_loader.get("vmops.cloud.zomro")
    assert plugin is not None and plugin.verify_file(str(path))
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), str(path), cache=False)
    return inventory


def groups_of(inv):
    return dict((name, sorted(h.name for h in g.get_hosts())) for name, g in inv.groups.items())


def test_parse_groups_by_state_and_data_centre(tmp_path, fake):
    fake.instances = [elem(1, "web1", "Active "), elem(2, "db1", "stopped", field="fotbo_status", ip=""),
                      elem(3, "r1", "rescued", datacentername="Germany"), elem(4, "", "active")]
    inv = run(tmp_path, BASE)
    groups = groups_of(inv)
    assert groups["zomro"] == ["4", "db1", "r1", "web1"]
    assert groups["zomro_status_active"] == ["4", "web1"]
    assert groups["zomro_status_stopped"] == ["db1"]
    assert groups["zomro_status_rescued"] == ["r1"]
    assert groups["zomro_datacenter_netherlands"] == ["4", "db1", "web1"]
    assert groups["zomro_datacenter_germany"] == ["r1"]
    hv = inv.get_host("web1").vars
    assert hv["zomro_instance_status"] == "active" and hv["zomro_status"] == "2"
    assert hv["ansible_host"] == "185.0.0.1" and hv["zomro_id"] == "1"
    assert "ansible_host" not in inv.get_host("db1").vars
    assert fake.created[0]["username"] == "demo" and fake.created[0]["password"] == "unit-pass-4242"
    assert fake.created[0]["api_url"] == "http://zomro.test/"


def test_parse_status_connect_with_prefix_and_ip_list(tmp_path, fake):
    fake.instances = [elem(1, "web1", ip="185.0.0.7, 185.0.0.8"), elem(2, "db1", "stopped")]
    inv = run(tmp_path, BASE + "status: [ACTIVE]\nhostvar_prefix: z_\n")
    assert list(inv.hosts) == ["web1"]
    assert inv.get_host("web1").vars["ansible_host"] == "185.0.0.7"
    assert inv.get_host("web1").vars["z_servername"] == "web1"
    inv = run(tmp_path, BASE + "connect_with: servername\n")
    assert inv.get_host("db1").vars["ansible_host"] == "db1"


def test_parse_hostnames_filters_and_constructed(tmp_path, fake):
    fake.instances = [elem(1, "web1"), elem(2, "web1"), elem(3, "db1", "stopped")]
    cfg = BASE + ("hostnames:\n  - \"{{ zomro_servername }}-{{ zomro_id }}\"\n"
                  "filters:\n  - zomro_instance_status == 'active'\n"
                  "compose:\n  ansible_user: \"'root'\"\n"
                  "keyed_groups:\n  - key: zomro_servername\n    prefix: name\n")
    inv = run(tmp_path, cfg)
    assert sorted(inv.hosts) == ["web1-1", "web1-2"]
    assert inv.get_host("web1-1").vars["ansible_user"] == "root"
    assert groups_of(inv)["name_web1"] == ["web1-1", "web1-2"]
    # duplicate names get id suffixes
    inv = run(tmp_path, BASE)
    assert sorted(inv.hosts) == ["db1", "web1_1", "web1_2"]


def test_parse_credentials_from_environment_or_session(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("ZOMRO_USERNAME", "env-user")
    monkeypatch.setenv("ZOMRO_PASSWORD", "env-pass")
    monkeypatch.setenv("ZOMRO_API_URL", "http://env.test/")
    run(tmp_path, "plugin: vmops.cloud.zomro\n")
    assert (fake.created[-1]["username"], fake.created[-1]["password"], fake.created[-1]["api_url"]) == (
        "env-user", "env-pass", "http://env.test/")
    monkeypatch.delenv("ZOMRO_USERNAME")
    monkeypatch.delenv("ZOMRO_PASSWORD")
    monkeypatch.setenv("ZOMRO_AUTH", "sess-from-env")
    run(tmp_path, "plugin: vmops.cloud.zomro\n")
    assert fake.created[-1]["auth_token"] == "sess-from-env" and fake.created[-1]["password"] is None


def test_parse_without_credentials_fails_before_any_request(tmp_path, fake):
    with pytest.raises(AnsibleParserError, match="credentials are missing"):
        run(tmp_path, "plugin: vmops.cloud.zomro\nusername: only-user\n")
    assert fake.created == [] and fake.calls == []


def test_parse_error_masks_password_and_sessions(tmp_path, fake):
    fake.error = ZomroError("Zomro API instances failed [access]: denied for auth=opened-session-0123456789"
                            "&password=unit-pass-4242&given=given-session-55", error_type="access")
    with pytest.raises(AnsibleParserError) as info:
        run(tmp_path, BASE + "auth_token: given-session-55\n")
    text = str(info.value)
    assert "unit-pass-4242" not in text and "given-session-55" not in text
    assert "password=********" in text and "given=********" in text
    fake.error = ZomroError("denied for auth=opened-session-0123456789", error_type="access")
    with pytest.raises(AnsibleParserError) as info:
        run(tmp_path, BASE)
    assert "opened-session-0123456789" not in str(info.value) and "auth=********" in str(info.value)


def test_cache_key_depends_on_the_credentials(tmp_path, fake):
    path = tmp_path / "test.zomro.yml"
    path.write_text(BASE)
    plugin = inventory_loader.get("vmops.cloud.zomro")
    plugin.parse(InventoryData(), DataLoader(), str(path), cache=False)
    settings = plugin.common_settings()
    settings.update(plugin.provider_settings())
    key = plugin.cache_key(str(path), settings)
    assert "unit-pass-4242" not in key
    assert plugin.cache_key(str(path), dict(settings, password="other")) != key
    assert plugin.cache_key(str(path), dict(settings, username="other")) != key
    assert plugin.cache_key(str(path), dict(settings, api_url="http://other.test/")) != key
    assert plugin.cache_key(str(path), dict(settings, status={"active"}, filters=["x"])) == key


def test_helpers():
    assert zomro_inv.instance_state({"instance_status": " Active ", "fotbo_status": "stopped"}) == "active"
    assert zomro_inv.instance_state({"fotbo_status": "RESCUED"}) == "rescued"
    assert zomro_inv.instance_state({}) == ""
    assert zomro_inv.first_ip("1.2.3.4 5.6.7.8") == "1.2.3.4"
    assert zomro_inv.first_ip("") is None and zomro_inv.first_ip(None) is None
    out = zomro_inv.public_fields({"id": 5, "password": "x", "fotbo_status": "Active"})
    assert out == {"id": "5", "fotbo_status": "Active", "instance_status": "active"}


def test_verify_file_names(tmp_path):
    plugin = inventory_loader.get("vmops.cloud.zomro")
    for name, wanted in (("zomro.yml", True), ("prod.zomro.yaml", True), ("x.civo.yml", False)):
        path = tmp_path / name
        path.write_text(BASE)
        assert bool(plugin.verify_file(str(path))) is wanted, name


def test_parse_default_hostnames_fall_back_to_name_then_id(tmp_path, fake):
    fake.instances = [elem(1, "", name="label-1"), elem(2, None), elem(3, "srv-3", name="label-3")]
    inv = run(tmp_path, BASE)
    assert sorted(inv.hosts) == ["2", "label-1", "srv-3"]
