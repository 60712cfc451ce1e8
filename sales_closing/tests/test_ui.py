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

    def test_close_pack_tour(self):
        """In a real browser, a manager closes a month, opens its close pack
        and downloads both files; the same URLs answer with the files."""
        admin = self.env.ref("base.user_admin")
        period = self.env["sale.closing.period"].create(
            {
                "name": "2020-04",
                "company_id": admin.company_id.id,
                "date_start": "2020-04-01",
                "date_end": "2020-04-30",
            }
        )
        period._set_stage("invoicing_locked")
        self.start_tour(
            "/odoo/action-sales_closing.sale_closing_period_action",
            "sales_closing_close_pack",
            login="admin",
        )
        self.assertEqual(period.state, "closed")
        snapshot = period.snapshot_id
        self.assertEqual(snapshot.version, 1)
        self.authenticate("admin", "admin")
        # Odoo renders a report's HTML while it runs tests (wkhtmltopdf
        # would fetch its assets from this very server): the pack keeps that
        # HTML under its own name. The real PDF: TestPackFiles.
        files = [
            (snapshot.action_download_pdf(), "text/html", b"<"),
            (
                snapshot.action_download_xlsx(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                b"PK",
            ),
        ]
        for action, mimetype, start in files:
            response = self.url_open(action["url"])
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.headers["Content-Type"].split(";")[0], mimetype)
            self.assertIn("attachment", response.headers["Content-Disposition"])
            self.assertTrue(response.content.lstrip().startswith(start))
        # closed again outside the browser, told to run wkhtmltopdf: version 2
        # downloads as a PDF
        period._reopen("tour: a real PDF", stage_from="closed")
        period.with_context(force_report_rendering=True).action_advance(
            "invoicing_locked", "closed"
        )
        response = self.url_open(period.snapshot_id.action_download_pdf()["url"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
