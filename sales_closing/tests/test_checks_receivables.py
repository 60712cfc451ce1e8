# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Tests of the checks on receivables (sale_closing_check_receivables.py)."""

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount, format_date

from .common_checks import ChecksCommon


@tagged("post_install", "-at_install")
class TestChecksReceivables(ChecksCommon):
    """The checks on receivables and payments of October."""

    # --- helpers ------------------------------------------------------------
    def _customer_payment(self, day, amount, partner=None):
        with freeze_time(f"{day} 11:00:00"):
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": (partner or self.partner_a).id,
                    "amount": amount,
                    "date": day,
                    "journal_id": self.bank_journal.id,
                }
            )
            payment.action_post()
        return payment

    def _receivable_lines(self, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    # --- 7. receivables -----------------------------------------------------
    def _unpaid_invoice(self, day="2026-10-05", qty=10):
        order = self._sell_product(day, qty=qty)
        invoice = self._invoice_qty(order, day)
        self.assertEqual(invoice.invoice_date_due, fields.Date.to_date(day))
        return invoice

    def test_receivable_aging_overdue_invoice(self):
        invoice = self._unpaid_invoice()
        self.assertEqual(invoice.amount_total, 1000.0)
        results = self._results("receivable_aging")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"receivable_aging:{self.partner_a.id}:1-30",
                    "severity": "info",
                    "partner_id": self.partner_a.id,
                    "aging_bucket": "1-30",
                    "amount": 1000.0,
                }
            ],
        )
        self.assertIn("1-30 days overdue", results.name)

    def test_receivable_aging_not_due_yet(self):
        order = self._sell_product("2026-10-20")
        invoice = self._invoice_qty(order, "2026-10-20", post=False)
        invoice.invoice_payment_term_id = self.env.ref(
            "account.account_payment_term_30days"
        )
        with freeze_time("2026-10-20 14:00:00"):
            invoice.action_post()
        self.assertEqual(invoice.invoice_date_due, fields.Date.to_date("2026-11-19"))
        self.assertRecordValues(
            self._results("receivable_aging"),
            [{"aging_bucket": "not_due", "amount": 1000.0}],
        )

    def test_receivable_aging_payment_after_period_end_does_not_count(self):
        invoice = self._unpaid_invoice()
        self._pay(invoice, "2026-11-05")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertRecordValues(
            self._results("receivable_aging"),
            [{"aging_bucket": "1-30", "amount": 1000.0}],
        )

    def test_receivable_aging_partial_payment_in_period_reduces(self):
        invoice = self._unpaid_invoice()
        self._pay(invoice, "2026-10-20", amount=400.0)
        self.assertRecordValues(
            self._results("receivable_aging"),
            [{"aging_bucket": "1-30", "amount": 600.0}],
        )

    def test_receivable_aging_paid_in_period_is_not_a_problem(self):
        invoice = self._unpaid_invoice()
        self._pay(invoice, "2026-10-20")
        self.assertFalse(self._results("receivable_aging"))

    def _set_buckets(self, starts):
        """Give the company aging buckets starting at ``starts`` days."""
        self.env.company.sale_closing_aging_bucket_ids = [Command.clear()] + [
            Command.create({"days_from": days}) for days in starts
        ]

    def test_receivable_aging_custom_buckets(self):
        self._unpaid_invoice()
        self._set_buckets([0, 1, 11, 21])
        # due October 5: 26 days overdue on October 31, past the last limit
        results = self._results("receivable_aging")
        self.assertRecordValues(results, [{"aging_bucket": "20+", "amount": 1000.0}])
        self.assertIn("20+ days overdue", results.name)

    def test_receivable_aging_custom_buckets_middle(self):
        self._unpaid_invoice(day="2026-10-15")
        self._set_buckets([0, 1, 11, 21])
        # due October 15: 16 days overdue on October 31
        self.assertEqual(self._results("receivable_aging").aging_bucket, "11-20")

    def test_receivable_aging_two_buckets_on_one_day_refused(self):
        before = self.env.company.sale_closing_aging_bucket_ids.mapped("days_from")
        with self.assertRaises(ValidationError) as caught:
            self._set_buckets([0, 1, 31, 31])
        self.assertRegex(str(caught.exception), "later than the one before")
        self.env.invalidate_all()
        self.assertEqual(
            self.env.company.sale_closing_aging_bucket_ids.mapped("days_from"), before
        )

    def test_receivable_aging_negative_days_refused(self):
        bucket = self.env.company.sale_closing_aging_bucket_ids[-1]
        with self.assertRaisesRegex(ValidationError, "0 or more"):
            bucket.days_from = -5

    # --- unmatched payments -------------------------------------------------
    def test_unmatched_payment_in_period(self):
        payment = self._customer_payment("2026-10-10", 300.0)
        line = self._receivable_lines(payment.move_id)
        results = self._results("unmatched_payment")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"unmatched_payment:{line.id}",
                    "move_line_id": line.id,
                    "partner_id": self.partner_a.id,
                    "amount": -300.0,
                }
            ],
        )
        self.assertIn("$\xa0300.00 not matched with an invoice", results.name)

    def test_unmatched_payment_matched_in_period_is_not_a_problem(self):
        invoice = self._unpaid_invoice()
        payment = self._customer_payment("2026-10-20", 1000.0)
        with freeze_time("2026-10-20 16:00:00"):
            self._receivable_lines(payment.move_id | invoice).reconcile()
        self.assertEqual(invoice.payment_state, "paid")
        results = self._run()
        self.assertFalse(
            results.filtered(lambda r: r.check_code == "unmatched_payment")
        )
        self.assertFalse(results.filtered(lambda r: r.check_code == "receivable_aging"))

    def test_unmatched_payment_matched_with_later_invoice_still_open(self):
        payment = self._customer_payment("2026-10-20", 1000.0)
        invoice = self._unpaid_invoice(day="2026-11-03")
        with freeze_time("2026-11-03 16:00:00"):
            self._receivable_lines(payment.move_id | invoice).reconcile()
        self.assertEqual(self._results("unmatched_payment").amount, -1000.0)

    def test_unmatched_payment_rest_of_a_larger_payment(self):
        invoice = self._unpaid_invoice()
        payment = self._customer_payment("2026-10-20", 1500.0)
        with freeze_time("2026-10-20 16:00:00"):
            self._receivable_lines(payment.move_id | invoice).reconcile()
        self.assertRecordValues(
            self._results("unmatched_payment"),
            [
                {
                    "move_line_id": self._receivable_lines(payment.move_id).id,
                    "amount": -500.0,
                }
            ],
        )

    def test_min_amount_filters_small_results(self):
        self._customer_payment("2026-10-10", 300.0)
        big = self._customer_payment("2026-10-11", 800.0)
        self._check("unmatched_payment").min_amount = 500.0
        self.assertRecordValues(
            self._results("unmatched_payment"),
            [
                {
                    "move_line_id": self._receivable_lines(big.move_id).id,
                    "amount": -800.0,
                }
            ],
        )

    def test_min_amount_keeps_result_equal_to_it(self):
        self._customer_payment("2026-10-10", 300.0)
        self._check("unmatched_payment").min_amount = 300.0
        self.assertEqual(self._results("unmatched_payment").amount, -300.0)

    # --- credit limit -------------------------------------------------------
    def _set_credit_limit(self, limit):
        self.company.account_use_credit_limit = True
        self.partner_a.with_company(self.company).credit_limit = limit

    def test_credit_limit_exceeded(self):
        self._set_credit_limit(500.0)
        self._unpaid_invoice()
        results = self._results("credit_limit")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"credit_limit:{self.partner_a.id}",
                    "partner_id": self.partner_a.id,
                    "amount": 500.0,
                }
            ],
        )
        self.assertIn("owes $\xa01,000.00", results.name)
        self.assertIn("credit limit of $\xa0500.00", results.name)

    def test_credit_limit_setting_off_is_not_a_problem(self):
        self._set_credit_limit(500.0)
        self.company.account_use_credit_limit = False
        self._unpaid_invoice()
        self.assertFalse(self._results("credit_limit"))

    def test_credit_limit_under_limit_is_not_a_problem(self):
        self._set_credit_limit(1000.0)
        self._unpaid_invoice()
        self.assertFalse(self._results("credit_limit"))

    def test_credit_limit_payment_after_period_end_does_not_count(self):
        self._set_credit_limit(500.0)
        invoice = self._unpaid_invoice()
        self._pay(invoice, "2026-11-05")
        self.assertEqual(self._results("credit_limit").amount, 500.0)

    # --- the reader's language ------------------------------------------------
    def _aging_sentence(self, lang):
        """The aging sentence of the 1000.00 invoice due Oct 5, as written
        in ``lang`` (its amount and date formatted that language's way)."""
        env = self.env(context={"lang": lang})
        amount = format_amount(env, 1000.0, self.company.currency_id)
        date = format_date(env, fields.Date.to_date("2026-10-31"))
        partner = self.partner_a.display_name
        if lang == "zh_CN":
            return f"{partner}：截至 {date} 应收 {amount}，逾期 1-30 天。"
        return f"{partner}: {amount} receivable at {date}, 1-30 days overdue."

    def test_problem_sentence_in_the_readers_language(self):
        """Checks run by an English user read in Chinese by a Chinese closing
        manager, with Chinese dates; the stored sentence stays as written."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.closing_manager.lang = "zh_CN"
        self._unpaid_invoice()
        self.env.user.lang = "en_US"
        with freeze_time("2026-11-02 08:00:00"):
            self.period_oct.with_context(lang="en_US")._run_checks()
        english, chinese = self._aging_sentence("en_US"), self._aging_sentence("zh_CN")
        self.assertNotIn("10/31/2026", chinese)  # a date of its own language
        result = self.period_oct.sudo().result_ids.filtered(
            lambda r: r.check_code == "receivable_aging"
        )
        self.assertEqual(result.name, english)
        read = result.with_user(self.closing_manager).with_context(lang="zh_CN")
        self.assertEqual(read.problem_text, chinese)
        self.assertEqual(read.display_name, chinese)
        self.assertEqual(result.with_context(lang="en_US").problem_text, english)

    def test_problem_sentence_written_in_chinese_read_in_english(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.closing_manager.lang = "zh_CN"
        self._unpaid_invoice()
        manager = self.closing_manager
        with freeze_time("2026-11-02 08:00:00"):
            self.period_oct.with_user(manager).with_context(lang="zh_CN")._run_checks()
        result = self.period_oct.sudo().result_ids.filtered(
            lambda r: r.check_code == "receivable_aging"
        )
        self.assertEqual(result.name, self._aging_sentence("zh_CN"))
        self.assertEqual(
            result.with_context(lang="en_US").problem_text,
            self._aging_sentence("en_US"),
        )

    def test_problem_stored_without_message_shows_as_written(self):
        """A result stored before sentences kept their message (or written
        as plain text) shows its stored sentence in every language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self._unpaid_invoice()
        result = self._results("receivable_aging")
        self.assertTrue(result.message)
        result.sudo().message = False
        self.assertEqual(
            result.with_context(lang="zh_CN").problem_text,
            self._aging_sentence("en_US"),
        )
