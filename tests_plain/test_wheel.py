"""The add-on builds as a wheel with whool (as OCA packages add-ons)."""

import os
import subprocess
import sys
import zipfile

import harness
import odoo_tree
import pytest

ADDON_DIR = odoo_tree.addon_dir()


def untracked_files():
    proc = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", str(ADDON_DIR)],
        cwd=harness.REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.stdout.split()


@pytest.mark.skipif(not ADDON_DIR.is_dir(), reason="no sales_closing/ yet")
def test_addon_builds_as_wheel(tmp_path):
    assert (ADDON_DIR / "pyproject.toml").is_file(), (
        "sales_closing/pyproject.toml is missing; whool needs:\n"
        '[build-system]\nrequires = ["whool"]\nbuild-backend = "whool.buildapi"\n'
    )
    env = dict(os.environ, WHOOL_POST_VERSION_STRATEGY_OVERRIDE="none")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "--wheel-dir", str(tmp_path), str(ADDON_DIR)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    untracked = untracked_files()
    hint = (
        f"\nwhool packs only files tracked by git; untracked: {untracked[:8]}"
        " — `git add` them"
        if untracked
        else ""
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr + hint
    wheels = list(tmp_path.glob("odoo_addon_sales_closing-*.whl"))
    assert len(wheels) == 1, list(tmp_path.iterdir())
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "odoo/addons/sales_closing/__manifest__.py" in names, names[:20] + [hint]
