# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_figures import FiguresCommon


@tagged("post_install", "-at_install")
class TestChecks(FiguresCommon):
    """The checks on October, their results, the gate before Closed."""

    def _run(self, period=None, user=None):
        period = period or self.period_oct
        if user:
            period = period.with_user(user)
        with freeze_time("2026-11-02 08:00:00"):
            period._run_checks()
        return period.sudo().result_ids

    def _of(self, results, code):
        return results.filtered(lambda r: r.check_code == code)

    # --- 1. drafts ----------------------------------------------------------
    def test_draft_invoice_in_period_is_blocking(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        invoice = self._invoice_qty(order, "2026-10-20", post=False)
        results = self._of(self._run(), "draft_invoice")
        self.assertRecordValues(
            results,
            [
                {
                    "severity": "blocking",
                    "invoice_id": invoice.id,
                    "partner_id": self.partner_a.id,
                    "amount": 1000.0,
                    "key": f"draft_invoice:{invoice.id}",
                }
            ],
        )
        self.assertIn("is not posted", results.name)

    def test_draft_invoice_after_period_is_not_a_problem(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._invoice_qty(order, "2026-11-01", post=False)
        self.assertFalse(self._of(self._run(), "draft_invoice"))

    def test_draft_credit_note_in_period_is_blocking(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        invoice = self._invoice_qty(order, "2026-10-08")
        with freeze_time("2026-10-25 10:00:00"):
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"journal_id": invoice.journal_id.id, "date": "2026-10-25"})
            )
            refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        results = self._of(self._run(), "draft_invoice")
        self.assertEqual(results.invoice_id, refund)
        self.assertEqual(results.amount, -1000.0)

    # --- 2 and 3 ------------------------------------------------------------
    def test_delivered_not_invoiced(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        self._deliver(order, 4, "2026-10-10")
        results = self._of(self._run(), "delivered_not_invoiced")
        self.assertRecordValues(
            results,
            [
                {
                    "severity": "warning",
                    "sale_line_id": order.order_line.id,
                    "quantity": 4.0,
                    "amount": 120.0,
                }
            ],
        )
        self.assertFalse(self._of(self._run(), "invoiced_not_delivered"))

    def test_product_and_unit_named_in_the_readers_language(self):
        """A translated product and unit of measure read in the reader's
        language: the sentence names them again, not as the runner read
        them."""
        self.env["res.lang"]._activate_lang("zh_CN")
        product, uom = self.product_delivery, self.product_delivery.uom_id
        product.with_context(lang="zh_CN").name = "送货产品"
        uom.with_context(lang="zh_CN").name = "件（测试）"
        order = self._sell("2026-10-05", [(product, 10, 30.0)])
        self._deliver(order, 4, "2026-10-10")
        with freeze_time("2026-11-02 08:00:00"):
            self.period_oct.with_context(lang="en_US")._run_checks()
        result = self._of(self.period_oct.sudo().result_ids, "delivered_not_invoiced")
        english = product.with_context(lang="en_US")
        self.assertIn(f"{english.display_name}: 4.0 {uom.name} delivered", result.name)
        chinese = result.with_context(lang="zh_CN").problem_text
        self.assertIn("送货产品", chinese)
        self.assertIn("4.0 件（测试）", chinese)
        self.assertNotIn(english.name, chinese)

    def test_delivered_and_invoiced_is_not_a_problem(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        self._deliver(order, 4, "2026-10-10")
        self._invoice_qty(order, "2026-10-12")
        results = self._run()
        self.assertFalse(self._of(results, "delivered_not_invoiced"))
        self.assertFalse(self._of(results, "invoiced_not_delivered"))

    def test_delivery_after_period_end_does_not_count(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        self._deliver(order, 4, "2026-11-01")
        self.assertFalse(self._of(self._run(), "delivered_not_invoiced"))

    def test_invoiced_not_delivered(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._invoice_qty(order, "2026-10-08")
        self._deliver(order, 10, "2026-11-04")
        results = self._of(self._run(), "invoiced_not_delivered")
        self.assertRecordValues(
            results,
            [{"quantity": -10.0, "amount": -1000.0, "order_id": order.id}],
        )
        self.assertIn("invoiced and not delivered", results.name)

    # --- storage ------------------------------------------------------------
    def test_figures_are_stored_for_the_reconciliation_view(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        self._deliver(order, 4, "2026-10-10")
        invoice = self._invoice_qty(order, "2026-10-12", {self.product_delivery: 3})
        self._pay(invoice, "2026-10-20")
        self._run()
        self.assertRecordValues(
            self.period_oct.line_ids,
            [
                {
                    "sale_line_id": order.order_line.id,
                    "partner_id": self.partner_a.id,
                    "qty_ordered": 10.0,
                    "qty_delivered": 4.0,
                    "qty_invoiced": 3.0,
                    "qty_difference": 1.0,
                    "amount_delivered_company": 120.0,
                    "amount_invoiced_company": 90.0,
                    "amount_paid_company": 90.0,
                    "amount_difference_company": 30.0,
                }
            ],
        )
        self.assertEqual(self.period_oct.line_count, 1)

    def test_rerun_is_idempotent(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        self._deliver(order, 4, "2026-10-10")
        self._invoice_qty(order, "2026-10-20", post=False)
        first = self._run()
        snapshot = first.read(["key", "name", "amount", "severity"])
        second = self._run()
        self.assertEqual(second, first, "same data, same records")
        self.assertEqual(second.read(["key", "name", "amount", "severity"]), snapshot)

    def test_rerun_clears_resolved_problems(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        invoice = self._invoice_qty(order, "2026-10-20", post=False)
        self.assertTrue(self._of(self._run(), "draft_invoice"))
        with freeze_time("2026-10-31 10:00:00"):
            invoice.action_post()
        self.assertFalse(self._of(self._run(), "draft_invoice"))

    def test_summary_counts_per_check(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        self._deliver(order, 4, "2026-10-10")
        self._invoice_qty(
            self._sell("2026-10-06", [(self.product, 1, 100.0)]),
            "2026-10-20",
            post=False,
        )
        self._run()
        self.assertEqual(self.period_oct.blocking_count, 1)
        self.assertIn("Delivered, not invoiced", self.period_oct.check_summary)
        self.assertIn("$\xa0120.00", self.period_oct.check_summary)

    def test_disabled_check_finds_nothing(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._invoice_qty(order, "2026-10-20", post=False)
        checks = self.env["sale.closing.check"]._ensure_company_checks(self.company)
        checks.filtered(lambda c: c.code == "draft_invoice").enabled = False
        self.assertFalse(self._of(self._run(), "draft_invoice"))

    def test_severity_is_configurable(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        self._deliver(order, 4, "2026-10-10")
        checks = self.env["sale.closing.check"]._ensure_company_checks(self.company)
        checks.filtered(
            lambda c: c.code == "delivered_not_invoiced"
        ).severity = "blocking"
        self.assertEqual(
            self._of(self._run(), "delivered_not_invoiced").severity, "blocking"
        )
        self.assertEqual(self.period_oct.blocking_count, 1)

    def test_closed_period_keeps_its_figures(self):
        self._stage(self.period_oct, "closed")
        with self.assertRaisesRegex(UserError, "figures are frozen"):
            self._run()

    def test_salesman_cannot_run_checks(self):
        with self.assertRaisesRegex(UserError, "Only Sales Closing users"):
            self._run(user=self.salesman)

    def test_billing_user_runs_checks_and_reads_results(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._invoice_qty(order, "2026-10-20", post=False)
        results = self._run(user=self.billing_user)
        self.assertEqual(len(self._of(results, "draft_invoice")), 1)
        period = self.period_oct.with_user(self.billing_user)
        self.assertIn("draft_invoice", period.result_ids.mapped("check_code"))
        self.assertEqual(period.blocking_count, 1)

    # --- the gate -----------------------------------------------------------
    def test_blocking_problem_keeps_period_from_closing(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._invoice_qty(order, "2026-10-20", post=False)
        self._stage(self.period_oct, "invoicing_locked")
        with self.assertRaisesRegex(
            UserError,
            "(?s)cannot close: 1 blocking problem is neither resolved nor waived:\n"
            ".*Run the checks to list it, then resolve it",
        ):
            self._stage(self.period_oct, "closed")
        self.assertEqual(self.period_oct.state, "invoicing_locked")

    def test_blocking_problems_counted_in_the_plural(self):
        for day in ("2026-10-05", "2026-10-06"):
            order = self._sell(day, [(self.product, 10, 100.0)])
            self._invoice_qty(order, "2026-10-20", post=False)
        self._stage(self.period_oct, "invoicing_locked")
        with self.assertRaisesRegex(
            UserError,
            "(?s)cannot close: 2 blocking problems are neither resolved nor waived:\n"
            ".*Run the checks to list them, then resolve them",
        ):
            self._stage(self.period_oct, "closed")

    def test_gate_reruns_checks_on_current_data(self):
        """Closing after the last run does not trust stale results."""
        self._run()
        self.assertFalse(self.period_oct.result_ids)
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._invoice_qty(order, "2026-10-20", post=False)
        self._stage(self.period_oct, "invoicing_locked")
        with self.assertRaisesRegex(UserError, "blocking"):
            self._stage(self.period_oct, "closed")

    def test_warnings_do_not_block(self):
        order = self._sell("2026-10-05", [(self.product_delivery, 10, 30.0)])
        self._deliver(order, 4, "2026-10-10")
        self._stage(self.period_oct, "closed")
        self.assertEqual(self.period_oct.state, "closed")
        self.assertEqual(
            self._of(self.period_oct.result_ids, "delivered_not_invoiced").amount, 120.0
        )

    def test_waived_problem_lets_period_close(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._invoice_qty(order, "2026-10-20", post=False)
        self._stage(self.period_oct, "invoicing_locked")
        results = self._run(user=self.closing_manager)
        blocking = results.filtered(lambda r: r.severity == "blocking")
        action = blocking.with_user(self.closing_manager).action_waive()
        wizard = Form.from_action(self.env(user=self.closing_manager), action)
        wizard.reason = "Customer disputes it; invoiced in November"
        wizard.save().action_waive()
        self.assertRecordValues(
            blocking,
            [
                {
                    "waived": True,
                    "waived_by_id": self.closing_manager.id,
                    "waive_reason": "Customer disputes it; invoiced in November",
                }
            ],
        )
        self.assertEqual(self.period_oct.blocking_count, 0)
        self._stage(self.period_oct, "closed")
        self.assertEqual(self.period_oct.state, "closed")
        self.assertEqual(blocking.exists().waived_by_id, self.closing_manager)
        bodies = self.period_oct.message_ids.mapped("body")
        self.assertTrue(any("Customer disputes it" in body for body in bodies))

    def test_waiver_survives_rerun(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._invoice_qty(order, "2026-10-20", post=False)
        blocking = self._of(self._run(), "draft_invoice")
        blocking.with_user(self.closing_manager)._waive("known")
        self.assertEqual(self._of(self._run(), "draft_invoice"), blocking)
        self.assertTrue(blocking.waived)

    def test_waiver_needs_reason_and_manager(self):
        order = self._sell("2026-10-05", [(self.product, 10, 100.0)])
        self._invoice_qty(order, "2026-10-20", post=False)
        blocking = self._of(self._run(), "draft_invoice")
        with self.assertRaisesRegex(UserError, "reason"):
            blocking.with_user(self.closing_manager)._waive("  ")
        with self.assertRaisesRegex(UserError, "Sales Closing Manager"):
            blocking.with_user(self.billing_user)._waive("because")
        self.assertFalse(blocking.waived)

    def test_reopen_and_close_again_reruns(self):
        self._stage(self.period_oct, "closed")
        order = self._sell("2026-11-05", [(self.product, 1, 100.0)])
        self.assertTrue(order)
        self._stage(self.period_oct, "invoicing_locked")
        self._stage(self.period_oct, "closed")
        self.assertEqual(self.period_oct.state, "closed")
        self.assertTrue(self.period_oct.checks_date)

    # --- cost ---------------------------------------------------------------
    def _make_problems(self, count):
        for _index in range(count):
            order = self._sell(
                "2026-10-05",
                [(self.product_delivery, 10, 30.0), (self.product, 5, 100.0)],
            )
            self._deliver(order, 4, "2026-10-06")
            self._invoice_qty(order, "2026-10-07", {self.product_delivery: 3})

    def _check_results(self):
        period = self.period_oct
        return period._compute_results(period._get_check_data())

    def _warm(self):
        self.env.flush_all()
        self.env.invalidate_all()
        self._check_results()  # warm Odoo's own caches (groups, rules, lang)
        self.env.invalidate_all()

    def test_query_count_of_checks_does_not_grow_with_lines(self):
        self._make_problems(2)
        self._warm()
        # a fixed few more than the ORM's reads on 2 lines: the units and the
        # invoice/order pairs are read by one query each whatever the size;
        # the period is held by an advisory lock and a share lock (issue 14)
        with self.assertQueryCount(49):
            first = self._check_results()
        self._make_problems(4)
        self._warm()
        with self.assertQueryCount(49):
            second = self._check_results()
        codes = [r["check_code"] for r in second]
        self.assertEqual(codes.count("delivered_not_invoiced"), 6)
        self.assertEqual(codes.count("invoiced_not_delivered"), 6)
        # each order adds one of each: delivered 4 / invoiced 3 of the part,
        # invoiced 5 / delivered 4 of the widget, and its open backorder; and
        # the part sold at 30.00, under its standard price of 50.00
        self.assertEqual(len(second) - len(first), 4 * 4)
        # and the info that October has no history to compare with
        self.assertEqual(codes.count("sales_anomaly"), 6 + 1)
