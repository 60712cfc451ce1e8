# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of the checks on the sales documents (sale_closing_check_documents.py,
sale_closing_check_lines.py) and of the nightly run of the checks."""

import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common_checks import ChecksCommon


@tagged("post_install", "-at_install")
class TestChecksDocuments(ChecksCommon):
    """The checks on deliveries, invoices and order lines of October."""

    closing_users = False  # its tests use none of them

    # --- 4. late deliveries -------------------------------------------------
    def test_late_delivery_open_at_period_end(self):
        order = self._sell_product()
        picking = order.picking_ids
        results = self._results("late_delivery")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"late_delivery:{picking.id}",
                    "severity": "warning",
                    "picking_id": picking.id,
                    "order_id": order.id,
                    "partner_id": self.partner_a.id,
                }
            ],
        )
        self.assertIn(picking.name, results.name)
        self.assertIn("was not done by the period end", results.name)

    def test_late_delivery_done_in_period_is_not_a_problem(self):
        order = self._sell_product()
        self._deliver(order, 10, "2026-10-20")
        self.assertFalse(self._results("late_delivery"))

    def test_late_delivery_done_after_period_end_is_late_for_the_period(self):
        order = self._sell_product()
        picking = self._deliver(order, 10, "2026-11-03")
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._results("late_delivery").picking_id, picking)

    def test_late_delivery_scheduled_after_period_end_is_not_late(self):
        order = self._sell_product()
        order.picking_ids.scheduled_date = "2026-11-10 10:00:00"
        self.assertFalse(self._results("late_delivery"))

    def test_late_delivery_backorder_open_at_period_end(self):
        order = self._sell_product()
        first = self._deliver(order, 4, "2026-10-10")
        backorder = order.picking_ids - first
        self.assertEqual(backorder.backorder_id, first)
        self.assertEqual(self._results("late_delivery").picking_id, backorder)

    def test_disabled_check_finds_nothing(self):
        self._sell_product()
        self._check("late_delivery").enabled = False
        self.assertFalse(self._results("late_delivery"))

    # --- 5. dates -----------------------------------------------------------
    def test_date_mismatch_invoice_moved_past_lock_date(self):
        order = self._sell_product()
        self._deliver(order, 10, "2026-10-06")
        invoice = self._invoice_booked_after_lock(order)
        self.assertEqual(invoice.date, fields.Date.to_date("2026-11-02"))
        results = self._results("date_mismatch")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"date_mismatch:invoice:{invoice.id}",
                    "invoice_id": invoice.id,
                    "partner_id": self.partner_a.id,
                    "amount": 1000.0,
                }
            ],
        )
        self.assertIn("is dated 10/30/2026 but booked on 11/02/2026", results.name)

    def test_date_mismatch_normal_invoice_is_not_a_problem(self):
        order = self._sell_product()
        self._deliver(order, 10, "2026-10-06")
        self._invoice_qty(order, "2026-10-08")
        self.assertFalse(self._results("date_mismatch"))

    # --- 6. order vs invoice ------------------------------------------------
    def _invoice_with(self, order, day, **line_values):
        invoice = self._invoice_qty(order, day, post=False)
        invoice.invoice_line_ids.write(line_values)
        with freeze_time(f"{day} 14:00:00"):
            invoice.action_post()
        return invoice

    def test_line_mismatch_invoiced_price_differs(self):
        order = self._sell_product()
        invoice = self._invoice_with(order, "2026-10-08", price_unit=90.0)
        line = order.order_line
        results = self._results("line_mismatch")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"line_mismatch:price:{invoice.invoice_line_ids.id}:"
                    f"{line.id}",
                    "sale_line_id": line.id,
                    "order_id": order.id,
                    "invoice_id": invoice.id,
                    "product_id": self.product.id,
                }
            ],
        )
        self.assertIn("at 90.0", results.name)
        self.assertIn("sold it at 100.0", results.name)

    def test_line_mismatch_price_within_tolerance_is_not_a_problem(self):
        order = self._sell_product()
        self._invoice_with(order, "2026-10-08", price_unit=90.0)
        self._check("line_mismatch").tolerance = 15.0
        self.assertFalse(self._results("line_mismatch"))

    def test_line_mismatch_invoiced_discount_differs(self):
        order = self._sell_product()
        invoice = self._invoice_with(order, "2026-10-08", discount=10.0)
        results = self._results("line_mismatch")
        self.assertEqual(
            results.key,
            f"line_mismatch:discount:{invoice.invoice_line_ids.id}:"
            f"{order.order_line.id}",
        )
        self.assertIn("a 10.0% discount", results.name)
        self.assertIn("gave 0.0%", results.name)

    def test_line_mismatch_same_price_is_not_a_problem(self):
        order = self._sell_product()
        self._deliver(order, 10, "2026-10-06")
        self._invoice_qty(order, "2026-10-08")
        self.assertFalse(self._results("line_mismatch"))

    def test_line_mismatch_over_delivered(self):
        order = self._sell_product()
        self._deliver(order, 12, "2026-10-06")
        results = self._results("line_mismatch")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"line_mismatch:over_delivered:{order.order_line.id}",
                    "sale_line_id": order.order_line.id,
                    "quantity": 2.0,
                }
            ],
        )
        self.assertIn("12.0 delivered for 10.0 ordered", results.name)

    def test_line_mismatch_returned_not_credited(self):
        order = self._sell_product()
        picking = self._deliver(order, 10, "2026-10-06")
        self._invoice_qty(order, "2026-10-08")
        self._return(picking, 3, "2026-10-20")
        results = self._results("line_mismatch")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"line_mismatch:return:{order.order_line.id}",
                    "sale_line_id": order.order_line.id,
                    "quantity": 3.0,
                }
            ],
        )
        self.assertIn("3.0 returned and not credited yet", results.name)

    def test_line_mismatch_return_credited_in_period_is_not_a_problem(self):
        order = self._sell_product()
        picking = self._deliver(order, 10, "2026-10-06")
        invoice = self._invoice_qty(order, "2026-10-08")
        self._return(picking, 3, "2026-10-20")
        self._refund(invoice, "2026-10-25", qty=3)
        self.assertFalse(self._results("line_mismatch"))

    def test_line_mismatch_return_credited_after_period_end_still_open(self):
        order = self._sell_product()
        picking = self._deliver(order, 10, "2026-10-06")
        invoice = self._invoice_qty(order, "2026-10-08")
        self._return(picking, 3, "2026-10-20")
        self._refund(invoice, "2026-11-05", qty=3)
        self.assertEqual(self._results("line_mismatch").quantity, 3.0)

    # --- the nightly run ----------------------------------------------------

    def test_cron_runs_checks_of_ended_period(self):
        order = self._sell_product()
        period_dec = self._period("2026-12")
        with freeze_time("2026-11-02 00:00:00"):
            self.env["sale.closing.period"]._cron_run_checks()
        self.assertEqual(
            self.period_oct.checks_date, datetime.datetime(2026, 11, 2, 0, 0, 0)
        )
        self.assertEqual(
            self.period_oct.result_ids.filtered(
                lambda r: r.check_code == "late_delivery"
            ).picking_id,
            order.picking_ids,
        )
        self.assertFalse(period_dec.checks_date)
        self.assertFalse(period_dec.result_ids)
