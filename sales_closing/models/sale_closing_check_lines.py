# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks of the order lines against their invoices and deliveries: prices,
discounts and taxes invoiced, quantities delivered beyond the order or
returned and not credited.

One ``_get_results_<code>`` method per check code, called by
``sale.closing.check._get_results``.
"""

from odoo import models

from ..lib import figures as figures_lib


class SaleClosingCheck(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.check"  # pylint: disable=consider-merging-classes-inherited

    # --- 6. order vs invoice ------------------------------------------------
    def _get_results_line_mismatch(self, period, data):
        return self._get_invoice_line_mismatches(
            period
        ) + self._get_quantity_mismatches(data)

    def _get_invoice_line_mismatches(self, period):
        """Return the results of the posted invoice lines of the period whose
        price, discount or taxes differ from their order line's."""
        results = []
        company = period.company_id
        aml = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("parent_state", "=", "posted"),
                    ("move_id.move_type", "in", ("out_invoice", "out_refund")),
                    ("date", ">=", period.date_start),
                    ("date", "<=", period.date_end),
                    ("sale_line_ids", "!=", False),
                ],
                order="id",
            )
        )
        for inv_line in aml:
            for line in inv_line.sale_line_ids:
                results.extend(self._compare_invoice_line(period, line, inv_line))
        return results

    def _get_quantity_mismatches(self, data):
        """Return the results of the order lines delivered beyond their
        ordered quantity, or returned to refund and not credited yet, at the
        period end."""
        results = []
        lines = self._records(
            "sale.order.line", [f["sale_line_id"] for f in data["figures"]]
        )
        for figure in data["figures"]:
            line = lines[figure["sale_line_id"]]
            rounding = line.product_uom.rounding
            base = {
                "sale_line_id": line.id,
                "order_id": line.order_id.id,
                "partner_id": figure["partner_id"],
                "product_id": line.product_id.id,
            }
            over = figure["qty_delivered"] - figure["qty_ordered"]
            if not figures_lib.float_is_zero(over, rounding) and over > 0:
                results.append(
                    dict(
                        base,
                        key=f"line_mismatch:over_delivered:{line.id}",
                        quantity=over,
                        name=self.env._(
                            "%(order)s, %(product)s: %(delivered)s delivered for "
                            "%(ordered)s ordered.",
                            order=line.order_id.name,
                            product=line.product_id.display_name,
                            delivered=figure["qty_delivered"],
                            ordered=figure["qty_ordered"],
                        ),
                    )
                )
            excess = figure["qty_invoiced"] - figure["qty_delivered"]
            if (
                figure["qty_returned"]
                and not figures_lib.float_is_zero(excess, rounding)
                and excess > 0
            ):
                results.append(
                    dict(
                        base,
                        key=f"line_mismatch:return:{line.id}",
                        quantity=min(excess, figure["qty_returned"]),
                        name=self.env._(
                            "%(order)s, %(product)s: %(qty)s returned and not "
                            "credited yet.",
                            order=line.order_id.name,
                            product=line.product_id.display_name,
                            qty=min(excess, figure["qty_returned"]),
                        ),
                    )
                )
        return results

    def _compare_invoice_line(self, period, line, inv_line):
        """Return the mismatches between an order line and one invoice line."""
        results = []
        base = {
            "sale_line_id": line.id,
            "order_id": line.order_id.id,
            "invoice_id": inv_line.move_id.id,
            "partner_id": line.order_id.partner_id.commercial_partner_id.id,
            "product_id": line.product_id.id,
        }
        names = {
            "order": line.order_id.name,
            "invoice": inv_line.move_id.name,
            "product": line.product_id.display_name or line.name,
        }
        results.extend(self._get_price_mismatches(line, inv_line, base, names))
        if abs((inv_line.discount or 0.0) - (line.discount or 0.0)) > 0.0001:
            results.append(
                dict(
                    base,
                    key=f"line_mismatch:discount:{inv_line.id}:{line.id}",
                    name=self.env._(
                        "%(invoice)s gives %(product)s a %(invoiced)s%% discount; "
                        "%(order)s gave %(ordered)s%%.",
                        invoiced=inv_line.discount,
                        ordered=line.discount,
                        **names,
                    ),
                )
            )
        if set(inv_line.tax_ids.ids) != set(line.tax_id.ids):
            results.append(
                dict(
                    base,
                    key=f"line_mismatch:taxes:{inv_line.id}:{line.id}",
                    name=self.env._(
                        "%(invoice)s taxes %(product)s with %(invoiced)s; "
                        "%(order)s had %(ordered)s.",
                        invoiced=", ".join(inv_line.tax_ids.mapped("name")) or "-",
                        ordered=", ".join(line.tax_id.mapped("name")) or "-",
                        **names,
                    ),
                )
            )
        return results

    def _get_price_mismatches(self, line, inv_line, base, names):
        """Return the result (a list of none or one) of an invoice line whose
        unit price, in the order line's unit, differs from the order line's
        beyond the tolerance; lines in another currency are not compared.

        :param base: the result values shared by the mismatches of this pair
        :param names: the placeholders of their sentences
        """
        if inv_line.currency_id != line.currency_id:
            return []
        price = inv_line.product_uom_id._compute_price(
            inv_line.price_unit, line.product_uom
        )
        if not figures_lib.price_differs(
            line.price_unit, price, self.tolerance, line.currency_id.rounding
        ):
            return []
        return [
            dict(
                base,
                key=f"line_mismatch:price:{inv_line.id}:{line.id}",
                name=self.env._(
                    "%(invoice)s invoices %(product)s at %(invoiced)s; "
                    "%(order)s sold it at %(ordered)s.",
                    invoiced=price,
                    ordered=line.price_unit,
                    **names,
                ),
            )
        ]
