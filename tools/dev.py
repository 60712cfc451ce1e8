#!/usr/bin/env python3
"""Developer entry point of the sales_closing repo (standard library only).

    python3 tools/dev.py test    # lint + plain-Python tests + Odoo tests
    python3 tools/dev.py demo    # fresh demo database + tools/demo_walkthrough.py
    python3 tools/dev.py pytest [PYTEST ARGS]  # the Odoo tests under pytest-odoo

``test`` ends with one line ``sales_closing: N passed, M failed[, K skipped]``
where N/M/K count plain pytest and Odoo tests, M also counting every failed
check (ruff, pylint, install error, ERROR log records, no tests run). It exits
non-zero whenever M > 0. Without Odoo 18 the very last line says so loudly.

Odoo 18 is taken from $ODOO_PATH (default /opt/odoo) and run through a
symlink view of its tree that hides proprietary OEEL-1 modules.

This file only parses the command line and dispatches; the parts live beside it:
``testrun`` (the stages of ``test``), ``lint``, ``demo_cmd`` (``demo``),
``bench_cmd`` (``demo --bench``), ``pytest_cmd`` (``pytest``, with
``addon_fingerprint`` and ``pytest_plugins/``), ``odoo_run`` and ``odoo_log``
(running Odoo, reading its log), ``odoo_tree`` (finding Odoo, the OEEL-1-free
view), ``venvs``, ``pg_cluster`` (PostgreSQL), ``harness`` (shared basics).
"""

from __future__ import annotations

import argparse
import signal
import sys

from bench_cmd import cmd_bench, cmd_bench_scale
from demo_cmd import cmd_demo
from harness import ADDON, HarnessError, say
from i18n_cmd import cmd_i18n
from pytest_cmd import cmd_pytest
from testrun import cmd_test

# ----------------------------------------------------------------- main ----


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="tools/dev.py", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    test = sub.add_parser("test", help="lint, plain-Python tests and Odoo tests")
    test.add_argument("--skip-lint", action="store_true", help="no ruff/pylint")
    test.add_argument(
        "--no-demo", action="store_true", help="skip running the demo on a fresh DB"
    )
    test.add_argument("--odoo-only", action="store_true", help="only the Odoo tests")
    test.add_argument(
        "--no-server",
        action="store_true",
        help="skip the tests against a running server (tests_server/)",
    )
    test.add_argument(
        "--server-only",
        action="store_true",
        help="only the demo check and the server tests (no lint, plain or Odoo "
        "tests)",
    )
    test.add_argument("--no-odoo", action="store_true", help="skip the Odoo tests")
    test.add_argument("--test-tags", help="Odoo --test-tags (default /<modules>)")
    test.add_argument("--keep", action="store_true", help="keep cluster + database")
    test.add_argument(
        "-v", "--verbose", action="store_true", help="echo whole Odoo log"
    )
    test.add_argument(
        "--install", default=ADDON, help=f"modules to install (default {ADDON})"
    )
    test.add_argument(
        "--addons-path", action="append", default=[], help="extra addons dir (debug)"
    )
    demo = sub.add_parser("demo", help="fresh demo database + walkthrough")
    mode = demo.add_mutually_exclusive_group()
    mode.add_argument("--serve", action="store_true", help="then serve on 127.0.0.1")
    mode.add_argument("--serve-only", action="store_true", help="serve existing demo")
    mode.add_argument(
        "--bench",
        type=int,
        metavar="LINES",
        help="time a close of LINES more order lines on the existing demo",
    )
    demo.add_argument("--http-port", type=int, default=8069)
    bench = sub.add_parser(
        "bench", help="realistic month on the demo DB: ours vs Odoo's wizard vs SQL"
    )
    bench.add_argument("--lines", type=int, default=100000, help="order lines")
    bench.add_argument(
        "--small", type=int, default=10000, help="first size (with Odoo's wizard)"
    )
    bench.add_argument(
        "--pack-only",
        action="store_true",
        help="time the close pack alone on a kept copy of the demo with --lines "
        "lines (generated and checked once, then reused)",
    )
    # open_demo() reads these: the benchmark reuses the last demo, never serves
    bench.set_defaults(serve_only=False, bench=True)
    sub.add_parser(
        "i18n", help="export the .pot and merge zh_CN.po (+ i18n_pending/*.po)"
    )
    sub.add_parser(
        "pytest",
        help="the Odoo tests under pytest-odoo on a kept database (arguments: "
        "pytest's)",
    )
    head, passthrough = split_passthrough(argv)
    args = parser.parse_args(head)
    args.pytest_args = passthrough
    return args


def split_passthrough(argv: list[str]) -> tuple[list[str], list[str]]:
    """``(our arguments, pytest's)``: everything after ``pytest`` is pytest's,
    untouched (argparse would take ``-k``/``-h`` for ours)."""
    if argv and argv[0] == "pytest":
        return argv[:1], argv[1:]
    return argv, []


def _terminate(signum, _frame):
    say(f"\nterminated by signal {signum}: cleaning up")
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if inherited
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    try:
        if args.command == "test":
            return cmd_test(args)
        if args.command == "i18n":
            return cmd_i18n(args)
        if args.command == "pytest":
            return cmd_pytest(args)
        if args.command == "bench":
            return cmd_bench_scale(args)
        return cmd_bench(args) if args.bench else cmd_demo(args)
    except HarnessError as exc:
        say(f"ERROR: {exc}")
        return 1
    except KeyboardInterrupt:
        say("\ninterrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
