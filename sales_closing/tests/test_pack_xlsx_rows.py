# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The workbook's fast rows (lib/xlsx_rows.py) are xlsxwriter's own XML."""

import io
import zipfile

from odoo.tests import BaseCase, tagged
from odoo.tools.misc import xlsxwriter

from ..lib.xlsx_rows import PlainRowsWorksheet

ROWS = [
    # text with spaces to keep, XML's specials, xlsxwriter's escapes
    ["S00001", "  leading", "trailing ", "a&b<c>\"d'", "_x0041_ \x01\x1f", "\ufffe"],
    [None, 1.5, -0.0, 0, 12345678901234567890, 1e-7, 2.675, None],
    [None, None, None],  # nothing: no row at all
    ["中文客户", "tab\tand\nnewline", "", 7, -1234.5],
    ["<r>rich</r>", True, 3.0],  # not plain: written by write_row
    *([f"S{i:05d}", f"Customer {i % 7}", None, i * 1.25, i] for i in range(50)),
]


@tagged("post_install", "-at_install")
class TestPackXlsxRows(BaseCase):
    def _sheet_xml(self, fast, constant_memory=True):
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(
            stream, {"constant_memory": constant_memory, "strings_to_numbers": False}
        )
        sheet = book.add_worksheet("Lines", worksheet_class=PlainRowsWorksheet)
        header, money = (
            book.add_format({"bold": True}),
            book.add_format({"num_format": "#,##0.00"}),
        )
        for col in range(8):
            sheet.write_string(0, col, f"Column {col}", header)
            sheet.set_column(col, col, 14, money if col % 2 else None)
        if fast:
            last = sheet.write_plain_rows(1, iter(ROWS))
        else:
            for row, values in enumerate(ROWS, start=1):
                sheet.write_row(row, 0, values)
            last = len(ROWS)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, last, 7)
        sheet.write_row(last + 1, 0, ["after", 1])
        book.close()
        with zipfile.ZipFile(io.BytesIO(stream.getvalue())) as files:
            return files.read("xl/worksheets/sheet1.xml").decode()

    def test_plain_rows_are_xlsxwriters_own_xml(self):
        fast, slow = self._sheet_xml(True), self._sheet_xml(False)
        self.assertEqual(fast, slow)
        # the comparison compares something: the escapes, the styles, the
        # dimension and the row written after are in it
        self.assertIn('<dimension ref="A1:H57"/>', fast)
        self.assertIn("_x005F_x0041_ _x0001__x001F_", fast)
        self.assertIn('<t xml:space="preserve">  leading</t>', fast)
        self.assertIn("a&amp;b&lt;c&gt;", fast)
        self.assertIn('<c r="E2" t="inlineStr"><is><t>_x005F', fast)
        self.assertIn('<c r="B3" s="2"><v>1.5</v></c>', fast)
        self.assertNotIn('<row r="4"', fast)
        self.assertIn('<row r="57"', fast)

    def test_without_constant_memory_rows_go_through_xlsxwriter(self):
        self.assertEqual(
            self._sheet_xml(True, constant_memory=False),
            self._sheet_xml(False, constant_memory=False),
        )
