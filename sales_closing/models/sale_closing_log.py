# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError


class SaleClosingLog(models.Model):
    _name = "sale.closing.log"
    _description = "Sales Closing Exception Log"
    _order = "date desc, id desc"
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
    exception_id = fields.Many2one(
        comodel_name="sale.closing.exception",
        string="Exception",
        readonly=True,
        index=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users", string="User", readonly=True, required=True
    )
    date = fields.Datetime(default=fields.Datetime.now, readonly=True, required=True)
    res_model = fields.Char(string="Model", readonly=True, required=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", readonly=True
    )
    document = fields.Char(readonly=True)
    operation = fields.Char(readonly=True)
    changes = fields.Text(readonly=True)

    # === CRUD === #
    def write(self, vals):
        if vals:
            raise UserError(self.env._("The exception log cannot be changed."))
        return super().write(vals)

    # === ACTIONS === #
    def action_open_document(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
