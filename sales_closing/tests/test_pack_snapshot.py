# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The close pack's snapshot: taken in the transaction of the close, after
the entries, versioned, frozen, fingerprinted and verifiable."""

import gzip
import hashlib
import json
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestPackSnapshot(PostingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 10 x 30 delivered on Oct 5, 4 invoiced on Oct 6: 6 x 30 = 180.00
        # delivered, not invoiced, accrued at the close
        cls.order = cls._sell(cls, "2026-10-02", [(cls.product_delivery, 10, 30.0)])
        cls._deliver(cls.order, 10, "2026-10-05")
        cls._invoice_qty(cls, cls.order, "2026-10-06", {cls.product_delivery: 4})
        cls.rule = cls._rule()

    def _payload(self, snapshot):
        return json.loads(snapshot._get_payload_bytes())

    def test_close_takes_version_one_with_lines_checks_and_entries(self):
        self._close()
        snapshot = self.period_oct.snapshot_ids
        self.assertRecordValues(
            snapshot,
            [
                {
                    "version": 1,
                    "closed_at": fields.Datetime.to_datetime("2026-12-15 09:00:00"),
                    "closed_by_id": self.env.uid,
                    "line_count": 1,
                }
            ],
        )
        # stored gzipped; the fingerprint is that of the canonical bytes
        attachment = snapshot.payload_attachment_id
        self.assertEqual(
            (attachment.name, attachment.mimetype),
            ("2026-10-v1-payload.json.gz", "application/gzip"),
        )
        raw = gzip.decompress(attachment.raw)
        self.assertEqual(snapshot._get_payload_bytes(), raw)
        self.assertEqual(snapshot.fingerprint, hashlib.sha256(raw).hexdigest())
        self.assertEqual(self.period_oct.snapshot_fingerprint, snapshot.fingerprint)
        payload = self._payload(snapshot)
        self.assertEqual(
            payload["period"],
            {
                "id": self.period_oct.id,
                "name": "2026-10",
                "date_start": "2026-10-01",
                "date_end": "2026-10-31",
                "version": 1,
                "closed_by": self.env.user.name,
                "closed_at": "2026-12-15T09:00:00",
            },
        )
        (line,) = payload["lines"]
        self.assertEqual(line["sale_line_id"], self.order.order_line.id)
        self.assertEqual(line["order"], self.order.name)
        # 10 delivered, 4 invoiced at 30.00: 300.00, 120.00, 180.00
        self.assertEqual(
            (
                line["qty_delivered"],
                line["qty_invoiced"],
                line["amount_delivered_company"],
                line["amount_invoiced_company"],
                line["amount_difference_company"],
            ),
            ("10.00", "4.00", "300.00", "120.00", "180.00"),
        )
        self.assertEqual(payload["line_totals"]["amount_difference_company"], "180.00")
        # the entry of Oct 31 and its reversal of Nov 1 are in, 180.00 each way
        entries = payload["entries"]
        self.assertEqual(
            [(e["date"], e["kind"], e["state"]) for e in entries],
            [
                ("2026-10-31", "Period-end entry", "posted"),
                ("2026-11-01", "Reversal in the next period", "posted"),
            ],
        )
        self.assertEqual(
            sorted((ln["debit"], ln["credit"]) for ln in entries[0]["lines"]),
            [("0.00", "180.00"), ("180.00", "0.00")],
        )
        # written canonically: sorted keys, no spaces
        self.assertEqual(
            raw,
            json.dumps(
                payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode(),
        )

    def test_waivers_are_in_the_pack(self):
        self.period_oct.action_run_checks()
        result = self.period_oct.result_ids[:1]
        self.assertTrue(result, "the accrued line is a problem to waive")
        with freeze_time("2026-11-03 08:00:00"):
            result.with_user(self.closing_manager)._waive(
                "Invoiced in November by agreement"
            )
        self._close()
        checks = self._payload(self.period_oct.snapshot_id)["checks"]
        waived = [c for c in checks if c["waived"]]
        self.assertEqual(
            [(c["waived_by"], c["waived_on"], c["waive_reason"]) for c in waived],
            [
                (
                    self.closing_manager.name,
                    "2026-11-03T08:00:00",
                    "Invoiced in November by agreement",
                )
            ],
        )

    def test_verify_matches_then_names_tampering(self):
        self._close()
        snapshot = self.period_oct.snapshot_id
        action = self.period_oct.action_verify_snapshot()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("exactly those frozen at the close", action["params"]["message"])
        self.assertIn(snapshot.fingerprint, action["params"]["message"])
        payload = self._payload(snapshot)
        payload["line_totals"]["amount_difference_company"] = "18.00"
        forged = json.dumps(payload, sort_keys=True).encode()
        snapshot.payload_attachment_id.sudo().raw = forged
        action = snapshot.action_verify()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("were changed after the close", action["params"]["message"])
        self.assertIn(hashlib.sha256(forged).hexdigest(), action["params"]["message"])

    def test_a_pack_stored_uncompressed_still_verifies(self):
        # packs frozen before the payload was streamed are plain JSON: their
        # fingerprints still verify, and they still print
        self._close()
        snapshot = self.period_oct.snapshot_id
        plain = snapshot._get_payload_bytes()
        snapshot.payload_attachment_id.sudo().raw = plain
        self.assertEqual(snapshot.payload_attachment_id.raw[:1], b"{")
        self.assertTrue(snapshot._verify()[0])
        self.assertEqual(snapshot._get_payload_reader().head()["period"]["version"], 1)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "sales_closing.action_report_close_pack", snapshot.ids
        )[0]
        self.assertIn(snapshot.fingerprint, html.decode())

    def test_frozen_and_never_deleted(self):
        self._close()
        snapshot = self.period_oct.snapshot_id
        with self.assertRaisesRegex(UserError, "frozen"):
            snapshot.sudo().write({"fingerprint": "0" * 64})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            snapshot.sudo().unlink()
        # a closing manager reads it but cannot touch its files
        attachment = snapshot.payload_attachment_id.with_user(self.closing_manager)
        self.assertTrue(attachment.raw)
        with self.assertRaises(AccessError):
            attachment.unlink()

    def test_reopen_and_close_again_make_version_two(self):
        self._close()
        first = self.period_oct.snapshot_id
        first_raw = first.payload_attachment_id.raw
        first_fingerprint = first.fingerprint
        self._stage(self.period_oct, "sales_locked")
        self.assertEqual(self.period_oct.snapshot_id, first, "reopening keeps it")
        # one more unit invoiced: the accrual is 5 x 30 = 150.00 now
        self._invoice_qty(self.order, "2026-10-30", {self.product_delivery: 1})
        self._close()
        second = self.period_oct.snapshot_id
        self.assertEqual((first.version, second.version), (1, 2))
        self.assertEqual(self.period_oct.snapshot_count, 2)
        self.assertNotEqual(second.fingerprint, first_fingerprint)
        self.assertEqual(first.fingerprint, first_fingerprint)
        self.assertEqual(first.payload_attachment_id.raw, first_raw)
        self.assertNotEqual(second.payload_attachment_id, first.payload_attachment_id)
        payload = self._payload(second)
        self.assertEqual(payload["line_totals"]["amount_difference_company"], "150.00")
        # version 2 lists the first entry, its reversals at reopening and the
        # new entry with its reversal
        self.assertEqual(
            [(e["date"], e["kind"], e["cancelled"]) for e in payload["entries"]],
            [
                ("2026-10-31", "Period-end entry", True),
                ("2026-10-31", "Reversal at reopening", False),
                ("2026-10-31", "Period-end entry", False),
                ("2026-11-01", "Reversal in the next period", True),
                ("2026-11-01", "Reversal at reopening", False),
                ("2026-11-01", "Reversal in the next period", False),
            ],
        )

    def _assert_close_rolled_back(self, method, message):
        """Close October with ``method`` of the period failing: nothing of
        the close may stay."""
        self._stage(self.period_oct, "invoicing_locked")
        lock_date = self.company.sale_lock_date
        Period = type(self.env["sale.closing.period"])
        with (
            patch.object(Period, method, side_effect=UserError(message), autospec=True),
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(UserError, message),
            self.env.cr.savepoint(),
        ):
            self._close()
        self.env.invalidate_all()
        self.assertEqual(self.period_oct.state, "invoicing_locked")
        self.assertFalse(self._entries())
        self.assertFalse(self.period_oct.snapshot_ids)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "sale.closing.snapshot")]
            )
        )
        self.assertEqual(self.company.sale_lock_date, lock_date)

    def test_fault_in_the_snapshot_leaves_the_period_unclosed(self):
        self._assert_close_rolled_back("_write_pack_payload", "snapshot failed")

    def test_fault_while_rendering_leaves_the_period_unclosed(self):
        self._assert_close_rolled_back("_render_pack_xlsx", "workbook failed")

    def test_test_mode_html_is_not_called_a_pdf(self):
        # Odoo renders HTML while it runs tests: the pack says so
        self._close()
        attachment = self.period_oct.snapshot_id.pdf_attachment_id
        self.assertEqual(
            (attachment.name, attachment.mimetype), ("2026-10-v1.html", "text/html")
        )
        self.assertIn(self.period_oct.snapshot_fingerprint, attachment.raw.decode())

    def test_pdf_lists_every_waiver_then_200_results(self):
        self._close()
        snapshot = self.period_oct.snapshot_id
        payload = self._payload(snapshot)
        row = dict(payload["checks"][0], waived=False, waived_by=None, waived_on=None)
        payload["checks"] = [dict(row, problem=f"Problem {n}") for n in range(250)] + [
            dict(
                row,
                problem="Waived at the end",
                waived=True,
                waived_by="Manager",
                waived_on="2026-11-03T08:00:00",
                waive_reason="Agreed",
            )
        ]
        # the report reads the stored payload: a month with 251 results
        snapshot.payload_attachment_id.sudo().raw = json.dumps(payload).encode()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sales_closing.action_report_close_pack", snapshot.ids)[
                0
            ]
            .decode()
        )
        # the waiver, then the first 200 others: 201 of 251
        self.assertIn("<td>Waived at the end</td>", html)
        self.assertIn("2026-11-03 08:00:00", html)
        self.assertIn("<td>Problem 199</td>", html)
        self.assertNotIn("<td>Problem 200</td>", html)
        self.assertRegex(html, r"Listed:\s*<span>201</span>\s*/\s*<span>251</span>")
