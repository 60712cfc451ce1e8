# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sales anomaly check on October 2026 against April to September: the
month and its history are described in ``common_anomaly.py``."""

import math

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common_anomaly import AnomalyCommon


@tagged("post_install", "-at_install")
class TestSalesAnomaly(AnomalyCommon):
    """October and its history, built once for the class: the tests only
    add to them (rolled back after each)."""

    closing_users = False  # its tests use none of them

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._history()
        cls.below_cost = cls._october()  # the Azure line sold below cost

    def test_exactly_the_four_anomalies_are_flagged(self):
        below_cost = self.below_cost
        results = self._anomalies()
        self.assertEqual(
            sorted(results.mapped("key")),
            sorted(
                [
                    f"sales_anomaly:customer:{self.deco.id}",
                    f"sales_anomaly:category:{self.desks.id}",
                    f"sales_anomaly:salesperson:{self.marc.id}",
                    f"sales_anomaly:below_cost:{below_cost.id}",
                ]
            ),
        )
        self.assertEqual(set(results.mapped("severity")), {"warning"})

    def test_customer_ten_times_its_usual(self):
        deco = self._one(self._anomalies(), f"sales_anomaly:customer:{self.deco.id}")
        # sales 1,000 980 1,020 1,000 990 1,010: median 1,000; deviations
        # 0 20 20 0 10 10 -> MAD 10; October 10,000:
        # z = 0.6745 * 9,000 / 10 = 607.05
        # quantity 10 every month (MAD 0, mean deviation 0): any change is
        # infinitely unusual; at stake 90 units * 100.00 = 9,000
        self.assertEqual(deco.partner_id, self.deco)
        self.assertEqual(deco.score, 607.1)  # 607.05 stored to one decimal
        self.assertEqual(deco.amount, 9000.0)
        self.assertIn(
            "Deco Addict: sales $\xa010,000.00 against a median of $\xa01,000.00 "
            "over 6 months (difference $\xa09,000.00, robust z-score +607",
            deco.name,
        )
        self.assertIn(
            "quantity 100.00 against a median of 10.00 over 6 months (difference "
            "+90.00, robust z-score infinite, the history never varied).",
            deco.name,
        )

    def test_category_ninety_percent_down(self):
        desks = self._one(self._anomalies(), f"sales_anomaly:category:{self.desks.id}")
        # sales 5,000 5,100 4,900 5,000 5,050 4,950: median 5,000; deviations
        # 0 100 100 0 50 50 -> MAD 50; October 500 (-90 %):
        # z = 0.6745 * -4,500 / 50 = -60.705
        self.assertEqual(desks.product_category_id, self.desks)
        self.assertEqual(desks.score, -60.7)  # -60.705 stored to one decimal
        self.assertEqual(desks.amount, -4500.0)
        self.assertIn(
            "Product category Desks: sales $\xa0500.00 against a median of "
            "$\xa05,000.00 over 6 months (difference $\xa0-\ufeff4,500.00, robust "
            "z-score "
            "-60.7); quantity 1.00 against a median of 10.00 over 6 months "
            "(difference -9.00, robust z-score infinite, the history never varied).",
            desks.name,
        )

    def test_salesperson_discount_rate_five_to_forty_percent(self):
        marc = self._one(self._anomalies(), f"sales_anomaly:salesperson:{self.marc.id}")
        # Marc sells 80 84 80 82 82 78 lamps at 50.00 less 5 %: 47.50 each,
        # sales 3,800 3,990 3,800 3,895 3,895 3,705 -> median 3,847.50,
        # deviations 47.5 142.5 47.5 47.5 47.5 95 -> MAD 47.50.
        # October: 80 lamps less 40 %: 2,400.00;
        # z = 0.6745 * (2,400 - 3,847.50) / 47.50 = -20.55 (at stake 1,447.50)
        # his price was 47.50 and his discount 5 % every month: both changes
        # are infinitely unusual, at stake 17.50 * 80 = 0.35 * 4,000 = 1,400
        # the quantity (80 against a median of 81, MAD 1) is usual: z -0.67
        self.assertEqual(marc.salesperson_id, self.marc)
        self.assertEqual(marc.score, -20.6)  # -20.5546 stored to one decimal
        self.assertEqual(marc.amount, -1447.5)
        self.assertEqual(
            marc.name,
            "Salesperson Marc Demo: sales $\xa02,400.00 against a median of "
            "$\xa03,847.50 over 6 months (difference $\xa0-\ufeff1,447.50, robust "
            "z-score "
            "-20.6); average net unit price 30.00 against a median of 47.50 over 6 "
            "months (difference -17.50, robust z-score infinite, the history never "
            "varied); discount rate 40.0% against a median of 5.0% over 6 months "
            "(difference +35.0 pt, robust z-score infinite, the history never "
            "varied).",
        )

    def test_numbers_written_the_readers_way(self):
        """The rates, prices and scores of a problem are written as its
        reader writes numbers, as its amounts are: a German reader sees
        decimal commas; the stored name stays as the run wrote it."""
        self.env["res.lang"]._activate_lang("de_DE")
        marc = self._one(self._anomalies(), f"sales_anomaly:salesperson:{self.marc.id}")
        german = marc.with_context(lang="de_DE").problem_text
        for part in (
            "2.400,00",  # sales, an amount
            "-20,6)",  # robust z-score
            "price 30,00 against a median of 47,50",
            "(difference -17,50,",
            "discount rate 40,0% against a median of 5,0%",
            "(difference +35,0 pt,",
        ):
            self.assertIn(part, german)
        self.assertIn("discount rate 40.0% against a median of 5.0%", marc.name)
        self.assertEqual(marc.with_context(lang="en_US").problem_text, marc.name)

    def test_line_below_cost(self):
        line = self.below_cost
        result = self._one(self._anomalies(), f"sales_anomaly:below_cost:{line.id}")
        # 2 chairs at 35.00 against a standard price of 40.00: 10.00 below
        # cost; the chairs were never in stock (no valuation layer): the
        # standard price now, and the sentence says so
        self.assertRecordValues(
            result,
            [
                {
                    "move_line_id": line.id,
                    "invoice_id": line.move_id.id,
                    "partner_id": self.azure.id,
                    "product_id": self.chair.id,
                    "quantity": 2.0,
                    "amount": -10.0,
                }
            ],
        )
        self.assertIn(
            f"{line.move_id.name}, Chair: 2 Units sold to Azure Interior on "
            "10/15/2026 at $\xa035.00 net each, under its cost of $\xa040.00 (its "
            "standard price now: the stock valuation holds no cost of it up to "
            "10/15/2026, the invoice date): $\xa010.00 below cost.",
            result.name,
        )

    def test_usual_figures_are_not_flagged(self):
        """The near misses of the scenario, worked by hand."""
        results = self._anomalies()
        # Lamps: Marc's extra discount weighs on the category, but Lumber's
        # discounts always varied: rates 1.43 0.87 2.22 1.07 1.77 0.91 % ...
        # -> October 13.75 %, z 2.71: under 3.5
        # Gemini and Ready Mat (Marc's customers) changed as much as Marc,
        # but only 700.00 is at stake each: under 1,000.00
        for record in (self.lamps, self.chairs):
            self.assertNotIn(
                f"sales_anomaly:category:{record.id}", results.mapped("key")
            )
        for record in (self.gemini, self.ready, self.azure, self.lumber):
            self.assertNotIn(
                f"sales_anomaly:customer:{record.id}", results.mapped("key")
            )
        for record in (self.joel, self.anita):
            self.assertNotIn(
                f"sales_anomaly:salesperson:{record.id}", results.mapped("key")
            )

    def test_lower_minimum_amount_flags_marc_customers(self):
        self.company.sale_closing_anomaly_min_amount = 600.0
        keys = self._anomalies().mapped("key")
        # 0.35 * 2,000 = 700.00 at stake on Gemini's and Ready Mat's discount
        self.assertIn(f"sales_anomaly:customer:{self.gemini.id}", keys)
        self.assertIn(f"sales_anomaly:customer:{self.ready.id}", keys)

    def test_fewer_periods_compared(self):
        settings = Form(self.env["res.config.settings"].sudo())
        settings.sale_closing_anomaly_months = 3
        settings.save().execute()
        self.assertEqual(self.company.sale_closing_anomaly_months, 3)
        deco = self._one(self._anomalies(), f"sales_anomaly:customer:{self.deco.id}")
        # July to September: 1,000 990 1,010 -> median 1,000, MAD 10
        self.assertIn("against a median of $\xa01,000.00 over 3 months", deco.name)

    def test_rerun_keeps_the_waiver(self):
        deco = self._one(self._anomalies(), f"sales_anomaly:customer:{self.deco.id}")
        deco._waive("Deco Addict opened a new store")
        again = self._one(self._anomalies(), f"sales_anomaly:customer:{self.deco.id}")
        self.assertEqual(again, deco)
        self.assertTrue(again.waived)

    # --- new customers --------------------------------------------------------
    def test_new_customer_over_five_times_the_minimum(self):
        newcomer, small = self.env["res.partner"].create(
            [{"name": "Newcomer"}, {"name": "Small Newcomer"}]
        )
        self._post("2026-10-16", newcomer, self.joel, [(self.chair, 60, 100)])
        self._post("2026-10-16", small, self.joel, [(self.chair, 40, 100)])
        results = self._anomalies()
        # 6,000.00 > 5 * 1,000.00; 4,000.00 is not
        result = self._one(results, f"sales_anomaly:new_customer:{newcomer.id}")
        self.assertEqual(result.amount, 6000.0)
        self.assertEqual(
            result.name,
            "Newcomer is a new customer: first sales of $\xa06,000.00 in 2026-10, "
            "more than 5 times the minimum amount of $\xa01,000.00.",
        )
        self.assertNotIn(f"sales_anomaly:customer:{small.id}", results.mapped("key"))
        self.assertNotIn(
            f"sales_anomaly:new_customer:{small.id}", results.mapped("key")
        )
        # Chairs and Joel absorb the 10,000.00 more: Chairs 29,570.00 against
        # a median of 11,015.00 (MAD 4,240): z 2.95; Joel 30,070.00 against
        # 15,940.00 (MAD 4,290): z 2.22
        self.assertNotIn(
            f"sales_anomaly:category:{self.chairs.id}", results.mapped("key")
        )

    def test_customer_back_after_the_compared_periods_is_not_new(self):
        self.periods.filtered(lambda p: p.name == "2026-01")._set_stage("open")
        back = self.env["res.partner"].create({"name": "Back Again"})
        self._post("2026-01-15", back, self.joel, [(self.chair, 1, 100)])
        self.periods.filtered(lambda p: p.name == "2026-01")._set_stage("closed")
        self._post("2026-10-16", back, self.joel, [(self.chair, 60, 100)])
        results = self._anomalies()
        self.assertNotIn(f"sales_anomaly:new_customer:{back.id}", results.mapped("key"))
        result = self._one(results, f"sales_anomaly:customer:{back.id}")
        # nothing from April to September: a median of 0 that never varied
        self.assertIn(
            "Back Again: sales $\xa06,000.00 against a median of $\xa00.00 over 6 "
            "months (difference $\xa06,000.00, robust z-score infinite",
            result.name,
        )
        self.assertEqual(result.score, 9999.9)

    # --- settings -------------------------------------------------------------
    def test_settings_are_validated(self):
        for values, message in (
            ({"sale_closing_anomaly_months": 0}, "1 to 60 previous periods"),
            ({"sale_closing_anomaly_threshold": 0}, "must be positive"),
            ({"sale_closing_anomaly_min_amount": -1}, "cannot be negative"),
        ):
            with (
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                self.company.write(values)
            self.env.invalidate_all()

    # --- cost -----------------------------------------------------------------
    def test_query_count_does_not_grow_with_lines(self):
        check = self._check("sales_anomaly")
        period = self.period_oct

        def grow(count):
            """``count`` more chairs sold at 10.00 on invoices typed by hand
            and ``count`` at 30.00 on an order; chairs counted in once more
            (one more valuation layer: their cost stays 40.00)"""
            self._count_in(self.chair, 10 * count, "2026-10-01")
            for _index in range(count):
                self._post("2026-10-18", self.lumber, self.anita, [(self.chair, 1, 10)])
            order = self._sell("2026-10-16", [(self.chair, 1, 30.0)] * count)
            self._invoice_qty(order, "2026-10-17")

        def cost():
            data = period._get_check_data()
            self.env.flush_all()
            self.env.invalidate_all()
            check._get_results(period, data)  # warm caches (groups, lang)
            self.env.invalidate_all()
            return data

        grow(1)
        data = cost()
        with self.assertQueryCount(24):
            first = check._get_results(period, data)
        grow(10)
        data = cost()
        with self.assertQueryCount(24):
            second = check._get_results(period, data)
        # ten more chairs below cost on invoices, ten on an order's invoice
        self.assertEqual(len(second) - len(first), 20)
        below = [r for r in second if r["key"].startswith("sales_anomaly:below_cost:")]
        # 40.00 from the layers: 1 x (10.00 - 40.00), 1 x (30.00 - 40.00),
        # and October's 2 x (35.00 - 40.00)
        self.assertEqual(len(below), 11 + 11 + 1)
        self.assertEqual(sorted({r["amount"] for r in below}), [-30.0, -10.0])
        Result = self.env["sale.closing.check.result"]
        render = Result._get_message_renderer()
        self.assertTrue(
            all(
                "(from the stock valuation)"
                in Result._get_message_values(r["name"], render)["name"]
                for r in below
            )
        )
        self.assertTrue(math.isfinite(sum(r.get("amount", 0.0) for r in second)))


@tagged("post_install", "-at_install")
class TestSalesAnomalyWithoutHistory(AnomalyCommon):
    """Months with no history or too little of it."""

    closing_users = False  # its tests use none of them

    def test_month_without_history_flags_nothing_but_says_so(self):
        self._october(below_cost=False)
        results = self._anomalies()
        self.assertRecordValues(
            results, [{"key": "sales_anomaly:history", "severity": "info"}]
        )
        self.assertEqual(
            results.name,
            "2026-10 has no sales history: no previous period holds posted "
            "customer invoices, so nothing was compared.",
        )

    def test_two_months_of_history_are_not_enough(self):
        periods = self.periods.filtered(lambda p: p.name in ("2026-08", "2026-09"))
        periods._set_stage("open")
        for day in ("2026-08-10", "2026-09-10"):
            self._post(day, self.deco, self.joel, [(self.chair, 10, 100)])
        periods._set_stage("closed")
        self._post("2026-10-10", self.deco, self.joel, [(self.chair, 100, 100)])
        results = self._anomalies()
        self.assertEqual(results.mapped("key"), ["sales_anomaly:history"])
        self.assertIn("only 2 previous periods with sales", results.name)
