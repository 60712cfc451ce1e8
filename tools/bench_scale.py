# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The benchmark of ``dev.py bench --lines N``, run in ``odoo shell`` on the
demo database.

Owns: one run that generates a realistic month (``bench_gen.py``) of
``$BENCH_SMALL`` lines, proves it consistent with Odoo's own as-of figures,
times on it Odoo's accrued-revenue wizard (for real), a one-query SQL floor,
our figures, our checks with the reconciliation and the entry preview, and
our close; then grows the same month to ``$BENCH_LINES`` lines and times ours
and the floor again. It prints seconds, queries and peak memory above idle
side by side with the ratios, then rolls everything back.
"""

import collections
import contextlib
import os
import re
import sys
import time

sys.path.insert(0, os.environ.get("SALES_CLOSING_TOOLS") or "tools")

import bench_gen  # noqa: E402
import bench_locks  # noqa: E402
from bench_close import first_open_period  # noqa: E402
from bench_pack import pack_undone  # noqa: E402
from bench_sections import storage_floor, timed_sections  # noqa: E402

from odoo.addons.sales_closing.lib import periods as periods_lib  # noqa: E402

LINES = int(os.environ.get("BENCH_LINES", "100000"))
SMALL = min(int(os.environ.get("BENCH_SMALL", "10000")), LINES)
LOCK_DOCS = int(os.environ.get("BENCH_LOCK_DOCS", "1000"))
PROFILE = int(os.environ.get("BENCH_QUERY_PROFILE", "0"))

SQL_FLOOR = "SQL floor (delivered - invoiced)"
CHECKS = "checks + reconciliation + preview"
STORAGE_FLOOR = "storage floor (those rows stored again by SQL)"


def rss_mib(field):
    """``VmRSS`` or ``VmHWM`` (peak) of this process in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def backend_cpu(env):
    """CPU seconds PostgreSQL's backend of this cursor has used so far (its
    /proc entry; 0 when unreadable): on a shared machine, Odoo's and the
    database's CPU time tell more than the wall clock."""
    env.cr.execute("SELECT pg_backend_pid()")
    try:
        with open(f"/proc/{env.cr.fetchone()[0]}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak():
    """Reset the peak RSS (Linux: clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


@contextlib.contextmanager
def profiled_queries(env, title):
    """With ``$BENCH_QUERY_PROFILE`` set, count the statements run in the
    block by their first words (numbers and literals left out) and print the
    most frequent: which ones grow with the lines."""
    if not PROFILE:
        yield
        return
    counts = collections.Counter()
    execute = env.cr.execute

    def counting(query, params=None, log_exceptions=True):
        text = query.code if hasattr(query, "code") else str(query)
        text = re.sub(r"'[^']*'|\b\d+\b", "?", " ".join(text.split()))
        counts[text[:110]] += 1
        return execute(query, params, log_exceptions)

    env.cr.execute = counting
    try:
        yield
    finally:
        del env.cr.execute
        print(f"          queries of {title}, most frequent first:")
        for text, count in counts.most_common(PROFILE):
            print(f"          {count:>6}  {text}")


class Bench:
    def __init__(self, env):
        self.env = env
        self.rows = []
        self.idle = rss_mib("VmRSS")

    def measure(self, size, label, func):
        env = self.env
        env.flush_all()
        env.invalidate_all()
        reset_peak()
        queries = env.cr.sql_log_count
        start = time.perf_counter()
        cpu = time.process_time()
        db_cpu = backend_cpu(env)
        with profiled_queries(env, f"{size:,} lines, {label}"):
            result = func()
            env.flush_all()
        seconds = time.perf_counter() - start
        row = {
            "size": size,
            "label": label,
            "seconds": seconds,
            "cpu": time.process_time() - cpu,
            "db_cpu": backend_cpu(env) - db_cpu,
            "queries": env.cr.sql_log_count - queries,
            "memory": max(0.0, rss_mib("VmHWM") - self.idle),
        }
        self.rows.append(row)
        print(
            f"{size:>8,} lines  {label:<36} {seconds:>8.2f} s (CPU {row['cpu']:.2f} s "
            f"Odoo + {row['db_cpu']:.2f} s PostgreSQL) "
            f"{row['queries']:>7} "
            f"queries {row['memory']:>7.0f} MiB above idle",
            flush=True,
        )
        return result

    def seconds(self, size, label):
        """(wall seconds, CPU seconds of Odoo and PostgreSQL) of a step."""
        for row in self.rows:
            if row["size"] == size and row["label"] == label:
                return row["seconds"], row["cpu"] + row["db_cpu"]
        return None


def floor(env, period):
    """One query: delivered − invoiced (posted) as of the end, for all the
    company's confirmed lines, valued at the net price: (lines, amount)."""
    utc_end = env["sale.closing.line"]._get_period_bounds(period)[1]
    env.cr.execute(
        """
        WITH delivered AS (
            SELECT m.sale_line_id,
                   SUM(CASE WHEN dest.usage = 'customer' THEN 1
                            WHEN src.usage = 'customer' AND m.to_refund THEN -1
                            ELSE 0 END * m.quantity / mu.factor) AS qty
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dest ON dest.id = m.location_dest_id
              JOIN uom_uom mu ON mu.id = m.product_uom
             WHERE m.state = 'done' AND m.date < %(utc_end)s
               AND m.sale_line_id IS NOT NULL
             GROUP BY m.sale_line_id),
        invoiced AS (
            SELECT rel.order_line_id,
                   SUM(CASE WHEN am.move_type = 'out_refund' THEN -1 ELSE 1 END
                       * aml.quantity / iu.factor) AS qty
              FROM sale_order_line_invoice_rel rel
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
              JOIN uom_uom iu ON iu.id = aml.product_uom_id
             WHERE aml.parent_state = 'posted' AND aml.date <= %(date_end)s
             GROUP BY rel.order_line_id)
        SELECT COUNT(*),
               SUM((COALESCE(d.qty, 0) - COALESCE(i.qty, 0)) * lu.factor
                   * sol.price_unit * (1 - COALESCE(sol.discount, 0) / 100))
          FROM sale_order_line sol
          JOIN sale_order so ON so.id = sol.order_id
          JOIN uom_uom lu ON lu.id = sol.product_uom
     LEFT JOIN delivered d ON d.sale_line_id = sol.id
     LEFT JOIN invoiced i ON i.order_line_id = sol.id
         WHERE so.company_id = %(company)s AND so.state = 'sale'
           AND sol.display_type IS NULL AND so.date_order < %(utc_end)s
        """,
        {
            "utc_end": utc_end,
            "date_end": period.date_end,
            "company": period.company_id.id,
        },
    )
    return env.cr.fetchone()


def close_undone(env, period):
    """Walk ``period`` to Invoicing Locked and close it, then roll it back."""
    with env.cr.savepoint() as savepoint:
        staged = period.with_context(tz="UTC")
        while (seen := staged.state) != "invoicing_locked":
            staged.action_advance(seen, periods_lib.next_stage(seen))
        # the month's drafts block the close: a manager waives them
        period.action_run_checks()
        period.result_ids.filtered(
            lambda r: r.severity == "blocking" and not r.waived
        )._waive("benchmark: drafts left on purpose")
        bench = env.context["bench"]
        with timed_sections(env):
            bench.measure(
                env.context["bench_size"],
                "close (checks + posting + reversals + pack)",
                lambda: period.action_advance("invoicing_locked", "closed"),
            )
        savepoint.rollback()
    env.invalidate_all()


def run_wizard(env, period, orders=None):
    """Odoo's accrued-revenue wizard on every confirmed order (or
    ``orders``): its total accrual and the number of orders."""
    orders = orders or env["sale.order"].search(
        [("company_id", "=", env.company.id), ("state", "=", "sale")]
    )
    account = env["account.account"].search(
        [("company_ids", "in", env.company.id), ("account_type", "=", "asset_current")],
        limit=1,
    )
    wizard = (
        env["account.accrued.orders.wizard"]
        .sudo()  # Community's administrator has no full accounting rights
        .with_context(active_model="sale.order", active_ids=orders.ids)
        .create({"date": period.date_end, "account_id": account.id})
    )
    move_vals, _orders = wizard._compute_move_vals()
    lines = [command[2] for command in move_vals["line_ids"]]
    # the wizard books the accrual as credit on the income accounts (sale)
    return sum(line["credit"] - line["debit"] for line in lines[:-1]), len(orders)


def ours_the_wizard_way(env, period, orders=None):
    """Our figures valued as the wizard values them: to invoice = (ordered on
    order-policy lines, delivered otherwise) − invoiced incl. drafts, at the
    net price, converted at today's rate."""
    company = env.company
    total = 0.0
    currencies = {}
    ids = set(orders.ids) if orders is not None else None
    for row in env["sale.closing.line"]._get_period_figures(period):
        if ids is not None and row["order_id"] not in ids:
            continue
        base = (
            row["qty_ordered"]
            if row["invoice_policy"] == "order"
            else row["qty_delivered"]
        )
        qty = base - row["qty_invoiced"] - row["qty_draft_invoiced"]
        currency = currencies.setdefault(
            row["currency_id"], env["res.currency"].browse(row["currency_id"])
        )
        amount = currency.round(qty * row["price_net"])
        total += currency._convert(amount, company.currency_id, company)
    return total


def stage(env, bench, period, size, with_wizard):
    count, amount = bench.measure(size, SQL_FLOOR, lambda: floor(env, period))
    print(f"          floor: {count:,} lines, delivered - invoiced {amount:,.2f}")
    figures = bench.measure(
        size,
        "our figures",
        lambda: env["sale.closing.line"]._get_period_figures(period),
    )
    print(f"          ours: {len(figures):,} lines kept")
    del figures
    with timed_sections(env):
        bench.measure(size, CHECKS, period.action_run_checks)
    print(
        f"          {period.line_count:,} reconciliation lines, "
        f"{period.result_count:,} problems, {len(period.entry_line_ids):,} entry lines"
    )
    rows = bench.measure(
        size,
        STORAGE_FLOOR,
        lambda: storage_floor(env, period),
    )
    print(f"          {rows:,} rows stored again in one INSERT … SELECT per table")
    close_undone(env(context=dict(env.context, bench=bench, bench_size=size)), period)
    pack_undone(env, bench, period, size)
    if with_wizard:
        total, orders = bench.measure(
            size, "Odoo's accrued-orders wizard", lambda: run_wizard(env, period)
        )
        mine = ours_the_wizard_way(env, period)
        print(
            f"          wizard on {orders:,} orders accrues {total:,.2f}; ours valued "
            f"the wizard's way {mine:,.2f} (difference {total - mine:,.2f})"
        )
        if abs(total - mine) > 0.01:
            explain_difference(env, period, total - mine)


def explain_difference(env, period, difference):
    """Print where the wizard and ours part, by cause: orders dated after the
    period end (the wizard accrues whatever order it is given; ours leaves
    out the orders of later periods) and invoices dated (``invoice_date``)
    on one side of the end but booked (``date``) on the other (the wizard
    goes by the invoice date, ours by the ledger); then what is left."""
    company = env.company
    orders = env["sale.order"].search(
        [("company_id", "=", company.id), ("state", "=", "sale")]
    )
    end = env["sale.closing.line"]._get_period_bounds(period)[1]
    later = orders.filtered(lambda o: o.date_order >= end)
    moved = (orders - later).filtered(
        lambda o: any(
            (move.invoice_date <= period.date_end) != (move.date <= period.date_end)
            for move in o.invoice_ids
            if move.state == "posted" and move.invoice_date
        )
    )
    explained = 0.0
    for label, subset in (
        ("orders dated after the end", later),
        ("invoice date and accounting date on either side of the end", moved),
    ):
        if not subset:
            continue
        wizard, _count = run_wizard(env, period, subset)
        mine = ours_the_wizard_way(env, period, subset)
        explained += wizard - mine
        names = ", ".join(subset[:5].mapped("name")) + ("…" if len(subset) > 5 else "")
        print(
            f"          {label}: {len(subset)} order(s) ({names}): wizard "
            f"{wizard:,.2f}, ours {mine:,.2f}"
        )
    print(
        f"          left unexplained: {difference - explained:,.2f} (on the "
        f"{len(orders - later - moved):,} other orders)"
    )


def summary(bench, sizes):
    print(
        "\n| lines | step | seconds | CPU s Odoo + PostgreSQL | queries | peak MiB "
        "above idle | ratio |"
    )
    print("|---:|---|---:|---:|---:|---:|---|")
    for row in bench.rows:
        ratio = ""
        base, what = {
            "our figures": (SQL_FLOOR, "floor"),
            "Odoo's accrued-orders wizard": (CHECKS, "our checks + preview"),
            CHECKS: (STORAGE_FLOOR, "storage floor"),
        }.get(row["label"], (None, ""))
        base = base and bench.seconds(row["size"], base)
        if base:
            cpu = row["cpu"] + row["db_cpu"]
            ratio = f"{row['seconds'] / base[0]:.1f}× {what} (wall)"
            if base[1]:
                ratio += f", {cpu / base[1]:.1f}× (CPU)"
        print(
            f"| {row['size']:,} | {row['label']} | {row['seconds']:.2f} | "
            f"{row['cpu']:.2f} + {row['db_cpu']:.2f} | {row['queries']:,} | "
            f"{row['memory']:.0f} | {ratio} |"
        )


def lock_summary(rows, count):
    if not rows:
        return
    print(
        f"\n| {count:,} documents | with the locks: s (CPU s, queries) | "
        "without: s (CPU s, queries) | overhead (CPU) | extra queries |"
    )
    print("|---|---:|---:|---:|---:|")
    for step, (wall, cpu, queries), (b_wall, b_cpu, b_queries) in rows:
        print(
            f"| {step} | {wall:.2f} ({cpu:.2f}, {queries:,.0f}) | {b_wall:.2f} "
            f"({b_cpu:.2f}, {b_queries:,.0f}) | {(cpu / b_cpu - 1) * 100:+.1f} % | "
            f"{queries - b_queries:+,.0f} |"
        )


def main(env):
    admin = env.ref("base.user_admin")
    env = env(user=admin, context=dict(env.context, tz="UTC"))
    period = first_open_period(env)
    # time the runs themselves, not their queueing for the cron
    env.company.sale_closing_background_lines = 0
    bench = Bench(env)
    print(f"Benchmark of {period.name}: {SMALL:,} then {LINES:,} order lines")
    orders, copies = bench.measure(
        SMALL,
        "generate (ORM templates + SQL clones)",
        lambda: bench_gen.generate(env, period, SMALL),
    )
    compared, differences = bench_gen.prove_consistency(env, period)
    print(
        f"          {len(orders.order_line)} template lines x {copies + 1}; Odoo's "
        f"as-of vs ours on {compared} cloned lines: {len(differences)} differences"
    )
    for difference in differences[:5]:
        print(f"          differs: {difference}")
    stage(env, bench, period, SMALL, with_wizard=True)
    if LINES > SMALL:
        bench.measure(
            LINES,
            "generate (more SQL clones)",
            lambda: bench_gen.generate(env, period, LINES - SMALL),
        )
        stage(env, bench, period, LINES, with_wizard=False)
    locks = bench_locks.measure(env, LOCK_DOCS) if LOCK_DOCS else []
    summary(bench, (SMALL, LINES))
    lock_summary(locks, LOCK_DOCS)
    env.cr.rollback()
    print("rolled back: the demo database is unchanged")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(env))  # noqa: F821 -- `env` is predefined by `odoo shell`
