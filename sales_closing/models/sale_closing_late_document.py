# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleClosingLateDocument(models.Model):
    _name = "sale.closing.late.document"
    _description = "Sales Closing Late Document"
    _order = "accounting_date desc, id desc"
    _check_company_auto = True

    # === FIELDS === #
    period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        string="Period",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Document",
        required=True,
        ondelete="cascade",
        readonly=True,
    )
    partner_id = fields.Many2one(related="move_id.partner_id")
    move_type = fields.Selection(related="move_id.move_type")
    amount_total_signed = fields.Monetary(
        related="move_id.amount_total_signed", currency_field="company_currency_id"
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    document_date = fields.Date(
        readonly=True,
        help="The date the document bears (invoice date).",
    )
    accounting_date = fields.Date(
        readonly=True,
        help="The date Odoo booked it at, past the lock date.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="Posted By", readonly=True
    )
