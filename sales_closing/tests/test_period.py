# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SaleClosingCommon


@tagged("post_install", "-at_install")
class TestPeriod(SaleClosingCommon):
    # --- generation and overlap ---------------------------------------------
    def test_generate_year_monthly(self):
        self.assertEqual(len(self.periods), 12)
        self.assertEqual(
            self.periods.sorted("date_start").mapped("name"),
            [f"2026-{m:02d}" for m in range(1, 13)],
        )
        feb = self._period("2026-02")
        self.assertEqual(
            (feb.date_start, feb.date_end),
            (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
        )
        # Generating again creates nothing.
        Period = self.env["sale.closing.period"]
        self.assertFalse(Period._generate_periods(self.company, 2026))

    def test_generate_quarterly_skips_overlaps(self):
        Period = self.env["sale.closing.period"]
        Period.create(
            {
                "name": "Custom 2027-02",
                "company_id": self.company.id,
                "date_start": "2027-02-10",
                "date_end": "2027-02-20",
                "period_type": "custom",
            }
        )
        quarters = Period._generate_periods(self.company, 2027, "quarter")
        self.assertEqual(quarters.mapped("name"), ["2027-Q2", "2027-Q3", "2027-Q4"])

    def test_generate_wizard(self):
        wizard = Form(self.env["sale.closing.generate"])
        wizard.year = 2028
        wizard.period_type = "quarter"
        action = wizard.save().action_generate()
        periods = self.env["sale.closing.period"].search(action["domain"])
        self.assertEqual(len(periods), 4)
        self.assertEqual(periods.company_id, self.company)

    def test_overlap_refused(self):
        with self.assertRaisesRegex(ValidationError, "overlaps period 2026-1[01]"):
            self.env["sale.closing.period"].create(
                {
                    "name": "Mid October",
                    "company_id": self.company.id,
                    "date_start": "2026-10-15",
                    "date_end": "2026-11-14",
                    "period_type": "custom",
                }
            )

    def test_same_dates_other_company_allowed(self):
        other = self.setup_other_company()["company"]
        period = self.env["sale.closing.period"].create(
            {
                "name": "2026-10",
                "company_id": other.id,
                "date_start": "2026-10-01",
                "date_end": "2026-10-31",
            }
        )
        self.assertEqual(period.state, "open")

    def test_end_before_start_refused(self):
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self.env["sale.closing.period"].create(
                {
                    "name": "Backwards",
                    "company_id": self.company.id,
                    "date_start": "2027-03-31",
                    "date_end": "2027-03-01",
                }
            )

    def test_cron_creates_next_month_once(self):
        Period = self.env["sale.closing.period"]
        with freeze_time("2027-01-20"):
            Period._cron_generate_next_periods()
            Period._cron_generate_next_periods()
        feb = Period.search(
            [("company_id", "=", self.company.id), ("name", "=", "2027-02")]
        )
        self.assertEqual(len(feb), 1)
        self.assertEqual(
            (feb.date_start, feb.date_end),
            (datetime.date(2027, 2, 1), datetime.date(2027, 2, 28)),
        )

    # --- stage order ----------------------------------------------------------
    def test_advance_walks_every_stage_in_order(self):
        with freeze_time("2026-11-05"):
            seen = []
            for _i in range(3):
                self.period_oct.action_advance()
                seen.append(self.period_oct.state)
            self.assertEqual(seen, ["sales_locked", "invoicing_locked", "closed"])
            with self.assertRaisesRegex(UserError, "already closed"):
                self.period_oct.action_advance()

    def test_previous_period_must_be_ahead(self):
        with freeze_time("2026-12-05"):
            with self.assertRaisesRegex(
                UserError, "before the previous period 2026-10 has"
            ):
                self.period_nov.action_advance()
            self.period_oct.action_advance()
            self.period_nov.action_advance()
            self.assertEqual(self.period_nov.state, "sales_locked")
            with self.assertRaisesRegex(UserError, "2026-10 first"):
                self.period_nov.action_advance()

    def test_not_before_period_end(self):
        with freeze_time("2026-10-31 22:00:00"):
            with self.assertRaisesRegex(UserError, "only after its last day"):
                self.period_oct.action_advance()
            self.company.sale_closing_allow_early_close = True
            self.period_oct.action_advance()
            self.assertEqual(self.period_oct.state, "sales_locked")

    def test_state_not_writable_directly(self):
        with self.assertRaisesRegex(UserError, "only through its buttons"):
            self.period_oct.write({"state": "closed"})

    def test_dates_frozen_once_locked(self):
        self._stage(self.period_oct, "sales_locked")
        with self.assertRaisesRegex(UserError, "only change while it is Open"):
            self.period_oct.date_end = "2026-10-30"

    def test_locked_period_not_deletable(self):
        self._stage(self.period_oct, "sales_locked")
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.period_oct.unlink()
        self.period_nov.unlink()
        self.assertFalse(self.period_nov.exists())

    # --- reopen ---------------------------------------------------------------
    def test_reopen_needs_reason_and_walks_back_one_stage(self):
        self._stage(self.period_oct, "closed")
        wizard = Form(
            self.env["sale.closing.reopen"].with_context(
                default_period_id=self.period_oct.id
            )
        )
        wizard.reason = "   "
        with self.assertRaisesRegex(UserError, "Say why"):
            wizard.save().action_reopen()
        self.assertEqual(self.period_oct.state, "closed")
        action = self.period_oct.action_reopen()
        wizard = Form.from_action(self.env, action)
        wizard.reason = "Credit note for ACME was missed"
        wizard.save().action_reopen()
        self.assertEqual(self.period_oct.state, "invoicing_locked")
        self.assertIn(
            "Reason: Credit note for ACME was missed",
            self.period_oct.message_ids[0].body,
        )
        self.assertIn(
            "from Closed to Invoicing Locked", self.period_oct.message_ids[0].body
        )

    def test_reopen_reason_too_long(self):
        """Found through the running server (issue 14): a 10 MB reason went
        into the reversals' reference and failed in PostgreSQL's index."""
        self._stage(self.period_oct, "closed")
        with self.assertRaisesRegex(
            UserError, "The reason is 2001 characters long; keep it to 2000"
        ):
            self.period_oct._reopen("理" * 2001, stage_from="closed")
        self.assertEqual(self.period_oct.state, "closed")
        self.period_oct._reopen(" " + "理" * 2000 + " ", stage_from="closed")
        self.assertEqual(self.period_oct.state, "invoicing_locked")

    def test_reopen_refused_while_next_period_is_locked(self):
        self._stage(self.period_oct, "closed")
        self._stage(self.period_nov, "sales_locked")
        with self.assertRaisesRegex(UserError, "while the next period 2026-11"):
            self.period_oct._reopen("late return")
        self._stage(self.period_nov, "open")
        self.period_oct._reopen("late return")
        self.assertEqual(self.period_oct.state, "invoicing_locked")

    def test_reopen_open_period_refused(self):
        with self.assertRaisesRegex(UserError, "already open"):
            self.period_oct._reopen("nothing to reopen")

    # --- Sales Lock Date ------------------------------------------------------
    def test_sale_lock_date_follows_invoicing_lock(self):
        self.assertFalse(self.company.sale_lock_date)
        self._stage(self.period_oct, "sales_locked")
        self.assertFalse(self.company.sale_lock_date)
        self._stage(self.period_oct, "invoicing_locked")
        self.assertEqual(self.company.sale_lock_date, fields.Date.to_date("2026-10-31"))
        self._stage(self.period_oct, "closed")
        self._stage(self.period_nov, "invoicing_locked")
        self.assertEqual(self.company.sale_lock_date, fields.Date.to_date("2026-11-30"))
        self._stage(self.period_nov, "sales_locked")
        self.assertEqual(self.company.sale_lock_date, fields.Date.to_date("2026-10-31"))
        self._stage(self.period_nov, "open")
        self._stage(self.period_oct, "sales_locked")
        self.assertFalse(self.company.sale_lock_date)

    def test_sale_lock_date_never_moved_backwards(self):
        self.company.sale_lock_date = "2026-12-31"
        self._stage(self.period_oct, "invoicing_locked")
        self.assertEqual(self.company.sale_lock_date, fields.Date.to_date("2026-12-31"))
        self._stage(self.period_oct, "sales_locked")
        self.assertEqual(self.company.sale_lock_date, fields.Date.to_date("2026-12-31"))

    def test_sale_lock_date_to_restore_says_what_it_is(self):
        """The period keeps the company's Sales Lock Date it replaced, under a
        label that says it is the date given back on reopening."""
        self.company.sale_lock_date = "2026-09-30"
        self._stage(self.period_oct, "invoicing_locked")
        self.assertEqual(
            self.period_oct.sale_lock_date_before, fields.Date.to_date("2026-09-30")
        )
        field = self.env["sale.closing.period"].fields_get(
            ["sale_lock_date_before"], ["string", "help"]
        )["sale_lock_date_before"]
        self.assertEqual(field["string"], "Sales Lock Date to Restore")
        self.assertIn("Reopening the period sets", field["help"])
        self._stage(self.period_oct, "sales_locked")
        self.assertEqual(self.company.sale_lock_date, fields.Date.to_date("2026-09-30"))
        self.assertFalse(self.period_oct.sale_lock_date_before)

    def test_sale_lock_date_untouched_when_invoices_not_locked(self):
        self.company.sale_closing_lock_invoices = False
        self._stage(self.period_oct, "closed")
        self.assertFalse(self.company.sale_lock_date)

    # --- chatter --------------------------------------------------------------
    def test_stage_changes_in_chatter(self):
        with freeze_time("2026-11-05"):
            self.period_oct.with_user(self.closing_manager).action_advance()
        self.assertIn(
            f"Advanced from Open to Sales Locked by {self.closing_manager.name}.",
            self.period_oct.message_ids[0].body,
        )
