# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

#: Fields of a done stock.move whose change edits the delivery.
SALE_CLOSING_MOVE_FIELDS = ("quantity", "date", "product_uom_qty")


class StockMove(models.Model):
    _inherit = "stock.move"

    # === CRUD === #
    def write(self, vals):
        fnames = [f for f in SALE_CLOSING_MOVE_FIELDS if f in vals]
        held = (
            fnames and self.filtered(lambda m: m.state == "done")._sale_closing_held()
        )
        if held:
            Lock = self.env["sale.closing.lock"]
            items = []
            for move in held:
                changes = Lock._describe_changes(move, {f: vals[f] for f in fnames})
                if not changes:
                    continue
                company = move.company_id
                items.append(
                    (
                        move._sale_closing_document(),
                        company,
                        move._sale_closing_date(),
                        changes,
                    )
                )
                if vals.get("date"):
                    new_date = company._sale_closing_date(
                        fields.Datetime.to_datetime(vals["date"])
                    )
                    items.append(
                        (move._sale_closing_document(), company, new_date, changes)
                    )
            Lock._check_locked("delivery", items, self.env._("edited"))
        return super().write(vals)

    def _action_done(self, cancel_backorder=False):
        held = self._sale_closing_held().filtered(
            lambda m: m.state not in ("done", "cancel")
        )
        if held:
            held._sale_closing_check_done()
        return super()._action_done(cancel_backorder=cancel_backorder)

    # === BUSINESS METHODS === #
    def _sale_closing_held(self):
        """Return the moves a sales close holds: to or from customers (deliveries
        and returns) and inventory adjustments."""
        return self.filtered(
            lambda m: m.is_inventory
            or m.location_dest_id.usage == "customer"
            or m.location_id.usage == "customer"
        )

    def _sale_closing_document(self):
        """Return the record a lock message names for this move."""
        self.ensure_one()
        return self.picking_id or self

    def _sale_closing_date(self):
        self.ensure_one()
        return self.company_id._sale_closing_date(self.date)

    def _sale_closing_check_done(self):
        """Refuse to validate moves whose done date (today) or accounting date
        (``force_period_date``) falls in a locked period."""
        forced = fields.Date.to_date(self.env.context.get("force_period_date"))
        items = {}
        for move in self:
            company = move.company_id
            document = move._sale_closing_document()
            for date in {company._sale_closing_today(), forced} - {None, False}:
                items.setdefault((document, company, date), [])
        self.env["sale.closing.lock"]._check_locked(
            "delivery",
            [(doc, company, date, []) for (doc, company, date) in items],
            self.env._("validated"),
        )
