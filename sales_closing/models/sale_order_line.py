# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

#: Fields of sale.order.line whose change amends a confirmed order.
SALE_CLOSING_LINE_FIELDS = (
    "product_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "tax_id",
)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        amending = lines._sale_closing_amending()
        if amending:
            # sale_stock adds a zero-ordered line when a delivery holds a
            # product the order lacks; that delivery was checked already.
            if self.env.context.get("skip_procurement"):
                amending = amending.filtered("product_uom_qty")
            amending._sale_closing_check_lines(
                {line: [] for line in amending}, self.env._("amended (line added)")
            )
        return lines

    def write(self, vals):
        fnames = [f for f in SALE_CLOSING_LINE_FIELDS if f in vals]
        amending = fnames and self._sale_closing_amending()
        if amending:
            Lock = self.env["sale.closing.lock"]
            changes = {
                line: Lock._describe_changes(line, {f: vals[f] for f in fnames})
                for line in amending
            }
            amending._sale_closing_check_lines(
                {line: lines for line, lines in changes.items() if lines},
                self.env._("amended"),
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closing_locked(self):
        amending = self._sale_closing_amending()
        if amending:
            amending._sale_closing_check_lines(
                {line: [] for line in amending}, self.env._("amended (line removed)")
            )

    # === BUSINESS METHODS === #
    def _sale_closing_amending(self):
        """Return the lines whose change amends a confirmed order, under the
        company's 'orders and their amendments' policy."""
        if self.env.context.get("sale_closing_creating_orders"):
            return self.browse()
        return self.filtered(
            lambda line: line.order_id.state == "sale"
            and not line.display_type
            and not line.is_downpayment
            and line.company_id.sale_closing_order_lock_policy == "all"
        )

    def _sale_closing_check_lines(self, changes_by_line, operation):
        """Check the orders of the given lines at their order date."""
        items = [
            (
                line.order_id,
                line.company_id,
                line.order_id._sale_closing_date(),
                [f"{line.display_name}: {change}" for change in changes]
                or [line.display_name],
            )
            for line, changes in changes_by_line.items()
        ]
        if items:
            self.env["sale.closing.lock"]._check_locked("order", items, operation)
