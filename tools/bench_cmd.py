"""The ``dev.py demo --bench LINES`` command: time a close on the demo database.

Owns: running ``tools/bench_close.py`` (the benchmark itself, a script for
``odoo shell``) on the last demo's database, with ``BENCH_LINES`` in its
environment. The script rolls back: the demo database stays as it was.
"""

from __future__ import annotations

from demo_cmd import DEMO_DB, TOOLS_DIR, open_demo, run_in_shell, started
from harness import say

BENCH = TOOLS_DIR / "bench_close.py"


def cmd_bench(args) -> int:
    """Run the benchmark with ``args.bench`` more order lines; its exit code."""
    runner = open_demo(args)
    if runner is None:
        return 1
    with started(runner):
        if not runner.cluster.database_exists(DEMO_DB):
            say("demo --bench: no demo database yet; run `tools/dev.py demo` first.")
            return 1
        return run_in_shell(runner, BENCH, {"BENCH_LINES": str(args.bench)})
