"""What an installed add-on's database depends on, as a fingerprint.

Owns: ``addon_fingerprint`` — one hash per file of the add-on that an
install writes into the database: the manifest (version, dependencies, the
data list), every data file the manifest loads (security, views, data,
wizard views) and, for each Python file, the *declarations* of its Odoo model
classes (class-level statements: ``_name``, ``_inherit``, fields,
``_sql_constraints``…, plus ``init``/``_auto_init``, which create tables,
indexes and views) — not the bodies of other methods, which take effect
without touching the database. ``changed_files`` compares two fingerprints.
``dev.py pytest`` updates its database when the fingerprint changes.
Standard library only; Odoo is never imported.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

from odoo_tree import manifest_path, read_manifest

# Methods of a model class that shape the database (tables, indexes, SQL views).
SCHEMA_METHODS = frozenset({"init", "_auto_init"})
# Data files of the manifest an install loads (``demo`` is never loaded here).
DATA_KEYS = ("data",)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _is_model_class(node: ast.ClassDef) -> bool:
    """An Odoo model class declares ``_name`` or ``_inherit`` in its body."""
    for stmt in node.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else []
        if isinstance(stmt, ast.AnnAssign):
            targets = [stmt.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id in ("_name", "_inherit"):
                return True
    return False


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)


def model_declarations(source: str) -> list[str]:
    """The declarations of each model class in ``source``, as AST dumps.

    Comments, docstrings, formatting and method bodies (but those of
    ``SCHEMA_METHODS``) do not count; an unparsable file counts as a whole.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [source]
    declarations = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ClassDef) and _is_model_class(node)):
            continue
        for stmt in node.body:
            is_method = isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
            if _is_docstring(stmt) or (is_method and stmt.name not in SCHEMA_METHODS):
                continue
            declarations.append(f"{node.name}: {ast.dump(stmt)}")
    return declarations


def _data_files(manifest: dict) -> list[str]:
    return [name for key in DATA_KEYS for name in manifest.get(key) or ()]


def addon_fingerprint(addon: Path) -> dict[str, str]:
    """``{path relative to the add-on: hash}`` of what its database depends on.

    A data file the manifest lists but that is missing hashes as ``missing``
    (the install will say why); Python files under ``tests/`` are left out.
    """
    addon = Path(addon)
    manifest_file = manifest_path(addon)
    if manifest_file is None:
        raise FileNotFoundError(f"no __manifest__.py in {addon}")
    prints = {manifest_file.name: _digest(manifest_file.read_bytes())}
    for name in _data_files(read_manifest(addon) or {}):
        path = addon / name
        prints[name] = _digest(path.read_bytes()) if path.is_file() else "missing"
    for path in sorted(addon.rglob("*.py")):
        rel = path.relative_to(addon)
        if rel.parts[0] == "tests" or path == manifest_file:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        declarations = model_declarations(text)
        if declarations:
            prints[rel.as_posix()] = _digest("\n".join(declarations).encode())
    return prints


def changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Files added, removed or changed between two fingerprints, sorted."""
    return sorted(
        name for name in set(before) | set(after) if before.get(name) != after.get(name)
    )
