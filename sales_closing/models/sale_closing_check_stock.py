# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks on the stock at a period end: negative quantities and the stock
valuation against the ledger.

One ``_get_results_<code>`` method per check code, called by
``sale.closing.check._get_results``.
"""

from collections import defaultdict

from odoo import models
from odoo.tools import SQL, LazyTranslate

from ..lib import figures as figures_lib

_lt = LazyTranslate(__name__)


class SaleClosingCheck(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.check"  # pylint: disable=consider-merging-classes-inherited

    # --- 8. stock -----------------------------------------------------------
    def _get_results_negative_stock(self, period, data):
        """Storable products with a negative quantity in an internal location
        at the period end, rebuilt from done move lines. Raw SQL: quantities
        at a past date are not fields."""
        _utc_start, utc_end = data["bounds"]
        self.env["stock.move.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT product_id, location_id, SUM(qty) AS qty FROM (
                SELECT sml.product_id, sml.location_dest_id AS location_id,
                       sml.quantity_product_uom AS qty
                  FROM stock_move_line sml
                  JOIN stock_location loc ON loc.id = sml.location_dest_id
                 WHERE sml.state = 'done' AND sml.date < %(end)s
                   AND loc.usage = 'internal' AND loc.company_id = %(company)s
                UNION ALL
                SELECT sml.product_id, sml.location_id,
                       -sml.quantity_product_uom
                  FROM stock_move_line sml
                  JOIN stock_location loc ON loc.id = sml.location_id
                 WHERE sml.state = 'done' AND sml.date < %(end)s
                   AND loc.usage = 'internal' AND loc.company_id = %(company)s
            ) flows
          GROUP BY product_id, location_id
            HAVING SUM(qty) < 0
          ORDER BY product_id, location_id
                """,
                end=utc_end,
                company=period.company_id.id,
            )
        )
        rows = self.env.cr.fetchall()
        products = self._records("product.product", [row[0] for row in rows])
        locations = self._records("stock.location", [row[1] for row in rows])
        results = []
        for product_id, location_id, qty in rows:
            product = products[product_id]
            if figures_lib.float_is_zero(qty, product.uom_id.rounding):
                continue
            results.append(
                {
                    "key": f"negative_stock:{product_id}:{location_id}",
                    "product_id": product_id,
                    "quantity": qty,
                    "name": _lt(
                        "%(product)s: %(qty)s %(uom)s in %(location)s at %(date)s.",
                        product=self._record(product),
                        qty=qty,
                        uom=self._record(product.uom_id, "name"),
                        location=locations[location_id].complete_name,
                        date=self._date(period.date_end),
                    ),
                }
            )
        return results

    def _get_results_stock_valuation(self, period, data):
        """With real-time valuation: the value of the valuation layers at the
        period end against the balance of the stock valuation accounts."""
        company = period.company_id
        if "stock.valuation.layer" not in self.env:
            return []
        _utc_start, utc_end = data["bounds"]
        results = []
        for account, categs in self._get_valuation_accounts(company).items():
            value = self._get_valuation_value(period, categs, utc_end)
            balance = self._get_valuation_balance(period, account)
            difference = company.currency_id.round((value or 0.0) - (balance or 0.0))
            # the minimum amount is applied by _get_results, as for every check
            if not company.currency_id.is_zero(difference):
                results.append(
                    {
                        "key": f"stock_valuation:{account.id}",
                        "amount": difference,
                        "name": _lt(
                            "Stock valued at %(value)s at %(date)s but account "
                            "%(account)s holds %(balance)s (difference %(diff)s).",
                            value=self._amount(period, value or 0.0),
                            balance=self._amount(period, balance or 0.0),
                            diff=self._amount(period, difference),
                            account=self._record(account),
                            date=self._date(period.date_end),
                        ),
                    }
                )
        return results

    def _get_valuation_accounts(self, company):
        """Return {stock valuation account: product categories} of the
        categories of ``company`` valued in real time (empty without any)."""
        categories = (
            self.env["product.category"]
            .sudo()
            .with_company(company)
            .search([])
            .filtered(lambda c: c.property_valuation == "real_time")
        )
        by_account = defaultdict(lambda: self.env["product.category"])
        for category in categories:
            account = category.property_stock_valuation_account_id
            if account:
                by_account[account] |= category
        return by_account

    def _get_valuation_value(self, period, categories, utc_end):
        """Return the value (company currency, None when there is none) of
        the valuation layers of ``categories`` at the period end."""
        ((value,),) = (
            self.env["stock.valuation.layer"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", period.company_id.id),
                    ("categ_id", "in", categories.ids),
                    # dated by their journal entry when they have one
                    # (backdated valuations), else by their creation
                    "|",
                    "&",
                    ("account_move_id", "!=", False),
                    ("account_move_id.date", "<=", period.date_end),
                    "&",
                    ("account_move_id", "=", False),
                    ("create_date", "<", utc_end),
                ],
                [],
                ["value:sum"],
            )
        )
        return value

    def _get_valuation_balance(self, period, account):
        """Return the balance (None when there is none) of the posted lines
        of ``account`` at the period end."""
        ((balance,),) = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", period.company_id.id),
                    ("account_id", "=", account.id),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", period.date_end),
                ],
                [],
                ["balance:sum"],
            )
        )
        return balance
