# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SaleClosingCommon


@tagged("post_install", "-at_install")
class TestOrderRules(SaleClosingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order("2026-10-10")
        cls.quotation = cls._order("2026-10-12", confirm=False)

    def _lock_october(self):
        self._stage(self.period_oct, "sales_locked")

    def test_quotation_of_locked_month_confirms_in_open_month(self):
        self._lock_october()
        with freeze_time("2026-11-10 09:00:00"):
            self.quotation.action_confirm()
        self.assertEqual(self.quotation.state, "sale")
        self.assertEqual(
            self.quotation.date_order,
            fields.Datetime.to_datetime("2026-11-10 09:00:00"),
        )

    def test_quotation_of_locked_month_stays_editable(self):
        self._lock_october()
        with freeze_time("2026-11-10 09:00:00"):
            with Form(self.quotation.with_user(self.salesman)) as form:
                with form.order_line.edit(0) as line:
                    line.product_uom_qty = 3.0
            self.quotation.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(self.quotation.state, "cancel")

    def test_confirming_while_today_is_locked(self):
        self.company.sale_closing_allow_early_close = True
        with freeze_time("2026-10-31 08:00:00"):
            self.period_oct.action_advance()
            with self.assertRaisesRegex(UserError, r"cannot be confirmed.*2026-10-31"):
                self.quotation.with_user(self.salesman).action_confirm()
        self.assertEqual(self.quotation.state, "draft")

    def test_create_confirmed_order_dated_in_locked_period(self):
        self._lock_october()
        vals = {
            "partner_id": self.partner_a.id,
            "state": "sale",
            "order_line": [
                Command.create({"product_id": self.product.id, "product_uom_qty": 1})
            ],
        }
        with freeze_time("2026-11-10 09:00:00"):
            Order = self.env["sale.order"].with_user(self.salesman)
            with self.assertRaisesRegex(UserError, "cannot be created confirmed"):
                Order.create({**vals, "date_order": "2026-10-30 10:00:00"})
            order = Order.create({**vals, "date_order": "2026-11-01 10:00:00"})
        self.assertEqual(order.state, "sale")

    def test_redating_into_or_out_of_locked_period(self):
        self._lock_october()
        november = self._order("2026-11-05")
        with freeze_time("2026-11-10 09:00:00"):
            with self.assertRaisesRegex(UserError, "cannot be redated"):
                november.write({"date_order": "2026-10-30 10:00:00"})
            with self.assertRaisesRegex(UserError, "cannot be redated"):
                self.order.write({"date_order": "2026-11-02 10:00:00"})

    def test_transactions_policy_allows_amendments(self):
        self.company.sale_closing_order_lock_policy = "transactions"
        self._lock_october()
        line = self.order.order_line
        with freeze_time("2026-11-10 09:00:00"):
            self.order.with_user(self.salesman).write(
                {"order_line": [Command.update(line.id, {"product_uom_qty": 12.0})]}
            )
            self.assertEqual(line.product_uom_qty, 12.0)
            with self.assertRaisesRegex(UserError, "cannot be cancelled"):
                self.order.with_context(disable_cancel_warning=True).action_cancel()

    def test_orders_not_locked_when_setting_off(self):
        self.company.sale_closing_lock_orders = False
        self._stage(self.period_oct, "closed")
        with freeze_time("2026-11-10 09:00:00"):
            self.order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(self.order.state, "cancel")

    def test_unchanged_values_are_not_amendments(self):
        self._lock_october()
        line = self.order.order_line
        with freeze_time("2026-11-10 09:00:00"):
            line.with_user(self.salesman).write(
                {
                    "product_uom_qty": 10.0,
                    "price_unit": 100.0,
                    "tax_id": [Command.set([])],
                }
            )

    def test_removing_and_adding_lines_refused(self):
        self._lock_october()
        with freeze_time("2026-11-10 09:00:00"):
            with self.assertRaisesRegex(UserError, r"amended \(line added\)"):
                self.order.write(
                    {
                        "order_line": [
                            Command.create(
                                {"product_id": self.product.id, "product_uom_qty": 1}
                            )
                        ]
                    }
                )
            with self.assertRaisesRegex(UserError, r"amended \(line removed\)"):
                self.order.order_line.unlink()

    def test_november_activity_on_october_order_is_bookkeeping(self):
        """Delivering and invoicing an October order in November updates its
        stored quantities without touching the lock."""
        self._lock_october()
        self._deliver(self.order, 10.0, "2026-11-05")
        line = self.order.order_line
        self.assertEqual(line.qty_delivered, 10.0)
        invoice = self._invoice(self.order, "2026-11-06")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(line.qty_invoiced, 10.0)
        self.assertEqual(self.order.invoice_status, "invoiced")

    def test_extra_product_delivered_in_open_month(self):
        """sale_stock adds a zero-ordered line for an extra product delivered;
        that follows from a November delivery, not an amendment."""
        self._lock_october()
        extra = self.env["product.product"].create(
            {"name": "Extra", "type": "consu", "list_price": 5.0}
        )
        picking = self.order.picking_ids
        with freeze_time("2026-11-05 12:00:00"):
            picking.move_ids.write({"quantity": 10.0, "picked": True})
            self.env["stock.move"].create(
                {
                    "name": extra.name,
                    "product_id": extra.id,
                    "product_uom_qty": 0.0,
                    "quantity": 1.0,
                    "picked": True,
                    "product_uom": extra.uom_id.id,
                    "picking_id": picking.id,
                    "location_id": picking.location_id.id,
                    "location_dest_id": picking.location_dest_id.id,
                }
            )
            picking.button_validate()
        extra_line = self.order.order_line.filtered(lambda sol: sol.product_id == extra)
        self.assertEqual(extra_line.qty_delivered, 1.0)
        self.assertEqual(extra_line.product_uom_qty, 0.0)
