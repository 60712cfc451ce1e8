# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sales summary, aging, stock movement and tie-out of the close pack,
checked to the cent against the month worked out in ``common_pack``."""

import hashlib
import io
import json

from odoo.tests import tagged

from ..lib import canonical
from .common_pack import PackCommon


@tagged("post_install", "-at_install")
class TestPackSummary(PackCommon):
    closing_users = False  # its tests use none of them

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stage(cls, cls.period_oct, "closed")
        cls.payload = json.loads(cls.period_oct.snapshot_id._get_payload_bytes())
        cls.summary = cls.payload["summary"]

    def test_streamed_payload_is_the_whole_payload_byte_for_byte(self):
        # the close streams the lines and the checks into the JSON; the same
        # payload built as one dict and dumped gives the very same bytes
        period, snapshot = self.period_oct, self.period_oct.snapshot_id
        args = (snapshot.version, snapshot.closed_by_id, snapshot.closed_at)
        whole = canonical.dumps(period._get_pack_payload(*args))
        writer = canonical.HashingWriter(io.BytesIO())
        count = period._write_pack_payload(writer, *args)
        self.assertEqual(writer.out.getvalue(), whole)
        self.assertEqual(writer.fingerprint(), hashlib.sha256(whole).hexdigest())
        self.assertEqual(count, snapshot.line_count)
        # a month with something in each streamed section, names not ASCII
        self.assertEqual(count, 2)
        self.assertGreater(len(self.payload["checks"]), 1)
        self.assertFalse(whole.isascii())
        # what the close stored is those bytes, and it still verifies
        self.assertEqual(snapshot._get_payload_bytes(), whole)
        self.assertTrue(snapshot._verify()[0])

    def _rows(self, dimension, *fields):
        return {
            row["name"]: tuple(row[field] for field in fields)
            for row in self.summary[f"by_{dimension}"]
        }

    def test_totals_worked_by_hand(self):
        totals = self.summary["totals"]
        self.assertEqual(
            {
                k: totals[k]
                for k in (
                    "invoiced",
                    "refunded",
                    "accrued",
                    "accrual_reversed",
                    "deferred",
                    "deferral_reversed",
                )
            },
            {
                "invoiced": "1200.00",  # 900.00 + 600.00 EUR at 2.0
                "refunded": "-180.00",  # 2 x 90.00
                "accrued": "160.00",  # 2 x 200.00 EUR at 2.5
                "accrual_reversed": "0.00",
                "deferred": "0.00",
                "deferral_reversed": "0.00",
            },
        )
        self.assertEqual(
            (
                totals["revenue"],
                totals["cogs"],
                totals["cogs_returned"],
                totals["cogs_net"],
                totals["margin"],
                totals["margin_percent"],
            ),
            # 400.00 + 300.00, 2 x 40.00 back; 1,180.00 - 620.00; 560 / 1,180
            ("1180.00", "700.00", "-80.00", "620.00", "560.00", "47.46"),
        )
        self.assertEqual(
            self.summary["returns"],
            {"credit_notes": "-180.00", "cost_returned": "-80.00"},
        )
        # 10 x 100.00 x 10 % on the invoice, 2 x 100.00 x 10 % back
        self.assertEqual(self.summary["discounts"], "80.00")

    def test_by_customer_category_product_salesperson_team(self):
        fields = ("revenue", "cogs_net", "margin", "margin_percent")
        # A: 900 - 180 = 720, cost 400 - 80 = 320; B: 300 + 160 = 460, cost 300
        by_customer = {
            "Customer A": ("720.00", "320.00", "400.00", "55.56"),
            "Customer B": ("460.00", "300.00", "160.00", "34.78"),
        }
        self.assertEqual(self._rows("partner", *fields), by_customer)
        self.assertEqual(
            self._rows("categ", *fields),
            {
                "Pack Average": by_customer["Customer B"],
                "Pack Standard": by_customer["Customer A"],
            },
        )
        self.assertEqual(
            self._rows("product", *fields),
            {
                "Avco Gear": by_customer["Customer B"],
                "Std Widget": by_customer["Customer A"],
            },
        )
        self.assertEqual(
            self._rows("user", *fields),
            {"Ella": by_customer["Customer A"], "Wes": by_customer["Customer B"]},
        )
        self.assertEqual(
            self._rows("team", "invoiced", "refunded", "accrued", "revenue"),
            {
                "Team East": ("900.00", "-180.00", "0.00", "720.00"),
                "Team West": ("300.00", "0.00", "160.00", "460.00"),
            },
        )

    def test_actual_against_target(self):
        self.assertEqual(
            [
                (
                    t["name"],
                    t["target"],
                    t["actual"],
                    t["variance"],
                    t["achieved_percent"],
                )
                for t in self.summary["targets"]
            ],
            [
                ("Team East", "1000.00", "720.00", "-280.00", "72.00"),
                ("Team West", "500.00", "460.00", "-40.00", "92.00"),
            ],
        )

    def test_previous_period_and_year(self):
        comparison = self.summary["comparison"]
        previous = comparison["previous_period"]
        self.assertEqual(
            (
                previous["label"],
                previous["revenue"],
                previous["cogs_net"],
                previous["margin"],
                previous["margin_percent"],
            ),
            ("2026-09", "400.00", "160.00", "240.00", "60.00"),
        )
        # 1,180 - 400 = 780 (195 %); margin 560 - 240 = 320 (133.33 %)
        self.assertEqual(
            (
                previous["revenue_change"],
                previous["revenue_change_percent"],
                previous["margin_change"],
                previous["margin_change_percent"],
            ),
            ("780.00", "195.00", "320.00", "133.33"),
        )
        year = comparison["previous_year"]
        self.assertEqual(
            (
                year["date_start"],
                year["date_end"],
                year["revenue"],
                year["cogs_net"],
                year["revenue_change"],
                year["revenue_change_percent"],
            ),
            ("2025-10-01", "2025-10-31", "100.00", "40.00", "1080.00", "1080.00"),
        )

    def test_stock_movement_of_the_products_sold(self):
        stock = {row["product"]: row for row in self.payload["stock"]}
        self.assertEqual(sorted(stock), ["Avco Gear", "Std Widget"])
        fields = [
            f"{c}_{k}"
            for c in ("opening", "delivered", "returned", "other", "closing")
            for k in ("qty", "value")
        ]
        # 50 received, 1 (Oct 2025) and 4 (Sep) delivered before October
        self.assertEqual(
            [stock["Std Widget"][f] for f in fields],
            [
                "45.00",
                "1800.00",
                "-10.00",
                "-400.00",
                "2.00",
                "80.00",
                "0.00",
                "0.00",
                "37.00",
                "1480.00",
            ],
        )
        self.assertEqual(
            [stock["Avco Gear"][f] for f in fields],
            [
                "20.00",
                "1200.00",
                "-5.00",
                "-300.00",
                "0.00",
                "0.00",
                "0.00",
                "0.00",
                "15.00",
                "900.00",
            ],
        )

    def test_aging_and_tie_out(self):
        aging = self.payload["aging"]
        # open at Oct 31: A 900 - 180 + 400 (Sep) + 100 (2025) = 1,220; B 300
        self.assertEqual(
            {row["partner"]: row["total"] for row in aging["rows"]},
            {"Customer A": "1220.00", "Customer B": "300.00"},
        )
        self.assertEqual(aging["total"], "1520.00")
        self.assertEqual(aging["totals"]["90+"], "100.00")
        tie = {row["ledger"]: row for row in self.payload["tie_out"]}
        self.assertEqual(
            (
                tie["receivables"]["sub_ledger"],
                tie["receivables"]["general_ledger"],
                tie["receivables"]["difference"],
                tie["receivables"]["ties"],
            ),
            ("1520.00", "1520.00", "0.00", True),
        )
        self.assertEqual(
            (
                tie["accrued"]["sub_ledger"],
                tie["accrued"]["general_ledger"],
                tie["accrued"]["ties"],
            ),
            ("160.00", "160.00", True),
        )

    def test_tie_out_names_a_difference(self):
        # a manual entry on the accrued revenue account in October
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-10-15",
                "journal_id": self.journal.id,
                "line_ids": [
                    (0, 0, {"account_id": self.accrued_account.id, "debit": 25.0}),
                    (0, 0, {"account_id": self.income.id, "credit": 25.0}),
                ],
            }
        )
        self.company.fiscalyear_lock_date = False
        self.company.sale_lock_date = False
        move.action_post()
        period = self.period_oct
        row = next(r for r in period._get_pack_tie_out([]) if r["ledger"] == "accrued")
        self.assertEqual(
            (row["sub_ledger"], row["general_ledger"], row["difference"], row["ties"]),
            ("160.00", "185.00", "25.00", False),
        )
        self.assertEqual(row["accounts"], [self.accrued_account.display_name])
