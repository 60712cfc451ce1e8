"""The ``dev.py demo`` command: install the add-on, run a script, serve.

Owns: the demo database ``sales_closing_demo`` on the demo's persistent
PostgreSQL cluster (see ``pg_cluster.demo_cluster``); installing the add-on
into a fresh one (``demo_install``); feeding a script to ``odoo shell`` on it
(``run_in_shell``, used for ``tools/demo_walkthrough.py`` and the bench);
serving it on 127.0.0.1 (``--serve``, ``--serve-only``). ``dev.py test``'s demo
check runs the same install and walkthrough on a throwaway cluster.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from harness import (
    ADDON,
    REPO_ROOT,
    cache_dir,
    port_is_free,
    run_dir,
    say,
)
from odoo_run import OdooRunner, ensure_report_tools, install_addon, prepare_odoo
from odoo_tree import addon_present, find_odoo
from pg_cluster import demo_cluster, ensure_pg_bindir, stop_persistent_cluster

DEMO_DB = f"{ADDON}_demo"
TOOLS_DIR = REPO_ROOT / "tools"
WALKTHROUGH = TOOLS_DIR / "demo_walkthrough.py"


def demo_install(runner: OdooRunner) -> int:
    """Install the add-on into a fresh demo database; 0 when it worked."""
    say(f"[demo] fresh database {DEMO_DB}")
    return install_addon(runner, DEMO_DB, run_dir() / "demo-install.log")


def run_in_shell(
    runner: OdooRunner,
    script: Path = WALKTHROUGH,
    extra_env: dict[str, str] | None = None,
    dbname: str = DEMO_DB,
) -> int:
    """Feed ``script`` to ``odoo shell`` on the demo database (or ``dbname``
    on the demo's cluster); its exit code.

    The script learns where ``tools/`` is from ``$SALES_CLOSING_TOOLS`` (to
    import its sections from there).
    """
    if not script.is_file():
        say(
            f"[demo] {script.relative_to(REPO_ROOT)} not found: nothing to run "
            f"(database {DEMO_DB} is installed)."
        )
        return 0
    say(f"[demo] running {script.relative_to(REPO_ROOT)} in `odoo shell`")
    env = {"SALES_CLOSING_TOOLS": str(TOOLS_DIR), **(extra_env or {})}
    shell_args = [f"--database={dbname}", "--no-http", "--log-level=warn"]
    with open(script, encoding="utf-8") as stdin:
        rc = runner.run(shell_args, ["shell"], stdin=stdin, extra_env=env)
    if rc:
        say(f"[demo] {script.name} failed (exit {rc})")
    return rc


def demo_serve(runner: OdooRunner, port: int) -> int:
    """Serve the demo database on 127.0.0.1:``port`` until Ctrl-C."""
    if not port_is_free(port):
        say(f"[demo] port {port} is busy on 127.0.0.1; use --http-port")
        return 1
    say(
        f"\n[demo] Odoo serves {DEMO_DB} at http://127.0.0.1:{port}/odoo\n"
        "[demo] login: admin / password: admin (English)\n"
        "[demo] login: manager / password: manager (Closing Manager, "
        "Simplified Chinese)\n"
        "[demo] Ctrl-C to stop\n"
    )
    serve_args = [
        f"--database={DEMO_DB}",
        f"--db-filter=^{DEMO_DB}$",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
    ]
    try:
        return runner.run(serve_args)
    except KeyboardInterrupt:
        return 0


def open_demo(args) -> OdooRunner | None:
    """The demo's Odoo on its persistent cluster (not started yet), or None
    after saying what is missing. ``--serve-only`` and ``--bench`` reuse the
    last demo, so they need its cluster to exist already."""
    odoo_root, where = find_odoo()
    if not odoo_root:
        say(f"demo needs Odoo 18, not found at {where}.")
        return None
    if not args.serve_only and not addon_present():
        say(f"demo needs the {ADDON}/ add-on, not found in {REPO_ROOT}.")
        return None
    odoo = prepare_odoo(odoo_root)
    ensure_report_tools()  # the close of the demo's month renders its PDF
    cluster = demo_cluster(ensure_pg_bindir())
    data_dir = cache_dir() / "demo" / "odoo-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    runner = OdooRunner.create(odoo, cluster, data_dir.parent, data_dir)
    reuse = "--serve-only" if args.serve_only else "--bench" if args.bench else ""
    if reuse and not (cluster.data / "PG_VERSION").is_file():
        say(f"demo {reuse}: no demo database yet; run `tools/dev.py demo` first.")
        return None
    return runner


@contextlib.contextmanager
def started(runner: OdooRunner) -> Iterator[OdooRunner]:
    """Start the demo's cluster (created if new); stop it on exit."""
    try:
        runner.cluster.initdb()
        runner.cluster.start()
        yield runner
    finally:
        stop_persistent_cluster(runner.cluster)


def cmd_demo(args) -> int:
    """``dev.py demo [--serve | --serve-only]`` (``--bench``: see bench_cmd)."""
    runner = open_demo(args)
    if runner is None:
        return 1
    with started(runner):
        if args.serve_only:
            if not runner.cluster.database_exists(DEMO_DB):
                say(f"demo --serve-only: no {DEMO_DB} database; run demo first.")
                return 1
        else:
            rc = demo_install(runner) or run_in_shell(runner)
            if rc or not args.serve:
                return rc
        return demo_serve(runner, args.http_port)
