# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reconciliation lines and the check results are stored in bulk (SQL),
as the ORM would store them; reruns keep, update and drop results as before;
the checks, the preview and the close cost as many queries at any size."""

from contextlib import nullcontext
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common_posting import PostingCommon

AUDIT = ("id", "create_date", "write_date")


@tagged("post_install", "-at_install")
class TestBulkStorage(PostingCommon):
    analytic_shops = True  # Shop A and Shop B on order lines

    def _rows(self, table, where_ids):
        self.env.flush_all()
        self.env.cr.execute(
            f"SELECT * FROM {table} WHERE id = ANY(%s) ORDER BY id",  # noqa: S608
            [where_ids],
        )
        return [
            {k: v for k, v in row.items() if k not in AUDIT}
            for row in self.env.cr.dictfetchall()
        ]

    def _mixed_month(self):
        """A line in dozens at a price with three decimals, a foreign-currency
        order, a partial invoice and a draft: figures of every kind."""
        order = self._sell(
            "2026-10-05",
            [
                (self.product_delivery, 10, 30.333),
                (self.product, 3, 100.0, {"product_uom": self.uom_dozen.id}),
            ],
        )
        self._deliver(order, 4, "2026-10-06")
        self._invoice_qty(order, "2026-10-07", {self.product_delivery: 3})
        other = self._sell("2026-10-08", [(self.product, 7, 12.5)])
        self._invoice_qty(other, "2026-10-20", post=False)
        return order | other

    def test_bulk_lines_are_the_rows_the_orm_writes(self):
        self._mixed_month()
        period = self.period_oct
        with freeze_time("2026-11-02 08:00:00"):
            period._run_checks()
        bulk = period.line_ids
        self.assertEqual(len(bulk), 3)
        figures = self.env["sale.closing.line"]._get_period_figures(period)
        orm = (
            self.env["sale.closing.line"]
            .sudo()
            .create([dict(values, period_id=period.id) for values in figures])
        )
        self.assertEqual(
            self._rows("sale_closing_line", bulk.ids),
            self._rows("sale_closing_line", orm.ids),
        )
        # the figures themselves: 4 of 10 parts delivered at 30.333, stored
        # as 30.33 (Product Price digits), 3 invoiced
        part = bulk.filtered(lambda ln: ln.product_id == self.product_delivery)
        self.assertRecordValues(
            part,
            [
                {
                    "company_id": self.company.id,
                    "qty_delivered": 4.0,
                    "qty_invoiced": 3.0,
                    "amount_delivered": 121.32,  # 4 × 30.33
                    "amount_invoiced": 90.99,  # 3 × 30.33
                    "create_uid": self.env.uid,
                }
            ],
        )

    def test_bulk_results_are_the_rows_the_orm_writes(self):
        self._mixed_month()
        period = self.period_oct
        with freeze_time("2026-11-02 08:00:00"):
            period._run_checks()
            values = period._compute_results(period._get_check_data())
        bulk = period.result_ids
        self.assertGreaterEqual(len(bulk), 3)
        Result = self.env["sale.closing.check.result"]
        names = Result._get_problem_fields()
        orm = Result.sudo().create(
            [
                dict(
                    {name: vals.get(name, False) for name in names}, period_id=period.id
                )
                for vals in values
            ]
        )
        self.assertEqual(
            self._rows("sale_closing_check_result", bulk.ids),
            self._rows("sale_closing_check_result", orm.ids),
        )

    def test_bulk_entry_lines_are_the_rows_the_orm_writes(self):
        rule = self._rule(group_analytic=True, threshold=50.0)
        shop = self._sell(
            "2026-10-03",
            [
                (
                    self.product_delivery,
                    5,
                    30.333,
                    {"analytic_distribution": {str(self.shop_a.id): 100}},
                ),
                (self.product_delivery, 5, 8.0),
            ],
        )
        self._deliver(shop, 5, "2026-10-04")
        period = self.period_oct
        with freeze_time("2026-11-02 08:00:00"):
            period._run_checks()
        bulk = period.entry_line_ids.sorted("sequence")
        # 5 x 30.33 = 151.65 on shop A (accrued, income), 5 x 8.00 = 40.00
        # under the 50.00 threshold: skipped
        self.assertEqual(
            [(ln.balance, ln.skipped) for ln in bulk],
            [(151.65, False), (-151.65, False), (40.0, True)],
        )
        self.assertEqual(bulk[1].analytic_distribution, {str(self.shop_a.id): 100})
        self.assertEqual(bulk.sale_line_ids, shop.order_line)
        self.assertEqual(bulk.mapped("debit"), [151.65, 0.0, 40.0])
        self.assertEqual(bulk.mapped("credit"), [0.0, 151.65, 0.0])
        self.assertEqual(set(bulk.mapped("rule_type")), {"accrued"})
        vals_list = period._get_entry_line_vals()
        orm = self.env["sale.closing.entry.line"].sudo().create(vals_list)
        self.assertEqual(
            self._rows("sale_closing_entry_line", bulk.ids),
            self._rows("sale_closing_entry_line", orm.ids),
        )
        for name in ("sale_line_ids", "receivable_line_ids"):
            self.assertEqual([ln[name] for ln in bulk], [ln[name] for ln in orm], name)
        self.assertEqual(bulk.rule_id, rule)

    def test_rerun_updates_a_changed_problem_in_place(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        invoice = self._invoice_qty(order, "2026-10-20", post=False)
        with freeze_time("2026-11-02 08:00:00"):
            self.period_oct._run_checks()
        draft = self.period_oct.result_ids.filtered(
            lambda r: r.check_code == "draft_invoice"
        )
        self.assertEqual(draft.amount, 1000.0)
        draft.with_user(self.closing_manager)._waive("customer confirms Nov 3")
        others = self.period_oct.result_ids - draft
        invoice.invoice_line_ids.quantity = 4  # 4 × 100 = 400 untaxed
        with freeze_time("2026-11-02 09:00:00"):
            self.period_oct._run_checks()
        after = self.period_oct.result_ids.filtered(
            lambda r: r.check_code == "draft_invoice"
        )
        self.assertEqual(after, draft, "found again: same record")
        self.assertRecordValues(
            after,
            [
                {
                    "amount": 400.0,
                    "waived": True,
                    "waive_reason": "customer confirms Nov 3",
                }
            ],
        )
        self.assertIn("400.00", after.name)
        self.assertEqual(self.period_oct.result_ids - after, others)
        with freeze_time("2026-10-20 14:00:00"):
            invoice.action_post()
        with freeze_time("2026-11-02 10:00:00"):
            self.period_oct._run_checks()
        self.assertFalse(after.exists(), "resolved: the problem disappears")

    def _jit(self):
        self.env.cr.execute("SHOW jit")
        return self.env.cr.fetchone()[0]

    def test_checks_run_without_jit_and_put_it_back(self):
        self._sell("2026-10-05", [(self.product, 2, 10.0)])
        period = self.period_oct
        self.env.cr.execute("SET LOCAL jit = on")
        seen = []
        Period = type(period)
        get_check_data = Period._get_check_data

        def spy(record):
            seen.append(self._jit())
            return get_check_data(record)

        with patch.object(Period, "_get_check_data", spy):
            with freeze_time("2026-11-02 08:00:00"):
                period._run_checks()
        self.assertEqual(seen, ["off"])
        self.assertEqual(self._jit(), "on", "put back after the checks")
        # a failure inside: the rollback to the savepoint undoes it
        with self.assertRaises(ZeroDivisionError), self.env.cr.savepoint():
            with period._without_jit():
                self.assertEqual(self._jit(), "off")
                _nothing = 1 / 0
        self.assertEqual(self._jit(), "on")

    def _places(self, period):
        """{order line: (reconciliation line id, physical row)} of ``period``:
        an UPDATE moves a row (new ctid), a row left alone stays put."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT sale_line_id, id, ctid::text FROM sale_closing_line "
            "WHERE period_id = %s",
            [period.id],
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def test_rerun_rewrites_only_the_lines_that_changed(self):
        shop = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        other = self._sell("2026-10-08", [(self.product, 7, 12.5)])
        gone = self._sell("2026-10-09", [(self.product, 2, 50.0)])
        period = self.period_oct
        with freeze_time("2026-11-02 08:00:00"):
            period._run_checks()
        before = self._places(period)
        self.assertEqual(set(before), set((shop | other | gone).order_line.ids))
        self._deliver(shop, 4, "2026-10-06")
        gone.with_context(disable_cancel_warning=True).action_cancel()
        with freeze_time("2026-11-02 09:00:00"):
            period._run_checks()
        after = self._places(period)
        self.assertEqual(set(after), set((shop | other).order_line.ids))
        # delivered since: the same line, updated in place
        self.assertEqual(after[shop.order_line.id][0], before[shop.order_line.id][0])
        self.assertNotEqual(after[shop.order_line.id][1], before[shop.order_line.id][1])
        self.assertRecordValues(
            period.line_ids.filtered(lambda ln: ln.order_id == shop),
            [{"qty_delivered": 4.0, "amount_delivered": 120.0}],  # 4 × 30.00
        )
        # unchanged: not written at all
        self.assertEqual(after[other.order_line.id], before[other.order_line.id])
        # the merged rows are those a first run stores
        merged = self._rows("sale_closing_line", period.line_ids.ids)
        self.env.cr.execute(
            "DELETE FROM sale_closing_line WHERE period_id = %s", [period.id]
        )
        period._store_lines(self.env["sale.closing.line"]._get_period_figures(period))
        fresh = self._rows("sale_closing_line", period.line_ids.ids)
        self.assertEqual(
            sorted(merged, key=lambda row: row["sale_line_id"]),
            sorted(fresh, key=lambda row: row["sale_line_id"]),
        )


@tagged("post_install", "-at_install")
class TestFlatQueryCounts(PostingCommon):
    """The checks, the preview and the close run as many queries on 2 orders
    as on 8 (``_make_orders``: two lines each, one accrued, one deferred)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rule()
        cls._rule("deferred")

    def _count(self, func, undo=False):
        """Queries of ``func`` (flushed), after one warming run; what it
        wrote is rolled back when ``undo``."""
        counts = []
        for _run in range(2):
            self.env.flush_all()
            self.env.invalidate_all()
            with self._undone() if undo else nullcontext():
                start = self.env.cr.sql_log_count
                func()
                self.env.flush_all()
                counts.append(self.env.cr.sql_log_count - start)
        return counts[-1]

    def _sizes(self, func, undo=False):
        self._make_orders(2)
        small = self._count(func, undo)
        self._make_orders(6)
        large = self._count(func, undo)
        return small, large

    def test_checks_queries_are_flat(self):
        def run():
            with freeze_time("2026-11-02 08:00:00"):
                self.period_oct._run_checks()

        small, large = self._sizes(run)
        self.assertEqual(small, large)
        self.assertLess(large, 120)
        self.assertEqual(len(self.period_oct.line_ids), 16, "8 orders of 2 lines")

    def test_preview_queries_are_flat(self):
        with freeze_time("2026-11-02 08:00:00"):
            small, large = self._sizes(self.period_oct.action_run_checks)
        self.assertEqual(small, large)
        # each order defers 1 × 100 (5 widgets invoiced on order, 4 delivered)
        # and accrues nothing (4 parts delivered, 4 invoiced): 8 × 100
        self.assertEqual(
            sorted(self.period_oct.entry_line_ids.mapped("balance")), [-800.0, 800.0]
        )

    def test_close_queries_are_flat(self):
        def close():
            self._close()
            self.assertEqual(self.period_oct.state, "closed")

        small, large = self._sizes(close, undo=True)
        self.assertEqual(small, large)
        self.assertEqual(self.period_oct.state, "open", "each close was undone")
