# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The ledger sections of the close pack, as of the period end: the aging of
the open receivables, the stock movement of the products sold (收发存:
opening, delivered, returned, other, closing quantity and value) and the
tie-out of each sub-ledger figure to its general ledger account balance."""

from collections import defaultdict

from odoo import models
from odoo.tools import SQL

from ..lib import canonical
from ..lib import figures as figures_lib

STOCK_COLUMNS = ("opening", "delivered", "returned", "other", "closing")


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    def _get_pack_sections(self):
        sections = super()._get_pack_sections()
        residuals = self.env["sale.closing.line"]._get_receivable_residuals(
            self.company_id, self.date_end
        )
        sections["aging"] = self._get_pack_aging(residuals)
        sections["stock"] = self._get_pack_stock()
        sections["tie_out"] = self._get_pack_tie_out(residuals)
        return sections

    # --- aging ------------------------------------------------------------------
    def _get_pack_aging_limits(self):
        """Return the limits (days overdue) of the company's aging buckets,
        the ones the receivables aging check and the allowance rules use."""
        return self.company_id._get_sale_closing_aging()[0]

    def _get_pack_aging(self, residuals):
        """Return the open receivables at the end by customer and bucket:
        ``buckets`` (labels), ``rows`` (customer, amount per bucket, total)
        by customer name, and ``totals``."""
        self.ensure_one()
        limits = self._get_pack_aging_limits()
        labels = figures_lib.bucket_labels(limits)
        rounding = self.company_id.currency_id.rounding
        amounts = defaultdict(lambda: dict.fromkeys(labels, 0.0))
        for row in residuals:
            if figures_lib.float_is_zero(row["residual"], rounding):
                continue
            days = (self.date_end - row["date_maturity"]).days
            bucket = figures_lib.aging_bucket(days, limits)
            amounts[row["partner_id"] or 0][bucket] += row["residual"]
        names = self._get_pack_names({"res.partner": set(amounts) - {0}})["res.partner"]
        rows = []
        totals = dict.fromkeys(labels, 0.0)
        for partner_id, buckets in amounts.items():
            for label in labels:
                totals[label] += buckets[label]
            rows.append(
                {
                    "partner": names.get(partner_id),
                    "buckets": {k: self._pack_amount(v) for k, v in buckets.items()},
                    "total": self._pack_amount(sum(buckets.values())),
                }
            )
        rows.sort(key=lambda r: r["partner"] or "")
        return {
            "buckets": labels,
            "rows": rows,
            "totals": {k: self._pack_amount(v) for k, v in totals.items()},
            "total": self._pack_amount(sum(totals.values())),
        }

    # --- stock movement -------------------------------------------------------------
    def _get_pack_stock(self):
        """Return the stock movement of the products sold (those of the
        reconciliation and of the sale deliveries done in the period), by
        product: quantity (product unit) and value of each of
        ``STOCK_COLUMNS``, read from the valuation layers dated by their
        move (else their creation).

        Raw SQL: one grouped read of the layers of every product over all
        history, split by date and kind of move."""
        self.ensure_one()
        if "stock.valuation.layer" not in self.env:
            return []
        for model in ("stock.valuation.layer", "stock.move", "sale.closing.line"):
            self.env[model].flush_model()
        start, end = self.env["sale.closing.line"]._get_period_bounds(self)
        self.env.cr.execute(
            SQL(
                """
            WITH sold AS (
                SELECT product_id FROM sale_closing_line
                 WHERE period_id = %(period)s AND product_id IS NOT NULL
                 UNION
                SELECT sm.product_id FROM stock_move sm
                 WHERE sm.company_id = %(company)s AND sm.state = 'done'
                   AND sm.sale_line_id IS NOT NULL
                   AND sm.date >= %(start)s AND sm.date < %(end)s
            ), layers AS (
                SELECT svl.product_id, svl.quantity, svl.value,
                       COALESCE(sm.date, svl.create_date) AS date,
                       CASE WHEN sm.sale_line_id IS NULL THEN 'other'
                            WHEN svl.quantity < 0 THEN 'delivered'
                            ELSE 'returned' END AS kind
                  FROM stock_valuation_layer svl
             LEFT JOIN stock_move sm ON sm.id = svl.stock_move_id
                 WHERE svl.company_id = %(company)s
                   AND svl.product_id IN (SELECT product_id FROM sold)
            )
            SELECT product_id,
                   CASE WHEN date < %(start)s THEN 'opening' ELSE kind END AS kind,
                   SUM(quantity) AS quantity, SUM(value) AS value
              FROM layers
             WHERE date < %(end)s
          GROUP BY 1, 2
                """,
                period=self.id,
                company=self.company_id.id,
                start=start,
                end=end,
            )
        )
        moved = defaultdict(lambda: {c: [0.0, 0.0] for c in STOCK_COLUMNS})
        for product_id, kind, quantity, value in self.env.cr.fetchall():
            moved[product_id][kind] = [quantity or 0.0, value or 0.0]
            moved[product_id]["closing"][0] += quantity or 0.0
            moved[product_id]["closing"][1] += value or 0.0
        return self._format_pack_stock(moved)

    def _format_pack_stock(self, moved):
        """Return the payload rows of ``{product id: {column: [qty, value]}}``
        by product name."""
        products = self.env["product.product"].sudo().browse(list(moved))
        qty_step = 10 ** -self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        rows = []
        for product in products:
            row = {
                "product": product.display_name,
                "unit": product.uom_id.name,
            }
            for column in STOCK_COLUMNS:
                quantity, value = moved[product.id][column]
                row[f"{column}_qty"] = canonical.amount(quantity, qty_step)
                row[f"{column}_value"] = self._pack_amount(value)
            rows.append(row)
        rows.sort(key=lambda r: r["product"] or "")
        return rows

    # --- tie-out ------------------------------------------------------------------
    def _get_pack_tie_out(self, residuals):
        """Return each sub-ledger figure against the balance (debit
        positive) of its general ledger accounts at the period end, with the
        difference: receivables (open residuals), accrued and deferred
        revenue (this close's entries), the bad-debt allowance (required by
        aging) and the stock valuation (valuation layers, real-time
        categories)."""
        self.ensure_one()
        rows = []
        receivable_accounts = (
            self.env["account.account"]
            .sudo()
            .search(
                [
                    ("company_ids", "in", self.company_id.ids),
                    ("account_type", "=", "asset_receivable"),
                ]
            )
        )
        rows.append(
            self._tie_out_row(
                "receivables",
                receivable_accounts,
                sum(row["residual"] for row in residuals),
            )
        )
        Rule = self.env["sale.closing.posting.rule"].sudo()
        rules = Rule.search([("company_id", "=", self.company_id.id)])
        for rule in rules.filtered(lambda r: r.rule_type in ("accrued", "deferred")):
            lines = self.sudo().entry_line_ids.filtered(
                lambda ln, r=rule: ln.rule_id == r
                and not ln.skipped
                and ln.account_id == r.account_id
            )
            rows.append(
                self._tie_out_row(
                    rule.rule_type, rule.account_id, sum(lines.mapped("balance")), rule
                )
            )
        allowances = rules.filtered(lambda r: r.rule_type == "allowance")
        if allowances:
            partners = {row["partner_id"] for row in residuals if row["partner_id"]}
            assigned = Rule._assign_sources(allowances, partners)
            for rule in allowances:
                items, _receivables = rule._get_allowance_items(
                    self, residuals, {}, assigned[rule]
                )
                required = sum(item.balance for item in items)
                rows.append(
                    self._tie_out_row("allowance", rule.account_id, -required, rule)
                )
        Check = self.env["sale.closing.check"].sudo()
        _start, end = self.env["sale.closing.line"]._get_period_bounds(self)
        for account, categories in Check._get_valuation_accounts(
            self.company_id
        ).items():
            value = Check._get_valuation_value(self, categories, end) or 0.0
            rows.append(self._tie_out_row("stock_valuation", account, value))
        return rows

    def _tie_out_row(self, ledger, accounts, sub_ledger, rule=None):
        """Return one tie-out row: the sub-ledger figure, the balance of
        ``accounts`` at the end and the difference, named."""
        (balance,) = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", self.company_id.id),
                    ("account_id", "in", accounts.ids),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", self.date_end),
                ],
                [],
                ["balance:sum"],
            )[0]
        )
        rounding = self.company_id.currency_id.rounding
        difference = figures_lib.float_round((balance or 0.0) - sub_ledger, rounding)
        return {
            "ledger": ledger,
            "rule": rule.name if rule else None,
            "accounts": sorted(accounts.mapped("display_name")),
            "sub_ledger": self._pack_amount(sub_ledger),
            "general_ledger": self._pack_amount(balance or 0.0),
            "difference": self._pack_amount(difference),
            "ties": figures_lib.float_is_zero(difference, rounding),
        }
