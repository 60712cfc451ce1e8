# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The module's lock overrides passed straight through to Odoo's methods,
for the time of a block and in this process only: how the tests and the
benchmark (``tools/bench_locks.py``) measure what the locks cost against the
same flows without them. Nothing in the module itself offers a way around
its locks."""

import contextlib
import importlib

from odoo import api

#: (file of sales_closing/models, class, overrides that check the locks)
LOCK_OVERRIDES = [
    ("sale_order", "SaleOrder", ("create", "write")),
    ("sale_order_line", "SaleOrderLine", ("create", "write")),
    ("stock_move", "StockMove", ("write", "_action_done")),
    ("stock_move_line", "StockMoveLine", ("write",)),
    ("account_move", "AccountMove", ("create", "write", "_post")),
    ("account_payment", "AccountPayment", ("write",)),
]


def _passthrough(cls, name):
    def method(self, *args, **kwargs):
        return getattr(super(cls, self), name)(*args, **kwargs)

    return api.model_create_multi(method) if name == "create" else method


@contextlib.contextmanager
def locks_bypassed():
    """Within the block, the lock overrides of ``LOCK_OVERRIDES`` call
    Odoo's own methods and nothing else."""
    saved = []
    for module, class_name, names in LOCK_OVERRIDES:
        path = f"odoo.addons.sales_closing.models.{module}"
        cls = getattr(importlib.import_module(path), class_name)
        for name in names:
            saved.append((cls, name, cls.__dict__[name]))
            setattr(cls, name, _passthrough(cls, name))
    try:
        yield
    finally:
        for cls, name, method in saved:
            setattr(cls, name, method)
