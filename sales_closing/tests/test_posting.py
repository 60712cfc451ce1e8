# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_figures import FiguresCommon


class PostingCommon(FiguresCommon):
    """October orders through Odoo's flows, posting rules on accounts of
    their own, and the close of October."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.journal = cls.company_data["default_journal_misc"]
        cls.income = cls.company_data["default_account_revenue"]
        cls.accrued_account = Account.create(
            {
                "name": "Accrued revenue",
                "code": "113100",
                "account_type": "asset_current",
            }
        )
        cls.deferred_account = Account.create(
            {
                "name": "Deferred revenue",
                "code": "213100",
                "account_type": "liability_current",
            }
        )
        cls.allowance_account = Account.create(
            {
                "name": "Allowance for doubtful accounts",
                "code": "119100",
                "account_type": "asset_current",
            }
        )
        cls.bad_debt = Account.create(
            {"name": "Bad debts", "code": "613100", "account_type": "expense"}
        )
        cls.analytic_plan = cls.env["account.analytic.plan"].create({"name": "Shops"})
        cls.shop_a, cls.shop_b = cls.env["account.analytic.account"].create(
            [
                {"name": "Shop A", "plan_id": cls.analytic_plan.id},
                {"name": "Shop B", "plan_id": cls.analytic_plan.id},
            ]
        )

    @classmethod
    def _rule(cls, rule_type="accrued", **vals):
        account = {
            "accrued": cls.accrued_account,
            "deferred": cls.deferred_account,
            "allowance": cls.allowance_account,
        }[rule_type]
        defaults = {
            "name": f"{rule_type.title()} rule",
            "rule_type": rule_type,
            "journal_id": cls.journal.id,
            "account_id": account.id,
        }
        if rule_type == "allowance":
            defaults["pnl_account_id"] = cls.bad_debt.id
        return cls.env["sale.closing.posting.rule"].create({**defaults, **vals})

    def _close(self, period=None):
        self._stage(period or self.period_oct, "closed")

    def _entries(self, period=None, **domain):
        return self.env["account.move"].search(
            [("sale_closing_period_id", "=", (period or self.period_oct).id)]
            + [(f"sale_closing_{k}", "=", v) for k, v in domain.items()],
            order="id",
        )

    def _preview(self, rule=None):
        self.period_oct.action_run_checks()
        lines = self.period_oct.entry_line_ids
        return lines.filtered(lambda ln: ln.rule_id == rule) if rule else lines

    def _balances(self, lines):
        return sorted(
            (ln.account_id.code, ln.partner_id.name or "", ln.balance)
            for ln in lines
            if not ln.skipped
        )


@tagged("post_install", "-at_install")
class TestAccruedAgainstOdooWizard(PostingCommon):
    def _wizard_credits(self, orders, date="2026-10-31"):
        """The income credits Odoo's accrued-revenue wizard would post."""
        self.env.flush_all()
        self.env.invalidate_all()
        wizard = (
            self.env["account.accrued.orders.wizard"]
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create({"date": date, "account_id": self.accrued_account.id})
        )
        move_vals = wizard._compute_move_vals()[0]
        self.env.invalidate_all()
        lines = [command[2] for command in move_vals["line_ids"]]
        return [
            (line["credit"] - line["debit"], line.get("amount_currency", 0.0))
            for line in lines
            if line["account_id"] == self.income.id
        ]

    def test_same_amounts_where_both_apply(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id}
        )
        partial = self._sell("2026-10-02", [(self.product_delivery, 10, 30.0)])
        self._deliver(partial, 6, "2026-10-05")
        self._invoice_qty(partial, "2026-10-06")  # the 6 delivered
        # 2 more delivered after the invoice: 2 x 30 = 60.00 to accrue
        self._deliver(partial, 2, "2026-10-20")
        discounted = self._sell(
            "2026-10-03",
            [(self.product_delivery, 5, 100.0, {"discount": 10.0})],
        )
        # 5 x 100 x 90% = 450.00, not invoiced
        self._deliver(discounted, 5, "2026-10-09")
        foreign = self._sell(
            "2026-10-04", [(self.product_delivery, 4, 30.0)], pricelist=pricelist
        )
        # 4 x 30 EUR = 120 EUR at 2 EUR per unit (unchanged since): 60.00
        self._deliver(foreign, 4, "2026-10-12")
        # delivered in November: nothing to accrue in October
        later = self._sell("2026-10-05", [(self.product_delivery, 3, 30.0)])
        self._deliver(later, 3, "2026-11-03")
        rule = self._rule(group_partner=False, group_analytic=False)
        orders = partial + discounted + foreign + later

        wizard = self._wizard_credits(orders)
        self.assertEqual(sorted(wizard), [(60.0, -120.0), (60.0, 0.0), (450.0, 0.0)])
        self._close()
        entry = self._entries(kind="entry")
        self.assertRecordValues(
            entry,
            [
                {
                    "date": fields.Date.to_date("2026-10-31"),
                    "state": "posted",
                    "journal_id": self.journal.id,
                    "sale_closing_rule_id": rule.id,
                }
            ],
        )
        income = entry.line_ids.filtered(lambda ln: ln.account_id == self.income)
        self.assertAlmostEqual(
            -sum(income.mapped("balance")), sum(c for c, _a in wizard), places=2
        )
        self.assertRecordValues(
            entry.line_ids.sorted(lambda ln: (ln.account_id.code, ln.currency_id.name)),
            [
                {
                    "account_id": self.accrued_account.id,
                    "balance": 60.0,
                    "amount_currency": 120.0,
                    "currency_id": eur.id,
                },
                {
                    "account_id": self.accrued_account.id,
                    "balance": 510.0,
                    "amount_currency": 510.0,
                    "currency_id": self.company.currency_id.id,
                },
                {
                    "account_id": self.income.id,
                    "balance": -60.0,
                    "amount_currency": -120.0,
                    "currency_id": eur.id,
                },
                {
                    "account_id": self.income.id,
                    "balance": -510.0,
                    "amount_currency": -510.0,
                    "currency_id": self.company.currency_id.id,
                },
            ],
        )
        sources = entry.line_ids.filtered(
            lambda ln: ln.account_id == self.income and ln.currency_id == eur
        ).sale_closing_sale_line_ids
        self.assertEqual(sources, foreign.order_line)

    def test_where_the_wizard_differs_by_design(self):
        eur = self.setup_other_currency(
            "EUR", rates=[("2026-01-01", 2.0), ("2026-11-15", 4.0)]
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id}
        )
        # invoiced on order: 10 ordered, 3 delivered, none invoiced
        on_order = self._sell("2026-10-02", [(self.product, 10, 20.0)])
        self._deliver(on_order, 3, "2026-10-05")
        # delivered and on a draft invoice dated in October
        drafted = self._sell("2026-10-03", [(self.product_delivery, 2, 30.0)])
        self._deliver(drafted, 2, "2026-10-06")
        self._invoice_qty(drafted, "2026-10-07", post=False)
        # 120 EUR delivered; the rate moved after the period end
        foreign = self._sell(
            "2026-10-04", [(self.product_delivery, 4, 30.0)], pricelist=pricelist
        )
        self._deliver(foreign, 4, "2026-10-12")
        rule = self._rule(group_partner=False, group_analytic=False)

        with freeze_time("2026-12-15"):
            self.assertEqual(self._wizard_credits(on_order), [(200.0, 0.0)])
            self.assertEqual(self._wizard_credits(drafted), [])
            self.assertEqual(self._wizard_credits(foreign), [(30.0, -120.0)])
        lines = self._preview(rule)
        income = lines.filtered(lambda ln: ln.account_id == self.income)
        # ours: the 3 delivered x 20 (not the 10 ordered) and the 2 x 30 on a
        # draft invoice, in company currency; the EUR line at the period-end
        # rate: 120 EUR / 2 = 60.00 (the wizard: 120 / 4 = 30.00)
        self.assertRecordValues(
            income.sorted(lambda ln: ln.currency_id != eur),
            [
                {"balance": -60.0, "amount_currency": -120.0, "currency_id": eur.id},
                {
                    "balance": -120.0,
                    "amount_currency": -120.0,
                    "currency_id": self.company.currency_id.id,
                },
            ],
        )
        self.assertEqual(
            income.filtered(lambda ln: ln.currency_id != eur).sale_line_ids,
            (on_order + drafted).order_line,
        )
        self.assertEqual(
            sum(
                lines.filtered(lambda ln: ln.account_id == self.accrued_account).mapped(
                    "balance"
                )
            ),
            180.0,
        )


@tagged("post_install", "-at_install")
class TestPostingRules(PostingCommon):
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
        self.assertEqual(
            entry.line_ids.sale_closing_sale_line_ids, self.order.order_line
        )
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


@tagged("post_install", "-at_install")
class TestAllowance(PostingCommon):
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
        self._close()
        entry = self._entries()
        self.assertEqual(len(entry), 1, "no reversal for the allowance")
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


@tagged("post_install", "-at_install")
class TestPostingRuleValidation(PostingCommon):
    def _assert_refused(self, regex, rule_type="accrued", **vals):
        """Creating the rule is refused with ``regex``, and nothing is written."""
        with self.assertRaises(ValidationError) as caught:
            self._rule(rule_type, **vals)
        self.assertRegex(str(caught.exception), regex)
        self.assertFalse(
            self.env["sale.closing.posting.rule"]
            .with_context(active_test=False)
            .search([("name", "=", vals.get("name", f"{rule_type.title()} rule"))])
        )

    def test_journal_must_be_general_of_the_company(self):
        self._assert_refused(
            "Miscellaneous \\(general\\)",
            journal_id=self.company_data["default_journal_sale"].id,
        )

    def test_accounts_refused(self):
        other = self.setup_other_company()["company"]
        foreign = (
            self.env["account.account"]
            .with_company(other)
            .create(
                {
                    "name": "Other accrued",
                    "code": "113900",
                    "account_type": "asset_current",
                    "company_ids": [Command.set(other.ids)],
                }
            )
        )
        self._assert_refused("belong|compan", account_id=foreign.id)
        self.accrued_account.deprecated = True
        self._assert_refused("it is deprecated")
        self.accrued_account.deprecated = False
        self._assert_refused("profit and loss account", account_id=self.income.id)
        self._assert_refused(
            "receivable or payable",
            account_id=self.company_data["default_account_receivable"].id,
        )
        self._assert_refused(
            "not an income or expense", pnl_account_id=self.accrued_account.id
        )
        self._assert_refused(
            "bad-debt expense account", "allowance", pnl_account_id=False
        )

    def test_percentages_and_label_refused(self):
        self._assert_refused(
            "between 0 and 100", "allowance", aging_percentages="0,5,20,50,101"
        )
        self._assert_refused(
            "5 percentages are needed", "allowance", aging_percentages="0,5,20"
        )
        self._assert_refused("increase", "allowance", aging_buckets="60,30")
        self._assert_refused(
            "unknown placeholder \\{customer\\}", label="{period} {customer}"
        )

    def test_scopes_refused(self):
        self._assert_refused(
            "matches no record", sale_line_domain="[('product_uom_qty', '=', -123456)]"
        )
        self._assert_refused(
            "not a valid domain", sale_line_domain="[('no_such_field', '=', 1)]"
        )
        self._assert_refused("not a valid domain", sale_line_domain="42")
        order = self._sell("2026-10-02", [(self.product_delivery, 1, 30.0)])
        self._rule(
            name="Parts",
            sale_line_domain=f"[('product_id', '=', {self.product_delivery.id})]",
        )
        self._assert_refused(
            f"Parts.*both match {order.name}",
            name="Customer A",
            sale_line_domain=f"[('order_partner_id', '=', {self.partner_a.id})]",
        )
        # a rule of another type may cover the same lines
        self._rule("deferred", sale_line_domain=f"[('order_id', '=', {order.id})]")

    def test_overlap_found_at_preview(self):
        self._sell("2026-10-02", [(self.product_delivery, 1, 30.0)])
        self._rule(
            name="Parts",
            sale_line_domain=f"[('product_id', '=', {self.product_delivery.id})]",
        )
        self._sell(
            "2026-10-02", [(self.product, 1, 30.0)], confirm=False
        ).partner_id = self.partner_b
        self._rule(
            name="Customer B",
            sale_line_domain=f"[('order_partner_id', '=', {self.partner_b.id})]",
        )
        # a line of both scopes appears later, delivered and not invoiced
        both = self._sell(
            "2026-10-03", [(self.product_delivery, 2, 30.0)], confirm=False
        )
        both.partner_id = self.partner_b
        both.action_confirm()
        self._deliver(both, 2, "2026-10-04")
        with self.assertRaisesRegex(
            UserError, f"Parts and Customer B .*both match {both.name}"
        ):
            self.period_oct.action_run_checks()

    def test_deprecated_income_account_at_preview(self):
        self._rule()
        order = self._sell("2026-10-02", [(self.product_delivery, 1, 30.0)])
        self._deliver(order, 1, "2026-10-04")
        self.income.deprecated = True
        with self.assertRaisesRegex(UserError, "income account .* is deprecated"):
            self.period_oct.action_run_checks()


@tagged("post_install", "-at_install")
class TestPostingQueries(PostingCommon):
    # ``_make_orders`` gives one line to defer per order: 5 invoiced on
    # order, 4 delivered (and a line delivered and invoiced alike).

    def _measured_preview(self):
        self.period_oct._run_checks()
        self.env.flush_all()
        self.env.invalidate_all()
        self.period_oct.sudo()._store_entry_lines()  # warm Odoo's caches
        self.env.flush_all()
        self.env.invalidate_all()

    def test_preview_query_count_does_not_grow_with_lines(self):
        self._rule()
        self._rule("deferred")
        self._make_orders(2)
        self._measured_preview()
        with self.assertQueryCount(27):
            self.period_oct.sudo()._store_entry_lines()
            self.env.flush_all()
        self.assertEqual(
            self.period_oct.entry_line_ids.mapped("balance"), [-200.0, 200.0]
        )
        self._make_orders(6)
        self._measured_preview()
        with self.assertQueryCount(27):
            self.period_oct.sudo()._store_entry_lines()
            self.env.flush_all()
        self.assertEqual(
            self.period_oct.entry_line_ids.mapped("balance"), [-800.0, 800.0]
        )
        self.assertEqual(len(self.period_oct.entry_line_ids.sale_line_ids), 8)
