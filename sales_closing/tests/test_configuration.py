# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Configuration that explains itself: posting rules keep a trace of their
changes and lead to what they posted; the reopen wizard says where the
period goes and what reopening undoes; Reopen is offered where it works."""

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestConfiguration(PostingCommon):
    closing_users = False  # its tests use none of them

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 10 x 30 delivered Oct 5, 4 invoiced Oct 6: 180.00 accrued
        cls.order, _invoice = cls._accrued_order()
        cls.rule = cls._rule()

    def test_rule_account_change_is_tracked(self):
        other = self.accrued_account.copy({"code": "113200"})
        # the test base disables tracking, and mail does not track a record
        # created in the same transaction: as if the rule were older
        self.env.cr.precommit.data.pop(f"mail.tracking.{self.rule._name}", None)
        rule = self.rule.with_context(tracking_disable=False, mail_notrack=False)
        rule.account_id = other
        self.env.flush_all()
        self.cr.flush()
        tracking = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("mail_message_id.model", "=", self.rule._name),
                    ("mail_message_id.res_id", "=", self.rule.id),
                ]
            )
        )
        self.assertEqual(tracking.field_id.name, "account_id")
        self.assertEqual(tracking.old_value_char, self.accrued_account.display_name)
        self.assertEqual(tracking.new_value_char, other.display_name)

    def test_rule_leads_to_its_entries(self):
        self._close()
        self.rule.invalidate_recordset()
        # the entry and its reversal
        self.assertEqual(self.rule.entry_count, 2)
        action = self.rule.action_view_entries()
        self.assertEqual(
            self.env["account.move"].search(action["domain"]), self._entries()
        )

    def test_reopen_wizard_states_target_and_consequences(self):
        self._close()
        action = self.period_oct.action_reopen()
        wizard = Form.from_action(self.env, action)
        self.assertEqual(wizard.stage_to, "invoicing_locked")
        self.assertIn("2 live period-end entries and reversals", wizard.consequences)
        wizard.reason = "Missed delivery"
        wizard.save().action_reopen()
        wizard = Form.from_action(self.env, self.period_oct.action_reopen())
        self.assertEqual(wizard.stage_to, "sales_locked")
        # the lock date goes back to where it was before October locked
        self.assertIn("Sales Lock Date goes back to empty", wizard.consequences)

    @freeze_time("2026-12-15 09:00:00")
    def test_reopen_offered_only_where_it_works(self):
        self._stage(self.period_oct, "closed")
        self._stage(self.period_nov, "sales_locked")
        (self.period_oct + self.period_nov).invalidate_recordset()
        self.assertFalse(self.period_oct.can_reopen)
        self.assertTrue(self.period_nov.can_reopen)
        self._stage(self.period_nov, "open")
        (self.period_oct + self.period_nov).invalidate_recordset()
        self.assertTrue(self.period_oct.can_reopen)
        self.assertFalse(self.period_nov.can_reopen)

    def test_settings_one_box_a_setting(self):
        arch = etree.fromstring(
            self.env["res.config.settings"].get_view(view_type="form")["arch"]
        )
        block = arch.xpath("//block[@name='sale_closing_setting_container']")[0]
        for name in (
            "sale_closing_lock_orders",
            "sale_closing_lock_deliveries",
            "sale_closing_lock_invoices",
            "sale_closing_lock_payments",
        ):
            setting = block.xpath(f".//field[@name='{name}']/ancestor::setting")
            self.assertEqual(len(setting), 1)
            self.assertEqual(len(setting[0].xpath(".//field")), 1)

    def _visible_fields(self, rule_type, analytic_mode):
        """Return the ``(field, label)`` of the rule form shown for a rule of
        ``rule_type``: every ``invisible`` of the field and of its parents
        evaluated as the web client does."""
        arch = etree.fromstring(
            self.env["sale.closing.posting.rule"].get_views([(False, "form")])["views"][
                "form"
            ]["arch"]
        )
        values = {
            "rule_type": rule_type,
            "analytic_mode": analytic_mode,
            "active": True,
            "entry_count": 0,
            "id": 1,
        }
        shown = set()
        for node in arch.xpath("//sheet//field[not(ancestor::list)]"):
            expressions = [
                n.get("invisible")
                for n in [node, *node.iterancestors()]
                if n.get("invisible")
            ]
            if not any(safe_eval(expr, dict(values)) for expr in expressions):
                shown.add((node.get("name"), node.get("string")))
        return shown

    def test_rule_form_shows_the_fields_of_its_type(self):
        revenue_only = {
            ("pnl_account_id", "Income Account"),
            ("sale_line_domain", None),
            ("group_partner", None),
            ("group_analytic", None),
            ("group_currency", None),
        }
        allowance_only = {
            ("pnl_account_id", "Bad-Debt Expense Account"),
            ("partner_domain", None),
            ("aging_bucket_ids", None),
        }
        both = {
            ("rule_type", None),
            ("journal_id", None),
            ("account_id", None),
            ("reversal", None),
            ("threshold", None),
            ("label", None),
            ("analytic_mode", None),
        }
        for rule_type in ("accrued", "deferred"):
            shown = self._visible_fields(rule_type, "line")
            self.assertLessEqual(both | revenue_only, shown, rule_type)
            self.assertFalse(shown & allowance_only, rule_type)
        shown = self._visible_fields("allowance", "none")
        self.assertLessEqual(both | allowance_only, shown)
        self.assertFalse(shown & revenue_only)
        self.assertNotIn(("analytic_distribution", None), shown)
        self.assertIn(
            ("analytic_distribution", None), self._visible_fields("allowance", "fixed")
        )

    def test_allowance_takes_no_analytic_from_order_lines(self):
        rule = self._rule("allowance")
        self.assertEqual(rule.analytic_mode, "none")
        with self.assertRaisesRegex(ValidationError, "no order line"):
            rule.analytic_mode = "line"
        rule.unlink()
        # switching a revenue rule to an allowance leaves "from the order line"
        with Form(self.rule) as form:
            form.rule_type = "allowance"
            form.pnl_account_id = self.bad_debt
            form.account_id = self.allowance_account
            self.assertEqual(form.analytic_mode, "none")
