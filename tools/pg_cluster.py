"""Where the harness starts PostgreSQL: its private clusters and their binaries.

Owns: finding PostgreSQL's server binaries (``/usr/lib/postgresql/*/bin`` or
PATH; Debian's ``postgresql`` package is installed when root and missing),
``PgCluster`` (initdb, start, stop, psql on a Unix-socket-only cluster, run as
the ``postgres`` user when the harness is root), the *throwaway* cluster of
``dev.py test`` (temp dir, deleted at the end) and the *persistent* cluster of
``dev.py demo`` (under the cache dir, kept between runs).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from harness import (
    HarnessError,
    apt_install,
    cache_dir,
    free_port,
    remove_tree,
    run_checked,
    say,
)

PG_USER = "odoo"
# Unix socket paths are limited to 107 bytes; keep a margin for "/.s.PGSQL.NNNNN".
MAX_SOCKET_DIR_LEN = 80


def _version_key(path: str) -> tuple:
    return tuple(int(p) for p in re.findall(r"\d+", path))


def find_pg_bindir() -> Path | None:
    """A dir with initdb and pg_ctl: /usr/lib/postgresql/*/bin (newest), PATH."""
    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key)[::-1]:
        if os.access(os.path.join(cand, "initdb"), os.X_OK) and os.access(
            os.path.join(cand, "pg_ctl"), os.X_OK
        ):
            return Path(cand)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and os.path.dirname(initdb) == os.path.dirname(pg_ctl):
        return Path(initdb).parent
    return None


def ensure_pg_bindir() -> Path:
    """Find PostgreSQL server binaries, installing Debian's package if root."""
    bindir = find_pg_bindir()
    if bindir:
        return bindir
    apt_install(
        "postgresql",
        "PostgreSQL server binaries (initdb, pg_ctl) not found under "
        "/usr/lib/postgresql/*/bin nor on PATH",
    )
    bindir = find_pg_bindir()
    if not bindir:
        raise HarnessError("postgresql installed but initdb/pg_ctl still not found")
    return bindir


class PgCluster:
    """A private PostgreSQL cluster listening only on a Unix socket.

    As root, initdb/pg_ctl run as the ``postgres`` system user (initdb refuses
    root) and ``base`` is handed over to that user. Odoo connects with
    ``--db_host=<socket dir> --db_port=<port> --db_user=odoo``.
    """

    def __init__(
        self, bindir: Path, base: Path, port: int, sockdir: Path | None = None
    ):
        self.bindir = Path(bindir)
        self.base = Path(base)
        self.data = self.base / "data"
        self.logfile = self.base / "postgres.log"
        self.port = port
        self.sockdir = Path(sockdir) if sockdir else self.base
        self.as_root = os.geteuid() == 0

    def _cmd(self, tool: str, *args: str) -> list[str]:
        cmd = [str(self.bindir / tool), *args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return cmd

    def _run(self, what: str, *cmd: str) -> str:
        return run_checked(list(cmd), what, cwd=self.base, logfile=self.logfile)

    def prepare(self) -> None:
        """Create base/socket dirs and, as root, give them to ``postgres``."""
        for path in {self.base, self.sockdir}:
            path.mkdir(parents=True, exist_ok=True)
            if self.as_root:
                try:
                    pg = pwd.getpwnam("postgres")
                except KeyError as exc:
                    raise HarnessError(
                        "running as root but there is no 'postgres' system user"
                        " to run initdb/pg_ctl as"
                    ) from exc
                os.chown(path, pg.pw_uid, pg.pw_gid)
                os.chmod(path, 0o755)
                probe = subprocess.run(
                    ["runuser", "-u", "postgres", "--", "test", "-w", str(path)],
                    check=False,
                )
                if probe.returncode:
                    raise HarnessError(
                        f"user postgres cannot write to {path} (is a parent dir "
                        "not traversable, e.g. a 0700 home?)"
                    )

    def initdb(self) -> None:
        if (self.data / "PG_VERSION").is_file():
            return
        opts = f"-U {PG_USER} -A trust -E UTF8 --locale=C --no-sync".split()
        self._run("initdb", *self._cmd("initdb", "-D", str(self.data), *opts))

    def start(self) -> None:
        server_opts = (
            f"-k {self.sockdir} -c listen_addresses='' -p {self.port}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        cmd = self._cmd("pg_ctl", "-D", str(self.data), "-o", server_opts)
        cmd += ["-l", str(self.logfile), "-w", "-t", "60", "start"]
        self._run("pg_ctl start", *cmd)

    def is_running(self) -> bool:
        proc = subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.data), "status"),
            cwd=self.base if self.base.exists() else None,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        return proc.returncode == 0

    def stop(self, mode: str = "fast") -> None:
        if not self.data.is_dir() or not self.is_running():
            return
        subprocess.run(
            self._cmd("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop"),
            cwd=self.base,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )

    def db_args(self) -> list[str]:
        return [
            f"--db_host={self.sockdir}",
            f"--db_port={self.port}",
            f"--db_user={PG_USER}",
        ]

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        """Run SQL as the cluster's superuser; unaligned, tuples-only output."""
        conn = [
            "-h",
            str(self.sockdir),
            "-p",
            str(self.port),
            "-U",
            PG_USER,
            "-d",
            dbname,
        ]
        proc = subprocess.run(
            [str(self.bindir / "psql"), *"-X -q -A -t -v ON_ERROR_STOP=1".split()]
            + [*conn, "-c", sql],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode:
            raise HarnessError(f"psql failed: {sql!r}\n{proc.stderr.strip()}")
        return proc.stdout.strip()

    def database_exists(self, dbname: str) -> bool:
        rows = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'")
        return rows == "1"

    def connect_hint(self, dbname: str) -> str:
        return (
            f"psql -h {self.sockdir} -p {self.port} -U {PG_USER} {dbname}\n"
            f"stop it: {' '.join(self._cmd('pg_ctl', '-D', str(self.data), 'stop'))}"
        )


def short_tempdir(prefix: str) -> Path:
    """A fresh temp dir short enough to hold a PostgreSQL Unix socket."""
    base = tempfile.gettempdir()
    if len(base) > MAX_SOCKET_DIR_LEN - 30:
        base = "/tmp"
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    path.chmod(0o755)  # the postgres user must be able to traverse it
    return path


@contextlib.contextmanager
def throwaway_cluster(
    bindir: Path, keep: bool = False, dbname: str = "postgres"
) -> Iterator[PgCluster]:
    """Start a fresh cluster in a temp dir; stop and delete it on exit."""
    base = short_tempdir("sc-pg-")
    cluster = PgCluster(bindir, base / "pg", free_port())
    try:
        cluster.prepare()
        cluster.initdb()
        cluster.start()
        yield cluster
    finally:
        if keep and cluster.is_running():
            say(f"[pg] --keep: cluster left running in {base}")
            say(cluster.connect_hint(dbname))
        else:
            cluster.stop("immediate")
            remove_tree(base)


def demo_cluster(bindir: Path) -> PgCluster:
    """The demo's persistent cluster: in the cache dir if postgres can use it."""
    candidates = [
        cache_dir() / "demo" / "pg",
        Path("/var/tmp/sales_closing-demo/pg"),
    ]
    for base in candidates:
        sockdir = base if len(str(base)) < MAX_SOCKET_DIR_LEN else None
        cluster = PgCluster(bindir, base, free_port(), sockdir)
        if sockdir is None:
            cluster.sockdir = short_tempdir("sc-demo-sock-")
        try:
            cluster.prepare()
            return cluster
        except HarnessError as exc:
            say(f"[demo] not keeping PostgreSQL data in {base}: {exc}")
            with contextlib.suppress(OSError):
                base.rmdir()
    raise HarnessError("no usable directory for the demo PostgreSQL cluster")


def stop_demo_cluster(cluster: PgCluster) -> None:
    """Stop the demo cluster (its data stays) and drop a temp socket dir."""
    cluster.stop()
    if cluster.sockdir != cluster.base:
        remove_tree(cluster.sockdir)
