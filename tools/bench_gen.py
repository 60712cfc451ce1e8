# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A realistic month of sales for the benchmark, run inside ``odoo shell``.

Owns: the template month made through Odoo's own flows (orders of 1-50
lines in two currencies and two units, partial deliveries with backorders,
deliveries after the period end, returns with and without refund, partial
invoices, invoices ahead of delivery, drafts, invoices posted after the end,
credit notes in and after the period, partial and unapplied payments), its
cloning by SQL (``bench_clone.py``) up to the number of lines asked, and the
proof that the clones are what Odoo's flows write: Odoo's own as-of
computation (the ``accrual_entry_date`` recompute of the accrued-orders
wizard) against the module's figures on a sample of cloned lines.
"""

import datetime
import random

import bench_clone
from freezegun import freeze_time

from odoo import Command

SIZES = [50, 30, 20, 12, 8, 5, 3, 2, 1, 25]  # lines of the template orders
CUSTOMERS = 400
PRODUCT_COPIES = 30


def day(period, offset):
    """``period.date_start`` + ``offset`` days (negative: after the end)."""
    if offset < 0:
        return period.date_end + datetime.timedelta(days=-offset)
    return period.date_start + datetime.timedelta(days=offset)


class Templates:
    """The template documents, made through Odoo's flows."""

    def __init__(self, env, period):
        self.env = env
        self.period = period
        self.rng = random.Random(12)
        company = env.company
        Product = env["product.product"]
        base = {"is_storable": True, "list_price": 20.0}
        self.product_vals = [
            dict(base, name="Bench part", invoice_policy="delivery"),
            dict(base, name="Bench kit", invoice_policy="order", list_price=45.0),
            dict(base, name="Bench screws", invoice_policy="delivery", list_price=2.5),
        ]
        self.p_delivery, self.p_order, self.p_dozen = Product.create(self.product_vals)
        self.dozen = env.ref("uom.product_uom_dozen")
        stock = (
            env["stock.warehouse"]
            .search([("company_id", "=", company.id)], limit=1)
            .lot_stock_id
        )
        for product in (self.p_delivery, self.p_order, self.p_dozen):
            env["stock.quant"]._update_available_quantity(product, stock, 1e7)
        self.customer = env["res.partner"].create(
            {"name": "Bench template customer", "is_company": True}
        )
        self.pricelist = env["product.pricelist"].search(
            [("currency_id", "!=", company.currency_id.id)], limit=1
        )
        self.orders = env["sale.order"]

    def sell(self, size, offset, foreign=False, order_policy=False):
        lines = []
        for index in range(size):
            product = (
                self.p_order
                if order_policy
                else [self.p_delivery, self.p_dozen, self.p_order][index % 3]
            )
            vals = {
                "product_id": product.id,
                "product_uom_qty": self.rng.randint(2, 20),
                "price_unit": round(self.rng.uniform(3, 300), 2),
            }
            if product == self.p_dozen:
                vals["product_uom"] = self.dozen.id
            lines.append(Command.create(vals))
        vals = {"partner_id": self.customer.id, "order_line": lines}
        if foreign and self.pricelist:
            vals["pricelist_id"] = self.pricelist.id
        with freeze_time(f"{day(self.period, offset)} 09:00:00"):
            order = self.env["sale.order"].create(vals)
            for line, command in zip(order.order_line, lines, strict=True):
                line.price_unit = command[2]["price_unit"]
            order.action_confirm()
        self.orders |= order
        return order

    def deliver(self, order, offset, share=1.0):
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
            and p.picking_type_code == "outgoing"
        )
        with freeze_time(f"{day(self.period, offset)} 12:00:00"):
            for move in picking.move_ids:
                qty = move.product_uom_qty * share
                move.quantity = max(1.0, round(qty)) if share < 1 else qty
                move.picked = True
            action = picking.button_validate()
            if isinstance(action, dict):
                wizard = self.env[action["res_model"]].with_context(action["context"])
                wizard.create({}).process()
        return picking

    def return_goods(self, picking, offset, to_refund):
        with freeze_time(f"{day(self.period, offset)} 13:00:00"):
            wizard = (
                self.env["stock.return.picking"]
                .with_context(active_id=picking.id, active_model="stock.picking")
                .create({})
            )
            for line in wizard.product_return_moves:
                line.write({"quantity": 1.0, "to_refund": to_refund})
            returned = self.env["stock.picking"].browse(
                wizard.action_create_returns()["res_id"]
            )
            for move in returned.move_ids:
                move.quantity = 1.0
                move.picked = True
            returned.button_validate()

    def invoice(self, order, offset, post=True, share=None):
        with freeze_time(f"{day(self.period, offset)} 14:00:00"):
            invoice = order._create_invoices()
            invoice.invoice_date = day(self.period, offset)
            if share:
                for line in invoice.invoice_line_ids:
                    line.quantity = max(1.0, round(line.quantity * share))
            if post:
                invoice.action_post()
        return invoice

    def refund(self, invoice, offset, share=0.5):
        with freeze_time(f"{day(self.period, offset)} 15:00:00"):
            wizard = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "journal_id": invoice.journal_id.id,
                        "date": day(self.period, offset),
                    }
                )
            )
            refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
            for line in refund.invoice_line_ids:
                line.quantity = max(1.0, round(line.quantity * share))
            refund.action_post()

    def pay(self, invoice, offset, share=1.0):
        with freeze_time(f"{day(self.period, offset)} 16:00:00"):
            wizard = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"payment_date": day(self.period, offset)})
            )
            if share < 1.0:
                wizard.amount = invoice.currency_id.round(wizard.amount * share)
            return wizard._create_payments()

    def unapplied_payment(self, offset, amount):
        with freeze_time(f"{day(self.period, offset)} 16:00:00"):
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.customer.id,
                    "amount": amount,
                    "date": day(self.period, offset),
                }
            )
            payment.action_post()
        return payment

    def build(self):
        """The ten template orders, one story each (sizes in ``SIZES``)."""
        s = SIZES
        # A: 60% delivered with a backorder done after the end; invoiced, paid 40%
        order = self.sell(s[0], 1)
        self.deliver(order, 4, share=0.6)
        self.pay(self.invoice(order, 9), 11, share=0.4)
        self.deliver(order, -3)
        # B: delivered in full, invoiced and posted after the end
        order = self.sell(s[1], 2)
        self.deliver(order, 3)
        self.invoice(order, -2)
        # C: invoiced on order ahead of delivery, paid; delivered after the end
        order = self.sell(s[2], 2, order_policy=True)
        self.pay(self.invoice(order, 3), 5)
        self.deliver(order, -4)
        # D: delivered, one unit of each returned to refund, credit note in period
        order = self.sell(s[3], 3)
        picking = self.deliver(order, 4)
        invoice = self.invoice(order, 6)
        self.return_goods(picking, 8, to_refund=True)
        self.refund(invoice, 9)
        # E: delivered, one unit each returned without refund, invoiced
        order = self.sell(s[4], 3)
        picking = self.deliver(order, 4)
        self.invoice(order, 6)
        self.return_goods(picking, 8, to_refund=False)
        # F: delivered and invoiced; credit note after the end
        order = self.sell(s[5], 2)
        self.deliver(order, 3)
        self.refund(self.invoice(order, 5), -1)
        # G: delivered, invoice left in draft
        order = self.sell(s[6], 4)
        self.deliver(order, 6)
        self.invoice(order, 7, post=False)
        # H: second currency: delivered, invoiced, paid in full
        order = self.sell(s[7], 4, foreign=True)
        self.deliver(order, 5)
        self.pay(self.invoice(order, 6), 9)
        # I: delivered, not invoiced; the customer paid ahead (unapplied)
        order = self.sell(s[8], 5)
        self.deliver(order, 6)
        self.unapplied_payment(7, 100.0)
        # J: invoiced on order, half delivered, credit note in period
        order = self.sell(s[9], 5, order_policy=True)
        self.refund(self.invoice(order, 6), 8, share=0.2)
        self.deliver(order, 9, share=0.5)
        self.env.flush_all()
        return self.orders


def template_ids(env, orders):
    """{table: ids} of every row the template orders made."""
    ids = {"sale_order": orders.ids, "sale_order_line": orders.order_line.ids}
    pickings = env["stock.picking"].search([("sale_id", "in", orders.ids)])
    ids["stock_picking"] = pickings.ids
    ids["stock_move"] = pickings.move_ids.ids
    ids["stock_move_line"] = pickings.move_ids.move_line_ids.ids
    invoices = orders.order_line.invoice_lines.move_id
    partner = orders.partner_id.commercial_partner_id
    payments = env["account.payment"].search([("partner_id", "in", partner.ids)])
    moves = invoices | payments.move_id
    lines = moves.line_ids
    partials = lines.matched_debit_ids | lines.matched_credit_ids
    moves |= partials.exchange_move_id
    full = lines.full_reconcile_id
    ids["account_move"] = moves.ids
    ids["account_move_line"] = moves.line_ids.ids
    ids["account_payment"] = payments.ids
    ids["account_partial_reconcile"] = partials.ids
    ids["account_full_reconcile"] = full.ids
    return ids


def make_pools(env, templates):
    """Customers and product copies the clones are spread over."""
    partners = env["res.partner"].create(
        [
            {"name": f"Bench customer {n:04d}", "is_company": True}
            for n in range(CUSTOMERS)
        ]
    )
    products, templates_pool = {}, {}
    for product, vals in zip(
        (templates.p_delivery, templates.p_order, templates.p_dozen),
        templates.product_vals,
        strict=True,
    ):
        copies = env["product.product"].create(
            [dict(vals, name=f"{vals['name']} {n:02d}") for n in range(PRODUCT_COPIES)]
        )
        products[product.id] = copies.ids
        templates_pool[product.product_tmpl_id.id] = copies.product_tmpl_id.ids
    return {
        "partners": {templates.customer.id: partners.ids},
        "products": products,
        "templates": templates_pool,
    }


def generate(env, period, lines):
    """Make ``lines`` order lines (at least the template's) in ``period``;
    return the template orders and the number of copies made."""
    templates = Templates(env, period)
    orders = templates.build()
    per_copy = len(orders.order_line)
    copies = max(0, -(-lines // per_copy) - 1)
    if copies:
        pools = make_pools(env, templates)
        env.flush_all()
        bench_clone.clone(env.cr, template_ids(env, orders), copies, pools)
        env.invalidate_all()
        env.registry.clear_cache()
    return orders, copies


def odoo_as_of(env, orders, date):
    """Odoo's own as-of figures of ``orders`` at ``date`` (the accrued-orders
    wizard's recompute on a virtual copy under ``accrual_entry_date``)."""
    env.flush_all()
    env.invalidate_all()
    result = {}
    for order in orders:
        virtual = order.new(origin=order)
        lines = virtual.order_line.with_context(accrual_entry_date=date)
        lines._compute_qty_delivered()
        lines._compute_qty_invoiced()
        lines._compute_untaxed_amount_invoiced()
        for line in virtual.order_line:
            result[line._origin.id] = (
                line.qty_delivered,
                line.qty_invoiced,
                line.untaxed_amount_invoiced,
            )
    env.invalidate_all()
    return result


def prove_consistency(env, period, sample=60):
    """Compare Odoo's as-of figures with ours on ``sample`` cloned orders;
    return the number of order lines compared and the differences."""
    figures = {
        row["sale_line_id"]: row
        for row in env["sale.closing.line"]._get_period_figures(period)
    }
    env.cr.execute(
        """
        SELECT id FROM sale_order WHERE name LIKE '%%-_____' AND company_id = %s
         ORDER BY md5(id::text) LIMIT %s
        """,
        [env.company.id, sample],
    )
    orders = env["sale.order"].browse([row[0] for row in env.cr.fetchall()])
    odoo = odoo_as_of(env, orders, period.date_end)
    differences = []
    for line_id, (delivered, invoiced, amount) in odoo.items():
        ours = figures.get(line_id)
        mine = (
            (
                ours["qty_delivered"],
                ours["qty_invoiced"] + ours["qty_draft_invoiced"],
                ours["amount_invoiced"],
            )
            if ours
            else (0.0, 0.0, 0.0)
        )
        theirs = (delivered, invoiced, amount)
        if any(abs(a - b) > 0.005 for a, b in zip(mine, theirs, strict=True)):
            differences.append((line_id, mine, theirs))
    return len(odoo), differences
