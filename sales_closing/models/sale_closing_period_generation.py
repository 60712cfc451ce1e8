# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Making closing periods: a year at a time (wizard) and the coming month (cron)."""

from dateutil.relativedelta import relativedelta

from odoo import api, models

from ..lib import periods as periods_lib


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

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
