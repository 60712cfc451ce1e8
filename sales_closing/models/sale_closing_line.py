# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reconciliation line model: its fields and actions.

How the figures of a line are computed as of a period end is in
``sale_closing_line_figures.py``; the raw SQL reads behind them, in
``sale_closing_line_queries.py``.
"""

from odoo import api, fields, models

QTY_FIELDS = [
    "qty_ordered",
    "qty_delivered",
    "qty_invoiced",
    "qty_difference",
    "qty_returned",
    "qty_draft_invoiced",
]
AMOUNT_FIELDS = [
    "amount_ordered",
    "amount_delivered",
    "amount_invoiced",
    "amount_paid",
    "amount_difference",
]
COMPANY_AMOUNT_FIELDS = [f"{name}_company" for name in AMOUNT_FIELDS]


class SaleClosingLine(models.Model):
    """One sale order line's figures as of a period end.

    The lines are the frozen result of the last "Run Checks" (or of the close)
    of a period: the reconciliation view reads them, the checks and the
    posting rules start from them.
    """

    _name = "sale.closing.line"
    _description = "Sales Closing Reconciliation Line"
    _inherit = ["sale.closing.group.totals"]
    _order = "period_id, order_id, sale_line_id"
    _check_company_auto = True

    # === FIELDS === #
    period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    date_end = fields.Date(related="period_id.date_end", string="As of")
    sale_line_id = fields.Many2one(
        comodel_name="sale.order.line",
        string="Order Line",
        required=True,
        ondelete="cascade",
        index=True,
    )
    order_id = fields.Many2one(comodel_name="sale.order", string="Order")
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer")
    product_id = fields.Many2one(comodel_name="product.product", string="Product")
    categ_id = fields.Many2one(
        comodel_name="product.category", string="Product Category"
    )
    user_id = fields.Many2one(comodel_name="res.users", string="Salesperson")
    team_id = fields.Many2one(comodel_name="crm.team", string="Sales Team")
    product_uom_id = fields.Many2one(comodel_name="uom.uom", string="Unit")
    currency_id = fields.Many2one(comodel_name="res.currency", string="Currency")
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    invoice_policy = fields.Selection(
        selection=[
            ("order", "Ordered quantities"),
            ("delivery", "Delivered quantities"),
        ]
    )
    in_period = fields.Boolean(
        string="Ordered in Period", help="The order was confirmed in the period."
    )
    qty_ordered = fields.Float(string="Ordered", digits="Product Unit of Measure")
    qty_delivered = fields.Float(string="Delivered", digits="Product Unit of Measure")
    qty_invoiced = fields.Float(string="Invoiced", digits="Product Unit of Measure")
    qty_difference = fields.Float(
        string="Delivered - Invoiced",
        digits="Product Unit of Measure",
        help="Positive: delivered, not invoiced (accrued revenue). "
        "Negative: invoiced, not delivered (deferred revenue).",
    )
    qty_returned = fields.Float(
        string="Returned to Refund", digits="Product Unit of Measure"
    )
    qty_draft_invoiced = fields.Float(
        string="On Draft Invoices", digits="Product Unit of Measure"
    )
    price_net = fields.Float(string="Net Unit Price", digits="Product Price")
    amount_ordered = fields.Monetary(string="Ordered Amount")
    amount_delivered = fields.Monetary(string="Delivered Amount")
    amount_invoiced = fields.Monetary(string="Invoiced Amount")
    amount_paid = fields.Monetary(string="Paid Amount")
    amount_difference = fields.Monetary(string="Difference")
    amount_ordered_company = fields.Monetary(
        string="Ordered (Company Currency)", currency_field="company_currency_id"
    )
    amount_delivered_company = fields.Monetary(
        string="Delivered (Company Currency)", currency_field="company_currency_id"
    )
    amount_invoiced_company = fields.Monetary(
        string="Invoiced (Company Currency)", currency_field="company_currency_id"
    )
    amount_paid_company = fields.Monetary(
        string="Paid (Company Currency)", currency_field="company_currency_id"
    )
    amount_difference_company = fields.Monetary(
        string="Difference (Company Currency)", currency_field="company_currency_id"
    )
    rate = fields.Float(
        string="Period-End Rate",
        digits=0,
        help="Company currency units per order currency unit at the period end.",
    )

    # === BUSINESS METHODS === #
    @api.model
    def _get_group_total_keys(self):
        """Quantities add up within one unit, order-currency amounts within
        one currency, and nothing adds up across periods (an order line is
        in every period it matters to)."""
        return {
            "product_uom_id": QTY_FIELDS,
            "currency_id": AMOUNT_FIELDS,
            "period_id": QTY_FIELDS + AMOUNT_FIELDS + COMPANY_AMOUNT_FIELDS,
        }

    # === ACTIONS === #
    def action_open_sale_line(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }
