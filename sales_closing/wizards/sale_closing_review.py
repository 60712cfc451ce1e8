# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleClosingReview(models.TransientModel):
    _name = "sale.closing.review"
    _description = "Review Sales Closing Problems"

    result_ids = fields.Many2many(
        comodel_name="sale.closing.check.result",
        string="Problems",
        required=True,
    )
    note = fields.Text()
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Assign To",
        domain=[("share", "=", False)],
    )

    def action_review(self):
        """Mark the problems reviewed with the note."""
        self.ensure_one()
        self.result_ids._review(self.note)
        return {"type": "ir.actions.act_window_close"}

    def action_assign(self):
        """Give the chosen user a to-do on the problems."""
        self.ensure_one()
        self.result_ids._assign(self.user_id, self.note)
        return {"type": "ir.actions.act_window_close"}
