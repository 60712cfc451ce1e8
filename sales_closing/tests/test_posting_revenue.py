# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Accrued and deferred revenue amounts: against Odoo's accrued-revenue
wizard, and the preview's query count."""

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestAccruedAgainstOdooWizard(PostingCommon):
    closing_users = False  # its tests use none of them

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
class TestPostingQueries(PostingCommon):
    closing_users = False  # its tests use none of them

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
        with self.assertQueryCount(31):
            self.period_oct.sudo()._store_entry_lines()
            self.env.flush_all()
        self.assertEqual(
            self.period_oct.entry_line_ids.mapped("balance"), [-200.0, 200.0]
        )
        self._make_orders(6)
        self._measured_preview()
        with self.assertQueryCount(31):
            self.period_oct.sudo()._store_entry_lines()
            self.env.flush_all()
        self.assertEqual(
            self.period_oct.entry_line_ids.mapped("balance"), [-800.0, 800.0]
        )
        self.assertEqual(len(self.period_oct.entry_line_ids.sale_line_ids), 8)
