# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The files of a close pack: the PDF report and the workbook, rendered from
the snapshot's payload only (never from live data), attached to the
snapshot.

The workbook is written by xlsxwriter in constant-memory mode (each sheet
row by row): one sheet per section of the payload and one with every
reconciliation line; numbers are numeric cells with the company currency's
format, headers frozen, autofilters on. The sheets are described by
``_get_pack_sheets``.

The PDF is the QWeb report ``sales_closing.action_report_close_pack``.
Odoo renders HTML instead of a PDF while it runs tests (unless the context
says ``force_report_rendering``); the pack then attaches that HTML as it
is, under an ``.html`` name, rather than pretend it is a PDF.
"""

import io

from odoo import models
from odoo.tools.misc import xlsxwriter

from ..lib import canonical
from ..lib.xlsx_rows import PlainRowsWorksheet
from .sale_closing_pack_payload import LINE_COMPANY_AMOUNTS, LINE_QUANTITIES

REPORT = "sales_closing.action_report_close_pack"


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    def _render_pack_files(self, snapshot, payload=None):
        """Return the ``(PDF, workbook)`` attachments of ``snapshot``,
        rendered from ``payload`` (a dict or a ``canonical.Reader``; the
        stored payload when None, read for the workbook once the PDF is
        done, so that one copy of it is in memory at a time)."""
        self.ensure_one()
        stem = f"{self.name}-v{snapshot.version}"
        content, kind = (
            self.env["ir.actions.report"]
            .sudo()
            .with_context(report_pdf_no_attachment=True)
            ._render_qweb_pdf(REPORT, snapshot.ids)
        )
        if kind == "pdf":
            pdf = self._attach_pack_file(
                snapshot, f"{stem}.pdf", content, "application/pdf"
            )
        else:
            pdf = self._attach_pack_file(snapshot, f"{stem}.html", content, "text/html")
        xlsx = self._attach_pack_file(
            snapshot,
            f"{stem}.xlsx",
            self._render_pack_xlsx(
                payload or snapshot._get_payload_reader(), snapshot.fingerprint
            ),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        return pdf, xlsx

    # --- workbook -------------------------------------------------------------------
    def _render_pack_xlsx(self, payload, fingerprint):
        """Return the bytes of the workbook of ``payload`` whose SHA-256 is
        ``fingerprint``; ``payload`` is a dict or a ``canonical.Reader``
        (then the lines and the check results are read one by one)."""
        if isinstance(payload, canonical.Reader):
            streamed = ("lines", "checks")
            payload = {
                **payload.head(skip=streamed),
                **{key: payload.items(key) for key in streamed},
            }
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(
            stream,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        currency = self.company_id.currency_id
        digits = canonical.digits_of(currency.rounding)
        zeros = "." + "0" * digits if digits else ""
        symbol = (currency.symbol or currency.name).replace('"', "")
        number = f"#,##0{zeros}"
        if currency.position == "before":
            money = f'"{symbol}"{number};-"{symbol}"{number}'
        else:
            money = f'{number} "{symbol}";-{number} "{symbol}"'
        formats = {
            "header": book.add_format({"bold": True, "bg_color": "#DDDDDD"}),
            "money": book.add_format({"num_format": money}),
            "qty": book.add_format({"num_format": "#,##0.00###"}),
            "percent": book.add_format({"num_format": '0.00"%"'}),
            "text": None,
        }
        for title, columns, rows in self._get_pack_sheets(payload, fingerprint):
            self._write_pack_sheet(book, formats, title, columns, rows)
        book.close()
        return stream.getvalue()

    def _write_pack_sheet(self, book, formats, title, columns, rows):
        """Write one sheet: ``columns`` are ``(header, key, kind)`` with kind
        ``text``, ``money``, ``qty`` or ``percent``; ``rows`` dicts (or
        callables of a row, for keys)."""
        sheet = book.add_worksheet(title[:31], worksheet_class=PlainRowsWorksheet)
        for col, (header, _key, kind) in enumerate(columns):
            sheet.write_string(0, col, header, formats["header"])
            # the column's format is the numbers' (xlsxwriter writes it on
            # each cell without one): a row is plain cells only
            sheet.set_column(col, col, 14 if kind != "text" else 24, formats[kind])
        # (key, getter, whether a number): None and "" are left empty
        getters = [
            (key if callable(key) else None, key, kind != "text")
            for _header, key, kind in columns
        ]

        def values(row):
            cells = []
            for getter, key, numeric in getters:
                value = getter(row) if getter else row.get(key)
                if value is None or value == "":
                    cells.append(None)
                elif numeric:
                    cells.append(canonical.to_float(value))
                else:
                    cells.append(str(value))
            return cells

        count = sheet.write_plain_rows(1, map(values, rows))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)

    def _get_pack_sheets(self, payload, fingerprint):
        """Return the sheets of the workbook: ``(title, columns, rows)``."""
        env = self.env
        period = payload["period"]
        summary = payload["summary"]
        figures = [
            (env._("Invoiced"), "invoiced", "money"),
            (env._("Credit Notes"), "refunded", "money"),
            (env._("Accrued"), "accrued", "money"),
            (env._("Accruals Reversed"), "accrual_reversed", "money"),
            (env._("Deferred"), "deferred", "money"),
            (env._("Deferrals Reversed"), "deferral_reversed", "money"),
            (env._("Revenue"), "revenue", "money"),
            (env._("Cost of Goods Sold"), "cogs", "money"),
            (env._("Cost Returned"), "cogs_returned", "money"),
            (env._("Net Cost"), "cogs_net", "money"),
            (env._("Margin"), "margin", "money"),
            (env._("Margin %"), "margin_percent", "percent"),
        ]
        text = "text"
        cover = [
            {"item": env._("Company"), "value": payload["company"]["name"]},
            {"item": env._("Period"), "value": period["name"]},
            {"item": env._("From"), "value": period["date_start"]},
            {"item": env._("To"), "value": period["date_end"]},
            {"item": env._("Version"), "value": period["version"]},
            {"item": env._("Closed By"), "value": period["closed_by"]},
            {"item": env._("Closed On"), "value": period["closed_at"]},
            {"item": env._("Currency"), "value": payload["company"]["currency"]},
            {"item": env._("Fingerprint (SHA-256)"), "value": fingerprint},
        ]
        sheets = [
            (
                env._("Cover"),
                [(env._("Item"), "item", text), (env._("Value"), "value", text)],
                cover,
            ),
            (env._("Summary"), figures, [summary["totals"]]),
        ]
        for dim, title in self._get_pack_dimension_titles().items():
            sheets.append(
                (title, [(env._("Name"), "name", text), *figures], summary[f"by_{dim}"])
            )
        return sheets + self._get_pack_ledger_sheets(payload)

    # --- labels (the PDF and the workbook) -------------------------------------------
    def _get_pack_dimension_titles(self):
        """Return ``{summary dimension: its title}``, in the order shown."""
        return {
            "partner": self.env._("By Customer"),
            "categ": self.env._("By Category"),
            "product": self.env._("By Product"),
            "user": self.env._("By Salesperson"),
            "team": self.env._("By Team"),
        }

    def _get_pack_ledger_labels(self):
        """Return ``{tie-out ledger code: its label}``."""
        return {
            "receivables": self.env._("Receivables"),
            "accrued": self.env._("Accrued Revenue"),
            "deferred": self.env._("Deferred Revenue"),
            "allowance": self.env._("Bad-Debt Allowance"),
            "stock_valuation": self.env._("Stock Valuation"),
        }

    def _get_pack_bucket_label(self, bucket):
        """Return the heading of aging bucket ``bucket`` (``not_due``,
        ``1-30``, ``90+``…)."""
        if bucket == "not_due":
            return self.env._("Not Due")
        return self.env._("%(bucket)s Days Overdue", bucket=bucket)

    def _get_pack_ledger_sheets(self, payload):
        """Return the sheets after the summary: comparison, targets, aging,
        stock, tie-out, checks, entries and the reconciliation."""
        return self._get_pack_analysis_sheets(payload) + self._get_pack_control_sheets(
            payload
        )

    def _get_pack_stock_columns(self):
        """Return the columns of the stock movement (收发存) sheet."""
        env = self.env
        text, money, qty = "text", "money", "qty"
        stock_columns = [
            (env._("Product"), "product", text),
            (env._("Unit"), "unit", text),
        ]
        for column, label in (
            ("opening", env._("Opening")),
            ("delivered", env._("Delivered")),
            ("returned", env._("Returned")),
            ("other", env._("Other Moves")),
            ("closing", env._("Closing")),
        ):
            stock_columns += [
                (env._("%(column)s Qty", column=label), f"{column}_qty", qty),
                (env._("%(column)s Value", column=label), f"{column}_value", money),
            ]
        return stock_columns

    def _get_pack_analysis_sheets(self, payload):
        """Return the comparison, targets, aging and stock movement sheets."""
        env = self.env
        text, money = "text", "money"
        comparison = payload["summary"]["comparison"]
        aging = payload["aging"]
        return [
            (
                env._("Comparison"),
                [
                    (env._("Compared With"), "label", text),
                    (env._("Revenue"), "revenue", money),
                    (env._("Net Cost"), "cogs_net", money),
                    (env._("Margin"), "margin", money),
                    (env._("Margin %"), "margin_percent", "percent"),
                    (env._("Revenue Change"), "revenue_change", money),
                    (env._("Revenue Change %"), "revenue_change_percent", "percent"),
                    (env._("Margin Change"), "margin_change", money),
                ],
                [comparison[key] for key in ("previous_period", "previous_year")],
            ),
            (
                env._("Targets"),
                [
                    (env._("Sales Team"), "name", text),
                    (env._("Target"), "target", money),
                    (env._("Actual"), "actual", money),
                    (env._("Variance"), "variance", money),
                    (env._("Achieved %"), "achieved_percent", "percent"),
                ],
                payload["summary"]["targets"],
            ),
            (
                env._("Aging"),
                [
                    (env._("Customer"), "partner", text),
                    *(
                        (
                            self._get_pack_bucket_label(bucket),
                            lambda r, b=bucket: r["buckets"][b],
                            money,
                        )
                        for bucket in aging["buckets"]
                    ),
                    (env._("Total"), "total", money),
                ],
                aging["rows"],
            ),
            (
                env._("Stock Movement"),
                self._get_pack_stock_columns(),
                payload["stock"],
            ),
        ]

    def _get_pack_control_sheets(self, payload):
        """Return the tie-out, checks, entries and reconciliation sheets."""
        env = self.env
        text, money = "text", "money"
        entry_rows = [
            {
                **line,
                "number": entry["number"],
                "date": entry["date"],
                "kind": entry["kind"],
                "state": entry["state"],
            }
            for entry in payload["entries"]
            for line in entry["lines"]
        ]
        return [
            (
                env._("Tie-out"),
                [
                    (
                        env._("Ledger"),
                        lambda r: self._get_pack_ledger_labels().get(r["ledger"]),
                        text,
                    ),
                    (env._("Posting Rule"), "rule", text),
                    (env._("Accounts"), lambda r: ", ".join(r["accounts"]), text),
                    (env._("Sub-ledger"), "sub_ledger", money),
                    (env._("General Ledger"), "general_ledger", money),
                    (env._("Difference"), "difference", money),
                ],
                payload["tie_out"],
            ),
            (
                env._("Checks"),
                [
                    (env._("Check"), "check", text),
                    (env._("Severity"), "severity", text),
                    (env._("Problem"), "problem", text),
                    (env._("Amount"), "amount", money),
                    (env._("Waived By"), "waived_by", text),
                    (env._("Waived On"), "waived_on", text),
                    (env._("Waiver Reason"), "waive_reason", text),
                ],
                payload["checks"],
            ),
            (
                env._("Entries"),
                [
                    (env._("Entry"), "number", text),
                    (env._("Date"), "date", text),
                    (env._("Kind"), "kind", text),
                    (env._("Status"), "state", text),
                    (env._("Account"), "account", text),
                    (env._("Customer"), "partner", text),
                    (env._("Label"), "label", text),
                    (env._("Debit"), "debit", money),
                    (env._("Credit"), "credit", money),
                ],
                entry_rows,
            ),
            self._get_pack_reconciliation_sheet(payload),
        ]

    def _get_pack_reconciliation_sheet(self, payload):
        """Return the sheet of every reconciliation line of the pack."""
        env = self.env
        text, money, qty = "text", "money", "qty"
        line_fields = self.env["sale.closing.line"]._fields
        labels = {
            name: line_fields[name]._description_string(env)
            for name in LINE_QUANTITIES + LINE_COMPANY_AMOUNTS
        }
        return (
            env._("Reconciliation"),
            [
                (env._("Order"), "order", text),
                (env._("Customer"), "partner", text),
                (env._("Product"), "product", text),
                (env._("Salesperson"), "user", text),
                (env._("Sales Team"), "team", text),
                (env._("Unit"), "product_uom", text),
                (env._("Currency"), "currency", text),
                *((labels[name], name, qty) for name in LINE_QUANTITIES),
                *((labels[name], name, money) for name in LINE_COMPANY_AMOUNTS),
            ],
            payload["lines"],
        )
