# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The posting rule model: its fields and the validation of its journal,
accounts, aging percentages and label.

What a rule takes in (its scope) is in ``sale_closing_posting_rule_scope.py``;
the amounts it posts and the entry it builds, in
``sale_closing_posting_rule_entries.py``.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import entries as entries_lib
from ..lib import figures as figures_lib

RULE_TYPES = [
    ("accrued", "Accrued Revenue"),
    ("deferred", "Deferred Revenue"),
    ("allowance", "Bad-Debt Allowance"),
]


class SaleClosingPostingRule(models.Model):
    """What the close posts at a period end, and where.

    Accrued revenue: delivered, not invoiced (debit the rule's account,
    credit income). Deferred revenue: invoiced, not delivered (debit income,
    credit the rule's account). Bad-debt allowance: open receivables weighted
    by a percentage per aging bucket; the entry brings the allowance account
    of each customer to the required balance (debit expense, credit the
    allowance).
    """

    _name = "sale.closing.posting.rule"
    _description = "Sales Closing Posting Rule"
    _inherit = ["analytic.mixin", "mail.thread"]
    _order = "company_id, sequence, id"
    _check_company_auto = True

    # === FIELDS === #
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    rule_type = fields.Selection(
        tracking=True,
        selection=RULE_TYPES,
        string="Type",
        required=True,
        default="accrued",
    )
    journal_id = fields.Many2one(
        tracking=True,
        comodel_name="account.journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="A Miscellaneous (general) journal of the company.",
    )
    account_id = fields.Many2one(
        tracking=True,
        comodel_name="account.account",
        string="Balance Sheet Account",
        required=True,
        check_company=True,
        help="Accrued revenue (asset), deferred revenue (liability) or the "
        "allowance for doubtful accounts (contra-asset).",
    )
    pnl_account_id = fields.Many2one(
        tracking=True,
        comodel_name="account.account",
        string="Profit and Loss Account",
        check_company=True,
        help="Revenue rules: leave empty to use the income account Odoo "
        "would use on the invoice (product, category, fiscal position). "
        "Allowance: the bad-debt expense account (required).",
    )
    sale_line_domain = fields.Char(
        tracking=True,
        string="Order Lines in Scope",
        default="[]",
        help="Revenue rules: the order lines this rule posts (empty: all).",
    )
    partner_domain = fields.Char(
        tracking=True,
        string="Customers in Scope",
        default="[]",
        help="Allowance: the customers this rule provides for (empty: all).",
    )
    group_partner = fields.Boolean(string="Per Customer", default=True)
    group_analytic = fields.Boolean(string="Per Analytic Distribution", default=True)
    group_currency = fields.Boolean(
        string="Per Currency",
        default=True,
        help="Keep the order currency on the lines (amount in currency at the "
        "period-end rate). Unticked: lines in company currency only.",
    )
    label = fields.Char(
        tracking=True,
        default="{rule} {period}",
        required=True,
        help="Label of each entry line. Placeholders: {rule}, {period}, {date}, "
        "{account}, {partner}, {currency}.",
    )
    analytic_mode = fields.Selection(
        tracking=True,
        selection=[
            ("line", "From the order line"),
            ("fixed", "Fixed distribution"),
            ("none", "None"),
        ],
        string="Analytic",
        default="line",
        required=True,
    )
    threshold = fields.Monetary(
        tracking=True,
        string="Minimum Amount",
        currency_field="company_currency_id",
        help="Sources (order lines; customers for the allowance) whose amount "
        "is below this, in company currency, are skipped and listed as such.",
    )
    reversal = fields.Selection(
        selection=[
            ("next_period", "First day of the next period"),
            ("none", "No reversal"),
        ],
        compute="_compute_reversal",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    aging_buckets = fields.Char(
        tracking=True,
        default="30,60,90",
        help="Allowance: upper limits, in days overdue, of the aging buckets.",
    )
    aging_percentages = fields.Char(
        tracking=True,
        string="Percentages",
        default="0,5,20,50,100",
        help="Allowance: one percentage per bucket, not yet due first, "
        "then each bucket, then over the last limit.",
    )
    bucket_summary = fields.Char(compute="_compute_bucket_summary")
    entry_count = fields.Integer(
        string="Posted Entries", compute="_compute_entry_count"
    )

    # === COMPUTES === #
    @api.depends("rule_type")
    def _compute_reversal(self):
        """Revenue is accrued or deferred for one period and reversed on the
        first day of the next; the allowance is adjusted to its required
        balance each period, so it is not reversed by default."""
        for rule in self:
            if not rule.reversal or rule._origin.rule_type != rule.rule_type:
                rule.reversal = (
                    "none" if rule.rule_type == "allowance" else "next_period"
                )

    def _compute_entry_count(self):
        counts = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                [("sale_closing_rule_id", "in", self.ids)],
                ["sale_closing_rule_id"],
                ["__count"],
            )
        )
        for rule in self:
            rule.entry_count = counts.get(rule, 0)

    @api.depends("rule_type", "aging_buckets", "aging_percentages")
    def _compute_bucket_summary(self):
        for rule in self:
            rule.bucket_summary = False
            if rule.rule_type != "allowance":
                continue
            try:
                limits = figures_lib.parse_buckets(rule.aging_buckets)
                rates = entries_lib.parse_percentages(rule.aging_percentages, limits)
            except ValueError:
                continue
            labels = figures_lib.bucket_labels(limits)
            labels[0] = self.env._("not due")
            rule.bucket_summary = ", ".join(
                f"{label}: {rate:g}%" for label, rate in zip(labels, rates, strict=True)
            )

    # === ACTIONS === #
    def action_view_entries(self):
        """Open the entries this rule posted (and their reversals)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_move_action"
        )
        action["domain"] = [("sale_closing_rule_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Entries Posted by %(rule)s", rule=self.display_name
        )
        return action

    # === CONSTRAINTS === #
    @api.constrains("journal_id", "company_id")
    def _check_journal(self):
        for rule in self:
            journal = rule.journal_id
            if not journal.active:
                raise ValidationError(
                    self.env._(
                        "Posting rule %(rule)s: journal %(journal)s is archived. "
                        "Choose an active Miscellaneous (general) journal.",
                        rule=rule.name,
                        journal=journal.display_name,
                    )
                )
            if journal.type != "general" or journal.company_id != rule.company_id:
                raise ValidationError(
                    self.env._(
                        "Posting rule %(rule)s: journal %(journal)s is a %(type)s "
                        "journal of %(company)s. Choose a Miscellaneous (general) "
                        "journal of %(rule_company)s.",
                        rule=rule.name,
                        journal=journal.display_name,
                        type=dict(
                            journal._fields["type"]._description_selection(self.env)
                        ).get(journal.type),
                        company=journal.company_id.name,
                        rule_company=rule.company_id.name,
                    )
                )

    @api.constrains("account_id", "pnl_account_id", "company_id", "rule_type")
    def _check_accounts(self):
        for rule in self:
            if rule.rule_type == "allowance" and not rule.pnl_account_id:
                raise ValidationError(
                    self.env._(
                        "Posting rule %(rule)s: an allowance rule needs its "
                        "bad-debt expense account (Profit and Loss Account).",
                        rule=rule.name,
                    )
                )
            for account, side in (
                (rule.account_id, "balance"),
                (rule.pnl_account_id, "pnl"),
            ):
                if account:
                    rule._check_account(account, side)

    def _check_account(self, account, side):
        self.ensure_one()
        problem = None
        if self.company_id not in account.company_ids:
            problem = self.env._(
                "it belongs to %(companies)s, not to %(company)s",
                companies=", ".join(account.company_ids.mapped("name")),
                company=self.company_id.name,
            )
        elif account.deprecated:
            problem = self.env._("it is deprecated")
        elif side == "balance" and account.internal_group in ("income", "expense"):
            problem = self.env._(
                "it is a profit and loss account; the rule's account is the "
                "balance-sheet side"
            )
        elif side == "balance" and account.account_type in (
            "asset_receivable",
            "liability_payable",
        ):
            problem = self.env._(
                "it is a receivable or payable account, whose open items the "
                "aging and the payments match; use a separate account"
            )
        elif side == "pnl" and account.internal_group not in ("income", "expense"):
            problem = self.env._("it is not an income or expense account")
        if problem:
            raise ValidationError(
                self.env._(
                    "Posting rule %(rule)s cannot use account %(account)s: "
                    "%(problem)s. Choose another account.",
                    rule=self.name,
                    account=account.display_name,
                    problem=problem,
                )
            )

    @api.constrains("rule_type", "aging_buckets", "aging_percentages")
    def _check_percentages(self):
        for rule in self.filtered(lambda r: r.rule_type == "allowance"):
            try:
                limits = figures_lib.parse_buckets(rule.aging_buckets)
                entries_lib.parse_percentages(rule.aging_percentages, limits)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "Posting rule %(rule)s: the aging buckets (%(buckets)s) or "
                        "their percentages (%(percentages)s) are wrong: %(error)s. "
                        "Give increasing whole days, and one percentage between 0 "
                        "and 100 per bucket (not due, each bucket, over the last).",
                        rule=rule.name,
                        buckets=rule.aging_buckets or "",
                        percentages=rule.aging_percentages or "",
                        error=str(error),
                    )
                ) from error

    @api.constrains("label")
    def _check_label(self):
        for rule in self:
            error = entries_lib.label_error(rule.label)
            if error:
                raise ValidationError(
                    self.env._(
                        "Posting rule %(rule)s: the label %(label)s has an "
                        "%(error)s. Use only {rule}, {period}, {date}, {account}, "
                        "{partner} and {currency}.",
                        rule=rule.name,
                        label=rule.label,
                        error=error,
                    )
                )
