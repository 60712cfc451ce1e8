# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the locks cost (issue #12, item 5), run in ``odoo shell`` by
``bench_scale.py``: confirm N orders, validate their N deliveries and post
their N invoices, once with the module's lock checks and once with them
bypassed, on the same kind of data in the same run, and print the overhead.

"Bypassed" passes the module's document overrides (``create``, ``write``,
``_action_done``, ``_post`` of orders, order lines, stock moves and move
lines, invoices and payments) straight to Odoo's own methods, for the time of
one measure and in this process only (``tests/common_locks.py``): nothing in
the module offers a way around its locks.
"""

import importlib.util
import time
from pathlib import Path

import odoo.addons.sales_closing as addon


def _load_common_locks():
    """``tests/common_locks.py`` by its path: importing the tests package
    outside a test run would load Odoo's test framework (it logs an error)."""
    path = Path(addon.__file__).parent / "tests" / "common_locks.py"
    spec = importlib.util.spec_from_file_location("sales_closing_common_locks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


locks_bypassed = _load_common_locks().locks_bypassed


def _make_orders(env, count, product, partner):
    return env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": product.id, "product_uom_qty": 2})
                ],
            }
            for _i in range(count)
        ]
    )


def _timed(env, func):
    env.flush_all()
    queries = env.cr.sql_log_count
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    env.flush_all()
    return (
        time.perf_counter() - wall,
        time.process_time() - cpu,
        env.cr.sql_log_count - queries,
    )


def _validate(pickings):
    for move in pickings.move_ids:
        move.quantity = move.product_uom_qty
    pickings.move_ids.picked = True
    pickings.with_context(skip_backorder=True, skip_sms=True).button_validate()


def _run(env, count, product, partner):
    """{step: (wall s, cpu s, queries)} of one pass over ``count`` orders."""
    orders = _make_orders(env, count, product, partner)
    steps = {"confirm orders": _timed(env, orders.action_confirm)}
    pickings = orders.picking_ids
    steps["validate deliveries"] = _timed(env, lambda: _validate(pickings))
    invoices = orders._create_invoices()
    steps["post invoices"] = _timed(env, invoices.action_post)
    return steps


def measure(env, count):
    """Print and return [(step, with, without)] for ``count`` documents,
    everything rolled back to a savepoint."""
    product = env["product.product"].create(
        {"name": "Lock bench", "is_storable": True, "invoice_policy": "delivery"}
    )
    stock = (
        env["stock.warehouse"]
        .search([("company_id", "=", env.company.id)], limit=1)
        .lot_stock_id
    )
    env["stock.quant"]._update_available_quantity(product, stock, 10 * count + 100)
    partner = env["res.partner"].create({"name": "Lock bench customer"})
    with env.cr.savepoint(flush=True) as savepoint:
        _run(env, 10, product, partner)  # warm Odoo's caches
        env.invalidate_all()
        ours = _run(env, count, product, partner)
        env.invalidate_all()
        with locks_bypassed():
            bare = _run(env, count, product, partner)
        env.invalidate_all()
        savepoint.rollback()
    rows = []
    for step, (wall, cpu, queries) in ours.items():
        b_wall, b_cpu, b_queries = bare[step]
        rows.append((step, (wall, cpu, queries), (b_wall, b_cpu, b_queries)))
        print(
            f"{count:>8,} docs   {step:<22} with locks {wall:7.2f} s ({cpu:6.2f} s "
            f"CPU, {queries:,} q)  without {b_wall:7.2f} s ({b_cpu:6.2f} s CPU, "
            f"{b_queries:,} q)  overhead {(cpu / b_cpu - 1) * 100:+.1f} % CPU, "
            f"{queries - b_queries:+,} queries",
            flush=True,
        )
    return rows
