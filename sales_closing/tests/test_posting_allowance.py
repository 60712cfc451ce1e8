# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The bad-debt allowance posted at the close."""

from odoo import Command
from odoo.tests import tagged

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestAllowance(PostingCommon):
    closing_users = False  # its tests use none of them

    def _misc_entry(self, day, lines):
        """Post a miscellaneous entry of ``lines`` (journal item values)."""
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.journal.id,
                "date": day,
                "line_ids": [Command.create(vals) for vals in lines],
            }
        )
        move.action_post()
        return move

    def _opening_receivable(self, partner, day, amount):
        """An old receivable of ``partner``, due on ``day``, booked by a
        miscellaneous entry (the periods before September are closed)."""
        receivable = self.company_data["default_account_receivable"]
        return self._misc_entry(
            day,
            [
                {
                    "account_id": receivable.id,
                    "partner_id": partner.id,
                    "balance": amount,
                    "date_maturity": day,
                },
                {"account_id": self.income.id, "balance": -amount},
            ],
        )

    def test_allowance_by_aging_worked_by_hand(self):
        rule = self._rule("allowance")
        self.assertEqual(rule.reversal, "none")
        # partner_a: 1000 invoiced Oct 20, due at once (11 days: 5%), 400
        # paid Oct 25 and 600 on Nov 5 (after the end: still due at Oct 31)
        invoice = self.init_invoice(
            "out_invoice",
            self.partner_a,
            "2026-10-20",
            amounts=[1000.0],
            post=True,
        )
        self._pay(invoice, "2026-10-25", amount=400.0)
        self._pay(invoice, "2026-11-05", amount=600.0)
        # partner_a: 2000 due in 30 days (not due: 0%)
        later = self.init_invoice(
            "out_invoice", self.partner_a, "2026-10-20", amounts=[2000.0]
        )
        later.invoice_payment_term_id = self.env.ref(
            "account.account_payment_term_30days"
        )
        later.action_post()
        # partner_a: 400 due Aug 15 (77 days: 50%); partner_b: 300 due
        # Jul 1 (122 days: 100%)
        self._opening_receivable(self.partner_a, "2026-08-15", 400.0)
        self._opening_receivable(self.partner_b, "2026-07-01", 300.0)
        # partner_a already has 100.00 of allowance
        self._misc_entry(
            "2026-09-30",
            [
                {
                    "account_id": self.allowance_account.id,
                    "partner_id": self.partner_a.id,
                    "balance": -100.0,
                },
                {"account_id": self.bad_debt.id, "balance": 100.0},
            ],
        )
        # required: A = 600 x 5% + 400 x 50% = 230.00, less 100.00 = 130.00;
        # B = 300 x 100% = 300.00
        lines = self._preview(rule)
        self.assertEqual(
            sorted(
                (ln.account_id.code, ln.partner_id.name, ln.balance) for ln in lines
            ),
            sorted(
                [
                    ("119100", self.partner_a.name, -130.0),
                    ("119100", self.partner_b.name, -300.0),
                    ("613100", self.partner_a.name, 130.0),
                    ("613100", self.partner_b.name, 300.0),
                ]
            ),
        )
        line_a = lines.filtered(
            lambda ln: ln.partner_id == self.partner_a
            and ln.account_id == self.bad_debt
        )
        self.assertIn(
            invoice.line_ids.filtered(lambda ln: ln.account_type == "asset_receivable"),
            line_a.receivable_line_ids,
        )
        receivables_a = line_a.receivable_line_ids
        self._close()
        entry = self._entries()
        self.assertEqual(len(entry), 1, "no reversal for the allowance")
        self.assertEqual(
            entry.line_ids.filtered(
                lambda ln: ln.partner_id == self.partner_a
                and ln.account_id == self.bad_debt
            ).sale_closing_receivable_line_ids,
            receivables_a,
        )
        self.assertEqual(entry.sale_closing_kind, "entry")
        # reopened and closed again: the same adjustment, once
        self._stage(self.period_oct, "invoicing_locked")
        self._close()
        live = self._entries(kind="entry", cancelled=False)
        self.assertEqual(
            sorted(live.line_ids.mapped("balance")), [-300.0, -130.0, 130.0, 300.0]
        )

    def test_customers_out_of_scope_are_left_alone(self):
        self._rule("allowance", partner_domain=f"[('id', '=', {self.partner_b.id})]")
        self._opening_receivable(self.partner_a, "2026-07-01", 300.0)
        self._opening_receivable(self.partner_b, "2026-07-01", 50.0)
        lines = self._preview()
        self.assertEqual(lines.partner_id, self.partner_b)
        self.assertEqual(sorted(lines.mapped("balance")), [-50.0, 50.0])
