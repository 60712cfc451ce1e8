# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The base of the posting tests: October orders, posting rules on accounts
of their own, and helpers to preview, close and read the entries."""

from .test_figures import FiguresCommon


class PostingCommon(FiguresCommon):
    """October orders through Odoo's flows, posting rules on accounts of
    their own, and the close of October."""

    #: Whether setUpClass makes the analytic plan *Shops* and its accounts
    #: ``shop_a`` and ``shop_b``; a class whose tests use them sets it to
    #: True. A new plan adds a column to every analytic model, so Odoo sets
    #: its registry up again, and again when the class ends (about a third
    #: of a second of CPU a class).
    analytic_shops = False

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
        if cls.analytic_shops:
            cls._create_analytic_shops()

    @classmethod
    def _create_analytic_shops(cls):
        """The analytic plan *Shops*, with Shop A and Shop B
        (``analytic_shops``)."""
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

    @classmethod
    def _accrued_order(cls):
        """10 x 30 delivered on Oct 5, 4 invoiced on Oct 6 (posted, 120.00):
        6 x 30 = 180.00 delivered and not invoiced at Oct 31.

        :return: the order and its invoice
        """
        order = cls._sell(cls, "2026-10-02", [(cls.product_delivery, 10, 30.0)])
        cls._deliver(order, 10, "2026-10-05")
        invoice = cls._invoice_qty(cls, order, "2026-10-06", {cls.product_delivery: 4})
        return order, invoice

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
