"""Running Odoo 18 in a subprocess: the command line, its environment, its log.

Owns: ``prepare_odoo`` (the Odoo venv and a fresh OEEL-1-free view),
``odoo_command`` and ``odoo_env`` (how ``python -m odoo`` is called),
``run_logged`` (output to a log file, chosen lines echoed), ``stop_process``,
finding the browser Odoo's UI tours drive, and ``OdooRunner``: one Odoo set up
against one PostgreSQL cluster, which every stage and command uses to run Odoo
with its own arguments; ``install_addon`` (the add-on installed into a fresh
database, or updated in an existing one).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from harness import (
    ADDON,
    MERGED_OUTPUT,
    REPO_ROOT,
    HarnessError,
    apt_install,
    free_port,
    remove_tree,
    say,
)
from odoo_log import LogEcho, OdooLogReport, parse_odoo_log
from odoo_tree import OdooView, build_view, is_addons_dir, view_dir_for
from pg_cluster import PgCluster, ensure_pg_bindir, throwaway_cluster
from venvs import odoo_python

BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


def ensure_chromium() -> str:
    """Find the browser Odoo's tours drive, installing Debian's chromium if
    root: without one Odoo skips tour tests, and we want them run."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    apt_install("chromium", "no Chrome/Chromium on PATH for the UI tours")
    found = shutil.which("chromium")
    if not found:
        raise HarnessError("chromium installed but not found on PATH")
    return found


#: Command-line tools the close pack needs, with the Debian package of each:
#: wkhtmltopdf renders its PDF, pdftotext reads it back in the tests.
REPORT_TOOLS = (("wkhtmltopdf", "wkhtmltopdf"), ("pdftotext", "poppler-utils"))
#: Debian's package of the Chinese fonts the pack's PDF needs in zh_CN.
CJK_FONT_PACKAGE = "fonts-noto-cjk"


def ensure_report_tools() -> list[str]:
    """Find the PDF tools of the close pack and a Chinese font, installing
    Debian's packages if root (Debian's wkhtmltopdf ignores Odoo's report
    header and footer: the pack puts everything in the body). Return their
    paths."""
    found = []
    for command, package in REPORT_TOOLS:
        if not shutil.which(command):
            apt_install(package, f"no {command} on PATH for the close pack's PDF")
        path = shutil.which(command)
        if not path:
            raise HarnessError(f"{package} installed but {command} not found on PATH")
        found.append(path)
    font = cjk_font()
    if not font:
        apt_install(
            CJK_FONT_PACKAGE, "no Chinese font for the close pack's PDF in zh_CN"
        )
        font = cjk_font()
    if not font:
        raise HarnessError(
            f"{CJK_FONT_PACKAGE} installed but fontconfig finds no Chinese font"
        )
    found.append(font)
    return found


def cjk_font() -> str | None:
    """The file of a font fontconfig offers for Chinese (wkhtmltopdf draws
    empty boxes without one), or None."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return None
    listed = subprocess.run(
        [fc_list, ":lang=zh", "file"], capture_output=True, text=True, check=False
    ).stdout.split()
    return min(listed).rstrip(":") if listed else None


def prepare_odoo(odoo_root: Path, tally=None) -> tuple[Path, OdooView]:
    """(python, view) for running Odoo: cached venv + fresh OEEL-1-free view.

    With a ``tally`` (``testrun.Tally``), both steps are timed in it.
    """
    timed = tally.timed if tally else lambda _label: contextlib.nullcontext()
    with timed("odoo venv"):
        python = odoo_python()
    with timed("odoo view"):
        view = build_view(odoo_root, view_dir_for(odoo_root))
    say(
        f"[view] {view.root}: {view.linked_modules} modules linked, "
        f"{len(view.excluded)} OEEL-1 modules and {len(view.unresolvable)} modules "
        "depending on them hidden"
    )
    return python, view


def addons_paths(view: OdooView, extra: Iterable[str] = ()) -> list[Path]:
    """The view's addons dirs, ``extra`` ones, then the repo (the add-on)."""
    paths = [*view.addons_paths, *(Path(p).resolve() for p in extra)]
    if is_addons_dir(REPO_ROOT):
        paths.append(REPO_ROOT)
    return paths


def odoo_env(view_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(view_root),
        TZ="UTC",  # odoo-bin does the same
        PYTHONUNBUFFERED="1",
        PYTHONNOUSERSITE="1",
        # write no .pyc next to Odoo's files (via the view) or into the add-on
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("ODOO_RC", None)
    return env


def odoo_command(
    python: Path,
    subcommand: list[str],
    conf: Path,
    addons_paths: list[Path],
    cluster: PgCluster,
    data_dir: Path,
    extra: Iterable[str] = (),
) -> list[str]:
    return [
        str(python),
        "-m",
        "odoo",
        *subcommand,
        f"--config={conf}",
        "--addons-path=" + ",".join(str(p) for p in addons_paths),
        *cluster.db_args(),
        f"--data-dir={data_dir}",
        *extra,
    ]


def stop_process(proc: subprocess.Popen, grace: float = 5) -> None:
    """Make sure ``proc`` is gone: wait ``grace`` s (a Ctrl-C reaches it too),
    then SIGTERM, then SIGKILL."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(grace)
        return
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_logged(
    cmd: list[str],
    env: dict[str, str],
    cwd: Path,
    logfile: Path,
    echo: Callable[[str], bool] | None = None,
) -> int:
    """Run ``cmd``, writing stdout+stderr to ``logfile``, echoing chosen lines."""
    with open(logfile, "w", encoding="utf-8") as log:
        log.write("$ " + " ".join(cmd) + "\n")
        proc = subprocess.Popen(
            cmd, env=env, cwd=cwd, errors="replace", bufsize=1, **MERGED_OUTPUT
        )
        try:
            for line in proc.stdout:
                log.write(line)
                if echo is None or echo(line):
                    sys.stdout.write(line)
                    sys.stdout.flush()
            return proc.wait()
        finally:
            stop_process(proc)


@dataclasses.dataclass
class OdooRunner:
    """One Odoo (venv + view) set up to run against one PostgreSQL cluster.

    ``work`` is Odoo's working directory and holds its empty ``odoo.conf``;
    ``data_dir`` is its ``--data-dir`` (filestore, sessions). Each ``run*``
    method runs ``python -m odoo`` with the given arguments.
    """

    python: Path
    view: OdooView
    cluster: PgCluster
    work: Path
    data_dir: Path
    addons: list[Path]

    @classmethod
    def create(
        cls,
        odoo: tuple[Path, OdooView],
        cluster: PgCluster,
        work: Path,
        data_dir: Path,
        extra_addons: Iterable[str] = (),
    ) -> OdooRunner:
        """A runner for ``odoo`` (``prepare_odoo``'s result); writes the conf."""
        python, view = odoo
        (work / "odoo.conf").write_text("[options]\n", encoding="utf-8")
        paths = addons_paths(view, extra_addons)
        return cls(python, view, cluster, work, data_dir, paths)

    def command(self, args: Iterable[str], subcommand: Iterable[str] = ()) -> list[str]:
        conf = self.work / "odoo.conf"
        sub = list(subcommand)
        return odoo_command(
            self.python, sub, conf, self.addons, self.cluster, self.data_dir, args
        )

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {**odoo_env(self.view.root), **(extra or {})}

    def run_logged(
        self, args: Iterable[str], logfile: Path, echo: Callable[[str], bool]
    ) -> tuple[int, OdooLogReport]:
        """Run Odoo with its log in ``logfile``: (exit code, parsed log)."""
        rc = run_logged(self.command(args), self.env(), self.work, logfile, echo)
        return rc, parse_odoo_log(logfile.read_text(errors="replace").splitlines())

    def run(
        self,
        args: Iterable[str],
        subcommand: Iterable[str] = (),
        stdin=subprocess.DEVNULL,
        extra_env: dict[str, str] | None = None,
    ) -> int:
        """Run Odoo attached to the terminal; its exit code."""
        proc = subprocess.Popen(
            self.command(args, subcommand),
            env=self.env(extra_env),
            cwd=self.work,
            stdin=stdin,
        )
        try:
            return proc.wait()
        finally:
            stop_process(proc)


def install_addon(
    runner: OdooRunner, dbname: str, logfile: Path, update: bool = False
) -> int:
    """Install the add-on into a fresh ``dbname`` (dropped first, with its
    filestore) or, with ``update``, update it in the existing one (``-u``).
    0 when Odoo exited 0 with the add-on installed and no ERROR in its log."""
    what = "update" if update else "install"
    if not update:
        runner.cluster.psql(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        remove_tree(runner.data_dir / "filestore" / dbname)
    say(f"[odoo] {what} of {ADDON} in {dbname} (log: {logfile})")
    install_args = [
        f"--database={dbname}",
        f"--{'update' if update else 'init'}={ADDON}",
        "--without-demo=all",
        "--stop-after-init",
        "--max-cron-threads=0",
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
    ]
    rc, report = runner.run_logged(install_args, logfile, LogEcho([ADDON]))
    state = ""
    with contextlib.suppress(HarnessError):  # no ir_module_module: install broke
        state = runner.cluster.psql(
            f"SELECT state FROM ir_module_module WHERE name = '{ADDON}'", dbname
        )
    if rc or state != "installed" or report.error_records:
        say(f"[odoo] {what} of {ADDON} failed (exit {rc}, state {state or 'absent'})")
        return rc or 1
    return 0


@contextlib.contextmanager
def throwaway_runner(
    odoo: tuple[Path, OdooView],
    keep: bool = False,
    dbname: str = "postgres",
    extra_addons: Iterable[str] = (),
) -> Iterator[OdooRunner]:
    """An ``OdooRunner`` on a fresh throwaway cluster (``throwaway_cluster``);
    its conf and data dir live beside the cluster and go with it."""
    with throwaway_cluster(ensure_pg_bindir(), keep, dbname) as cluster:
        work = cluster.base.parent
        yield OdooRunner.create(odoo, cluster, work, work / "data", extra_addons)
