# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleClosingGenerate(models.TransientModel):
    _name = "sale.closing.generate"
    _description = "Generate Sales Closing Periods"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    year = fields.Integer(required=True, default=lambda self: self._default_year())
    period_type = fields.Selection(
        selection=[("month", "Monthly"), ("quarter", "Quarterly")],
        string="Frequency",
        default="month",
        required=True,
    )

    @api.model
    def _default_year(self):
        return fields.Date.context_today(self).year

    def action_generate(self):
        self.ensure_one()
        self.env["sale.closing.period"]._check_manager()
        if not 1900 < self.year < 3000:
            raise UserError(
                self.env._("%(year)s is not a year to close.", year=self.year)
            )
        periods = self.env["sale.closing.period"]._generate_periods(
            self.company_id, self.year, self.period_type
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Closing Periods"),
            "res_model": "sale.closing.period",
            "view_mode": "list,form",
            "domain": [("id", "in", periods.ids)],
        }
