# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_figures import FiguresCommon


@tagged("post_install", "-at_install")
class TestChecksDocuments(FiguresCommon):
    """The checks on deliveries, invoices, receivables and stock of October,
    each on documents made through Odoo's flows at fixed dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.checks = cls.env["sale.closing.check"]._ensure_company_checks(cls.company)
        cls.bank_journal = cls.company_data["default_journal_bank"]

    # --- helpers ------------------------------------------------------------
    def _run(self, period=None):
        period = period or self.period_oct
        with freeze_time("2026-11-02 08:00:00"):
            period._run_checks()
        return period.sudo().result_ids

    def _results(self, code, period=None):
        return self._run(period).filtered(lambda r: r.check_code == code)

    def _check(self, code):
        return self.checks.filtered(lambda c: c.code == code)

    def _sell_product(self, day="2026-10-05", qty=10, price=100.0):
        return self._sell(day, [(self.product, qty, price)])

    def _customer_payment(self, day, amount, partner=None):
        with freeze_time(f"{day} 11:00:00"):
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": (partner or self.partner_a).id,
                    "amount": amount,
                    "date": day,
                    "journal_id": self.bank_journal.id,
                }
            )
            payment.action_post()
        return payment

    def _receivable_lines(self, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def _new_storable(self, name, categ=None):
        vals = {"list_price": 10.0}
        if categ:
            vals.update(categ_id=categ.id, standard_price=10.0)
        return self._closing_product(name, **vals)

    def _inventory(self, product, qty, day):
        """Set the stock of ``product`` through an inventory adjustment."""
        with freeze_time(f"{day} 09:00:00"):
            quant = (
                self.env["stock.quant"]
                .with_context(inventory_mode=True)
                .create(
                    {
                        "product_id": product.id,
                        "location_id": self.stock_location.id,
                        "inventory_quantity": qty,
                    }
                )
            )
            quant.action_apply_inventory()

    # --- 4. late deliveries -------------------------------------------------
    def test_late_delivery_open_at_period_end(self):
        order = self._sell_product()
        picking = order.picking_ids
        results = self._results("late_delivery")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"late_delivery:{picking.id}",
                    "severity": "warning",
                    "picking_id": picking.id,
                    "order_id": order.id,
                    "partner_id": self.partner_a.id,
                }
            ],
        )
        self.assertIn(picking.name, results.name)
        self.assertIn("was not done by the period end", results.name)

    def test_late_delivery_done_in_period_is_not_a_problem(self):
        order = self._sell_product()
        self._deliver(order, 10, "2026-10-20")
        self.assertFalse(self._results("late_delivery"))

    def test_late_delivery_done_after_period_end_is_late_for_the_period(self):
        order = self._sell_product()
        picking = self._deliver(order, 10, "2026-11-03")
        self.assertEqual(picking.state, "done")
        self.assertEqual(self._results("late_delivery").picking_id, picking)

    def test_late_delivery_scheduled_after_period_end_is_not_late(self):
        order = self._sell_product()
        order.picking_ids.scheduled_date = "2026-11-10 10:00:00"
        self.assertFalse(self._results("late_delivery"))

    def test_late_delivery_backorder_open_at_period_end(self):
        order = self._sell_product()
        first = self._deliver(order, 4, "2026-10-10")
        backorder = order.picking_ids - first
        self.assertEqual(backorder.backorder_id, first)
        self.assertEqual(self._results("late_delivery").picking_id, backorder)

    def test_disabled_check_finds_nothing(self):
        self._sell_product()
        self._check("late_delivery").enabled = False
        self.assertFalse(self._results("late_delivery"))

    # --- 5. dates -----------------------------------------------------------
    def test_date_mismatch_invoice_moved_past_lock_date(self):
        order = self._sell_product()
        self._deliver(order, 10, "2026-10-06")
        invoice = self._invoice_booked_after_lock(order)
        self.assertEqual(invoice.date, fields.Date.to_date("2026-11-02"))
        results = self._results("date_mismatch")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"date_mismatch:invoice:{invoice.id}",
                    "invoice_id": invoice.id,
                    "partner_id": self.partner_a.id,
                    "amount": 1000.0,
                }
            ],
        )
        self.assertIn("is dated 10/30/2026 but booked on 11/02/2026", results.name)

    def test_date_mismatch_normal_invoice_is_not_a_problem(self):
        order = self._sell_product()
        self._deliver(order, 10, "2026-10-06")
        self._invoice_qty(order, "2026-10-08")
        self.assertFalse(self._results("date_mismatch"))

    # --- 6. order vs invoice ------------------------------------------------
    def _invoice_with(self, order, day, **line_values):
        invoice = self._invoice_qty(order, day, post=False)
        invoice.invoice_line_ids.write(line_values)
        with freeze_time(f"{day} 14:00:00"):
            invoice.action_post()
        return invoice

    def test_line_mismatch_invoiced_price_differs(self):
        order = self._sell_product()
        invoice = self._invoice_with(order, "2026-10-08", price_unit=90.0)
        line = order.order_line
        results = self._results("line_mismatch")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"line_mismatch:price:{invoice.invoice_line_ids.id}:"
                    f"{line.id}",
                    "sale_line_id": line.id,
                    "order_id": order.id,
                    "invoice_id": invoice.id,
                    "product_id": self.product.id,
                }
            ],
        )
        self.assertIn("at 90.0", results.name)
        self.assertIn("sold it at 100.0", results.name)

    def test_line_mismatch_price_within_tolerance_is_not_a_problem(self):
        order = self._sell_product()
        self._invoice_with(order, "2026-10-08", price_unit=90.0)
        self._check("line_mismatch").tolerance = 15.0
        self.assertFalse(self._results("line_mismatch"))

    def test_line_mismatch_invoiced_discount_differs(self):
        order = self._sell_product()
        invoice = self._invoice_with(order, "2026-10-08", discount=10.0)
        results = self._results("line_mismatch")
        self.assertEqual(
            results.key,
            f"line_mismatch:discount:{invoice.invoice_line_ids.id}:"
            f"{order.order_line.id}",
        )
        self.assertIn("a 10.0% discount", results.name)
        self.assertIn("gave 0.0%", results.name)

    def test_line_mismatch_same_price_is_not_a_problem(self):
        order = self._sell_product()
        self._deliver(order, 10, "2026-10-06")
        self._invoice_qty(order, "2026-10-08")
        self.assertFalse(self._results("line_mismatch"))

    def test_line_mismatch_over_delivered(self):
        order = self._sell_product()
        self._deliver(order, 12, "2026-10-06")
        results = self._results("line_mismatch")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"line_mismatch:over_delivered:{order.order_line.id}",
                    "sale_line_id": order.order_line.id,
                    "quantity": 2.0,
                }
            ],
        )
        self.assertIn("12.0 delivered for 10.0 ordered", results.name)

    def test_line_mismatch_returned_not_credited(self):
        order = self._sell_product()
        picking = self._deliver(order, 10, "2026-10-06")
        self._invoice_qty(order, "2026-10-08")
        self._return(picking, 3, "2026-10-20")
        results = self._results("line_mismatch")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"line_mismatch:return:{order.order_line.id}",
                    "sale_line_id": order.order_line.id,
                    "quantity": 3.0,
                }
            ],
        )
        self.assertIn("3.0 returned and not credited yet", results.name)

    def test_line_mismatch_return_credited_in_period_is_not_a_problem(self):
        order = self._sell_product()
        picking = self._deliver(order, 10, "2026-10-06")
        invoice = self._invoice_qty(order, "2026-10-08")
        self._return(picking, 3, "2026-10-20")
        self._refund(invoice, "2026-10-25", qty=3)
        self.assertFalse(self._results("line_mismatch"))

    def test_line_mismatch_return_credited_after_period_end_still_open(self):
        order = self._sell_product()
        picking = self._deliver(order, 10, "2026-10-06")
        invoice = self._invoice_qty(order, "2026-10-08")
        self._return(picking, 3, "2026-10-20")
        self._refund(invoice, "2026-11-05", qty=3)
        self.assertEqual(self._results("line_mismatch").quantity, 3.0)

    # --- 7. receivables -----------------------------------------------------
    def _unpaid_invoice(self, day="2026-10-05", qty=10):
        order = self._sell_product(day, qty=qty)
        invoice = self._invoice_qty(order, day)
        self.assertEqual(invoice.invoice_date_due, fields.Date.to_date(day))
        return invoice

    def test_receivable_aging_overdue_invoice(self):
        invoice = self._unpaid_invoice()
        self.assertEqual(invoice.amount_total, 1000.0)
        results = self._results("receivable_aging")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"receivable_aging:{self.partner_a.id}:1-30",
                    "severity": "info",
                    "partner_id": self.partner_a.id,
                    "aging_bucket": "1-30",
                    "amount": 1000.0,
                }
            ],
        )
        self.assertIn("1-30 days overdue", results.name)

    def test_receivable_aging_not_due_yet(self):
        order = self._sell_product("2026-10-20")
        invoice = self._invoice_qty(order, "2026-10-20", post=False)
        invoice.invoice_payment_term_id = self.env.ref(
            "account.account_payment_term_30days"
        )
        with freeze_time("2026-10-20 14:00:00"):
            invoice.action_post()
        self.assertEqual(invoice.invoice_date_due, fields.Date.to_date("2026-11-19"))
        self.assertRecordValues(
            self._results("receivable_aging"),
            [{"aging_bucket": "not_due", "amount": 1000.0}],
        )

    def test_receivable_aging_payment_after_period_end_does_not_count(self):
        invoice = self._unpaid_invoice()
        self._pay(invoice, "2026-11-05")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertRecordValues(
            self._results("receivable_aging"),
            [{"aging_bucket": "1-30", "amount": 1000.0}],
        )

    def test_receivable_aging_partial_payment_in_period_reduces(self):
        invoice = self._unpaid_invoice()
        self._pay(invoice, "2026-10-20", amount=400.0)
        self.assertRecordValues(
            self._results("receivable_aging"),
            [{"aging_bucket": "1-30", "amount": 600.0}],
        )

    def test_receivable_aging_paid_in_period_is_not_a_problem(self):
        invoice = self._unpaid_invoice()
        self._pay(invoice, "2026-10-20")
        self.assertFalse(self._results("receivable_aging"))

    def test_receivable_aging_custom_buckets(self):
        self._unpaid_invoice()
        self._check("receivable_aging").aging_buckets = "10,20"
        # due October 5: 26 days overdue on October 31, past the last limit
        results = self._results("receivable_aging")
        self.assertRecordValues(results, [{"aging_bucket": "20+", "amount": 1000.0}])
        self.assertIn("20+ days overdue", results.name)

    def test_receivable_aging_custom_buckets_middle(self):
        self._unpaid_invoice(day="2026-10-15")
        self._check("receivable_aging").aging_buckets = "10,20"
        # due October 15: 16 days overdue on October 31
        self.assertEqual(self._results("receivable_aging").aging_bucket, "11-20")

    def test_receivable_aging_decreasing_buckets_refused(self):
        with self.assertRaisesRegex(ValidationError, "Aging buckets 60,30"):
            self._check("receivable_aging").aging_buckets = "60,30"

    def test_receivable_aging_text_buckets_refused(self):
        with self.assertRaisesRegex(ValidationError, "Aging buckets abc"):
            self._check("receivable_aging").aging_buckets = "abc"

    # --- unmatched payments -------------------------------------------------
    def test_unmatched_payment_in_period(self):
        payment = self._customer_payment("2026-10-10", 300.0)
        line = self._receivable_lines(payment.move_id)
        results = self._results("unmatched_payment")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"unmatched_payment:{line.id}",
                    "move_line_id": line.id,
                    "partner_id": self.partner_a.id,
                    "amount": -300.0,
                }
            ],
        )
        self.assertIn("$\xa0300.00 not matched with an invoice", results.name)

    def test_unmatched_payment_matched_in_period_is_not_a_problem(self):
        invoice = self._unpaid_invoice()
        payment = self._customer_payment("2026-10-20", 1000.0)
        with freeze_time("2026-10-20 16:00:00"):
            self._receivable_lines(payment.move_id | invoice).reconcile()
        self.assertEqual(invoice.payment_state, "paid")
        results = self._run()
        self.assertFalse(
            results.filtered(lambda r: r.check_code == "unmatched_payment")
        )
        self.assertFalse(results.filtered(lambda r: r.check_code == "receivable_aging"))

    def test_unmatched_payment_matched_with_later_invoice_still_open(self):
        payment = self._customer_payment("2026-10-20", 1000.0)
        invoice = self._unpaid_invoice(day="2026-11-03")
        with freeze_time("2026-11-03 16:00:00"):
            self._receivable_lines(payment.move_id | invoice).reconcile()
        self.assertEqual(self._results("unmatched_payment").amount, -1000.0)

    def test_unmatched_payment_rest_of_a_larger_payment(self):
        invoice = self._unpaid_invoice()
        payment = self._customer_payment("2026-10-20", 1500.0)
        with freeze_time("2026-10-20 16:00:00"):
            self._receivable_lines(payment.move_id | invoice).reconcile()
        self.assertRecordValues(
            self._results("unmatched_payment"),
            [
                {
                    "move_line_id": self._receivable_lines(payment.move_id).id,
                    "amount": -500.0,
                }
            ],
        )

    def test_min_amount_filters_small_results(self):
        self._customer_payment("2026-10-10", 300.0)
        big = self._customer_payment("2026-10-11", 800.0)
        self._check("unmatched_payment").min_amount = 500.0
        self.assertRecordValues(
            self._results("unmatched_payment"),
            [
                {
                    "move_line_id": self._receivable_lines(big.move_id).id,
                    "amount": -800.0,
                }
            ],
        )

    def test_min_amount_keeps_result_equal_to_it(self):
        self._customer_payment("2026-10-10", 300.0)
        self._check("unmatched_payment").min_amount = 300.0
        self.assertEqual(self._results("unmatched_payment").amount, -300.0)

    # --- credit limit -------------------------------------------------------
    def _set_credit_limit(self, limit):
        self.company.account_use_credit_limit = True
        self.partner_a.with_company(self.company).credit_limit = limit

    def test_credit_limit_exceeded(self):
        self._set_credit_limit(500.0)
        self._unpaid_invoice()
        results = self._results("credit_limit")
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"credit_limit:{self.partner_a.id}",
                    "partner_id": self.partner_a.id,
                    "amount": 500.0,
                }
            ],
        )
        self.assertIn("owes $\xa01,000.00", results.name)
        self.assertIn("credit limit of $\xa0500.00", results.name)

    def test_credit_limit_setting_off_is_not_a_problem(self):
        self._set_credit_limit(500.0)
        self.company.account_use_credit_limit = False
        self._unpaid_invoice()
        self.assertFalse(self._results("credit_limit"))

    def test_credit_limit_under_limit_is_not_a_problem(self):
        self._set_credit_limit(1000.0)
        self._unpaid_invoice()
        self.assertFalse(self._results("credit_limit"))

    def test_credit_limit_payment_after_period_end_does_not_count(self):
        self._set_credit_limit(500.0)
        invoice = self._unpaid_invoice()
        self._pay(invoice, "2026-11-05")
        self.assertEqual(self._results("credit_limit").amount, 500.0)

    # --- 8. stock -----------------------------------------------------------
    def _negative_stock_of(self, product):
        return self._results("negative_stock").filtered(
            lambda r: r.product_id == product
        )

    def test_negative_stock_after_delivery_without_stock(self):
        product = self._new_storable("No Stock Widget")
        order = self._sell("2026-10-05", [(product, 5, 10.0)])
        self._deliver(order, 5, "2026-10-06")
        results = self._negative_stock_of(product)
        self.assertRecordValues(
            results,
            [
                {
                    "key": f"negative_stock:{product.id}:{self.stock_location.id}",
                    "quantity": -5.0,
                }
            ],
        )
        self.assertIn(self.stock_location.complete_name, results.name)

    def test_negative_stock_with_enough_stock_is_not_a_problem(self):
        product = self._new_storable("Stocked Widget")
        self._inventory(product, 10, "2026-10-01")
        order = self._sell("2026-10-05", [(product, 5, 10.0)])
        self._deliver(order, 5, "2026-10-06")
        self.assertFalse(self._negative_stock_of(product))

    def test_negative_stock_replenished_after_period_end_still_negative(self):
        product = self._new_storable("Late Stock Widget")
        order = self._sell("2026-10-05", [(product, 5, 10.0)])
        self._deliver(order, 5, "2026-10-06")
        self._inventory(product, 10, "2026-11-03")
        self.assertEqual(self._negative_stock_of(product).quantity, -5.0)

    # --- stock valuation ----------------------------------------------------
    def _real_time_category(self):
        Account = self.env["account.account"]
        valuation = Account.create(
            {
                "name": "Stock Valuation",
                "code": "STV100",
                "account_type": "asset_current",
            }
        )
        interim = Account.create(
            {"name": "Stock Interim", "code": "STI100", "account_type": "asset_current"}
        )
        category = (
            self.env["product.category"]
            .with_company(self.company)
            .create(
                {
                    "name": "Real Time",
                    "property_cost_method": "standard",
                    "property_valuation": "real_time",
                    "property_stock_valuation_account_id": valuation.id,
                    "property_stock_account_input_categ_id": interim.id,
                    "property_stock_account_output_categ_id": interim.id,
                }
            )
        )
        return category, valuation

    def _valued_stock(self, qty, day):
        """10 units at 10.00 counted in on ``day``, their layers created then
        (a layer's date is its creation date, which a test cannot freeze)."""
        category, valuation = self._real_time_category()
        product = self._new_storable("Valued Widget", categ=category)
        self._inventory(product, qty, day)
        layers = self.env["stock.valuation.layer"].search(
            [("product_id", "=", product.id)]
        )
        self.assertEqual(layers.mapped("value"), [qty * 10.0])
        layers.flush_recordset()
        self.env.cr.execute(
            "UPDATE stock_valuation_layer SET create_date = %s WHERE id = ANY(%s)",
            [f"{day} 09:00:00", layers.ids],
        )
        return valuation

    def _post_valuation_entry(self, valuation, amount, day):
        """A manual entry debiting the valuation account, with no layer."""
        expense = self.company_data["default_account_expense"]
        with freeze_time(f"{day} 10:00:00"):
            entry = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "date": day,
                    "line_ids": [
                        Command.create({"account_id": valuation.id, "debit": amount}),
                        Command.create({"account_id": expense.id, "credit": amount}),
                    ],
                }
            )
            entry.action_post()
        return entry

    def test_stock_valuation_entry_after_period_end_does_not_count(self):
        valuation = self._valued_stock(10, "2026-10-05")
        self._post_valuation_entry(valuation, 25.0, "2026-11-03")
        self.assertFalse(self._stock_valuation_results())

    def _stock_valuation_results(self):
        return self._results("stock_valuation")

    def test_stock_valuation_matches_ledger(self):
        self._valued_stock(10, "2026-10-05")
        self.assertFalse(self._stock_valuation_results())

    def test_stock_valuation_differs_from_ledger(self):
        valuation = self._valued_stock(10, "2026-10-05")
        self._post_valuation_entry(valuation, 25.0, "2026-10-15")
        results = self._stock_valuation_results()
        self.assertRecordValues(
            results, [{"key": f"stock_valuation:{valuation.id}", "amount": -25.0}]
        )
        self.assertIn("$\xa0100.00", results.name)
        self.assertIn("holds $\xa0125.00", results.name)

    def test_stock_valuation_difference_equal_to_min_amount_is_listed(self):
        valuation = self._valued_stock(10, "2026-10-05")
        self._post_valuation_entry(valuation, 25.0, "2026-10-15")
        self._check("stock_valuation").min_amount = 25.0
        self.assertEqual(self._stock_valuation_results().amount, -25.0)

    def test_stock_valuation_difference_below_min_amount_is_not_listed(self):
        valuation = self._valued_stock(10, "2026-10-05")
        self._post_valuation_entry(valuation, 25.0, "2026-10-15")
        self._check("stock_valuation").min_amount = 25.01
        self.assertFalse(self._stock_valuation_results())

    # --- the nightly run ----------------------------------------------------
    def test_cron_runs_checks_of_ended_period(self):
        order = self._sell_product()
        period_dec = self._period("2026-12")
        with freeze_time("2026-11-02 00:00:00"):
            self.env["sale.closing.period"]._cron_run_checks()
        self.assertEqual(
            self.period_oct.checks_date, datetime.datetime(2026, 11, 2, 0, 0, 0)
        )
        self.assertEqual(
            self.period_oct.result_ids.filtered(
                lambda r: r.check_code == "late_delivery"
            ).picking_id,
            order.picking_ids,
        )
        self.assertFalse(period_dec.checks_date)
        self.assertFalse(period_dec.result_ids)
