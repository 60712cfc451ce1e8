# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

#: Fields of a customer payment whose change is held once it left draft.
SALE_CLOSING_PAYMENT_FIELDS = (
    "state",
    "date",
    "amount",
    "partner_id",
    "journal_id",
    "currency_id",
    "payment_type",
)


class AccountPayment(models.Model):
    _inherit = "account.payment"

    # === CRUD === #
    def write(self, vals):
        fnames = [f for f in SALE_CLOSING_PAYMENT_FIELDS if f in vals]
        customer = fnames and self.filtered(lambda p: p.partner_type == "customer")
        if customer:
            Lock = self.env["sale.closing.lock"]
            items = []
            for payment in customer:
                new_state = vals.get("state", payment.state)
                if payment.state == "draft" and new_state == "draft":
                    continue
                changes = Lock._describe_changes(payment, {f: vals[f] for f in fnames})
                if not changes:
                    continue
                items.append((payment, payment.company_id, payment.date, changes))
                if vals.get("date"):
                    new_date = fields.Date.to_date(vals["date"])
                    items.append((payment, payment.company_id, new_date, changes))
            Lock._check_locked("payment", items, self._sale_closing_operation(vals))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closing_locked(self):
        self.env["sale.closing.lock"]._check_locked(
            "payment",
            [
                (payment, payment.company_id, payment.date, [])
                for payment in self
                if payment.partner_type == "customer" and payment.state != "draft"
            ],
            self.env._("deleted"),
        )

    # === BUSINESS METHODS === #
    def _sale_closing_label(self):
        self.ensure_one()
        return self.env._(
            "Payment %(name)s of %(amount)s from %(partner)s",
            name=self.name or self.env._("(draft)"),
            amount=self.currency_id.format(self.amount),
            partner=self.partner_id.display_name or "—",
        )

    def _sale_closing_operation(self, vals):
        """Return the words naming what a write does to a payment."""
        return {
            "in_process": self.env._("posted"),
            "paid": self.env._("validated"),
            "draft": self.env._("reset to draft"),
            "canceled": self.env._("cancelled"),
            "rejected": self.env._("rejected"),
        }.get(vals.get("state"), self.env._("edited"))
