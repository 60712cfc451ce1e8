"""The ``dev.py bench --lines N`` and ``dev.py demo --bench LINES`` commands:
time the close on the demo database.

Owns: running the benchmarks (scripts for ``odoo shell``) on the last demo's
database: ``tools/bench_scale.py`` (``bench``: a realistic month from
``bench_gen.py``, side by side with Odoo's wizard and a SQL floor) with
``BENCH_LINES``/``BENCH_SMALL``, and ``tools/bench_close.py`` (``demo
--bench``: the quick one) with ``BENCH_LINES``. Both roll back: the demo
database stays as it was.
"""

from __future__ import annotations

from demo_cmd import DEMO_DB, TOOLS_DIR, open_demo, run_in_shell, started
from harness import say

BENCH = TOOLS_DIR / "bench_close.py"
BENCH_SCALE = TOOLS_DIR / "bench_scale.py"


def cmd_bench(args) -> int:
    """Run the quick benchmark with ``args.bench`` more order lines."""
    return _run_bench(args, BENCH, {"BENCH_LINES": str(args.bench)})


def cmd_bench_scale(args) -> int:
    """Run the realistic benchmark at ``args.small`` and ``args.lines``."""
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
        return run_in_shell(runner, script, extra_env)
