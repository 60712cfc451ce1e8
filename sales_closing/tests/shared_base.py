# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One company and chart of accounts for many test classes, under
``dev.py pytest`` only.

Odoo's runner (``--test-tags``) gives every ``SaleClosingCommon`` class a
cursor of its own, on which ``setUpClass`` builds the base (Odoo's
``AccountTestInvoicingCommon``: a company with a freshly loaded chart of
accounts, partners, products, taxes; then the closing company's warehouse,
product and periods) and rolls it all back after the class: most of what a
class costs. Under pytest-odoo, ``dev.py pytest`` sets
``SALES_CLOSING_SHARED_BASE=1`` (``0`` turns this off) and the base is built
once, on a cursor of its own that is never committed. Each class then runs on
a ``ClassCursor`` over that cursor: Odoo's ``TestCursor`` (the cursor of its
``HttpCase`` requests), so the class's work sits in a savepoint rolled back
when the class ends, with a transaction of its own (record cache,
environments, pre-commit hooks). What a class adds to or changes in the base
is gone before the next class starts, as under Odoo's runner; what classes
share is the base as ``setUpClass`` left it, with the same records, ids and
values a class of their own would have made.

The base's transaction holds, for as long as it lives, the row locks of what
the base changed (``ProductCommon`` archives every other pricelist) and the
transaction-level advisory locks the classes took (a savepoint does not
release them). So it is released (rolled back) before any class that does not
run on it: one that builds a different base (another chart, country, user or
time), one that says ``shared_base = False`` (its tests use connections of
their own), or a test class that is not a ``SaleClosingCommon``; and built
again for the next class that does.
"""

import os
import threading
from contextlib import contextmanager
from unittest.mock import _patch, patch

from odoo import api
from odoo.models import BaseModel
from odoo.modules.registry import Registry
from odoo.sql_db import TestCursor
from odoo.tests.common import TransactionCase, get_db_name

FLAG = "SALES_CLOSING_SHARED_BASE"

#: What decides the base: a class that changes one of them builds its own.
BASE_HOOKS = (
    "setup_independent_company",
    "setup_independent_user",
    "setup_main_company",
    "default_env_context",
    "get_default_groups",
    "_create_company",
    "_use_chart_template",
    "collect_company_accounting_data",
    "_set_up_closing_base",
)
BASE_VALUES = ("chart_template", "country_code", "freeze_time", "shared_base")

_LOCK = threading.RLock()
_shared = {}  # "base": the class that built it, "owner": its common class


class ClassCursor(TestCursor):
    """A test class's cursor over the base's: a savepoint and a transaction
    of its own. ``now()`` is the database's, as on a cursor of its own (a
    ``TestCursor`` takes Python's clock, frozen or not), and costs the same
    one query."""

    def now(self):
        if self._now is None:
            self.execute("SELECT (now() AT TIME ZONE 'UTC')")
            self._now = self.fetchone()[0]
        return self._now


def enabled():
    return os.environ.get(FLAG) == "1"


def runs_on_it(cls, owner):
    """Whether test class ``cls`` runs on the base ``owner`` (the common
    class) builds: only when enabled, and when ``cls`` changes nothing that
    decides the base."""
    if not enabled() or not isinstance(cls, type) or not issubclass(cls, owner):
        return False
    if "_builds_base" in vars(cls):
        return False
    if any(getattr(cls, name) != getattr(owner, name) for name in BASE_VALUES):
        return False
    return all(
        getattr(cls, name).__func__ is getattr(owner, name).__func__
        for name in BASE_HOOKS
    )


def set_up_class(cls, owner):
    """``setUpClass`` of ``cls`` up to and including ``owner``'s base: Odoo's
    own class set-up (``TransactionCase``, ``HttpCase``) on a ``ClassCursor``,
    then the base's class attributes, bound to it."""
    base = _shared.get("base")
    if base is None or _shared["owner"] is not owner:
        release()
        base = _build(owner)
    # the commons (owner … Odoo's UomCommon) are the base: skip them
    commons = [k for k in owner.__mro__ if k not in TransactionCase.__mro__]
    framework_parent = [k for k in cls.__mro__ if k in commons][-1]
    cursor = ClassCursor(base.cr, _LOCK, False)
    try:
        with _next_cursor(cursor):
            super(framework_parent, cls).setUpClass()
    except BaseException:
        if not cursor._closed:
            cursor.close()
        raise
    for name, value in _shared["attributes"].items():
        setattr(cls, name, _rebind(value, cls.cr))


def release():
    """Roll the base back and close its cursor (a no-op without one)."""
    base = _shared.pop("base", None)
    _shared.pop("attributes", None)
    if base is None:
        return
    base.doClassCleanups()
    if base.tearDown_exceptions:
        raise base.tearDown_exceptions[0][1]


def before_class(cls):
    """Called by ``dev.py pytest`` before the first test of each class:
    releases the base unless ``cls`` runs on it."""
    owner = _shared.get("owner")
    if _shared.get("base") is not None and not runs_on_it(cls, owner):
        release()


def _build(owner):
    """Build the base once, on a real cursor of its own: ``setUpClass`` of a
    class made for it (``owner`` and its ``_base_builder_values``)."""
    registry = Registry(get_db_name())
    values = {"_builds_base": True, **owner._base_builder_values}
    base = type(f"{owner.__name__}Base", (owner,), values)
    patches = set(_patch._active_patches)
    with _next_cursor(registry.cursor()):
        try:
            base.setUpClass()
            base.env.flush_all()
        except BaseException:
            base.doClassCleanups()
            raise
        finally:
            # Odoo stops every patch still active at the end of a class (with
            # a warning): the base's class patches end with its set-up (its
            # cleanups stop them again, which does nothing)
            for patcher in reversed(_patch._active_patches):
                if patcher not in patches:
                    patcher.stop()
    _shared.update(base=base, owner=owner, attributes=_attributes(base))
    return base


def _attributes(base):
    """The base's class attributes that hold records (or its environment)."""
    values = {
        name: value
        for name, value in vars(base).items()
        if name not in ("_class_cleanups", "tearDown_exceptions")
        and _holds_records(value)
    }
    values["maxDiff"] = base.maxDiff
    return values


def _holds_records(value):
    if isinstance(value, BaseModel | api.Environment):
        return True
    if isinstance(value, dict):
        return any(_holds_records(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_records(item) for item in value)
    return False


def _rebind(value, cursor):
    """``value`` with its records in an environment on ``cursor`` (same user,
    context and superuser mode); containers copied, so that no class changes
    another's."""
    if isinstance(value, BaseModel):
        return value.with_env(value.env(cr=cursor))
    if isinstance(value, api.Environment):
        return value(cr=cursor)
    if isinstance(value, dict):
        return {key: _rebind(item, cursor) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_rebind(item, cursor) for item in value)
    return value


@contextmanager
def _next_cursor(cursor):
    """The next ``registry.cursor()`` (``TransactionCase.setUpClass``'s)
    returns ``cursor``; later ones are the registry's own."""
    registry = Registry(get_db_name())
    real = registry.cursor
    handed = []

    def cursor_once(readonly=False):
        if handed:
            return real(readonly=readonly)
        handed.append(cursor)
        return cursor

    with patch.object(registry, "cursor", cursor_once):
        yield
