# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The invoice numbering check on October 2026: numbers given by Odoo's own
posting (sequence.mixin), gaps left by deletions and resequencing, a yearly
reset, cancelled invoices, credit notes with their own sequence, two sales
journals and a duplicate forced by SQL."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_checks import ChecksCommon


@tagged("post_install", "-at_install")
class TestInvoiceNumbering(ChecksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sale_journal = cls.company_data["default_journal_sale"]
        cls.sale_journal.refund_sequence = True
        cls.journal_2 = cls.env["account.journal"].create(
            {"name": "Export Sales", "code": "EXP", "type": "sale"}
        )

    # --- helpers ------------------------------------------------------------
    def _post(self, day, journal=None, move_type="out_invoice", price=100.0):
        """Post a customer invoice (or credit note) dated ``day``: Odoo gives
        it the next number of its journal's sequence."""
        with freeze_time(f"{day} 10:00:00"):
            move = self.env["account.move"].create(
                {
                    "move_type": move_type,
                    "partner_id": self.partner_a.id,
                    "invoice_date": day,
                    "journal_id": (journal or self.sale_journal).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": self.product.id,
                                "quantity": 1,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            move.action_post()
        return move

    def _post_many(self, days, **kwargs):
        moves = self.env["account.move"]
        for day in days:
            moves |= self._post(day, **kwargs)
        return moves

    def _delete(self, move):
        """Reset a posted move to draft and delete it, as an accountant may."""
        move.button_draft()
        move.unlink()

    def _force_number(self, move, number):
        """Rename ``move`` as number ``number`` of the main journal's 2026
        invoices straight in the database, as a botched import would."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET name = %s, sequence_prefix = 'INV/2026/', "
            "sequence_number = %s WHERE id = %s",
            [f"INV/2026/{number:05d}", number, move.id],
        )
        self.env.invalidate_all()

    def _numbering(self, period=None):
        return self._results("invoice_numbering", period).sorted("key")

    def _by_kind(self, results):
        kinds = {}
        for result in results:
            kinds.setdefault(result.key.split(":")[1], []).append(result)
        return kinds

    # --- continuous ---------------------------------------------------------
    def test_continuous_numbers_flag_nothing(self):
        moves = self._post_many(["2026-10-05", "2026-10-10", "2026-10-20"])
        self.assertEqual(
            moves.mapped("name"),
            ["INV/2026/00001", "INV/2026/00002", "INV/2026/00003"],
        )
        self.assertFalse(self._numbering())

    def test_draft_never_posted_has_no_number_and_leaves_no_gap(self):
        self._post_many(["2026-10-05", "2026-10-06"])
        with freeze_time("2026-10-07 10:00:00"):
            draft = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_a.id,
                    "invoice_date": "2026-10-07",
                    "invoice_line_ids": [
                        Command.create({"name": "Fee", "quantity": 1, "price_unit": 5})
                    ],
                }
            )
        # Odoo 18 names a draft only when it is the first of its journal
        self.assertEqual(draft.name, "/")
        draft.unlink()
        last = self._post("2026-10-08")
        self.assertEqual(last.name, "INV/2026/00003")
        self.assertFalse(self._numbering())

    # --- gaps ---------------------------------------------------------------
    def test_deleted_invoice_leaves_a_gap_inside_the_period(self):
        moves = self._post_many(
            ["2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08"]
        )
        self._delete(moves[1])  # INV/2026/00002
        results = self._numbering()
        self.assertRecordValues(
            results,
            [
                {
                    "key": "invoice_numbering:gap:INV/2026/:2",
                    "severity": "warning",
                    "invoice_id": moves[2].id,
                    "journal_id": self.sale_journal.id,
                    "quantity": 1.0,
                }
            ],
        )
        self.assertIn(
            "1 number missing between INV/2026/00001 and INV/2026/00003: "
            "INV/2026/00002. No document carries it: an invoice deleted after "
            "it was numbered, or a resequence, left this gap.",
            results.name,
        )

    def test_gap_between_previous_period_last_number_and_first(self):
        self.period_sep._set_stage("open")
        september = self._post_many(["2026-09-10", "2026-09-20", "2026-09-30"])
        self.period_sep._set_stage("closed")
        october = self._post_many(["2026-10-02", "2026-10-03"])
        self.assertEqual(september[-1].name, "INV/2026/00003")
        self.assertEqual(october.mapped("name"), ["INV/2026/00004", "INV/2026/00005"])
        self._delete(october[0])  # the first number of October
        results = self._numbering()
        self.assertEqual(results.mapped("key"), ["invoice_numbering:gap:INV/2026/:4"])
        self.assertEqual(results.invoice_id, october[1])
        self.assertIn(
            "missing between INV/2026/00003 and INV/2026/00005: INV/2026/00004.",
            results.name,
        )

    def test_gap_after_the_period_belongs_to_the_next_period(self):
        moves = self._post_many(["2026-10-30", "2026-10-31", "2026-11-02"])
        self._delete(moves[1])  # INV/2026/00002, the last of October
        # October ends on INV/2026/00001: the missing number comes before the
        # first of November, November's checks list it
        self.assertFalse(self._numbering())
        november = self._numbering(self.period_nov)
        self.assertEqual(november.mapped("key"), ["invoice_numbering:gap:INV/2026/:2"])

    def test_resequence_through_odoo_wizard_leaves_a_gap(self):
        moves = self._post_many(["2026-10-05", "2026-10-06", "2026-10-07"])
        wizard = Form(
            self.env["account.resequence.wizard"].with_context(
                active_model="account.move", active_ids=moves[1:].ids
            )
        )
        wizard.first_name = "INV/2026/00005"
        wizard.save().resequence()
        self.assertEqual(
            moves.mapped("name"),
            ["INV/2026/00001", "INV/2026/00005", "INV/2026/00006"],
        )
        results = self._numbering()
        self.assertRecordValues(
            results,
            [{"key": "invoice_numbering:gap:INV/2026/:2", "quantity": 3.0}],
        )
        self.assertIn(
            "3 numbers missing between INV/2026/00001 and INV/2026/00005: "
            "INV/2026/00002, INV/2026/00003, INV/2026/00004.",
            results.name,
        )

    def test_yearly_reset_is_not_a_gap(self):
        self.env["sale.closing.period"]._generate_periods(self.company, 2027)
        january = self.env["sale.closing.period"].search(
            [("company_id", "=", self.company.id), ("name", "=", "2027-01")]
        )
        december = self._post_many(["2026-12-20", "2026-12-28"])
        new_year = self._post_many(["2027-01-04", "2027-01-05"])
        self.assertEqual(december[-1].name, "INV/2026/00002")
        self.assertEqual(new_year.mapped("name"), ["INV/2027/00001", "INV/2027/00002"])
        self.assertFalse(self._numbering(january))
        # a reset sequence that loses its first number has a gap before its
        # second: the numbers of 2026 do not fill it
        self._delete(new_year[0])
        results = self._numbering(january)
        self.assertEqual(results.mapped("key"), ["invoice_numbering:gap:INV/2027/:1"])
        self.assertIn(
            "the sequence of INV/2027/00002 does not start at 1; 1 number "
            "missing before it: INV/2027/00001.",
            results.name,
        )

    def test_many_missing_numbers_are_listed_up_to_twenty(self):
        self._post("2026-10-05")
        with freeze_time("2026-10-06 10:00:00"):
            move = self._post("2026-10-06")
            move.button_draft()
            move.name = "INV/2026/00030"
            move.action_post()
        results = self._numbering()
        self.assertEqual(results.quantity, 28.0)
        self.assertIn("INV/2026/00002, INV/2026/00003", results.name)
        self.assertIn("INV/2026/00021 and 8 more", results.name)
        self.assertNotIn("INV/2026/00022", results.name)

    # --- cancelled ----------------------------------------------------------
    def test_cancelled_invoice_keeps_its_number(self):
        moves = self._post_many(["2026-10-05", "2026-10-06", "2026-10-07"])
        moves[1].button_draft()
        moves[1].button_cancel()
        self.assertEqual(moves[1].state, "cancel")
        self.assertEqual(moves[1].name, "INV/2026/00002")
        results = self._numbering()
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"invoice_numbering:cancelled:{moves[1].id}",
                    "severity": "info",
                    "invoice_id": moves[1].id,
                }
            ],
        )
        self.assertIn(
            "INV/2026/00002 of partner_a, dated 10/06/2026, is cancelled: it keeps "
            "its number, so this number is not missing.",
            results.name,
        )

    # --- credit notes and journals -------------------------------------------
    def test_credit_notes_have_a_sequence_of_their_own(self):
        invoices = self._post_many(["2026-10-05", "2026-10-06"])
        refunds = self._post_many(
            ["2026-10-10", "2026-10-11", "2026-10-12"], move_type="out_refund"
        )
        self.assertEqual(
            refunds.mapped("name"),
            ["RINV/2026/00001", "RINV/2026/00002", "RINV/2026/00003"],
        )
        self.assertFalse(self._numbering())
        self._delete(refunds[1])
        results = self._numbering()
        self.assertEqual(results.mapped("key"), ["invoice_numbering:gap:RINV/2026/:2"])
        self.assertIn("RINV/2026/00002", results.name)
        self.assertEqual(invoices.mapped("name"), ["INV/2026/00001", "INV/2026/00002"])

    def test_two_sales_journals_and_a_duplicate_forced_by_sql(self):
        main = self._post_many(["2026-10-05", "2026-10-06", "2026-10-07"])
        export = self._post_many(
            ["2026-10-06", "2026-10-06", "2026-10-06"], journal=self.journal_2
        )
        self.assertEqual(
            export.mapped("name"),
            ["EXP/2026/00001", "EXP/2026/00002", "EXP/2026/00003"],
        )
        self.assertFalse(self._numbering())
        # a botched import renames EXP/2026/00002 as the main journal's
        # second invoice (the unique index is per journal: the database lets
        # it through)
        self._force_number(export[1], 2)
        results = self._by_kind(self._numbering())
        self.assertEqual(sorted(results), ["duplicate", "gap"])
        duplicate = results["duplicate"][0]
        self.assertRecordValues(
            duplicate,
            [
                {
                    "key": "invoice_numbering:duplicate:INV/2026/00002",
                    "severity": "blocking",
                    "quantity": 2.0,
                }
            ],
        )
        self.assertIn(duplicate.invoice_id, main[1] | export[1])
        self.assertIn(
            "Number INV/2026/00002 is used by 2 documents (Customer Invoices, "
            "partner_a, 10/06/2026; Export Sales, partner_a, 10/06/2026)",
            duplicate.name,
        )
        [gap] = results["gap"]
        self.assertEqual(gap.key, "invoice_numbering:gap:EXP/2026/:2")
        self.assertEqual(gap.journal_id, self.journal_2)
        self.assertIn(
            "Export Sales: 1 number missing between EXP/2026/00001 and "
            "EXP/2026/00003: EXP/2026/00002.",
            gap.name,
        )

    def test_duplicate_blocks_the_close_even_when_the_check_warns(self):
        self._post_many(["2026-10-05", "2026-10-06"])
        export = self._post("2026-10-06", journal=self.journal_2)
        self._force_number(export, 1)
        self.assertEqual(self._check("invoice_numbering").severity, "warning")
        self._stage(self.period_oct, "invoicing_locked")
        with self.assertRaisesRegex(UserError, "cannot close: 1 blocking"):
            self._stage(self.period_oct, "closed")

    # --- duplicates must never pass -----------------------------------------
    def _duplicate(self):
        """INV/2026/00002 twice: the main journal's second invoice and an
        export invoice renamed by SQL; the result of the run, as the closing
        manager sees it."""
        self._post_many(["2026-10-05", "2026-10-06"])
        export = self._post("2026-10-06", journal=self.journal_2)
        self._force_number(export, 2)
        duplicate = self._numbering().filtered(lambda r: ":duplicate:" in r.key)
        self.assertEqual(duplicate.key, "invoice_numbering:duplicate:INV/2026/00002")
        return duplicate.with_user(self.closing_manager)

    def _assert_nothing_waived(self, results, messages):
        self.env.invalidate_all()
        self.assertEqual(results.mapped("waived"), [False] * len(results))
        self.assertFalse(any(results.mapped("waive_reason")))
        self.assertEqual(self.period_oct.message_ids, messages, "no waiver noted")

    def test_duplicate_cannot_be_waived_alone(self):
        duplicate = self._duplicate()
        self.assertFalse(duplicate.waivable)
        messages = self.period_oct.message_ids
        refusal = "Duplicate invoice numbers cannot be waived: INV/2026/00002. "
        with self.assertRaisesRegex(UserError, refusal):
            duplicate.action_waive()
        with self.assertRaisesRegex(UserError, refusal):
            duplicate._waive("Imported twice, the customer knows")
        self._assert_nothing_waived(duplicate, messages)

    def test_bulk_waive_refuses_a_selection_holding_a_duplicate(self):
        order = self._sell("2026-10-07", [(self.product, 1, 100.0)])
        self._invoice_qty(order, "2026-10-20", post=False)  # blocking, waivable
        duplicate = self._duplicate()
        draft = (
            self.period_oct.result_ids.filtered(
                lambda r: r.check_code == "draft_invoice"
            )
        ).with_user(self.closing_manager)
        self.assertTrue(draft.waivable)
        selection = draft | duplicate
        messages = self.period_oct.message_ids
        # the list's Waive button on the selection
        with self.assertRaisesRegex(UserError, "cannot be waived: INV/2026/00002"):
            selection.action_waive()
        # the wizard given the selection some other way (RPC, a stale form)
        wizard = (
            self.env["sale.closing.waive"]
            .with_user(self.closing_manager)
            .create(
                {"result_ids": [Command.set(selection.ids)], "reason": "Month-end rush"}
            )
        )
        with self.assertRaisesRegex(UserError, "cannot be waived: INV/2026/00002"):
            wizard.action_waive()
        self._assert_nothing_waived(selection, messages)
        # without the duplicate, the same wizard waives the draft
        draft.action_waive()
        wizard.result_ids = draft
        wizard.action_waive()
        self.assertTrue(draft.waived)

    def test_close_wizard_refuses_to_waive_a_duplicate(self):
        duplicate = self._duplicate()
        period = self.period_oct.with_user(self.closing_manager)
        with freeze_time("2026-11-02 09:00:00"):
            action = period.action_open_close_wizard()
            wizard = (
                self.env[action["res_model"]]
                .with_user(self.closing_manager)
                .browse(action["res_id"])
            )
            messages = self.period_oct.message_ids
            with self.assertRaisesRegex(UserError, "cannot be waived: INV/2026/00002"):
                wizard.action_waive_blocking()
        self._assert_nothing_waived(duplicate, messages)

    def test_waiver_written_before_is_withdrawn_and_the_close_refused(self):
        duplicate = self._duplicate()
        # a waiver written before duplicates became unwaivable (or by SQL)
        duplicate.sudo().write({"waived": True, "waive_reason": "Old waiver"})
        self.assertEqual(self.period_oct.blocking_count, 0)
        again = self._numbering().filtered(lambda r: ":duplicate:" in r.key)
        self.assertEqual(again, duplicate, "the same problem, found again")
        self.assertRecordValues(again, [{"waived": False, "waive_reason": False}])
        self.assertIn(
            "Waiver withdrawn from 1 problem that cannot be waived: Number "
            "INV/2026/00002 is used by 2 documents",
            self.period_oct.message_ids[1].body,  # before "Checks run by"
        )
        self._stage(self.period_oct, "invoicing_locked")
        duplicate.sudo().write({"waived": True, "waive_reason": "Old waiver"})
        with self.assertRaisesRegex(
            UserError, "Duplicate invoice numbers cannot be waived: INV/2026/00002."
        ):
            self._stage(self.period_oct, "closed")

    def test_duplicate_blocks_the_close_with_the_check_switched_off(self):
        check = self._check("invoice_numbering")
        check.write({"enabled": False, "severity": "info"})
        main = self._post_many(["2026-10-05", "2026-10-06"])
        self._delete(main[1])  # a gap: not looked for, the check is off
        export = self._post("2026-10-06", journal=self.journal_2)
        self._force_number(export, 1)
        results = self._numbering()
        self.assertRecordValues(
            results,
            [
                {
                    "key": "invoice_numbering:duplicate:INV/2026/00001",
                    "severity": "blocking",
                }
            ],
        )
        self.assertEqual(self.period_oct.blocking_count, 1)
        self._stage(self.period_oct, "invoicing_locked")
        with self.assertRaisesRegex(
            UserError,
            "(?s)cannot close: 1 blocking problem.*Duplicate invoice numbers "
            "cannot be waived: INV/2026/00001\\.",
        ):
            self._stage(self.period_oct, "closed")
        self.assertEqual(self.period_oct.state, "invoicing_locked")

    def test_switched_off_check_without_duplicate_finds_nothing(self):
        self._check("invoice_numbering").enabled = False
        main = self._post_many(["2026-10-05", "2026-10-06", "2026-10-07"])
        self._delete(main[1])
        self.assertFalse(self._numbering())

    # --- order --------------------------------------------------------------
    def test_back_dated_invoice_breaks_the_order(self):
        moves = self._post_many(["2026-10-20", "2026-10-21", "2026-10-05"])
        self.assertEqual(moves[2].name, "INV/2026/00003")
        results = self._numbering()
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"invoice_numbering:order:{moves[2].id}",
                    "severity": "warning",
                    "invoice_id": moves[2].id,
                }
            ],
        )
        self.assertIn(
            "INV/2026/00003 is dated 10/05/2026, before INV/2026/00002 (dated "
            "10/21/2026) which has a lower number",
            results.name,
        )

    def test_same_date_is_not_an_order_break(self):
        self._post_many(["2026-10-05", "2026-10-05", "2026-10-06"])
        self.assertFalse(self._numbering())

    # --- cost ---------------------------------------------------------------
    def _numbering_cost(self):
        period = self.period_oct
        check = self._check("invoice_numbering")
        data = period._get_check_data()
        self.env.flush_all()
        self.env.invalidate_all()
        check._get_results(period, data)  # warm caches (groups, lang)
        self.env.invalidate_all()
        return check, period, data

    def test_query_count_does_not_grow_with_invoices(self):
        def shape(count):
            moves = self._post_many(["2026-10-05"] * count)
            self._delete(moves[1])  # a gap
            moves[2].button_draft()
            moves[2].button_cancel()  # a cancelled number
            self._post("2026-10-01")  # an order break

        shape(4)
        check, period, data = self._numbering_cost()
        with self.assertQueryCount(8):
            first = check._get_results(period, data)
        shape(12)
        check, period, data = self._numbering_cost()
        with self.assertQueryCount(8):
            second = check._get_results(period, data)
        self.assertEqual(len(first), 3)
        self.assertEqual(len(second), 6)
