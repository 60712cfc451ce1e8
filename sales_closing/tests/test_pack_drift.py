# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Drift after the close: each way a closed month can change behind the
close is named, line by line; an untouched month shows none."""

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .common_pack import PackCommon


@tagged("post_install", "-at_install")
class TestPackDrift(PackCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stage(cls, cls.period_oct, "closed")
        cls.line_a = cls.order_a.order_line
        cls.line_b = cls.order_b.order_line

    def _moved(self):
        return [
            (d.sale_line_id, d.field_name, d.value_before, d.value_after)
            for d in self.period_oct.drift_ids
        ]

    def test_untouched_month_shows_no_drift_also_after_next_month_closes(self):
        self.assertEqual(self.period_oct._check_drift(), [])
        self.assertEqual(self.period_oct.drift_state, "none")
        self._stage(self.period_nov, "closed")
        self.assertEqual(self.period_nov.snapshot_id.version, 1)
        self.assertEqual(self.period_oct._check_drift(), [])
        self.assertEqual(self.period_oct.drift_state, "none")
        self.assertFalse(self.period_oct.drift_ids)

    def test_delivery_date_moved_by_sql(self):
        self.env.flush_all()
        # nothing in Odoo does this: only SQL moves a done delivery
        self.env.cr.execute(
            SQL(
                "UPDATE stock_move SET date = '2026-11-02 12:00:00' "
                "WHERE sale_line_id = %s",
                self.line_b.id,
            )
        )
        self.env.invalidate_all()
        self.period_oct.with_user(self.closing_manager).action_check_drift()
        self.assertEqual(self.period_oct.drift_state, "drifted")
        # 5 delivered at the close, none now: 1000.00 EUR, 400.00 at 2.5
        self.assertEqual(
            self._moved(),
            [
                (self.line_b, "Delivered", "5.00", "0.00"),
                (self.line_b, "Delivered Amount", "1000.00", "0.00"),
                (self.line_b, "Delivered (Company Currency)", "400.00", "0.00"),
            ],
        )
        self.assertEqual(
            set(self.period_oct.drift_ids.mapped("document")), {self.order_b.name}
        )
        message = self.period_oct.message_ids[0]
        self.assertIn("3 figures moved", message.body)
        self.assertIn(self.order_b.name, message.body)
        activity = self.period_oct.activity_ids.filtered(
            lambda a: a.user_id == self.closing_manager
        )
        self.assertIn("drifted", activity.summary)

    def test_exchange_rate_changed(self):
        rate = self.env["res.currency.rate"].search(
            [("currency_id", "=", self.eur.id), ("name", "=", "2026-10-31")]
        )
        rate.rate = 4.0
        self.period_oct._check_drift()
        # at the period-end rate: 1000 EUR 400.00 -> 250.00, 1000 delivered
        # likewise, 600 invoiced 240.00 -> 150.00
        moved = {
            (d.field_name, d.value_before, d.value_after)
            for d in self.period_oct.drift_ids
        }
        self.assertLessEqual(
            {
                ("Ordered (Company Currency)", "400.00", "250.00"),
                ("Delivered (Company Currency)", "400.00", "250.00"),
                ("Invoiced (Company Currency)", "240.00", "150.00"),
                ("Period-End Rate", "0.4000000000", "0.2500000000"),
            },
            moved,
        )
        self.assertEqual(self.period_oct.drift_ids.sale_line_id, self.line_b)

    def test_lock_date_lowered_and_invoice_edited(self):
        with freeze_time("2026-12-16 09:00:00"):
            # the test environment turns tracking off; a user's has it on.
            # What the set-up left pending (a discarded tracking of the
            # company) is committed first, as a real transaction would.
            self.env.cr.precommit.run()
            self.company.with_context(
                tracking_disable=False, mail_notrack=False
            ).sale_lock_date = "2026-09-30"
            self.env.flush_all()
            self.env.cr.precommit.run()
            self.invoice_b.button_draft()
            self.invoice_b.invoice_line_ids.quantity = 2
            self.invoice_b.action_post()
        self.assertEqual(str(self.invoice_b.date), "2026-10-09")
        self.period_oct._check_drift()
        moved = {
            (d.field_name, d.value_before, d.value_after)
            for d in self.period_oct.drift_ids
        }
        # 3 invoiced at 200.00 EUR, 2 now: 600.00 -> 400.00 EUR, 240.00 ->
        # 160.00 at the period-end rate
        self.assertLessEqual(
            {
                ("Invoiced", "3.00", "2.00"),
                ("Invoiced Amount", "600.00", "400.00"),
                ("Invoiced (Company Currency)", "240.00", "160.00"),
            },
            moved,
        )
        # every line names the order and the lock date lowered behind it
        self.assertEqual(self.period_oct.drift_ids.sale_line_id, self.line_b)
        self.assertEqual(
            set(self.period_oct.drift_ids.mapped("document")), {self.order_b.name}
        )
        self.assertEqual(
            set(self.period_oct.drift_ids.mapped("cause")),
            {
                f"2026-12-16 09:00:00 {self.env.user.name} changed Sales Lock "
                "Date from 2026-10-31 to 2026-09-30"
            },
        )
        self.assertEqual(self.period_oct.drift_state, "drifted")

    def test_invoice_edited_under_an_exception_names_the_log(self):
        with freeze_time("2026-12-16 09:00:00"):
            exception = self.env["sale.closing.exception"].create(
                {
                    "period_id": self.period_oct.id,
                    "user_id": self.billing_user.id,
                    "date_end": "2099-01-01 00:00:00",
                    "reason": "Customer A kept one more widget",
                }
            )
            invoice = self.invoice_a.with_user(self.billing_user)
            invoice.button_draft()
            invoice.invoice_line_ids.quantity = 9
            invoice.action_post()
        self.period_oct._check_drift()
        drift = self.period_oct.drift_ids.filtered(lambda d: d.field_name == "Invoiced")
        # 10 - 2 credited = 8 at the close, 9 - 2 = 7 now
        self.assertEqual((drift.value_before, drift.value_after), ("8.00", "7.00"))
        self.assertIn(exception.display_name, drift.cause)
        self.assertIn(self.invoice_a.name, drift.cause)
        self.assertIn("reset to draft", drift.cause)

    def test_acknowledge_then_reopen_for_version_two(self):
        rate = self.env["res.currency.rate"].search(
            [("currency_id", "=", self.eur.id), ("name", "=", "2026-10-31")]
        )
        rate.rate = 4.0
        self.period_oct._check_drift()
        with self.assertRaisesRegex(UserError, "Say why"):
            self.period_oct._acknowledge_drift(" ")
        self.period_oct.with_user(self.closing_manager)._acknowledge_drift(
            "Rate corrected by treasury"
        )
        self.assertEqual(self.period_oct.drift_state, "acknowledged")
        self.assertFalse(self.period_oct.activity_ids)
        self.period_oct._check_drift()
        self.assertEqual(self.period_oct.drift_state, "acknowledged")
        self.assertFalse(self.period_oct.activity_ids)
        # something else moves: flagged again
        rate.rate = 5.0
        self.period_oct._check_drift()
        self.assertEqual(self.period_oct.drift_state, "drifted")
        self._stage(self.period_oct, "invoicing_locked")
        self._stage(self.period_oct, "closed")
        self.assertEqual(self.period_oct.snapshot_id.version, 2)
        self.assertEqual(self.period_oct.drift_state, "none")
        self.assertEqual(self.period_oct._check_drift(), [])

    def test_cron_checks_closed_periods(self):
        rate = self.env["res.currency.rate"].search(
            [("currency_id", "=", self.eur.id), ("name", "=", "2026-10-31")]
        )
        rate.rate = 4.0
        self.env["sale.closing.period"]._cron_check_drift()
        self.assertEqual(self.period_oct.drift_state, "drifted")
        self.assertTrue(self.period_oct.drift_checked_at)
