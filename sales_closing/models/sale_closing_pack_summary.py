# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sales summary section of the close pack (销售总额 / 商品 / 客户):
revenue recognised in the period by component and by customer, product
category, product, salesperson and sales team; returns and discounts; cost
of goods sold and margin; the previous period and the same period a year
before; actual against the sales teams' monthly invoicing target.

Revenue recognised = invoiced (posted customer invoices by accounting date)
+ credit notes + accrued − reversed accruals − deferred + reversed
deferrals, all in company currency as booked (invoices at their own rate,
period-end entries at the period-end rate). The reads are in
``sale_closing_pack_summary_queries.py``, the arithmetic in ``lib/summary``.
"""

from dateutil.relativedelta import relativedelta

from odoo import models

from ..lib import canonical
from ..lib import summary as summary_lib

DIMENSION_MODELS = {
    "partner": "res.partner",
    "categ": "product.category",
    "product": "product.product",
    "user": "res.users",
    "team": "crm.team",
}


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    def _get_pack_sections(self):
        sections = super()._get_pack_sections()
        sections["summary"] = self._get_pack_summary()
        return sections

    def _get_pack_summary(self):
        """Return the sales summary section of the payload (see the module
        docstring): ``totals`` (components and figures), ``by_<dimension>``
        rows, ``returns``, ``discounts``, ``comparison`` and ``targets``."""
        self.ensure_one()
        company = self.company_id
        rounding = company.currency_id.rounding
        facts, discounts = self._get_summary_facts(
            company, self.date_start, self.date_end
        )
        # every dimension's totals in one pass over the facts
        totals, totals_by = summary_lib.totals_by(
            facts, rounding, tuple(DIMENSION_MODELS)
        )
        figures = summary_lib.figures(totals, rounding)
        names = self._get_pack_names(
            {
                model: {getattr(fact, dim) for fact in facts} - {0}
                for dim, model in DIMENSION_MODELS.items()
            }
        )
        section = {
            "totals": self._format_summary_figures(totals, figures),
            "returns": {
                "credit_notes": self._pack_amount(totals["refunded"]),
                "cost_returned": self._pack_amount(totals["cogs_returned"]),
            },
            "discounts": self._pack_amount(
                summary_lib.totals(discounts, rounding)["invoiced"]
            ),
            "comparison": self._get_pack_comparison(figures),
        }
        by_team = {}
        for dim, model in DIMENSION_MODELS.items():
            rows = []
            for key, components in totals_by[dim].items():
                row_figures = summary_lib.figures(components, rounding)
                if dim == "team":
                    by_team[key] = row_figures["revenue"]
                rows.append(
                    {
                        "id": key or None,
                        "name": names[model].get(key),
                        **self._format_summary_figures(components, row_figures),
                    }
                )
            rows.sort(key=lambda r: (r["name"] or "", r["id"] or 0))
            section[f"by_{dim}"] = rows
        section["targets"] = self._get_pack_targets(by_team)
        return section

    def _pack_amount(self, value):
        return canonical.amount(value, self.company_id.currency_id.rounding)

    def _pack_percent(self, value):
        return None if value is None else canonical.amount(value, 0.01)

    def _format_summary_figures(self, components, figures):
        """Return the payload form of component totals and their figures."""
        return {
            **{name: self._pack_amount(components[name]) for name in components},
            "revenue": self._pack_amount(figures["revenue"]),
            "cogs_net": self._pack_amount(figures["cogs"]),
            "margin": self._pack_amount(figures["margin"]),
            "margin_percent": self._pack_percent(figures["margin_percent"]),
        }

    def _get_comparison_ranges(self):
        """Return ``{key: (label, date_start, date_end)}`` of the periods the
        summary compares with: the previous period and the same period a
        year before."""
        self.ensure_one()
        previous = self.previous_period_id
        if previous:
            prev_range = (previous.name, previous.date_start, previous.date_end)
        else:
            start = self.date_start - relativedelta(months=1)
            prev_range = (str(start), start, self.date_start - relativedelta(days=1))
        year_start = self.date_start - relativedelta(years=1)
        year_end = self.date_end - relativedelta(years=1)
        return {
            "previous_period": prev_range,
            "previous_year": (f"{year_start} – {year_end}", year_start, year_end),
        }

    def _get_pack_comparison(self, figures):
        """Return the revenue, cost and margin of the comparison periods
        (as the books say at the close) and the change to this period."""
        self.ensure_one()
        rounding = self.company_id.currency_id.rounding
        result = {}
        for key, (label, start, end) in self._get_comparison_ranges().items():
            facts, _discounts = self._get_summary_facts(self.company_id, start, end)
            other = summary_lib.figures(summary_lib.totals(facts, rounding), rounding)
            result[key] = {
                "label": label,
                "date_start": start,
                "date_end": end,
                "revenue": self._pack_amount(other["revenue"]),
                "cogs_net": self._pack_amount(other["cogs"]),
                "margin": self._pack_amount(other["margin"]),
                "margin_percent": self._pack_percent(other["margin_percent"]),
            }
            for name in ("revenue", "margin"):
                difference, change = summary_lib.change(
                    figures[name], other[name], rounding
                )
                result[key][f"{name}_change"] = self._pack_amount(difference)
                result[key][f"{name}_change_percent"] = self._pack_percent(change)
        return result

    def _get_pack_targets(self, revenue_by_team):
        """Return actual against target per sales team: the team's monthly
        invoicing target (``crm.team.invoiced_target``, times the months of
        the period) at the close, the revenue recognised, the variance and
        the % achieved; teams with a target or revenue, by name."""
        self.ensure_one()
        rounding = self.company_id.currency_id.rounding
        months = (
            (self.date_end.year - self.date_start.year) * 12
            + self.date_end.month
            - self.date_start.month
            + 1
        )
        teams = (
            self.env["crm.team"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    "|",
                    ("id", "in", [key for key in revenue_by_team if key]),
                    "&",
                    ("invoiced_target", "!=", 0),
                    ("company_id", "in", [False, self.company_id.id]),
                ]
            )
        )
        rows = []
        for team in teams.sorted(lambda t: (t.name or "", t.id)):
            target = team.invoiced_target * months
            actual = revenue_by_team.get(team.id, 0.0)
            variance, achieved = summary_lib.variance(actual, target, rounding)
            rows.append(
                {
                    "id": team.id,
                    "name": team.name,
                    "target": self._pack_amount(target),
                    "actual": self._pack_amount(actual),
                    "variance": self._pack_amount(variance),
                    "achieved_percent": self._pack_percent(achieved),
                }
            )
        return rows
