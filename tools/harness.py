"""Basics every part of the sales_closing harness uses (standard library only).

Owns: where the repo, the add-on and the caches are (``REPO_ROOT``, ``ADDON``,
``cache_dir``, ``run_dir``), how the harness reports (``say``, ``header``,
``HarnessError``), and small helpers for subprocesses, files, TCP ports and
Debian packages that are not specific to Odoo or PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ADDON = "sales_closing"


# How the harness runs a tool whose output it reads: no stdin, stdout and
# stderr merged into one text stream.
MERGED_OUTPUT = {
    "stdin": subprocess.DEVNULL,
    "stdout": subprocess.PIPE,
    "stderr": subprocess.STDOUT,
    "text": True,
}


class HarnessError(Exception):
    """A problem of the environment or the harness, reported as one failure."""


def say(message: str) -> None:
    print(message, flush=True)


def header(title: str) -> None:
    say(f"\n== {title} ==")


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


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def remove_tree(path: Path) -> None:
    """rmtree that never follows symlinks (the Odoo view is full of them)."""
    path = Path(path)
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def run_tool(cmd: list[str], env: dict | None = None) -> int:
    """Run a tool in the repo root, its output shown as it comes."""
    say("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run(
        cmd, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, check=False
    ).returncode


def run_checked(
    cmd: list[str],
    what: str,
    env: dict | None = None,
    cwd: Path | None = None,
    logfile: Path | None = None,
) -> str:
    """Run ``cmd`` quietly; its output, or a HarnessError with its tail (and
    the tail of ``logfile``, the log the command writes, if any)."""
    proc = subprocess.run(cmd, env=env, cwd=cwd, check=False, **MERGED_OUTPUT)
    if proc.returncode:
        has_log = logfile is not None and logfile.exists()
        log = logfile.read_text(errors="replace") if has_log else ""
        raise HarnessError(
            f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
            + tail(proc.stdout)
            + (f"\n--- {logfile} ---\n{tail(log)}" if log else "")
        )
    return proc.stdout


def apt_install(package: str, missing: str) -> None:
    """Install a Debian package when root, or fail saying what is missing."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise HarnessError(
            f"{missing}; install it (Debian: apt-get install {package})."
        )
    say(f"[apt] {missing}: installing Debian's {package} with apt-get…")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run_checked(["apt-get", "update"], "apt-get update", env)
    run_checked(
        ["apt-get", "install", "-y", "--no-install-recommends", package],
        f"apt-get install {package}",
        env,
    )


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
