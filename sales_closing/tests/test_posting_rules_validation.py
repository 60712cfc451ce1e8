# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Posting rules refused at creation or at the preview."""

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestPostingRuleValidation(PostingCommon):
    closing_users = False  # its tests use none of them

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

    def test_archived_journal_refused(self):
        """Found through the running server (issue 14): a rule took an
        archived journal, whose posting Odoo refuses only at the close."""
        journal = self.env["account.journal"].create(
            {"name": "Old closing", "code": "OLDCL", "type": "general"}
        )
        journal.active = False
        self._assert_refused(
            r"journal Old closing.* is archived", journal_id=journal.id
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

    def test_label_refused(self):
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
