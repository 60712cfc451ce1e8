# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The closing dashboard's figures, filters and the reminders of overdue
closes."""

import datetime

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .common_checks import ChecksCommon
from .common_pack import PackCommon


@tagged("post_install", "-at_install")
class TestDashboard(ChecksCommon):
    def _company_periods(self, domain):
        return self.env["sale.closing.period"].search(
            [("company_id", "=", self.company.id)] + domain
        )

    @freeze_time("2026-11-10 09:00:00")
    def test_days_since_end_and_overdue(self):
        self.company.sale_closing_reminder_days = 5
        # October ended 10 days ago (> 5): overdue; November has not ended;
        # September (30 + 1 + 10 days ago) is closed
        self.assertRecordValues(
            self.period_oct + self.period_nov + self.period_sep,
            [
                {"days_since_end": 10, "close_overdue": True},
                {"days_since_end": -20, "close_overdue": False},
                {"days_since_end": 41, "close_overdue": False},
            ],
        )
        self.assertEqual(
            self._company_periods([("close_overdue", "=", True)]), self.period_oct
        )
        self.company.sale_closing_reminder_days = 10
        self.period_oct.invalidate_recordset()
        self.assertFalse(self.period_oct.close_overdue)

    def test_has_blocking_filter(self):
        order = self._sell_product()
        self._invoice_qty(order, "2026-10-20", post=False)
        self._run()
        self.assertEqual(
            self._company_periods([("has_blocking", "=", True)]), self.period_oct
        )
        self.period_oct.result_ids.filtered(lambda r: r.severity == "blocking")._waive(
            "ok"
        )
        self.assertFalse(self._company_periods([("has_blocking", "=", True)]))
        self.assertIn(
            self.period_oct, self._company_periods([("has_blocking", "=", False)])
        )

    def test_reminder_activity_for_closing_managers_once(self):
        self.company.sale_closing_reminder_days = 5
        Activity = self.env["mail.activity"]
        domain = [
            ("res_model", "=", "sale.closing.period"),
            (
                "activity_type_id",
                "=",
                self.env.ref("sales_closing.mail_activity_close_period").id,
            ),
        ]
        with freeze_time("2026-11-04 09:00:00"):
            self.env["sale.closing.period"]._cron_remind_close()
        # 4 days after the end: not yet
        oct_domain = domain + [("res_id", "=", self.period_oct.id)]
        self.assertFalse(Activity.search(oct_domain))
        with freeze_time("2026-11-10 09:00:00"):
            self.env["sale.closing.period"]._cron_remind_close()
            self.env["sale.closing.period"]._cron_remind_close()
        activities = Activity.search(oct_domain)
        mine = activities.filtered(lambda a: a.user_id == self.closing_manager)
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine.date_deadline, datetime.date(2026, 11, 5))
        self.assertIn("Close 2026-10", mine.summary)
        # billing users are not closing managers
        self.assertFalse(activities.filtered(lambda a: a.user_id == self.billing_user))
        self.assertFalse(
            Activity.search(domain + [("res_id", "=", self.period_nov.id)])
        )

    @freeze_time("2026-11-10 09:00:00")
    def test_end_status_in_words(self):
        # October ended 10 days ago, November ends in 20 days
        self.assertEqual(self.period_oct.end_status, "Ended 10 days ago")
        self.assertEqual(self.period_nov.end_status, "Ends in 20 days")
        Period = self.env["sale.closing.period"]
        self.assertEqual(
            [Period._get_end_status(days) for days in (2, 1, 0, -1, -2)],
            [
                "Ended 2 days ago",
                "Ended yesterday",
                "Ends today",
                "Ends tomorrow",
                "Ends in 2 days",
            ],
        )
        kanban = self.env["sale.closing.period"].get_view(
            self.env.ref("sales_closing.sale_closing_period_view_kanban_dashboard").id,
            "kanban",
        )["arch"]
        self.assertNotIn("day(s)", kanban)
        self.assertIn('name="end_status"', kanban)

    def _shown_buttons(self, view_xmlid, view_type, period):
        """Return the ``name`` and text of the stage buttons of the view that
        ``period`` shows (their ``invisible`` evaluated on its values)."""
        arch = etree.fromstring(
            self.env["sale.closing.period"].get_view(
                self.env.ref(view_xmlid).id, view_type
            )["arch"]
        )
        values = {
            "state": period.state,
            "can_advance": period.can_advance,
            "can_reopen": period.can_reopen,
        }
        shown = []
        for button in arch.xpath(
            "//button[@name='action_advance' or @name='action_open_close_wizard']"
        ):
            expression = button.get("invisible") or "False"
            if not safe_eval(expression, dict(values)):
                shown.append(button.get("string") or button.text)
        return shown

    @freeze_time("2026-12-05 09:00:00")
    def test_stage_buttons_only_where_they_succeed(self):
        # September closed, October ended and open: October can lock sales;
        # November ended too, but October (before it) is still open
        self.assertTrue(self.period_oct.can_advance)
        self.assertFalse(self.period_nov.can_advance)
        form = "sales_closing.sale_closing_period_view_form"
        dashboard = "sales_closing.sale_closing_period_view_kanban_dashboard"
        self.assertEqual(
            self._shown_buttons(form, "form", self.period_oct),
            ["Lock Sales", "Guided Close"],
        )
        self.assertEqual(
            self._shown_buttons(dashboard, "kanban", self.period_oct), ["Close…"]
        )
        for view, view_type in ((form, "form"), (dashboard, "kanban")):
            self.assertEqual(self._shown_buttons(view, view_type, self.period_nov), [])
        # hidden because it would be refused
        with self.assertRaisesRegex(UserError, "Advance 2026-10 first"):
            self.period_nov.action_advance("open", "sales_locked")
        # once October has locked sales, November may too
        self.period_oct.action_advance("open", "sales_locked")
        self.period_nov.invalidate_recordset(["can_advance"])
        self.assertTrue(self.period_nov.can_advance)
        self.assertEqual(
            self._shown_buttons(form, "form", self.period_nov),
            ["Lock Sales", "Guided Close"],
        )

    @freeze_time("2026-10-20 09:00:00")
    def test_stage_buttons_hidden_before_the_period_ends(self):
        self.assertFalse(self.period_oct.can_advance)
        self.company.sale_closing_allow_early_close = True
        self.period_oct.invalidate_recordset(["can_advance"])
        self.assertTrue(self.period_oct.can_advance)
        self.assertFalse(self.period_sep.can_advance, "closed: no next stage")


@tagged("post_install", "-at_install")
class TestDashboardDrift(PackCommon):
    """The dashboard's "Drifted" filter and card: closed months whose
    figures moved since their close pack."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stage(cls, cls.period_oct, "closed")

    def _filter_domain(self, name):
        arch = etree.fromstring(
            self.env["sale.closing.period"].get_view(view_type="search")["arch"]
        )
        (node,) = arch.xpath(f"//filter[@name='{name}']")
        return safe_eval(node.get("domain"))

    def test_drifted_filter(self):
        domain = [("company_id", "=", self.env.company.id)] + self._filter_domain(
            "drifted"
        )
        Period = self.env["sale.closing.period"]
        self.assertFalse(Period.search(domain))
        self.env.flush_all()
        # only SQL moves a done delivery out of a closed month
        self.env.cr.execute(
            SQL(
                "UPDATE stock_move SET date = '2026-11-02 12:00:00' "
                "WHERE sale_line_id IN %s",
                tuple(self.order_b.order_line.ids),
            )
        )
        self.env.invalidate_all()
        self.period_oct.with_user(self.closing_manager).action_check_drift()
        self.assertEqual(Period.search(domain), self.period_oct)
        # acknowledged: no longer listed as drifted
        self.period_oct._acknowledge_drift("moved on purpose")
        self.assertFalse(Period.search(domain))
        kanban = Period.get_view(
            self.env.ref("sales_closing.sale_closing_period_view_kanban_dashboard").id,
            "kanban",
        )["arch"]
        self.assertIn("drift_state != 'drifted'", kanban)
