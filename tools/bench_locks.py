# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the locks cost (issue #12, item 5), run in ``odoo shell`` by
``bench_scale.py``: confirm N orders, validate their N deliveries and post
their N invoices, twice with the module's lock checks and twice with them
bypassed (with, without, without, with; memory collected before each pass),
on the same kind of data in the same run, and print the mean overhead.

"Bypassed" passes the module's document overrides (``create``, ``write``,
``_action_done``, ``_post`` of orders, order lines, stock moves and move
lines, invoices and payments) straight to Odoo's own methods, for the time of
one measure and in this process only (``tests/common_locks.py``): nothing in
the module offers a way around its locks.
"""

import gc
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


def _mean(runs):
    """{step: (wall, cpu, queries)} averaged over the ``runs`` of ``_run``."""
    return {
        step: tuple(sum(run[step][i] for run in runs) / len(runs) for i in range(3))
        for step in runs[0]
    }


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
        # with, without, without, with: a drift during the run (the memory
        # the steps before left to collect, the database growing by the
        # documents of each pass) weighs on both sides alike
        passes = {True: [], False: []}
        for with_locks in (True, False, False, True):
            env.invalidate_all()
            gc.collect()
            if with_locks:
                passes[True].append(_run(env, count, product, partner))
            else:
                with locks_bypassed():
                    passes[False].append(_run(env, count, product, partner))
        env.invalidate_all()
        savepoint.rollback()
    ours, bare = (_mean(passes[True]), _mean(passes[False]))
    rows = []
    for step, (wall, cpu, queries) in ours.items():
        b_wall, b_cpu, b_queries = bare[step]
        rows.append((step, (wall, cpu, queries), (b_wall, b_cpu, b_queries)))
        print(
            f"{count:>8,} docs   {step:<22} with locks {wall:7.2f} s ({cpu:6.2f} s "
            f"CPU, {queries:,.0f} q)  without {b_wall:7.2f} s ({b_cpu:6.2f} s CPU, "
            f"{b_queries:,.0f} q)  overhead {(cpu / b_cpu - 1) * 100:+.1f} % CPU, "
            f"{queries - b_queries:+,.0f} queries",
            flush=True,
        )
    return rows
