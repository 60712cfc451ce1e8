# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_date

from ..lib import periods as periods_lib
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
    stage_to = fields.Selection(
        selection=STAGE_SELECTION,
        string="Back To",
        compute="_compute_consequences",
    )
    consequences = fields.Html(compute="_compute_consequences", readonly=True)

    @api.depends("period_id", "stage_from")
    def _compute_consequences(self):
        for wizard in self:
            source = wizard.stage_from or wizard.period_id.state
            wizard.stage_to = source and periods_lib.previous_stage(source)
            items = wizard._get_consequences(source)
            wizard.consequences = items and Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % item for item in items
            )

    def _get_consequences(self, source):
        """Return what reopening from ``source`` does, one sentence each."""
        period = self.period_id
        if source == "closed":
            live = period.sudo().entry_move_ids.filtered(
                lambda m: not m.sale_closing_cancelled
            )
            return [
                self.env._(
                    "Its %(count)s live period-end entries and reversals are "
                    "reversed at their own dates (posted) or cancelled (still "
                    "waiting); closing again posts them anew.",
                    count=len(live),
                ),
                self.env._(
                    "The checks can run again: the figures are no longer frozen."
                ),
            ]
        if source == "invoicing_locked":
            return [
                self.env._(
                    "Customer invoices dated in the period can be changed again: "
                    "the company's Sales Lock Date goes back to %(date)s.",
                    date=format_date(self.env, period.sale_lock_date_before)
                    or self.env._("empty"),
                )
            ]
        if source == "sales_locked":
            return [
                self.env._(
                    "Sale orders and deliveries dated in the period can be "
                    "changed again."
                )
            ]
        return []

    def action_reopen(self):
        self.ensure_one()
        self.period_id._reopen(self.reason, stage_from=self.stage_from)
        return {"type": "ir.actions.act_window_close"}
