# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

from ..lib import periods as periods_lib
from ..lib.changes import changed_fields, format_change

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
        tracking=True,
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
    sale_lock_date_before = fields.Date(
        string="Sales Lock Date Before",
        readonly=True,
        copy=False,
        help="The company's Sales Lock Date before this period locked "
        "invoicing; it is restored when the period is reopened.",
    )

    line_ids = fields.One2many(
        comodel_name="sale.closing.line",
        inverse_name="period_id",
        string="Reconciliation",
    )
    result_ids = fields.One2many(
        comodel_name="sale.closing.check.result",
        inverse_name="period_id",
        string="Check Results",
    )
    checks_date = fields.Datetime(string="Checks Run On", readonly=True, copy=False)
    checks_user_id = fields.Many2one(
        comodel_name="res.users", string="Checks Run By", readonly=True, copy=False
    )
    blocking_count = fields.Integer(
        string="Blocking Problems",
        compute="_compute_check_summary",
        help="Blocking problems found by the last run and not waived.",
    )
    result_count = fields.Integer(compute="_compute_check_summary")
    line_count = fields.Integer(compute="_compute_check_summary")
    check_summary = fields.Html(compute="_compute_check_summary", sanitize=False)
    entry_line_ids = fields.One2many(
        comodel_name="sale.closing.entry.line",
        inverse_name="period_id",
        string="Entry Preview",
    )
    entry_move_ids = fields.One2many(
        comodel_name="account.move",
        inverse_name="sale_closing_period_id",
        string="Period-End Entries",
    )
    entry_count = fields.Integer(
        string="Journal Entries", compute="_compute_entry_summary"
    )
    entry_summary = fields.Html(compute="_compute_entry_summary", sanitize=False)

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

    @api.depends("result_ids.severity", "result_ids.waived", "result_ids.amount")
    def _compute_check_summary(self):
        Result = self.env["sale.closing.check.result"]
        Line = self.env["sale.closing.line"]
        checks = dict(Result._fields["check_code"]._description_selection(self.env))
        severities = dict(Result._fields["severity"]._description_selection(self.env))
        summary = {}
        for period, code, severity, waived, count, amount in Result._read_group(
            [("period_id", "in", self.ids)],
            ["period_id", "check_code", "severity", "waived"],
            ["__count", "amount:sum"],
            order="period_id, check_code, severity, waived",
        ):
            summary.setdefault(period.id, []).append(
                (code, severity, waived, count, amount)
            )
        line_counts = dict(
            Line._read_group(
                [("period_id", "in", self.ids)], ["period_id"], ["__count"]
            )
        )
        for period in self:
            rows = summary.get(period.id, [])
            period.result_count = sum(row[3] for row in rows)
            period.blocking_count = sum(
                row[3] for row in rows if row[1] == "blocking" and not row[2]
            )
            period.line_count = line_counts.get(period, 0)
            if not rows:
                period.check_summary = False
                continue
            body = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td>%s</td><td>%s</td>"
                    "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
                )
                % (
                    checks.get(code, code),
                    severities.get(severity, severity),
                    self.env._("Waived") if waived else "",
                    count,
                    format_amount(
                        self.env, amount or 0.0, period.company_id.currency_id
                    ),
                )
                for code, severity, waived, count, amount in sorted(
                    rows,
                    key=lambda r: (
                        list(checks).index(r[0]) if r[0] in checks else 99,
                        r[2],
                    ),
                )
            )
            period.check_summary = Markup(
                "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th>"
                "<th></th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "</tr></thead><tbody>%s</tbody></table>"
            ) % (
                escape(self.env._("Check")),
                escape(self.env._("Severity")),
                escape(self.env._("Problems")),
                escape(self.env._("Amount")),
                body,
            )

    @api.depends("entry_line_ids.balance", "entry_line_ids.move_id", "entry_move_ids")
    def _compute_entry_summary(self):
        # counts and entry numbers only: readable by closing managers who
        # have no accounting rights
        Line = self.env["sale.closing.entry.line"].sudo()
        rows = Line._read_group(
            [("period_id", "in", self.ids)],
            ["period_id", "rule_id", "skipped"],
            ["__count", "debit:sum", "credit:sum", "move_id:array_agg"],
        )
        by_period = {}
        for period, rule, skipped, count, debit, credit, move_ids in rows:
            by_period.setdefault(period.id, {}).setdefault(rule, {})[skipped] = (
                count,
                debit,
                credit,
                {move_id for move_id in move_ids if move_id},
            )
        Move = self.env["account.move"].sudo()
        counts = dict(
            Move._read_group(
                [("sale_closing_period_id", "in", self.ids)],
                ["sale_closing_period_id"],
                ["__count"],
            )
        )
        for period in self:
            period.entry_count = counts.get(period, 0)
            rules = by_period.get(period.id)
            if not rules:
                period.entry_summary = False
                continue
            currency = period.company_id.currency_id
            body = Markup("")
            for rule in sorted(rules, key=lambda r: (r.sequence, r.id)):
                count, debit, credit, move_ids = rules[rule].get(
                    False, (0, 0.0, 0.0, set())
                )
                skipped = rules[rule].get(True, (0, 0.0, 0.0, set()))
                body += Markup(
                    "<tr><td>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td><td>%s</td></tr>"
                ) % (
                    rule.display_name,
                    count,
                    format_amount(self.env, debit, currency),
                    format_amount(self.env, credit, currency),
                    skipped[0],
                    ", ".join(Move.browse(sorted(move_ids)).mapped("name")),
                )
            period.entry_summary = Markup(
                "<table class='table table-sm'><thead><tr><th>%s</th>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "<th>%s</th></tr></thead><tbody>%s</tbody></table>"
            ) % (
                escape(self.env._("Posting Rule")),
                escape(self.env._("Lines")),
                escape(self.env._("Debit")),
                escape(self.env._("Credit")),
                escape(self.env._("Skipped")),
                escape(self.env._("Posted Entry")),
                body,
            )

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
        return super().write(vals)

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

    # === ACTIONS === #
    def action_advance(self):
        """Advance each period one stage (the earliest periods first)."""
        self._check_manager()
        for period in self.sorted("date_start"):
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
            "context": {"default_period_id": self.id},
        }

    def action_run_checks(self):
        for period in self:
            period._run_checks()
        return True

    def action_view_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_check_result_action"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["context"] = {"search_default_group_check": 1}
        return action

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_line_action"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Reconciliation at %(date)s", date=self.date_end
        )
        return action

    def action_view_entry_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_entry_line_action"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["display_name"] = self.env._("Entries of %(period)s", period=self.name)
        return action

    def action_view_entries(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Journal Entries of %(period)s", period=self.name),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("sale_closing_period_id", "=", self.id)],
            "context": {"create": False},
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

    def _check_manager(self):
        if not self.env.user.has_group("sales_closing.group_sale_closing_manager"):
            raise UserError(
                self.env._(
                    "Only a Sales Closing Manager can lock, close or reopen a "
                    "closing period."
                )
            )

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
        nor waived.
        """
        if target == "closed":
            self._run_checks()
            blocking = self.result_ids.filtered(
                lambda r: r.severity == "blocking" and not r.waived
            )
            if blocking:
                raise UserError(
                    self.env._(
                        "Period %(period)s cannot close: %(count)s blocking "
                        "problem(s) are neither resolved nor waived:\n%(problems)s\n"
                        "Run the checks to list them, then resolve them or have a "
                        "Sales Closing Manager waive them with a reason.",
                        period=self.name,
                        count=len(blocking),
                        problems="\n".join(blocking[:10].mapped("name")),
                    )
                )
            self._post_entries()
        return True

    # === PRE-CLOSE CHECKS === #
    def _run_checks(self):
        """Compute the figures and the check results of this period as of its
        end and store them, keeping the waivers of problems found again."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(
            "sales_closing.group_sale_closing_user"
        ):
            raise UserError(
                self.env._("Only Sales Closing users can run the pre-close checks.")
            )
        if self.state == "closed":
            raise UserError(
                self.env._(
                    "Period %(period)s is closed: its figures are frozen. Reopen it "
                    "to run the checks again.",
                    period=self.name,
                )
            )
        period = self.sudo()
        data = period._get_check_data()
        period.line_ids.unlink()
        self.env["sale.closing.line"].sudo().create(
            [dict(values, period_id=period.id) for values in data["figures"]]
        )
        period._store_results(period._compute_results(data))
        period._store_entry_lines()
        period.write(
            {"checks_date": fields.Datetime.now(), "checks_user_id": self.env.uid}
        )
        return True

    def _get_check_data(self):
        """Return what the checks share: the period bounds and the figures."""
        self.ensure_one()
        Line = self.env["sale.closing.line"]
        return {
            "bounds": Line._get_period_bounds(self),
            "figures": Line._get_period_figures(self),
        }

    def _compute_results(self, data):
        """Return the result values of every enabled check, in check order."""
        self.ensure_one()
        checks = (
            self.env["sale.closing.check"]
            .sudo()
            ._ensure_company_checks(self.company_id)
        )
        results = []
        for check in checks.filtered("enabled").sorted(lambda c: (c.sequence, c.id)):
            for values in check._get_results(self, data):
                values.update(
                    check_code=check.code,
                    severity=check.severity,
                    sequence=check.sequence,
                )
                results.append(values)
        return results

    def _store_results(self, results):
        """Replace the stored results by ``results``, matched on their key:
        a problem found again keeps its record and its waiver, a problem
        resolved disappears, a new one is added."""
        self.ensure_one()
        existing = {result.key: result for result in self.result_ids}
        fields_to_compare = self.env["sale.closing.check.result"]._get_problem_fields()
        to_create = []
        seen = set()
        for values in results:
            key = values["key"]
            if key in seen:
                continue
            seen.add(key)
            values = {name: values.get(name, False) for name in fields_to_compare}
            record = existing.get(key)
            if not record:
                to_create.append(dict(values, period_id=self.id))
                continue
            current = record._convert_to_write(
                {name: record[name] for name in fields_to_compare}
            )
            changed = {
                name: value
                for name, value in values.items()
                if (current.get(name) or False) != (value or False)
            }
            if changed:
                record.write(changed)
        self.result_ids.filtered(lambda r: r.key not in seen).unlink()
        if to_create:
            self.env["sale.closing.check.result"].create(to_create)

    @api.model
    def _cron_run_checks(self):
        """Run the checks of the periods not closed that ended, or end within
        the company's notice (Settings, Sales Closing)."""
        companies = self.env["res.company"].sudo().search([])
        for company in companies:
            horizon = company._sale_closing_today() + datetime.timedelta(
                days=company.sale_closing_check_days
            )
            periods = self.sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("state", "!=", "closed"),
                    ("date_end", "<=", horizon),
                ]
            )
            for period in periods:
                try:
                    with self.env.cr.savepoint():
                        period.sudo()._run_checks()
                except UserError as error:
                    period.message_post(
                        body=self.env._(
                            "The nightly checks could not run: %(error)s",
                            error=str(error),
                        )
                    )

    def _reopen(self, reason):
        """Walk the period back one stage, recording ``reason``."""
        self.ensure_one()
        self._check_manager()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Say why period %(period)s is reopened.", period=self.name)
            )
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

    # === PERIOD-END ENTRIES === #
    def _store_entry_lines(self):
        """Replace the entry preview by what the posting rules would post
        from the figures stored now."""
        self.ensure_one()
        self.entry_line_ids.unlink()
        vals_list = self._get_entry_line_vals()
        if vals_list:
            self.env["sale.closing.entry.line"].create(vals_list)

    def _get_entry_line_vals(self):
        """Return the values of the preview lines of every active rule.

        Refuse when one order line (or customer) falls in the scope of two
        rules of one type.
        """
        self.ensure_one()
        Rule = self.env["sale.closing.posting.rule"]
        rules = Rule.search([("company_id", "=", self.company_id.id)])
        vals_list = []
        for rule_type in ("accrued", "deferred"):
            typed = rules.filtered(lambda r, t=rule_type: r.rule_type == t)
            if not typed:
                continue
            figures = Rule._filter_revenue_figures(rule_type, self.line_ids)
            assigned = Rule._assign_sources(typed, figures.sale_line_id.ids)
            for rule in typed:
                scoped = figures.filtered(
                    lambda f, ids=assigned[rule]: f.sale_line_id.id in ids
                )
                items = rule._get_revenue_items(self, scoped)
                vals_list += rule._prepare_entry_lines(self, items)
        allowances = rules.filtered(lambda r: r.rule_type == "allowance")
        if allowances:
            residuals = self.env["sale.closing.line"]._get_receivable_residuals(
                self.company_id, self.date_end
            )
            balances = {rule: rule._get_allowance_balances(self) for rule in allowances}
            partners = {row["partner_id"] for row in residuals if row["partner_id"]}
            partners = partners.union(*balances.values())
            assigned = Rule._assign_sources(allowances, partners)
            for rule in allowances:
                items, receivables = rule._get_allowance_items(
                    self, residuals, balances[rule], assigned[rule]
                )
                vals_list += rule._prepare_entry_lines(self, items, receivables)
        return vals_list

    def _get_reversal_date(self):
        """Return the first day of the next period (the day after this one
        when no period follows yet)."""
        self.ensure_one()
        return self.next_period_id.date_start or self.date_end + datetime.timedelta(
            days=1
        )

    def _check_entry_dates(self, journals, dates):
        """Refuse to post when a company lock date covers one of ``dates``:
        Odoo would silently move the entries to the next open date."""
        self.ensure_one()
        company = self.company_id
        for journal in journals:
            for date in sorted(set(dates)):
                locks = company._get_violated_lock_dates(date, False, journal)
                if locks:
                    raise UserError(
                        self.env._(
                            "Period %(period)s: entries of journal %(journal)s "
                            "cannot be dated %(date)s, the company is locked up to "
                            "%(lock)s (%(fields)s). Move that lock date back "
                            "(Accounting, Lock Dates) or grant an exception, then "
                            "try again.",
                            period=self.name,
                            journal=journal.display_name,
                            date=date,
                            lock=max(lock[0] for lock in locks),
                            fields=", ".join(
                                company._fields[lock[1]]._description_string(self.env)
                                for lock in locks
                            ),
                        )
                    )

    def _post_entries(self):
        """Post one entry per rule from the preview lines, and its reversal
        on the first day of the next period (posted, or waiting for that
        date). Part of the transaction that closes the period.

        :return: the posted entries
        """
        self.ensure_one()
        # after the Closing Manager check of the caller: they need not be
        # accountants (the chatter says who closed)
        self = self.sudo()  # noqa: PLW0642
        Move = self.env["account.move"].sudo().with_context(sale_closing_posting=True)
        if Move.search_count(
            [
                ("sale_closing_period_id", "=", self.id),
                ("sale_closing_kind", "=", "entry"),
                ("sale_closing_cancelled", "=", False),
            ],
            limit=1,
        ):
            raise UserError(
                self.env._(
                    "Period %(period)s already has live period-end entries: "
                    "reopen it to reverse them before posting again.",
                    period=self.name,
                )
            )
        lines = self.entry_line_ids.filtered(lambda line: not line.skipped)
        if not lines:
            return Move
        by_rule = lines.grouped("rule_id")
        rules = sorted(by_rule, key=lambda r: (r.sequence, r.id))
        reversal_date = self._get_reversal_date()
        self._check_entry_dates(
            self.env["account.journal"].union(*(r.journal_id for r in rules)),
            [self.date_end],
        )
        self._check_entry_dates(
            self.env["account.journal"].union(
                *(r.journal_id for r in rules if r.reversal == "next_period")
            ),
            [reversal_date],
        )
        moves = Move.create([rule._prepare_move(self, by_rule[rule]) for rule in rules])
        moves._post(soft=False)
        moved = moves.filtered(lambda m: m.date != self.date_end)
        if moved:
            raise UserError(
                self.env._(
                    "Period %(period)s: Odoo moved entry %(move)s to %(date)s; "
                    "nothing is posted. Check the company's lock dates.",
                    period=self.name,
                    move=moved[0].name,
                    date=moved[0].date,
                )
            )
        for move, rule in zip(moves, rules, strict=True):
            by_rule[rule].move_id = move
        to_reverse = moves.filtered(
            lambda m: m.sale_closing_rule_id.reversal == "next_period"
        )
        reversals = to_reverse._reverse_moves(
            [
                {
                    "date": reversal_date,
                    "ref": self.env._("Reversal of %(move)s", move=move.name),
                    "sale_closing_period_id": self.id,
                    "sale_closing_rule_id": move.sale_closing_rule_id.id,
                    "sale_closing_kind": "reversal",
                }
                for move in to_reverse
            ]
        )
        if reversal_date <= self.company_id._sale_closing_today():
            reversals._post(soft=False)
        else:
            reversals.write({"auto_post": "at_date"})
        if not reversals:
            waiting = self.env._("none")
        elif reversals[0].state == "posted":
            waiting = ", ".join(reversals.mapped("name"))
        else:
            waiting = self.env._(
                "%(count)s, waiting for their date", count=len(reversals)
            )
        self.message_post(
            body=self.env._(
                "Period-end entries posted: %(moves)s. Reversals on %(date)s: "
                "%(reversals)s.",
                moves=", ".join(moves.mapped("name")),
                date=reversal_date,
                reversals=waiting,
            )
        )
        return moves

    def _cancel_entries(self, reason):
        """Undo the period-end entries of this period when it is reopened:
        posted entries and reversals are reversed at their own date (never
        deleted); reversals still waiting for their date are cancelled."""
        self.ensure_one()
        self = self.sudo()  # noqa: PLW0642
        Move = self.env["account.move"].sudo().with_context(sale_closing_posting=True)
        moves = Move.search(
            [
                ("sale_closing_period_id", "=", self.id),
                ("sale_closing_kind", "in", ("entry", "reversal")),
                ("sale_closing_cancelled", "=", False),
            ]
        )
        if not moves:
            return Move
        posted = moves.filtered(lambda m: m.state == "posted")
        waiting = moves - posted
        for move in posted:
            self._check_entry_dates(move.journal_id, [move.date])
        cancels = posted._reverse_moves(
            [
                {
                    "date": move.date,
                    "ref": self.env._(
                        "Reopening of %(period)s: %(reason)s",
                        period=self.name,
                        reason=reason,
                    ),
                    "sale_closing_period_id": self.id,
                    "sale_closing_rule_id": move.sale_closing_rule_id.id,
                    "sale_closing_kind": "cancel",
                }
                for move in posted
            ]
        )
        cancels._post(soft=False)
        waiting.button_cancel()
        moves.write({"sale_closing_cancelled": True})
        self.entry_line_ids.move_id = False
        self.message_post(
            body=self.env._(
                "Period-end entries reversed on reopening: %(moves)s (by "
                "%(cancels)s); waiting reversals cancelled: %(waiting)s.",
                moves=", ".join(posted.mapped("name")) or self.env._("none"),
                cancels=", ".join(cancels.mapped("name")) or self.env._("none"),
                waiting=len(waiting),
            )
        )
        return cancels

    def _set_stage(self, stage):
        self.with_context(sale_closing_stage_change=True).write({"state": stage})
        self._update_company_lock_horizons(self.company_id)

    @api.model
    def _update_company_lock_horizons(self, companies):
        """Store on each company the last day its periods lock, per stage."""
        Period = self.sudo()
        values = {}
        for document_type, fname in (
            ("order", "sale_closing_sales_lock_date"),
            ("invoice", "sale_closing_invoicing_lock_date"),
        ):
            groups = Period._read_group(
                [
                    ("company_id", "in", companies.ids),
                    ("state", "in", periods_lib.locking_stages(document_type)),
                ],
                ["company_id"],
                ["date_end:max"],
            )
            ends = {company.id: date_end for company, date_end in groups}
            for company in companies:
                values.setdefault(company, {})[fname] = ends.get(company.id, False)
        for company, vals in values.items():
            if any(company[fname] != value for fname, value in vals.items()):
                company.sudo().write(vals)

    def _apply_sale_lock_date(self):
        """Move the company's Sales Lock Date up to this period's end."""
        company = self.company_id
        if not company.sale_closing_lock_invoices:
            return
        current = company.sale_lock_date
        if current and current >= self.date_end:
            self.message_post(
                body=self.env._(
                    "The company's Sales Lock Date is already %(date)s; left as is.",
                    date=current,
                )
            )
            return
        self.sale_lock_date_before = current
        self._write_sale_lock_date(self.date_end)
        self.message_post(
            body=self.env._(
                "Sales Lock Date of %(company)s set to %(date)s.",
                company=company.name,
                date=self.date_end,
            )
        )

    def _restore_sale_lock_date(self):
        """Give the company back the Sales Lock Date it had before this period."""
        company = self.company_id
        if not company.sale_closing_lock_invoices:
            return
        if company.sale_lock_date != self.date_end:
            self.message_post(
                body=self.env._(
                    "The company's Sales Lock Date is %(date)s, not this period's "
                    "end: it was set outside sales closing and is left as is.",
                    date=company.sale_lock_date or self.env._("empty"),
                )
            )
            return
        self._write_sale_lock_date(self.sale_lock_date_before)
        self.message_post(
            body=self.env._(
                "Sales Lock Date of %(company)s set back to %(date)s.",
                company=company.name,
                date=self.sale_lock_date_before or self.env._("empty"),
            )
        )
        self.sale_lock_date_before = False

    def _write_sale_lock_date(self, date):
        """Set the company's Sales Lock Date, after our own access check.

        Odoo then recreates its active lock exceptions, which only an
        accounting adviser may revoke: the write runs as the superuser
        (an adviser) so that a Sales Closing Manager who is not one can
        lock and reopen invoicing too. The period's chatter says who did.
        """
        self._check_manager()
        self.company_id.with_user(SUPERUSER_ID).sale_lock_date = date

    def _get_active_exception(self, user):
        """Return the active exception of this period that covers ``user``."""
        self.ensure_one()
        now = fields.Datetime.now()
        for exception in self.sudo().exception_ids:
            if (
                exception.active
                and exception.date_end > now
                and (not exception.user_id or exception.user_id == user)
            ):
                return exception
        return self.env["sale.closing.exception"]

    # === PERIOD GENERATION === #
    @api.model
    def _generate_periods(self, company, year, period_type="month"):
        """Create the periods of ``year`` that overlap no existing one.

        :return: the created periods
        """
        ranges = periods_lib.period_ranges(year, period_type)
        existing = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("date_start", "<=", ranges[-1][2]),
                ("date_end", ">=", ranges[0][1]),
            ]
        )
        vals_list = [
            self._prepare_period_vals(company, name, start, end, period_type)
            for name, start, end in ranges
            if not any(
                periods_lib.overlaps(start, end, p.date_start, p.date_end)
                for p in existing
            )
        ]
        return self.create(vals_list)

    @api.model
    def _prepare_period_vals(self, company, name, date_start, date_end, period_type):
        """Return the values of a generated period."""
        return {
            "name": name,
            "company_id": company.id,
            "date_start": date_start,
            "date_end": date_end,
            "period_type": period_type,
        }

    @api.model
    def _cron_generate_next_periods(self):
        """Make sure every company has a monthly period for the coming month."""
        Period = self.sudo()
        for company in self.env["res.company"].sudo().search([]):
            first = company._sale_closing_today().replace(day=1) + relativedelta(
                months=1
            )
            start, end = periods_lib.month_range(first.year, first.month)
            if Period.search_count(
                [
                    ("company_id", "=", company.id),
                    ("date_start", "<=", end),
                    ("date_end", ">=", start),
                ],
                limit=1,
            ):
                continue
            Period.create(
                self._prepare_period_vals(
                    company, f"{start.year}-{start.month:02d}", start, end, "month"
                )
            )

    # === LOCK ENFORCEMENT === #
    @api.model
    def _sale_closing_check(self, document_type, items, operation, refuse=True):
        """Refuse, or log under an exception, changes to locked documents.

        :param document_type: a key of ``periods_lib.DOCUMENT_TYPES``
        :param items: iterable of ``(record, company, date, changes)``: the
            document, its company, the company-local date it is checked at
            and the list of change lines to log (may be empty)
        :param operation: past participle of what is done ("confirmed", …)
        :param refuse: when False, only log what users with an exception do
        :raise UserError: when a document falls in a locked period and the
            user holds no active exception for it
        """
        items = [
            item
            for item in items
            if item[2]
            and item[1]._sale_closing_locks(document_type)
            and item[1]._sale_closing_horizon(document_type)
            and item[2] <= item[1]._sale_closing_horizon(document_type)
        ]
        if not items:
            return
        dates = [item[2] for item in items]
        companies = self.env["res.company"].union(*(item[1] for item in items))
        periods = self.sudo().search(
            [
                ("company_id", "in", companies.ids),
                ("state", "in", periods_lib.locking_stages(document_type)),
                ("date_start", "<=", max(dates)),
                ("date_end", ">=", min(dates)),
            ]
        )
        if not periods:
            return
        by_company = periods.grouped("company_id")
        log_vals = []
        for record, company, date, changes in items:
            period = periods_lib.find_period(
                by_company.get(company, self.browse()), date
            )
            if not period:
                continue
            exception = period._get_active_exception(self.env.user)
            if exception:
                log_vals.append(
                    period._prepare_log_vals(exception, record, operation, changes)
                )
            elif refuse:
                raise UserError(
                    period._get_lock_message(
                        document_type, record, date, operation, changes
                    )
                )
        if log_vals:
            self.env["sale.closing.log"].sudo().create(log_vals)

    def _get_lock_message(self, document_type, record, date, operation, changes=None):
        """Return the refusal a user reads when a locked document is touched."""
        self.ensure_one()
        kinds = {
            "order": self.env._("Sale orders"),
            "delivery": self.env._("Deliveries and inventory adjustments"),
            "invoice": self.env._("Customer invoices and credit notes"),
            "payment": self.env._("Customer payments"),
        }
        message = self.env._(
            "%(document)s cannot be %(operation)s: it is dated %(date)s, in closing "
            "period %(period)s of %(company)s, which is at stage %(stage)s. "
            "%(kind)s dated in that period are locked.\n"
            "Ask a Sales Closing Manager to reopen the period (with a reason) or "
            "to grant you a lock exception, or date the document in an open "
            "period.",
            document=self._sale_closing_label(record),
            operation=operation,
            date=date,
            period=self.name,
            company=self.company_id.name,
            stage=self._stage_label(),
            kind=kinds[document_type],
        )
        if changes:
            message += "\n" + self.env._("Refused changes:") + "\n" + "\n".join(changes)
        return message

    @api.model
    def _sale_closing_label(self, record):
        """Return how refusals and logs name ``record``: its own
        ``_sale_closing_label()`` when its model has one, else its name."""
        if hasattr(record, "_sale_closing_label"):
            return record._sale_closing_label()
        return record.display_name

    def _prepare_log_vals(self, exception, record, operation, changes):
        """Return the values of the log line of a change made under exception."""
        self.ensure_one()
        return {
            "period_id": self.id,
            "exception_id": exception.id,
            "user_id": self.env.user.id,
            "res_model": record._name,
            "res_id": record.id,
            "document": self._sale_closing_label(record),
            "operation": operation,
            "changes": "\n".join(changes or []),
        }

    @api.model
    def _sale_closing_describe(self, record, vals):
        """Return ``field: old → new`` lines for the values ``vals`` changes.

        Only the fields whose value really changes are described; x2many
        commands other than set/link/unlink/clear are described as changed.
        """
        old, new = {}, {}
        for fname, value in vals.items():
            field = record._fields[fname]
            old[fname] = self._sale_closing_value(record, field, record[fname])
            new[fname] = self._sale_closing_new_value(record, field, value)
        lines = []
        for fname in changed_fields(old, new):
            field = record._fields[fname]
            lines.append(
                format_change(
                    field._description_string(self.env),
                    self._sale_closing_display(record, field, old[fname]),
                    self._sale_closing_display(record, field, new[fname]),
                )
            )
        return lines

    @api.model
    def _sale_closing_value(self, record, field, value):
        if field.type == "many2one":
            return value.id
        if field.type in ("many2many", "one2many"):
            return tuple(sorted(value.ids))
        if field.type == "date":
            return fields.Date.to_date(value)
        if field.type == "datetime":
            return fields.Datetime.to_datetime(value)
        return value

    @api.model
    def _sale_closing_new_value(self, record, field, value):
        if field.type == "many2one":
            return value.id if isinstance(value, models.BaseModel) else value or False
        if field.type in ("many2many", "one2many"):
            ids = set(record[field.name].ids)
            for command in value or []:
                if isinstance(command, int):
                    ids.add(command)
                    continue
                code = command[0]
                if code == 6:
                    ids = set(command[2])
                elif code == 4:
                    ids.add(command[1])
                elif code in (2, 3):
                    ids.discard(command[1])
                elif code == 5:
                    ids = set()
                else:
                    return ("changed",)
            return tuple(sorted(ids))
        return self._sale_closing_value(record, field, value)

    @api.model
    def _sale_closing_display(self, record, field, value):
        if value in (False, None, ""):
            return "—"
        if field.type == "many2one":
            return self.env[field.comodel_name].browse(value).display_name
        if field.type in ("many2many", "one2many"):
            if value == ("changed",):
                return self.env._("changed")
            names = self.env[field.comodel_name].browse(value).mapped("display_name")
            return ", ".join(names) or "—"
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if isinstance(value, datetime.datetime):
            return fields.Datetime.to_string(value)
        return str(value)
