# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark of a close on many order lines, run in ``odoo shell``.

``python3 tools/dev.py demo --bench 100000`` runs it on the demo database
(run ``python3 tools/dev.py demo`` first). It adds ``LINES`` order lines to
the first period of the company that is not closed (orders made through the
ORM, confirmed and delivered in bulk by SQL: a benchmark of the close, not of
the sales flows), then times the pre-close checks with the entry preview, and
the close itself with the posting of the entries. It prints seconds, queries
and the peak memory of the process, then rolls everything back: the demo
database is left as it was.
"""

import os
import resource
import time

from odoo import Command, fields

from odoo.addons.sales_closing.lib import periods as periods_lib

LINES = int(os.environ.get("BENCH_LINES", "10000"))
LINES_PER_ORDER = 100


def measure(env, label, func):
    """Run ``func`` and print its wall time, queries and peak memory."""
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    env.flush_all()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:<44} {seconds:>9.2f} s {env.cr.sql_log_count - queries:>8} queries"
        f"  peak RSS {peak:,.0f} MiB"
    )
    return result


def make_orders(env, period, count):
    """Create ``count`` order lines dated in ``period``; deliver 80% of the
    quantity of two lines in three (done moves to the customer)."""
    partners, products = make_partners_and_products(env)
    orders = create_orders(env, period, count, partners, products)
    deliver_by_sql(env, period, orders)
    return orders


def make_partners_and_products(env):
    """200 customers and 50 storable products, invoiced on delivery, no tax."""
    partners = env["res.partner"].create(
        [{"name": f"Bench customer {n}", "is_company": True} for n in range(200)]
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {n}",
                "is_storable": True,
                "invoice_policy": "delivery",
                "list_price": 10.0 + n,
                "taxes_id": [Command.clear()],
            }
            for n in range(50)
        ]
    )
    return partners, products


def create_orders(env, period, count, partners, products):
    """Draft orders of ``LINES_PER_ORDER`` lines, ``count`` lines in all,
    dated on the first day of ``period`` (through the ORM)."""
    date_order = fields.Datetime.to_datetime(period.date_start).replace(hour=10)
    orders = env["sale.order"]
    for first in range(0, count, LINES_PER_ORDER):
        size = min(LINES_PER_ORDER, count - first)
        orders |= env["sale.order"].create(
            {
                "partner_id": partners[(first // LINES_PER_ORDER) % 200].id,
                "date_order": date_order,
                "order_line": [
                    Command.create(
                        {
                            "product_id": products[(first + n) % 50].id,
                            "product_uom_qty": 10.0,
                            "price_unit": 10.0 + (first + n) % 50,
                            "tax_id": [Command.clear()],
                        }
                    )
                    for n in range(size)
                ],
            }
        )
        if len(orders) % 100 == 0:
            env.flush_all()
            env.invalidate_all()
    env.flush_all()
    return orders


def deliver_by_sql(env, period, orders):
    """Confirm ``orders`` and deliver 80% of two lines in three, in SQL: done
    moves from stock to the customer on the first day of ``period``."""
    company = env.company
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", company.id)], limit=1
    )
    customers = env.ref("stock.stock_location_customers")
    done = fields.Datetime.to_datetime(period.date_start).replace(hour=12)
    env.cr.execute(
        "UPDATE sale_order SET state = 'sale' WHERE id = ANY(%s)", [orders.ids]
    )
    env.cr.execute(
        """
        INSERT INTO stock_move (company_id, product_id, product_uom, location_id,
                                location_dest_id, name, procure_method,
                                product_uom_qty, quantity, date, state, picked,
                                sale_line_id)
        SELECT %(company)s, sol.product_id, sol.product_uom, %(stock)s,
               %(customers)s, sol.name, 'make_to_stock', sol.product_uom_qty,
               sol.product_uom_qty * 0.8, %(done)s, 'done', TRUE, sol.id
          FROM sale_order_line sol
         WHERE sol.order_id = ANY(%(orders)s) AND sol.id %% 3 <> 0
        """,
        {
            "company": company.id,
            "stock": warehouse.lot_stock_id.id,
            "customers": customers.id,
            "done": done,
            "orders": orders.ids,
        },
    )
    env.cr.execute(
        """
        UPDATE sale_order_line sol
           SET qty_delivered = sol.product_uom_qty * 0.8
         WHERE sol.order_id = ANY(%s) AND sol.id %% 3 <> 0
        """,
        [orders.ids],
    )
    env.invalidate_all()


def first_open_period(env):
    """The oldest ended period of the company not closed yet; exits when the
    demo has not been run (no such period, or no accrued-revenue rule)."""
    company = env.company
    period = env["sale.closing.period"].search(
        [("company_id", "=", company.id), ("state", "!=", "closed")],
        order="date_start asc",
        limit=1,
    )
    if not period or period.date_end >= company._sale_closing_today():
        raise SystemExit("bench: no ended period left open; run the demo first")
    if not env["sale.closing.posting.rule"].search_count(
        [("company_id", "=", company.id), ("rule_type", "=", "accrued")]
    ):
        raise SystemExit("bench: no accrued-revenue rule; run the demo first")
    return period


def time_checks(env, period):
    """Time the pre-close checks with the entry preview (profiled when
    ``$BENCH_PROFILE`` is set)."""
    label = "checks + reconciliation + entry preview"
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        measure(env, label, lambda: profile.runcall(period.action_run_checks))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    else:
        measure(env, label, period.action_run_checks)
    print(
        f"  {period.line_count:,} reconciliation lines, {period.result_count:,} "
        f"problems, {len(period.entry_line_ids):,} entry lines"
    )


def time_odoo_wizard(env, period, orders):
    """Time Odoo's accrued-revenue wizard on two orders, per order line."""
    sample = orders[:2]
    wizard = (
        env["account.accrued.orders.wizard"]
        .sudo()  # the administrator of Community has no full accounting
        .with_context(active_model="sale.order", active_ids=sample.ids)
        .create(
            {
                "date": period.date_end,
                "account_id": period.entry_line_ids[:1].account_id.id,
            }
        )
    )
    start_queries = env.cr.sql_log_count
    start = time.perf_counter()
    wizard._compute_move_vals()
    per_line = (time.perf_counter() - start) / len(sample.order_line)
    queries = (env.cr.sql_log_count - start_queries) / len(sample.order_line)
    print(
        f"Odoo's accrued-revenue wizard on {len(sample.order_line)} lines: "
        f"{per_line * 1000:.1f} ms and {queries:.1f} queries per line "
        f"(~{per_line * LINES:,.0f} s for {LINES:,} lines)"
    )
    env.invalidate_all()


def time_close(env, period):
    """Walk ``period`` to Invoicing Locked, then time its close."""
    with_stages = period.with_context(tz="UTC")
    while (seen := with_stages.state) != "invoicing_locked":
        with_stages.action_advance(seen, periods_lib.next_stage(seen))
    measure(
        env,
        "close (checks again + posting + reversals)",
        lambda: period.action_advance("invoicing_locked", "closed"),
    )
    moves = env["account.move"].search([("sale_closing_period_id", "=", period.id)])
    print(
        f"  period {period.state}; {len(moves)} entries with "
        f"{len(moves.line_ids):,} journal items"
    )


def main(env):
    admin = env.ref("base.user_admin")
    env = env(user=admin, context=dict(env.context, tz="UTC"))
    period = first_open_period(env)
    print(f"Benchmark of the close of {period.name}: {LINES:,} new order lines")
    orders = measure(
        env,
        f"setup: {LINES:,} lines (ORM create, SQL deliver)",
        lambda: make_orders(env, period, LINES),
    )
    time_checks(env, period)
    time_odoo_wizard(env, period, orders)
    time_close(env, period)
    env.cr.rollback()
    print("rolled back: the demo database is unchanged")


if __name__ == "__main__":
    main(env)  # noqa: F821 -- `env` is predefined by `odoo shell`
