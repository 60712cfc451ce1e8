#!/usr/bin/env python3
"""Developer entry point of the sales_closing repo (standard library only).

    python3 tools/dev.py test    # lint + plain-Python tests + Odoo tests
    python3 tools/dev.py demo    # fresh demo database + tools/demo_walkthrough.py

``test`` ends with one line ``sales_closing: N passed, M failed[, K skipped]``
where N/M/K count plain pytest and Odoo tests, M also counting every failed
check (ruff, pylint, install error, ERROR log records, no tests run). It exits
non-zero whenever M > 0. Without Odoo 18 the very last line says so loudly.

Odoo 18 is taken from $ODOO_PATH (default /opt/odoo) and run through a
symlink view of its tree that hides proprietary OEEL-1 modules (see devlib).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import devlib
from devlib import ADDON, REPO_ROOT, HarnessError, say

TEST_DB = f"{ADDON}_test"
DEMO_DB = f"{ADDON}_demo"
WALKTHROUGH = REPO_ROOT / "tools" / "demo_walkthrough.py"
BENCH = REPO_ROOT / "tools" / "bench_close.py"
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


def header(title: str) -> None:
    say(f"\n== {title} ==")


def run_tool(cmd: list[str], env: dict | None = None) -> int:
    say("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run(
        cmd, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, check=False
    ).returncode


# ---------------------------------------------------------------- lint ----


def run_lint(python: Path, tally: Tally) -> None:
    checks = [
        (
            "ruff check",
            [python, "-m", "ruff", "check", "--no-fix", "--output-format=concise", "."],
        ),
        ("ruff format --check", [python, "-m", "ruff", "format", "--check", "."]),
        # fix locally: ruff check --fix . && ruff format .  (from the lint venv)
    ]
    if devlib.addon_present():
        pylint = [python, "-m", "pylint", "--rcfile=.pylintrc-mandatory", ADDON]
        checks.append(("pylint-odoo (mandatory checks)", pylint))
    for label, cmd in checks:
        header(label)
        with tally.timed(label):
            rc = run_tool([str(c) for c in cmd])
        if rc:
            tally.check_failed(f"{label} (exit {rc}; see above)")


# ---------------------------------------------------------- plain tests ----


def junit_counts(path: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from a pytest JUnit XML report."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    run = failed = skipped = 0
    for suite in suites:
        run += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return run - failed - skipped, failed, skipped


def run_plain_tests(python: Path, tally: Tally) -> None:
    header("plain-Python tests (pytest)")
    targets = [str(PLAIN_TESTS)] if PLAIN_TESTS.is_dir() else []
    targets += sorted(glob.glob(str(REPO_ROOT / ADDON_PLAIN_TESTS)))
    if not targets:
        say("no plain-Python tests found")
        return
    junit = devlib.run_dir() / "pytest-plain.xml"
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


def odoo_python() -> Path:
    odoo_root, _ = devlib.find_odoo()
    reqs = devlib.odoo_requirements(odoo_root)
    reqs += list(devlib.ODOO_EXTRA_REQUIREMENTS) + devlib.addon_python_requirements()
    return devlib.ensure_venv("odoo", reqs, devlib.ODOO_BUILD_CONSTRAINTS)


def prepare_odoo(odoo_root: Path, tally: Tally | None = None):
    """(python, view) for running Odoo: cached venv + fresh OEEL-1-free view."""
    timed = tally.timed if tally else lambda _label: contextlib.nullcontext()
    with timed("odoo venv"):
        python = odoo_python()
    with timed("odoo view"):
        view = devlib.build_view(odoo_root, devlib.view_dir_for(odoo_root))
    say(
        f"[view] {view.root}: {view.linked_modules} modules linked, "
        f"{len(view.excluded)} OEEL-1 modules and {len(view.unresolvable)} modules "
        "depending on them hidden"
    )
    return python, view


def addons_paths(view: devlib.OdooView, extra: list[str]) -> list[Path]:
    paths = [*view.addons_paths, *(Path(p).resolve() for p in extra)]
    if devlib.is_addons_dir(REPO_ROOT):
        paths.append(REPO_ROOT)
    return paths


def query_test_db(cluster: devlib.PgCluster, sql: str) -> list[str]:
    """Rows of ``sql`` in the test database; none if Odoo did not get that far."""
    try:
        if not cluster.database_exists(TEST_DB):
            return []
        return cluster.psql(sql, TEST_DB).splitlines()
    except HarnessError:  # e.g. ir_module_module not created
        return []


def module_states(cluster: devlib.PgCluster, modules: list[str]) -> dict[str, str]:
    names = ",".join(f"'{m}'" for m in modules)
    sql = f"SELECT name, state FROM ir_module_module WHERE name IN ({names})"
    return dict(row.split("|", 1) for row in query_test_db(cluster, sql) if row)


def installed_enterprise(cluster: devlib.PgCluster) -> list[str]:
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
        f"--http-port={devlib.free_port()}",
        "--max-cron-threads=0",
        "--workers=0",
        "--log-level=info",
    ]


def judge_odoo_run(tally, report, rc, states, enterprise, modules) -> None:
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
    if ADDON in modules and not devlib.addon_present():
        say(f"skipped: {ADDON}/ add-on not found (already counted as a failure)")
        return
    tags = args.test_tags or ",".join(f"/{m}" for m in modules)
    python, view = prepare_odoo(odoo_root, tally)
    bindir = devlib.ensure_pg_bindir()
    say(f"[browser] {devlib.ensure_chromium()} for the UI tours")
    logfile = devlib.run_dir() / "odoo-test.log"
    with devlib.throwaway_cluster(bindir, args.keep, TEST_DB) as cluster:
        work = cluster.base.parent
        conf = work / "odoo.conf"
        conf.write_text("[options]\n", encoding="utf-8")
        cmd = devlib.odoo_command(
            python,
            [],
            conf,
            addons_paths(view, args.addons_path),
            cluster,
            work / "data",
            odoo_test_args(modules, tags),
        )
        env = devlib.odoo_env(view.root)
        say(f"[odoo] installing {','.join(modules)} and running tests {tags}")
        say(f"[odoo] full log: {logfile}")
        with tally.timed("odoo install + tests"):
            rc = devlib.run_logged(
                cmd, env, work, logfile, devlib.LogEcho(modules, args.verbose)
            )
        report = devlib.parse_odoo_log(logfile.read_text(errors="replace").splitlines())
        states = module_states(cluster, modules)
        enterprise = installed_enterprise(cluster)
        if args.keep:
            say(f"[odoo] --keep: database {TEST_DB}; rerun Odoo (cwd {work}) with:")
            say(f"  PYTHONPATH={view.root} TZ=UTC " + " ".join(cmd))
    judge_odoo_run(tally, report, rc, states, enterprise, modules)


def run_demo_check(tally: Tally, odoo_root: Path) -> None:
    """Run the demo command's job on a fresh database in a throwaway cluster:
    it must exit 0 (counted as one test)."""
    header("demo check (the demo command's job on a fresh database)")
    python, view = prepare_odoo(odoo_root)
    with devlib.throwaway_cluster(devlib.ensure_pg_bindir(), False, DEMO_DB) as cluster:
        work = cluster.base.parent
        conf = work / "odoo.conf"
        conf.write_text("[options]\n", encoding="utf-8")
        data_dir = work / "data"
        with tally.timed("demo check"):
            rc = demo_install(python, view, cluster, conf, data_dir)
            rc = rc or demo_walkthrough(python, view, cluster, conf, data_dir)
    if rc:
        tally.add_tests(0, 1, 0)
        tally.problems.append(f"demo walkthrough exited {rc} on a fresh database")
    else:
        tally.add_tests(1, 0, 0)
        say("[demo] walkthrough exited 0 on a fresh database")


# -------------------------------------------------------------- command ----


def stage(tally: Tally, label: str, func, *args) -> object:
    """Run one stage; a HarnessError becomes one failed check, not a crash."""
    try:
        return func(*args)
    except HarnessError as exc:
        tally.check_failed(f"{label}: {exc}")
        return None


def cmd_test(args) -> int:
    tally = Tally()
    if not devlib.addon_present():
        tally.check_failed(
            f"{ADDON}/ add-on directory (with __manifest__.py) not found"
        )
    if not args.odoo_only:
        header("lint/test venv")
        with tally.timed("lint venv"):
            python = stage(
                tally, "lint venv", devlib.ensure_venv, "lint", devlib.LINT_REQUIREMENTS
            )
        if python and not args.skip_lint:
            run_lint(python, tally)
        if python:
            run_plain_tests(python, tally)
    if args.no_odoo:
        odoo_root, why = None, "--no-odoo given"
    else:
        odoo_root, where = devlib.find_odoo()
        why = f"Odoo 18 not found at {where}"
    if odoo_root:
        stage(tally, "Odoo tests", run_odoo_tests, args, tally, odoo_root)
        if not (args.test_tags or args.no_demo):
            stage(tally, "demo check", run_demo_check, tally, odoo_root)
    if tally.tests_seen == 0:
        tally.check_failed("no test ran at all (plain or Odoo)")
    header("summary")
    for problem in tally.problems:
        say(f"FAILED: {problem.splitlines()[0]}")
    say("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in tally.timings))
    say(tally.count_line())
    if not odoo_root:
        say(f"ODOO TESTS SKIPPED: {why} — only lint and " "plain-Python tests ran.")
    return 1 if tally.failed else 0


# ----------------------------------------------------------------- demo ----


def demo_cluster(bindir: Path) -> devlib.PgCluster:
    """The demo's persistent cluster: in the cache dir if postgres can use it."""
    candidates = [
        devlib.cache_dir() / "demo" / "pg",
        Path("/var/tmp/sales_closing-demo/pg"),
    ]
    for base in candidates:
        sockdir = base if len(str(base)) < devlib.MAX_SOCKET_DIR_LEN else None
        cluster = devlib.PgCluster(bindir, base, devlib.free_port(), sockdir)
        if sockdir is None:
            cluster.sockdir = devlib.short_tempdir("sc-demo-sock-")
        try:
            cluster.prepare()
            return cluster
        except HarnessError as exc:
            say(f"[demo] not keeping PostgreSQL data in {base}: {exc}")
            with contextlib.suppress(OSError):
                base.rmdir()
    raise HarnessError("no usable directory for the demo PostgreSQL cluster")


def demo_install(python, view, cluster, conf, data_dir) -> int:
    say(f"[demo] fresh database {DEMO_DB}")
    cluster.psql(f'DROP DATABASE IF EXISTS "{DEMO_DB}" WITH (FORCE)')
    devlib.remove_tree(data_dir / "filestore" / DEMO_DB)
    logfile = devlib.run_dir() / "demo-install.log"
    say(f"[demo] installing {ADDON} (log: {logfile})")
    cmd = devlib.odoo_command(
        python,
        [],
        conf,
        addons_paths(view, []),
        cluster,
        data_dir,
        [
            f"--database={DEMO_DB}",
            f"--init={ADDON}",
            "--without-demo=all",
            "--stop-after-init",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={devlib.free_port()}",
        ],
    )
    rc = devlib.run_logged(
        cmd, devlib.odoo_env(view.root), conf.parent, logfile, devlib.LogEcho([ADDON])
    )
    report = devlib.parse_odoo_log(logfile.read_text(errors="replace").splitlines())
    state = cluster.psql(
        f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'", DEMO_DB
    )
    if rc or state != "installed" or report.error_records:
        say(f"[demo] install of {ADDON} failed (exit {rc}, state {state or 'absent'})")
        return rc or 1
    return 0


def demo_walkthrough(
    python, view, cluster, conf, data_dir, script=WALKTHROUGH, extra_env=None
) -> int:
    if not script.is_file():
        say(
            f"[demo] {script.relative_to(REPO_ROOT)} not found: nothing to run "
            f"(database {DEMO_DB} is installed)."
        )
        return 0
    say(f"[demo] running {script.relative_to(REPO_ROOT)} in `odoo shell`")
    cmd = devlib.odoo_command(
        python,
        ["shell"],
        conf,
        addons_paths(view, []),
        cluster,
        data_dir,
        [f"--database={DEMO_DB}", "--no-http", "--log-level=warn"],
    )
    with open(script, encoding="utf-8") as stdin:
        rc = subprocess.run(
            cmd,
            stdin=stdin,
            env={
                **devlib.odoo_env(view.root),
                # lets the script import its sections from tools/
                "SALES_CLOSING_TOOLS": str(REPO_ROOT / "tools"),
                **(extra_env or {}),
            },
            cwd=conf.parent,
            check=False,
        ).returncode
    if rc:
        say(f"[demo] {script.name} failed (exit {rc})")
    return rc


def demo_serve(python, view, cluster, conf, data_dir, port: int) -> int:
    if not devlib.port_is_free(port):
        say(f"[demo] port {port} is busy on 127.0.0.1; use --http-port")
        return 1
    cmd = devlib.odoo_command(
        python,
        [],
        conf,
        addons_paths(view, []),
        cluster,
        data_dir,
        [
            f"--database={DEMO_DB}",
            f"--db-filter=^{DEMO_DB}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
        ],
    )
    say(
        f"\n[demo] Odoo serves {DEMO_DB} at http://127.0.0.1:{port}/odoo\n"
        "[demo] login: admin / password: admin — Ctrl-C to stop\n"
    )
    proc = subprocess.Popen(
        cmd, env=devlib.odoo_env(view.root), cwd=conf.parent, stdin=subprocess.DEVNULL
    )
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        devlib.stop_process(proc)


def cmd_demo(args) -> int:
    odoo_root, where = devlib.find_odoo()
    if not odoo_root:
        say(f"demo needs Odoo 18, not found at {where}.")
        return 1
    if not args.serve_only and not devlib.addon_present():
        say(f"demo needs the {ADDON}/ add-on, not found in {REPO_ROOT}.")
        return 1
    python, view = prepare_odoo(odoo_root)
    cluster = demo_cluster(devlib.ensure_pg_bindir())
    data_dir = devlib.cache_dir() / "demo" / "odoo-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    conf = data_dir.parent / "odoo.conf"
    conf.write_text("[options]\n", encoding="utf-8")
    if (args.serve_only or args.bench) and not (cluster.data / "PG_VERSION").is_file():
        say("demo --serve-only: no demo database yet; run `tools/dev.py demo` first.")
        return 1
    try:
        cluster.initdb()
        cluster.start()
        if args.serve_only:
            if not cluster.database_exists(DEMO_DB):
                say(f"demo --serve-only: no {DEMO_DB} database; run demo first.")
                return 1
        elif args.bench:
            if not cluster.database_exists(DEMO_DB):
                say(
                    "demo --bench: no demo database yet; run `tools/dev.py demo` first."
                )
                return 1
            return demo_walkthrough(
                python,
                view,
                cluster,
                conf,
                data_dir,
                script=BENCH,
                extra_env={"BENCH_LINES": str(args.bench)},
            )
        else:
            rc = demo_install(python, view, cluster, conf, data_dir)
            rc = rc or demo_walkthrough(python, view, cluster, conf, data_dir)
            if rc or not args.serve:
                return rc
        return demo_serve(python, view, cluster, conf, data_dir, args.http_port)
    finally:
        cluster.stop()
        if cluster.sockdir != cluster.base:
            devlib.remove_tree(cluster.sockdir)


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
    return parser.parse_args(argv)


def _terminate(signum, _frame):
    say(f"\nterminated by signal {signum}: cleaning up")
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if inherited
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    try:
        return cmd_test(args) if args.command == "test" else cmd_demo(args)
    except HarnessError as exc:
        say(f"ERROR: {exc}")
        return 1
    except KeyboardInterrupt:
        say("\ninterrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
