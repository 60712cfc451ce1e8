# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Aging buckets as editable lines in one place (sale.closing.aging.bucket):
each company has a default set, edited inline in the Settings, shared by the
receivables aging check and the bad-debt allowance rules, and refused when
it would leave receivables out."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.modules.migration import load_script
from odoo.tests import Form, tagged
from odoo.tools.sql import table_exists

from .common_posting import PostingCommon


@tagged("post_install", "-at_install")
class TestAgingBuckets(PostingCommon):
    closing_users = False  # its tests use none of them

    def _buckets(self, company=None):
        company = company or self.env.company
        self.env.invalidate_all()
        return company.sale_closing_aging_bucket_ids

    def _overdue_invoice(self):
        """1000.00 invoiced and due Oct 20: 11 days overdue at Oct 31."""
        return self.init_invoice(
            "out_invoice", self.partner_a, "2026-10-20", amounts=[1000.0], post=True
        )

    def test_default_set_for_a_company_created_after_install(self):
        company = self.env["res.company"].create({"name": "Newly created"})
        self.assertRecordValues(
            self._buckets(company),
            [
                {"days_from": 0, "percentage": 0.0, "name": "Not due"},
                {"days_from": 1, "percentage": 5.0, "name": "1–30 days"},
                {"days_from": 31, "percentage": 20.0, "name": "31–60 days"},
                {"days_from": 61, "percentage": 50.0, "name": "61–90 days"},
                {"days_from": 91, "percentage": 100.0, "name": "Over 90 days"},
            ],
        )
        self.assertEqual(
            company._get_sale_closing_aging(), ([30, 60, 90], [0, 5, 20, 50, 100])
        )

    def test_installed_company_has_the_default_set(self):
        self.assertEqual(self._buckets().mapped("days_from"), [0, 1, 31, 61, 91])

    def test_edited_inline_in_the_settings(self):
        with Form(self.env["res.config.settings"]) as settings:
            with settings.sale_closing_aging_bucket_ids.edit(1) as bucket:
                bucket.percentage = 10.0
            with settings.sale_closing_aging_bucket_ids.new() as bucket:
                bucket.days_from = 181
                bucket.percentage = 100.0
        self.assertEqual(
            [(b.days_from, b.percentage, b.name) for b in self._buckets()],
            [
                (0, 0.0, "Not due"),
                (1, 10.0, "1–30 days"),
                (31, 20.0, "31–60 days"),
                (61, 50.0, "61–90 days"),
                (91, 100.0, "91–180 days"),
                (181, 100.0, "Over 180 days"),
            ],
        )

    def test_check_and_allowance_read_the_same_buckets(self):
        rule = self._rule("allowance")
        self._overdue_invoice()
        # 11 days overdue: 1-30 at 5% = 50.00
        self.assertEqual(sorted(self._preview(rule).mapped("balance")), [-50.0, 50.0])
        self.assertEqual(rule.aging_bucket_ids, self._buckets())
        # one edit of the company's buckets moves both: 1-10 at 10%, 11-30 at 40%
        self.env.company.sale_closing_aging_bucket_ids = [Command.clear()] + [
            Command.create({"days_from": days, "percentage": rate})
            for days, rate in [(0, 0), (1, 10), (11, 40), (31, 100)]
        ]
        self.period_oct.action_run_checks()
        aging = self.period_oct.result_ids.filtered(
            lambda r: r.check_code == "receivable_aging"
        )
        self.assertEqual(aging.aging_bucket, "11-30")
        # 1000.00 x 40% = 400.00
        self.assertEqual(sorted(self._preview(rule).mapped("balance")), [-400.0, 400.0])
        rule.invalidate_recordset()
        self.assertEqual(
            rule.bucket_summary,
            "Not due: 0%, 1–10 days: 10%, 11–30 days: 40%, Over 30 days: 100%",
        )

    def _assert_refused(self, regex, commands):
        before = [(b.days_from, b.percentage) for b in self._buckets()]
        # assertRaises (not ...Regex) rolls back to a savepoint, as a request
        with self.assertRaises(ValidationError) as caught:
            self.env.company.sale_closing_aging_bucket_ids = commands
        self.assertRegex(str(caught.exception), regex)
        self.assertEqual([(b.days_from, b.percentage) for b in self._buckets()], before)

    def test_bad_sets_refused_nothing_written(self):
        first, second, third = self._buckets()[:3]
        self._assert_refused(
            "between 0 and 100", [Command.update(second.id, {"percentage": 101.0})]
        )
        self._assert_refused(
            "between 0 and 100", [Command.update(second.id, {"percentage": -1.0})]
        )
        # the buckets are read in the order of their days: two on one day
        self._assert_refused(
            "later than the one before", [Command.update(third.id, {"days_from": 61})]
        )
        self._assert_refused("0 or more", [Command.update(third.id, {"days_from": -3})])
        self._assert_refused("first bucket starts at 0", [Command.delete(first.id)])
        self._assert_refused("second bucket starts at 1", [Command.delete(second.id)])
        self._assert_refused("at least two buckets", [Command.clear()])

    def test_deleting_down_to_one_bucket_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self._buckets()[1:].unlink()
        self.assertRegex(str(caught.exception), "at least two buckets")
        self.assertEqual(len(self._buckets()), 5)

    def test_an_edit_passing_through_an_invalid_state_is_kept(self):
        # delete 31 and move 61 to 31 in one save: valid once all is written
        buckets = self._buckets()
        self.env.company.sale_closing_aging_bucket_ids = [
            Command.update(buckets[3].id, {"days_from": 31}),
            Command.delete(buckets[2].id),
        ]
        self.assertEqual(self._buckets().mapped("days_from"), [0, 1, 31, 91])

    # --- upgrade from 18.0.1.3.0 (comma-separated texts) ---------------------
    def _upgrade_from_texts(self, check_text, rule_texts):
        """Run the 18.0.1.4.0 migration on a database as 18.0.1.3.0 left it:
        the old text columns re-created and filled with ``check_text`` (the
        receivables aging check) and ``rule_texts`` (``(aging_buckets,
        aging_percentages)`` of the allowance rule)."""
        company = self.env.company
        check = (
            self.env["sale.closing.check"]
            .sudo()
            ._ensure_company_checks(company)
            .filtered(lambda c: c.code == "receivable_aging")
        )
        rule = self._rule("allowance", name="Allowance")
        archived = self._rule("allowance", name="Archived allowance", active=False)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("ALTER TABLE sale_closing_check ADD COLUMN aging_buckets varchar")
        cr.execute(
            "ALTER TABLE sale_closing_posting_rule ADD COLUMN aging_buckets varchar,"
            " ADD COLUMN aging_percentages varchar"
        )
        cr.execute(
            "UPDATE sale_closing_check SET aging_buckets = %s WHERE id = %s",
            (check_text, check.id),
        )
        # the active rule speaks; an archived one with other texts does not
        for record, (buckets, rates) in (
            (rule, rule_texts),
            (archived, ("10,20", "0,1,2,3")),
        ):
            cr.execute(
                "UPDATE sale_closing_posting_rule SET aging_buckets = %s, "
                "aging_percentages = %s WHERE id = %s",
                (buckets, rates, record.id),
            )
        scripts = "sales_closing/migrations/18.0.1.4.0/%s-migrate.py"
        pre = load_script(scripts % "pre", "sales_closing_test_pre_18_0_1_4_0")
        post = load_script(scripts % "post", "sales_closing_test_post_18_0_1_4_0")
        pre.migrate(cr, "18.0.1.3.0")
        post.migrate(cr, "18.0.1.3.0")
        self.assertFalse(table_exists(cr, "sale_closing_aging_legacy"))
        return self._buckets(company)

    def test_upgrade_keeps_the_buckets_check_and_rule_agree_on(self):
        buckets = self._upgrade_from_texts(
            "30,60,90,180", ("30,60,90,180", "0,2,10,40,80,100")
        )
        self.assertEqual(
            [(b.days_from, b.percentage) for b in buckets],
            [(0, 0.0), (1, 2.0), (31, 10.0), (61, 40.0), (91, 80.0), (181, 100.0)],
        )
        self.assertEqual(buckets[-1].name, "Over 180 days")

    def test_upgrade_keeps_the_defaults_when_check_and_rule_disagree(self):
        with self.assertLogs("odoo.addons.sales_closing.migrations", "WARNING") as logs:
            buckets = self._upgrade_from_texts("30,60", ("30,60,90", "0,5,20,50,100"))
        self.assertIn(
            "keeps the default aging buckets: the receivables aging check has "
            "buckets 30,60 but an allowance rule has 30,60,90",
            logs.output[0],
        )
        self.assertEqual(
            [(b.days_from, b.percentage) for b in buckets],
            [(0, 0.0), (1, 5.0), (31, 20.0), (61, 50.0), (91, 100.0)],
        )

    def test_upgrade_keeps_the_defaults_on_invalid_percentages(self):
        with self.assertLogs("odoo.addons.sales_closing.migrations", "WARNING") as logs:
            buckets = self._upgrade_from_texts("30,90", ("30,90", "0,5,x,100"))
        self.assertIn("invalid percentages '0,5,x,100'", logs.output[0])
        self.assertEqual(buckets.mapped("days_from"), [0, 1, 31, 61, 91])
