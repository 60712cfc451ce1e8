# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Run Checks and Close of a large period in the background, through Odoo's
own ``ir.cron``: the button queues the job and triggers the cron at once; the
cron runs it as the user who asked, in one transaction (the close: stage,
entries, reversals and lock date, all or nothing), reports its progress and
writes the result or the error in the period's chatter. Periods below the
company's threshold run at once, as before.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError

JOB_ACTIONS = [("checks", "Run Checks"), ("close", "Close")]


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    # === FIELDS === #
    job_action = fields.Selection(
        selection=JOB_ACTIONS,
        string="Background Job",
        readonly=True,
        copy=False,
        help="The job queued or running for this period in the background.",
    )
    job_date = fields.Datetime(string="Job Requested On", readonly=True, copy=False)
    job_user_id = fields.Many2one(
        comodel_name="res.users", string="Job Requested By", readonly=True, copy=False
    )
    job_stage_from = fields.Char(readonly=True, copy=False)

    # === ACTIONS === #
    def action_run_checks(self):
        if self.env.context.get("sale_closing_in_job"):
            return super().action_run_checks()
        large = self.filtered(lambda p: p._is_background_job())
        for period in large:
            period._queue_job("checks")
        if large:
            super(SaleClosingPeriod, self - large).action_run_checks()
            return large._get_job_notification()
        return super().action_run_checks()

    def action_advance(self, stage_from=None, stage_to=None):
        stage_from = stage_from or self.env.context.get("sale_closing_stage_from")
        stage_to = stage_to or self.env.context.get("sale_closing_stage_to")
        if (
            len(self) != 1
            or self.env.context.get("sale_closing_in_job")
            or (stage_to or "") != "closed"
            or not self._is_background_job()
        ):
            return super().action_advance(stage_from, stage_to)
        self._check_manager()
        self._lock_for_change()
        self._check_stage_seen(stage_from, stage_to)
        self._queue_job("close", stage_from=self.state)
        return self._get_job_notification()

    # === BUSINESS === #
    def _reopen(self, reason, stage_from=None):
        self._check_no_job()
        return super()._reopen(reason, stage_from=stage_from)

    def _is_background_job(self):
        """Return whether this period is above its company's threshold
        (order lines of orders dated in it) and its runs go to the cron."""
        self.ensure_one()
        threshold = self.company_id.sale_closing_background_lines
        if threshold <= 0:
            return False
        utc_start, utc_end = self.env["sale.closing.line"]._get_period_bounds(self)
        count = (
            self.env["sale.order.line"]
            .sudo()
            .search_count(
                [
                    ("order_id.company_id", "=", self.company_id.id),
                    ("order_id.date_order", ">=", utc_start),
                    ("order_id.date_order", "<", utc_end),
                    ("display_type", "=", False),
                ],
                limit=threshold,
            )
        )
        return count >= threshold

    def _check_no_job(self):
        """Refuse while a job of this period is queued or running."""
        for period in self.filtered("job_action"):
            raise UserError(
                self.env._(
                    "Period %(period)s: %(job)s is already running in the background "
                    "since %(date)s, asked by %(user)s. Wait for it to finish (its "
                    "result will be in the period's chatter), then refresh.",
                    period=period.name,
                    job=dict(JOB_ACTIONS)[period.job_action],
                    date=fields.Datetime.to_string(period.job_date),
                    user=period.job_user_id.name,
                )
            )

    def _queue_job(self, action, stage_from=None):
        """Queue ``action`` for this period and trigger the cron at once."""
        self.ensure_one()
        self._lock_for_change(neighbours=False)
        self._check_no_job()
        if action == "checks" and self.state == "closed":
            self._run_checks()  # refuses with the usual message
        self.sudo().write(
            {
                "job_action": action,
                "job_date": fields.Datetime.now(),
                "job_user_id": self.env.uid,
                "job_stage_from": stage_from,
            }
        )
        self.message_post(
            body=self.env._(
                "%(job)s queued in the background by %(user)s.",
                job=dict(JOB_ACTIONS)[action],
                user=self.env.user.name,
            )
        )
        self.env.ref("sales_closing.ir_cron_period_jobs").sudo()._trigger()

    def _get_job_notification(self):
        """Return the client action telling the user the job is queued."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "Running in the background: the result will be in the "
                    "chatter of %(periods)s.",
                    periods=", ".join(self.mapped("name")),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_run_jobs(self):
        """Run the queued jobs, one period after another, each in its own
        savepoint: a failure leaves its period as it was, with the error in
        its chatter."""
        periods = self.sudo().search([("job_action", "!=", False)], order="job_date")
        cron = self.env["ir.cron"]
        for done, period in enumerate(periods):
            cron._notify_progress(done=done, remaining=len(periods) - done)
            period._run_job()
        cron._notify_progress(done=len(periods), remaining=0)

    def _run_job(self):
        """Run this period's queued job as the user who asked for it."""
        self.ensure_one()
        action, stage_from = self.job_action, self.job_stage_from
        user = self.job_user_id
        period = self.with_user(user).with_context(sale_closing_in_job=True)
        try:
            with self.env.cr.savepoint():
                if action == "close":
                    period.action_advance(stage_from, "closed")
                else:
                    period.action_run_checks()
                body = period._get_job_result()
        except Exception as error:  # noqa: BLE001 -- reported in the chatter
            self.env.invalidate_all()
            body = self.env._(
                "%(job)s asked by %(user)s failed; the period is as it was: "
                "%(error)s",
                job=dict(JOB_ACTIONS)[action],
                user=user.name,
                error=str(error),
            )
        self.sudo().write(
            {
                "job_action": False,
                "job_date": False,
                "job_user_id": False,
                "job_stage_from": False,
            }
        )
        self.sudo().message_post(body=body)

    def _get_job_result(self):
        """Return the chatter note of a job that ended well."""
        self.ensure_one()
        return self.env._(
            "Done in the background for %(user)s: period at %(stage)s, "
            "%(lines)s reconciliation lines, %(problems)s problems "
            "(%(blocking)s blocking), %(entries)s journal entries.",
            user=self.env.user.name,
            stage=self._stage_label(),
            lines=self.line_count,
            problems=self.result_count,
            blocking=self.blocking_count,
            entries=self.entry_count,
        )
