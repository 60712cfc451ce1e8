# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The posting rule model: its fields and the validation of its journal,
accounts and label. An allowance rule weights the company's aging buckets
(``sale.closing.aging.bucket``, shared with the receivables aging check).

What a rule takes in (its scope) is in ``sale_closing_posting_rule_scope.py``;
the amounts it posts and the entry it builds, in
``sale_closing_posting_rule_entries.py``.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import entries as entries_lib

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
        compute="_compute_analytic_mode",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        help="Revenue rules: the analytic distribution of each order line, a "
        "fixed one, or none. Allowance: a fixed distribution or none (a "
        "receivable has no order line).",
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
    aging_bucket_ids = fields.One2many(
        related="company_id.sale_closing_aging_bucket_ids",
        string="Aging Buckets",
    )
    bucket_summary = fields.Char(
        string="Percentages by Bucket", compute="_compute_bucket_summary"
    )
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

    @api.depends("rule_type")
    def _compute_analytic_mode(self):
        """Revenue rules take the analytic of each order line; an allowance
        has none to take it from."""
        for rule in self:
            if rule.rule_type == "allowance" and rule.analytic_mode in (False, "line"):
                rule.analytic_mode = "none"
            elif not rule.analytic_mode:
                rule.analytic_mode = "line"

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

    @api.depends(
        "rule_type",
        "company_id.sale_closing_aging_bucket_ids.days_from",
        "company_id.sale_closing_aging_bucket_ids.percentage",
    )
    def _compute_bucket_summary(self):
        for rule in self:
            buckets = rule.company_id.sudo().sale_closing_aging_bucket_ids
            rule.bucket_summary = (
                ", ".join(f"{b.name}: {b.percentage:g}%" for b in buckets)
                if rule.rule_type == "allowance"
                else False
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

    @api.constrains("rule_type", "analytic_mode")
    def _check_analytic_mode(self):
        for rule in self:
            if rule.rule_type == "allowance" and rule.analytic_mode == "line":
                raise ValidationError(
                    self.env._(
                        "Posting rule %(rule)s: an allowance provides for "
                        "receivables, which have no order line to take the "
                        "analytic distribution from. Choose a fixed distribution "
                        "or none.",
                        rule=rule.name,
                    )
                )

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
