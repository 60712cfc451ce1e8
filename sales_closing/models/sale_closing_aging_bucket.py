# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The aging buckets of a company's receivables, in one place: the
receivables aging check sorts the open receivables into them, the bad-debt
allowance rule weights each bucket by its percentage, and the close pack's
aging uses them too.

The arithmetic (limits, labels, which bucket a receivable falls in) is in
``lib/figures.py``; the set is checked as a whole on the company
(``res.company._check_sale_closing_aging``).
"""

from odoo import api, fields, models

#: The buckets each company starts with: (overdue from, allowance %).
DEFAULT_AGING_BUCKETS = [(0, 0.0), (1, 5.0), (31, 20.0), (61, 50.0), (91, 100.0)]


class SaleClosingAgingBucket(models.Model):
    """One aging bucket: from how many days overdue it starts (it ends where
    the next one starts) and the allowance percentage of its receivables."""

    _name = "sale.closing.aging.bucket"
    _description = "Sales Closing Aging Bucket"
    _order = "company_id, days_from, id"
    _check_company_auto = True

    # === FIELDS === #
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    days_from = fields.Integer(
        string="Overdue From (Days)",
        required=True,
        help="The bucket holds receivables overdue by this many days or more, "
        "up to the next bucket. 0 is the bucket of receivables not yet due "
        "(the due date included); the next starts at 1.",
    )
    name = fields.Char(string="Bucket", compute="_compute_name")
    percentage = fields.Float(
        string="Allowance (%)",
        digits=(5, 2),
        help="Bad-debt allowance rules provide this percentage of the "
        "receivables in the bucket.",
    )

    # === COMPUTES === #
    @api.depends("days_from", "company_id.sale_closing_aging_bucket_ids.days_from")
    def _compute_name(self):
        for bucket in self:
            starts = sorted(
                set(bucket.company_id.sale_closing_aging_bucket_ids.mapped("days_from"))
                | {bucket.days_from}
            )
            later = [start for start in starts if start > bucket.days_from]
            bucket.name = self._get_bucket_label(
                bucket.days_from, later[0] - 1 if later else None
            )

    @api.model
    def _get_bucket_label(self, low, high):
        """Return the label of the bucket from ``low`` to ``high`` days
        overdue (``high`` None: no end)."""
        if low <= 0:
            return self.env._("Not due")
        if high is None:
            return self.env._("Over %(days)s days", days=low - 1)
        if high == low:
            return self.env._("%(days)s days", days=low)
        return self.env._("%(low)s–%(high)s days", low=low, high=high)

    # === CONSTRAINTS === #
    @api.constrains("days_from", "percentage", "company_id")
    def _check_bucket_set(self):
        """A bucket changed on its own is checked with its company's set; the
        company checks its set once after a write of its buckets."""
        if not self.env.context.get("sale_closing_aging_write"):
            self.company_id._check_sale_closing_aging()

    # === CRUD === #
    def unlink(self):
        companies = self.company_id
        result = super().unlink()
        if not self.env.context.get("sale_closing_aging_write"):
            companies.exists()._check_sale_closing_aging()
        return result
