# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SaleClosingCommon


class FiguresCommon(SaleClosingCommon):
    """Orders built through Odoo's flows, their October figures compared with
    hand-worked numbers and with Odoo's own as-of computation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls._closing_product(
            "Closing Service",
            type="service",
            is_storable=False,
            invoice_policy="delivery",
            list_price=50.0,
        )
        cls.product_delivery = cls._closing_product(
            "Closing Part", invoice_policy="delivery", list_price=30.0
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.product_delivery, cls.stock_location, 1000.0
        )
        cls.uom_dozen = cls.env.ref("uom.product_uom_dozen")
        cls.uom_unit = cls.env.ref("uom.product_uom_unit")

    def _sell(self, day, lines, pricelist=None, confirm=True, count=1):
        """Order ``lines`` (product, qty, price[, extra values]) on ``day``;
        ``count`` such orders, made together."""
        with freeze_time(f"{day} 10:00:00"):
            vals_list = [self._order_vals(lines, pricelist) for _i in range(count)]
            order = self.env["sale.order"].create(vals_list)
            for line, values in zip(order.order_line, lines * count, strict=True):
                # the pricelist recomputes prices: keep the hand-worked ones
                line.price_unit = values[2]
            if confirm:
                order.action_confirm()
        return order

    @classmethod
    def _order_vals(cls, lines, pricelist=None):
        """The values of an order of ``lines`` for Customer A (``_sell``)."""
        vals = {
            "partner_id": cls.partner_a.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": line[0].id,
                        "product_uom_qty": line[1],
                        "price_unit": line[2],
                        "tax_id": [Command.clear()],
                        **(line[3] if len(line) > 3 else {}),
                    }
                )
                for line in lines
            ],
        }
        if pricelist:
            vals["pricelist_id"] = pricelist.id
        return vals

    def _invoice_qty(self, order, day, qty_by_product=None, post=True):
        """Invoice the order on ``day``, overriding quantities per product."""
        with freeze_time(f"{day} 14:00:00"):
            invoice = order._create_invoices()
            invoice.invoice_date = fields.Date.to_date(day)
            for line in invoice.invoice_line_ids:
                if qty_by_product and line.product_id in qty_by_product:
                    line.quantity = qty_by_product[line.product_id]
            if post:
                invoice.action_post()
        return invoice

    def _invoice_booked_after_lock(self, order):
        """Invoice ``order`` on Oct 30 and post it on Nov 2 while the Sales
        Lock Date is Oct 31: Odoo books it in November."""
        invoice = self._invoice_qty(order, "2026-10-30", post=False)
        self.company.sale_lock_date = "2026-10-31"
        with freeze_time("2026-11-02 09:00:00"):
            invoice.action_post()
        return invoice

    def _refund(self, invoice, day, qty=None):
        with freeze_time(f"{day} 14:00:00"):
            wizard = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"journal_id": invoice.journal_id.id, "date": day})
            )
            action = wizard.refund_moves()
            refund = self.env["account.move"].browse(action["res_id"])
            if qty is not None:
                refund.invoice_line_ids.quantity = qty
            refund.action_post()
        return refund

    def _make_orders(self, count):
        """Orders of two lines each: 4 of 10 delivered on a line invoiced on
        delivery, 4 of 5 on a line invoiced on order; all invoiced on Oct 7,
        one invoice each. Made together (one create, one validation of the
        deliveries, one invoicing), not one by one: the same documents."""
        orders = self._sell(
            "2026-10-05",
            [(self.product_delivery, 10, 30.0), (self.product, 5, 100.0)],
            count=count,
        )
        self._deliver(orders, 4, "2026-10-06")
        with freeze_time("2026-10-07 14:00:00"):
            invoices = orders._create_invoices(grouped=True)  # one per order
            invoices.invoice_date = fields.Date.to_date("2026-10-07")
            invoices.action_post()
        self.assertEqual(len(invoices), count)

    def _figures(self, period=None):
        rows = self.env["sale.closing.line"]._get_period_figures(
            period or self.period_oct
        )
        return {row["sale_line_id"]: row for row in rows}

    def _odoo_as_of(self, order, date):
        """Odoo's own as-of figures, computed as account.accrued.orders.wizard
        computes them (on a virtual copy under ``accrual_entry_date``)."""
        self.env.flush_all()
        self.env.invalidate_all()
        virtual = order.new(origin=order)
        lines = virtual.order_line.with_context(accrual_entry_date=date)
        lines._compute_qty_delivered()
        lines._compute_qty_invoiced()
        lines._compute_untaxed_amount_invoiced()
        result = {
            line._origin.id: {
                "qty_delivered": line.qty_delivered,
                "qty_invoiced": line.qty_invoiced,
                "amount_invoiced": line.untaxed_amount_invoiced,
            }
            for line in virtual.order_line
        }
        self.env.invalidate_all()
        return result

    def _assert_agrees_with_odoo(self, order, period=None):
        period = period or self.period_oct
        ours = self._figures(period)
        odoo = self._odoo_as_of(order, period.date_end)
        for line in order.order_line:
            mine = ours.get(line.id, {})
            for field in ("qty_delivered", "qty_invoiced", "amount_invoiced"):
                self.assertAlmostEqual(
                    mine.get(field, 0.0),
                    odoo[line.id][field],
                    places=6,
                    msg=f"{line.name}: {field} differs from Odoo's as-of value",
                )
        return ours


@tagged("post_install", "-at_install")
class TestFigures(FiguresCommon):
    closing_users = False  # its tests use none of them

    def test_partial_delivery_and_backorder(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        self._deliver(order, 4, "2026-10-10")
        self._deliver(order, 6, "2026-11-03")
        line = order.order_line
        figure = self._assert_agrees_with_odoo(order)[line.id]
        self.assertEqual(
            (figure["qty_ordered"], figure["qty_delivered"], figure["qty_invoiced"]),
            (10, 4, 0),
        )
        self.assertEqual(figure["amount_delivered"], 120.0)
        self.assertEqual(figure["qty_difference"], 4)
        self.assertEqual(figure["amount_difference_company"], 120.0)
        self.assertEqual(line.qty_delivered, 10, "today's figure is not the as-of one")

    def test_return_to_refund_reduces_delivered(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        picking = self._deliver(order, 10, "2026-10-06")
        self._return(picking, 3, "2026-10-20")
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        self.assertEqual(figure["qty_delivered"], 7)
        self.assertEqual(figure["qty_returned"], 3)
        self.assertEqual(figure["amount_delivered"], 210.0)

    def test_return_without_refund_keeps_delivered(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        picking = self._deliver(order, 10, "2026-10-06")
        self._return(picking, 3, "2026-10-20", to_refund=False)
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        self.assertEqual(figure["qty_delivered"], 10)
        self.assertEqual(figure["qty_returned"], 0)

    def test_return_after_period_end_not_counted(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        picking = self._deliver(order, 10, "2026-10-06")
        self._return(picking, 3, "2026-11-02")
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        self.assertEqual(figure["qty_delivered"], 10)

    def test_partial_invoice(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        self._deliver(order, 10, "2026-10-06")
        self._invoice_qty(order, "2026-10-07", {self.product_delivery: 4})
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        self.assertEqual((figure["qty_invoiced"], figure["qty_difference"]), (4, 6))
        self.assertEqual(figure["amount_invoiced"], 120.0)
        self.assertEqual(figure["amount_difference"], 180.0)

    def test_invoice_ahead_of_delivery(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._invoice_qty(order, "2026-10-08")
        self._deliver(order, 10, "2026-11-04")
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        self.assertEqual((figure["qty_delivered"], figure["qty_invoiced"]), (0, 10))
        self.assertEqual(figure["qty_difference"], -10)
        self.assertEqual(figure["amount_difference_company"], -1000.0)

    def test_credit_note_after_period_end_not_counted(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._deliver(order, 10, "2026-10-06")
        invoice = self._invoice_qty(order, "2026-10-08")
        self._refund(invoice, "2026-11-05", qty=2)
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        self.assertEqual(figure["qty_invoiced"], 10)
        november = self._figures(self.period_nov)[order.order_line.id]
        self.assertEqual(november["qty_invoiced"], 8)
        self.assertEqual(november["qty_difference"], 2)

    def test_credit_note_in_period_subtracts(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._deliver(order, 10, "2026-10-06")
        invoice = self._invoice_qty(order, "2026-10-08")
        self._refund(invoice, "2026-10-25", qty=2)
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        self.assertEqual(
            (figure["qty_invoiced"], figure["amount_invoiced"]), (8, 800.0)
        )

    def test_second_currency_at_period_end_rate(self):
        eur = self.setup_other_currency(
            "EUR", rates=[("2026-01-01", 2.0), ("2026-11-15", 4.0)]
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id}
        )
        order = self._sell(
            "2026-10-05", [(self.product_delivery, 10, 30.0)], pricelist=pricelist
        )
        self._deliver(order, 4, "2026-10-10")
        self.assertEqual(order.currency_id, eur)
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        # 4 x 30 EUR = 120 EUR; at 2 EUR per company unit on Oct 31: 60.00
        self.assertEqual(figure["amount_delivered"], 120.0)
        self.assertEqual(figure["amount_delivered_company"], 60.0)
        self.assertEqual(figure["amount_difference_company"], 60.0)
        self.assertEqual(figure["rate"], 0.5)

    def test_missing_rate_is_an_error(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-11-15", 4.0)])
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id}
        )
        self._sell("2026-10-05", [(self.product, 1, 30.0)], pricelist=pricelist)
        with self.assertRaisesRegex(UserError, "No exchange rate of EUR"):
            self._figures()

    def test_line_sold_in_dozens_invoiced_in_units(self):
        order = self._sell(
            "2026-10-05",
            [(self.product_delivery, 2, 360.0, {"product_uom": self.uom_dozen.id})],
        )
        # 18 units (1.5 dozen) delivered; 12 units (one dozen) invoiced
        self.assertEqual(order.order_line.move_ids.product_uom, self.uom_unit)
        self._deliver(order, 18, "2026-10-06")
        with freeze_time("2026-10-07 14:00:00"):
            invoice = order._create_invoices()
            invoice.invoice_date = fields.Date.to_date("2026-10-07")
            invoice.invoice_line_ids.write(
                {"product_uom_id": self.uom_unit.id, "quantity": 12, "price_unit": 30.0}
            )
            invoice.action_post()
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        self.assertEqual((figure["qty_delivered"], figure["qty_invoiced"]), (1.5, 1.0))
        self.assertEqual(figure["amount_delivered"], 540.0)
        self.assertEqual(figure["amount_invoiced"], 360.0)
        self.assertEqual(figure["amount_difference"], 180.0)

    def test_service_with_manual_delivered_quantity(self):
        order = self._sell("2026-10-05", [(self.service, 5, 50.0)])
        order.order_line.qty_delivered = 3
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        self.assertEqual(
            (figure["qty_delivered"], figure["amount_difference"]), (3, 150.0)
        )

    def test_discount_is_in_the_net_price(self):
        order = self._sell(
            "2026-10-05", [(self.product_delivery, 10, 30.0, {"discount": 10.0})]
        )
        self._deliver(order, 5, "2026-10-06")
        figure = self._assert_agrees_with_odoo(order)[order.order_line.id]
        self.assertEqual(figure["price_net"], 27.0)
        self.assertEqual(figure["amount_delivered"], 135.0)

    def test_settled_old_order_is_left_out(self):
        self.period_sep._set_stage("open")
        order = self._sell("2026-09-05", [(self.product, 10, 100.0)])
        self._deliver(order, 10, "2026-09-06")
        self._invoice_qty(order, "2026-09-08")
        self.assertNotIn(order.order_line.id, self._figures())

    def test_old_order_unsettled_at_end_is_in(self):
        self.period_sep._set_stage("open")
        order = self._sell("2026-09-05", [(self.product, 10, 100.0)])
        self._deliver(order, 10, "2026-09-06")
        # invoiced after the period: settled today, not at October 31
        self._invoice_qty(order, "2026-11-03")
        figure = self._figures()[order.order_line.id]
        self.assertEqual((figure["qty_delivered"], figure["qty_invoiced"]), (10, 0))
        self.assertFalse(figure["in_period"])

    # --- where the definitions differ --------------------------------------
    def test_draft_invoice_is_not_invoiced(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._deliver(order, 10, "2026-10-06")
        self._invoice_qty(order, "2026-10-20", post=False)
        odoo = self._odoo_as_of(order, self.period_oct.date_end)[order.order_line.id]
        self.assertEqual(odoo["qty_invoiced"], 10, "Odoo counts the draft")
        figure = self._figures()[order.order_line.id]
        self.assertEqual(figure["qty_invoiced"], 0)
        self.assertEqual(figure["qty_draft_invoiced"], 10)
        self.assertEqual(figure["amount_difference"], 1000.0)

    def test_invoice_moved_past_lock_date_counts_in_next_period(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._deliver(order, 10, "2026-10-06")
        invoice = self._invoice_booked_after_lock(order)
        self.assertEqual(invoice.invoice_date, fields.Date.to_date("2026-10-30"))
        self.assertGreater(invoice.date, self.period_oct.date_end)
        odoo = self._odoo_as_of(order, self.period_oct.date_end)[order.order_line.id]
        self.assertEqual(odoo["qty_invoiced"], 10, "Odoo reads the invoice date")
        figure = self._figures()[order.order_line.id]
        self.assertEqual(figure["qty_invoiced"], 0)
        self.assertEqual(figure["amount_difference"], 1000.0)

    # --- paid ---------------------------------------------------------------
    def test_paid_as_of_period_end(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._deliver(order, 10, "2026-10-06")
        invoice = self._invoice_qty(order, "2026-10-08")
        self._pay(invoice, "2026-10-20", amount=400.0)
        self._pay(invoice, "2026-11-03", amount=600.0)
        figure = self._figures()[order.order_line.id]
        self.assertEqual(figure["amount_paid"], 400.0)
        self.assertEqual(figure["amount_paid_company"], 400.0)

    # --- cost ---------------------------------------------------------------
    def _warm(self):
        self.env.flush_all()
        self.env.invalidate_all()
        self._figures()  # warm Odoo's own caches (groups, rules, references)
        self.env.invalidate_all()

    def test_query_count_does_not_grow_with_lines(self):
        self._make_orders(2)
        self._warm()
        with self.assertQueryCount(12):
            self.assertEqual(len(self._figures()), 4)
        self._make_orders(4)
        self._warm()
        with self.assertQueryCount(12):
            self.assertEqual(len(self._figures()), 12)
