# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The close pack: what a period said when it closed, frozen.

One snapshot per close of a period (version 1, 2, … after each reopening),
made in the transaction that closes it, after the period-end entries are
posted: if anything fails, the period stays where it was. A snapshot is
never changed nor deleted.

Its payload is canonical JSON (``lib/canonical.py`` says how it is written),
stored as an attachment, with its SHA-256 fingerprint on the snapshot.
Sections of the payload (every amount a fixed-decimal string):

- ``format``, ``company``, ``period`` (with ``version``, ``closed_by``,
  ``closed_at``);
- ``lines``: every reconciliation line (``sale.closing.line``) as of the end,
  sorted by order and order line, and ``line_totals``;
- ``checks``: the check results with their waivers (who, when, why);
- ``entries``: the period-end entries, their reversals and their lines;
- ``summary``: the sales summary (revenue recognised in the period by
  customer, category, product, salesperson, team; returns, discounts, cost of
  goods sold, margin; previous period, same period a year before; actual vs
  target per team);
- ``aging``: open receivables at the end by customer and bucket;
- ``stock``: opening, delivered, returned, closing quantity and value of the
  products sold (收发存);
- ``tie_out``: each sub-ledger figure against its account balance at the end.

The PDF and the workbook of the pack are rendered from the payload only.
"""

import functools
import gzip
import hashlib
import io
import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.base.models.res_lang import intersperse

from ..lib import canonical

GZIP_MAGIC = b"\x1f\x8b"


class SaleClosingSnapshot(models.Model):
    _name = "sale.closing.snapshot"
    _description = "Sales Closing Snapshot"
    _order = "period_id, version desc"
    _check_company_auto = True

    # === FIELDS === #
    name = fields.Char(compute="_compute_name")
    period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    version = fields.Integer(required=True, readonly=True)
    closed_by_id = fields.Many2one(
        comodel_name="res.users", string="Closed By", required=True, readonly=True
    )
    closed_at = fields.Datetime(string="Closed On", required=True, readonly=True)
    fingerprint = fields.Char(
        string="Fingerprint (SHA-256)",
        required=True,
        readonly=True,
        help="SHA-256 of the canonical payload: any change to the frozen "
        "figures changes it.",
    )
    format_version = fields.Integer(readonly=True, default=canonical.FORMAT_VERSION)
    payload_attachment_id = fields.Many2one(
        comodel_name="ir.attachment", string="Payload", readonly=True
    )
    pdf_attachment_id = fields.Many2one(
        comodel_name="ir.attachment", string="PDF Report", readonly=True
    )
    xlsx_attachment_id = fields.Many2one(
        comodel_name="ir.attachment", string="Workbook", readonly=True
    )
    line_count = fields.Integer(string="Reconciliation Lines", readonly=True)

    _sql_constraints = [
        (
            "period_version_uniq",
            "UNIQUE(period_id, version)",
            "A period has one snapshot per version.",
        ),
    ]

    # === COMPUTES === #
    @api.depends("period_id.name", "version")
    def _compute_name(self):
        for snapshot in self:
            snapshot.name = self.env._(
                "%(period)s, version %(version)s",
                period=snapshot.period_id.name,
                version=snapshot.version,
            )

    # === CRUD === #
    def write(self, vals):
        if not self.env.context.get("sale_closing_snapshot_filing"):
            raise UserError(
                self.env._(
                    "A close pack is frozen: it cannot be changed. Reopen the "
                    "period and close it again to make a new version."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "A close pack is kept for the auditors: it cannot be deleted. "
                "Reopening the period keeps it; closing again adds a version."
            )
        )

    # === ACTIONS === #
    def action_verify(self):
        """Recompute the fingerprint from the stored payload and say in plain
        words whether it still matches."""
        self.ensure_one()
        ok, message = self._verify()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Close pack verified")
                if ok
                else self.env._("Close pack does NOT match"),
                "message": message,
                "type": "success" if ok else "danger",
                "sticky": not ok,
            },
        }

    def action_download_pdf(self):
        self.ensure_one()
        return self._download(self.pdf_attachment_id)

    def action_download_xlsx(self):
        self.ensure_one()
        return self._download(self.xlsx_attachment_id)

    # === BUSINESS === #
    def _download(self, attachment):
        if not attachment:
            raise UserError(
                self.env._(
                    "%(pack)s has no such file.", pack=self.display_name or self.name
                )
            )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _get_payload_bytes(self):
        """Return the stored canonical payload (bytes, empty when missing),
        uncompressed: packs are stored gzipped since they are streamed,
        those stored before as plain JSON are read as they are."""
        self.ensure_one()
        raw = self.sudo().payload_attachment_id.raw or b""
        if raw[:2] == GZIP_MAGIC:
            return gzip.decompress(raw)
        return raw

    def _get_payload_reader(self):
        """Return the stored payload as a ``canonical.Reader``: read as a
        stream from the (compressed) attachment, one item at a time."""
        self.ensure_one()
        raw = self.sudo().payload_attachment_id.raw or b""
        if raw[:2] == GZIP_MAGIC:
            return canonical.Reader(lambda: gzip.GzipFile(fileobj=io.BytesIO(raw)))
        return canonical.Reader(raw)

    def _get_payload(self):
        """Return the stored payload read back (a dict; amounts are strings)."""
        self.ensure_one()
        return canonical.loads(self._get_payload_bytes())

    def _get_payload_fingerprint(self):
        """Return the SHA-256 of the stored canonical payload, read as a
        stream (None when there is none)."""
        self.ensure_one()
        if not self.sudo().payload_attachment_id.raw:
            return None
        digest = hashlib.sha256()
        with self._get_payload_reader().open() as stream:
            for chunk in iter(functools.partial(stream.read, 1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def _get_report_payload(self, limit=200):
        """Return what the PDF shows of the stored payload, read in one pass
        without holding it: every section but the two that grow with the
        month; ``lines`` holds the first ``limit`` lines with a difference
        (``line_count``: all of them), ``checks`` every waiver then the
        first ``limit`` other results (``check_count``: all of them)."""
        self.ensure_one()
        counts = {}

        def first_lines(lines):
            listed, counts["lines"] = [], 0
            for line in lines:
                counts["lines"] += 1
                if len(listed) < limit and canonical.to_float(
                    line["amount_difference_company"]
                ):
                    listed.append(line)
            return listed

        def waivers_first(checks):
            waived, others, counts["checks"] = [], [], 0
            for check in checks:
                counts["checks"] += 1
                if check["waived"]:
                    waived.append(check)
                elif len(others) < limit:
                    others.append(check)
            return waived + others

        payload = self._get_payload_reader().sections(
            {"lines": first_lines, "checks": waivers_first}
        )
        payload.update(line_count=counts["lines"], check_count=counts["checks"])
        return payload

    def _get_pack_number_formatter(self):
        """Return a function writing a frozen fixed-decimal string of the
        payload (an amount, a quantity, a percentage) as the language of the
        report writes numbers: its thousands separator, grouping and decimal
        point (``"-12345.60"`` → ``"-12,345.60"`` in English); ``-`` when
        there is none. The digits are the frozen ones: a reprint shows the
        same figures. The language is looked up once, not per figure."""
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        if lang:
            grouping = json.loads(lang.grouping)
            separator, point = lang.thousands_sep or "", lang.decimal_point
        else:
            grouping, separator, point = [], "", "."

        def format_number(text):
            if text is None or text == "":
                return "-"
            integer, _point, decimals = text.partition(".")
            integer = intersperse(integer, grouping, separator)[0]
            return f"{integer}{point}{decimals}" if decimals else integer

        return format_number

    def _verify(self):
        """Return ``(matches, message)``: whether the SHA-256 of the stored
        payload is still the fingerprint taken at the close."""
        self.ensure_one()
        computed = self._get_payload_fingerprint()
        if computed is None:
            return False, self.env._(
                "%(pack)s: the stored payload is missing; the figures of this "
                "close cannot be proven.",
                pack=self.name,
            )
        if computed == self.fingerprint:
            return True, self.env._(
                "%(pack)s: the stored figures are exactly those frozen at the "
                "close on %(date)s (fingerprint %(fingerprint)s).",
                pack=self.name,
                date=fields.Datetime.to_string(self.closed_at),
                fingerprint=self.fingerprint,
            )
        return False, self.env._(
            "%(pack)s: the stored figures were changed after the close. Their "
            "fingerprint is now %(computed)s, it was %(fingerprint)s at the "
            "close. Do not rely on this pack; reopen and close the period again.",
            pack=self.name,
            computed=computed,
            fingerprint=self.fingerprint,
        )
