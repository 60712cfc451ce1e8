# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The review of the problems: blocking ones waived in bulk with one
reason, warnings marked reviewed with a note or assigned to someone, the
runs of the checks in the chatter."""

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_checks import ChecksCommon


@tagged("post_install", "-at_install")
class TestReview(ChecksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # three draft invoices in October (blocking: 100, 200, 300 untaxed)
        # and their three deliveries not done (warnings, no amount)
        cls.drafts = cls.env["account.move"]
        for qty in (1, 2, 3):
            order = cls._sell(cls, "2026-10-03", [(cls.product, qty, 100.0)])
            cls.drafts |= cls._invoice_qty(cls, order, "2026-10-20", post=False)

    def _by(self, results, severity):
        return results.filtered(lambda r: r.severity == severity)

    def test_bulk_waive_with_one_reason(self):
        results = self._run().with_user(self.closing_manager)
        blocking = self._by(results, "blocking")
        self.assertEqual(sorted(blocking.mapped("amount")), [100.0, 200.0, 300.0])
        action = blocking.action_waive()
        wizard = Form.from_action(self.env(user=self.closing_manager), action)
        self.assertEqual(len(wizard.result_ids), 3)
        wizard.reason = "Drafts of cancelled orders, deleted in November"
        wizard.save().action_waive()
        self.assertEqual(
            blocking.mapped("waive_reason"),
            ["Drafts of cancelled orders, deleted in November"] * 3,
        )
        self.assertRecordValues(
            self.period_oct, [{"blocking_count": 0, "waived_count": 3}]
        )
        # a warning in the selection is refused: warnings are reviewed
        with self.assertRaisesRegex(UserError, "Only blocking problems are waived"):
            results.action_waive()

    def test_mark_warnings_reviewed_with_a_note(self):
        results = self._run().with_user(self.closing_manager)
        warnings = self._by(results, "warning")
        self.assertEqual(len(warnings), 3)
        action = warnings.action_review()
        wizard = Form.from_action(self.env(user=self.closing_manager), action)
        wizard.note = "Shipped on Nov 1, the carrier confirmed"
        wizard.save().action_review()
        self.assertRecordValues(
            warnings,
            [
                {
                    "reviewed": True,
                    "reviewed_by_id": self.closing_manager.id,
                    "review_note": "Shipped on Nov 1, the carrier confirmed",
                }
            ]
            * 3,
        )
        self.assertIn("reviewed 3 problems", self.period_oct.message_ids[0].body)
        # rerunning the checks finds them again and keeps the review
        self._run()
        self.assertTrue(all(warnings.mapped("reviewed")))
        with self.assertRaisesRegex(UserError, "not reviewed"):
            self._by(results, "blocking").action_review()
        with self.assertRaisesRegex(UserError, "Say what the review found"):
            warnings._review(" ")

    def test_assign_warnings_to_someone(self):
        results = self._run().with_user(self.closing_manager)
        warning = self._by(results, "warning")[0]
        wizard = Form.from_action(
            self.env(user=self.closing_manager), warning.action_review()
        )
        wizard.user_id = self.billing_user
        wizard.note = "Ask the warehouse"
        wizard.save().action_assign()
        self.assertEqual(warning.assigned_user_id, self.billing_user)
        activity = self.period_oct.activity_ids.filtered(
            lambda a: a.user_id == self.billing_user
        )
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("sales_closing.mail_activity_review_problem"),
        )
        self.assertEqual(activity.summary, "Review 1 problem of 2026-10")
        self.assertIn("Ask the warehouse", activity.note)
        self.assertIn(warning.name, activity.note)

    def test_checks_run_in_the_chatter_with_counts(self):
        self._run()
        body = self.period_oct.message_ids[0].body
        # 3 drafts (blocking), 3 deliveries not done (warnings), no
        # receivable (nothing posted), 3 order lines
        self.assertIn("blocking 3, warnings 3, info 0, waived 0", body)
        self.assertIn("order lines reconciled: 3", body)
