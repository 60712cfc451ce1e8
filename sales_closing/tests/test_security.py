# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SaleClosingCommon


@tagged("post_install", "-at_install")
class TestSecurity(SaleClosingCommon):
    def test_groups_follow_accounting_roles(self):
        billing = new_test_user(
            self.env, login="billing_only", groups="account.group_account_invoice"
        )
        adviser = new_test_user(
            self.env, login="adviser", groups="account.group_account_manager"
        )
        self.assertTrue(billing.has_group("sales_closing.group_sale_closing_user"))
        self.assertFalse(billing.has_group("sales_closing.group_sale_closing_manager"))
        self.assertTrue(adviser.has_group("sales_closing.group_sale_closing_manager"))
        self.assertFalse(
            self.salesman.has_group("sales_closing.group_sale_closing_user")
        )

    def test_salesman_sees_and_changes_nothing(self):
        Period = self.env["sale.closing.period"].with_user(self.salesman)
        with self.assertRaises(AccessError):
            Period.search([])
        with self.assertRaises(AccessError):
            self.period_oct.with_user(self.salesman).read(["state"])
        with self.assertRaises(AccessError):
            Period.create(
                {"name": "x", "date_start": "2030-01-01", "date_end": "2030-01-31"}
            )
        with self.assertRaises(AccessError):
            self.env["sale.closing.log"].with_user(self.salesman).search([])

    def test_billing_user_reads_but_cannot_advance(self):
        period = self.period_oct.with_user(self.billing_user)
        self.assertEqual(period.state, "open")
        with freeze_time("2026-11-05"):
            with self.assertRaisesRegex(UserError, "Only a Sales Closing Manager"):
                period.action_advance()
            with self.assertRaises(AccessError):
                period.write({"name": "renamed"})
        self.assertEqual(self.period_oct.state, "open")

    def test_closing_manager_without_accounting_rights_runs_the_close(self):
        period = self.period_oct.with_user(self.closing_manager)
        with freeze_time("2026-11-05"):
            period.action_advance()
            period.action_advance()
        self.assertEqual(self.period_oct.state, "invoicing_locked")
        self.assertEqual(str(self.company.sale_lock_date), "2026-10-31")
        period._reopen("check the rights of a plain closing manager")
        self.assertEqual(self.period_oct.state, "sales_locked")
        self.assertFalse(self.company.sale_lock_date)

    def test_closing_manager_locks_invoicing_while_odoo_exception_is_active(self):
        """Odoo recreates its active lock exceptions when the Sales Lock Date
        moves, which only accounting advisers may do."""
        self.env["account.lock_exception"].create(
            {
                "company_id": self.company.id,
                "user_id": False,
                "sale_lock_date": fields.Date.to_date("2026-06-30"),
                "end_datetime": "2099-01-01 00:00:00",
                "reason": "Year-end audit adjustments",
            }
        )
        period = self.period_oct.with_user(self.closing_manager)
        with freeze_time("2026-11-05"):
            period.action_advance()
            period.action_advance()
        self.assertEqual(str(self.company.sale_lock_date), "2026-10-31")
        period._reopen("a plain closing manager walks invoicing back")
        self.assertFalse(self.company.sale_lock_date)

    def test_multi_company_isolation(self):
        other = self.setup_other_company()["company"]
        Period = self.env["sale.closing.period"]
        other_period = Period.create(
            {
                "name": "2026-10",
                "company_id": other.id,
                "date_start": "2026-10-01",
                "date_end": "2026-10-31",
            }
        )
        manager = self.closing_manager
        self.assertNotIn(other_period, Period.with_user(manager).search([]))
        with self.assertRaises(AccessError):
            other_period.with_user(manager).read(["name"])
        # Allowed in both companies, a manager sees each company's periods
        # only while that company is active.
        manager.company_ids = [Command.link(other.id)]
        visible = (
            Period.with_user(manager)
            .with_context(allowed_company_ids=[self.company.id])
            .search([])
        )
        self.assertNotIn(other_period, visible)
        visible = (
            Period.with_user(manager)
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .search([])
        )
        self.assertIn(other_period, visible)

    def test_lock_of_one_company_does_not_hold_another(self):
        other_data = self.setup_other_company()
        other = other_data["company"]
        self.company.sale_closing_allow_early_close = True
        with freeze_time("2026-10-20 09:00:00"):
            self.period_oct.action_advance()
        with self.assertRaisesRegex(UserError, "cannot be confirmed"):
            self._order("2026-10-21")
        with freeze_time("2026-10-21 09:00:00"):
            other_order = (
                self.env["sale.order"]
                .with_company(other)
                .create(
                    {
                        "partner_id": self.partner_a.id,
                        "company_id": other.id,
                        "date_order": "2026-10-10 10:00:00",
                        "state": "sale",
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": self.product.id,
                                    "product_uom_qty": 1.0,
                                    "tax_id": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
            )
        self.assertEqual(other_order.state, "sale")
