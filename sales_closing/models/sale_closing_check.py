# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pre-close check model: the check codes, each company's configuration
of them, and the dispatch of a run to the check implementations.

The checks themselves live by family, each family in its own file extending
this model: ``sale_closing_check_<family>.py`` holds one
``_get_results_<code>`` method per check code of the family (documents,
lines, receivables, stock, numbering, anomaly). A new check adds its code to
``CHECK_CODES`` and ``CHECK_DEFAULTS``, and its method in its family's file, a
new file for a new family (listed in ``models/__init__.py`` after this one).

A result takes the severity its check is configured with, unless the check
gives it one itself: the invoice numbering check makes duplicates always
blocking and cancelled numbers info, the sales anomaly check says at info
that a period had no history to compare with.

A check switched off finds nothing, except what a family declares
mandatory in ``_get_mandatory_results_<code>``: duplicate invoice numbers
are looked for at every run and every close, whatever the configuration,
and no one can waive them (``sale.closing.check.result``).
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

CHECK_CODES = [
    ("draft_invoice", "Draft invoices in the period"),
    ("delivered_not_invoiced", "Delivered, not invoiced"),
    ("invoiced_not_delivered", "Invoiced, not delivered"),
    ("late_delivery", "Deliveries not done"),
    ("date_mismatch", "Date mismatches"),
    ("line_mismatch", "Order and invoice mismatches"),
    ("receivable_aging", "Receivables by aging bucket"),
    ("unmatched_payment", "Unmatched customer payments"),
    ("credit_limit", "Customers over their credit limit"),
    ("negative_stock", "Negative stock at the period end"),
    ("stock_valuation", "Stock valuation against the ledger"),
    ("invoice_numbering", "Invoice numbering"),
    ("sales_anomaly", "Sales anomalies against previous periods"),
]

SEVERITIES = [
    ("blocking", "Blocking"),
    ("warning", "Warning"),
    ("info", "Info"),
]

# code: (sequence, default severity)
CHECK_DEFAULTS = {
    "draft_invoice": (10, "blocking"),
    "delivered_not_invoiced": (20, "warning"),
    "invoiced_not_delivered": (30, "warning"),
    "late_delivery": (40, "warning"),
    "date_mismatch": (50, "warning"),
    "line_mismatch": (60, "warning"),
    "receivable_aging": (70, "info"),
    "unmatched_payment": (75, "warning"),
    "credit_limit": (78, "warning"),
    "negative_stock": (80, "warning"),
    "stock_valuation": (85, "warning"),
    "invoice_numbering": (90, "warning"),
    "sales_anomaly": (95, "warning"),
}


class SaleClosingCheck(models.Model):
    """A pre-close check as a company configures it."""

    _name = "sale.closing.check"
    _description = "Sales Closing Check"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    # === FIELDS === #
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    code = fields.Selection(selection=CHECK_CODES, required=True, readonly=True)
    name = fields.Char(compute="_compute_name")
    enabled = fields.Boolean(default=True)
    severity = fields.Selection(selection=SEVERITIES, required=True, default="warning")
    min_amount = fields.Float(
        string="Minimum Amount",
        digits="Account",
        help="Problems below this amount (company currency) are not listed.",
    )
    tolerance = fields.Float(
        string="Price Tolerance (%)",
        help="Order and invoice unit prices may differ by this percentage.",
    )
    aging_bucket_summary = fields.Char(
        string="Aging Buckets",
        compute="_compute_aging_bucket_summary",
        help="The company's aging buckets, set in the Settings (Sales "
        "Closing): shared with the bad-debt allowance rules.",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "A company configures each check once.",
        ),
    ]

    # === COMPUTES === #
    @api.depends("code")
    def _compute_name(self):
        labels = dict(self._fields["code"]._description_selection(self.env))
        for check in self:
            check.name = labels.get(check.code, check.code)

    @api.depends("code", "company_id.sale_closing_aging_bucket_ids.days_from")
    def _compute_aging_bucket_summary(self):
        for check in self:
            check.aging_bucket_summary = (
                ", ".join(
                    check.company_id.sudo().sale_closing_aging_bucket_ids.mapped("name")
                )
                if check.code == "receivable_aging"
                else False
            )

    # === CONSTRAINTS === #
    @api.constrains("min_amount", "tolerance")
    def _check_thresholds(self):
        for check in self:
            if check.min_amount < 0 or check.tolerance < 0:
                raise ValidationError(
                    self.env._(
                        "Check %(check)s: the minimum amount and the tolerance "
                        "cannot be negative.",
                        check=check.name,
                    )
                )

    # === ACTIONS === #
    @api.model
    def action_open_configuration(self):
        self._ensure_company_checks(self.env.companies)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_check_action"
        )
        return action

    # === BUSINESS === #
    @api.model
    def _ensure_company_checks(self, companies):
        """Create the missing check configurations of ``companies`` with their
        defaults and return every check of these companies."""
        existing = self.sudo().search([("company_id", "in", companies.ids)])
        have = {(check.company_id.id, check.code) for check in existing}
        vals_list = [
            self._prepare_check_vals(company, code)
            for company in companies
            for code, _label in CHECK_CODES
            if (company.id, code) not in have
        ]
        if vals_list:
            existing |= self.sudo().create(vals_list)
        return existing

    @api.model
    def _prepare_check_vals(self, company, code):
        """Return the values of the default configuration of ``code``."""
        sequence, severity = CHECK_DEFAULTS[code]
        return {
            "company_id": company.id,
            "code": code,
            "sequence": sequence,
            "severity": severity,
        }

    def _get_results(self, period, data):
        """Return the result values of this check on ``period``: dicts with a
        stable ``key``, a ``name`` sentence and the documents concerned (and
        a ``severity`` when the check sets it itself).

        The results come from ``_get_results_<code>``, implemented in the
        family file of the check (``sale_closing_check_<family>.py``)."""
        self.ensure_one()
        if not self.enabled:
            return self._get_mandatory_results(period, data)
        results = getattr(self, f"_get_results_{self.code}")(period, data)
        if self.min_amount:
            company = period.company_id
            results = [
                r
                for r in results
                if "amount" not in r
                or company.currency_id.compare_amounts(
                    abs(r["amount"]), self.min_amount
                )
                >= 0
            ]
        return results

    def _get_mandatory_results(self, period, data):
        """Return what this check finds even when it is switched off: the
        results of ``_get_mandatory_results_<code>`` when the family defines
        it (the problems that must never pass a close), else nothing."""
        self.ensure_one()
        method = getattr(self, f"_get_mandatory_results_{self.code}", None)
        return method(period, data) if method else []

    # --- helpers shared by the check families ------------------------------
    def _records(self, model, ids, fnames=None):
        """Return {id: record} for ``ids``, read together: looping over the
        results then costs one query per field, not one per record.

        Above ``PREFETCH_MAX`` records (the ORM reads at most that many at a
        time) their stored fields are read at once, in one query: a check
        with 80,000 problems would otherwise read them in 80 batches. Name
        the fields used (``fnames``) where there may be that many."""
        records = self.env["sale.closing.bulk"]._bulk_read(model, ids, fnames)
        return {record.id: record for record in records}

    def _amount(self, period, amount):
        """Return ``amount`` in the company currency as a sentence parameter:
        formatted when the sentence is written, in the language of whoever
        reads it (``sale.closing.check.result._get_message_renderer``)."""
        return {"amount": amount, "currency": period.company_id.currency_id.id}

    def _get_amount_formatter(self, period):
        """Return a function that makes sentence parameters of amounts of the
        company currency, as ``_amount`` does, reading the currency once."""
        currency_id = period.company_id.currency_id.id
        return lambda amount: {"amount": amount, "currency": currency_id}

    def _number(self, value, digits, sign=False, suffix=""):
        """Return the number ``value`` as a sentence parameter: written with
        ``digits`` decimals (and its sign when ``sign``, ``+`` included),
        then ``suffix``, in the reader's language's way (``1,234.5`` in
        English, ``1.234,5`` in German)."""
        return {"number": value, "digits": digits, "sign": sign, "suffix": suffix}

    def _date(self, value):
        """Return the date ``value`` as a sentence parameter (written in the
        reader's language); an empty text for no date."""
        if not value:
            return ""
        return {"date": fields.Date.to_string(fields.Date.to_date(value))}

    def _record(self, record, field="display_name"):
        """Return the name (``field``) of ``record`` as a sentence parameter:
        as it reads now, and read again in the reader's language where it is
        translated (a product, a unit of measure, a journal, an account, a
        draft invoice's "Draft Invoice"); an empty text for no record."""
        if not record:
            return ""
        return {
            "record": record._name,
            "id": record.id,
            "field": field,
            "text": record[field] or "",
        }

    def _join(self, separator, items):
        """Return ``items`` (sentences or texts) as one sentence parameter:
        each written in the reader's language, joined by ``separator``."""
        return {"join": separator, "items": list(items)}
