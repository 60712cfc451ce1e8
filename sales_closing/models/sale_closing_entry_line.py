# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaleClosingEntryLine(models.Model):
    """One line of a period-end entry, as the posting rules compute it.

    The lines are refreshed with the checks; at the close they become the
    lines of the posted entries (``move_id``). Skipped lines list the sources
    below the rule's minimum; they are never posted.
    """

    _name = "sale.closing.entry.line"
    _description = "Sales Closing Entry Line"
    _inherit = ["analytic.mixin"]
    _order = "period_id, rule_sequence, rule_id, skipped, sequence, id"
    _check_company_auto = True

    # === FIELDS === #
    period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        required=True,
        ondelete="cascade",
        index=True,
    )
    rule_id = fields.Many2one(
        comodel_name="sale.closing.posting.rule",
        string="Posting Rule",
        required=True,
        ondelete="cascade",
        index=True,
    )
    rule_sequence = fields.Integer(
        related="rule_id.sequence", store=True, string="Rule Sequence"
    )
    rule_type = fields.Selection(related="rule_id.rule_type", store=True)
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    sequence = fields.Integer()
    name = fields.Char(string="Label")
    account_id = fields.Many2one(comodel_name="account.account", string="Account")
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer")
    currency_id = fields.Many2one(comodel_name="res.currency", string="Currency")
    amount_currency = fields.Monetary(string="Amount in Currency")
    balance = fields.Monetary(currency_field="company_currency_id")
    debit = fields.Monetary(
        compute="_compute_debit_credit",
        store=True,
        currency_field="company_currency_id",
    )
    credit = fields.Monetary(
        compute="_compute_debit_credit",
        store=True,
        currency_field="company_currency_id",
    )
    skipped = fields.Boolean(
        help="Below the rule's minimum amount: listed, never posted."
    )
    sale_line_ids = fields.Many2many(
        comodel_name="sale.order.line",
        relation="sale_closing_entry_line_sale_line_rel",
        column1="entry_line_id",
        column2="sale_line_id",
        string="Source Order Lines",
    )
    receivable_line_ids = fields.Many2many(
        comodel_name="account.move.line",
        relation="sale_closing_entry_line_receivable_rel",
        column1="entry_line_id",
        column2="move_line_id",
        string="Source Receivables",
    )
    source_count = fields.Integer(compute="_compute_source_count")
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Posted Entry",
        readonly=True,
        index="btree_not_null",
    )

    # === COMPUTES === #
    @api.depends("balance")
    def _compute_debit_credit(self):
        for line in self:
            line.debit = max(line.balance, 0.0)
            line.credit = max(-line.balance, 0.0)

    @api.depends("sale_line_ids", "receivable_line_ids")
    def _compute_source_count(self):
        for line in self:
            line.source_count = len(line.sale_line_ids) + len(line.receivable_line_ids)

    # === ACTIONS === #
    def action_open_sources(self):
        """Open the figures of the order lines behind this line (from there,
        the orders, transfers and invoices), or the receivables behind an
        allowance line."""
        self.ensure_one()
        if self.receivable_line_ids:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Receivables behind %(line)s", line=self.name),
                "res_model": "account.move.line",
                "view_mode": "list,form",
                "domain": [("id", "in", self.receivable_line_ids.ids)],
                "context": {"create": False},
            }
        action = self.period_id.action_view_lines()
        action["domain"] = [
            ("period_id", "=", self.period_id.id),
            ("sale_line_id", "in", self.sale_line_ids.ids),
        ]
        action["display_name"] = self.env._("Sources of %(line)s", line=self.name)
        return action

    # === BUSINESS METHODS === #
    def _prepare_move_line_vals(self):
        """Return the values of the journal item posted for this line. Its
        sources are written after by SQL (``_link_move_lines``)."""
        self.ensure_one()
        return {
            "name": self.name,
            "account_id": self.account_id.id,
            "partner_id": self.partner_id.id,
            "currency_id": self.currency_id.id,
            "amount_currency": self.amount_currency,
            "balance": self.balance,
            "analytic_distribution": self.analytic_distribution,
        }

    def _link_move_lines(self, move_lines):
        """Give the journal items ``move_lines`` (one per line of ``self``,
        in the same order) the sources of their preview lines: order lines
        and receivables, by one INSERT ... SELECT each."""
        Bulk = self.env["sale.closing.bulk"]
        MoveLine = self.env["account.move.line"]
        pairs = list(zip(self.ids, move_lines.ids, strict=True))
        for source, target in (
            ("sale_line_ids", "sale_closing_sale_line_ids"),
            ("receivable_line_ids", "sale_closing_receivable_line_ids"),
        ):
            Bulk._copy_links(self._fields[source], MoveLine._fields[target], pairs)
