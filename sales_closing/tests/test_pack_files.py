# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The PDF and the workbook of the close pack: attached at the close, read
back (``pdftotext``, openpyxl) with the hand-worked figures of
``common_pack`` and the fingerprint; a version per close. (A fault while
rendering: ``test_pack_snapshot``.)"""

import io
import shutil
import subprocess
import tempfile
from unittest import skipIf

import openpyxl

from odoo.tests import HttpCase, tagged

from .common_pack import PackCommon


def cjk_font():
    """Whether fontconfig has a font for Chinese (Debian: fonts-noto-cjk)."""
    if not shutil.which("fc-list"):
        return False
    return bool(
        subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, check=False
        ).stdout.strip()
    )


def pdf_text(data, first=None, last=None):
    """Return the text of PDF ``data`` as ``pdftotext -layout`` reads it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        pages = []
        if first:
            pages = ["-f", str(first), "-l", str(last or first)]
        return subprocess.run(
            ["pdftotext", "-layout", *pages, pdf.name, "-"],
            check=True,
            capture_output=True,
        ).stdout.decode()


@tagged("post_install", "-at_install")
@skipIf(not shutil.which("wkhtmltopdf"), "wkhtmltopdf is not installed")
@skipIf(not shutil.which("pdftotext"), "pdftotext (poppler-utils) is not installed")
class TestPackFiles(PackCommon, HttpCase):
    """An HTTP case: wkhtmltopdf fetches the report's assets from the test
    server, which must see the test transaction."""

    closing_users = ("closing_manager",)  # the only one its tests use

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo renders HTML in tests unless told to run wkhtmltopdf
        cls._stage(
            cls, cls.period_oct.with_context(force_report_rendering=True), "closed"
        )
        cls.snapshot = cls.period_oct.snapshot_id

    def _book(self, snapshot=None):
        raw = (snapshot or self.snapshot).xlsx_attachment_id.raw
        return openpyxl.load_workbook(io.BytesIO(raw))

    def test_files_attached_and_posted(self):
        pdf, xlsx = self.snapshot.pdf_attachment_id, self.snapshot.xlsx_attachment_id
        self.assertEqual(
            (pdf.name, pdf.mimetype, xlsx.name),
            ("2026-10-v1.pdf", "application/pdf", "2026-10-v1.xlsx"),
        )
        self.assertTrue(pdf.raw.startswith(b"%PDF"))
        message = self.period_oct.message_ids.filtered(
            lambda m: "Close pack version 1" in (m.body or "")
        )
        self.assertEqual(message.attachment_ids, pdf | xlsx)
        self.assertIn(self.snapshot.fingerprint, message.body)
        action = self.snapshot.action_download_pdf()
        self.assertEqual(action["url"], f"/web/content/{pdf.id}?download=true")

    def test_pdf_carries_the_figures_and_the_fingerprint(self):
        first_page = pdf_text(self.snapshot.pdf_attachment_id.raw, 1)
        self.assertIn(self.snapshot.fingerprint, first_page)
        self.assertIn("2026-10", first_page)
        text = " ".join(pdf_text(self.snapshot.pdf_attachment_id.raw).split())
        for figure in (
            # totals: invoiced, credit notes, accrued, revenue, net cost,
            # margin, margin %; the thousands separated as English writes them
            "1,200.00 -180.00 160.00 0.00 0.00 0.00 1,180.00 620.00 560.00 47.46",
            # customers / categories / products / salespeople / teams
            "Customer A 900.00 -180.00 0.00 0.00 0.00 0.00 720.00 320.00 400.00 55.56",
            "Customer B 300.00 0.00 160.00 0.00 0.00 0.00 460.00 300.00 160.00 34.78",
            "Ella 900.00",
            "Team West 300.00 0.00 160.00",
            # actual against target
            "Team East 1,000.00 720.00 -280.00 72.00",
            "Team West 500.00 460.00 -40.00 92.00",
            # previous period
            "2026-09 400.00 160.00 240.00 780.00 195.00 320.00",
            # cost of goods sold, returns and discounts
            "Cost of goods sold 700.00, cost taken back by returns -80.00",
            "discounts granted 80.00",
            # ledgers and aging buckets in words, not codes
            "Accrued Revenue (Accrued",
            "Not Due",
        ):
            self.assertIn(figure, text)
        self.assertNotIn("not_due", text)

    def test_workbook_carries_the_figures_typed(self):
        book = self._book()
        self.assertIn("Reconciliation", book.sheetnames)
        cover = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True)}
        self.assertEqual(cover["Fingerprint (SHA-256)"], self.snapshot.fingerprint)
        summary = book["Summary"]
        headers = [cell.value for cell in summary[1]]
        values = dict(zip(headers, [cell.value for cell in summary[2]], strict=True))
        self.assertEqual(
            (
                values["Revenue"],
                values["Net Cost"],
                values["Margin"],
                values["Margin %"],
            ),
            (1180.0, 620.0, 560.0, 47.46),
        )
        revenue = summary.cell(2, headers.index("Revenue") + 1)
        self.assertEqual(revenue.data_type, "n")
        self.assertIn("$", revenue.number_format)
        self.assertEqual(summary.freeze_panes, "A2")
        self.assertTrue(summary.auto_filter.ref)
        targets = [row for row in book["Targets"].iter_rows(values_only=True)][1:]
        self.assertEqual(
            targets,
            [
                ("Team East", 1000.0, 720.0, -280.0, 72.0),
                ("Team West", 500.0, 460.0, -40.0, 92.0),
            ],
        )
        customers = {
            row[0]: row[7] for row in book["By Customer"].iter_rows(values_only=True)
        }
        self.assertEqual(
            (customers["Customer A"], customers["Customer B"]), (720.0, 460.0)
        )
        lines = list(book["Reconciliation"].iter_rows(values_only=True))
        self.assertEqual(len(lines), 1 + self.snapshot.line_count)
        self.assertEqual(
            sorted(row[0] for row in lines[1:]),
            sorted([self.order_a.name, self.order_b.name]),
        )

    def test_version_two_has_its_own_files(self):
        first_pdf = self.snapshot.pdf_attachment_id
        first_raw = (first_pdf.raw, self.snapshot.xlsx_attachment_id.raw)
        period = self.period_oct.with_context(force_report_rendering=True)
        self._stage(period, "invoicing_locked")
        self._stage(period, "closed")
        second = self.period_oct.snapshot_id
        self.assertEqual(second.version, 2)
        self.assertEqual(second.pdf_attachment_id.name, "2026-10-v2.pdf")
        self.assertNotEqual(second.pdf_attachment_id, first_pdf)
        self.assertIn(second.fingerprint, pdf_text(second.pdf_attachment_id.raw, 1))
        self.assertEqual(
            (first_pdf.raw, self.snapshot.xlsx_attachment_id.raw), first_raw
        )

    def test_reprint_renders_the_frozen_payload(self):
        # live data moves on: the reprint still says what the close said
        self.env["crm.team"].browse(self.team_east.id).invoiced_target = 5000
        content, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "sales_closing.action_report_close_pack", self.snapshot.ids
            )
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(pdf_text(content).split())
        self.assertIn("Team East 1,000.00 720.00 -280.00 72.00", text)

    def test_pdf_writes_the_amounts_as_its_language_does(self):
        # German writes 1.200,00 where English writes 1,200.00: the figures
        # are the frozen ones, only their writing follows the language
        self.env["res.lang"]._activate_lang("de_DE")
        content, kind = (
            self.env["ir.actions.report"]
            .with_context(lang="de_DE", force_report_rendering=True)
            ._render_qweb_pdf(
                "sales_closing.action_report_close_pack", self.snapshot.ids
            )
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(pdf_text(content).split())
        self.assertIn(
            "1.200,00 -180,00 160,00 0,00 0,00 0,00 1.180,00 620,00 560,00 47,46",
            text,
        )
        self.assertIn("Team East 1.000,00 720,00 -280,00 72,00", text)
        self.assertNotIn("1,200.00", text)

    @skipIf(not cjk_font(), "no Chinese font (Debian: fonts-noto-cjk)")
    def test_pdf_in_chinese_for_a_chinese_user(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", "sales_closing")]
        )._update_translations(["zh_CN"], overwrite=True)
        manager = self.closing_manager
        manager.lang = "zh_CN"
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(manager)
            .with_context(lang=manager.lang, force_report_rendering=True)
            .sudo()
            ._render_qweb_pdf(
                "sales_closing.action_report_close_pack", self.snapshot.ids
            )
        )
        self.assertEqual(kind, "pdf")
        first_page = pdf_text(content, 1)
        # the headings in Chinese, drawn with a font that has the glyphs
        # (pdftotext reads them back only then), the fingerprint still there
        for heading in ("销售结账包", "销售汇总", "公司"):
            self.assertIn(heading, first_page)
        self.assertNotIn("Sales Close Pack", first_page)
        self.assertIn(self.snapshot.fingerprint, first_page)
        text = pdf_text(content)
        for heading in (
            "应收账款账龄",
            "与总账核对",
            "检查与豁免",
            "签核",
            "按产品类别",
        ):
            self.assertIn(heading, text)
