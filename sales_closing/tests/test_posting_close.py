# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Revenue posting rules at the close: the entries posted and reversed,
one live set per period, grouping, labels and the preview."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestPostingRules(PostingCommon):
    closing_users = ("closing_manager",)  # the only one its tests use
    analytic_shops = True  # Shop A and Shop B on order lines

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 10 x 30 delivered on Oct 5, 4 invoiced on Oct 6: 6 x 30 = 180.00
        cls.order = cls._sell(cls, "2026-10-02", [(cls.product_delivery, 10, 30.0)])
        cls._deliver(cls.order, 10, "2026-10-05")
        cls._invoice_qty(cls, cls.order, "2026-10-06", {cls.product_delivery: 4})
        cls.rule = cls._rule()

    def _live(self, period=None):
        return self._entries(period, kind="entry", cancelled=False)

    def test_deferred_revenue_worked_by_hand(self):
        deferred = self._rule("deferred")
        # invoiced on order: 10 x 100 invoiced in October, 4 delivered
        order = self._sell("2026-10-08", [(self.product, 10, 100.0)])
        self._deliver(order, 4, "2026-10-09")
        invoice = self._invoice_qty(order, "2026-10-10")
        # 2 dozen at 120 a dozen invoiced, 12 units (1 dozen) delivered
        dozens = self._sell(
            "2026-10-08",
            [(self.product, 2, 120.0, {"product_uom": self.uom_dozen.id})],
        )
        self._deliver(dozens, 12, "2026-10-09")
        self._invoice_qty(dozens, "2026-10-10")
        # a credit note in November does not change October
        self._refund(invoice, "2026-11-04", qty=2)
        # 5 x 30 delivered and invoiced, 2 returned (to refund) on Oct 20
        returned = self._sell("2026-10-08", [(self.product_delivery, 5, 30.0)])
        picking = self._deliver(returned, 5, "2026-10-09")
        self._invoice_qty(returned, "2026-10-10")
        self._return(picking, 2, "2026-10-20")
        lines = self._preview(deferred)
        # 6 x 100 + 1 dozen x 120 + 2 x 30 = 780.00: debit income, credit
        # deferred
        self.assertEqual(
            [(ln.account_id, ln.partner_id, ln.balance) for ln in lines],
            [
                (self.deferred_account, self.partner_a, -780.0),
                (self.income, self.partner_a, 780.0),
            ],
        )
        self.assertEqual(lines[1].sale_line_ids, (order + dozens + returned).order_line)
        # the accrued rule takes the delivered-not-invoiced line only
        self.assertEqual(self._preview(self.rule).mapped("balance"), [180.0, -180.0])

    def test_close_posts_and_reverses_on_the_first_day_of_next_period(self):
        self._close()
        entry, reversal = self._entries()
        self.assertRecordValues(
            entry + reversal,
            [
                {
                    "date": fields.Date.to_date("2026-10-31"),
                    "state": "posted",
                    "sale_closing_kind": "entry",
                    "sale_closing_rule_id": self.rule.id,
                    "reversed_entry_id": False,
                },
                {
                    "date": fields.Date.to_date("2026-11-01"),
                    "state": "posted",
                    "sale_closing_kind": "reversal",
                    "sale_closing_rule_id": self.rule.id,
                    "reversed_entry_id": entry.id,
                },
            ],
        )
        self.assertRecordValues(
            entry.line_ids.sorted("balance"),
            [
                {
                    "account_id": self.income.id,
                    "partner_id": self.partner_a.id,
                    "balance": -180.0,
                },
                {
                    "account_id": self.accrued_account.id,
                    "partner_id": self.partner_a.id,
                    "balance": 180.0,
                },
            ],
        )
        # each posted item and its reversal carry the sources of its preview
        # line (written by SQL: neither Command.set nor copy)
        for move in (entry, reversal):
            for item in move.line_ids:
                self.assertEqual(item.sale_closing_sale_line_ids, self.order.order_line)
        self.assertNotIn("sale_closing_sale_line_ids", entry.line_ids[0].copy_data()[0])
        self.assertEqual(self.period_oct.entry_line_ids.move_id, entry)
        self.period_oct.invalidate_recordset()
        self.assertEqual(self.period_oct.entry_count, 2)
        self.assertIn(entry.name, self.period_oct.entry_summary)
        self.assertIn("Accrued rule", self.period_oct.entry_summary)
        action = self.period_oct.action_view_entries()
        self.assertEqual(
            self.env["account.move"].search(action["domain"]), entry + reversal
        )
        # the entry is not an invoice of the order
        self.assertEqual(self.order.order_line.qty_invoiced, 4.0)
        with self.assertRaisesRegex(UserError, "period-end entry"):
            entry.button_draft()

    def test_closing_manager_without_accounting_rights_posts(self):
        manager = self.closing_manager
        self.assertFalse(manager.has_group("account.group_account_invoice"))
        period = self.period_oct.with_user(manager)
        self._stage(period, "closed")
        entry = self._live()
        self.assertEqual(entry.create_uid, manager)
        self.assertEqual(period.entry_count, 2)
        self.assertIn(entry.name, period.entry_summary)
        with self.assertRaisesRegex(UserError, "period-end entry"):
            entry.with_user(manager).sudo().button_cancel()
        self._stage(period, "invoicing_locked")
        self.assertTrue(entry.sale_closing_cancelled)

    def test_reversal_waits_for_its_date_when_closed_early(self):
        self.company.sale_closing_allow_early_close = True
        with freeze_time("2026-10-31 18:00:00"):
            for _stage in range(3):
                self.period_oct.action_advance()
        entry, reversal = self._entries()
        self.assertRecordValues(
            reversal,
            [
                {
                    "state": "draft",
                    "auto_post": "at_date",
                    "date": fields.Date.to_date("2026-11-01"),
                }
            ],
        )
        with freeze_time("2026-10-31 19:00:00"):
            self.period_oct._reopen("price correction")
        self.assertRecordValues(
            entry + reversal,
            [
                {"state": "posted", "sale_closing_cancelled": True},
                {"state": "cancel", "sale_closing_cancelled": True},
            ],
        )
        cancel = self._entries(kind="cancel")
        self.assertEqual(
            cancel.line_ids.sale_closing_sale_line_ids, self.order.order_line
        )
        self.assertRecordValues(
            cancel,
            [
                {
                    "state": "posted",
                    "reversed_entry_id": entry.id,
                    "date": fields.Date.to_date("2026-10-31"),
                }
            ],
        )

    def test_reopen_and_close_cycles_keep_one_live_set(self):
        for _cycle in range(3):
            self._close()
            self._stage(self.period_oct, "invoicing_locked")
        self._close()
        self.assertEqual(len(self._live()), 1)
        moves = self._entries()
        # 4 entries, 4 reversals, and 3 x 2 reversals at reopening
        self.assertEqual(len(moves), 14)
        self.assertEqual(len(moves.filtered("sale_closing_cancelled")), 6)
        self.assertEqual(len(moves.filtered(lambda m: m.state != "posted")), 0)
        for date, expected in (("2026-10-31", 180.0), ("2026-11-01", 0.0)):
            balance = sum(
                self.env["account.move.line"]
                .search(
                    [
                        ("account_id", "=", self.accrued_account.id),
                        ("parent_state", "=", "posted"),
                        ("date", "<=", date),
                    ]
                )
                .mapped("balance")
            )
            self.assertAlmostEqual(balance, expected, places=2, msg=date)

    def test_second_live_set_refused_by_the_database(self):
        self._close()
        entry = self._live()
        with (
            self.assertRaisesRegex(Exception, "account_move_sale_closing_live_uniq"),
            mute_logger("odoo.sql_db"),
        ):
            with self.env.cr.savepoint():
                entry.with_context(sale_closing_posting=True).copy(
                    {
                        "sale_closing_period_id": entry.sale_closing_period_id.id,
                        "sale_closing_rule_id": entry.sale_closing_rule_id.id,
                        "sale_closing_kind": "entry",
                    }
                )
                self.env.flush_all()

    def test_failure_while_posting_leaves_nothing(self):
        self._stage(self.period_oct, "invoicing_locked")
        Move = self.registry["account.move"]
        # the reversal fails after the entry is posted; the close is one
        # transaction (one request), rolled back as a whole
        with patch.object(
            Move, "_reverse_moves", side_effect=UserError("injected failure")
        ):
            with self.assertRaises(UserError) as caught:
                self._close()
        self.assertEqual(str(caught.exception), "injected failure")
        self.env.invalidate_all()
        self.assertEqual(self.period_oct.state, "invoicing_locked")
        self.assertFalse(self.period_oct.entry_line_ids.move_id)
        self.assertFalse(self._entries())
        self.assertFalse(
            self.env["account.move.line"].search_count(
                [("account_id", "=", self.accrued_account.id)]
            )
        )

    def test_lock_date_refuses_the_close(self):
        self._stage(self.period_oct, "invoicing_locked")
        self.company.fiscalyear_lock_date = "2026-10-31"
        with self.assertRaisesRegex(UserError, "cannot be dated 2026-10-31"):
            self._close()
        self.assertEqual(self.period_oct.state, "invoicing_locked")
        self.assertFalse(self._entries())

    def test_grouping_threshold_and_analytic(self):
        other = self._sell("2026-10-03", [(self.product_delivery, 1, 30.0)])
        other.partner_id = self.partner_b
        shop = self._sell(
            "2026-10-03",
            [
                (
                    self.product_delivery,
                    5,
                    30.0,
                    {"analytic_distribution": {str(self.shop_a.id): 100}},
                ),
                (
                    self.product_delivery,
                    5,
                    20.0,
                    {"analytic_distribution": {str(self.shop_b.id): 100}},
                ),
            ],
        )
        self._deliver(other, 1, "2026-10-04")
        self._deliver(shop, 5, "2026-10-04")
        self.rule.write({"threshold": 50.0})
        lines = self._preview(self.rule)
        # partner_b's 30.00 is under 50.00: skipped and listed
        skipped = lines.filtered("skipped")
        self.assertRecordValues(
            skipped, [{"partner_id": self.partner_b.id, "balance": 30.0}]
        )
        self.assertEqual(skipped.sale_line_ids, other.order_line)
        income = lines.filtered(lambda ln: ln.account_id == self.income)
        self.assertEqual(
            sorted((ln.balance, str(ln.analytic_distribution or {})) for ln in income),
            [
                (-180.0, "{}"),
                (-150.0, str({str(self.shop_a.id): 100.0})),
                (-100.0, str({str(self.shop_b.id): 100.0})),
            ],
        )
        accrued = lines.filtered(
            lambda ln: ln.account_id == self.accrued_account and not ln.skipped
        )
        self.assertRecordValues(
            accrued,
            [
                {
                    "partner_id": self.partner_a.id,
                    "balance": 430.0,
                    "analytic_distribution": False,
                }
            ],
        )
        # fixed analytic, one line per account
        self.rule.write(
            {
                "analytic_mode": "fixed",
                "analytic_distribution": {str(self.shop_a.id): 100},
                "group_partner": False,
                "threshold": 0.0,
            }
        )
        lines = self._preview(self.rule)
        # partner_b's fiscal position maps the income account
        mapped = self.partner_b.property_account_position_id.map_account(self.income)
        self.assertNotEqual(mapped, self.income)
        fixed = {str(self.shop_a.id): 100}
        self.assertRecordValues(
            lines,
            [
                {
                    "account_id": self.accrued_account.id,
                    "partner_id": False,
                    "balance": 460.0,
                    "analytic_distribution": False,
                },
                {
                    "account_id": self.income.id,
                    "partner_id": False,
                    "balance": -430.0,
                    "analytic_distribution": fixed,
                },
                {
                    "account_id": mapped.id,
                    "partner_id": False,
                    "balance": -30.0,
                    "analytic_distribution": fixed,
                },
            ][:1]
            + sorted(
                [
                    {
                        "account_id": self.income.id,
                        "partner_id": False,
                        "balance": -430.0,
                        "analytic_distribution": fixed,
                    },
                    {
                        "account_id": mapped.id,
                        "partner_id": False,
                        "balance": -30.0,
                        "analytic_distribution": fixed,
                    },
                ],
                key=lambda v: self.env["account.account"].browse(v["account_id"]).code,
            ),
        )
        self._close()
        income_line = self._live().line_ids.filtered(
            lambda ln: ln.account_id == self.income
        )
        self.assertEqual(income_line.analytic_distribution, {str(self.shop_a.id): 100})
        self.assertEqual(len(income_line.sale_closing_sale_line_ids), 3)
        self.assertEqual(income_line.name, "Accrued rule 2026-10")

    def test_label_template(self):
        self.rule.label = "Accrued {period} {partner} ({account})"
        line = self._preview(self.rule).filtered(
            lambda ln: ln.account_id == self.income
        )
        self.assertEqual(
            line.name,
            f"Accrued 2026-10 {self.partner_a.name} ({self.income.display_name})",
        )

    def test_preview_opens_the_source_figures(self):
        line = self._preview(self.rule)[0]
        action = line.action_open_sources()
        figures = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(figures.sale_line_id, self.order.order_line)
        self.assertEqual(figures.qty_difference, 6.0)
