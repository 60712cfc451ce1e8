# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The close pack's tie-out of each sub-ledger figure to its general ledger
account, on a month built through Odoo's flows and closed with every posting
rule active, worked out by hand.

Company currency USD, customer ``partner_a`` (immediate payment: due on the
invoice date), tax free.

September, closed for real with the accrued revenue rule:
  S1 10 x Closing Part at 30.00 (invoiced on delivery), delivered Sep 5,
  4 invoiced Sep 6 (120.00): 6 x 30.00 = 180.00 accrued on Sep 30
  (Dr 113100 180.00), reversed on Oct 1 (Cr 113100 180.00).

October, closed with the accrued, deferred and allowance rules:
  S1 the other 6 invoiced Oct 6 (180.00): nothing left to accrue.
  O2 5 x Closing Part at 30.00 delivered Oct 8, 2 invoiced Oct 9 (60.00):
     3 x 30.00 = 90.00 accrued (Dr 113100).
  O3 10 x Closing Widget at 100.00 (invoiced on order) invoiced Oct 10
     (1,000.00), 4 delivered Oct 12: 6 x 100.00 = 600.00 deferred
     (Cr 213100); paid in full Oct 20.
  O4 5 x Valued Part (real-time valuation, standard cost 12.00; 20 counted
     in on Oct 1: Dr STV200 240.00) at 40.00, delivered Oct 15 (Cr STV200
     60.00), invoiced Oct 16 (200.00).

At Oct 31 the open receivables are 120.00 (55 days overdue), 180.00 (25),
60.00 (22) and 200.00 (15): 560.00; the allowance (0/5/20/50/100 % over
not due/1-30/31-60/61-90/90+) is 20 % x 120.00 + 5 % x (180.00 + 60.00 +
200.00) = 24.00 + 22.00 = 46.00 (Cr 119100).
"""

import json

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestPackTieOut(PostingCommon):
    closing_users = False  # its tests use none of them

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accrued_rule = cls._rule()
        cls.period_sep._set_stage("open")
        cls.order_s1 = cls._sell(cls, "2026-09-02", [(cls.product_delivery, 10, 30.0)])
        cls._deliver(cls.order_s1, 10, "2026-09-05")
        cls._invoice_qty(cls, cls.order_s1, "2026-09-06", {cls.product_delivery: 4})
        cls._stage(cls, cls.period_sep, "closed")
        # October
        cls._invoice_qty(cls, cls.order_s1, "2026-10-06")
        order_o2 = cls._sell(cls, "2026-10-07", [(cls.product_delivery, 5, 30.0)])
        cls._deliver(order_o2, 5, "2026-10-08")
        cls._invoice_qty(cls, order_o2, "2026-10-09", {cls.product_delivery: 2})
        order_o3 = cls._sell(cls, "2026-10-10", [(cls.product, 10, 100.0)])
        invoice_o3 = cls._invoice_qty(cls, order_o3, "2026-10-10")
        cls._deliver(order_o3, 4, "2026-10-12")
        cls._pay(invoice_o3, "2026-10-20")
        cls.valuation, cls.valued = cls._valued_product()
        order_o4 = cls._sell(cls, "2026-10-14", [(cls.valued, 5, 40.0)])
        cls._deliver(order_o4, 5, "2026-10-15")
        cls._invoice_qty(cls, order_o4, "2026-10-16")
        cls.deferred_rule = cls._rule("deferred")
        cls.allowance_rule = cls._rule("allowance")
        cls._stage(cls, cls.period_oct, "closed")

    @classmethod
    def _valued_product(cls):
        """A product valued in real time at a standard 12.00, 20 counted in
        on Oct 1."""
        Account = cls.env["account.account"]
        valuation = Account.create(
            {
                "name": "Stock Valuation",
                "code": "STV200",
                "account_type": "asset_current",
            }
        )
        interim = Account.create(
            {"name": "Stock Interim", "code": "STI200", "account_type": "asset_current"}
        )
        category = (
            cls.env["product.category"]
            .with_company(cls.company)
            .create(
                {
                    "name": "Tie-out Real Time",
                    "property_cost_method": "standard",
                    "property_valuation": "real_time",
                    "property_stock_valuation_account_id": valuation.id,
                    "property_stock_account_input_categ_id": interim.id,
                    "property_stock_account_output_categ_id": interim.id,
                }
            )
        )
        product = cls._closing_product(
            "Valued Part", categ_id=category.id, standard_price=12.0
        )
        with freeze_time("2026-10-01 09:00:00"):
            cls.env["stock.quant"].with_context(inventory_mode=True).create(
                {
                    "product_id": product.id,
                    "location_id": cls.stock_location.id,
                    "inventory_quantity": 20,
                }
            ).action_apply_inventory()
        return valuation, product

    def _tie_out(self):
        payload = json.loads(self.period_oct.snapshot_id._get_payload_bytes())
        return {
            (row["ledger"], row["rule"]): (
                row["sub_ledger"],
                row["general_ledger"],
                row["difference"],
                row["ties"],
            )
            for row in payload["tie_out"]
        }

    def test_every_tie_out_line_worked_by_hand(self):
        tie = self._tie_out()
        self.assertEqual(
            tie,
            {
                # 120.00 + 180.00 + 60.00 + 200.00 open; O3 paid
                ("receivables", None): ("560.00", "560.00", "0.00", True),
                # this close's 90.00; the ledger: Sep 30 +180.00, its
                # reversal Oct 1 -180.00, Oct 31 +90.00
                ("accrued", "Accrued rule"): ("90.00", "90.00", "0.00", True),
                # 600.00 invoiced ahead of delivery, a credit
                ("deferred", "Deferred rule"): ("-600.00", "-600.00", "0.00", True),
                # 24.00 + 22.00 required, credited on Oct 31
                ("allowance", "Allowance rule"): ("-46.00", "-46.00", "0.00", True),
                # 15 x 12.00 left: 240.00 counted in - 60.00 delivered
                ("stock_valuation", None): ("180.00", "180.00", "0.00", True),
            },
        )

    def test_manual_entry_on_the_accrued_account_is_a_named_difference(self):
        self._stage(self.period_oct, "open")
        with freeze_time("2026-12-15 10:00:00"):
            entry = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "date": "2026-10-15",
                    "journal_id": self.journal.id,
                    "ref": "Accrual booked by hand",
                    "line_ids": [
                        Command.create(
                            {"account_id": self.accrued_account.id, "debit": 25.0}
                        ),
                        Command.create({"account_id": self.income.id, "credit": 25.0}),
                    ],
                }
            )
            entry.action_post()
        self._stage(self.period_oct, "closed")
        self.assertEqual(self.period_oct.snapshot_id.version, 2)
        tie = self._tie_out()
        # the ledger: Sep 30 +180.00, Oct 1 -180.00, Oct 15 +25.00 by hand,
        # version 1's Oct 31 +90.00 and its cancellation at Oct 31 -90.00,
        # version 2's Oct 31 +90.00: 115.00 against the close's 90.00
        self.assertEqual(
            tie["accrued", "Accrued rule"], ("90.00", "115.00", "25.00", False)
        )
        # the other lines are untouched by the hand-made entry
        self.assertEqual(tie["receivables", None], ("560.00", "560.00", "0.00", True))
        self.assertEqual(
            tie["allowance", "Allowance rule"], ("-46.00", "-46.00", "0.00", True)
        )
