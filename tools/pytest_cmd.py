"""The ``dev.py pytest`` command: the Odoo tests under pytest-odoo, in seconds.

Owns: the persistent ``pytest`` PostgreSQL cluster (its own, beside the
demo's: ``pg_cluster.persistent_cluster``) and its database
``sales_closing_pytest`` with the add-on installed; keeping that database
current (``database_plan``: installed fresh when missing, when Odoo's path or
its ``release.py`` changed, or when ``$SALES_CLOSING_PYTEST_FRESH`` is set;
updated with ``-u`` when the add-on's fingerprint changed, see
``addon_fingerprint``); the configuration
pytest-odoo reads (an Odoo conf and a pytest ini written in the cache dir);
running pytest in the Odoo venv with the arguments after ``pytest`` passed
through untouched, and returning pytest's exit code.

Without path arguments pytest runs ``sales_closing/tests`` (its ``testpaths``)
minus ``sales_closing/tests/plain`` (the plain stage's); relative paths are
taken from the repo root, where pytest runs. The Odoo tests are Odoo's
unittest classes: pytest-odoo loads the registry once, runs each class's
``setUpClass`` and tests in the savepoints Odoo's runner uses, and starts
Odoo's HTTP server in the pytest process (``--odoo-http``) for the tours.
The plugin (``pytest_plugins/odoo_test_mode.py``) lets the add-on's classes
share one base, rolled back class by class (``tests/shared_base.py``).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from addon_fingerprint import addon_fingerprint, changed_files
from harness import (
    ADDON,
    REPO_ROOT,
    HarnessError,
    cache_dir,
    free_port,
    run_dir,
    say,
)
from odoo_run import (
    OdooRunner,
    ensure_chromium,
    install_addon,
    prepare_odoo,
    stop_process,
)
from odoo_tree import addon_dir, addon_present, find_odoo
from pg_cluster import ensure_pg_bindir, persistent_cluster, stop_persistent_cluster

PYTEST_DB = f"{ADDON}_pytest"
FRESH_ENV = "SALES_CLOSING_PYTEST_FRESH"
ODOO_TESTS = f"{ADDON}/tests"
PLAIN_TESTS = f"{ADDON}/tests/plain"
PLUGINS_DIR = REPO_ROOT / "tools" / "pytest_plugins"
TEST_MODE_PLUGIN = "odoo_test_mode"


def work_dir() -> Path:
    """The command's cache dir: cluster, Odoo data dir, conf files, state."""
    return cache_dir() / "pytest"


# ------------------------------------------------------------- database ----


def odoo_fingerprint(odoo_root: Path) -> dict[str, str]:
    """Which Odoo built the database: its tree and its release file."""
    release = Path(odoo_root) / "odoo" / "release.py"
    return {
        "root": str(Path(odoo_root).resolve()),
        "release.py": hashlib.sha256(release.read_bytes()).hexdigest()[:16],
    }


def current_state(odoo_root: Path) -> dict:
    """What the database should have been built from, right now."""
    return {
        "database": PYTEST_DB,
        "odoo": odoo_fingerprint(odoo_root),
        "addon": addon_fingerprint(addon_dir()),
    }


def database_plan(
    recorded: dict | None, current: dict, exists: bool, fresh: bool
) -> tuple[str, str]:
    """``(action, why)``: ``install`` (fresh), ``update`` (``-u``) or ``keep``.

    ``recorded`` is the state saved after the last install or update that
    worked (None if there is none); ``current`` is ``current_state()``.
    """
    if fresh:
        return "install", f"${FRESH_ENV} is set"
    if not exists:
        return "install", f"no database {PYTEST_DB} yet"
    if not recorded or recorded.get("database") != current["database"]:
        return "install", "no record of what the database was built from"
    if recorded.get("odoo") != current["odoo"]:
        return "install", "Odoo changed since it was built"
    changed = changed_files(recorded.get("addon") or {}, current["addon"])
    if changed:
        more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        return "update", f"{ADDON} changed: {', '.join(changed[:5])}{more}"
    return "keep", "up to date"


def read_state(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def ensure_database(runner: OdooRunner, odoo_root: Path) -> int:
    """Install or update the add-on in ``PYTEST_DB`` if needed; 0 when ready."""
    state_file = work_dir() / "state.json"
    current = current_state(odoo_root)
    exists = runner.cluster.database_exists(PYTEST_DB)
    fresh = bool(os.environ.get(FRESH_ENV))
    action, why = database_plan(read_state(state_file), current, exists, fresh)
    say(f"[pytest] database {PYTEST_DB}: {why}")
    if action == "keep":
        return 0
    started = time.monotonic()
    if action == "install":
        state_file.unlink(missing_ok=True)  # a half-built database is unknown
    logfile = run_dir() / f"pytest-{action}.log"
    rc = install_addon(runner, PYTEST_DB, logfile, update=action == "update")
    if rc:
        return rc
    state_file.write_text(json.dumps(current, indent=1), encoding="utf-8")
    say(f"[pytest] {action} done in {time.monotonic() - started:.0f}s")
    return 0


# --------------------------------------------------------------- pytest ----


def odoo_conf_text(runner: OdooRunner) -> str:
    """The Odoo configuration file pytest-odoo reads (``--odoo-config``)."""
    cluster = runner.cluster
    options = {
        "db_host": cluster.sockdir,
        "db_port": cluster.port,
        "db_user": "odoo",
        "addons_path": ",".join(str(p) for p in runner.addons),
        "data_dir": runner.data_dir,
        "http_interface": "127.0.0.1",
        # never 8069/8072: a demo or another run may hold them
        "http_port": free_port(),
        "gevent_port": free_port(),
        "max_cron_threads": 0,
        "workers": 0,
    }
    return "[options]\n" + "".join(f"{k} = {v}\n" for k, v in options.items())


def pytest_ini_text() -> str:
    """The pytest configuration (``-c``): what runs without path arguments,
    and a cache of its own so that ``--lf`` works (the repo's pytest.ini is the
    plain stage's and turns the cache off)."""
    return (
        "[pytest]\n"
        f"testpaths = {ODOO_TESTS}\n"
        f"addopts = --ignore={PLAIN_TESTS}\n"
        f"cache_dir = {run_dir() / 'pytest-odoo-cache'}\n"
    )


def pytest_command(
    python: Path, conf: Path, ini: Path, user_args: list[str]
) -> list[str]:
    """``python -m pytest`` with pytest-odoo's options, then ``user_args``
    unchanged (a later ``--odoo-log-level`` of theirs wins)."""
    return [
        str(python),
        "-m",
        "pytest",
        f"-c={ini}",
        f"--rootdir={REPO_ROOT}",
        # conftest.py files from the add-on only, not the repo root's (the
        # plain tests' importer, which would shadow the installed add-on)
        f"--confcutdir={REPO_ROOT / ADDON}",
        # Odoo's test mode, as under --test-tags (see pytest_plugins/)
        "-p",
        TEST_MODE_PLUGIN,
        f"--odoo-config={conf}",
        f"--odoo-database={PYTEST_DB}",
        "--odoo-http",
        "--odoo-log-level=warn",
        *user_args,
    ]


def pytest_env(odoo_env: dict[str, str]) -> dict[str, str]:
    """The environment of pytest: Odoo's (``runner.env()``), the harness's
    plugins on ``PYTHONPATH``, and the compiled modules (Odoo's, the add-on's,
    the tests as pytest rewrites them) kept between runs in the cache dir,
    never next to their sources (Odoo's runs write none: each run would
    compile about 1,500 modules and rewrite the tests again, 1.5 s of CPU)."""
    env = dict(odoo_env)
    env["PYTHONPATH"] += os.pathsep + str(PLUGINS_DIR)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work_dir() / "pycache")
    return env


def run_pytest(runner: OdooRunner, user_args: list[str]) -> int:
    """Run pytest attached to the terminal (``--pdb`` works); its exit code."""
    conf, ini = work_dir() / "pytest-odoo.conf", work_dir() / "pytest.ini"
    conf.write_text(odoo_conf_text(runner), encoding="utf-8")
    ini.write_text(pytest_ini_text(), encoding="utf-8")
    cmd = pytest_command(runner.python, conf, ini, user_args)
    say("[pytest] " + " ".join(cmd[3:]))
    proc = subprocess.Popen(cmd, env=pytest_env(runner.env()), cwd=REPO_ROOT)
    try:
        return proc.wait()
    finally:
        stop_process(proc)


# -------------------------------------------------------------- command ----


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold ``path``'s lock: one ``dev.py pytest`` at a time per cache dir."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise HarnessError(
                f"another `dev.py pytest` is running on {path.parent}; wait for it"
            ) from exc
        yield


@contextlib.contextmanager
def started_runner(odoo_root: Path) -> Iterator[OdooRunner]:
    """The Odoo of ``dev.py pytest`` on its cluster, started; stopped on exit."""
    odoo = prepare_odoo(odoo_root)
    cluster = persistent_cluster(ensure_pg_bindir(), "pytest")
    data_dir = work_dir() / "odoo-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    runner = OdooRunner.create(odoo, cluster, work_dir(), data_dir)
    try:
        cluster.initdb()
        cluster.stop()  # left running by a killed run: restart it on our port
        cluster.start()
        yield runner
    finally:
        stop_persistent_cluster(cluster)


def cmd_pytest(args) -> int:
    """``dev.py pytest [PYTEST ARGS]``: pytest's exit code (1 if not run)."""
    odoo_root, where = find_odoo()
    if not odoo_root:
        say(f"pytest needs Odoo 18, not found at {where}.")
        return 1
    if not addon_present():
        say(f"pytest needs the {ADDON}/ add-on, not found in {REPO_ROOT}.")
        return 1
    with exclusive(work_dir() / ".lock"), started_runner(odoo_root) as runner:
        rc = ensure_database(runner, odoo_root)
        if rc:
            say(f"[pytest] database {PYTEST_DB} not ready: pytest not run")
            return rc
        say(f"[browser] {ensure_chromium()} for the UI tours")
        return run_pytest(runner, list(args.pytest_args))
