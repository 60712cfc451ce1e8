"""The server tests of ``dev.py test``: a real Odoo server, with workers, on
the database the demo check has just built through Odoo's flows, driven
from outside by ``tests_server/`` (pytest, through XML-RPC, JSON-RPC and the
web client's own calls, as real users would).

Owns: starting that server in multi-process mode (``running_server``),
waiting until it answers, running ``tests_server/`` against it, counting its
results, failing the stage on any ERROR record in the server's log, printing
the figures the tests recorded, and then the upgrade and uninstall check
(``upgrade_check``) on the database they leave.

The server runs with ``SALES_CLOSING_TEST_HOOKS`` set to a fresh directory:
the add-on's test-only pauses (``sales_closing/lib/test_hooks.py``) are armed
through it by the tests that kill a worker mid-close. No other Odoo the
harness starts has it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from harness import (
    REPO_ROOT,
    HarnessError,
    free_port,
    header,
    junit_counts,
    remove_tree,
    run_dir,
    run_tool,
    say,
)
from odoo_log import parse_odoo_log
from odoo_run import OdooRunner, stop_process
from upgrade_check import run_upgrade_check
from venvs import LINT_REQUIREMENTS, ensure_venv

SERVER_TESTS = REPO_ROOT / "tests_server"
#: the demo's administrator (tools/walkthrough/setup.py keeps Odoo's default)
ADMIN = {"login": "admin", "password": "admin"}


def wait_until_up(proc: subprocess.Popen, url: str, timeout: float = 180) -> None:
    """Return once ``url`` answers; raise if the server died or never did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise HarnessError(f"the Odoo server exited ({proc.returncode})")
        with contextlib.suppress(urllib.error.URLError, OSError):
            with urllib.request.urlopen(f"{url}/web/login", timeout=10) as answer:
                if answer.status == 200:
                    return
        time.sleep(1)
    raise HarnessError(f"the Odoo server did not answer at {url} in {timeout:.0f} s")


@contextlib.contextmanager
def running_server(
    runner: OdooRunner,
    dbname: str,
    log: Path,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Serve ``dbname`` with ``workers`` HTTP worker processes on a free
    loopback port (Odoo's own ``limit_time_real``); yield its URL."""
    port = free_port()
    args = [
        f"--database={dbname}",
        f"--db-filter=^{dbname}$",
        f"--workers={workers}",
        "--max-cron-threads=0",
        "--limit-time-real=120",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={free_port()}",  # never 8072: another Odoo may hold it
        f"--logfile={log}",
    ]
    log.unlink(missing_ok=True)
    # Odoo's prefork server starts its gevent (bus) process again from
    # sys.argv[0], which `python -m odoo` sets to a file that cannot run on
    # its own: start it from a script instead, like odoo-bin
    launcher = runner.work / "odoo-server.py"
    launcher.write_text("import odoo\n\nodoo.cli.main()\n", encoding="utf-8")
    command = runner.command(args)
    assert command[1:3] == ["-m", "odoo"], command
    proc = subprocess.Popen(
        [command[0], str(launcher), *command[3:]],
        env=runner.env(extra_env),
        cwd=runner.work,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, url)
        say(f"[server] Odoo with {workers} workers serves {dbname} at {url}")
        yield url
    finally:
        proc.terminate()  # Odoo's graceful shutdown of the workers
        stop_process(proc, grace=30)


def run_server_tests(tally, runner: OdooRunner, dbname: str) -> None:
    """Run ``tests_server/`` against a server on ``dbname`` and count them."""
    header("server tests (a running Odoo with workers, driven over RPC)")
    python = ensure_venv("lint", LINT_REQUIREMENTS)
    junit = run_dir() / "pytest-server.xml"
    junit.unlink(missing_ok=True)
    log = run_dir() / "server.log"
    hooks = runner.work / "test-hooks"
    remove_tree(hooks)
    hooks.mkdir()
    figures = run_dir() / "server-figures.json"
    figures.unlink(missing_ok=True)
    hook_env = {"SALES_CLOSING_TEST_HOOKS": str(hooks)}
    with (
        tally.timed("server tests"),
        running_server(runner, dbname, log, extra_env=hook_env) as url,
    ):
        server = {
            "url": url,
            "db": dbname,
            **ADMIN,
            "hooks": str(hooks),
            "log": str(log),
            "figures": str(figures),
        }
        env = dict(
            os.environ,
            PYTHONDONTWRITEBYTECODE="1",
            SALES_CLOSING_SERVER=json.dumps(server),
        )
        cmd = [str(python), "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"]
        cmd += [f"--rootdir={SERVER_TESTS}", f"--junitxml={junit}", str(SERVER_TESTS)]
        rc = run_tool(cmd, env)
    if rc not in (0, 1) or not junit.is_file():
        tally.check_failed(f"pytest could not run the server tests (exit {rc})")
        return
    tally.add_tests(*junit_counts(junit))
    errors = parse_odoo_log(log.read_text(errors="replace").splitlines())
    for record in errors.error_records:
        tally.check_failed(f"server log: {record}")
    with tally.timed("upgrade + uninstall"):
        upgrade = run_upgrade_check(tally, runner, dbname)
    say_figures(figures, upgrade)


def say_figures(path: Path, upgrade: dict) -> None:
    """Print the figures the server tests recorded (``conftest.FIGURES``)."""
    recorded = json.loads(path.read_text()) if path.is_file() else {}
    recorded.update(upgrade)
    say("[server] figures of this run:")
    for name, value in sorted(recorded.items()):
        if isinstance(value, str) and "\n" in value:  # a table (lock matrix)
            say(f"  {name}:")
            for line in value.splitlines():
                say(f"    {line}")
        else:
            say(f"  {name}: {value}")
