# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A document saved while its period locks (issue 14): a document dated in
the period that can lock next, once that period may have ended, takes a
share lock on it; a stage change takes the row FOR UPDATE, so one waits for
the other. Everything else keeps the free horizon shortcut. The two
transactions themselves race against a running server in
``tests_server/test_delivery_race.py``."""

import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged

from .common import SaleClosingCommon


@tagged("post_install", "-at_install")
class TestLockRace(SaleClosingCommon):
    closing_users = False  # its tests use none of them

    # a connection of its own waits on the period's advisory lock, which the
    # base shared under pytest keeps while it lives (see shared_base)
    shared_base = False

    def _locked_queries(self, dates):
        """Run the delivery lock on ``dates``; return its SQL queries."""
        Lock = self.env["sale.closing.lock"]
        items = [(self.period_nov, self.company, date, []) for date in dates]
        with (
            self.env.cr._enable_logging(),
            self.assertLogs("odoo.sql_db", "DEBUG") as logs,
        ):
            Lock._check_locked("delivery", items, "validated")
            self.env.cr.execute("SELECT 'end of the check'")
        return [line for line in logs.output if "query:" in line][:-1]

    @freeze_time("2026-11-05")
    def test_horizon_and_next_period_end_follow_the_stages(self):
        # September is closed (common.py)
        self.assertEqual(
            self.company.sale_closing_sales_next_end, self.period_oct.date_end
        )
        self._stage(self.period_oct, "sales_locked")
        self.assertEqual(
            self.company.sale_closing_sales_lock_date, self.period_oct.date_end
        )
        self.assertEqual(
            self.company.sale_closing_sales_next_end, self.period_nov.date_end
        )
        self.assertEqual(
            self.company.sale_closing_invoicing_lock_date, self.period_sep.date_end
        )
        self.assertEqual(
            self.company.sale_closing_invoicing_next_end, self.period_oct.date_end
        )
        # a new period after the others does not move the next one
        january = self.env["sale.closing.period"].create(
            {
                "name": "2027-01",
                "company_id": self.company.id,
                "date_start": "2027-01-01",
                "date_end": "2027-01-31",
            }
        )
        self.assertEqual(
            self.company.sale_closing_sales_next_end, self.period_nov.date_end
        )
        january.unlink()
        self.period_oct._reopen("late delivery", stage_from="sales_locked")
        self.assertEqual(
            self.company.sale_closing_sales_next_end, self.period_oct.date_end
        )

    @freeze_time("2026-11-05 10:00:00")
    def test_documents_far_from_the_next_period_end_cost_nothing(self):
        self._stage(self.period_oct, "sales_locked")
        # today, in November, which cannot end before this transaction does
        self.assertEqual(self._locked_queries([datetime.date(2026, 11, 5)]), [])
        # later periods cannot lock before November
        self.assertEqual(self._locked_queries([datetime.date(2027, 1, 5)]), [])

    @freeze_time("2026-11-29 22:00:00")
    def test_documents_of_the_next_period_near_its_end_lock_it(self):
        self._stage(self.period_oct, "sales_locked")
        # somewhere on Earth November may be over before this commits
        queries = self._locked_queries([datetime.date(2026, 11, 20)])
        self.assertEqual(len(queries), 1, queries)
        self.assertIn("FOR SHARE", queries[0])
        # one query for many documents
        queries = self._locked_queries(
            [datetime.date(2026, 11, day) for day in range(1, 30)]
        )
        self.assertEqual(len(queries), 1, queries)

    @freeze_time("2026-11-05 10:00:00")
    def test_early_close_locks_the_next_period_at_any_time(self):
        self._stage(self.period_oct, "sales_locked")
        self.company.sale_closing_allow_early_close = True
        self.env.flush_all()
        queries = self._locked_queries([datetime.date(2026, 11, 5)])
        self.assertEqual(len(queries), 1, queries)
        self.assertIn("FOR SHARE", queries[0])

    @freeze_time("2026-11-05 10:00:00")
    def test_stage_change_waits_for_documents_checks_do_not(self):
        with (
            self.env.cr._enable_logging(),
            self.assertLogs("odoo.sql_db", "DEBUG") as logs,
        ):
            self.period_oct.action_advance("open", "sales_locked")
            self.period_oct.action_run_checks()
        advisory = [line for line in logs.output if "pg_try_advisory_xact_lock" in line]
        self.assertEqual(len(advisory), 2, "one per stage change or run")
        updates = [line for line in logs.output if "FOR UPDATE" in line]
        self.assertEqual(len(updates), 1, "only the stage change waits")
        self.assertIn("lock_timeout", "\n".join(logs.output))

    def test_a_held_period_refuses_a_second_change_at_once(self):
        """Another transaction holds the period's advisory lock: refused."""
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(
                "SELECT pg_advisory_xact_lock("
                "'sale_closing_period'::regclass::oid::int, %s)",
                [self.period_oct.id],
            )
            with (
                freeze_time("2026-11-05"),
                self.assertRaisesRegex(
                    UserError, r"2026-10 is being changed right now"
                ),
            ):
                self.period_oct.action_advance("open", "sales_locked")
            other.rollback()
        self.assertEqual(self.period_oct.state, "open")
