# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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
