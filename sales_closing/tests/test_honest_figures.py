# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every figure a screen shows means what it says: problems counted by
severity, totals only where they add up (one check, one unit, one period),
no amount where a check has none, no blank header, one chatter line per
stage change."""

from freezegun import freeze_time
from lxml import etree, html

from odoo.tests import tagged

from .common_checks import ChecksCommon


@tagged("post_install", "-at_install")
class TestHonestFigures(ChecksCommon):
    closing_users = False  # its tests use none of them

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the month's own problems only: the numbering and anomaly checks
        # (tested on their own) would add an info line on a month without
        # history and a below-cost line for the test product
        cls.checks.filtered(
            lambda c: c.code in ("invoice_numbering", "sales_anomaly")
        ).enabled = False
        # 10 x 30 delivered Oct 5 from an empty stock (-10 at the end: a
        # warning, no amount), 4 invoiced Oct 6 (posted, 120.00, due at
        # once): 6 x 30 = 180.00 delivered and not invoiced (a warning); the
        # 120.00 is 25 days overdue at Oct 31 (an info line)
        cls.delivered = cls._sell(cls, "2026-10-02", [(cls.product_delivery, 10, 30.0)])
        cls._deliver(cls.delivered, 10, "2026-10-05")
        cls._invoice_qty(cls, cls.delivered, "2026-10-06", {cls.product_delivery: 4})
        # 2 x 100 invoiced on order, a draft invoice of 200.00 dated Oct 20
        # (blocking), its delivery never done (a warning with no amount)
        cls.drafted = cls._sell(cls, "2026-10-03", [(cls.product, 2, 100.0)])
        cls.draft = cls._invoice_qty(cls, cls.drafted, "2026-10-20", post=False)

    def _rows(self, results):
        return sorted(
            (r.check_code, r.severity, r.amount, r.has_amount) for r in results
        )

    def test_problem_counts_split_by_severity(self):
        results = self._run()
        self.assertEqual(
            self._rows(results),
            [
                ("delivered_not_invoiced", "warning", 180.0, True),
                ("draft_invoice", "blocking", 200.0, True),
                ("late_delivery", "warning", 0.0, False),
                ("negative_stock", "warning", 0.0, False),
                ("receivable_aging", "info", 120.0, True),
            ],
        )
        period = self.period_oct
        # "Problems" used to count all five
        self.assertRecordValues(
            period,
            [
                {
                    "blocking_count": 1,
                    "warning_count": 3,
                    "info_count": 1,
                    "waived_count": 0,
                    "result_count": 5,
                }
            ],
        )
        results.filtered(lambda r: r.severity == "blocking")._waive("Posted Nov 2")
        period.invalidate_recordset()
        self.assertRecordValues(
            period,
            [
                {
                    "blocking_count": 0,
                    "warning_count": 3,
                    "info_count": 1,
                    "waived_count": 1,
                }
            ],
        )
        # the smart buttons open one kind each
        action = period.with_context(sale_closing_results="warning")
        action = action.action_view_results()
        self.assertEqual(action["context"].get("search_default_warning"), 1)

    def test_summary_totals_per_check_and_no_meaningless_zero(self):
        self._run()
        table = html.fromstring(str(self.period_oct.check_summary))
        headers = [th.text_content().strip() for th in table.iter("th")]
        self.assertEqual(
            headers, ["Check", "Severity", "Status", "Problems", "Amount (USD)"]
        )
        rows = {
            cells[0]: cells
            for cells in (
                [td.text_content() for td in tr.iter("td")]
                for tr in table.iter("tr")
                if tr.find("td") is not None
            )
        }
        # one amount per check, in company currency; none where the check
        # has none (a delivery not done, a negative stock)
        self.assertEqual(rows["Draft invoices in the period"][4], "$\xa0200.00")
        self.assertEqual(rows["Delivered, not invoiced"][4], "$\xa0180.00")
        self.assertEqual(rows["Receivables by aging bucket"][4], "$\xa0120.00")
        self.assertEqual(rows["Deliveries not done"][4], "")
        self.assertEqual(rows["Negative stock at the period end"][4], "")
        self.assertEqual(rows["Deliveries not done"][2], "To review")
        self.assertEqual(rows["Draft invoices in the period"][2], "To resolve or waive")

    def test_amount_totals_only_within_one_check(self):
        self._run()
        Result = self.env["sale.closing.check.result"]
        domain = [("period_id", "=", self.period_oct.id)]
        by_severity = {
            group["severity"]: group["amount"]
            for group in Result.read_group(domain, ["amount:sum"], ["severity"])
        }
        # warnings: 180.00 of accruals next to deliveries and stock with no
        # amount are three checks: no total; blocking and info are one each
        self.assertEqual(
            by_severity, {"blocking": 200.0, "warning": False, "info": 120.0}
        )
        by_check = {
            group["check_code"]: group["amount"]
            for group in Result.read_group(domain, ["amount:sum"], ["check_code"])
        }
        self.assertEqual(by_check["delivered_not_invoiced"], 180.0)
        self.assertEqual(by_check["receivable_aging"], 120.0)
        # the checks that give no amount: a blank, not 0.00
        self.assertIs(by_check["late_delivery"], False)
        self.assertIs(by_check["negative_stock"], False)
        # no grand total adding receivables to accruals
        total = Result.read_group(domain, ["amount:sum"], [])
        self.assertEqual(total[0]["amount"], False)

    def test_sales_anomaly_amounts_are_never_totalled(self):
        """A sales anomaly's amount is how far a figure moved (the same sale
        moves its customer, category and salesperson): 500.00 up and 935.00
        down do not make "-435.00" of anything."""
        self._run()
        Result = self.env["sale.closing.check.result"]
        # results are written by the checks only (no one creates them by hand)
        Result.sudo().create(
            [
                {
                    "period_id": self.period_oct.id,
                    "check_code": "sales_anomaly",
                    "severity": severity,
                    "key": f"sales_anomaly:test:{amount}",
                    "name": f"Moved by {amount}",
                    "amount": amount,
                    "has_amount": True,
                }
                for severity, amount in (("warning", 500.0), ("info", -935.0))
            ]
        )
        domain = [("period_id", "=", self.period_oct.id)]
        by_check = {
            group["check_code"]: group["amount"]
            for group in Result.read_group(domain, ["amount:sum"], ["check_code"])
        }
        self.assertIs(by_check["sales_anomaly"], False)
        self.assertEqual(by_check["draft_invoice"], 200.0)
        by_severity = Result.read_group(
            domain + [("check_code", "=", "sales_anomaly")],
            ["amount:sum"],
            ["severity"],
        )
        self.assertEqual([group["amount"] for group in by_severity], [False, False])
        self.period_oct.invalidate_recordset()
        table = html.fromstring(str(self.period_oct.check_summary))
        amounts = [
            [td.text_content() for td in tr.iter("td")][4]
            for tr in table.iter("tr")
            if tr.find("td") is not None
            and tr.find("td").text_content().startswith("Sales anomalies")
        ]
        self.assertEqual(amounts, ["", ""])

    def test_no_double_space_in_problems(self):
        results = self._run()
        draft = results.filtered(lambda r: r.check_code == "draft_invoice")
        # Odoo names a draft without a number "Draft Invoice " (a space
        # after): it was "Draft Invoice  of partner_a"
        self.assertTrue(draft.name.startswith("Draft Invoice of partner_a, dated"))
        for name in results.mapped("name"):
            self.assertNotIn("  ", name)
        # the no-break space between currency and amount stays
        self.assertIn("($\xa0200.00 untaxed)", draft.name)


@tagged("post_install", "-at_install")
class TestHonestReconciliation(ChecksCommon):
    closing_users = False  # its tests use none of them

    def test_quantities_add_up_within_one_unit_and_one_period(self):
        # 10 units and 2 dozen of one product, both delivered in October
        units = self._sell("2026-10-02", [(self.product, 10, 100.0)])
        dozens = self._sell(
            "2026-10-02",
            [(self.product, 2, 1200.0, {"product_uom": self.uom_dozen.id})],
        )
        self._deliver(units, 10, "2026-10-05")
        self._deliver(dozens, 24, "2026-10-05")
        self._run()
        # both stay open in November (nothing invoiced): one line per period
        self._run(self.period_nov)
        Line = self.env["sale.closing.line"]
        oct_domain = [("period_id", "=", self.period_oct.id)]
        by_partner = Line.read_group(
            oct_domain,
            ["qty_delivered:sum", "amount_delivered_company:sum"],
            ["partner_id"],
        )
        # 10 units + 2 dozen is not 12 of anything; the amounts are all in
        # dollars of one period: 10 x 100 + 2 x 1200 = 3,400.00
        self.assertEqual(by_partner[0]["qty_delivered"], False)
        self.assertEqual(by_partner[0]["amount_delivered_company"], 3400.0)
        by_unit = {
            group["product_uom_id"][1]: group["qty_delivered"]
            for group in Line.read_group(
                oct_domain, ["qty_delivered:sum"], ["product_uom_id"]
            )
        }
        self.assertEqual(by_unit, {"Units": 10.0, "Dozens": 2.0})
        # the same lines in October and November: no total across periods
        both = [("period_id", "in", (self.period_oct + self.period_nov).ids)]
        across = Line.read_group(both, ["amount_delivered_company:sum"], ["partner_id"])
        self.assertEqual(across[0]["amount_delivered_company"], False)
        per_period = Line.read_group(
            both, ["amount_delivered_company:sum"], ["period_id"]
        )
        self.assertEqual(
            [g["amount_delivered_company"] for g in per_period], [3400.0, 3400.0]
        )

    def test_reconciliation_opens_per_period_or_grouped_by_period(self):
        menu_action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_line_action"
        )
        self.assertIn("'search_default_group_period': 1", menu_action["context"])
        action = self.period_oct.action_view_lines()
        self.assertEqual(action["domain"], [("period_id", "=", self.period_oct.id)])
        self.assertEqual(action["context"], {})
        self.assertIn("2026-10", action["display_name"])
        arch = etree.fromstring(
            self.env["sale.closing.line"].get_view(view_type="list")["arch"]
        )
        period_column = arch.find("field[@name='period_id']")
        self.assertIsNone(period_column.get("optional"))
        self.assertIsNone(period_column.get("column_invisible"))
        # no footer total over the loaded lines, whatever their unit or period
        self.assertFalse(arch.xpath("//field[@sum]"))


@tagged("post_install", "-at_install")
class TestOneChatterLinePerStage(ChecksCommon):
    closing_users = False  # its tests use none of them

    def test_one_line_per_stage_change(self):
        period = self.period_oct
        before = period.message_ids
        with freeze_time("2026-11-02 09:00:00"):
            period.action_advance("open", "sales_locked")
        self.env.flush_all()
        self.env.cr.precommit.run()
        new = period.message_ids - before
        self.assertEqual(len(new), 1)
        self.assertIn("Advanced from Open to Sales Locked", new.body)
        self.assertFalse(new.tracking_value_ids)
