"""The stages of ``dev.py test`` and their tally.

Owns: ``Tally`` (passed, failed, skipped, failed checks, timings, and the
final line ``sales_closing: N passed, M failed[, K skipped]``); the stages
after lint: the plain-Python tests (pytest, counted from its JUnit report),
the Odoo tests (install the add-on into a fresh database of a throwaway
cluster, run its tests, judge the log and the module states) and the demo
check (the demo command's job on a fresh database, counted as one test);
``cmd_test``, which runs them in order. Named so pytest does not collect it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import time
from collections.abc import Iterator
from pathlib import Path

from demo_cmd import DEMO_DB, demo_install, run_in_shell
from harness import (
    ADDON,
    REPO_ROOT,
    HarnessError,
    free_port,
    header,
    junit_counts,
    run_dir,
    run_tool,
    say,
)
from lint import run_lint
from odoo_log import LogEcho, OdooLogReport
from odoo_run import (
    ensure_chromium,
    ensure_report_tools,
    prepare_odoo,
    throwaway_runner,
)
from odoo_tree import addon_present, find_odoo
from pg_cluster import PgCluster
from server_stage import run_server_tests
from venvs import LINT_REQUIREMENTS, ensure_venv

TEST_DB = f"{ADDON}_test"
PLAIN_TESTS = REPO_ROOT / "tests_plain"
ADDON_PLAIN_TESTS = f"{ADDON}/tests/plain/test_*.py"


class Tally:
    """Aggregated outcome of all stages of ``dev.py test``."""

    def __init__(self) -> None:
        self.passed = self.failed = self.skipped = 0
        self.tests_seen = 0  # tests run (any outcome), plain + Odoo
        self.problems: list[str] = []
        self.timings: list[tuple[str, float]] = []

    def add_tests(self, passed: int, failed: int, skipped: int) -> None:
        self.passed += passed
        self.failed += failed
        self.skipped += skipped
        self.tests_seen += passed + failed + skipped

    def check_failed(self, what: str) -> None:
        self.failed += 1
        self.problems.append(what)
        say(f"FAILED: {what}")

    @contextlib.contextmanager
    def timed(self, label: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            self.timings.append((label, time.monotonic() - start))

    def count_line(self) -> str:
        line = f"{ADDON}: {self.passed} passed, {self.failed} failed"
        return line + (f", {self.skipped} skipped" if self.skipped else "")


def stage(tally: Tally, label: str, func, *args) -> object:
    """Run one stage; a HarnessError becomes one failed check, not a crash."""
    try:
        return func(*args)
    except HarnessError as exc:
        tally.check_failed(f"{label}: {exc}")
        return None


# ---------------------------------------------------------- plain tests ----


def run_plain_tests(python: Path, tally: Tally) -> None:
    header("plain-Python tests (pytest)")
    targets = [str(PLAIN_TESTS)] if PLAIN_TESTS.is_dir() else []
    targets += sorted(glob.glob(str(REPO_ROOT / ADDON_PLAIN_TESTS)))
    if not targets:
        say("no plain-Python tests found")
        return
    junit = run_dir() / "pytest-plain.xml"
    junit.unlink(missing_ok=True)
    # No .pyc files: never write into the add-on dir while it is being edited.
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    cmd = [str(python), "-m", "pytest", f"--config-file={REPO_ROOT / 'pytest.ini'}"]
    cmd += ["-q", "-rs", f"--rootdir={REPO_ROOT}", f"--junitxml={junit}", *targets]
    with tally.timed("plain tests"):
        rc = run_tool(cmd, env)
    if rc not in (0, 1, 5) or not junit.is_file():
        tally.check_failed(f"pytest could not run the plain tests (exit {rc})")
        return
    tally.add_tests(*junit_counts(junit))


# ----------------------------------------------------------- odoo tests ----


def query_test_db(cluster: PgCluster, sql: str) -> list[str]:
    """Rows of ``sql`` in the test database; none if Odoo did not get that far."""
    try:
        if not cluster.database_exists(TEST_DB):
            return []
        return cluster.psql(sql, TEST_DB).splitlines()
    except HarnessError:  # e.g. ir_module_module not created
        return []


def module_states(cluster: PgCluster, modules: list[str]) -> dict[str, str]:
    names = ",".join(f"'{m}'" for m in modules)
    sql = f"SELECT name, state FROM ir_module_module WHERE name IN ({names})"
    return dict(row.split("|", 1) for row in query_test_db(cluster, sql) if row)


def installed_enterprise(cluster: PgCluster) -> list[str]:
    return query_test_db(
        cluster,
        "SELECT name FROM ir_module_module WHERE license = 'OEEL-1'"
        " AND state IN ('installed', 'to install', 'to upgrade')",
    )


def odoo_test_args(modules: list[str], tags: str) -> list[str]:
    return [
        f"--database={TEST_DB}",
        "--init=" + ",".join(modules),
        "--test-enable",
        f"--test-tags={tags}",
        "--stop-after-init",
        "--without-demo=all",
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
        "--max-cron-threads=0",
        "--workers=0",
        "--log-level=info",
    ]


def judge_odoo_run(
    tally: Tally,
    report: OdooLogReport,
    rc: int,
    states: dict[str, str],
    enterprise: list[str],
    modules: list[str],
) -> None:
    """Count the Odoo tests and every way the run went wrong in ``tally``."""
    before = tally.failed
    tally.add_tests(report.passed, report.failures + report.errors, report.skipped)
    for problem in report.problems()[:20]:
        say(f"  odoo: {problem}")
    if report.error_records:
        tally.check_failed(
            f"Odoo log has {len(report.error_records)} ERROR/CRITICAL record(s) "
            "outside test results (see above)"
        )
    for module in modules:
        if states.get(module) != "installed":
            state = states.get(module) or "absent / database not created"
            tally.check_failed(f"module {module} not installed (state: {state})")
    if enterprise:
        tally.check_failed(f"OEEL-1 modules got installed: {', '.join(enterprise)}")
    if report.skipped:
        tally.check_failed(
            f"{report.skipped} Odoo test(s) skipped (a missing browser skips tours)"
        )
    if not report.summary_seen:
        tally.check_failed("Odoo printed no test summary (install error or crash)")
    elif report.tests_run == 0:
        tally.check_failed("zero Odoo tests ran (check --test-tags and tests/)")
    if rc and tally.failed == before:
        tally.check_failed(f"Odoo exited with code {rc}")


def run_odoo_tests(args, tally: Tally, odoo_root: Path) -> None:
    header(f"Odoo tests ({odoo_root})")
    modules = args.install.split(",")
    if ADDON in modules and not addon_present():
        say(f"skipped: {ADDON}/ add-on not found (already counted as a failure)")
        return
    tags = args.test_tags or ",".join(f"/{m}" for m in modules)
    odoo = prepare_odoo(odoo_root, tally)
    say(f"[browser] {ensure_chromium()} for the UI tours")
    say(f"[pdf] {', '.join(ensure_report_tools())} for the close pack")
    logfile = run_dir() / "odoo-test.log"
    test_args = odoo_test_args(modules, tags)
    with throwaway_runner(odoo, args.keep, TEST_DB, args.addons_path) as runner:
        say(f"[odoo] installing {','.join(modules)} and running tests {tags}")
        say(f"[odoo] full log: {logfile}")
        echo = LogEcho(modules, args.verbose)
        with tally.timed("odoo install + tests"):
            rc, report = runner.run_logged(test_args, logfile, echo)
        states = module_states(runner.cluster, modules)
        enterprise = installed_enterprise(runner.cluster)
        if args.keep:
            work, rerun = runner.work, " ".join(runner.command(test_args))
            say(f"[odoo] --keep: database {TEST_DB}; rerun Odoo (cwd {work}) with:")
            say(f"  PYTHONPATH={runner.view.root} TZ=UTC {rerun}")
    judge_odoo_run(tally, report, rc, states, enterprise, modules)


def run_demo_check(tally: Tally, odoo_root: Path, server: bool = True) -> None:
    """Run the demo command's job on a fresh database in a throwaway cluster:
    it must exit 0 (counted as one test). Then, unless ``server`` is False,
    the server tests against that database (``server_stage``)."""
    header("demo check (the demo command's job on a fresh database)")
    odoo = prepare_odoo(odoo_root)
    ensure_report_tools()
    with throwaway_runner(odoo, False, DEMO_DB) as runner:
        with tally.timed("demo check"):
            rc = demo_install(runner) or run_in_shell(runner)
        if rc:
            tally.add_tests(0, 1, 0)
            tally.problems.append(f"demo walkthrough exited {rc} on a fresh database")
            return
        tally.add_tests(1, 0, 0)
        say("[demo] walkthrough exited 0 on a fresh database")
        if server:
            # the demo's month, built through Odoo's flows, served with workers
            stage(tally, "server tests", run_server_tests, tally, runner, DEMO_DB)


# -------------------------------------------------------------- command ----


def run_python_stages(args, tally: Tally) -> None:
    """The lint venv, lint (unless --skip-lint) and the plain-Python tests."""
    header("lint/test venv")
    with tally.timed("lint venv"):
        python = stage(tally, "lint venv", ensure_venv, "lint", LINT_REQUIREMENTS)
    if python and not args.skip_lint:
        run_lint(python, tally)
    if python:
        run_plain_tests(python, tally)


def say_summary(tally: Tally, odoo_root: Path | None, why: str) -> None:
    header("summary")
    for problem in tally.problems:
        say(f"FAILED: {problem.splitlines()[0]}")
    say("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in tally.timings))
    say(tally.count_line())
    if not odoo_root:
        say(f"ODOO TESTS SKIPPED: {why} — only lint and plain-Python tests ran.")


def cmd_test(args) -> int:
    """``dev.py test``: every stage, then the summary; 1 if anything failed."""
    tally = Tally()
    if not addon_present():
        tally.check_failed(
            f"{ADDON}/ add-on directory (with __manifest__.py) not found"
        )
    if not (args.odoo_only or args.server_only):
        run_python_stages(args, tally)
    if args.no_odoo:
        odoo_root, why = None, "--no-odoo given"
    else:
        odoo_root, where = find_odoo()
        why = f"Odoo 18 not found at {where}"
    if odoo_root:
        if not args.server_only:
            stage(tally, "Odoo tests", run_odoo_tests, args, tally, odoo_root)
        if not (args.test_tags or args.no_demo):
            stage(
                tally,
                "demo check",
                run_demo_check,
                tally,
                odoo_root,
                not args.no_server,
            )
    if tally.tests_seen == 0:
        tally.check_failed("no test ran at all (plain or Odoo)")
    say_summary(tally, odoo_root, why)
    return 1 if tally.failed else 0
