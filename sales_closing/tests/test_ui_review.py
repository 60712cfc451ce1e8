# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chromium tours of the review and the entries, as a Closing Manager who
has none of Odoo's accounting rights: bulk waive, a warning marked
reviewed, a period-end entry's lines, and the guided close in Chinese."""

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_checks import ChecksCommon
from .common_posting import PostingCommon


def period_url(period):
    return f"/odoo/action-sales_closing.sale_closing_period_action/{period.id}"


@tagged("post_install", "-at_install")
class TestUiReview(ChecksCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # three draft invoices in October (blocking) and their three
        # deliveries not done (warnings)
        for qty in (1, 2, 3):
            order = cls._sell(cls, "2026-10-03", [(cls.product, qty, 100.0)])
            cls._invoice_qty(cls, order, "2026-10-20", post=False)

    def test_bulk_waive_tour(self):
        results = self._run()
        blocking = results.filtered(lambda r: r.severity == "blocking")
        self.assertEqual(len(blocking), 3)
        self.start_tour(
            period_url(self.period_oct),
            "sales_closing_bulk_waive",
            login=self.closing_manager.login,
        )
        self.assertEqual(
            blocking.mapped("waive_reason"),
            ["Drafts of cancelled orders, deleted in November"] * 3,
        )
        self.assertEqual(blocking.waived_by_id, self.closing_manager)
        self.assertEqual(self.period_oct.blocking_count, 0)

    def test_review_warning_tour(self):
        warnings = self._run().filtered(lambda r: r.severity == "warning")
        self.assertEqual(len(warnings), 3)
        self.start_tour(
            period_url(self.period_oct),
            "sales_closing_review_warning",
            login=self.closing_manager.login,
        )
        reviewed = warnings.filtered("reviewed")
        self.assertEqual(len(reviewed), 1)
        self.assertEqual(
            reviewed.review_note, "Shipped on Nov 1, the carrier confirmed"
        )
        self.assertEqual(reviewed.reviewed_by_id, self.closing_manager)


@tagged("post_install", "-at_install")
class TestUiEntries(PostingCommon, HttpCase):
    def test_entry_lines_tour(self):
        manager = self.closing_manager
        self.assertFalse(manager.has_group("account.group_account_invoice"))
        # 10 x 30 delivered Oct 5, 4 invoiced Oct 6: 180.00 accrued
        self._accrued_order()
        self._rule()
        self._close()
        self.start_tour(
            period_url(self.period_oct),
            "sales_closing_entry_lines",
            login=manager.login,
        )

    # the first page in Chinese builds the zh_CN translations of every module;
    # meanwhile an idle keep-alive socket of Chromium's times out in werkzeug
    # (no request on it: not an error of the page)
    @mute_logger("werkzeug")
    def test_guided_close_in_chinese_tour(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", "sales_closing")]
        )._update_translations(["zh_CN"])
        self.closing_manager.lang = "zh_CN"
        self.start_tour(
            period_url(self.period_oct),
            "sales_closing_guided_close_zh",
            login=self.closing_manager.login,
        )
