# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The posted period-end entries as a user inspects them: a journal-entry
list with each reversal next to its entry, their lines readable by closing
managers who are not accountants, numbers linked, and no button offered
that account_move.py would refuse."""

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestEntriesView(PostingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 10 x 30 delivered on Oct 5, 4 invoiced on Oct 6: 6 x 30 = 180.00
        # accrued at Oct 31, reversed on Nov 1
        cls.order, cls.invoice = cls._accrued_order()
        cls.rule = cls._rule()

    def test_entries_open_as_journal_entries_with_their_reversal(self):
        self._close()
        entry, reversal = self._entries()
        action = self.period_oct.action_view_entries()
        self.assertEqual(action["res_model"], "account.move")
        list_view = self.env.ref("sales_closing.sale_closing_move_view_list")
        self.assertEqual(tuple(action["views"][0]), (list_view.id, "list"))
        self.assertEqual(
            self.env["account.move"].search(action["domain"]), entry + reversal
        )
        arch = etree.fromstring(list_view.arch)
        columns = [f.get("name") for f in arch.iter("field")]
        for name in (
            "date",
            "journal_id",
            "name",
            "amount_total_signed",
            "state",
            "reversed_entry_id",
            "reversal_move_ids",
        ):
            self.assertIn(name, columns)
        # the reversal is read next to its entry: 180.00 each way
        self.assertRecordValues(
            entry + reversal,
            [
                {
                    "amount_total_signed": 180.0,
                    "reversed_entry_id": False,
                    "reversal_move_ids": reversal.ids,
                },
                {
                    "amount_total_signed": 180.0,
                    "reversed_entry_id": entry.id,
                    "reversal_move_ids": [],
                },
            ],
        )

    def test_closing_manager_reads_the_entry_lines_only(self):
        manager = self.closing_manager
        self.assertFalse(manager.has_group("account.group_account_invoice"))
        self.assertFalse(manager.has_group("account.group_account_readonly"))
        self._close()
        entry = self._entries(kind="entry")
        as_manager = entry.with_user(manager)
        values = as_manager.web_read(
            {
                "name": {},
                "journal_id": {"fields": {"display_name": {}}},
                "line_ids": {
                    "fields": {
                        "account_id": {"fields": {"display_name": {}}},
                        "debit": {},
                        "credit": {},
                    }
                },
            }
        )[0]
        self.assertEqual(values["name"], entry.name)
        self.assertEqual(
            sorted(
                (line["account_id"]["display_name"], line["debit"], line["credit"])
                for line in values["line_ids"]
            ),
            sorted(
                [
                    (self.accrued_account.display_name, 180.0, 0.0),
                    (self.income.display_name, 0.0, 180.0),
                ]
            ),
        )
        # the journal items action lists those lines, and only those
        action = self.period_oct.with_user(manager).action_view_entry_move_lines()
        lines = (
            self.env["account.move.line"].with_user(manager).search(action["domain"])
        )
        self.assertEqual(lines, self._entries().line_ids)
        everything = self.env["account.move.line"].with_user(manager).search([])
        self.assertEqual(everything, self._entries().line_ids)
        # the customer invoice stays out of reach
        with self.assertRaises(AccessError):
            self.invoice.with_user(manager).read(["name"])
        with self.assertRaises(AccessError):
            as_manager.write({"ref": "changed"})

    def test_entry_numbers_are_links(self):
        self._close()
        entry, reversal = self._entries()
        link = (
            f'<a href="/odoo/action-sales_closing.sale_closing_move_action/'
            f'{entry.id}">{entry.name}</a>'
        )
        self.assertIn(link, str(self.period_oct.entry_summary))
        posted = self.period_oct.message_ids.filtered(
            lambda m: "Period-end entries posted" in m.body
        )
        self.assertIn(link, str(posted.body))
        self.assertIn(f'/{reversal.id}">{reversal.name}</a>', str(posted.body))

    def test_refused_buttons_are_not_offered(self):
        self._close()
        entry = self._entries(kind="entry")
        invoice = self.invoice
        self.assertFalse(entry.show_reset_to_draft_button)
        self.assertTrue(invoice.show_reset_to_draft_button)
        arch = etree.fromstring(
            self.env["account.move"].get_view(
                self.env.ref("account.view_move_form").id, "form"
            )["arch"]
        )
        reverse = arch.xpath("//header/button[@data-hotkey='z']")[0]
        self.assertIn("sale_closing_period_id", reverse.get("invisible"))
        for cancel in arch.xpath("//header/button[@name='button_cancel']"):
            self.assertIn("sale_closing_period_id", cancel.get("invisible"))
