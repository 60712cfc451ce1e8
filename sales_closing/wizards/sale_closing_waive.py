# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleClosingWaive(models.TransientModel):
    _name = "sale.closing.waive"
    _description = "Waive Sales Closing Problems"

    result_ids = fields.Many2many(
        comodel_name="sale.closing.check.result",
        string="Problems",
        required=True,
    )
    reason = fields.Text(required=True)

    def action_waive(self):
        self.ensure_one()
        self.result_ids._waive(self.reason)
        # opened from the close wizard: back to its review step
        close = self.env["sale.closing.close"].browse(
            self.env.context.get("sale_closing_close_id")
        )
        if close.exists():
            return close._go("review")
        return {"type": "ir.actions.act_window_close"}
