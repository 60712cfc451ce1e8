# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pre-close checks of a period: run them, store the reconciliation
lines and the results (keeping waivers), summarise them, and the nightly run."""

import datetime

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount


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
    result_count = fields.Integer(compute="_compute_check_summary")
    line_count = fields.Integer(compute="_compute_check_summary")
    check_summary = fields.Html(compute="_compute_check_summary", sanitize=False)

    # === COMPUTES === #
    @api.depends("result_ids.severity", "result_ids.waived", "result_ids.amount")
    def _compute_check_summary(self):
        Result = self.env["sale.closing.check.result"]
        Line = self.env["sale.closing.line"]
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
            period.check_summary = (
                rows and period._get_check_summary_html(rows) or False
            )

    def _get_check_summary_html(self, rows):
        """Return the summary table of the checks tab.

        :param rows: ``(check code, severity, waived, count, amount)`` tuples
        """
        self.ensure_one()
        Result = self.env["sale.closing.check.result"]
        checks = dict(Result._fields["check_code"]._description_selection(self.env))
        severities = dict(Result._fields["severity"]._description_selection(self.env))
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
                format_amount(self.env, amount or 0.0, self.company_id.currency_id),
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
                    severity=values.get("severity") or check.severity,
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
