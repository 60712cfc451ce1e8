"""Importing the add-on's pure-Python modules without Odoo (root conftest.py).

Owns: ``AddonPureImporter``, the meta path finder that lets plain pytest
import ``sales_closing.lib.periods`` (and, when Odoo is absent,
``odoo.addons.sales_closing.lib.periods``) without running the add-on's
Odoo-bound ``__init__.py`` files.
"""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

from harness import ADDON


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
