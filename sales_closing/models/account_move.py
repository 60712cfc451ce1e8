# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

CUSTOMER_DOCUMENT_TYPES = ("out_invoice", "out_refund")

#: Fields whose change on a customer document is logged under exception.
SALE_CLOSING_INVOICE_FIELDS = (
    "date",
    "invoice_date",
    "partner_id",
    "ref",
    "invoice_line_ids",
    "line_ids",
    "state",
)


class AccountMove(models.Model):
    _inherit = "account.move"

    # Odoo's own Sales Lock Date (set by the periods at Invoicing Locked) is
    # what refuses changes to customer invoices in a locked period, for every
    # caller, sudo included. These hooks add what Odoo lacks: the list of
    # invoices whose accounting date Odoo moved past the lock, and the log of
    # what users do under a sales closing lock exception.

    # === FIELDS === #
    sale_closing_period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        string="Closing Period",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    sale_closing_rule_id = fields.Many2one(
        comodel_name="sale.closing.posting.rule",
        string="Posting Rule",
        readonly=True,
        copy=False,
        ondelete="restrict",
    )
    sale_closing_kind = fields.Selection(
        selection=[
            ("entry", "Period-end entry"),
            ("reversal", "Reversal in the next period"),
            ("cancel", "Reversal at reopening"),
        ],
        string="Closing Entry Kind",
        readonly=True,
        copy=False,
    )
    sale_closing_cancelled = fields.Boolean(
        string="Cancelled by Reopening",
        readonly=True,
        copy=False,
        help="The period was reopened: this entry was reversed (or, if it "
        "was still waiting, cancelled).",
    )

    # === COMPUTES === #
    def _compute_show_reset_to_draft_button(self):
        # account_move.py refuses it on a period-end entry: do not offer it
        res = super()._compute_show_reset_to_draft_button()
        self.filtered("sale_closing_period_id").show_reset_to_draft_button = False
        return res

    def init(self):
        res = super().init()
        # One live period-end entry per period and rule, whatever happens.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS account_move_sale_closing_live_uniq
                ON account_move (sale_closing_period_id, sale_closing_rule_id)
             WHERE sale_closing_kind = 'entry'
               AND sale_closing_cancelled IS NOT TRUE
            """
        )
        return res

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        moves._sale_closing_customer()._sale_closing_log({}, self.env._("created"))
        return moves

    def write(self, vals):
        fnames = [f for f in SALE_CLOSING_INVOICE_FIELDS if f in vals]
        customer = (
            fnames
            and "state" not in vals
            and self._sale_closing_customer()._sale_closing_in_horizon()
        )
        if customer:
            # Drafts too: under an exception, an invoice reset to draft can
            # be edited before it is posted again.
            Lock = self.env["sale.closing.lock"]
            customer._sale_closing_log(
                {
                    move: Lock._describe_changes(move, {f: vals[f] for f in fnames})
                    for move in customer
                },
                self.env._("edited"),
            )
        return super().write(vals)

    def unlink(self):
        self._sale_closing_check_entries(self.env._("deleted"))
        self._sale_closing_customer()._sale_closing_log({}, self.env._("deleted"))
        return super().unlink()

    # === ACTIONS === #
    def button_cancel(self):
        self._sale_closing_check_entries(self.env._("cancelled"))
        return super().button_cancel()

    def button_draft(self):
        self._sale_closing_check_entries(self.env._("reset to draft"))
        self._sale_closing_customer().filtered(
            lambda m: m.state == "posted"
        )._sale_closing_log({}, self.env._("reset to draft"))
        return super().button_draft()

    # === BUSINESS METHODS === #
    def _post(self, soft=True):
        customer = self._sale_closing_customer()
        document_dates = {move: move.invoice_date or move.date for move in customer}
        posted = super()._post(soft=soft)
        customer = customer & posted
        if customer:
            customer._sale_closing_log({}, self.env._("posted"))
            customer._sale_closing_record_late(document_dates)
        return posted

    def _sale_closing_label(self):
        """Name the move by its number, which its display name decorates."""
        self.ensure_one()
        return self.name if self.name and self.name != "/" else self.display_name

    def _sale_closing_check_entries(self, operation):
        """Refuse to touch the entries of a close by hand: reopening the
        period reverses or cancels them, and closing again posts new ones."""
        if self.env.context.get("sale_closing_posting"):
            return
        entries = self.filtered("sale_closing_period_id")
        if entries:
            move = entries[0]
            raise UserError(
                self.env._(
                    "%(move)s is a period-end entry of closing period %(period)s: "
                    "it cannot be %(operation)s by hand. Reopen the period (with a "
                    "reason): its entries are then reversed, and closing it again "
                    "posts them anew.",
                    move=move._sale_closing_label(),
                    period=move.sale_closing_period_id.name,
                    operation=operation,
                )
            )

    def _sale_closing_customer(self):
        """Return the customer invoices and credit notes among these moves."""
        return self.filtered(lambda m: m.move_type in CUSTOMER_DOCUMENT_TYPES)

    def _sale_closing_in_horizon(self):
        """Return the moves dated on or before the last day a period of their
        company locks invoices: only those can be in a locked period."""
        return self.filtered(
            lambda m: m.date
            and m.company_id.sale_closing_invoicing_lock_date
            and m.date <= m.company_id.sale_closing_invoicing_lock_date
        )

    def _sale_closing_log(self, changes_by_move, operation):
        """Log what a user with a sales closing exception does to these moves."""
        items = [
            (move, move.company_id, move.date, changes_by_move.get(move, []))
            for move in self
            if move not in changes_by_move or changes_by_move[move]
        ]
        if items:
            self.env["sale.closing.lock"]._check_locked(
                "invoice", items, operation, refuse=False
            )

    def _sale_closing_record_late(self, document_dates):
        """Record the moves Odoo booked after the period their invoice date
        lies in, because that period was locked.

        :param document_dates: {move: its invoice date before posting}
        """
        late = self.filtered(
            lambda m: document_dates.get(m) and m.date > document_dates[m]
        )
        if not late:
            return
        dates = [document_dates[m] for m in late]
        periods = (
            self.env["sale.closing.period"]
            .sudo()
            .search(
                [
                    ("company_id", "in", late.company_id.ids),
                    ("state", "in", ("invoicing_locked", "closed")),
                    ("date_start", "<=", max(dates)),
                    ("date_end", ">=", min(dates)),
                ]
            )
        )
        vals_list = []
        for move in late:
            document_date = document_dates[move]
            period = periods.filtered(
                lambda p, m=move, d=document_date: p.company_id == m.company_id
                and p.date_start <= d <= p.date_end
            )[:1]
            if period and move.date > period.date_end:
                vals_list.append(
                    {
                        "period_id": period.id,
                        "move_id": move.id,
                        "document_date": document_date,
                        "accounting_date": move.date,
                        "user_id": self.env.user.id,
                    }
                )
        if vals_list:
            self.env["sale.closing.late.document"].sudo().create(vals_list)
