# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Uninstalling gives back the Sales Lock Date the periods set (issue 14);
the uninstall itself runs against a real database in the server stage
(``tools/upgrade_check.py``)."""

import datetime

from odoo.tests import tagged

from ..hooks import uninstall_hook
from .common import SaleClosingCommon


@tagged("post_install", "-at_install")
class TestUninstallHook(SaleClosingCommon):
    closing_users = False  # its tests use none of them

    def test_lock_date_walked_back_through_every_locked_period(self):
        self.company.sale_lock_date = datetime.date(2026, 8, 15)
        self._stage(self.period_oct, "closed")
        self._stage(self.period_nov, "invoicing_locked")
        self.assertEqual(self.company.sale_lock_date, self.period_nov.date_end)
        uninstall_hook(self.env)
        self.assertEqual(self.company.sale_lock_date, datetime.date(2026, 8, 15))

    def test_lock_date_set_outside_sales_closing_is_kept(self):
        self._stage(self.period_oct, "invoicing_locked")
        self.assertEqual(self.company.sale_lock_date, self.period_oct.date_end)
        self.company.sale_lock_date = datetime.date(2026, 11, 10)
        uninstall_hook(self.env)
        self.assertEqual(self.company.sale_lock_date, datetime.date(2026, 11, 10))
