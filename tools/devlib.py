"""Shared helpers of the sales_closing developer harness (standard library only).

``tools/dev.py`` is the command line; everything it needs lives here in small
functions so that ``tests_plain/`` can test them without Odoo or a database:

* finding Odoo 18 (``$ODOO_PATH``, else ``/opt/odoo``);
* the symlink *view* of the Odoo tree that hides proprietary (OEEL-1) modules;
* cached virtualenvs keyed by a hash of what they contain;
* a throwaway PostgreSQL cluster (also usable by root, through ``runuser``);
* running Odoo with its log captured, and parsing that log.

Odoo itself is never copied, vendored or imported here: the view is made of
symlinks and Odoo only ever runs in a subprocess.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import fcntl
import glob
import hashlib
import importlib.machinery
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON = "sales_closing"
ODOO_MAJOR = 18
DEFAULT_ODOO_PATH = "/opt/odoo"
MANIFEST_NAMES = ("__manifest__.py", "__openerp__.py")
ENTERPRISE_LICENSE = "OEEL-1"

# Lint and plain-test tools; ruff and pylint-odoo pinned to the revisions OCA's
# repo template (oca-addons-repo-template) uses for 18.0.
LINT_REQUIREMENTS = (
    "ruff==0.6.8",
    "pylint-odoo==9.1.3",
    "pytest==8.3.5",
    "whool==1.3.1",
)
# Odoo's requirements.txt lines we never install: LDAP needs system headers and
# Odoo core does not import it; pypiwin32 is Windows only.
SKIPPED_ODOO_REQUIREMENTS = frozenset({"python-ldap", "pypiwin32"})
# Added to Odoo's own requirements: HttpCase browser tests need websocket-client.
ODOO_EXTRA_REQUIREMENTS = ("websocket-client==1.8.0",)
# cbor2==5.4.2 (Odoo's pin for Python < 3.12) only builds with an old setuptools.
ODOO_BUILD_CONSTRAINTS = ("setuptools<60",)

PG_USER = "odoo"
# Unix socket paths are limited to 107 bytes; keep a margin for "/.s.PGSQL.NNNNN".
MAX_SOCKET_DIR_LEN = 80


class HarnessError(Exception):
    """A problem of the environment or the harness, reported as one failure."""


def say(message: str) -> None:
    print(message, flush=True)


def cache_dir(environ: dict[str, str] | None = None) -> Path:
    """``${XDG_CACHE_HOME:-~/.cache}/sales_closing``."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache"
    )
    return Path(base) / ADDON


def run_dir() -> Path:
    """Repo-local, git-ignored folder for logs of the last runs."""
    path = REPO_ROOT / ".cache"
    path.mkdir(exist_ok=True)
    return path


# --------------------------------------------------------------------------
# Finding Odoo 18
# --------------------------------------------------------------------------


def read_odoo_major(odoo_root: Path) -> int | None:
    """Major version from ``odoo/release.py`` (``version_info[0]``), or None."""
    release = Path(odoo_root) / "odoo" / "release.py"
    try:
        text = release.read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r"^version_info\s*=\s*\(\s*(\d+)\s*,", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def find_odoo(environ: dict[str, str] | None = None) -> tuple[Path | None, str]:
    """Return ``(odoo_root, description)``; ``odoo_root`` is None when absent.

    ``$ODOO_PATH`` wins when set (no silent fallback if it is wrong); otherwise
    ``/opt/odoo`` is used when it holds an Odoo 18 tree.
    """
    environ = os.environ if environ is None else environ
    explicit = environ.get("ODOO_PATH")
    candidate = Path(explicit or DEFAULT_ODOO_PATH)
    origin = (
        f"$ODOO_PATH ({candidate})"
        if explicit
        else f"$ODOO_PATH (unset; default {candidate})"
    )
    if not (candidate / "odoo" / "release.py").is_file():
        return None, f"{origin}: no odoo/release.py there"
    major = read_odoo_major(candidate)
    if major != ODOO_MAJOR:
        return None, f"{origin}: odoo/release.py says version {major}, not 18"
    return candidate, f"Odoo {ODOO_MAJOR} at {candidate}"


# --------------------------------------------------------------------------
# Manifests and the OEEL-1 filtered view
# --------------------------------------------------------------------------


def manifest_path(module_dir: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        path = Path(module_dir) / name
        if path.is_file():
            return path
    return None


def read_manifest(module_dir: Path) -> dict | None:
    """The manifest as a dict, ``{}`` if unparsable, None if not a module dir."""
    path = manifest_path(module_dir)
    if path is None:
        return None
    try:
        value = ast.literal_eval(path.read_text(encoding="utf-8"))
    except (SyntaxError, ValueError, OSError, UnicodeDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


_LICENSE_RE = re.compile(r"""["']license["']\s*:\s*["']([^"']+)["']""")


def is_enterprise_module(module_dir: Path) -> bool:
    """True when the module's manifest declares the proprietary OEEL-1 license."""
    path = manifest_path(module_dir)
    if path is None:
        return False
    text = path.read_text(encoding="utf-8", errors="replace")
    if ENTERPRISE_LICENSE not in text:
        return False
    manifest = read_manifest(module_dir)
    if manifest:
        return manifest.get("license") == ENTERPRISE_LICENSE
    # Unparsable manifest mentioning OEEL-1: trust a textual license key.
    match = _LICENSE_RE.search(text)
    return bool(match and match.group(1) == ENTERPRISE_LICENSE)


@dataclasses.dataclass
class OdooView:
    root: Path
    addons_paths: list[Path]
    linked_modules: int
    excluded: list[str]  # OEEL-1 modules
    unresolvable: dict[str, list[str]]  # module -> hidden/missing dependencies


def _source_addons_dirs(odoo_root: Path) -> list[tuple[str, Path]]:
    """(view-relative name, source dir) of Odoo's addons dirs, in path order."""
    dirs = [("odoo/addons", odoo_root / "odoo" / "addons")]
    if (odoo_root / "addons").is_dir():
        dirs.append(("addons", odoo_root / "addons"))
    return dirs


def plan_modules(addons_dirs: Iterable[Path]) -> tuple[set, list, dict]:
    """Decide which modules the view shows: ``(shown, oeel, unresolvable)``.

    Hidden: OEEL-1 modules, then (to a fixpoint) modules depending on a module
    that is hidden or absent. The latter matter: Odoo marks an auto_install
    module "to install" when its *known* dependencies are, ignoring unknown
    ones, then fails with "Some modules have inconsistent states".
    """
    modules: dict[str, Path] = {}
    for addons in addons_dirs:
        for entry in sorted(os.scandir(addons), key=lambda e: e.name):
            if entry.is_dir() and manifest_path(Path(entry.path)):
                modules.setdefault(entry.name, Path(entry.path))
    oeel = sorted(name for name, path in modules.items() if is_enterprise_module(path))
    shown = set(modules) - set(oeel)
    depends = {
        name: list((read_manifest(modules[name]) or {}).get("depends") or ())
        for name in shown
    }
    unresolvable: dict[str, list[str]] = {}
    changed = True
    while changed:
        changed = False
        for name in sorted(shown):
            missing = [dep for dep in depends[name] if dep not in shown]
            if missing:
                shown.discard(name)
                unresolvable[name] = missing
                changed = True
    return shown, oeel, unresolvable


def _link_entries(src: Path, dst: Path, keep: Callable[[os.DirEntry], bool]) -> int:
    """Symlink the entries of ``src`` that ``keep`` accepts into a new ``dst``."""
    dst.mkdir()
    linked = 0
    for entry in sorted(os.scandir(src), key=lambda e: e.name):
        if entry.name != "__pycache__" and keep(entry):
            os.symlink(os.path.abspath(entry.path), dst / entry.name)
            linked += 1
    return linked


def remove_tree(path: Path) -> None:
    """rmtree that never follows symlinks (the view is full of them)."""
    path = Path(path)
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def view_addons_paths(view_root: Path) -> list[Path]:
    paths = [view_root / "odoo" / "addons"]
    if (view_root / "addons").is_dir():
        paths.append(view_root / "addons")
    return paths


def build_view(odoo_root: Path, view_root: Path) -> OdooView:
    """(Re)build the symlink view of ``odoo_root`` at ``view_root``.

    VIEW/odoo/ holds symlinks to every entry of ODOO/odoo except ``addons``;
    VIEW/odoo/addons/ (and VIEW/addons/ for an upstream layout) hold symlinks
    to each entry of the matching Odoo addons dir except OEEL-1 modules and
    modules that cannot be installed without them (see ``plan_modules``);
    non-module entries (``__init__.py``...) are kept. Built beside the target
    then swapped in, so a half-built view is never used.
    """
    odoo_root = Path(os.path.abspath(odoo_root))
    view_root = Path(view_root)
    view_root.parent.mkdir(parents=True, exist_ok=True)
    sources = _source_addons_dirs(odoo_root)
    shown, oeel, unresolvable = plan_modules(src for _, src in sources)
    hidden = set(oeel) | set(unresolvable)
    tmp = view_root.with_name(f"{view_root.name}.tmp-{os.getpid()}")
    remove_tree(tmp)
    tmp.mkdir()
    _link_entries(odoo_root / "odoo", tmp / "odoo", lambda e: e.name != "addons")
    for rel, src in sources:
        _link_entries(src, tmp / rel, lambda e: e.name not in hidden)
    (tmp / "SOURCE").write_text(f"{odoo_root}\n", encoding="utf-8")
    trash = view_root.with_name(f"{view_root.name}.old-{os.getpid()}")
    if view_root.exists() or view_root.is_symlink():
        os.rename(view_root, trash)
    os.rename(tmp, view_root)
    remove_tree(trash)
    return OdooView(
        view_root, view_addons_paths(view_root), len(shown), oeel, unresolvable
    )


def view_dir_for(odoo_root: Path) -> Path:
    key = hashlib.sha256(str(Path(odoo_root).resolve()).encode()).hexdigest()[:10]
    return cache_dir() / f"odoo-view-{key}"


def is_addons_dir(path: Path) -> bool:
    """What Odoo's --addons-path check accepts: a dir with >= 1 module in it."""
    path = Path(path)
    if not path.is_dir():
        return False
    for child in path.iterdir():
        if (
            child.is_dir()
            and (child / "__init__.py").is_file()
            and manifest_path(child)
        ):
            return True
    return False


def addon_dir() -> Path:
    return REPO_ROOT / ADDON


def addon_present() -> bool:
    return manifest_path(addon_dir()) is not None


# --------------------------------------------------------------------------
# Requirements and cached virtualenvs
# --------------------------------------------------------------------------


def requirement_name(line: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def clean_requirement_lines(text: str) -> list[str]:
    """Non-empty requirement lines without comments (markers are kept)."""
    lines = []
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def odoo_requirements(odoo_root: Path) -> list[str]:
    """Odoo's requirements.txt minus python-ldap and pypiwin32."""
    text = (Path(odoo_root) / "requirements.txt").read_text(encoding="utf-8")
    return [
        line
        for line in clean_requirement_lines(text)
        if requirement_name(line) not in SKIPPED_ODOO_REQUIREMENTS
    ]


def addon_python_requirements() -> list[str]:
    """external_dependencies['python'] of the add-on + test-requirements.txt."""
    reqs: list[str] = []
    manifest = read_manifest(addon_dir()) or {}
    external = manifest.get("external_dependencies") or {}
    reqs.extend(str(req) for req in external.get("python", ()))
    test_reqs = REPO_ROOT / "test-requirements.txt"
    if test_reqs.is_file():
        reqs.extend(clean_requirement_lines(test_reqs.read_text(encoding="utf-8")))
    return reqs


def venv_key(requirements: Iterable[str], constraints: Iterable[str] = ()) -> str:
    payload = json.dumps(
        {
            "python": sys.version,
            "executable": sys.executable,
            "requirements": list(requirements),
            "constraints": list(constraints),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def venv_python(venv: Path) -> Path:
    return Path(venv) / "bin" / "python"


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def ensure_venv(
    kind: str, requirements: Iterable[str], constraints: Iterable[str] = ()
) -> Path:
    """Python of a cached venv ``<cache>/venvs/<kind>-<hash>``, built if needed.

    The hash covers the Python interpreter, the requirement lines and the
    constraints: when any changes, a new venv is built and the old one removed.
    """
    requirements, constraints = list(requirements), list(constraints)
    venvs = cache_dir() / "venvs"
    venv = venvs / f"{kind}-{venv_key(requirements, constraints)}"
    marker = venv / ".sales_closing-complete"
    with file_lock(venvs / f".{kind}.lock"):
        if marker.is_file():
            say(f"[venv] reusing {venv}")
            return venv_python(venv)
        for stale in venvs.glob(f"{kind}-*"):
            remove_tree(stale)
        started = time.monotonic()
        say(f"[venv] building {venv} ({len(requirements)} requirements)…")
        _run_checked([sys.executable, "-m", "venv", str(venv)], "venv creation")
        (venv / "requirements.txt").write_text("\n".join(requirements) + "\n")
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
        if constraints:
            (venv / "constraints.txt").write_text("\n".join(constraints) + "\n")
            env["PIP_CONSTRAINT"] = str(venv / "constraints.txt")
        pip = [str(venv_python(venv)), "-m", "pip", "install", "--quiet"]
        _run_checked([*pip, "-r", str(venv / "requirements.txt")], "pip install", env)
        marker.write_text(json.dumps(requirements, indent=1), encoding="utf-8")
        say(f"[venv] built {kind} venv in {time.monotonic() - started:.0f}s")
    return venv_python(venv)


def _run_checked(cmd: list[str], what: str, env: dict | None = None) -> str:
    proc = subprocess.run(
        cmd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise HarnessError(
            f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            + _tail(proc.stdout)
        )
    return proc.stdout


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------


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


def apt_install(package: str, missing: str) -> None:
    """Install a Debian package when root, or fail saying what is missing."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise HarnessError(
            f"{missing}; install it (Debian: apt-get install {package})."
        )
    say(f"[apt] {missing}: installing Debian's {package} with apt-get…")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run_checked(["apt-get", "update"], "apt-get update", env)
    _run_checked(
        ["apt-get", "install", "-y", "--no-install-recommends", package],
        f"apt-get install {package}",
        env,
    )


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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


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
        proc = subprocess.run(
            list(cmd),
            cwd=self.base,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        if proc.returncode:
            log = (
                self.logfile.read_text(errors="replace")
                if self.logfile.exists()
                else ""
            )
            raise HarnessError(
                f"{what} failed (exit {proc.returncode}):\n{_tail(proc.stdout)}"
                + (f"\n--- {self.logfile} ---\n{_tail(log)}" if log else "")
            )
        return proc.stdout

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


# --------------------------------------------------------------------------
# Running Odoo
# --------------------------------------------------------------------------


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
            cmd,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            bufsize=1,
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


# --------------------------------------------------------------------------
# Parsing Odoo's log
# --------------------------------------------------------------------------

# "%(asctime)s %(pid)s %(levelname)s %(dbname)s %(name)s: %(message)s"
LOG_RECORD_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (?P<pid>\d+) (?P<level>[A-Z]+) "
    r"(?P<db>\S+) (?P<logger>[^\s:]+): (?P<message>.*)$"
)
# odoo/service/server.py: logged once per database at the end of a test run.
SUMMARY_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
POST_TESTS_RE = re.compile(r"^(?P<count>\d+) post-tests in ")
# odoo/modules/loading.py, after a module's at_install tests failed.
MODULE_FAILED_RE = re.compile(r"^Module \S+: \d+ failures, \d+ errors of \d+ tests")
# odoo/tests/result.py: logError and addSkip.
TEST_PROBLEM_RE = re.compile(r"^(FAIL|ERROR): ")
SKIPPED_RE = re.compile(r"^skipped \S")


@dataclasses.dataclass
class OdooLogReport:
    tests_run: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    post_tests: int | None = None
    summary_seen: bool = False
    test_problems: list[str] = dataclasses.field(default_factory=list)
    error_records: list[str] = dataclasses.field(default_factory=list)

    @property
    def passed(self) -> int:
        return max(self.tests_run - self.failures - self.errors - self.skipped, 0)

    @property
    def failed(self) -> int:
        """Failed tests, +1 if other ERROR/CRITICAL records, +1 if no summary."""
        return (
            self.failures
            + self.errors
            + (1 if self.error_records else 0)
            + (0 if self.summary_seen else 1)
        )

    def problems(self) -> list[str]:
        out = [f"test {line}" for line in self.test_problems]
        out += [f"log error: {line}" for line in self.error_records]
        if not self.summary_seen:
            out.append(
                "no test summary in the log: Odoo stopped before running tests "
                "(install error or crash)"
            )
        return out


def _is_test_bookkeeping(message: str) -> bool:
    """ERROR records Odoo writes *about* failed tests (already counted)."""
    return bool(
        TEST_PROBLEM_RE.match(message)
        or MODULE_FAILED_RE.match(message)
        or SUMMARY_RE.search(message)
        or message.endswith("at least one error occurred in a test")
    )


def parse_odoo_log(lines: Iterable[str]) -> OdooLogReport:
    """Count tests, failures, errors and skips in an Odoo 18 server log.

    The authoritative counts come from the last "N failed, M error(s) of T
    tests when loading database" line; every other ERROR/CRITICAL record (an
    install traceback, an error logged by code under test) is collected too.
    """
    report = OdooLogReport()
    for line in lines:
        record = LOG_RECORD_RE.match(line.rstrip("\n"))
        if not record:
            continue
        level, logger, message = record["level"], record["logger"], record["message"]
        summary = SUMMARY_RE.search(message)
        if summary and logger == "odoo.tests.result":
            report.summary_seen = True
            report.failures = int(summary["failed"])
            report.errors = int(summary["errors"])
            report.tests_run = int(summary["run"])
        elif post := POST_TESTS_RE.match(message):
            report.post_tests = int(post["count"])
        elif level == "INFO" and SKIPPED_RE.match(message):
            report.skipped += 1
        if level not in ("ERROR", "CRITICAL"):
            continue
        if TEST_PROBLEM_RE.match(message):
            report.test_problems.append(f"{logger}: {message}")
        elif not _is_test_bookkeeping(message):
            report.error_records.append(f"{level} {logger}: {message}")
    return report


class LogEcho:
    """Decides which Odoo log lines to show live (all go to the log file)."""

    SHOWN_LOGGERS = ("odoo.tests.result", "odoo.tests.stats", "odoo.service.server")

    def __init__(self, addons: Iterable[str], verbose: bool = False):
        self.prefixes = tuple(f"odoo.addons.{name}" for name in addons)
        self.verbose = verbose
        self.in_shown_record = False

    def __call__(self, line: str) -> bool:
        if self.verbose:
            return True
        record = LOG_RECORD_RE.match(line.rstrip("\n"))
        if not record:  # traceback or other continuation line
            return self.in_shown_record
        logger, message = record["logger"], record["message"]
        self.in_shown_record = (
            record["level"] in ("WARNING", "ERROR", "CRITICAL")
            or logger.startswith(self.prefixes)
            or logger in self.SHOWN_LOGGERS
            or (logger == "odoo.modules.loading" and "modules" in message)
        )
        return self.in_shown_record


# --------------------------------------------------------------------------
# Pure-Python imports of the add-on (used by the root conftest.py)
# --------------------------------------------------------------------------


class AddonPureImporter:
    """Meta path finder: import the add-on's packages without their __init__.py.

    An Odoo add-on's ``__init__.py`` files import models, which need Odoo. For
    plain pytest, the add-on's packages are created empty (just a ``__path__``)
    so that its pure-Python modules, which import nothing from Odoo, load as
    ``sales_closing.lib.periods``. With ``alias_odoo`` (only when Odoo itself is
    not importable) ``odoo.addons.sales_closing.lib.periods`` works as well,
    ``odoo`` and ``odoo.addons`` being empty stand-ins.
    """

    def __init__(self, root: Path, name: str = ADDON, alias_odoo: bool = False):
        self.root = Path(root)
        self.name = name
        self.alias_odoo = alias_odoo

    def _directory(self, fullname: str) -> Path | None:
        parts = fullname.split(".")
        if self.alias_odoo and parts[:2] == ["odoo", "addons"]:
            parts = parts[2:]
        if not parts or parts[0] != self.name:
            return None
        return self.root.joinpath(*parts)

    def find_spec(self, fullname, path=None, target=None):
        if self.alias_odoo and fullname in ("odoo", "odoo.addons"):
            spec = importlib.machinery.ModuleSpec(fullname, None, is_package=True)
            spec.submodule_search_locations = []
            return spec
        directory = self._directory(fullname)
        if directory is None or not directory.is_dir():
            return None  # not ours, or a module: the normal path finder loads it
        spec = importlib.machinery.ModuleSpec(fullname, None, is_package=True)
        spec.submodule_search_locations = [str(directory)]
        return spec
