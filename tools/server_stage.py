"""The server tests of ``dev.py test``: a real Odoo server, with workers, on
the database the demo check has just built through Odoo's flows, driven
from outside by ``tests_server/`` (pytest, through XML-RPC, JSON-RPC and the
web client's own calls, as real users would).

Owns: starting that server in multi-process mode (``running_server``),
waiting until it answers, running ``tests_server/`` against it, counting its
results, and failing the stage on any ERROR record in the server's log.
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
    run_dir,
    run_tool,
    say,
)
from odoo_log import parse_odoo_log
from odoo_run import OdooRunner, stop_process
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
    runner: OdooRunner, dbname: str, log: Path, workers: int = 2
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
        env=runner.env(),
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
    with tally.timed("server tests"), running_server(runner, dbname, log) as url:
        server = {"url": url, "db": dbname, **ADMIN}
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
