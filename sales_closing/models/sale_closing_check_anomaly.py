# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sales anomaly check: this period's sales of each customer, product
category and salesperson against the same figures over the previous
periods, lines sold below cost and new customers with a large first month.

The company settings (Settings, Sales Closing) give how many previous
periods are compared, the robust z-score threshold and the minimum amount at
stake. The history is read with one grouped query per dimension over the
period and its previous periods; the statistics live in ``lib/anomalies.py``.
The lines sold below their cost at the sale date are found in
``sale_closing_check_anomaly_cost.py``.
"""

import math
from collections import defaultdict

from odoo import models
from odoo.tools import SQL, LazyTranslate

from ..lib import anomalies as anomalies_lib
from ..lib.sentences import plural

_lt = LazyTranslate(__name__)

#: dimension: (result field, SQL expression of its key, model)
DIMENSIONS = {
    "customer": ("partner_id", "m.commercial_partner_id", "res.partner"),
    "category": ("product_category_id", "pt.categ_id", "product.category"),
    "salesperson": ("salesperson_id", "m.invoice_user_id", "res.users"),
}

#: The largest score stored on a result (a flat history scores infinity).
MAX_SCORE = 9999.9


class SaleClosingCheck(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.check"  # pylint: disable=consider-merging-classes-inherited

    def _get_results_sales_anomaly(self, period, data):
        """Unusual figures per customer, category and salesperson, new
        customers with a large first month, lines sold below cost; or, at
        info, that the period has too little history to compare with."""
        company = period.company_id
        history = self._get_anomaly_history_periods(period)
        buckets = [period] + list(history)
        sums = {
            dimension: self._get_anomaly_sums(period, buckets, dimension)
            for dimension in DIMENSIONS
        }
        # the previous periods with sales: the months compared
        months = sorted(
            {bucket for bucket, _key in sums["customer"] if bucket},
        )
        results = self._get_anomaly_below_cost(period)
        if len(months) < anomalies_lib.MIN_MONTHS:
            if any(not bucket for bucket, _key in sums["customer"]):
                results.insert(0, self._anomaly_no_history(period, len(months)))
            return results
        new_customers = self._get_anomaly_new_customers(period, sums["customer"])
        for dimension in DIMENSIONS:
            by_key = defaultdict(dict)
            for (bucket, key), values in sums[dimension].items():
                if key:
                    by_key[key][bucket] = values
            for key, values in sorted(by_key.items()):
                if dimension == "customer" and key in new_customers:
                    continue
                flags = anomalies_lib.compare(
                    values.get(0, anomalies_lib.Sums()),
                    [values.get(bucket, anomalies_lib.Sums()) for bucket in months],
                    company.sale_closing_anomaly_threshold,
                    company.sale_closing_anomaly_min_amount,
                )
                if flags:
                    results.append(self._anomaly_result(period, dimension, key, flags))
        limit = company.sale_closing_anomaly_min_amount * 5
        results += [
            self._anomaly_new_customer(period, partner, amount)
            for partner, amount in sorted(new_customers.items())
            if company.currency_id.compare_amounts(amount, limit) > 0
        ]
        return results

    # --- reads --------------------------------------------------------------
    def _get_anomaly_history_periods(self, period):
        """Return the previous periods of the company compared with
        ``period``: the latest closed or ended ones, as many as the company
        setting says."""
        company = period.company_id
        return (
            self.env["sale.closing.period"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("date_end", "<", period.date_start),
                    "|",
                    ("state", "=", "closed"),
                    ("date_end", "<", company._sale_closing_today()),
                ],
                order="date_end desc",
                limit=company.sale_closing_anomaly_months,
            )
        )

    def _get_anomaly_sums(self, period, buckets, dimension):
        """Return ``{(bucket, key): Sums}``: what each customer, category or
        salesperson (``dimension``) sold in each period of ``buckets`` (index
        0: this period), from the posted customer invoices and credit notes
        by accounting date, in company currency.

        Raw SQL: one grouped query over several date ranges, with the
        quantities converted to the products' units in the same pass."""
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        ranges = SQL(", ").join(
            SQL("(%s, %s::date, %s::date)", index, bucket.date_start, bucket.date_end)
            for index, bucket in enumerate(buckets)
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT b.bucket, %(key)s AS key,
                   SUM(CASE WHEN m.move_type = 'out_invoice'
                            THEN -l.balance ELSE 0 END) AS invoiced,
                   SUM(CASE WHEN m.move_type = 'out_refund'
                            THEN l.balance ELSE 0 END) AS refunded,
                   SUM(CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END
                       * CASE WHEN lu.id IS NOT NULL AND pu.id IS NOT NULL
                              THEN l.quantity / lu.factor * pu.factor
                              ELSE l.quantity END) AS quantity,
                   SUM(CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END
                       * CASE WHEN COALESCE(l.discount, 0) < 100
                              THEN ABS(l.balance) / (1 - COALESCE(l.discount, 0) / 100)
                              ELSE l.price_unit * l.quantity
                                   / COALESCE(NULLIF(m.invoice_currency_rate, 0), 1)
                         END) AS gross
              FROM account_move_line l
              JOIN account_move m ON m.id = l.move_id
              JOIN (VALUES %(ranges)s) AS b(bucket, date_start, date_end)
                ON l.date BETWEEN b.date_start AND b.date_end
         LEFT JOIN product_product pp ON pp.id = l.product_id
         LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN uom_uom lu ON lu.id = l.product_uom_id
         LEFT JOIN uom_uom pu ON pu.id = pt.uom_id
             WHERE m.company_id = %(company)s
               AND m.state = 'posted'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND l.display_type = 'product'
          GROUP BY 1, 2
                """,
                key=SQL(DIMENSIONS[dimension][1]),
                ranges=ranges,
                company=period.company_id.id,
            )
        )
        return {
            (bucket, key): anomalies_lib.Sums(invoiced, refunded, quantity, gross)
            for bucket, key, invoiced, refunded, quantity, gross in (
                self.env.cr.fetchall()
            )
        }

    def _get_anomaly_new_customers(self, period, customer_sums):
        """Return the customers whose first sales ever are in ``period``:
        ``{partner id: net sales}``. They have no history to compare with;
        only those over five times the minimum amount are flagged."""
        company = period.company_id
        seen = {key for bucket, key in customer_sums if bucket}
        candidates = {
            key: anomalies_lib.figures(sums)["sales"]
            for (bucket, key), sums in customer_sums.items()
            if not bucket and key and key not in seen
        }
        if not candidates:
            return {}
        older = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("commercial_partner_id", "in", list(candidates)),
                    ("date", "<", period.date_start),
                ],
                ["commercial_partner_id"],
            )
        )
        for (partner,) in older:
            candidates.pop(partner.id, None)
        return candidates

    # --- results ------------------------------------------------------------
    def _anomaly_no_history(self, period, count):
        if count:
            values = {
                "period": period.name,
                "count": count,
                "needed": anomalies_lib.MIN_MONTHS,
            }
            name = plural(
                count,
                _lt(
                    "%(period)s: only %(count)s previous period with sales to "
                    "compare with; sales anomalies need %(needed)s. Nothing was "
                    "flagged against the history.",
                    **values,
                ),
                _lt(
                    "%(period)s: only %(count)s previous periods with sales to "
                    "compare with; sales anomalies need %(needed)s. Nothing was "
                    "flagged against the history.",
                    **values,
                ),
            )
        else:
            name = _lt(
                "%(period)s has no sales history: no previous period holds "
                "posted customer invoices, so nothing was compared.",
                period=period.name,
            )
        return {"key": "sales_anomaly:history", "severity": "info", "name": name}

    def _anomaly_new_customer(self, period, partner_id, amount):
        partner = self._records("res.partner", [partner_id])[partner_id]
        return {
            "key": f"sales_anomaly:new_customer:{partner_id}",
            "partner_id": partner_id,
            "amount": period.company_id.currency_id.round(amount),
            "name": _lt(
                "%(partner)s is a new customer: first sales of %(amount)s in "
                "%(period)s, more than 5 times the minimum amount of %(minimum)s.",
                partner=partner.display_name,
                amount=self._amount(period, amount),
                period=period.name,
                minimum=self._amount(
                    period, period.company_id.sale_closing_anomaly_min_amount
                ),
            ),
        }

    def _anomaly_result(self, period, dimension, key, flags):
        field, _sql, model = DIMENSIONS[dimension]
        record = self._records(model, [key])[key]
        main = max(flags, key=lambda flag: flag.stake)
        direction = 1 if main.value >= main.median else -1
        score = max(-MAX_SCORE, min(MAX_SCORE, main.score))
        described = self._join(
            "; ", [self._anomaly_figure(period, flag) for flag in flags]
        )
        if dimension == "customer":
            name = _lt(
                "%(name)s: %(figures)s.", name=record.display_name, figures=described
            )
        elif dimension == "category":
            name = _lt(
                "Product category %(name)s: %(figures)s.",
                name=record.display_name,
                figures=described,
            )
        else:
            name = _lt(
                "Salesperson %(name)s: %(figures)s.",
                name=record.display_name,
                figures=described,
            )
        return {
            "key": f"sales_anomaly:{dimension}:{key}",
            field: key,
            "amount": period.company_id.currency_id.round(direction * main.stake),
            "score": score,
            "name": name,
        }

    def _anomaly_figure(self, period, flag):
        """Return the words of one unusual figure: its value, the median of
        its history, the difference and the score, and the months compared."""
        if flag.figure == "sales":
            value, center = (
                self._amount(period, flag.value),
                self._amount(period, flag.median),
            )
            difference = self._amount(period, flag.value - flag.median)
        elif flag.figure in ("discount", "returns"):
            value, center = (
                self._number(flag.value * 100, 1, suffix="%"),
                self._number(flag.median * 100, 1, suffix="%"),
            )
            difference = self._number(
                (flag.value - flag.median) * 100, 1, sign=True, suffix=" pt"
            )
        else:
            value, center = (
                self._number(flag.value, 2),
                self._number(flag.median, 2),
            )
            difference = self._number(flag.value - flag.median, 2, sign=True)
        figure = {
            "sales": _lt("sales"),
            "quantity": _lt("quantity"),
            "price": _lt("average net unit price"),
            "discount": _lt("discount rate"),
            "returns": _lt("return rate"),
        }[flag.figure]
        score = (
            self._number(flag.score, 1, sign=True)
            if math.isfinite(flag.score)
            else _lt("infinite, the history never varied")
        )
        values = {
            "figure": figure,
            "value": value,
            "median": center,
            "count": flag.months,
            "difference": difference,
            "score": score,
        }
        if period.period_type == "month":
            return _lt(
                "%(figure)s %(value)s against a median of %(median)s over "
                "%(count)s months (difference %(difference)s, robust z-score "
                "%(score)s)",
                **values,
            )
        return _lt(
            "%(figure)s %(value)s against a median of %(median)s over "
            "%(count)s periods (difference %(difference)s, robust z-score "
            "%(score)s)",
            **values,
        )
