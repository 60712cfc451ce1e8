# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from ..lib.sentences import load_message, plural
from .sale_closing_check import CHECK_CODES, SEVERITIES
from .sale_closing_group_totals import FIELD_SPEC

_lt = LazyTranslate(__name__)

#: Checks whose amounts are not money that adds up: a sales anomaly's amount
#: is how far a figure moved from its usual, and one sale moves the figures
#: of its customer, its category and its salesperson alike.
NON_ADDITIVE_CHECKS = ("sales_anomaly",)


class SaleClosingCheckResult(models.Model):
    """A problem a pre-close check found on a period."""

    _name = "sale.closing.check.result"
    _description = "Sales Closing Check Result"
    _inherit = ["sale.closing.group.totals"]
    _order = "period_id, sequence, key, id"
    _check_company_auto = True
    _rec_name = "name"

    # === FIELDS === #
    period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    sequence = fields.Integer()
    check_code = fields.Selection(selection=CHECK_CODES, string="Check", required=True)
    severity = fields.Selection(selection=SEVERITIES, required=True)
    key = fields.Char(
        required=True, index=True, help="Identifies the problem across runs."
    )
    name = fields.Text(
        string="Problem as Written",
        required=True,
        help="The sentence in the language of whoever ran the checks: "
        "searched on, shown for results stored before sentences were kept "
        "as a message, and frozen in the close pack.",
    )
    message = fields.Text(
        string="Problem Message",
        readonly=True,
        help="The sentence's English source and its parameters (JSON), from "
        "which it is written in the reader's language.",
    )
    problem_text = fields.Text(
        string="Problem",
        compute="_compute_problem_text",
        help="The problem in your language, its amounts and dates written your way.",
    )
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer")
    product_id = fields.Many2one(comodel_name="product.product", string="Product")
    order_id = fields.Many2one(comodel_name="sale.order", string="Order")
    sale_line_id = fields.Many2one(comodel_name="sale.order.line", string="Order Line")
    picking_id = fields.Many2one(comodel_name="stock.picking", string="Transfer")
    invoice_id = fields.Many2one(comodel_name="account.move", string="Invoice")
    move_line_id = fields.Many2one(
        comodel_name="account.move.line", string="Journal Item"
    )
    journal_id = fields.Many2one(comodel_name="account.journal")
    salesperson_id = fields.Many2one(comodel_name="res.users", string="Salesperson")
    product_category_id = fields.Many2one(
        comodel_name="product.category", string="Product Category"
    )
    aging_bucket = fields.Char()
    score = fields.Float(
        string="Robust Z-Score",
        digits=(16, 1),
        help="How far the figure is from its history: 0.6745 times its "
        "difference from the median, divided by the median absolute deviation.",
    )
    quantity = fields.Float(digits="Product Unit of Measure")
    amount = fields.Monetary(currency_field="company_currency_id")
    has_amount = fields.Boolean(
        help="The check gives this problem an amount; the others have none "
        "(e.g. a delivery not done) and show no amount."
    )
    waivable = fields.Boolean(
        compute="_compute_waivable",
        help="A blocking problem may be waived with a reason, except those "
        "that must never pass a close (a duplicate invoice number).",
    )
    waived = fields.Boolean(readonly=True)
    waived_by_id = fields.Many2one(
        comodel_name="res.users", string="Waived By", readonly=True
    )
    waived_date = fields.Datetime(string="Waived On", readonly=True)
    waive_reason = fields.Text(string="Waiver Reason", readonly=True)
    reviewed = fields.Boolean(
        readonly=True,
        help="Someone looked at this warning and noted why it may stay.",
    )
    reviewed_by_id = fields.Many2one(
        comodel_name="res.users", string="Reviewed By", readonly=True
    )
    reviewed_date = fields.Datetime(string="Reviewed On", readonly=True)
    review_note = fields.Text(readonly=True)
    assigned_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Assigned To",
        readonly=True,
        help="Who was asked to look at this problem (a to-do on the period).",
    )

    # === COMPUTES === #
    @api.depends("name", "message")
    @api.depends_context("lang")
    def _compute_problem_text(self):
        messages = {result: load_message(result.message) for result in self}
        render = self._get_message_renderer(
            self._get_message_record_names([m for m in messages.values() if m])
        )
        for result, message in messages.items():
            result.problem_text = render(message) if message else result.name

    @api.depends("name", "message")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for result in self:
            result.display_name = result.problem_text

    @api.depends("key")
    def _compute_waivable(self):
        prefixes = self._get_unwaivable_key_prefixes()
        for result in self:
            result.waivable = not (result.key or "").startswith(prefixes)

    # === ACTIONS === #
    def action_open_documents(self):
        """Open the documents the problem is about."""
        self.ensure_one()
        candidates = (
            self.invoice_id,
            self.picking_id,
            self.order_id,
            self.move_line_id.move_id,
            self.partner_id,
            self.product_id,
            self.product_category_id,
            self.salesperson_id,
        )
        for record in candidates:
            if record:
                return {
                    "type": "ir.actions.act_window",
                    "res_model": record._name,
                    "res_id": record.id,
                    "view_mode": "form",
                }
        raise UserError(self.env._("This problem is not about a single document."))

    def action_waive(self):
        """Open the waiver of these blocking problems (one reason for all)."""
        self.period_id._check_manager()
        if self.filtered(lambda r: r.severity != "blocking"):
            raise UserError(
                self.env._(
                    "Only blocking problems are waived: mark warnings and "
                    "information lines reviewed instead."
                )
            )
        self._check_waivable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Waive Problems"),
            "res_model": "sale.closing.waive",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_result_ids": self.ids,
                # the close wizard's review step, to come back to
                "sale_closing_close_id": self.env.context.get("sale_closing_close_id"),
            },
        }

    def action_review(self):
        """Open the review of these warnings: mark them reviewed with a note,
        or assign them to someone."""
        self.period_id._check_manager()
        if self.filtered(lambda r: r.severity == "blocking"):
            raise UserError(
                self.env._(
                    "Blocking problems are resolved or waived, not reviewed: "
                    "leave them out of the selection."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Review Problems"),
            "res_model": "sale.closing.review",
            "view_mode": "form",
            "target": "new",
            "context": {"default_result_ids": self.ids},
        }

    # === BUSINESS === #
    @api.model
    def _get_problem_fields(self):
        """Return the fields a check fills in; a rerun compares them to tell
        a problem found again unchanged from one that changed."""
        return [
            "sequence",
            "check_code",
            "severity",
            "key",
            "name",
            "message",
            "partner_id",
            "product_id",
            "order_id",
            "sale_line_id",
            "picking_id",
            "invoice_id",
            "move_line_id",
            "journal_id",
            "salesperson_id",
            "product_category_id",
            "aging_bucket",
            "score",
            "quantity",
            "amount",
            "has_amount",
        ]

    @api.model
    def _get_unwaivable_key_prefixes(self):
        """Return the beginnings of the keys of the problems no one may
        waive: they must be resolved before a close. A duplicate invoice
        number (``invoice_numbering:duplicate:<number>``) must never pass."""
        return ("invoice_numbering:duplicate:",)

    def _check_waivable(self):
        """Refuse, naming the invoice numbers, when these problems hold any
        that may not be waived."""
        refused = self.filtered(lambda r: not r.waivable)
        if refused:
            raise UserError(
                self.env._(
                    "Duplicate invoice numbers cannot be waived: %(numbers)s. "
                    "Renumber the wrong documents (Resequence), then run the "
                    "checks again. Nothing was waived.",
                    numbers=", ".join(refused._get_unwaivable_names()),
                )
            )

    def _get_unwaivable_names(self):
        """Return the names of these problems that may not be waived: their
        key after its prefix (the invoice number of a duplicate)."""
        prefixes = self._get_unwaivable_key_prefixes()
        return [
            result.key[len(prefix) :]
            for result in self
            for prefix in prefixes
            if result.key.startswith(prefix)
        ]

    @api.model
    def _get_non_additive_checks(self):
        """Return the codes of the checks whose amounts are never totalled."""
        return NON_ADDITIVE_CHECKS

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """No total amount on a group of problems that give none (a blank,
        not 0.00), nor on one of a check whose amounts do not add up."""
        names = [
            match.group(1)
            for match in map(FIELD_SPEC.fullmatch, fields)
            if match and (match.group(3) or match.group(1)) == "amount"
        ]
        if not names:
            return super().read_group(
                domain, fields, groupby, offset, limit, orderby, lazy
            )
        extra = [
            "sale_closing_has_amount:bool_or(has_amount)",
            "sale_closing_check:max(check_code)",
        ]
        groups = super().read_group(
            domain, list(fields) + extra, groupby, offset, limit, orderby, lazy
        )
        for group in groups:
            has_amount = group.pop("sale_closing_has_amount", False)
            check = group.pop("sale_closing_check", False)
            if not has_amount or check in self._get_non_additive_checks():
                group.update(dict.fromkeys(names, False))
        return groups

    @api.model
    def _get_group_total_keys(self):
        """Amounts add up within one check of one period only (receivables
        and accruals are different things)."""
        return {"check_code": ["amount"], "period_id": ["amount"]}

    def _review(self, note):
        """Mark these problems reviewed with ``note``; say so on their
        periods."""
        note = (note or "").strip()
        if not note:
            raise UserError(self.env._("Say what the review found."))
        self.env["sale.closing.lock"]._check_reason_length(note)
        self.period_id._check_manager()
        self.sudo().write(
            {
                "reviewed": True,
                "reviewed_by_id": self.env.user.id,
                "reviewed_date": fields.Datetime.now(),
                "review_note": note,
            }
        )
        for period, results in self.grouped("period_id").items():
            values = {
                "user": self.env.user.name,
                "count": len(results),
                "problems": "; ".join(results.mapped("problem_text")),
                "note": note,
            }
            sentence = plural(
                len(results),
                _lt(
                    "%(user)s reviewed %(count)s problem: %(problems)s. "
                    "Note: %(note)s",
                    **values,
                ),
                _lt(
                    "%(user)s reviewed %(count)s problems: %(problems)s. "
                    "Note: %(note)s",
                    **values,
                ),
            )
            period.message_post(body=self.env._(sentence))
        return True

    def _assign(self, user, note=None):
        """Ask ``user`` to look at these problems: a to-do on each period
        listing them."""
        self.period_id._check_manager()
        self.sudo().write({"assigned_user_id": user.id})
        for period, results in self.grouped("period_id").items():
            sentence = plural(
                len(results),
                _lt(
                    "Review %(count)s problem of %(period)s",
                    count=len(results),
                    period=period.name,
                ),
                _lt(
                    "Review %(count)s problems of %(period)s",
                    count=len(results),
                    period=period.name,
                ),
            )
            period.activity_schedule(
                act_type_xmlid="sales_closing.mail_activity_review_problem",
                user_id=user.id,
                summary=self.env._(sentence),
                note=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    note or "",
                    Markup("").join(
                        Markup("<li>%s</li>") % name
                        for name in results.mapped("problem_text")
                    ),
                ),
            )
        return True

    def _waive(self, reason):
        """Waive these problems with ``reason``; note it on their periods."""
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for waiving these problems."))
        self.env["sale.closing.lock"]._check_reason_length(reason)
        self.period_id._check_manager()
        self._check_waivable()
        already = self.filtered("waived")
        if already:
            raise UserError(
                self.env._(
                    "Already waived: %(problems)s",
                    problems="; ".join(already.mapped("problem_text")),
                )
            )
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "waived": True,
                "waived_by_id": self.env.user.id,
                "waived_date": now,
                "waive_reason": reason.strip(),
            }
        )
        for period in self.period_id:
            results = self.filtered(lambda r, p=period: r.period_id == p)
            values = {
                "user": self.env.user.name,
                "count": len(results),
                "problems": "; ".join(results.mapped("problem_text")),
                "reason": reason.strip(),
            }
            sentence = plural(
                len(results),
                _lt(
                    "%(user)s waived %(count)s problem: %(problems)s. "
                    "Reason: %(reason)s",
                    **values,
                ),
                _lt(
                    "%(user)s waived %(count)s problems: %(problems)s. "
                    "Reason: %(reason)s",
                    **values,
                ),
            )
            period.message_post(body=self.env._(sentence))
        return True
