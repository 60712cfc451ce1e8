# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks on the receivables at a period end: aging, unmatched customer
payments and credit limits.

One ``_get_results_<code>`` method per check code, called by
``sale.closing.check._get_results``.
"""

from collections import defaultdict

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from ..lib import figures as figures_lib

_lt = LazyTranslate(__name__)


class SaleClosingCheck(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.check"  # pylint: disable=consider-merging-classes-inherited

    # --- 7. receivables -----------------------------------------------------
    def _receivable_rows(self, period, data):
        if "receivables" not in data:
            data["receivables"] = self.env[
                "sale.closing.line"
            ]._get_receivable_residuals(period.company_id, period.date_end)
        return data["receivables"]

    def _get_aging_limits(self, period):
        """Return the limits (days overdue) of the aging buckets of the
        period's company; refuse the run if they are wrong."""
        try:
            return period.company_id._get_sale_closing_aging()[0]
        except ValueError as error:
            raise UserError(
                self.env._(
                    "%(company)s: the aging buckets are wrong (%(error)s). "
                    "Correct them in the Settings, under Sales Closing.",
                    company=period.company_id.name,
                    error=str(error),
                )
            ) from error

    def _get_results_receivable_aging(self, period, data):
        limits = self._get_aging_limits(period)
        rounding = period.company_id.currency_id.rounding
        totals = defaultdict(float)
        for row in self._receivable_rows(period, data):
            if figures_lib.float_is_zero(row["residual"], rounding):
                continue
            days = (period.date_end - row["date_maturity"]).days
            bucket = figures_lib.aging_bucket(days, limits)
            totals[(row["partner_id"] or 0, bucket)] += row["residual"]
        labels = figures_lib.bucket_labels(limits)
        partners = self._records("res.partner", [key[0] for key in totals])
        results = []
        for (partner_id, bucket), amount in sorted(
            totals.items(), key=lambda item: (item[0][0], labels.index(item[0][1]))
        ):
            if figures_lib.float_is_zero(amount, rounding):
                continue
            partner = partners.get(partner_id, self.env["res.partner"])
            if bucket == "not_due":
                name = _lt(
                    "%(partner)s: %(amount)s receivable at %(date)s, not due yet.",
                    partner=partner.display_name or _lt("No customer"),
                    amount=self._amount(period, amount),
                    date=self._date(period.date_end),
                )
            else:
                name = _lt(
                    "%(partner)s: %(amount)s receivable at %(date)s, %(bucket)s "
                    "days overdue.",
                    partner=partner.display_name or _lt("No customer"),
                    amount=self._amount(period, amount),
                    date=self._date(period.date_end),
                    bucket=bucket,
                )
            results.append(
                {
                    "key": f"receivable_aging:{partner_id}:{bucket}",
                    "partner_id": partner_id or False,
                    "aging_bucket": bucket,
                    "amount": figures_lib.float_round(amount, rounding),
                    "name": name,
                }
            )
        return results

    def _get_results_unmatched_payment(self, period, data):
        rounding = period.company_id.currency_id.rounding
        rows = self._receivable_rows(period, data)
        partners = self._records("res.partner", [row["partner_id"] for row in rows])
        results = []
        for row in rows:
            residual = row["residual"]
            if not row["payment_id"] or figures_lib.float_is_zero(residual, rounding):
                continue
            if residual > 0:
                continue
            partner = partners.get(row["partner_id"], self.env["res.partner"])
            results.append(
                {
                    "key": f"unmatched_payment:{row['id']}",
                    "move_line_id": row["id"],
                    "partner_id": row["partner_id"],
                    "amount": residual,
                    "name": _lt(
                        "Payment %(payment)s of %(partner)s: %(amount)s not matched "
                        "with an invoice at %(date)s.",
                        payment=row["move_name"],
                        partner=partner.display_name or "-",
                        amount=self._amount(period, -residual),
                        date=self._date(period.date_end),
                    ),
                }
            )
        return results

    def _get_results_credit_limit(self, period, data):
        company = period.company_id
        if not company.account_use_credit_limit:
            return []
        balances = defaultdict(float)
        for row in self._receivable_rows(period, data):
            if row["partner_id"]:
                balances[row["partner_id"]] += row["residual"]
        partners = (
            self.env["res.partner"].sudo().with_company(company).browse(list(balances))
        )
        results = []
        for partner in partners:
            limit = partner.credit_limit
            balance = balances[partner.id]
            if limit > 0 and company.currency_id.compare_amounts(balance, limit) > 0:
                results.append(
                    {
                        "key": f"credit_limit:{partner.id}",
                        "partner_id": partner.id,
                        "amount": balance - limit,
                        "name": _lt(
                            "%(partner)s owes %(balance)s at %(date)s, over the "
                            "credit limit of %(limit)s.",
                            partner=partner.display_name,
                            balance=self._amount(period, balance or 0.0),
                            limit=self._amount(period, limit),
                            date=self._date(period.date_end),
                        ),
                    }
                )
        return results
