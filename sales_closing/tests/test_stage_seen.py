# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every stage change carries the stage the user saw (issue 16): a second
click, another manager's click or a request Odoo replays after a
serialization failure is refused instead of moving the period one stage
further than anyone asked. The concurrent requests themselves are driven
against a running server in ``tests_server/``."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SaleClosingCommon


@tagged("post_install", "-at_install")
class TestStageSeen(SaleClosingCommon):
    def _button(self, period, stage_from, stage_to):
        """Press the form's stage button the way the web client does."""
        return period.with_context(
            sale_closing_stage_from=stage_from, sale_closing_stage_to=stage_to
        ).action_advance()

    @freeze_time("2026-11-05")
    def test_same_button_twice_moves_one_stage(self):
        self._button(self.period_oct, "open", "sales_locked")
        self._button(self.period_oct, "sales_locked", "invoicing_locked")
        # the replay of the same request (what Odoo does after a
        # serialization failure) must not close the period
        with self.assertRaisesRegex(
            UserError,
            r"Period 2026-10 is already at Invoicing Locked, not at Sales Locked "
            r"any more: someone changed it since you looked\. Refresh",
        ):
            self._button(self.period_oct, "sales_locked", "invoicing_locked")
        self.assertEqual(self.period_oct.state, "invoicing_locked")
        self.assertFalse(self.period_oct.entry_move_ids)

    @freeze_time("2026-11-05")
    def test_arguments_win_over_nothing(self):
        self.period_oct.action_advance("open", "sales_locked")
        with self.assertRaisesRegex(UserError, "already at Sales Locked"):
            self.period_oct.action_advance(stage_from="open")
        self.assertEqual(self.period_oct.state, "sales_locked")

    @freeze_time("2026-11-05")
    def test_target_must_be_the_next_stage(self):
        with self.assertRaisesRegex(
            UserError, "from there it moves to Sales Locked, not to Closed"
        ):
            self.period_oct.action_advance("open", "closed")
        self.assertEqual(self.period_oct.state, "open")

    @freeze_time("2026-11-05")
    def test_no_stage_given_advances_from_the_current_one(self):
        self.period_oct.action_advance()
        self.period_oct.action_advance()
        self.assertEqual(self.period_oct.state, "invoicing_locked")

    @freeze_time("2026-11-05")
    def test_reopen_wizard_keeps_the_stage_seen(self):
        lock_date_before = self.company.sale_lock_date
        self._stage(self.period_oct, "invoicing_locked")
        first = Form.from_action(self.env, self.period_oct.action_reopen())
        second = Form.from_action(self.env, self.period_oct.action_reopen())
        first.reason = "credit note missed"
        second.reason = "credit note missed"
        first.save().action_reopen()
        self.assertEqual(self.period_oct.state, "sales_locked")
        with self.assertRaisesRegex(
            UserError, "already at Sales Locked, not at Invoicing Locked"
        ):
            second.save().action_reopen()
        self.assertEqual(self.period_oct.state, "sales_locked")
        self.assertEqual(self.company.sale_lock_date, lock_date_before)

    @freeze_time("2026-11-05")
    def test_reopen_with_the_stage_seen(self):
        self._stage(self.period_oct, "closed")
        with self.assertRaisesRegex(UserError, "already at Closed"):
            self.period_oct._reopen("late return", stage_from="invoicing_locked")
        self.period_oct._reopen("late return", stage_from="closed")
        self.assertEqual(self.period_oct.state, "invoicing_locked")

    @freeze_time("2026-11-05")
    def test_checks_and_stage_changes_lock_the_period_row(self):
        with (
            self.env.cr._enable_logging(),
            self.assertLogs("odoo.sql_db", "DEBUG") as logs,
        ):
            self.period_oct.action_advance("open", "sales_locked")
            self.period_oct.action_run_checks()
        queries = [line for line in logs.output if "pg_try_advisory_xact_lock" in line]
        self.assertEqual(len(queries), 2, "one lock per stage change or run")
