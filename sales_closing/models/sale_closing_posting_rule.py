# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools.safe_eval import safe_eval

from ..lib import entries as entries_lib
from ..lib import figures as figures_lib

RULE_TYPES = [
    ("accrued", "Accrued Revenue"),
    ("deferred", "Deferred Revenue"),
    ("allowance", "Bad-Debt Allowance"),
]

#: The sign of the balance-sheet leg of each rule type (1: debit).
BALANCE_SHEET_SIGN = {"accrued": 1, "deferred": -1, "allowance": -1}


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
    _inherit = ["analytic.mixin"]
    _order = "company_id, sequence, id"
    _check_company_auto = True

    # === FIELDS === #
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    rule_type = fields.Selection(
        selection=RULE_TYPES, string="Type", required=True, default="accrued"
    )
    journal_id = fields.Many2one(
        comodel_name="account.journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="A Miscellaneous (general) journal of the company.",
    )
    account_id = fields.Many2one(
        comodel_name="account.account",
        string="Balance Sheet Account",
        required=True,
        check_company=True,
        help="Accrued revenue (asset), deferred revenue (liability) or the "
        "allowance for doubtful accounts (contra-asset).",
    )
    pnl_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Profit and Loss Account",
        check_company=True,
        help="Revenue rules: leave empty to use the income account Odoo "
        "would use on the invoice (product, category, fiscal position). "
        "Allowance: the bad-debt expense account (required).",
    )
    sale_line_domain = fields.Char(
        string="Order Lines in Scope",
        default="[]",
        help="Revenue rules: the order lines this rule posts (empty: all).",
    )
    partner_domain = fields.Char(
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
        default="{rule} {period}",
        required=True,
        help="Label of each entry line. Placeholders: {rule}, {period}, {date}, "
        "{account}, {partner}, {currency}.",
    )
    analytic_mode = fields.Selection(
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
        default="30,60,90",
        help="Allowance: upper limits, in days overdue, of the aging buckets.",
    )
    aging_percentages = fields.Char(
        string="Percentages",
        default="0,5,20,50,100",
        help="Allowance: one percentage per bucket, not yet due first, "
        "then each bucket, then over the last limit.",
    )
    bucket_summary = fields.Char(compute="_compute_bucket_summary")

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

    # === CONSTRAINTS === #
    @api.constrains("journal_id", "company_id")
    def _check_journal(self):
        for rule in self:
            journal = rule.journal_id
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

    @api.constrains(
        "sale_line_domain", "partner_domain", "rule_type", "company_id", "active"
    )
    def _check_scope(self):
        for rule in self.filtered("active"):
            model, domain = rule._get_scope()
            if rule._get_scope_domain() and not self.env[model].sudo().search_count(
                domain, limit=1
            ):
                raise ValidationError(
                    self.env._(
                        "Posting rule %(rule)s: its scope matches no record "
                        "(%(domain)s). Widen the scope, or leave it empty to take "
                        "everything.",
                        rule=rule.name,
                        domain=rule._get_scope_text(),
                    )
                )
        for rule in self.filtered("active"):
            others = self.search(
                [
                    ("company_id", "=", rule.company_id.id),
                    ("rule_type", "=", rule.rule_type),
                    ("id", "!=", rule.id),
                ]
            )
            model, domain = rule._get_scope()
            for other in others:
                both = (
                    self.env[model]
                    .sudo()
                    .search(domain + other._get_scope()[1], limit=1)
                )
                if both:
                    raise ValidationError(rule._get_overlap_message(other, both))

    # === BUSINESS METHODS === #
    def _get_scope(self):
        """Return ``(model, domain)`` of the records in this rule's scope,
        within its company (order lines; customers for the allowance)."""
        self.ensure_one()
        if self.rule_type == "allowance":
            model = "res.partner"
            base = [("company_id", "in", [False, self.company_id.id])]
        else:
            model = "sale.order.line"
            base = [
                ("company_id", "=", self.company_id.id),
                ("display_type", "=", False),
            ]
        return model, base + self._get_scope_domain()

    def _get_scope_domain(self):
        """Return the domain the consultant wrote (an empty list: all)."""
        self.ensure_one()
        text = self._get_scope_text()
        model = "res.partner" if self.rule_type == "allowance" else "sale.order.line"
        try:
            domain = safe_eval(text)
            if not isinstance(domain, list | tuple):
                raise ValueError(domain)
            domain = list(domain)
            # validate the field names now rather than at the close
            self.env[model].sudo()._where_calc(domain)
        except Exception as error:
            raise ValidationError(
                self.env._(
                    "Posting rule %(rule)s: its scope %(domain)s is not a valid "
                    "domain: %(error)s",
                    rule=self.name,
                    domain=text,
                    error=str(error),
                )
            ) from error
        return domain

    def _get_scope_text(self):
        self.ensure_one()
        return (
            self.partner_domain
            if self.rule_type == "allowance"
            else self.sale_line_domain
        ) or "[]"

    def _get_overlap_message(self, other, record):
        self.ensure_one()
        # translated apart: nested calls are not extracted for translation
        if record._name == "res.partner":
            kind = self.env._("customer")
        else:
            kind = self.env._("order line")
        return self.env._(
            "Posting rules %(rule)s and %(other)s are both %(type)s rules and "
            "both match %(record)s: each %(kind)s is posted by one rule of a "
            "type only. Narrow the scope of one of them.",
            rule=self.name,
            other=other.name,
            type=dict(self._fields["rule_type"]._description_selection(self.env))[
                self.rule_type
            ],
            record=record.display_name,
            kind=kind,
        )

    def _filter_in_scope(self, ids):
        """Return the ids among ``ids`` that this rule's scope matches."""
        self.ensure_one()
        model, domain = self._get_scope()
        return set(
            self.env[model]
            .sudo()
            .with_context(active_test=False)
            ._search(domain + [("id", "in", list(ids))])
        )

    @api.model
    def _assign_sources(self, rules, ids):
        """Return {rule: set of ids} for ``rules`` (of one type); refuse when
        one source is matched by two of them."""
        assigned = {}
        owner = {}
        for rule in rules:
            matched = rule._filter_in_scope(ids)
            for source in matched:
                if source in owner:
                    model = rule._get_scope()[0]
                    record = self.env[model].sudo().browse(source)
                    raise UserError(owner[source]._get_overlap_message(rule, record))
                owner[source] = rule
            assigned[rule] = matched
        return assigned

    def _get_analytic_key(self, distribution):
        """Return the grouping key of the analytic distribution of a source."""
        self.ensure_one()
        if self.analytic_mode == "fixed":
            distribution = self.analytic_distribution
        elif self.analytic_mode == "none":
            distribution = None
        return json.dumps(distribution, sort_keys=True) if distribution else None

    @api.model
    def _filter_revenue_figures(self, rule_type, figures):
        """Return the figures a revenue rule of ``rule_type`` posts: delivered
        beyond invoiced (accrued) or invoiced beyond delivered (deferred)."""
        if rule_type == "accrued":
            return figures.filtered(lambda f: f.amount_difference > 0)
        return figures.filtered(lambda f: f.amount_difference < 0)

    def _get_revenue_items(self, period, figures):
        """Return the items (``lib.entries.Item``) of a revenue rule.

        :param figures: the ``sale.closing.line`` records of the period in
            this rule's scope, filtered by ``_filter_revenue_figures``
        """
        self.ensure_one()
        sale_lines = figures.sale_line_id.with_context(prefetch_fields=False)
        sale_lines.fetch(["analytic_distribution", "order_id", "product_id"])
        sale_lines.order_id.fetch(["fiscal_position_id"])
        accounts = {}
        items = []
        for figure in figures:
            sale_line = figure.sale_line_id
            account = self.pnl_account_id
            if not account:
                key = (sale_line.product_id, sale_line.order_id.fiscal_position_id)
                if key not in accounts:
                    accounts[key] = self._get_income_account(*key, sale_line)
                account = accounts[key]
            sign = 1 if self.rule_type == "accrued" else -1
            items.append(
                entries_lib.Item(
                    sale_line.id,
                    figure.partner_id.id,
                    figure.currency_id.id,
                    sign * figure.amount_difference,
                    sign * figure.amount_difference_company,
                    account.id,
                    self._get_analytic_key(sale_line.analytic_distribution),
                )
            )
        return items

    def _get_income_account(self, product, fiscal_position, sale_line):
        """Return the income account Odoo would put on the invoice line."""
        self.ensure_one()
        account = product and product.with_company(
            self.company_id
        ).product_tmpl_id.get_product_accounts(fiscal_pos=fiscal_position).get("income")
        if not account:
            raise UserError(
                self.env._(
                    "Posting rule %(rule)s: no income account for %(line)s (order "
                    "%(order)s). Set one on the product or its category, or give "
                    "the rule a Profit and Loss Account.",
                    rule=self.name,
                    line=sale_line.display_name,
                    order=sale_line.order_id.name,
                )
            )
        if account.deprecated:
            raise UserError(
                self.env._(
                    "Posting rule %(rule)s: the income account %(account)s of "
                    "%(line)s is deprecated. Update the product or its category, "
                    "or give the rule a Profit and Loss Account.",
                    rule=self.name,
                    account=account.display_name,
                    line=sale_line.display_name,
                )
            )
        return account

    def _get_allowance_balances(self, period):
        """Return {commercial partner id: credit balance} of the account of
        this rule at the period end (lines without customer left out)."""
        self.ensure_one()
        current = defaultdict(float)
        for partner, balance in (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", period.company_id.id),
                    ("account_id", "=", self.account_id.id),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", period.date_end),
                    ("partner_id", "!=", False),
                ],
                ["partner_id"],
                ["balance:sum"],
            )
        ):
            current[partner.commercial_partner_id.id] -= balance
        return current

    def _get_allowance_items(self, period, residuals, current, partner_ids):
        """Return ``(items, receivable line ids by customer)`` of an
        allowance rule: per customer of ``partner_ids``, the required
        allowance (open receivables by aging bucket × percentage) minus the
        credit balance of the rule's account, both at the period end.

        :param residuals: the rows of
            ``sale.closing.line._get_receivable_residuals`` at the period end
        :param current: ``_get_allowance_balances`` of this rule
        """
        self.ensure_one()
        company = period.company_id
        rounding = company.currency_id.rounding
        limits = figures_lib.parse_buckets(self.aging_buckets)
        rates = entries_lib.parse_percentages(self.aging_percentages, limits)
        residuals = [row for row in residuals if row["partner_id"] in partner_ids]
        required = entries_lib.allowance_required(
            [(r["partner_id"], r["date_maturity"], r["residual"]) for r in residuals],
            period.date_end,
            limits,
            rates,
            rounding,
        )
        items = entries_lib.allowance_items(
            required,
            {p: value for p, value in current.items() if p in partner_ids},
            rounding,
            self.pnl_account_id.id,
        )
        analytic = self._get_analytic_key(None)
        items = [
            item._replace(currency=company.currency_id.id, analytic=analytic)
            for item in items
        ]
        receivables = defaultdict(list)
        for row in residuals:
            if row["residual"] > 0:
                receivables[row["partner_id"]].append(row["id"])
        return items, receivables

    def _prepare_move(self, period, lines):
        """Return the values of the entry this rule posts for ``period``
        from its preview ``lines`` (``sale.closing.entry.line``)."""
        self.ensure_one()
        return {
            "move_type": "entry",
            "journal_id": self.journal_id.id,
            "date": period.date_end,
            "ref": self.env._(
                "%(rule)s – %(period)s", rule=self.name, period=period.name
            ),
            "sale_closing_period_id": period.id,
            "sale_closing_rule_id": self.id,
            "sale_closing_kind": "entry",
            "line_ids": [
                Command.create(line._prepare_move_line_vals())
                for line in lines.sorted("sequence")
            ],
        }

    def _prepare_entry_lines(self, period, items, receivables=None):
        """Return the values of the preview lines (``sale.closing.entry.line``)
        of this rule: the grouped entry lines, then one line per skipped
        source."""
        self.ensure_one()
        company = period.company_id
        kept, skipped = entries_lib.split_threshold(items, self.threshold)
        keys = tuple(
            key
            for key, wanted in (
                ("partner", self.group_partner),
                ("analytic", self.group_analytic),
                ("currency", self.group_currency),
            )
            if wanted
        )
        currencies = self.env["res.currency"].browse(
            {item.currency for item in items} | {company.currency_id.id}
        )
        roundings = {currency.id: currency.rounding for currency in currencies}
        lines = entries_lib.group_lines(
            kept,
            self.account_id.id,
            BALANCE_SHEET_SIGN[self.rule_type],
            keys,
            company.currency_id.id,
            roundings,
        )
        sign = BALANCE_SHEET_SIGN[self.rule_type]
        skipped_lines = [
            {
                "account": self.account_id.id,
                "partner": item.partner,
                "analytic": None,
                "currency": item.currency,
                "amount_currency": sign * item.amount_currency,
                "balance": sign * item.balance,
                "sources": [item.source],
                "skipped": True,
            }
            for item in skipped
        ]
        names = self._get_label_names(lines + skipped_lines)
        return [
            self._prepare_entry_line_vals(period, line, sequence, names, receivables)
            for sequence, line in enumerate(lines + skipped_lines, start=1)
        ]

    def _get_label_names(self, lines):
        """Return the display names the labels use, read once."""
        self.ensure_one()
        return {
            "account": {
                a.id: a.display_name
                for a in self.env["account.account"].browse(
                    {line["account"] for line in lines}
                )
            },
            "currency": {
                c.id: c.name
                for c in self.env["res.currency"].browse(
                    {line["currency"] for line in lines}
                )
            },
            "partner": {
                p.id: p.name
                for p in self.env["res.partner"].browse(
                    {line["partner"] for line in lines if line["partner"]}
                )
            },
        }

    def _prepare_entry_line_vals(self, period, line, sequence, names, receivables):
        """Return the values of one preview line from a grouped entry line
        (or from a skipped source, ``line["skipped"]`` set)."""
        self.ensure_one()
        label = entries_lib.render_label(
            self.label,
            rule=self.name,
            period=period.name,
            date=str(period.date_end),
            account=names["account"][line["account"]],
            partner=names["partner"].get(line["partner"], ""),
            currency=names["currency"][line["currency"]],
        )
        vals = {
            "period_id": period.id,
            "rule_id": self.id,
            "sequence": sequence,
            "name": label or self.name,
            "account_id": line["account"],
            "partner_id": line["partner"] or False,
            "currency_id": line["currency"],
            "amount_currency": line["amount_currency"],
            "balance": line["balance"],
            "analytic_distribution": (
                json.loads(line["analytic"]) if line["analytic"] else False
            ),
            "skipped": line.get("skipped", False),
        }
        if self.rule_type == "allowance":
            vals["receivable_line_ids"] = [
                Command.set(
                    [
                        aml
                        for partner_id in line["sources"]
                        for aml in (receivables or {}).get(partner_id, [])
                    ]
                )
            ]
        else:
            vals["sale_line_ids"] = [Command.set(line["sources"])]
        return vals
