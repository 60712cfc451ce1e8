# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import figures as figures_lib
from .sale_closing_aging_bucket import DEFAULT_AGING_BUCKETS

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
    sale_closing_anomaly_months = fields.Integer(
        string="Sales Anomalies: Periods Compared",
        default=6,
        help="How many previous closed or ended periods the sales of a period "
        "are compared with.",
    )
    sale_closing_anomaly_threshold = fields.Float(
        string="Sales Anomalies: Robust Z-Score Threshold",
        default=3.5,
        digits=(16, 2),
        help="A figure is unusual when its robust z-score (0.6745 times its "
        "difference from the median, divided by the median absolute deviation) "
        "exceeds this number.",
    )
    sale_closing_anomaly_min_amount = fields.Float(
        string="Sales Anomalies: Minimum Amount",
        default=1000.0,
        digits="Account",
        help="A figure is flagged only when the amount at stake exceeds this "
        "amount (company currency); a new customer when its first period's "
        "sales exceed it five times.",
    )
    sale_closing_background_lines = fields.Integer(
        string="Background Run From (Order Lines)",
        default=20000,
        help="Run Checks and Close run in the background (a scheduled job, "
        "the result in the period's chatter) for periods with at least this "
        "many order lines; 0 runs them always at once.",
    )
    sale_closing_reminder_days = fields.Integer(
        string="Remind to Close After (Days)",
        default=5,
        help="When a period ended this many days ago and is not closed, every "
        "closing manager gets a to-do on it, and the dashboard shows it overdue.",
    )
    sale_closing_aging_bucket_ids = fields.One2many(
        comodel_name="sale.closing.aging.bucket",
        inverse_name="company_id",
        string="Aging Buckets",
        help="Shared by the receivables aging check, the bad-debt allowance "
        "rules and the close pack's aging.",
    )
    # Technical: the last day of the latest period holding orders and
    # deliveries (resp. invoices and payments). Dates after them are never
    # locked by sales_closing, so the ORM hooks skip their search there.
    sale_closing_sales_lock_date = fields.Date(readonly=True, copy=False)
    sale_closing_invoicing_lock_date = fields.Date(readonly=True, copy=False)
    # Technical: the last day of the first period after each of those dates
    # (the only one that can lock next). Documents dated after it need no
    # row lock either (see sale.closing.lock._get_racing_items).
    sale_closing_sales_next_end = fields.Date(readonly=True, copy=False)
    sale_closing_invoicing_next_end = fields.Date(readonly=True, copy=False)

    # === CONSTRAINTS === #
    @api.constrains(
        "sale_closing_anomaly_months",
        "sale_closing_anomaly_threshold",
        "sale_closing_anomaly_min_amount",
    )
    def _check_sale_closing_anomaly_settings(self):
        for company in self:
            if not 1 <= company.sale_closing_anomaly_months <= 60:
                raise ValidationError(
                    self.env._(
                        "%(company)s: compare the sales with 1 to 60 previous "
                        "periods, not %(months)s.",
                        company=company.name,
                        months=company.sale_closing_anomaly_months,
                    )
                )
            if company.sale_closing_anomaly_threshold <= 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the robust z-score threshold of the sales "
                        "anomalies must be positive (3.5 is usual).",
                        company=company.name,
                    )
                )
            if company.sale_closing_anomaly_min_amount < 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the minimum amount of the sales anomalies "
                        "cannot be negative.",
                        company=company.name,
                    )
                )

    @api.constrains("sale_closing_aging_bucket_ids")
    def _check_sale_closing_aging(self):
        """Refuse an aging bucket set that leaves receivables out or gives a
        percentage outside 0–100."""
        for company in self:
            try:
                company._get_sale_closing_aging()
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the aging buckets (%(buckets)s) are wrong: "
                        "%(error)s. Start the first at 0 days (not yet due), the "
                        "second at 1 day overdue, each next one later, with "
                        "percentages between 0 and 100.",
                        company=company.name,
                        buckets=", ".join(
                            f"{bucket.days_from}: {bucket.percentage:g}%"
                            for bucket in company.sale_closing_aging_bucket_ids
                        )
                        or self.env._("none"),
                        error=str(error),
                    )
                ) from error

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._ensure_sale_closing_aging_buckets()
        return companies

    def write(self, vals):
        if "sale_closing_aging_bucket_ids" not in vals:
            return super().write(vals)
        # the buckets are checked as a set once all of them are written, not
        # one command at a time (an edit may pass through an invalid state)
        return super(
            ResCompany, self.with_context(sale_closing_aging_write=True)
        ).write(vals)

    # === BUSINESS METHODS === #
    def _ensure_sale_closing_aging_buckets(self):
        """Give the companies without aging buckets the default set."""
        missing = self.sudo().filtered(lambda c: not c.sale_closing_aging_bucket_ids)
        if missing:
            self.env["sale.closing.aging.bucket"].sudo().create(
                [
                    {"company_id": company.id, "days_from": days, "percentage": rate}
                    for company in missing
                    for days, rate in DEFAULT_AGING_BUCKETS
                ]
            )

    @api.model
    def _install_sale_closing_aging_buckets(self):
        """Give every company the default aging buckets (module install)."""
        self.with_context(active_test=False).sudo().search(
            []
        )._ensure_sale_closing_aging_buckets()

    def _get_sale_closing_aging(self):
        """Return ``(limits, percentages)`` of this company's aging buckets:
        the limits in days overdue (``lib/figures.py``) and one percentage
        per bucket, not due first; a ``ValueError`` says what is wrong."""
        self.ensure_one()
        buckets = self.sudo().sale_closing_aging_bucket_ids.sorted("days_from")
        percentages = buckets.mapped("percentage")
        limits = figures_lib.aging_limits(buckets.mapped("days_from"), percentages)
        return limits, percentages

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

    def _sale_closing_next_end(self, document_type):
        """Return the last day of the first period after the horizon of
        ``document_type``: the only period that can lock next."""
        self.ensure_one()
        if document_type in ("order", "delivery"):
            return self.sale_closing_sales_next_end
        return self.sale_closing_invoicing_next_end

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
