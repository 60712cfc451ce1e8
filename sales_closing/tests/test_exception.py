# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SaleClosingCommon


@tagged("post_install", "-at_install")
class TestException(SaleClosingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order("2026-10-10")
        cls.invoice = cls._invoice(cls.order, "2026-10-20")

    def _grant(self, period, user=None, until="2026-11-10 18:00:00", reason="Fix"):
        return self.env["sale.closing.exception"].create(
            {
                "period_id": period.id,
                "user_id": user.id if user else False,
                "date_end": until,
                "reason": reason,
            }
        )

    def _amend_price(self, user, price):
        line = self.order.order_line
        self.order.with_user(user).write(
            {"order_line": [Command.update(line.id, {"price_unit": price})]}
        )

    def test_user_exception_lets_that_user_through_and_logs(self):
        self._stage(self.period_oct, "sales_locked")
        with freeze_time("2026-11-10 09:00:00"):
            exception = self._grant(
                self.period_oct, self.salesman, reason="Customer price agreed late"
            )
            self._amend_price(self.salesman, 90.0)
            self.assertEqual(self.order.order_line.price_unit, 90.0)
            with self.assertRaisesRegex(UserError, "cannot be amended"):
                self._amend_price(self.billing_user, 80.0)
        self.assertRecordValues(
            self.period_oct.log_ids,
            [
                {
                    "exception_id": exception.id,
                    "user_id": self.salesman.id,
                    "res_model": "sale.order",
                    "res_id": self.order.id,
                    "document": self.order.name,
                    "operation": "amended",
                    "changes": f"{self.order.order_line.display_name}: "
                    "Unit Price: 100.0 → 90.0",
                    "date": fields.Datetime.to_datetime("2026-11-10 09:00:00"),
                }
            ],
        )
        self.assertEqual(exception.log_ids, self.period_oct.log_ids)

    def test_everyone_exception_expires(self):
        self._stage(self.period_oct, "sales_locked")
        with freeze_time("2026-11-10 09:00:00"):
            exception = self._grant(self.period_oct, until="2026-11-10 10:00:00")
            self._amend_price(self.billing_user, 95.0)
            self.assertEqual(exception.state, "active")
        with freeze_time("2026-11-10 10:30:00"):
            exception.invalidate_recordset(["state"])
            self.assertEqual(exception.state, "expired")
            with self.assertRaisesRegex(UserError, "cannot be amended"):
                self._amend_price(self.billing_user, 96.0)
        self.assertEqual(len(self.period_oct.log_ids), 1)

    def test_revoked_exception_no_longer_applies(self):
        self._stage(self.period_oct, "sales_locked")
        with freeze_time("2026-11-10 09:00:00"):
            exception = self._grant(self.period_oct)
            exception.action_revoke()
            self.assertEqual(exception.state, "revoked")
            self.assertEqual(exception.revoked_by_id, self.env.user)
            with self.assertRaisesRegex(UserError, "cannot be amended"):
                self._amend_price(self.salesman, 90.0)
        self.assertIn("revoked", self.period_oct.message_ids[0].body)

    def test_invoicing_exception_relaxes_odoo_sale_lock_date(self):
        self._stage(self.period_oct, "invoicing_locked")
        with freeze_time("2026-11-10 09:00:00"):
            with self.assertRaisesRegex(UserError, "Sales Lock Date"):
                self.invoice.with_user(self.billing_user).button_draft()
            # Odoo times its lock exceptions by the database clock, which
            # freezegun does not stop: grant this one well past it.
            exception = self._grant(
                self.period_oct, self.billing_user, until="2099-01-01 00:00:00"
            )
            account_exception = exception._get_account_lock_exceptions()
            self.assertRecordValues(
                account_exception,
                [
                    {
                        "user_id": self.billing_user.id,
                        "lock_date_field": "sale_lock_date",
                        "lock_date": fields.Date.to_date("2026-09-30"),
                        "end_datetime": exception.date_end,
                    }
                ],
            )
            self.invoice.with_user(self.billing_user).button_draft()
            self.assertEqual(self.invoice.state, "draft")
            self.invoice.with_user(self.billing_user).ref = "PO 4711"
            self.invoice.with_user(self.billing_user).action_post()
            # Under the exception Odoo keeps the October accounting date.
            self.assertEqual(str(self.invoice.date), "2026-10-20")
            self.assertEqual(
                self.period_oct.log_ids.sorted("id").mapped("operation"),
                ["reset to draft", "edited", "posted"],
            )
            edited = self.period_oct.log_ids.filtered(
                lambda log: log.operation == "edited"
            )
            self.assertEqual(edited.changes, "Reference: — → PO 4711")
            self.assertEqual(
                set(self.period_oct.log_ids.mapped("document")), {self.invoice.name}
            )
            self.assertFalse(self.period_oct.late_document_ids)
            exception.action_revoke()
            self.assertFalse(exception._get_account_lock_exceptions())
            with self.assertRaisesRegex(UserError, "Sales Lock Date"):
                self.invoice.with_user(self.billing_user).button_draft()

    def test_exception_granted_before_invoicing_lock_follows_it(self):
        self._stage(self.period_oct, "sales_locked")
        with freeze_time("2026-11-10 09:00:00"):
            exception = self._grant(
                self.period_oct, self.billing_user, until="2099-01-01 00:00:00"
            )
            self.assertFalse(exception._get_account_lock_exceptions())
            self.period_oct.action_advance()
            self.assertTrue(exception._get_account_lock_exceptions())

    def test_exception_in_chatter(self):
        self._stage(self.period_oct, "sales_locked")
        with freeze_time("2026-11-10 09:00:00"):
            self._grant(self.period_oct, self.salesman, reason="Late price change")
        body = self.period_oct.message_ids[0].body
        self.assertIn("granted to closing_salesman", body)
        self.assertIn("Late price change", body)

    def test_exception_must_end_in_future_and_have_reason(self):
        with freeze_time("2026-11-10 09:00:00"):
            with self.assertRaisesRegex(ValidationError, "must end in the future"):
                self._grant(self.period_oct, until="2026-11-09 09:00:00")
            with self.assertRaisesRegex(ValidationError, "Say why"):
                self._grant(self.period_oct, reason="  ")
            with self.assertRaisesRegex(ValidationError, "keep it to 2000"):
                self._grant(self.period_oct, reason="x" * 2001)

    def test_exception_cannot_be_edited_or_deleted(self):
        with freeze_time("2026-11-10 09:00:00"):
            exception = self._grant(self.period_oct)
        with self.assertRaisesRegex(UserError, "revoke it and grant a new one"):
            exception.date_end = "2026-12-31 00:00:00"
        with self.assertRaises(AccessError):
            exception.with_user(self.closing_manager).unlink()
        with self.assertRaisesRegex(UserError, "revoke them instead"):
            exception.sudo().unlink()

    def test_only_managers_grant(self):
        with freeze_time("2026-11-10 09:00:00"):
            with self.assertRaises(AccessError):
                self.env["sale.closing.exception"].with_user(self.billing_user).create(
                    {
                        "period_id": self.period_oct.id,
                        "date_end": "2026-11-11 00:00:00",
                        "reason": "self-service",
                    }
                )
            exception = (
                self.env["sale.closing.exception"]
                .with_user(self.closing_manager)
                .create(
                    {
                        "period_id": self.period_oct.id,
                        "date_end": "2026-11-11 00:00:00",
                        "reason": "granted by the closing manager",
                    }
                )
            )
            self.assertEqual(exception.granted_by_id, self.closing_manager)

    def test_log_is_read_only(self):
        self._stage(self.period_oct, "sales_locked")
        with freeze_time("2026-11-10 09:00:00"):
            self._grant(self.period_oct, self.salesman)
            self._amend_price(self.salesman, 90.0)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.period_oct.log_ids.changes = "nothing happened"
        with self.assertRaises(AccessError):
            self.period_oct.log_ids.with_user(self.closing_manager).unlink()
