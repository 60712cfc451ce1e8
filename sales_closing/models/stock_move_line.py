# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

#: Fields of a done stock.move.line whose change edits the delivery.
SALE_CLOSING_MOVE_LINE_FIELDS = (
    "quantity",
    "product_uom_id",
    "location_id",
    "location_dest_id",
    "lot_id",
)


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # === CRUD === #
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # A line created done on a done delivery adds to its done quantity:
        # the move's quantity is recomputed from its lines, never written.
        held = lines.filtered(
            lambda ml: ml.state == "done" and ml.move_id._sale_closing_held()
        )
        if held:
            self.env["sale.closing.lock"]._check_locked(
                "delivery",
                [
                    (
                        line.move_id._sale_closing_document(),
                        line.company_id,
                        line.move_id._sale_closing_date(),
                        [f"{line.product_id.display_name}: +{line.quantity:g}"],
                    )
                    for line in held
                ],
                self.env._("edited (line added)"),
            )
        return lines

    def write(self, vals):
        fnames = [f for f in SALE_CLOSING_MOVE_LINE_FIELDS if f in vals]
        held = fnames and self.filtered(
            lambda ml: ml.state == "done" and ml.move_id._sale_closing_held()
        )
        if held:
            Lock = self.env["sale.closing.lock"]
            items = []
            for line in held:
                changes = Lock._describe_changes(line, {f: vals[f] for f in fnames})
                if changes:
                    items.append(
                        (
                            line.move_id._sale_closing_document(),
                            line.company_id,
                            line.company_id._sale_closing_date(line.date),
                            changes,
                        )
                    )
            Lock._check_locked("delivery", items, self.env._("edited"))
        return super().write(vals)
