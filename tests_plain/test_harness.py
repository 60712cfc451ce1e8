"""Small pieces of the harness: requirements, venv keys, PostgreSQL, imports."""

import subprocess
import sys
import textwrap

import harness
import pg_cluster
import pytest
import venvs


def test_odoo_requirements_skip_ldap_and_win32(tmp_path):
    (tmp_path / "requirements.txt").write_text(
        textwrap.dedent(
            """\
            # comment
            cbor2==5.4.2 ; python_version < '3.12'
            python-ldap==3.4.0 ; sys_platform != 'win32'  # needs headers
            pypiwin32 ; sys_platform == 'win32'
            Python_LDAP==3.4.4
            pytz  # no version pinning

            lxml-html-clean; python_version >= '3.12'
            """
        )
    )
    assert venvs.odoo_requirements(tmp_path) == [
        "cbor2==5.4.2 ; python_version < '3.12'",
        "pytz",
        "lxml-html-clean; python_version >= '3.12'",
    ]


def test_venv_key_changes_with_requirements():
    key = venvs.venv_key(["a==1"], ["setuptools<60"])
    assert key == venvs.venv_key(["a==1"], ["setuptools<60"])
    assert key != venvs.venv_key(["a==2"], ["setuptools<60"])
    assert key != venvs.venv_key(["a==1"])


def test_cache_dir_follows_xdg(tmp_path):
    assert harness.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == (
        tmp_path / "sales_closing"
    )


def test_addon_pure_importer(tmp_path):
    """Pure modules import without running the add-on's Odoo-bound __init__."""
    addon = tmp_path / "fake_addon"
    (addon / "lib").mkdir(parents=True)
    (addon / "__init__.py").write_text("raise ImportError('needs odoo')\n")
    (addon / "lib" / "__init__.py").write_text("raise ImportError('no')\n")
    (addon / "lib" / "util.py").write_text("from .other import X\nY = X + 1\n")
    (addon / "lib" / "other.py").write_text("X = 41\n")
    code = textwrap.dedent(
        f"""\
        import sys
        sys.path.insert(0, {str(harness.REPO_ROOT / "tools")!r})
        from addon_importer import AddonPureImporter
        sys.meta_path.insert(0, AddonPureImporter(
            {str(tmp_path)!r}, "fake_addon", alias_odoo=True))
        from fake_addon.lib.util import Y
        from odoo.addons.fake_addon.lib import other
        print(Y, other.X)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert proc.stdout.split() == ["42", "41"], proc.stderr


PG_BINDIR = pg_cluster.find_pg_bindir()


@pytest.mark.skipif(PG_BINDIR is None, reason="no PostgreSQL server binaries")
def test_throwaway_cluster_is_removed():
    with pg_cluster.throwaway_cluster(PG_BINDIR) as cluster:
        assert cluster.psql("SELECT 40 + 2") == "42"
        assert cluster.database_exists("postgres")
        assert not cluster.database_exists("sales_closing_nope")
        base = cluster.base.parent
    assert not base.exists()
    assert not cluster.is_running()


def test_report_tools_install_the_cjk_font_when_fontconfig_has_none(monkeypatch):
    import odoo_run

    installed = []
    fonts = iter([[], ["/usr/share/fonts/noto/NotoSansCJK-Regular.ttc:"]])

    def fake_run(cmd, **_kwargs):
        assert cmd[1:] == [":lang=zh", "file"]
        return subprocess.CompletedProcess(cmd, 0, "\n".join(next(fonts)), "")

    monkeypatch.setattr(odoo_run.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(odoo_run.subprocess, "run", fake_run)
    monkeypatch.setattr(odoo_run, "apt_install", lambda pkg, why: installed.append(pkg))
    found = odoo_run.ensure_report_tools()
    assert installed == ["fonts-noto-cjk"]
    assert found[-1] == "/usr/share/fonts/noto/NotoSansCJK-Regular.ttc"


def test_no_fontconfig_means_no_cjk_font(monkeypatch):
    import odoo_run

    monkeypatch.setattr(odoo_run.shutil, "which", lambda name: None)
    assert odoo_run.cjk_font() is None
