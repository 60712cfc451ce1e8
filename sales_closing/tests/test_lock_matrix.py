# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every cell of: document type × stage × way in (UI form, RPC as an
ordinary user, sudo). A document dated in October is touched in November,
while October sits at each stage in turn."""

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import SaleClosingCommon

STAGES = ("open", "sales_locked", "invoicing_locked", "closed")
SALES_LOCKED = {"sales_locked", "invoicing_locked", "closed"}
INVOICING_LOCKED = {"invoicing_locked", "closed"}


@tagged("post_install", "-at_install")
class TestLockMatrix(SaleClosingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.sale_closing_lock_payments = True
        # October: 10 ordered on the 10th, 4 delivered on the 12th, all 10
        # invoiced on the 20th (invoiced on order), 300 paid on the 25th.
        cls.order = cls._order("2026-10-10")
        cls.done_picking = cls._deliver(cls.order, 4.0, "2026-10-12")
        cls.backorder = cls.order.picking_ids - cls.done_picking
        cls.invoice = cls._invoice(cls.order, "2026-10-20")
        cls.payment = cls._pay(cls.invoice, "2026-10-25", amount=300.0)
        # Another October order, untouched since.
        cls.order_2 = cls._order("2026-10-11", qty=5.0)

    def _check_matrix(self, attempts, locked_stages, regex="locked"):
        for stage in STAGES:
            self._stage(self.period_oct, stage)
            for way, attempt in attempts.items():
                with (
                    self.subTest(stage=stage, way=way),
                    freeze_time("2026-11-10 09:00:00"),
                ):
                    if stage in locked_stages:
                        self._assert_locked(attempt, regex)
                    else:
                        self._assert_allowed(attempt)

    # --- orders -------------------------------------------------------------
    def test_orders(self):
        line = self.order_2.order_line

        def form():
            with Form(self.order_2.with_user(self.salesman)) as order_form:
                with order_form.order_line.edit(0) as line_form:
                    line_form.product_uom_qty = 12.0

        def rpc():
            self.order_2.with_user(self.salesman).write(
                {"order_line": [Command.update(line.id, {"price_unit": 90.0})]}
            )

        def sudo():
            self.order_2.sudo().with_context(
                disable_cancel_warning=True
            ).action_cancel()

        self._check_matrix(
            {"form": form, "rpc": rpc, "sudo": sudo},
            SALES_LOCKED,
            r"S\d+ cannot be (amended|cancelled).*2026-10-11.*2026-10",
        )

    # --- deliveries ---------------------------------------------------------
    def test_deliveries(self):
        def form():
            # Fix the done quantity of the October delivery, as in its form
            # once unlocked.
            picking = self.done_picking.with_user(self.billing_user)
            picking.is_locked = False
            with Form(picking) as picking_form:
                with picking_form.move_ids_without_package.edit(0) as move_form:
                    move_form.quantity = 3.0

        def rpc():
            picking = self.backorder.with_user(self.stock_user).with_context(
                force_period_date=fields.Date.to_date("2026-10-31")
            )
            picking.move_ids.write({"quantity": 6.0, "picked": True})
            picking.button_validate()

        def sudo():
            quant = (
                self.env["stock.quant"]
                .sudo()
                .with_context(inventory_mode=True)
                .create(
                    {
                        "product_id": self.product.id,
                        "location_id": self.stock_location.id,
                        "inventory_quantity": 500.0,
                    }
                )
            )
            quant.accounting_date = fields.Date.to_date("2026-10-31")
            quant._apply_inventory()

        self._check_matrix(
            {"form": form, "rpc": rpc, "sudo": sudo},
            SALES_LOCKED,
            r"cannot be (edited|validated).*in closing period 2026-10",
        )

    # --- invoices -----------------------------------------------------------
    def test_invoices(self):
        def rpc():
            self.invoice.with_user(self.billing_user).button_draft()

        def sudo():
            self.invoice.sudo().button_draft()

        self._check_matrix(
            {"rpc": rpc, "sudo": sudo}, INVOICING_LOCKED, "Sales Lock Date"
        )

    def test_invoice_form_dated_in_locked_period_is_booked_later(self):
        """Odoo books a late invoice on the next open date instead of refusing
        it; the period lists it."""
        for stage in STAGES:
            self._stage(self.period_oct, stage)
            with (
                self.subTest(stage=stage),
                self._undone(),
                freeze_time("2026-11-10 09:00:00"),
            ):
                move_form = Form(
                    self.env["account.move"]
                    .with_user(self.billing_user)
                    .with_context(default_move_type="out_invoice")
                )
                move_form.partner_id = self.partner_a
                move_form.invoice_date = fields.Date.to_date("2026-10-28")
                with move_form.invoice_line_ids.new() as line_form:
                    line_form.product_id = self.product
                    line_form.quantity = 1.0
                    line_form.price_unit = 50.0
                    line_form.tax_ids.clear()
                invoice = move_form.save()
                invoice.action_post()
                late = self.period_oct.late_document_ids
                if stage in INVOICING_LOCKED:
                    self.assertEqual(invoice.invoice_date.isoformat(), "2026-10-28")
                    self.assertEqual(invoice.date.isoformat(), "2026-11-10")
                    self.assertRecordValues(
                        late,
                        [
                            {
                                "move_id": invoice.id,
                                "document_date": fields.Date.to_date("2026-10-28"),
                                "accounting_date": fields.Date.to_date("2026-11-10"),
                                "user_id": self.billing_user.id,
                            }
                        ],
                    )
                else:
                    self.assertEqual(invoice.date.isoformat(), "2026-10-28")
                    self.assertFalse(late)

    # --- payments -----------------------------------------------------------
    def test_payments(self):
        def form():
            wizard = Form(
                self.env["account.payment.register"]
                .with_user(self.billing_user)
                .with_context(active_model="account.move", active_ids=self.invoice.ids)
            )
            wizard.payment_date = fields.Date.to_date("2026-10-28")
            wizard.amount = 100.0
            wizard.save().action_create_payments()

        def rpc():
            self.payment.with_user(self.billing_user).action_draft()

        def sudo():
            self.payment.sudo().action_cancel()

        self._check_matrix(
            {"form": form, "rpc": rpc, "sudo": sudo},
            INVOICING_LOCKED,
            r"Payment .*partner_a.* cannot be (posted|reset to draft|cancelled)"
            r".*2026-10",
        )

    def test_payments_not_locked_by_default(self):
        self.company.sale_closing_lock_payments = False
        self._stage(self.period_oct, "closed")
        with freeze_time("2026-11-10 09:00:00"):
            self._assert_allowed(
                lambda: self.payment.with_user(self.billing_user).action_draft()
            )
