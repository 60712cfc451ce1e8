"""Cached virtualenvs of the harness: the lint/plain-test venv and Odoo's.

Owns: the requirement lists (ruff, pylint-odoo, pytest, whool for lint and
plain tests; Odoo's ``requirements.txt`` plus the add-on's Python
dependencies and pytest-odoo for Odoo), and building each venv once under
``<cache>/venvs/<kind>-<hash>``, file-locked so that parallel runs share it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from harness import REPO_ROOT, cache_dir, remove_tree, run_checked, say
from odoo_tree import addon_dir, find_odoo, read_manifest

# Lint and plain-test tools; ruff and pylint-odoo pinned to the revisions OCA's
# repo template (oca-addons-repo-template) uses for 18.0.
LINT_REQUIREMENTS = (
    "ruff==0.6.8",
    "pylint-odoo==9.1.3",
    "pytest==8.3.5",
    "whool==1.3.1",
    # property-based tests of the plain-Python rules (sales_closing/tests/plain)
    "hypothesis==6.170.15",
)
# Odoo's requirements.txt lines we never install: LDAP needs system headers and
# Odoo core does not import it; pypiwin32 is Windows only.
SKIPPED_ODOO_REQUIREMENTS = frozenset({"python-ldap", "pypiwin32"})
# Added to Odoo's own requirements: HttpCase browser tests need websocket-client.
# zope.event/zope.interface (gevent's): releases from 2024 on have metadata
# that the old pkg_resources of this venv (setuptools<60, below) cannot find,
# so gevent's plugins fail to load and a server with --workers cannot start
# its bus process. ``dev.py pytest`` runs the Odoo tests with pytest-odoo
# (2.3.0: the first release whose Odoo 18 support covers unittest's test part
# executor and HttpCase).
#: venvs of one kind kept side by side (one per requirement list in use)
KEEP_VENVS = 3
ODOO_EXTRA_REQUIREMENTS = (
    "websocket-client==1.8.0",
    "zope.event==5.0",
    "zope.interface==6.4.post2",
    "pytest==8.3.5",
    "pytest-odoo==2.3.0",
)
# cbor2==5.4.2 (Odoo's pin for Python < 3.12) only builds with an old setuptools.
ODOO_BUILD_CONSTRAINTS = ("setuptools<60",)


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


def ensure_venv(
    kind: str, requirements: Iterable[str], constraints: Iterable[str] = ()
) -> Path:
    """Python of a cached venv ``<cache>/venvs/<kind>-<hash>``, built if needed.

    The hash covers the Python interpreter, the requirement lines and the
    constraints: when any changes, a new venv is built beside the old ones
    (``KEEP_VENVS`` of a kind are kept).
    """
    requirements, constraints = list(requirements), list(constraints)
    venvs = cache_dir() / "venvs"
    venv = venvs / f"{kind}-{venv_key(requirements, constraints)}"
    marker = venv / ".sales_closing-complete"
    with file_lock(venvs / f".{kind}.lock"):
        if marker.is_file():
            say(f"[venv] reusing {venv}")
            return venv_python(venv)
        remove_stale_venvs(venvs, kind, keep=KEEP_VENVS - 1)
        started = time.monotonic()
        say(f"[venv] building {venv} ({len(requirements)} requirements)…")
        run_checked([sys.executable, "-m", "venv", str(venv)], "venv creation")
        (venv / "requirements.txt").write_text("\n".join(requirements) + "\n")
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
        if constraints:
            (venv / "constraints.txt").write_text("\n".join(constraints) + "\n")
            env["PIP_CONSTRAINT"] = str(venv / "constraints.txt")
        pip = [str(venv_python(venv)), "-m", "pip", "install", "--quiet"]
        run_checked([*pip, "-r", str(venv / "requirements.txt")], "pip install", env)
        marker.write_text(json.dumps(requirements, indent=1), encoding="utf-8")
        say(f"[venv] built {kind} venv in {time.monotonic() - started:.0f}s")
    return venv_python(venv)


def remove_stale_venvs(venvs: Path, kind: str, keep: int) -> None:
    """Remove the venvs of ``kind`` but the ``keep`` most recently built:
    checkouts of other branches sharing the cache (other requirement lists)
    must not delete each other's venv while it is in use."""
    built = sorted(
        (v for v in venvs.glob(f"{kind}-*") if v.is_dir()),
        key=lambda v: (v / ".sales_closing-complete").stat().st_mtime
        if (v / ".sales_closing-complete").is_file()
        else 0,
        reverse=True,
    )
    for stale in built[keep:]:
        remove_tree(stale)


def odoo_python() -> Path:
    """Python of the Odoo venv for the Odoo found by ``find_odoo``."""
    odoo_root, _ = find_odoo()
    reqs = odoo_requirements(odoo_root)
    reqs += list(ODOO_EXTRA_REQUIREMENTS) + addon_python_requirements()
    return ensure_venv("odoo", reqs, ODOO_BUILD_CONSTRAINTS)
