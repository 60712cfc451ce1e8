# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_lock_and_reopen_tour(self):
        """In a real browser, a manager locks sales and reopens with a reason."""
        admin = self.env.ref("base.user_admin")
        period = self.env["sale.closing.period"].create(
            {
                "name": "2020-01",
                "company_id": admin.company_id.id,
                "date_start": "2020-01-01",
                "date_end": "2020-01-31",
            }
        )
        self.start_tour(
            "/odoo/action-sales_closing.sale_closing_period_action",
            "sales_closing_lock_and_reopen",
            login="admin",
        )
        self.assertEqual(period.state, "open")
        bodies = " ".join(period.message_ids.mapped("body"))
        self.assertIn("Advanced from Open to Sales Locked", bodies)
        self.assertIn("Reason: Delivery of ACME was missed", bodies)

    def test_run_checks_tour(self):
        """In a real browser, a manager runs the checks and sees the gate."""
        admin = self.env.ref("base.user_admin")
        company = admin.company_id
        period = self.env["sale.closing.period"].create(
            {
                "name": "2020-02",
                "company_id": company.id,
                "date_start": "2020-02-01",
                "date_end": "2020-02-29",
            }
        )
        partner = self.env["res.partner"].create({"name": "Tour Customer"})
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": company.id,
                "partner_id": partner.id,
                "invoice_date": "2020-02-10",
                "invoice_line_ids": [
                    Command.create({"name": "Fee", "quantity": 1, "price_unit": 40})
                ],
            }
        )
        self.start_tour(
            "/odoo/action-sales_closing.sale_closing_period_action",
            "sales_closing_run_checks",
            login="admin",
        )
        self.assertEqual(period.blocking_count, 1)
        self.assertEqual(period.result_ids.invoice_id, invoice)

    def test_guided_close_tour(self):
        """In a real browser, a manager walks the close wizard to Closed."""
        admin = self.env.ref("base.user_admin")
        period = self.env["sale.closing.period"].create(
            {
                "name": "2020-03",
                "company_id": admin.company_id.id,
                "date_start": "2020-03-01",
                "date_end": "2020-03-31",
            }
        )
        self.start_tour(
            "/odoo/action-sales_closing.sale_closing_period_action",
            "sales_closing_guided_close",
            login="admin",
        )
        self.assertEqual(period.state, "closed")
        bodies = " ".join(period.message_ids.mapped("body"))
        self.assertIn(
            "Checks run by Administrator as of 2020-03-31: blocking 0", bodies
        )
        self.assertIn("Advanced from Invoicing Locked to Closed", bodies)
