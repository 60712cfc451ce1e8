"""The lint stage of ``dev.py test``: ruff and pylint-odoo's mandatory checks.

Owns: which checks run on the repo (``ruff check``, ``ruff format --check``,
pylint with ``.pylintrc-mandatory`` on the add-on) and how a failing one is
counted (one failed check in the ``Tally``). Fix locally with the lint venv's
ruff: ``ruff check --fix . && ruff format .``.
"""

from __future__ import annotations

from pathlib import Path

from harness import ADDON, header, run_tool
from odoo_tree import addon_present


def lint_checks(python: Path) -> list[tuple[str, list[str]]]:
    """(label, command) of each lint check, in the order they run."""
    ruff = [str(python), "-m", "ruff"]
    checks = [
        ("ruff check", [*ruff, "check", "--no-fix", "--output-format=concise", "."]),
        ("ruff format --check", [*ruff, "format", "--check", "."]),
    ]
    if addon_present():
        pylint = [str(python), "-m", "pylint", "--rcfile=.pylintrc-mandatory", ADDON]
        checks.append(("pylint-odoo (mandatory checks)", pylint))
    return checks


def run_lint(python: Path, tally) -> None:
    """Run every lint check; each failing one is a failed check in ``tally``."""
    for label, cmd in lint_checks(python):
        header(label)
        with tally.timed(label):
            rc = run_tool(cmd)
        if rc:
            tally.check_failed(f"{label} (exit {rc}; see above)")
