# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The guided close: one step per stage, each saying what it does, what is
in the way and what was done, driving the period's own stage machine."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestCloseWizard(PostingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 10 x 30 delivered Oct 5, 4 invoiced Oct 6: 180.00 to accrue
        cls.order, _invoice = cls._accrued_order()
        # a draft invoice of 2 x 100 dated Oct 20: blocking
        drafted = cls._sell(cls, "2026-10-03", [(cls.product, 2, 100.0)])
        cls.draft = cls._invoice_qty(cls, drafted, "2026-10-20", post=False)
        cls.rule = cls._rule()

    def _open(self, period=None):
        period = (period or self.period_oct).with_user(self.closing_manager)
        action = period.action_open_close_wizard()
        return (
            self.env[action["res_model"]]
            .with_user(self.closing_manager)
            .browse(action["res_id"])
        )

    def _follow(self, action):
        self.assertEqual(action["res_model"], "sale.closing.close")
        return (
            self.env["sale.closing.close"]
            .with_user(self.closing_manager)
            .browse(action["res_id"])
        )

    @freeze_time("2026-11-02 09:00:00")
    def test_walk_to_closed(self):
        wizard = self._open()
        self.assertRecordValues(wizard, [{"step": "checks", "stage_seen": "open"}])
        self.assertIn("as of 10/31/2026", wizard.step_todo)
        self.assertFalse(wizard.step_blockers)
        wizard = self._follow(wizard.action_run_checks())
        self.assertEqual(wizard.step, "review")
        # blocking first
        self.assertEqual(wizard.result_ids[0].check_code, "draft_invoice")
        self.assertIn("blocking 1", wizard.step_done)
        wizard = self._follow(wizard.action_next())
        self.assertEqual(wizard.step, "entries")
        self.assertIn("Accrued rule", wizard.entry_summary)
        wizard = self._follow(wizard.action_next())
        self.assertRecordValues(
            wizard, [{"step": "lock_sales", "can_advance": True, "state": "open"}]
        )
        wizard = self._follow(wizard.action_advance())
        self.assertRecordValues(
            wizard,
            [{"step": "lock_invoicing", "state": "sales_locked", "can_advance": True}],
        )
        self.assertIn("Sales locked.", wizard.step_done)
        wizard = self._follow(wizard.action_advance())
        self.assertRecordValues(
            wizard,
            [{"step": "close", "state": "invoicing_locked", "can_advance": False}],
        )
        self.assertIn(
            "1 blocking problem neither resolved nor waived", wizard.step_blockers
        )
        self.assertIn("Sales Lock Date 10/31/2026", wizard.step_done)
        # what the form refuses, the wizard refuses: the period's own gate
        with self.assertRaisesRegex(UserError, "cannot close: 1 blocking"):
            wizard.action_advance()
        action = wizard.action_waive_blocking()
        waive = Form.from_action(self.env(user=self.closing_manager), action)
        self.assertEqual(len(waive.result_ids), 1)
        waive.reason = "Customer cancelled; the draft is deleted in November"
        wizard = self._follow(waive.save().action_waive())
        self.assertEqual(wizard.step, "review")
        wizard = self._follow(wizard.action_next())
        wizard = self._follow(wizard.action_next())
        self.assertEqual(wizard.step, "close")
        self.assertTrue(wizard.can_advance)
        wizard = self._follow(wizard.action_advance())
        self.assertRecordValues(wizard, [{"step": "done", "state": "closed"}])
        entry = self._entries(kind="entry")
        self.assertEqual(entry.amount_total_signed, 180.0)
        self.assertIn(f'/{entry.id}">{entry.name}</a>', wizard.step_done)

    @freeze_time("2026-11-02 09:00:00")
    def test_drives_the_stage_the_user_saw(self):
        wizard = self._open()
        wizard = self._follow(wizard._go("lock_sales"))
        # another manager locks sales from the form meanwhile
        self.period_oct.action_advance("open", "sales_locked")
        with self.assertRaisesRegex(UserError, "not at Open any more"):
            wizard.action_advance()
        self.assertEqual(self.period_oct.state, "sales_locked")

    def test_says_what_is_in_the_way(self):
        with freeze_time("2026-10-15 09:00:00"):
            wizard = self._follow(self._open()._go("lock_sales"))
            self.assertFalse(wizard.can_advance)
            self.assertIn("has not ended", wizard.step_blockers)
        with freeze_time("2026-12-02 09:00:00"):
            # November waits for October to lock first
            wizard = self._follow(self._open(self.period_nov)._go("lock_sales"))
            self.assertFalse(wizard.can_advance)
            self.assertIn("previous period 2026-10 is at Open", wizard.step_blockers)
            with self.assertRaisesRegex(UserError, "before the previous period"):
                wizard.action_advance()

    def test_starts_at_the_step_of_the_stage(self):
        self._stage(self.period_oct, "sales_locked")
        self.assertEqual(self._open().step, "lock_invoicing")

    def test_only_managers_open_it(self):
        with self.assertRaisesRegex(UserError, "Only a Sales Closing Manager"):
            self.period_oct.with_user(self.billing_user).action_open_close_wizard()
