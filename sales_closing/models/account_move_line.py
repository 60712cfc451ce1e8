# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # === FIELDS === #
    # Not Odoo's sale_line_ids: that link makes a line count as invoiced.
    # Not copied: the close writes them by SQL on the entries it posts and
    # on their reversals (``sale.closing.bulk._copy_links``).
    sale_closing_sale_line_ids = fields.Many2many(
        comodel_name="sale.order.line",
        relation="sale_closing_move_line_sale_line_rel",
        column1="move_line_id",
        column2="sale_line_id",
        string="Closing Source Order Lines",
        readonly=True,
        copy=False,
        help="The order lines whose period-end figures this entry line posts.",
    )
    sale_closing_receivable_line_ids = fields.Many2many(
        comodel_name="account.move.line",
        relation="sale_closing_move_line_receivable_rel",
        column1="move_line_id",
        column2="receivable_line_id",
        string="Closing Source Receivables",
        readonly=True,
        copy=False,
        help="The open receivables this allowance line provides for.",
    )
