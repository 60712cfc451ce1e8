# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a posting rule posts at the close: the revenue items of the order
lines (accrued or deferred) and the allowance items of the customers, their
accounts and analytic keys, and the entry and preview lines built from them.
"""

import json
from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError
from odoo.fields import Command

from ..lib import entries as entries_lib

#: The sign of the balance-sheet leg of each rule type (1: debit).
BALANCE_SHEET_SIGN = {"accrued": 1, "deferred": -1, "allowance": -1}


class SaleClosingPostingRule(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.posting.rule"  # pylint: disable=consider-merging-classes-inherited

    # === BUSINESS METHODS === #
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
        beyond invoiced (accrued) or invoiced beyond delivered (deferred).

        :param figures: ``lib.entries.StoredFigure`` tuples
        """
        if rule_type == "accrued":
            return [f for f in figures if f.amount_difference > 0]
        return [f for f in figures if f.amount_difference < 0]

    def _get_revenue_items(self, period, figures):
        """Return the items (``lib.entries.Item``) of a revenue rule.

        :param figures: the ``lib.entries.StoredFigure`` tuples of the period
            in this rule's scope, filtered by ``_filter_revenue_figures``
        """
        self.ensure_one()
        sale_lines = (
            self.env["sale.order.line"]
            .browse([figure.sale_line_id for figure in figures])
            .with_context(prefetch_fields=False)
        )
        sale_lines.fetch(["analytic_distribution", "order_id", "product_id"])
        sale_lines.order_id.fetch(["fiscal_position_id"])
        by_id = {sale_line.id: sale_line for sale_line in sale_lines}
        accounts = {}
        items = []
        sign = 1 if self.rule_type == "accrued" else -1
        for figure in figures:
            sale_line = by_id[figure.sale_line_id]
            account = self.pnl_account_id
            if not account:
                key = (sale_line.product_id, sale_line.order_id.fiscal_position_id)
                if key not in accounts:
                    accounts[key] = self._get_income_account(*key, sale_line)
                account = accounts[key]
            items.append(
                entries_lib.Item(
                    sale_line.id,
                    figure.partner_id or False,
                    figure.currency_id or False,
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

    def _get_aging(self, company):
        """Return ``(limits, percentages)`` of the aging buckets of
        ``company`` (shared with the receivables aging check); refuse if
        they are wrong."""
        try:
            return company._get_sale_closing_aging()
        except ValueError as error:
            raise UserError(
                self.env._(
                    "Posting rule %(rule)s: the aging buckets of %(company)s are "
                    "wrong (%(error)s). Correct them in the Settings, under Sales "
                    "Closing.",
                    rule=self.name,
                    company=company.name,
                    error=str(error),
                )
            ) from error

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
        limits, rates = self._get_aging(company)
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
                # an allowance is kept per customer (its balance is read back
                # per customer at the next close) and carries its one analytic
                # distribution (fixed or none) whatever the grouping says
                ("partner", self.group_partner or self.rule_type == "allowance"),
                ("analytic", self.group_analytic or self.rule_type == "allowance"),
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
