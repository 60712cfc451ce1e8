"""Finding Odoo 18 and the OEEL-1-free *view* of its tree.

Owns: where Odoo is (``$ODOO_PATH``, else ``/opt/odoo``), reading module
manifests, telling proprietary (OEEL-1) modules apart, and the symlink view of
the Odoo tree that hides those modules (and the modules that depend on them)
so that Odoo never sees, let alone installs, them. Also the add-on of this repo
as an Odoo module (``addon_dir``, ``addon_present``).

Odoo itself is never copied, vendored or imported here: the view is made of
symlinks and Odoo only ever runs in a subprocess (see ``odoo_run``).
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from harness import ADDON, REPO_ROOT, cache_dir, remove_tree

ODOO_MAJOR = 18
DEFAULT_ODOO_PATH = "/opt/odoo"
MANIFEST_NAMES = ("__manifest__.py", "__openerp__.py")
ENTERPRISE_LICENSE = "OEEL-1"

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
