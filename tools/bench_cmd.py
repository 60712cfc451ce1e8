"""The ``dev.py bench --lines N`` and ``dev.py demo --bench LINES`` commands:
time the close on the demo database.

Owns: running the benchmarks (scripts for ``odoo shell``) on the last demo's
database: ``tools/bench_scale.py`` (``bench``: a realistic month from
``bench_gen.py``, side by side with Odoo's wizard and a SQL floor) with
``BENCH_LINES``/``BENCH_SMALL``, and ``tools/bench_close.py`` (``demo
--bench``: the quick one) with ``BENCH_LINES``. Both roll back: the demo
database stays as it was. ``bench --pack-only --lines N`` times the close pack
alone (``tools/bench_pack.py``) on a kept copy of the demo database,
``sales_closing_pack_N`` (made from the demo, updated to the add-on of the
tree, its month grown to N lines and checked on the first run only).
"""

from __future__ import annotations

import shutil

from demo_cmd import DEMO_DB, TOOLS_DIR, open_demo, run_in_shell, started
from harness import ADDON, run_dir, say
from odoo_run import install_addon

BENCH = TOOLS_DIR / "bench_close.py"
BENCH_SCALE = TOOLS_DIR / "bench_scale.py"
BENCH_PACK = TOOLS_DIR / "bench_pack.py"


def cmd_bench(args) -> int:
    """Run the quick benchmark with ``args.bench`` more order lines."""
    return _run_bench(args, BENCH, {"BENCH_LINES": str(args.bench)})


def cmd_bench_scale(args) -> int:
    """Run the realistic benchmark at ``args.small`` and ``args.lines``."""
    if getattr(args, "pack_only", False):
        return _run_pack_only(args)
    return _run_bench(
        args,
        BENCH_SCALE,
        {"BENCH_LINES": str(args.lines), "BENCH_SMALL": str(args.small)},
    )


def _run_bench(args, script, extra_env) -> int:
    """Run ``script`` in ``odoo shell`` on the demo database; its exit code."""
    runner = open_demo(args)
    if runner is None:
        return 1
    with started(runner):
        if not runner.cluster.database_exists(DEMO_DB):
            say("bench: no demo database yet; run `tools/dev.py demo` first.")
            return 1
        # the last demo may be of an older add-on: update it to this one
        if install_addon(runner, DEMO_DB, run_dir() / "bench-update.log", update=True):
            return 1
        return run_in_shell(runner, script, extra_env)


def _run_pack_only(args) -> int:
    """Time the close pack alone on the kept ``sales_closing_pack_N``."""
    runner = open_demo(args)
    if runner is None:
        return 1
    dbname = f"{ADDON}_pack_{args.lines}"
    with started(runner):
        cluster = runner.cluster
        if not cluster.database_exists(dbname):
            if not cluster.database_exists(DEMO_DB):
                say("bench: no demo database yet; run `tools/dev.py demo` first.")
                return 1
            say(f"bench: copying {DEMO_DB} to {dbname} (kept for later runs)")
            cluster.psql(f'CREATE DATABASE "{dbname}" TEMPLATE "{DEMO_DB}"')
            filestore = runner.data_dir / "filestore"
            if (filestore / DEMO_DB).is_dir():
                shutil.copytree(filestore / DEMO_DB, filestore / dbname)
        log = run_dir() / f"bench-pack-update-{args.lines}.log"
        if install_addon(runner, dbname, log, update=True):
            return 1
        extra = {"BENCH_LINES": str(args.lines)}
        return run_in_shell(runner, BENCH_PACK, extra, dbname=dbname)
