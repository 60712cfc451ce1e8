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

Run as a script (``dev.py bench --pack-only --lines N``, on the kept database
``sales_closing_pack_N``): grows the first open period to N order lines with
``bench_gen.py`` and runs its checks once (committed, remembered in the
parameter ``sales_closing.bench_pack_lines``), then times the pack alone.
``BENCH_PROFILE=<file>`` also writes a cProfile of the whole pack there.
"""

import gzip
import io
import os
import sys
import zipfile

from odoo import fields

from odoo.addons.sales_closing.lib import canonical
from odoo.addons.sales_closing.models.sale_closing_period_pack import GZIP_LEVEL

REPORT = "sales_closing.action_report_close_pack"


def written_in_constant_memory(raw):
    """Whether the workbook ``raw`` has the shape of xlsxwriter's
    constant-memory mode: strings inline in the sheets, no shared strings."""
    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        names = book.namelist()
        sheet = book.read(next(n for n in names if n.startswith("xl/worksheets/")))
    return "xl/sharedStrings.xml" not in names and b't="inlineStr"' in sheet


def write_payload(env, period, version):
    """Write the payload of ``period`` as the close does (streamed, hashed,
    gzipped); its compressed size."""
    buffer = io.BytesIO()
    with gzip.GzipFile(
        fileobj=buffer, mode="wb", compresslevel=GZIP_LEVEL, mtime=0
    ) as packed:
        writer = canonical.HashingWriter(packed)
        period._write_pack_payload(writer, version, env.user, fields.Datetime.now())
    print(
        f"          payload {writer.size:,} bytes, stored gzipped in "
        f"{len(buffer.getvalue()):,}"
    )


def pack_undone(env, bench, period, size):
    """Time the close pack of ``period`` (its reconciliation lines as the
    last Run Checks stored them) and roll it back."""
    period = period.sudo()
    with env.cr.savepoint() as savepoint:
        snapshot = bench.measure(
            size, "close pack (snapshot + PDF + XLSX)", period._create_snapshot
        )
        bench.measure(
            size,
            "  pack: payload + canonical JSON + SHA-256",
            lambda: write_payload(env, period, snapshot.version),
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
            lambda: period._render_pack_xlsx(
                snapshot._get_payload_reader(), snapshot.fingerprint
            ),
        )
        print(
            f"          {snapshot.line_count:,} lines in the pack; PDF "
            f"{snapshot.pdf_attachment_id.file_size:,} bytes, workbook "
            f"{len(raw):,} bytes, constant-memory mode: "
            f"{written_in_constant_memory(raw)}"
        )
        savepoint.rollback()
    env.invalidate_all()


MARKER = "sales_closing.bench_pack_lines"


def prepare(env, period, lines):
    """Grow ``period`` to ``lines`` order lines and run its checks, once:
    committed, so later runs time the pack only."""
    import bench_gen

    params = env["ir.config_parameter"].sudo()
    done = int(params.get_param(MARKER) or 0)
    if done >= lines:
        return
    print(f"bench: generating {lines - done:,} order lines (once)", flush=True)
    bench_gen.generate(env, period, lines - done)
    period.action_run_checks()
    params.set_param(MARKER, str(lines))
    env.cr.commit()
    print(f"bench: {period.line_count:,} reconciliation lines kept", flush=True)


def main(env):
    sys.path.insert(0, os.environ.get("SALES_CLOSING_TOOLS") or "tools")
    from bench_close import first_open_period
    from bench_scale import Bench

    admin = env.ref("base.user_admin")
    env = env(user=admin, context=dict(env.context, tz="UTC"))
    env.company.sale_closing_background_lines = 0
    lines = int(os.environ.get("BENCH_LINES", "100000"))
    period = first_open_period(env)
    prepare(env, period, lines)
    bench = Bench(env)
    profile = os.environ.get("BENCH_PROFILE")
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.runcall(pack_undone, env, bench, period, lines)
        profiler.dump_stats(profile)
        print(f"profile written to {profile}")
    else:
        pack_undone(env, bench, period, lines)
    env.cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main(env))  # noqa: F821 -- `env` is predefined by `odoo shell`
