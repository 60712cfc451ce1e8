"""The ``dev.py i18n`` command: export the add-on's translation template and
bring the Simplified Chinese translation up to date with it.

Owns: installing the add-on into a throwaway database, Odoo's own export of
``sales_closing/i18n/sales_closing.pot`` (``--i18n-export``), and the merge of
``i18n/zh_CN.po`` (run by ``tools/i18n_merge.py`` in Odoo's venv, with polib):
every entry of the new template keeps its translation, takes one from
``i18n_pending/*.po`` (translations written beside a change, merged and then
removed), or is listed as missing. Exit 1 while any is missing.
"""

from __future__ import annotations

from harness import ADDON, REPO_ROOT, free_port, run_dir, run_tool, say
from odoo_log import LogEcho
from odoo_run import prepare_odoo, throwaway_runner
from odoo_tree import find_odoo

I18N_DB = f"{ADDON}_i18n"
I18N_DIR = REPO_ROOT / ADDON / "i18n"
PENDING_DIR = REPO_ROOT / "i18n_pending"
MERGE_SCRIPT = REPO_ROOT / "tools" / "i18n_merge.py"


def _odoo_args(*extra: str) -> list[str]:
    return [
        f"--database={I18N_DB}",
        "--stop-after-init",
        "--max-cron-threads=0",
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
        *extra,
    ]


def export_template(runner) -> int:
    """Install the add-on and export its template over the committed one."""
    logfile = run_dir() / "i18n.log"
    say(f"[i18n] installing {ADDON} in a throwaway database (log: {logfile})")
    rc, report = runner.run_logged(
        _odoo_args(f"--init={ADDON}", "--without-demo=all"), logfile, LogEcho([ADDON])
    )
    if rc or report.error_records:
        say(f"[i18n] install failed (exit {rc})")
        return rc or 1
    pot = I18N_DIR / f"{ADDON}.pot"
    say(f"[i18n] exporting {pot.relative_to(REPO_ROOT)}")
    rc, _report = runner.run_logged(
        _odoo_args(f"--i18n-export={pot}", f"--modules={ADDON}"),
        logfile,
        LogEcho([ADDON]),
    )
    return rc


def cmd_i18n(args) -> int:
    odoo_root, where = find_odoo()
    if not odoo_root:
        say(f"i18n needs Odoo 18, not found at {where}.")
        return 1
    odoo = prepare_odoo(odoo_root)
    with throwaway_runner(odoo, False, I18N_DB) as runner:
        rc = export_template(runner)
    if rc:
        return rc
    return run_tool(
        [str(odoo[0]), str(MERGE_SCRIPT), str(I18N_DIR), "zh_CN", str(PENDING_DIR)]
    )
