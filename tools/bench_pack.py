# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The close pack step of ``dev.py bench`` (run in ``odoo shell`` by
``bench_scale.py``).

Owns: timing the close pack of a period on its own — the whole
``_create_snapshot`` (payload as of the end, canonical JSON, SHA-256, PDF,
workbook, attachments, chatter), then the payload, the PDF and the workbook
one by one — and showing that the workbook was written in xlsxwriter's
constant-memory mode (inline strings, no shared-strings table: xlsxwriter
writes them so only then). Rolled back.
"""

import io
import zipfile

from odoo import fields

from odoo.addons.sales_closing.lib import canonical

REPORT = "sales_closing.action_report_close_pack"


def written_in_constant_memory(raw):
    """Whether the workbook ``raw`` has the shape of xlsxwriter's
    constant-memory mode: strings inline in the sheets, no shared strings."""
    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        names = book.namelist()
        sheet = book.read(next(n for n in names if n.startswith("xl/worksheets/")))
    return "xl/sharedStrings.xml" not in names and b't="inlineStr"' in sheet


def pack_undone(env, bench, period, size):
    """Time the close pack of ``period`` (its reconciliation lines as the
    last Run Checks stored them) and roll it back."""
    period = period.sudo()
    with env.cr.savepoint() as savepoint:
        snapshot = bench.measure(
            size, "close pack (snapshot + PDF + XLSX)", period._create_snapshot
        )
        payload = snapshot._get_payload()
        bench.measure(
            size,
            "  pack: payload + canonical JSON + SHA-256",
            lambda: canonical.fingerprint(
                canonical.dumps(
                    period._get_pack_payload(
                        snapshot.version, env.user, fields.Datetime.now()
                    )
                )
            ),
        )
        bench.measure(
            size,
            "  pack: PDF",
            lambda: env["ir.actions.report"]
            .with_context(report_pdf_no_attachment=True)
            ._render_qweb_pdf(REPORT, snapshot.ids),
        )
        raw = bench.measure(
            size,
            "  pack: XLSX",
            lambda: period._render_pack_xlsx(payload, snapshot.fingerprint),
        )
        print(
            f"          {snapshot.line_count:,} lines in the pack; PDF "
            f"{snapshot.pdf_attachment_id.file_size:,} bytes, workbook "
            f"{len(raw):,} bytes, constant-memory mode: "
            f"{written_in_constant_memory(raw)}"
        )
        savepoint.rollback()
    env.invalidate_all()
