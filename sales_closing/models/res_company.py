# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

import pytz

from odoo import fields, models

#: The company setting that says whether a document type is locked.
LOCK_SETTING_FIELDS = {
    "order": "sale_closing_lock_orders",
    "delivery": "sale_closing_lock_deliveries",
    "invoice": "sale_closing_lock_invoices",
    "payment": "sale_closing_lock_payments",
}


class ResCompany(models.Model):
    _inherit = "res.company"

    # === FIELDS === #
    sale_closing_lock_orders = fields.Boolean(
        string="Lock Sale Orders",
        default=True,
        help="From Sales Locked on, sale orders dated in the period cannot be "
        "confirmed, cancelled or amended.",
    )
    sale_closing_lock_deliveries = fields.Boolean(
        string="Lock Deliveries",
        default=True,
        help="From Sales Locked on, deliveries, returns and inventory "
        "adjustments cannot be validated or edited in the period.",
    )
    sale_closing_lock_invoices = fields.Boolean(
        string="Lock Customer Invoices",
        default=True,
        help="From Invoicing Locked on, the company's Sales Lock Date covers "
        "the period.",
    )
    sale_closing_lock_payments = fields.Boolean(
        string="Lock Customer Payments",
        default=False,
        help="From Invoicing Locked on, customer payments dated in the period "
        "cannot be posted, reset to draft, cancelled or edited.",
    )
    sale_closing_order_lock_policy = fields.Selection(
        selection=[
            ("all", "Orders dated in the period and their amendments"),
            ("transactions", "Only transactions dated in the period"),
        ],
        string="Order Lock Policy",
        default="all",
        required=True,
        help="With 'Only transactions', lines of orders dated in a locked "
        "period may still be amended later; confirming, cancelling and "
        "creating confirmed orders dated in it stay locked.",
    )
    sale_closing_allow_early_close = fields.Boolean(
        string="Allow Closing Before Period End",
        help="Let a period lock before its last day is over.",
    )
    sale_closing_check_days = fields.Integer(
        string="Run Checks Days Before Period End",
        default=3,
        help="The nightly pre-close checks run on periods not closed that "
        "ended or end within this many days.",
    )
    sale_closing_reminder_days = fields.Integer(
        string="Remind to Close After (Days)",
        default=5,
        help="When a period ended this many days ago and is not closed, every "
        "closing manager gets a to-do on it, and the dashboard shows it overdue.",
    )
    # Technical: the last day of the latest period holding orders and
    # deliveries (resp. invoices and payments). Dates after them are never
    # locked by sales_closing, so the ORM hooks skip their search there.
    sale_closing_sales_lock_date = fields.Date(readonly=True, copy=False)
    sale_closing_invoicing_lock_date = fields.Date(readonly=True, copy=False)

    # === BUSINESS METHODS === #
    def _sale_closing_locks(self, document_type):
        """Return whether this company locks documents of ``document_type``."""
        self.ensure_one()
        return self[LOCK_SETTING_FIELDS[document_type]]

    def _sale_closing_horizon(self, document_type):
        """Return the last date sales_closing may lock for ``document_type``."""
        self.ensure_one()
        if document_type in ("order", "delivery"):
            return self.sale_closing_sales_lock_date
        return self.sale_closing_invoicing_lock_date

    def _sale_closing_tz(self):
        """Return the time zone in which this company's dates are read."""
        self.ensure_one()
        return pytz.timezone(self.partner_id.tz or self.env.user.tz or "UTC")

    def _sale_closing_date(self, value):
        """Return the company-local date of a datetime (dates pass through)."""
        self.ensure_one()
        if not value:
            return value
        if isinstance(value, str):
            value = fields.Datetime.to_datetime(value)
        if not isinstance(value, datetime.datetime):
            return value
        return pytz.utc.localize(value).astimezone(self._sale_closing_tz()).date()

    def _sale_closing_today(self):
        """Return today's date in the company's time zone."""
        return self._sale_closing_date(fields.Datetime.now())
