# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleClosingDrift(models.Model):
    """One figure of a closed period that no longer says what its close
    pack froze: found by the last drift check."""

    _name = "sale.closing.drift"
    _description = "Sales Closing Drift"
    _order = "period_id, order_id, sale_line_id, id"
    _check_company_auto = True

    # === FIELDS === #
    period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    snapshot_id = fields.Many2one(
        comodel_name="sale.closing.snapshot", string="Close Pack", readonly=True
    )
    sale_line_id = fields.Many2one(
        comodel_name="sale.order.line", string="Order Line", readonly=True
    )
    order_id = fields.Many2one(comodel_name="sale.order", string="Order", readonly=True)
    document = fields.Char(readonly=True)
    field_name = fields.Char(string="Field", readonly=True)
    value_before = fields.Char(string="At the Close", readonly=True)
    value_after = fields.Char(string="Now", readonly=True)
    cause = fields.Text(
        string="Behind It",
        readonly=True,
        help="The lock exception log entries and lock date changes since the "
        "close that touch this document.",
    )
