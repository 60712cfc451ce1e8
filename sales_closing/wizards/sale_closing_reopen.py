# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..models.sale_closing_period import STAGE_SELECTION


class SaleClosingReopen(models.TransientModel):
    _name = "sale.closing.reopen"
    _description = "Reopen a Sales Closing Period"

    period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        string="Period",
        required=True,
        ondelete="cascade",
    )
    state = fields.Selection(related="period_id.state")
    stage_from = fields.Selection(
        selection=STAGE_SELECTION,
        string="Stage Seen",
        help="The stage the period was at when this window opened: reopening "
        "is refused if it has changed since.",
    )
    reason = fields.Text(required=True)

    def action_reopen(self):
        self.ensure_one()
        self.period_id._reopen(self.reason, stage_from=self.stage_from)
        return {"type": "ir.actions.act_window_close"}
