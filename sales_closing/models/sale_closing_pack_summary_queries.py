# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The raw SQL reads of the close pack's sales summary: invoice lines, the
income lines of period-end entries with their source order lines, and the
valuation of the deliveries and returns of a date range. Each reads every
row in one query, whatever the number of lines.
"""

from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL

from ..lib import summary as summary_lib
from ..lib.summary import Fact

REVENUE_ACCOUNT_TYPES = ("income", "income_other")


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_summary_facts(self, company, date_start, date_end):
        """Return the ``lib.summary.Fact`` of a date range of ``company``:
        revenue invoiced and credited by accounting date, period-end entries
        dated in the range (spread over their order lines) and the cost of
        the deliveries and returns done in the range (``cogs`` and
        ``cogs_returned``, the cost taken back by returns), and the discounts
        granted on the invoices (``{dimension key: amount}`` by invoice line
        dimensions, as a second value).

        :return: ``(facts, discounts)``
        """
        for model in ("account.move", "account.move.line", "stock.move"):
            self.env[model].flush_model()
        if "stock.valuation.layer" in self.env:
            self.env["stock.valuation.layer"].flush_model()
        rounding = company.currency_id.rounding
        facts, discounts = self._query_invoiced_facts(company, date_start, date_end)
        facts += self._query_entry_facts(company, date_start, date_end, rounding)
        facts += self._query_cogs_facts(company, date_start, date_end)
        return facts, discounts

    @api.model
    def _query_invoiced_facts(self, company, date_start, date_end):
        """Customer invoice and credit note lines posted with an accounting
        date in the range, on income accounts, in company currency.

        Raw SQL: the dimensions sit on the invoice, its partner and the
        product template, which a grouped ORM read cannot join."""
        self.env.cr.execute(
            SQL(
                """
            SELECT am.move_type,
                   COALESCE(partner.commercial_partner_id, am.partner_id) AS partner,
                   tmpl.categ_id AS categ, aml.product_id AS product,
                   am.invoice_user_id AS "user", am.team_id AS team,
                   -aml.balance AS amount, aml.discount,
                   aml.price_unit * aml.quantity * aml.discount / 100.0
                       / NULLIF(am.invoice_currency_rate, 0) AS gross_discount
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN account_account account ON account.id = aml.account_id
         LEFT JOIN res_partner partner ON partner.id = am.partner_id
         LEFT JOIN product_product product ON product.id = aml.product_id
         LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
             WHERE aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND am.move_type IN ('out_invoice', 'out_refund')
               AND aml.display_type = 'product'
               AND account.account_type IN %(types)s
               AND aml.date BETWEEN %(start)s AND %(end)s
                """,
                company=company.id,
                types=REVENUE_ACCOUNT_TYPES,
                start=date_start,
                end=date_end,
            )
        )
        facts = []
        discounts = []
        for row in self.env.cr.dictfetchall():
            component = "refunded" if row["move_type"] == "out_refund" else "invoiced"
            dims = [row[name] or 0 for name in summary_lib.DIMENSIONS]
            facts.append(Fact(component, *dims, row["amount"]))
            if row["discount"]:
                granted = summary_lib.discount_amount(row["amount"], row["discount"])
                if granted is None:
                    granted = row["gross_discount"] or 0.0
                    if row["move_type"] == "out_refund":
                        granted = -granted
                discounts.append(Fact("invoiced", *dims, granted))
        return facts, discounts

    @api.model
    def _query_entry_facts(self, company, date_start, date_end, rounding):
        """The income lines of the posted period-end entries dated in the
        range, each spread over its source order lines in proportion to
        their delivered − invoiced amount of the entry's period.

        Raw SQL: one read of the lines, their sources and the weights, where
        the ORM would read the many2many and the figures per entry line."""
        self.env.cr.execute(
            SQL(
                """
            SELECT aml.id, -aml.balance AS amount, rule.rule_type,
                   am.sale_closing_period_id AS period_id,
                   origin.date_start >= %(start)s AS own,
                   ARRAY_AGG(rel.sale_line_id ORDER BY rel.sale_line_id)
                       FILTER (WHERE rel.sale_line_id IS NOT NULL) AS sources
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN account_account account ON account.id = aml.account_id
              JOIN sale_closing_posting_rule rule
                ON rule.id = am.sale_closing_rule_id
              JOIN sale_closing_period origin ON origin.id = am.sale_closing_period_id
         LEFT JOIN sale_closing_move_line_sale_line_rel rel
                ON rel.move_line_id = aml.id
             WHERE aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND account.account_type IN %(types)s
               AND aml.date BETWEEN %(start)s AND %(end)s
          GROUP BY aml.id, rule.rule_type, am.sale_closing_period_id, origin.date_start
                """,
                company=company.id,
                types=REVENUE_ACCOUNT_TYPES,
                start=date_start,
                end=date_end,
            )
        )
        rows = self.env.cr.dictfetchall()
        sources = {
            (row["period_id"], sid) for row in rows for sid in row["sources"] or []
        }
        weights, dims = self._query_source_lines(sources)
        facts = []
        for row in rows:
            if row["rule_type"] == "accrued":
                component = "accrued" if row["own"] else "accrual_reversed"
            else:
                component = "deferred" if row["own"] else "deferral_reversed"
            shares = summary_lib.allocate(
                row["amount"],
                {
                    sid: weights.get((row["period_id"], sid), 0.0)
                    for sid in row["sources"] or [0]
                },
                rounding,
            )
            for sid, share in shares.items():
                facts.append(Fact(component, *dims.get(sid, (0,) * 5), share))
        return facts

    @api.model
    def _query_source_lines(self, sources):
        """Return ``(weights, dimensions)`` of source order lines: the
        delivered − invoiced amount (company currency) of each
        ``(period id, order line id)`` in that period's reconciliation, and
        the dimensions of each order line id.

        Raw SQL: one read for all the sources of all the entry lines."""
        if not sources:
            return {}, {}
        self.env["sale.closing.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT sol.id,
                   COALESCE(partner.commercial_partner_id, so.partner_id) AS partner,
                   tmpl.categ_id AS categ, sol.product_id AS product,
                   so.user_id AS "user", so.team_id AS team
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner partner ON partner.id = so.partner_id
         LEFT JOIN product_product product ON product.id = sol.product_id
         LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
             WHERE sol.id = ANY(%(lines)s)
                """,
                lines=sorted({sid for _period, sid in sources}),
            )
        )
        dims = {
            row["id"]: tuple(row[name] or 0 for name in summary_lib.DIMENSIONS)
            for row in self.env.cr.dictfetchall()
        }
        self.env.cr.execute(
            SQL(
                """
            SELECT period_id, sale_line_id, amount_difference_company
              FROM sale_closing_line
             WHERE period_id = ANY(%(periods)s) AND sale_line_id = ANY(%(lines)s)
                """,
                periods=sorted({period for period, _sid in sources}),
                lines=sorted({sid for _period, sid in sources}),
            )
        )
        weights = defaultdict(float)
        for period_id, line_id, amount in self.env.cr.fetchall():
            weights[(period_id, line_id)] += amount or 0.0
        return weights, dims

    @api.model
    def _query_cogs_facts(self, company, date_start, date_end):
        """The valuation of the sale deliveries and returns done in the
        range (company time zone): cost of goods sold, positive for a
        delivery, negative for a return.

        Raw SQL: layers, moves and orders joined in one read."""
        if "stock.valuation.layer" not in self.env:
            return []
        bounds = self.env["sale.closing.line"]._get_period_bounds(
            self.new(
                {
                    "company_id": company.id,
                    "date_start": date_start,
                    "date_end": date_end,
                }
            )
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT COALESCE(partner.commercial_partner_id, so.partner_id) AS partner,
                   tmpl.categ_id AS categ, svl.product_id AS product,
                   so.user_id AS "user", so.team_id AS team,
                   svl.value > 0 AS returned, SUM(-svl.value) AS amount
              FROM stock_valuation_layer svl
              JOIN stock_move sm ON sm.id = svl.stock_move_id
              JOIN sale_order_line sol ON sol.id = sm.sale_line_id
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner partner ON partner.id = so.partner_id
              JOIN product_product product ON product.id = svl.product_id
              JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
             WHERE svl.company_id = %(company)s
               AND sm.state = 'done'
               AND sm.date >= %(start)s AND sm.date < %(end)s
          GROUP BY 1, 2, 3, 4, 5, 6
                """,
                company=company.id,
                start=bounds[0],
                end=bounds[1],
            )
        )
        return [
            Fact(
                "cogs_returned" if row["returned"] else "cogs",
                *(row[name] or 0 for name in summary_lib.DIMENSIONS),
                row["amount"] or 0.0,
            )
            for row in self.env.cr.dictfetchall()
        ]
