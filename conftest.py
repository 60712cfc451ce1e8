"""pytest setup for the plain-Python tests (``python3 tools/dev.py test``).

Collected: ``tests_plain/`` (tests of the harness) and
``sales_closing/tests/plain/test_*.py`` (pure-Python parts of the add-on).
Those run without Odoo: packages of the add-on are imported without running
their ``__init__.py`` (see ``tools/addon_importer.py``), so write
``from sales_closing.lib import periods`` (or, inside the add-on, relative
imports); ``odoo.addons.sales_closing.lib`` also works when Odoo is absent.
"""

import importlib
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))

addon_importer = importlib.import_module("addon_importer")

sys.meta_path.insert(
    0,
    addon_importer.AddonPureImporter(
        ROOT, "sales_closing", alias_odoo=importlib.util.find_spec("odoo") is None
    ),
)
