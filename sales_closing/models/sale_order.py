# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

#: Fields of sale.order whose change is a transaction of the order's date.
SALE_CLOSING_ORDER_FIELDS = ("state", "date_order")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        # Lines created with their order are checked with the order below.
        orders = super(
            SaleOrder, self.with_context(sale_closing_creating_orders=True)
        ).create(vals_list)
        orders = orders.with_context(sale_closing_creating_orders=False)
        confirmed = orders.filtered(lambda o: o.state == "sale")
        if confirmed:
            self.env["sale.closing.lock"]._check_locked(
                "order",
                [
                    (order, order.company_id, order._sale_closing_date(), [])
                    for order in confirmed
                ],
                self.env._("created confirmed"),
            )
        return orders

    def write(self, vals):
        if set(SALE_CLOSING_ORDER_FIELDS) & vals.keys():
            self._sale_closing_check_write(vals)
        return super().write(vals)

    # === BUSINESS METHODS === #
    def _sale_closing_date(self, date_order=None):
        """Return the company-local date the order is closed in."""
        self.ensure_one()
        return self.company_id._sale_closing_date(date_order or self.date_order)

    def _sale_closing_check_write(self, vals):
        """Refuse confirming, cancelling or redating orders in locked periods."""
        Lock = self.env["sale.closing.lock"]
        fnames = [f for f in SALE_CLOSING_ORDER_FIELDS if f in vals]
        items = []
        for order in self:
            changes = Lock._describe_changes(order, {f: vals[f] for f in fnames})
            if not changes:
                continue
            old_date = order._sale_closing_date()
            new_date = (
                order._sale_closing_date(
                    fields.Datetime.to_datetime(vals["date_order"])
                )
                if vals.get("date_order")
                else old_date
            )
            new_state = vals.get("state", order.state)
            if order.state == "sale":
                items.append((order, order.company_id, old_date, changes))
            if new_state == "sale":
                items.append((order, order.company_id, new_date, changes))
        if items:
            Lock._check_locked("order", items, self._sale_closing_operation(vals))

    def _sale_closing_operation(self, vals):
        """Return the words naming what a write does to an order."""
        return {
            "sale": self.env._("confirmed"),
            "cancel": self.env._("cancelled"),
            "draft": self.env._("set back to quotation"),
        }.get(vals.get("state"), self.env._("redated"))
