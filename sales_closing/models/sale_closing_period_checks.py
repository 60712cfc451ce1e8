# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pre-close checks of a period: run them, store the reconciliation
lines and the results (keeping waivers), summarise them, and the nightly run."""

import contextlib
import datetime

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, LazyTranslate, format_amount

from ..lib.sentences import plural

_lt = LazyTranslate(__name__)


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    # === FIELDS === #
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
    warning_count = fields.Integer(
        string="Warnings",
        compute="_compute_check_summary",
        help="Warnings found by the last run: they do not keep the period "
        "from closing.",
    )
    info_count = fields.Integer(
        string="Info Lines",
        compute="_compute_check_summary",
        help="Information lines of the last run (e.g. receivables by aging "
        "bucket): not problems.",
    )
    waived_count = fields.Integer(
        string="Waived Problems",
        compute="_compute_check_summary",
        help="Problems found by the last run and waived with a reason.",
    )
    result_count = fields.Integer(compute="_compute_check_summary")
    line_count = fields.Integer(compute="_compute_check_summary")
    check_summary = fields.Html(compute="_compute_check_summary", sanitize=False)

    # === COMPUTES === #
    @api.depends(
        "result_ids.severity",
        "result_ids.waived",
        "result_ids.amount",
        "result_ids.has_amount",
    )
    def _compute_check_summary(self):
        Result = self.env["sale.closing.check.result"]
        Line = self.env["sale.closing.line"]
        summary = {}
        for (
            period,
            code,
            severity,
            waived,
            count,
            amount,
            has_amount,
        ) in Result._read_group(
            [("period_id", "in", self.ids)],
            ["period_id", "check_code", "severity", "waived"],
            ["__count", "amount:sum", "has_amount:bool_or"],
            order="period_id, check_code, severity, waived",
        ):
            adds_up = has_amount and code not in Result._get_non_additive_checks()
            summary.setdefault(period.id, []).append(
                (code, severity, waived, count, adds_up and amount)
            )
        line_counts = dict(
            Line._read_group(
                [("period_id", "in", self.ids)], ["period_id"], ["__count"]
            )
        )
        for period in self:
            rows = summary.get(period.id, [])
            counts = period._get_problem_counts(rows)
            period.result_count = sum(row[3] for row in rows)
            period.blocking_count = counts["blocking"]
            period.warning_count = counts["warning"]
            period.info_count = counts["info"]
            period.waived_count = counts["waived"]
            period.line_count = line_counts.get(period, 0)
            period.check_summary = (
                rows and period._get_check_summary_html(rows) or False
            )

    @api.model
    def _get_problem_counts(self, rows):
        """Return ``{'blocking', 'warning', 'info', 'waived': count}`` from
        ``(check code, severity, waived, count, amount)`` rows: a waived
        problem counts as waived only, whatever its severity."""
        counts = dict.fromkeys(("blocking", "warning", "info", "waived"), 0)
        for _code, severity, waived, count, _amount in rows:
            counts["waived" if waived else severity] += count
        return counts

    def _get_check_summary_html(self, rows):
        """Return the summary table of the checks tab: one row per check,
        severity and status, with the problems' amount in company currency
        (blank for the checks that give no amount, and for those whose
        amounts do not add up: ``_get_non_additive_checks``).

        :param rows: ``(check code, severity, waived, count, amount or
            False)`` tuples
        """
        self.ensure_one()
        Result = self.env["sale.closing.check.result"]
        checks = dict(Result._fields["check_code"]._description_selection(self.env))
        severities = dict(Result._fields["severity"]._description_selection(self.env))
        currency = self.company_id.currency_id
        statuses = {
            "blocking": self.env._("To resolve or waive"),
            "warning": self.env._("To review"),
            "info": self.env._("For information"),
            "waived": self.env._("Waived"),
        }
        body = Markup("").join(
            Markup(
                "<tr><td>%s</td><td>%s</td><td>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
            )
            % (
                checks.get(code, code),
                severities.get(severity, severity),
                statuses["waived" if waived else severity],
                count,
                "" if amount is False else format_amount(self.env, amount, currency),
            )
            for code, severity, waived, count, amount in sorted(
                rows,
                key=lambda r: (
                    list(checks).index(r[0]) if r[0] in checks else 99,
                    r[2],
                ),
            )
        )
        return Markup(
            "<table class='table table-sm o_sale_closing_check_summary'><thead><tr>"
            "<th>%s</th><th>%s</th><th>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (
            escape(self.env._("Check")),
            escape(self.env._("Severity")),
            escape(self.env._("Status")),
            escape(self.env._("Problems")),
            escape(self.env._("Amount (%(currency)s)", currency=currency.name)),
            body,
        )

    # === ACTIONS === #
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
        # the smart buttons open one kind: blocking, warning or waived
        kind = self.env.context.get("sale_closing_results")
        if kind in ("blocking", "warning", "waived"):
            action["context"][f"search_default_{kind}"] = 1
        action["display_name"] = self.env._("Problems of %(period)s", period=self.name)
        return action

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_line_action"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["context"] = {}
        action["display_name"] = self.env._(
            "Reconciliation of %(period)s at %(date)s",
            period=self.name,
            date=self.date_end,
        )
        return action

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
        self._lock_for_change(neighbours=False)
        period = self.sudo()
        with period._without_jit():
            data = period._get_check_data()
            period._store_lines(data["figures"])
            period._store_results(period._iter_results(data))
            period._store_entry_lines()
        period.write(
            {"checks_date": fields.Datetime.now(), "checks_user_id": self.env.uid}
        )
        period._log_checks_run()
        return True

    @contextlib.contextmanager
    def _without_jit(self):
        """Run the block with PostgreSQL's JIT compilation off (``SET LOCAL``,
        the previous setting put back after it).

        The checks' few big queries are planned above ``jit_above_cost`` at
        100,000 lines, and PostgreSQL then spends longer compiling them than
        running them (the below-cost query: 0.78 s of JIT in 1.40 s). If the
        block fails, the rollback that follows undoes the ``SET LOCAL``."""
        cr = self.env.cr
        cr.execute(SQL("SELECT current_setting('jit')"))
        previous = cr.fetchone()[0]
        cr.execute(SQL("SET LOCAL jit = off"))
        yield
        cr.execute(SQL("SELECT set_config('jit', %s, true)", previous))

    def _log_checks_run(self):
        """Say in the chatter who ran the checks and what they found."""
        self.ensure_one()
        self.invalidate_recordset()
        self.message_post(
            body=self.env._(
                "Checks run by %(user)s as of %(date)s: blocking %(blocking)s, "
                "warnings %(warnings)s, info %(info)s, waived %(waived)s; order "
                "lines reconciled: %(lines)s.",
                user=self.env.user.name,
                date=self.date_end,
                blocking=self.blocking_count,
                warnings=self.warning_count,
                info=self.info_count,
                waived=self.waived_count,
                lines=self.line_count,
            )
        )

    def _get_check_data(self):
        """Return what the checks share: the period bounds and the figures."""
        self.ensure_one()
        Line = self.env["sale.closing.line"]
        return {
            "bounds": Line._get_period_bounds(self),
            "figures": Line._get_period_figures(self),
        }

    def _compute_results(self, data):
        """Return the result values of every enabled check, and the
        mandatory ones of the checks switched off, in check order."""
        return list(self._iter_results(data))

    def _iter_results(self, data):
        """Yield the values of ``_compute_results`` one by one: the run of
        the checks stores them in batches (``_store_results``) and never
        holds more than one check's results and one batch of rows."""
        self.ensure_one()
        checks = (
            self.env["sale.closing.check"]
            .sudo()
            ._ensure_company_checks(self.company_id)
        )
        Result = self.env["sale.closing.check.result"]
        render = Result._get_message_renderer()
        for check in checks.sorted(lambda c: (c.sequence, c.id)):
            # read once per check, not once per problem (80,000 at scale)
            code, severity, sequence = check.code, check.severity, check.sequence
            for values in check._get_results(self, data):
                values.update(
                    check_code=code,
                    severity=values.get("severity") or severity,
                    sequence=sequence,
                    has_amount="amount" in values,
                    # the sentence as written now, and its message to write
                    # it again in a reader's language
                    **Result._get_message_values(values["name"], render),
                )
                yield values

    def _store_lines(self, figures):
        """Make the reconciliation lines of this period ``figures``
        (``sale.closing.line`` values without ``period_id``), matched on
        their order line: a rerun rewrites only the lines whose figures
        changed.

        Raw SQL: a month holds up to hundreds of thousands of lines, which
        the ORM's ``unlink`` and ``create`` handle at about 1.5 ms a row;
        nothing refers to these rows, and ``_bulk_insert`` writes them as the
        ORM would. The first run inserts them straight away.
        """
        self.ensure_one()
        Bulk = self.env["sale.closing.bulk"]
        defaults = {"period_id": self.id, "company_id": self.company_id.id}
        self.env["sale.closing.line"].flush_model()
        self.env.cr.execute(
            SQL("SELECT 1 FROM sale_closing_line WHERE period_id = %s LIMIT 1", self.id)
        )
        if not self.env.cr.rowcount:
            Bulk._bulk_insert("sale.closing.line", figures, defaults)
        elif not figures:
            self.env.cr.execute(
                SQL("DELETE FROM sale_closing_line WHERE period_id = %s", self.id)
            )
        else:
            Bulk._bulk_replace(
                "sale.closing.line",
                Bulk._iter_batches(figures),
                defaults,
                "sale_line_id",
                list(figures[0]),
            )
        self.env["sale.closing.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])

    def _store_results(self, results):
        """Replace the stored results by ``results``, matched on their key:
        a problem found again keeps its record and its waiver (its fields
        updated when they changed), a problem resolved disappears, a new one
        is added (``sale.closing.bulk._bulk_replace``: set-based, where an ORM
        ``write`` per changed problem costs a query each).
        """
        self.ensure_one()
        Result = self.env["sale.closing.check.result"]
        names = Result._get_problem_fields()
        Bulk = self.env["sale.closing.bulk"]
        Bulk._bulk_replace(
            Result._name,
            Bulk._iter_batches(self._iter_result_rows(results, names)),
            {"period_id": self.id, "company_id": self.company_id.id},
            "key",
            names,
        )
        self._withdraw_unwaivable_waivers()
        Result.invalidate_model()
        self.invalidate_recordset(["result_ids"])

    @api.model
    def _iter_result_rows(self, results, names):
        """Yield the stored values (``names``) of ``results``, the first of
        each key only."""
        seen = set()
        for values in results:
            if values["key"] not in seen:
                seen.add(values["key"])
                yield {name: values.get(name, False) for name in names}

    def _withdraw_unwaivable_waivers(self):
        """Withdraw the waivers that problems no one may waive (a duplicate
        invoice number) still carry: written before they became unwaivable,
        or straight in the database. Say so in the chatter.

        Raw SQL: one UPDATE of the stored results matched by key prefix, in
        the same set-based pass as the merge above."""
        self.ensure_one()
        prefixes = self.env["sale.closing.check.result"]._get_unwaivable_key_prefixes()
        self.env.cr.execute(
            SQL(
                """UPDATE sale_closing_check_result r
                      SET waived = FALSE, waived_by_id = NULL,
                          waived_date = NULL, waive_reason = NULL
                    WHERE r.period_id = %(period)s AND r.waived
                      AND EXISTS (SELECT 1 FROM unnest(%(prefixes)s::varchar[]) p
                                   WHERE starts_with(r.key, p))
                RETURNING r.name""",
                period=self.id,
                prefixes=list(prefixes),
            )
        )
        withdrawn = [name for (name,) in self.env.cr.fetchall()]
        if withdrawn:
            values = {"count": len(withdrawn), "problems": "; ".join(withdrawn)}
            sentence = plural(
                len(withdrawn),
                _lt(
                    "Waiver withdrawn from %(count)s problem that cannot "
                    "be waived: %(problems)s",
                    **values,
                ),
                _lt(
                    "Waiver withdrawn from %(count)s problems that cannot "
                    "be waived: %(problems)s",
                    **values,
                ),
            )
            self.message_post(body=self.env._(sentence))

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
