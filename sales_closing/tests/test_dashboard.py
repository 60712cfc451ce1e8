# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The closing dashboard's figures, filters and the reminders of overdue
closes."""

import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common_checks import ChecksCommon


@tagged("post_install", "-at_install")
class TestDashboard(ChecksCommon):
    def _company_periods(self, domain):
        return self.env["sale.closing.period"].search(
            [("company_id", "=", self.company.id)] + domain
        )

    @freeze_time("2026-11-10 09:00:00")
    def test_days_since_end_and_overdue(self):
        self.company.sale_closing_reminder_days = 5
        # October ended 10 days ago (> 5): overdue; November has not ended;
        # September (30 + 1 + 10 days ago) is closed
        self.assertRecordValues(
            self.period_oct + self.period_nov + self.period_sep,
            [
                {"days_since_end": 10, "close_overdue": True},
                {"days_since_end": -20, "close_overdue": False},
                {"days_since_end": 41, "close_overdue": False},
            ],
        )
        self.assertEqual(
            self._company_periods([("close_overdue", "=", True)]), self.period_oct
        )
        self.company.sale_closing_reminder_days = 10
        self.period_oct.invalidate_recordset()
        self.assertFalse(self.period_oct.close_overdue)

    def test_has_blocking_filter(self):
        order = self._sell_product()
        self._invoice_qty(order, "2026-10-20", post=False)
        self._run()
        self.assertEqual(
            self._company_periods([("has_blocking", "=", True)]), self.period_oct
        )
        self.period_oct.result_ids.filtered(lambda r: r.severity == "blocking")._waive(
            "ok"
        )
        self.assertFalse(self._company_periods([("has_blocking", "=", True)]))
        self.assertIn(
            self.period_oct, self._company_periods([("has_blocking", "=", False)])
        )

    def test_reminder_activity_for_closing_managers_once(self):
        self.company.sale_closing_reminder_days = 5
        Activity = self.env["mail.activity"]
        domain = [
            ("res_model", "=", "sale.closing.period"),
            (
                "activity_type_id",
                "=",
                self.env.ref("sales_closing.mail_activity_close_period").id,
            ),
        ]
        with freeze_time("2026-11-04 09:00:00"):
            self.env["sale.closing.period"]._cron_remind_close()
        # 4 days after the end: not yet
        oct_domain = domain + [("res_id", "=", self.period_oct.id)]
        self.assertFalse(Activity.search(oct_domain))
        with freeze_time("2026-11-10 09:00:00"):
            self.env["sale.closing.period"]._cron_remind_close()
            self.env["sale.closing.period"]._cron_remind_close()
        activities = Activity.search(oct_domain)
        mine = activities.filtered(lambda a: a.user_id == self.closing_manager)
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine.date_deadline, datetime.date(2026, 11, 5))
        self.assertIn("Close 2026-10", mine.summary)
        # billing users are not closing managers
        self.assertFalse(activities.filtered(lambda a: a.user_id == self.billing_user))
        self.assertFalse(
            Activity.search(domain + [("res_id", "=", self.period_nov.id)])
        )
