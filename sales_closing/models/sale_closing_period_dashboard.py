# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the closing dashboard shows of a period (how long ago it ended,
whether its close is overdue, whether blocking problems remain), the
reminders of closes falling behind, and the entry to the guided close."""

import datetime

from odoo import api, fields, models

from ..lib import periods as periods_lib


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    # === FIELDS === #
    days_since_end = fields.Integer(
        compute="_compute_days_since_end",
        help="Days since the period's last day (negative: days until it ends).",
    )
    close_overdue = fields.Boolean(
        compute="_compute_days_since_end",
        search="_search_close_overdue",
        help="The period ended more than the company's reminder delay ago "
        "and is not closed.",
    )
    has_blocking = fields.Boolean(
        string="Has Blocking Problems",
        compute="_compute_has_blocking",
        search="_search_has_blocking",
    )

    end_status = fields.Char(
        string="Period End",
        compute="_compute_days_since_end",
        help="How long ago the period ended, or when it ends.",
    )
    can_advance = fields.Boolean(
        compute="_compute_can_advance",
        help="The period can move to its next stage now: it is not closed, "
        "the previous period has reached that stage, and it has ended (or the "
        "company allows closing early).",
    )
    can_reopen = fields.Boolean(
        compute="_compute_can_reopen",
        help="The period is past Open and the next period is Open (or none).",
    )

    # === COMPUTES === #
    @api.depends("state", "company_id", "date_end")
    def _compute_can_reopen(self):
        # not stored: read afresh with the next period's stage each time
        for period in self:
            period.can_reopen = not periods_lib.reopen_refusal(
                period.state, period.next_period_id.state or None
            )

    @api.depends("state", "company_id", "date_end")
    def _compute_can_advance(self):
        # not stored: read afresh with the previous period's stage and today
        for period in self:
            company = period.company_id
            period.can_advance = bool(
                period.state
                and period.date_end
                and not periods_lib.advance_refusal(
                    period.state,
                    period.previous_period_id.state or None,
                    period.date_end,
                    company._sale_closing_today(),
                    company.sale_closing_allow_early_close,
                )
            )

    @api.depends("date_end", "state", "company_id")
    def _compute_days_since_end(self):
        for period in self:
            company = period.company_id
            if not period.date_end or not company:
                period.days_since_end = 0
                period.close_overdue = False
                period.end_status = False
                continue
            days = (company._sale_closing_today() - period.date_end).days
            period.days_since_end = days
            period.end_status = self._get_end_status(days)
            period.close_overdue = (
                period.state != "closed" and days > company.sale_closing_reminder_days
            )

    @api.depends("blocking_count")
    def _compute_has_blocking(self):
        for period in self:
            period.has_blocking = bool(period.blocking_count)

    def _search_close_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        overdue = self.sudo()._get_overdue_periods()
        in_overdue = (operator == "=") == value
        return [("id", "in" if in_overdue else "not in", overdue.ids)]

    def _search_has_blocking(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        blocking = [("severity", "=", "blocking"), ("waived", "=", False)]
        in_blocking = (operator == "=") == value
        return [("result_ids", "any" if in_blocking else "not any", blocking)]

    # === ACTIONS === #
    def action_open_close_wizard(self):
        """Open the guided close of this period at the step its stage calls
        for."""
        self.ensure_one()
        self._check_manager()
        return self.env["sale.closing.close"]._get_start_action(self)

    # === BUSINESS METHODS === #
    @api.model
    def _get_end_status(self, days):
        """Return how long ago a period ended ``days`` days ago (negative:
        when it ends), one sentence each for one day and for several."""
        if days > 1:
            return self.env._("Ended %(days)s days ago", days=days)
        if days == 1:
            return self.env._("Ended yesterday")
        if days == 0:
            return self.env._("Ends today")
        if days == -1:
            return self.env._("Ends tomorrow")
        return self.env._("Ends in %(days)s days", days=-days)

    @api.model
    def _get_overdue_periods(self):
        """Return the periods not closed whose company's reminder delay after
        their end has passed."""
        overdue = self.browse()
        for company in self.env["res.company"].search([]):
            limit = company._sale_closing_today() - datetime.timedelta(
                days=company.sale_closing_reminder_days
            )
            overdue |= self.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "!=", "closed"),
                    ("date_end", "<", limit),
                ]
            )
        return overdue

    @api.model
    def _cron_remind_close(self):
        """Give every closing manager of the company a to-do on each period
        whose close is overdue, once (an open reminder is not repeated)."""
        activity_type = self.env.ref("sales_closing.mail_activity_close_period")
        managers = self.env.ref("sales_closing.group_sale_closing_manager").users
        periods = self.sudo()._get_overdue_periods()
        existing = {
            (activity.res_id, activity.user_id.id)
            for activity in self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", periods.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        }
        for period in periods:
            company = period.company_id
            deadline = period.date_end + datetime.timedelta(
                days=company.sale_closing_reminder_days
            )
            for user in managers.filtered(
                lambda u, c=company: c in u.company_ids and not u.share
            ):
                if (period.id, user.id) in existing:
                    continue
                period.activity_schedule(
                    act_type_xmlid="sales_closing.mail_activity_close_period",
                    date_deadline=deadline,
                    user_id=user.id,
                    summary=self.env._(
                        "Close %(period)s: it ended %(days)s days ago",
                        period=period.name,
                        days=period.days_since_end,
                    ),
                )
