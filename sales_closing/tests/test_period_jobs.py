# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Run Checks and Close of a period above the company's threshold run in the
background through ``ir.cron``, in one transaction, with their progress and
their result or error in the chatter; a second request is refused."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestPeriodJobs(PostingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._rule()
        cls.cron = cls.env.ref("sales_closing.ir_cron_period_jobs")
        # two orders of two lines (``_make_orders``): 4 order lines in October
        cls.company.sale_closing_background_lines = 4

    def setUp(self):
        super().setUp()
        self._make_orders(2)
        self._stage(self.period_oct, "invoicing_locked")
        self.period = self.period_oct.with_user(self.closing_manager)

    def _ask_close(self):
        with freeze_time("2026-12-15 09:00:00"):
            return self.period.action_advance("invoicing_locked", "closed")

    def _run_cron(self):
        """Run the cron as ``ir.cron`` does when it is triggered."""
        self.env.flush_all()
        with freeze_time("2026-12-15 09:05:00"):
            self.cron.sudo().method_direct_trigger()
        self.env.invalidate_all()
        return self.env["ir.cron.progress"].search(
            [("cron_id", "=", self.cron.id)], order="id desc", limit=1
        )

    def _chatter(self):
        self.env.flush_all()
        return self.period_oct.message_ids.mapped("body")

    def test_background_close_runs_through_the_cron(self):
        triggers = self.env["ir.cron.trigger"].search_count(
            [("cron_id", "=", self.cron.id)]
        )
        action = self._ask_close()
        self.assertEqual(action["tag"], "display_notification")
        self.assertRecordValues(
            self.period_oct,
            [
                {
                    "state": "invoicing_locked",
                    "job_action": "close",
                    "job_user_id": self.closing_manager.id,
                    "job_stage_from": "invoicing_locked",
                }
            ],
        )
        self.assertTrue(self.period_oct.job_date)
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)]),
            triggers + 1,
            "the cron is triggered at once",
        )
        self.assertFalse(self.period_oct.entry_move_ids, "nothing posted yet")
        progress = self._run_cron()
        self.assertRecordValues(
            self.period_oct, [{"state": "closed", "job_action": False}]
        )
        self.assertRecordValues(progress, [{"done": 1, "remaining": 0}])
        self.assertTrue(self.period_oct.checks_date)
        self.assertEqual(self.period_oct.line_count, 4)
        body = self._chatter()[0]
        self.assertIn("Done in the background for", body)
        self.assertIn(self.closing_manager.name, body)
        self.assertIn("Closed", body)

    def test_failure_inside_leaves_the_period_as_it_was(self):
        self._ask_close()
        period_class = type(self.env["sale.closing.period"])
        with patch.object(
            period_class,
            "_post_entries",
            side_effect=UserError("journal archived in the meantime"),
        ):
            self._run_cron()
        self.assertRecordValues(
            self.period_oct,
            [{"state": "invoicing_locked", "job_action": False, "line_count": 0}],
        )
        self.assertFalse(self.period_oct.entry_move_ids)
        self.assertFalse(self.period_oct.checks_date, "the checks were rolled back")
        body = self._chatter()[0]
        self.assertIn("failed; the period is as it was", body)
        self.assertIn("journal archived in the meantime", body)
        # nothing stuck: the manager can ask again
        self._ask_close()
        self._run_cron()
        self.assertEqual(self.period_oct.state, "closed")

    def test_second_request_while_running_is_refused(self):
        self._ask_close()
        with self.assertRaisesRegex(UserError, "already running in the background"):
            self.period.action_run_checks()
        with self.assertRaisesRegex(UserError, "already running in the background"):
            self._ask_close()
        with self.assertRaisesRegex(UserError, "already running in the background"):
            self.period._reopen("wrong month", stage_from="invoicing_locked")
        self.assertEqual(self.period_oct.job_action, "close")

    def test_background_checks_store_the_reconciliation(self):
        action = self.period.action_run_checks()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.period_oct.job_action, "checks")
        self.assertFalse(self.period_oct.line_ids)
        self._run_cron()
        self.assertEqual(self.period_oct.line_count, 4)
        self.assertFalse(self.period_oct.job_action)
        self.assertIn("4 reconciliation lines", self._chatter()[0])

    def test_below_the_threshold_the_close_runs_at_once(self):
        self.company.sale_closing_background_lines = 5
        self.assertTrue(self._ask_close())
        self.assertRecordValues(
            self.period_oct, [{"state": "closed", "job_action": False}]
        )
