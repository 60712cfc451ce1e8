# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The company's Sales Lock Date, moved up to a period's end when it locks
invoicing and given back when it is reopened."""

from odoo import SUPERUSER_ID, fields, models


class SaleClosingPeriod(models.Model):
    _inherit = "sale.closing.period"  # pylint: disable=consider-merging-classes-inherited

    # === FIELDS === #
    sale_lock_date_before = fields.Date(
        string="Sales Lock Date to Restore",
        readonly=True,
        copy=False,
        help="The company's Sales Lock Date as it was before this period "
        "locked invoicing and moved it to the period's end. Reopening the "
        "period sets the company's Sales Lock Date back to this date.",
    )

    def _apply_sale_lock_date(self):
        """Move the company's Sales Lock Date up to this period's end."""
        company = self.company_id
        if not company.sale_closing_lock_invoices:
            return
        current = company.sale_lock_date
        if current and current >= self.date_end:
            self.message_post(
                body=self.env._(
                    "The company's Sales Lock Date is already %(date)s; left as is.",
                    date=current,
                )
            )
            return
        self.sale_lock_date_before = current
        self._write_sale_lock_date(self.date_end)
        self.message_post(
            body=self.env._(
                "Sales Lock Date of %(company)s set to %(date)s.",
                company=company.name,
                date=self.date_end,
            )
        )

    def _restore_sale_lock_date(self):
        """Give the company back the Sales Lock Date it had before this period."""
        company = self.company_id
        if not company.sale_closing_lock_invoices:
            return
        if company.sale_lock_date != self.date_end:
            self.message_post(
                body=self.env._(
                    "The company's Sales Lock Date is %(date)s, not this period's "
                    "end: it was set outside sales closing and is left as is.",
                    date=company.sale_lock_date or self.env._("empty"),
                )
            )
            return
        self._write_sale_lock_date(self.sale_lock_date_before)
        self.message_post(
            body=self.env._(
                "Sales Lock Date of %(company)s set back to %(date)s.",
                company=company.name,
                date=self.sale_lock_date_before or self.env._("empty"),
            )
        )
        self.sale_lock_date_before = False

    def _write_sale_lock_date(self, date):
        """Set the company's Sales Lock Date, after our own access check.

        Odoo then recreates its active lock exceptions, which only an
        accounting adviser may revoke: the write runs as the superuser
        (an adviser) so that a Sales Closing Manager who is not one can
        lock and reopen invoicing too. The period's chatter says who did.
        """
        self._check_manager()
        self.company_id.with_user(SUPERUSER_ID).sale_lock_date = date
        self._pause_for_tests("lock_date")
