# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The close pack of a period: the snapshot taken when it closes, its PDF
and workbook, and the actions on the period to open and verify it.

What the payload holds is gathered in ``sale_closing_pack_payload.py`` (the
reconciliation, checks and entries), ``sale_closing_pack_summary.py`` (the
sales summary) and ``sale_closing_pack_ledger.py`` (aging, stock movement,
tie-out to the ledger); the files are written by
``sale_closing_pack_files.py``.
"""

import gzip
import io

from markupsafe import Markup

from odoo import api, fields, models

from ..lib import canonical

#: gzip level of the stored payload: the fastest; canonical JSON repeats its
#: keys on every line and shrinks about tenfold even so
GZIP_LEVEL = 1


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    # === FIELDS === #
    snapshot_ids = fields.One2many(
        comodel_name="sale.closing.snapshot",
        inverse_name="period_id",
        string="Close Packs",
    )
    snapshot_id = fields.Many2one(
        comodel_name="sale.closing.snapshot",
        string="Latest Close Pack",
        compute="_compute_snapshot",
    )
    snapshot_count = fields.Integer(
        string="Close Pack Versions", compute="_compute_snapshot"
    )
    snapshot_fingerprint = fields.Char(
        string="Close Fingerprint",
        compute="_compute_snapshot",
        help="SHA-256 of the figures frozen by the latest close.",
    )

    # === COMPUTES === #
    @api.depends("snapshot_ids.version", "snapshot_ids.fingerprint")
    def _compute_snapshot(self):
        for period in self:
            snapshots = period.snapshot_ids.sorted("version", reverse=True)
            period.snapshot_id = snapshots[:1]
            period.snapshot_count = len(snapshots)
            period.snapshot_fingerprint = snapshots[:1].fingerprint

    # === ACTIONS === #
    def action_view_snapshots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_snapshot_action"
        )
        action["domain"] = [("period_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Close Packs of %(period)s", period=self.name
        )
        return action

    def action_verify_snapshot(self):
        self.ensure_one()
        return self.snapshot_id.action_verify()

    # === THE CLOSE === #
    def _prepare_advance(self, target):
        """Take the close pack once the entries are posted (see the base
        hook): the snapshot, its PDF and its workbook belong to the
        transaction that closes the period."""
        result = super()._prepare_advance(target)
        if target == "closed":
            self._create_snapshot()
        return result

    def _create_snapshot(self):
        """Freeze what the period says now into a new snapshot version, with
        its PDF and workbook attached, and say so in the chatter.

        :return: the snapshot
        """
        self.ensure_one()
        period = self.sudo()
        Snapshot = self.env["sale.closing.snapshot"].sudo()
        version = (
            max(
                Snapshot.search([("period_id", "=", period.id)]).mapped("version"),
                default=0,
            )
            + 1
        )
        closed_at = fields.Datetime.now()
        # written piece by piece, hashed while written, stored compressed:
        # the payload is never held as one dict nor as one string (see
        # sale_closing_pack_payload.py); the fingerprint is that of the
        # canonical bytes, as before
        buffer = io.BytesIO()
        with gzip.GzipFile(
            fileobj=buffer, mode="wb", compresslevel=GZIP_LEVEL, mtime=0
        ) as packed:
            writer = canonical.HashingWriter(packed)
            line_count = period._write_pack_payload(
                writer, version, self.env.user, closed_at
            )
        snapshot = Snapshot.create(
            {
                "period_id": period.id,
                "version": version,
                "closed_by_id": self.env.uid,
                "closed_at": closed_at,
                "fingerprint": writer.fingerprint(),
                "format_version": canonical.FORMAT_VERSION,
                "line_count": line_count,
            }
        )
        filing = snapshot.with_context(sale_closing_snapshot_filing=True)
        filing.payload_attachment_id = self._attach_pack_file(
            snapshot,
            f"{period.name}-v{version}-payload.json.gz",
            buffer.getvalue(),
            "application/gzip",
        )
        del buffer
        pdf, xlsx = period._render_pack_files(snapshot)
        filing.write({"pdf_attachment_id": pdf.id, "xlsx_attachment_id": xlsx.id})
        self._pause_for_tests("pack")
        period.message_post(
            body=Markup("%s")
            % self.env._(
                "Close pack version %(version)s frozen, fingerprint (SHA-256) "
                "%(fingerprint)s.",
                version=version,
                fingerprint=snapshot.fingerprint,
            ),
            attachment_ids=(pdf | xlsx).ids,
        )
        return snapshot

    def _attach_pack_file(self, snapshot, name, raw, mimetype):
        """Return a new attachment of ``snapshot`` holding ``raw``."""
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": raw,
                    "mimetype": mimetype,
                    "res_model": snapshot._name,
                    "res_id": snapshot.id,
                }
            )
        )
