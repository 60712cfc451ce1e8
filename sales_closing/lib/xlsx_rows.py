"""Rows of plain cells written fast in xlsxwriter's constant-memory mode.

xlsxwriter writes a cell in about 7 µs (a cell object, a dimension check, an
attribute list, escaping, one ``write`` per cell); the pack's workbook has
2.4 million cells at 100,000 order lines, and that was most of the pack's
time. ``PlainRowsWorksheet.write_plain_rows`` writes the same XML — byte for
byte, proven against ``write_row`` by the tests — one string per row, for
rows whose cells are text, numbers or empty and take their style from the
column (``set_column``). Anything else (a rich string, a non-finite number,
a workbook not in constant-memory mode) goes through ``write_row``.

It reads xlsxwriter's worksheet internals (``fh``, ``previous_row``,
``col_formats``, ``_write_single_row``, ``_write_row``, ``_escape_data``) of
the 3.x series Odoo 18 runs with; the tests compare both outputs, so a
change there shows as a failing test, not as a different file.
"""

import math
import re

from xlsxwriter.utility import preserve_whitespace, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# xlsxwriter's own escapes of inline strings (worksheet._write_cell)
_CONTROL_1 = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL_2 = re.compile(r"([\x00-\x08\x0b-\x1f])")


class PlainRowsWorksheet(Worksheet):
    """A worksheet that can write many plain rows at once (see the module)."""

    def write_plain_rows(self, first_row, rows):
        """Write ``rows`` (lists of ``None``, ``str``, ``int`` or ``float``;
        ``None`` and ``""`` leave the cell empty, as ``write_row`` does)
        from row ``first_row`` on; return the index of the last row written
        (``first_row - 1`` when there is none)."""
        if not self.constant_memory:
            return self._write_rows_slowly(first_row, rows)
        row = first_row - 1
        styles = {}
        # the rows written before (the header) go out first, as xlsxwriter
        # does when a cell lands on a later row
        self._write_single_row(first_row)
        for row, values in enumerate(rows, start=first_row):
            cells = self._get_plain_cells(row, values, styles)
            if cells is None:  # a value this writer does not take
                self._write_single_row(row)
                self.write_row(row, 0, values)
                self._write_single_row(row + 1)
                continue
            if not cells:
                continue
            # the dimensions as xlsxwriter keeps them: cell by cell
            self._check_dimensions(row, cells[0][0])
            self._check_dimensions(row, cells[-1][0])
            self._write_row(row, None)
            self.fh.write("".join(xml for _col, xml in cells))
            self._xml_end_tag("row")
        self.previous_row = row + 1
        return row

    def _write_rows_slowly(self, first_row, rows):
        row = first_row - 1
        for row, values in enumerate(rows, start=first_row):
            self.write_row(row, 0, values)
        return row

    def _get_plain_cells(self, row, values, styles):
        """Return the row's cells as ``(column, XML)``, or None if one is not
        plain."""
        number = str(row + 1)
        cells = []
        for col, value in enumerate(values):
            if value is None or value == "":  # a blank without a format
                continue
            if col not in styles:
                fmt = self.col_formats.get(col)
                styles[col] = (
                    xl_col_to_name(col),
                    f' s="{fmt._get_xf_index()}"' if fmt else "",
                )
            name, style = styles[col]
            cell = f'<c r="{name}{number}"{style}'
            kind = type(value)
            if kind is str:
                text = self._get_plain_text(value)
                if text is None:
                    return None
                cells.append((col, f'{cell} t="inlineStr"><is>{text}</is></c>'))
            elif kind in (int, float) and math.isfinite(value):
                cells.append((col, f"{cell}><v>{value:.16G}</v></c>"))
            else:
                return None
        return cells

    def _get_plain_text(self, string):
        """Return ``<t>…</t>`` of an inline string as xlsxwriter writes it,
        or None for a string xlsxwriter would write as a rich string."""
        if "_x" in string:
            string = _CONTROL_1.sub(r"_x005F\1", string)
        string = _CONTROL_2.sub(lambda match: f"_x{ord(match.group(1)):04X}_", string)
        string = string.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        if string.startswith("<r>") and string.endswith("</r>"):
            return None
        preserve = ' xml:space="preserve"' if preserve_whitespace(string) else ""
        return f"<t{preserve}>{self._escape_data(string)}</t>"
