# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of the checks on stock (sale_closing_check_stock.py)."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_checks import ChecksCommon


@tagged("post_install", "-at_install")
class TestChecksStock(ChecksCommon):
    """The checks on the stock of October."""

    closing_users = False  # its tests use none of them

    # --- helpers ------------------------------------------------------------
    def _new_storable(self, name, categ=None):
        vals = {"list_price": 10.0}
        if categ:
            vals.update(categ_id=categ.id, standard_price=10.0)
        return self._closing_product(name, **vals)

    def _negative_stock_of(self, product):
        return self._results("negative_stock").filtered(
            lambda r: r.product_id == product
        )

    def test_negative_stock_after_delivery_without_stock(self):
        product = self._new_storable("No Stock Widget")
        order = self._sell("2026-10-05", [(product, 5, 10.0)])
        self._deliver(order, 5, "2026-10-06")
        results = self._negative_stock_of(product)
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"negative_stock:{product.id}:{self.stock_location.id}",
                    "quantity": -5.0,
                }
            ],
        )
        self.assertIn(self.stock_location.complete_name, results.name)

    def test_negative_stock_with_enough_stock_is_not_a_problem(self):
        product = self._new_storable("Stocked Widget")
        self._inventory(product, 10, "2026-10-01")
        order = self._sell("2026-10-05", [(product, 5, 10.0)])
        self._deliver(order, 5, "2026-10-06")
        self.assertFalse(self._negative_stock_of(product))

    def test_negative_stock_replenished_after_period_end_still_negative(self):
        product = self._new_storable("Late Stock Widget")
        order = self._sell("2026-10-05", [(product, 5, 10.0)])
        self._deliver(order, 5, "2026-10-06")
        self._inventory(product, 10, "2026-11-03")
        self.assertEqual(self._negative_stock_of(product).quantity, -5.0)

    # --- stock valuation ----------------------------------------------------
    def _real_time_category(self):
        Account = self.env["account.account"]
        valuation = Account.create(
            {
                "name": "Stock Valuation",
                "code": "STV100",
                "account_type": "asset_current",
            }
        )
        interim = Account.create(
            {"name": "Stock Interim", "code": "STI100", "account_type": "asset_current"}
        )
        category = (
            self.env["product.category"]
            .with_company(self.company)
            .create(
                {
                    "name": "Real Time",
                    "property_cost_method": "standard",
                    "property_valuation": "real_time",
                    "property_stock_valuation_account_id": valuation.id,
                    "property_stock_account_input_categ_id": interim.id,
                    "property_stock_account_output_categ_id": interim.id,
                }
            )
        )
        return category, valuation

    def _valued_stock(self, qty, day):
        """10 units at 10.00 counted in on ``day``, their layers created then
        (a layer's date is its creation date, which a test cannot freeze)."""
        category, valuation = self._real_time_category()
        product = self._new_storable("Valued Widget", categ=category)
        self._inventory(product, qty, day)
        layers = self.env["stock.valuation.layer"].search(
            [("product_id", "=", product.id)]
        )
        self.assertEqual(layers.mapped("value"), [qty * 10.0])
        layers.flush_recordset()
        self.env.cr.execute(
            "UPDATE stock_valuation_layer SET create_date = %s WHERE id = ANY(%s)",
            [f"{day} 09:00:00", layers.ids],
        )
        return valuation

    def _post_valuation_entry(self, valuation, amount, day):
        """A manual entry debiting the valuation account, with no layer."""
        expense = self.company_data["default_account_expense"]
        with freeze_time(f"{day} 10:00:00"):
            entry = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "date": day,
                    "line_ids": [
                        Command.create({"account_id": valuation.id, "debit": amount}),
                        Command.create({"account_id": expense.id, "credit": amount}),
                    ],
                }
            )
            entry.action_post()
        return entry

    def test_stock_valuation_entry_after_period_end_does_not_count(self):
        valuation = self._valued_stock(10, "2026-10-05")
        self._post_valuation_entry(valuation, 25.0, "2026-11-03")
        self.assertFalse(self._stock_valuation_results())

    def _stock_valuation_results(self):
        return self._results("stock_valuation")

    def test_stock_valuation_matches_ledger(self):
        self._valued_stock(10, "2026-10-05")
        self.assertFalse(self._stock_valuation_results())

    def test_stock_valuation_differs_from_ledger(self):
        valuation = self._valued_stock(10, "2026-10-05")
        self._post_valuation_entry(valuation, 25.0, "2026-10-15")
        results = self._stock_valuation_results()
        self.assertRecordValues(
            results, [{"key": f"stock_valuation:{valuation.id}", "amount": -25.0}]
        )
        self.assertIn("$\xa0100.00", results.name)
        self.assertIn("holds $\xa0125.00", results.name)

    def test_stock_valuation_difference_equal_to_min_amount_is_listed(self):
        valuation = self._valued_stock(10, "2026-10-05")
        self._post_valuation_entry(valuation, 25.0, "2026-10-15")
        self._check("stock_valuation").min_amount = 25.0
        self.assertEqual(self._stock_valuation_results().amount, -25.0)

    def test_stock_valuation_difference_below_min_amount_is_not_listed(self):
        valuation = self._valued_stock(10, "2026-10-05")
        self._post_valuation_entry(valuation, 25.0, "2026-10-15")
        self._check("stock_valuation").min_amount = 25.01
        self.assertFalse(self._stock_valuation_results())
