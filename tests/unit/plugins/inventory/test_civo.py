# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Unit tests of the vmops.cloud.civo inventory plugin (no network: the client is faked)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, inventory_loader
from ansible.utils.collection_loader import AnsibleCollectionConfig


def _collections_root():
    """The directory holding ``ansible_collections`` for this checkout or copy."""
    # tests/unit/plugins/inventory/test_civo.py -> the collection root
    coll = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
    parent = os.path.dirname(os.path.dirname(coll))
    if os.path.basename(parent) == "ansible_collections":
        return os.path.dirname(parent)
    return os.path.join(coll, ".build", "collections")


if AnsibleCollectionConfig.collection_finder is None:  # plain pytest; ansible-test units has one already
    init_plugin_loader([_collections_root()])

from ansible_collections.vmops.cloud.plugins.inventory import civo as civo_inv  # noqa: E402
from ansible_collections.vmops.cloud.plugins.module_utils._http import ApiError  # noqa: E402
from ansible_collections.vmops.cloud.tests.unit.plugins.module_utils._fake import FakeCivo  # noqa: E402


def instance(ident, hostname, region="LON1", status="ACTIVE", tags=(), size="g3.small", **extra):
    inst = {
        "id": ident,
        "hostname": hostname,
        "name": hostname.split(".")[0] if hostname else "x",
        "size": size,
        "status": status,
        "tags": list(tags),
        "public_ip": "212.2.0.%d" % (len(ident) % 250),
        "private_ip": "192.168.1.%d" % (len(ident) % 250),
        "region": region,
        "initial_password": "s3cret-pass",
        "civostatsd_token": "stats-token",
        "user_script": "c2VjcmV0",
        "ram_mb": 2048,
    }
    inst.update(extra)
    return inst


@pytest.fixture
def fake(monkeypatch):
    """The kit's FakeCivo, built by the plugin in place of CivoClient: ``regions`` holds each region's instances."""
    client = FakeCivo()
    monkeypatch.setattr(civo_inv, "CivoClient", client.build)
    for name in ("CIVO_TOKEN", "CIVO_API_KEY", "CIVO_API_URL", "CIVO_REGION"):
        monkeypatch.delenv(name, raising=False)
    return client


def run(tmp_path, config, name="test.civo.yml"):
    """Parse an inventory file with ``config`` (YAML text); return the InventoryData."""
    path = tmp_path / name
    path.write_text(config)
    plugin = inventory_loader.get("vmops.cloud.civo")
    assert plugin is not None
    assert plugin.verify_file(str(path))
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), str(path), cache=False)
    return inventory


BASE = "plugin: vmops.cloud.civo\napi_key: unit-test-key\napi_url: http://api.test\n"


# -- pure helpers ------------------------------------------------------------------

def test_host_names_unique_hostnames_are_kept():
    insts = [instance("aaaaaaaa-1", "a.example.com"), instance("bbbbbbbb-2", "b.example.com")]
    assert civo_inv.host_names(insts) == ["a.example.com", "b.example.com"]


def test_host_names_every_duplicate_gets_a_short_id_suffix():
    insts = [instance("11111111-aaaa", "web"), instance("22222222-bbbb", "web", region="NYC1"),
             instance("33333333-cccc", "db")]
    assert civo_inv.host_names(insts) == ["web_11111111", "web_22222222", "db"]


def test_host_names_short_id_collision_falls_back_to_full_id():
    insts = [instance("12345678-aaaa", "web"), instance("12345678-bbbb", "web")]
    assert civo_inv.host_names(insts) == ["web_12345678", "web_12345678-bbbb"]


def test_host_names_suffix_never_takes_an_existing_name():
    insts = [instance("abcdefgh-1", "web_abcdefgh"), instance("abcdefgh-2", "web"), instance("zzzzzzzz-3", "web")]
    names = civo_inv.host_names(insts)
    assert len(set(names)) == 3
    assert names[0] == "web_abcdefgh"


def test_host_names_without_hostname_use_the_id():
    assert civo_inv.host_names([instance("id-1", ""), instance("id-2", None)]) == ["id-1", "id-2"]


def test_matches_needs_all_tags_and_one_of_the_statuses():
    inst = instance("i", "h", tags=["web", "prod"], status="SHUTOFF")
    assert civo_inv.matches(inst, set(), set())
    assert civo_inv.matches(inst, {"web"}, set())
    assert civo_inv.matches(inst, {"web", "prod"}, {"SHUTOFF", "ACTIVE"})
    assert not civo_inv.matches(inst, {"web", "db"}, set())
    assert not civo_inv.matches(inst, set(), {"ACTIVE"})


def test_public_fields_drop_secrets_and_fill_region():
    inst = instance("i", "h")
    del inst["region"]
    out = civo_inv.public_fields(inst, "FRA1")
    assert "initial_password" not in out and "civostatsd_token" not in out and "user_script" not in out
    assert out["region"] == "FRA1" and out["id"] == "i"
    assert "initial_password" in inst  # the input is not modified


# -- parse ---------------------------------------------------------------------------

def test_parse_builds_hosts_groups_and_prefixed_vars(tmp_path, fake):
    fake.regions = {"LON1": [instance("11111111-a", "web1.example.com", tags=["web", "prod-eu"]),
                             instance("22222222-b", "db1.example.com", status="SHUTOFF", size="g3.large")]}
    inv = run(tmp_path, BASE)
    assert set(inv.hosts) == {"web1.example.com", "db1.example.com"}
    groups = dict((name, sorted(h.name for h in g.get_hosts())) for name, g in inv.groups.items())
    assert groups["civo"] == ["db1.example.com", "web1.example.com"]
    assert groups["civo_region_lon1"] == ["db1.example.com", "web1.example.com"]
    assert groups["civo_size_g3_small"] == ["web1.example.com"]
    assert groups["civo_size_g3_large"] == ["db1.example.com"]
    assert groups["civo_status_active"] == ["web1.example.com"]
    assert groups["civo_status_shutoff"] == ["db1.example.com"]
    assert groups["civo_tag_web"] == ["web1.example.com"]
    assert groups["civo_tag_prod_eu"] == ["web1.example.com"]
    hv = inv.get_host("web1.example.com").vars
    assert hv["civo_id"] == "11111111-a"
    assert hv["civo_tags"] == ["web", "prod-eu"]
    assert hv["civo_region"] == "LON1"
    assert hv["ansible_host"] == hv["civo_public_ip"]
    for secret in ("civo_initial_password", "civo_civostatsd_token", "civo_user_script"):
        assert secret not in hv
    assert "s3cret-pass" not in repr(hv) and "unit-test-key" not in repr(hv)
    # one client, one listing for the default region
    assert fake.listings == [("LON1", [])]
    assert fake.created[0]["api_key"] == "unit-test-key"
    assert fake.created[0]["api_url"] == "http://api.test"


def test_parse_regions_filters_prefix_and_connect_with(tmp_path, fake):
    fake.regions = {
        "LON1": [instance("11111111-a", "a", tags=["web", "prod"]), instance("22222222-b", "b", tags=["web"])],
        "NYC1": [instance("33333333-c", "c", region="NYC1", tags=["prod", "web"], status="SHUTOFF"),
                 instance("44444444-d", "d", region="NYC1", tags=["prod", "web"], status="BUILDING",
                          private_ip=None)],
    }
    cfg = BASE + ("regions: [lon1, NYC1, LON1]\ntags: [web, prod]\nstatus: [active, building]\n"
                  "connect_with: private_ip\nhostvar_prefix: x_\n")
    inv = run(tmp_path, cfg)
    assert fake.listings == [("LON1", ["web", "prod"]), ("NYC1", ["web", "prod"])]
    assert len(fake.created) == 1
    assert set(inv.hosts) == {"a", "d"}
    assert inv.get_host("a").vars["ansible_host"] == inv.get_host("a").vars["x_private_ip"]
    assert "ansible_host" not in inv.get_host("d").vars  # no private address yet
    assert inv.get_host("d").vars["x_region"] == "NYC1"
    assert not [v for v in inv.get_host("a").vars if v.startswith("civo_")]


def test_parse_duplicate_hostnames_across_regions(tmp_path, fake):
    fake.regions = {"LON1": [instance("aaaaaaaa-1", "web")],
                    "FRA1": [instance("bbbbbbbb-2", "web", region="FRA1")]}
    inv = run(tmp_path, BASE + "regions: [LON1, FRA1]\nconnect_with: hostname\n")
    assert set(inv.hosts) == {"web_aaaaaaaa", "web_bbbbbbbb"}
    assert inv.get_host("web_bbbbbbbb").vars["ansible_host"] == "web"
    assert inv.get_host("web_bbbbbbbb").vars["civo_region"] == "FRA1"


def test_parse_compose_groups_and_keyed_groups(tmp_path, fake):
    fake.regions = {"LON1": [instance("11111111-a", "a", ram_mb=8192, tags=["web"]),
                             instance("22222222-b", "b", ram_mb=1024)]}
    cfg = BASE + ("compose:\n  ansible_user: \"'admin'\"\n  mem_gb: civo_ram_mb // 1024\n"
                  "groups:\n  big: civo_ram_mb >= 8192\n"
                  "keyed_groups:\n  - key: civo_tags\n    prefix: tagged\n")
    inv = run(tmp_path, cfg)
    assert inv.get_host("a").vars["ansible_user"] == "admin"
    # ansible-core 2.17/2.18 render compose results as text unless jinja2_native is on; 2.19+ keeps the type
    assert inv.get_host("a").vars["mem_gb"] in (8, "8")
    assert [h.name for h in inv.groups["big"].get_hosts()] == ["a"]
    assert [h.name for h in inv.groups["tagged_web"].get_hosts()] == ["a"]


def test_parse_api_key_from_environment(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("CIVO_API_KEY", "from-env")
    run(tmp_path, "plugin: vmops.cloud.civo\n")
    assert fake.created[0]["api_key"] == "from-env"
    monkeypatch.setenv("CIVO_TOKEN", "token-first")
    run(tmp_path, "plugin: vmops.cloud.civo\n")
    assert fake.created[1]["api_key"] == "token-first"
    assert fake.created[1]["api_url"] == "https://api.civo.com"


def test_parse_region_from_environment(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("CIVO_REGION", "fra1")
    run(tmp_path, BASE)
    assert fake.listings == [("FRA1", [])]


def test_parse_without_api_key_fails_before_any_request(tmp_path, fake):
    with pytest.raises(AnsibleParserError, match="api_key is required"):
        run(tmp_path, "plugin: vmops.cloud.civo\n")
    assert fake.created == [] and fake.listings == []


@pytest.mark.parametrize("extra, message", [
    ("hostvar_prefix: 'bad-prefix'\n", "hostvar_prefix"),
    ("tags: ['two words']\n", "tags must be"),
    ("regions: ['']\n", "regions must not"),
])
def test_parse_bad_options_fail_before_any_request(tmp_path, fake, extra, message):
    with pytest.raises(AnsibleParserError, match=message):
        run(tmp_path, BASE + extra)
    assert fake.listings == []


def test_parse_api_error_is_a_clear_parser_error_without_the_key(tmp_path, fake):
    fake.error = ApiError("Civo API authentication failed (HTTP 401, authentication_invalid_key): check api_key",
                          status=401, code="authentication_invalid_key")
    with pytest.raises(AnsibleParserError) as info:
        run(tmp_path, BASE)
    assert "authentication failed" in str(info.value)
    assert "unit-test-key" not in str(info.value)


def test_verify_file_names(tmp_path):
    plugin = inventory_loader.get("vmops.cloud.civo")
    for name, wanted in (("civo.yml", True), ("prod.civo.yaml", True), ("hosts.yml", False), ("civo.json", False)):
        path = tmp_path / name
        path.write_text(BASE)
        assert bool(plugin.verify_file(str(path))) is wanted, name


# -- issue 14 items 1, 8, 9 and issue 16 item 5 ------------------------------------------

def _never_templated(value):
    try:
        from ansible.template import is_trusted_as_template
    except ImportError:  # ansible-core 2.17, 2.18
        from ansible.utils.unsafe_proxy import AnsibleUnsafe
        return isinstance(value, AnsibleUnsafe)
    return not is_trusted_as_template(value)


def test_parse_marks_every_api_string_unsafe(tmp_path, fake):
    evil = "{{ lookup('pipe', 'id') }}"
    fake.regions = {"LON1": [instance("11111111-a", evil, tags=[evil], reverse_dns=evil, notes=evil,
                                      nested={"deep": [evil, {"k": evil}]})]}
    inv = run(tmp_path, BASE)
    (name,) = list(inv.hosts)
    assert name == evil and _never_templated(inv.get_host(name).name)
    hv = inv.get_host(name).vars
    for value in (hv["civo_tags"][0], hv["civo_reverse_dns"], hv["civo_notes"], hv["civo_hostname"],
                  hv["civo_nested"]["deep"][0], hv["civo_nested"]["deep"][1]["k"], hv["civo_id"]):
        assert _never_templated(value), value


def test_parse_api_error_is_scrubbed_and_not_chained(tmp_path, fake):
    fake.error = ApiError("Civo API GET /v2/instances failed (HTTP 400): echo Authorization: bearer unit-test-key "
                          "and %s" % "unit-test-key".replace("-", "%2D"), status=400)
    with pytest.raises(AnsibleParserError) as info:
        run(tmp_path, BASE)
    assert "unit-test-key" not in str(info.value)
    assert "bearer ********" in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None


def test_parse_unexpected_exception_is_scrubbed_too(tmp_path, fake):
    fake.error = ValueError("boom with unit-test-key inside")
    with pytest.raises(AnsibleParserError) as info:
        run(tmp_path, BASE)
    assert "unit-test-key" not in str(info.value) and "boom with ********" in str(info.value)


def _plugin_for(tmp_path, config, name="test.civo.yml"):
    path = tmp_path / name
    path.write_text(config)
    plugin = inventory_loader.get("vmops.cloud.civo")
    plugin.parse(InventoryData(), DataLoader(), str(path), cache=False)  # reads the file and its options
    settings = plugin.common_settings()
    settings.update(plugin.provider_settings())
    return plugin, str(path), settings


def test_cache_key_depends_on_key_url_and_scope_never_holds_the_key(tmp_path, fake):
    plugin, path, settings = _plugin_for(tmp_path, BASE)
    key = plugin.cache_key(path, settings)
    assert "unit-test-key" not in key
    assert plugin.cache_key(path, dict(settings)) == key
    assert plugin.cache_key(path, dict(settings, api_key="another-key")) != key
    assert plugin.cache_key(path, dict(settings, api_url="http://other.test")) != key
    assert plugin.cache_key(path, dict(settings, regions=["LON1", "FRA1"])) != key
    assert plugin.cache_key(path, dict(settings, tags=["web"])) != key
    # options applied to the cached listing do not split the cache
    assert plugin.cache_key(path, dict(settings, status={"ACTIVE"}, filters=["x"], hostnames=["id"])) == key


def test_parse_hostnames_first_non_empty_wins_then_filters(tmp_path, fake):
    fake.regions = {"LON1": [instance("11111111-a", "a.example.com", reverse_dns="rdns-a.example.com", ram_mb=8192),
                             instance("22222222-b", "b.example.com", reverse_dns="", ram_mb=8192),
                             instance("33333333-c", "", reverse_dns="", ram_mb=8192),
                             instance("44444444-d", "d.example.com", ram_mb=1024)]}
    cfg = BASE + ("hostnames:\n  - reverse_dns\n  - \"{{ civo_hostname | upper }}\"\n"
                  "filters:\n  - civo_ram_mb >= 4096\n")
    inv = run(tmp_path, cfg)
    assert sorted(inv.hosts) == ["33333333-c", "B.EXAMPLE.COM", "rdns-a.example.com"]
    assert inv.get_host("B.EXAMPLE.COM").vars["civo_id"] == "22222222-b"


def test_parse_hostnames_field_may_be_a_host_variable_but_never_a_hidden_field(tmp_path, fake):
    fake.regions = {"LON1": [instance("11111111-a", "a.example.com")]}
    inv = run(tmp_path, BASE + "hostnames: [initial_password, civo_name]\n")
    assert list(inv.hosts) == ["a"]


def test_parse_filters_see_ansible_host_and_strict_errors(tmp_path, fake):
    fake.regions = {"LON1": [instance("11111111-a", "a", public_ip=None), instance("22222222-b", "b")]}
    inv = run(tmp_path, BASE + "filters:\n  - ansible_host is defined\n")
    assert list(inv.hosts) == ["b"]
    from ansible.errors import AnsibleError
    with pytest.raises(AnsibleError, match="no_such"):
        run(tmp_path, BASE + "strict: true\nfilters:\n  - no_such > 1\n")


@pytest.mark.parametrize("extra, message", [
    ("hostnames: ['']\n", "hostnames must hold"),
    ("filters: ['  ']\n", "filters must hold"),
])
def test_parse_bad_hostnames_or_filters_fail_before_any_request(tmp_path, fake, extra, message):
    with pytest.raises(AnsibleParserError, match=message):
        run(tmp_path, BASE + extra)
    assert fake.listings == []
