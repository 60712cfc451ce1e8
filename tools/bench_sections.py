# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where a benchmark step spends its time (``bench_scale.py``, in ``odoo
shell``).

Owns: the breakdown of a step by the add-on's methods it calls (figures,
stored lines, results, preview, Odoo's posting and reversals, the pack), each
with its wall and CPU seconds; and the storage floor: the time PostgreSQL
alone takes to store again, by one ``INSERT … SELECT`` per table, the rows a
run of the checks stores (same tables, keys, indexes and foreign keys; no
Python), the least any run that keeps these rows can cost.
"""

import collections
import contextlib
import time

from odoo.tools import SQL

#: (model, method) timed inside a step, in the order they are printed.
SECTIONS = (
    ("sale.closing.period", "_get_check_data", "figures (queries + Python)"),
    ("sale.closing.period", "_store_lines", "store the reconciliation lines"),
    ("sale.closing.period", "_store_results", "checks + store their results"),
    ("sale.closing.period", "_store_entry_lines", "entry preview"),
    ("sale.closing.period", "_post_entries", "entries + reversals (Odoo's own)"),
    ("sale.closing.period", "_post_reversals", "  of which the reversals"),
    ("sale.closing.period", "_create_snapshot", "close pack"),
    ("sale.closing.bulk", "_execute_insert", "  of which bulk INSERTs"),
)

#: The tables a run of the checks fills, with the period column.
STORED_TABLES = (
    "sale_closing_line",
    "sale_closing_check_result",
    "sale_closing_entry_line",
)


@contextlib.contextmanager
def timed_sections(env):
    """Time the methods of ``SECTIONS`` while the block runs; print them
    after it (wall and CPU seconds, calls), the outermost first."""
    spent = collections.defaultdict(lambda: [0, 0.0, 0.0])
    patched = []
    for model, method, label in SECTIONS:
        cls = type(env[model])
        original = cls.__dict__.get(method)
        patched.append((cls, method, original))
        setattr(cls, method, _timed(getattr(cls, method), spent[label]))
    try:
        yield
    finally:
        for cls, method, original in patched:
            if original is None:
                delattr(cls, method)
            else:
                setattr(cls, method, original)
        for _model, _method, label in SECTIONS:
            calls, wall, cpu = spent.get(label, (0, 0.0, 0.0))
            if calls:
                print(
                    f"          {label:<38} {wall:>7.2f} s (CPU {cpu:.2f} s) "
                    f"in {calls} call(s)"
                )


def _timed(method, totals):
    def wrapper(self, *args, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return method(self, *args, **kwargs)
        finally:
            totals[0] += 1
            totals[1] += time.perf_counter() - start
            totals[2] += time.process_time() - cpu

    return wrapper


def storage_floor(env, period):
    """Store again, by SQL alone, the rows the last run of the checks of
    ``period`` stored; return how many. Rolled back."""
    cr = env.cr
    env.flush_all()
    copied = 0
    with cr.savepoint(flush=False) as savepoint:
        for table in STORED_TABLES:
            cr.execute(
                SQL(
                    "SELECT array_agg(quote_ident(column_name)) FROM "
                    "information_schema.columns WHERE table_name = %s "
                    "AND table_schema = current_schema() AND column_name != 'id'",
                    table,
                )
            )
            columns = SQL(", ".join(cr.fetchone()[0]))  # quoted by PostgreSQL
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s) SELECT %s FROM %s WHERE period_id = %s",
                    SQL.identifier(table),
                    columns,
                    columns,
                    SQL.identifier(table),
                    period.id,
                )
            )
            copied += cr.rowcount
        savepoint.rollback()
    return copied
