# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaleClosingDriftAcknowledge(models.TransientModel):
    _name = "sale.closing.drift.acknowledge"
    _description = "Acknowledge the Drift of a Closed Period"

    period_id = fields.Many2one(comodel_name="sale.closing.period", required=True)
    reason = fields.Text(required=True)

    def action_acknowledge(self):
        self.ensure_one()
        self.period_id._acknowledge_drift(self.reason)
        return {"type": "ir.actions.act_window_close"}
