"""The OEEL-1-free symlink view of the Odoo tree, and finding Odoo 18."""

import os
from pathlib import Path

import harness
import odoo_tree
import pytest


def make_module(addons: Path, name: str, license_: str, text=None, depends=()):
    module = addons / name
    module.mkdir(parents=True)
    (module / "__init__.py").write_text("")
    manifest = text or (
        f"{{'name': '{name}', 'license': '{license_}', 'depends': {list(depends)}}}\n"
    )
    (module / "__manifest__.py").write_text(manifest)
    return module


@pytest.fixture
def fake_odoo(tmp_path):
    """A packaged-style tree: every module (enterprise too) in odoo/addons."""
    root = tmp_path / "odoo-src"
    pkg = root / "odoo"
    (pkg / "tools").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "__pycache__").mkdir()
    (pkg / "release.py").write_text(
        "version_info = (18, 0, 0, FINAL, 0, '')\nversion = '18.0'\n"
    )
    addons = pkg / "addons"
    addons.mkdir()
    (addons / "__init__.py").write_text("# namespace\n")
    make_module(addons, "base", "LGPL-3")
    make_module(addons, "sale", "LGPL-3")
    make_module(addons, "web_enterprise", "OEEL-1")
    make_module(
        addons,
        "account_accountant",
        "",
        text="# -*- coding: utf-8 -*-\n{\n    'name': 'Accounting',\n"
        '    # comment\n    "license": "OEEL-1",\n}\n',
    )
    (addons / "leftover_dir").mkdir()  # no manifest: not a module, kept
    # LGPL-3 but unusable without Enterprise (like account_online_payment)
    make_module(addons, "sale_bridge", "LGPL-3", depends=["sale", "web_enterprise"])
    make_module(addons, "sale_bridge_child", "LGPL-3", depends=["sale_bridge"])
    make_module(addons, "needs_ghost", "LGPL-3", depends=["no_such_module"])
    return root


def test_enterprise_detection(fake_odoo):
    addons = fake_odoo / "odoo" / "addons"
    assert odoo_tree.is_enterprise_module(addons / "web_enterprise")
    assert odoo_tree.is_enterprise_module(addons / "account_accountant")
    assert not odoo_tree.is_enterprise_module(addons / "sale")
    assert not odoo_tree.is_enterprise_module(addons / "leftover_dir")


def test_enterprise_detection_unparsable_manifest(tmp_path):
    text = "{'name': 'x', 'license': 'OEEL-1', 'data': [f'{1}']}\n"  # not a literal
    module = make_module(tmp_path, "weird", "", text=text)
    assert odoo_tree.read_manifest(module) == {}
    assert odoo_tree.is_enterprise_module(module)
    readme_only = make_module(tmp_path, "mentions", "", text="{'license': 'LGPL-3',"
                              " 'summary': f'not {1} OEEL-1'}")  # fmt: skip
    assert not odoo_tree.is_enterprise_module(readme_only)


def test_view_hides_enterprise_and_only_symlinks(fake_odoo, tmp_path):
    view = odoo_tree.build_view(fake_odoo, tmp_path / "view")
    vodoo = view.root / "odoo"
    assert vodoo.is_dir() and not vodoo.is_symlink()
    assert (vodoo / "addons").is_dir() and not (vodoo / "addons").is_symlink()
    assert sorted(os.listdir(vodoo)) == ["__init__.py", "addons", "release.py", "tools"]
    assert sorted(os.listdir(vodoo / "addons")) == [
        "__init__.py",
        "base",
        "leftover_dir",
        "sale",
    ]
    assert view.excluded == ["account_accountant", "web_enterprise"]
    assert view.unresolvable == {
        "needs_ghost": ["no_such_module"],
        "sale_bridge": ["web_enterprise"],
        "sale_bridge_child": ["sale_bridge"],
    }
    assert view.linked_modules == 2
    assert view.addons_paths == [vodoo / "addons"]
    for dirpath in (vodoo, vodoo / "addons"):
        for entry in os.scandir(dirpath):
            if entry.name != "addons":
                assert entry.is_symlink(), entry.path
    target = os.readlink(vodoo / "addons" / "sale")
    assert target == str(fake_odoo / "odoo" / "addons" / "sale")


def test_view_upstream_layout_and_rebuild(fake_odoo, tmp_path):
    community = fake_odoo / "addons"
    make_module(community, "account", "LGPL-3")
    make_module(community, "sale_subscription", "OEEL-1")
    view_root = tmp_path / "view"
    odoo_tree.build_view(fake_odoo, view_root)
    view = odoo_tree.build_view(fake_odoo, view_root)  # rebuild over the old one
    assert view.addons_paths == [view_root / "odoo" / "addons", view_root / "addons"]
    assert sorted(os.listdir(view_root / "addons")) == ["account"]
    assert "sale_subscription" in view.excluded
    assert not list(tmp_path.glob("view.*")), "temporary dirs left behind"
    # the Odoo tree itself was not touched by building or removing views
    harness.remove_tree(view_root)
    assert (community / "sale_subscription" / "__manifest__.py").is_file()


def test_find_odoo(fake_odoo, tmp_path):
    root, why = odoo_tree.find_odoo({"ODOO_PATH": str(fake_odoo)})
    assert root == fake_odoo and "Odoo 18" in why
    (fake_odoo / "odoo" / "release.py").write_text("version_info = (17, 0, 0)\n")
    root, why = odoo_tree.find_odoo({"ODOO_PATH": str(fake_odoo)})
    assert root is None and "version 17" in why
    root, why = odoo_tree.find_odoo({"ODOO_PATH": str(tmp_path / "nowhere")})
    assert root is None and "no odoo/release.py" in why


def test_is_addons_dir(fake_odoo, tmp_path):
    assert odoo_tree.is_addons_dir(fake_odoo / "odoo" / "addons")
    assert not odoo_tree.is_addons_dir(tmp_path / "missing")
    assert not odoo_tree.is_addons_dir(fake_odoo / "odoo")


REAL_ODOO, _WHY = odoo_tree.find_odoo()


@pytest.mark.skipif(REAL_ODOO is None, reason=f"no Odoo 18: {_WHY}")
def test_view_of_real_odoo_has_no_enterprise_module(tmp_path):
    view = odoo_tree.build_view(REAL_ODOO, tmp_path / "view")
    assert (view.root / "odoo" / "addons" / "base").is_symlink()
    shown = {m.name for p in view.addons_paths for m in p.iterdir()}
    for addons in view.addons_paths:
        for module in addons.iterdir():
            manifest = odoo_tree.read_manifest(module)
            if manifest is not None:
                assert manifest.get("license") != "OEEL-1", module
                assert set(manifest.get("depends", ())) <= shown, module
    for name in ("account", "sale_stock", "web"):
        assert any((p / name).exists() for p in view.addons_paths), name
