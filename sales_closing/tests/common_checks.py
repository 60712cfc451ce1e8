# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The base of the tests of the checks, one test class per check family:
documents made through Odoo's flows at fixed dates, the checks run on
October and their results read by check code."""

from freezegun import freeze_time

from .test_figures import FiguresCommon


class ChecksCommon(FiguresCommon):
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
