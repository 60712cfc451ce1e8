# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The closing period and its stages: Open → Sales Locked → Invoicing Locked
→ Closed, advanced one stage at a time and reopened one stage back with a
reason.

What each stage change sets off lives beside it, one concern a file:
``sale_closing_period_checks.py`` (the pre-close checks and their gate),
``sale_closing_period_entries.py`` (the period-end entries),
``sale_closing_period_lock_date.py`` (the company's Sales Lock Date),
``sale_closing_period_generation.py`` (making periods),
``sale_closing_period_guard.py`` (who may change a stage, and when) and
``sale_closing_lock.py`` (the lock the documents call).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate

from ..lib import periods as periods_lib
from ..lib import test_hooks
from ..lib.sentences import plural

_lt = LazyTranslate(__name__)

STAGE_SELECTION = [
    ("open", "Open"),
    ("sales_locked", "Sales Locked"),
    ("invoicing_locked", "Invoicing Locked"),
    ("closed", "Closed"),
]


class SaleClosingPeriod(models.Model):
    _name = "sale.closing.period"
    _description = "Sales Closing Period"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    # === FIELDS === #
    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    date_start = fields.Date(string="Start Date", required=True, tracking=True)
    date_end = fields.Date(string="End Date", required=True, tracking=True)
    period_type = fields.Selection(
        selection=[("month", "Month"), ("quarter", "Quarter"), ("custom", "Custom")],
        default="month",
        required=True,
    )
    state = fields.Selection(
        selection=STAGE_SELECTION,
        string="Stage",
        default="open",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        # not tracked: each stage change posts its own line, with who and why
        group_expand="_group_expand_states",
    )
    previous_period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        string="Previous Period",
        compute="_compute_neighbour_periods",
    )
    next_period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        string="Next Period",
        compute="_compute_neighbour_periods",
    )
    exception_ids = fields.One2many(
        comodel_name="sale.closing.exception",
        inverse_name="period_id",
        string="Lock Exceptions",
        context={"active_test": False},
    )
    log_ids = fields.One2many(
        comodel_name="sale.closing.log",
        inverse_name="period_id",
        string="Exception Log",
    )
    late_document_ids = fields.One2many(
        comodel_name="sale.closing.late.document",
        inverse_name="period_id",
        string="Late Documents",
    )
    active_exception_count = fields.Integer(compute="_compute_counts")
    log_count = fields.Integer(compute="_compute_counts")
    late_document_count = fields.Integer(compute="_compute_counts")

    # === DEFAULTS / GROUP EXPAND === #
    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in STAGE_SELECTION]

    # === COMPUTES === #
    @api.depends("company_id", "date_start", "date_end")
    def _compute_neighbour_periods(self):
        Period = self.sudo().with_context(active_test=False)
        for period in self:
            if not period.date_start or not period.company_id:
                period.previous_period_id = period.next_period_id = False
                continue
            base = [("company_id", "=", period.company_id.id)]
            if period.id:
                base.append(("id", "!=", period.id))
            period.previous_period_id = Period.search(
                base + [("date_end", "<", period.date_start)],
                order="date_end desc",
                limit=1,
            ).id
            period.next_period_id = Period.search(
                base + [("date_start", ">", period.date_end or period.date_start)],
                order="date_start asc",
                limit=1,
            ).id

    @api.depends("exception_ids.state", "log_ids", "late_document_ids")
    def _compute_counts(self):
        for period in self:
            period.active_exception_count = len(
                period.exception_ids.filtered(lambda e: e.state == "active")
            )
            period.log_count = len(period.log_ids)
            period.late_document_count = len(period.late_document_ids)

    # === CONSTRAINTS === #
    @api.constrains("date_start", "date_end")
    def _check_date_range(self):
        for period in self:
            if period.date_end < period.date_start:
                raise ValidationError(
                    self.env._(
                        "Closing period %(period)s ends on %(end)s, before it starts "
                        "on %(start)s: swap the dates.",
                        period=period.name,
                        start=period.date_start,
                        end=period.date_end,
                    )
                )

    @api.constrains("company_id", "date_start", "date_end")
    def _check_no_overlap(self):
        Period = self.sudo().with_context(active_test=False)
        others = Period.search(
            [
                ("company_id", "in", self.company_id.ids),
                ("date_start", "<=", max(self.mapped("date_end"))),
                ("date_end", ">=", min(self.mapped("date_start"))),
            ]
        )
        for period in self:
            for other in others:
                if (
                    other != period
                    and other.company_id == period.company_id
                    and periods_lib.overlaps(
                        period.date_start,
                        period.date_end,
                        other.date_start,
                        other.date_end,
                    )
                ):
                    raise ValidationError(
                        self.env._(
                            "Closing period %(period)s (%(start)s – %(end)s) overlaps "
                            "period %(other)s (%(other_start)s – %(other_end)s) of "
                            "%(company)s. Periods of one company must not overlap: "
                            "change the dates of one of them.",
                            period=period.name,
                            start=period.date_start,
                            end=period.date_end,
                            other=other.name,
                            other_start=other.date_start,
                            other_end=other.date_end,
                            company=period.company_id.name,
                        )
                    )

    # === CRUD === #
    def init(self):
        res = super().init()
        # the lock horizons of the companies (the next period's end is new)
        self.env["sale.closing.lock"]._update_company_horizons(
            self.env["res.company"].sudo().with_context(active_test=False).search([])
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        periods = super().create(vals_list)
        self.env["sale.closing.lock"]._update_company_horizons(periods.company_id)
        return periods

    def write(self, vals):
        if "state" in vals and not self.env.context.get("sale_closing_stage_change"):
            raise UserError(
                self.env._(
                    "The stage of a closing period changes only through its "
                    "buttons (advance, or reopen with a reason)."
                )
            )
        if {"company_id", "date_start", "date_end"} & vals.keys():
            moved = self.filtered(lambda p: p.state != "open")
            if moved:
                raise UserError(
                    self.env._(
                        "Period %(period)s is at stage %(stage)s: its company and "
                        "dates can only change while it is Open. Reopen it first.",
                        period=moved[0].name,
                        stage=moved[0]._stage_label(),
                    )
                )
        companies = self.company_id
        result = super().write(vals)
        if {"company_id", "date_start", "date_end"} & vals.keys():
            self.env["sale.closing.lock"]._update_company_horizons(
                companies | self.company_id
            )
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        for period in self:
            if period.state != "open" or period.log_ids or period.late_document_ids:
                raise UserError(
                    self.env._(
                        "Period %(period)s cannot be deleted: it has been locked "
                        "or holds an audit trail. Reopen it instead.",
                        period=period.name,
                    )
                )

    def unlink(self):
        companies = self.company_id
        result = super().unlink()
        self.env["sale.closing.lock"]._update_company_horizons(companies)
        return result

    # === ACTIONS === #
    def action_advance(self, stage_from=None, stage_to=None):
        """Advance each period one stage (the earliest periods first).

        :param stage_from: the stage the user saw; the period must still be
            at it (the form's buttons pass it in their context as
            ``sale_closing_stage_from``). Without it, the current stage.
        :param stage_to: the stage asked for; it must be the next one.
        :raise UserError: when a period is no longer at ``stage_from`` (a
            second click, another manager, or a request Odoo retried), or
            when another stage change or check run holds the period
        """
        self._check_manager()
        context = self.env.context
        stage_from = stage_from or context.get("sale_closing_stage_from")
        stage_to = stage_to or context.get("sale_closing_stage_to")
        self._lock_for_change()
        for period in self.sorted("date_start"):
            period._check_stage_seen(stage_from, stage_to)
            period._advance()
        return True

    def action_reopen(self):
        """Open the wizard that asks for the reason before walking back."""
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reopen %(period)s", period=self.name),
            "res_model": "sale.closing.reopen",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_period_id": self.id,
                "default_stage_from": self.state,
            },
        }

    def action_view_logs(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Exception Log"),
            "res_model": "sale.closing.log",
            "view_mode": "list,form",
            "domain": [("period_id", "=", self.id)],
        }

    # === BUSINESS METHODS === #
    def _stage_label(self, stage=None):
        return dict(self._fields["state"]._description_selection(self.env))[
            stage or self.state
        ]

    def _advance(self):
        self.ensure_one()
        company = self.company_id
        refusal = periods_lib.advance_refusal(
            self.state,
            self.previous_period_id.state or None,
            self.date_end,
            company._sale_closing_today(),
            company.sale_closing_allow_early_close,
        )
        if refusal:
            code, target = refusal
            if code == "last_stage":
                raise UserError(
                    self.env._("Period %(period)s is already closed.", period=self.name)
                )
            if code == "previous_behind":
                raise UserError(
                    self.env._(
                        "Period %(period)s cannot reach stage %(stage)s before the "
                        "previous period %(previous)s has: that one is only at "
                        "%(previous_stage)s. Advance %(previous)s first.",
                        period=self.name,
                        stage=self._stage_label(target),
                        previous=self.previous_period_id.name,
                        previous_stage=self.previous_period_id._stage_label(),
                    )
                )
            raise UserError(
                self.env._(
                    "Period %(period)s ends on %(end)s: it can be locked only after "
                    "its last day, unless the company allows closing early "
                    "(Settings, Sales Closing).",
                    period=self.name,
                    end=self.date_end,
                )
            )
        source, target = self.state, periods_lib.next_stage(self.state)
        self._prepare_advance(target)
        self._set_stage(target)
        self.message_post(
            body=self.env._(
                "Advanced from %(from)s to %(to)s by %(user)s.",
                **{
                    "from": self._stage_label(source),
                    "to": self._stage_label(target),
                    "user": self.env.user.name,
                },
            )
        )
        if target == "invoicing_locked":
            self._apply_sale_lock_date()
            self.exception_ids.filtered(
                lambda e: e.state == "active"
            )._create_account_lock_exceptions()

    def _prepare_advance(self, target):
        """Hook run before a period advances to ``target``; raise to refuse.

        Before Closed the checks run again on the data as it is now and the
        period refuses to close while a blocking problem is neither resolved
        nor waived, or while a duplicate invoice number exists (looked for
        even with the numbering check switched off; never waivable).
        """
        if target == "closed":
            self._run_checks()
            # searched, not filtered from result_ids: a month of 100,000 lines
            # has tens of thousands of warnings, a handful of blocking problems
            blocking = (
                self.env["sale.closing.check.result"]
                .search([("period_id", "=", self.id), ("severity", "=", "blocking")])
                .filtered(lambda r: not r.waived or not r.waivable)
            )
            if blocking:
                values = {
                    "period": self.name,
                    "count": len(blocking),
                    "problems": "\n".join(blocking[:10].mapped("problem_text")),
                }
                sentence = plural(
                    len(blocking),
                    _lt(
                        "Period %(period)s cannot close: %(count)s blocking "
                        "problem is neither resolved nor waived:\n%(problems)s\n"
                        "Run the checks to list it, then resolve it or have a "
                        "Sales Closing Manager waive it with a reason.",
                        **values,
                    ),
                    _lt(
                        "Period %(period)s cannot close: %(count)s blocking "
                        "problems are neither resolved nor waived:\n%(problems)s\n"
                        "Run the checks to list them, then resolve them or have a "
                        "Sales Closing Manager waive them with a reason.",
                        **values,
                    ),
                )
                message = self.env._(sentence)
                duplicates = blocking.filtered(lambda r: not r.waivable)
                if duplicates:
                    message += "\n" + self.env._(
                        "Duplicate invoice numbers cannot be waived: %(numbers)s.",
                        numbers=", ".join(duplicates._get_unwaivable_names()),
                    )
                raise UserError(message)
            self._pause_for_tests("checks_done")
            self._post_entries()
        return True

    def _reopen(self, reason, stage_from=None):
        """Walk the period back one stage, recording ``reason``.

        :param stage_from: the stage the user saw (the reopen wizard keeps
            it); the period must still be at it
        """
        self.ensure_one()
        self._check_manager()
        self._lock_for_change()
        self._check_stage_seen(stage_from, backwards=True)
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Say why period %(period)s is reopened.", period=self.name)
            )
        self.env["sale.closing.lock"]._check_reason_length(reason)
        refusal = periods_lib.reopen_refusal(
            self.state, self.next_period_id.state or None
        )
        if refusal == "first_stage":
            raise UserError(
                self.env._("Period %(period)s is already open.", period=self.name)
            )
        if refusal == "next_not_open":
            raise UserError(
                self.env._(
                    "Period %(period)s cannot be reopened while the next period "
                    "%(next)s is at stage %(stage)s. Reopen %(next)s first.",
                    period=self.name,
                    next=self.next_period_id.name,
                    stage=self.next_period_id._stage_label(),
                )
            )
        source = self.state
        target = periods_lib.previous_stage(source)
        if source == "closed":
            self._cancel_entries(reason)
        if source == "invoicing_locked":
            self._restore_sale_lock_date()
        self._set_stage(target)
        self.message_post(
            body=self.env._(
                "Reopened from %(from)s to %(to)s. Reason: %(reason)s",
                **{
                    "from": self._stage_label(source),
                    "to": self._stage_label(target),
                    "reason": reason,
                },
            ),
        )

    def _pause_for_tests(self, step):
        """Test-only (``lib/test_hooks.py``, off unless the server runs with
        ``SALES_CLOSING_TEST_HOOKS``): write what is pending, then pause at
        ``step`` if the reliability suite armed it."""
        if test_hooks.active():
            self.env.flush_all()
            test_hooks.pause_at(step)

    def _set_stage(self, stage):
        self.with_context(sale_closing_stage_change=True).write({"state": stage})
        self.env["sale.closing.lock"]._update_company_horizons(self.company_id)
        self._pause_for_tests("stage_written")
