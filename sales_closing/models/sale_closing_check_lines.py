# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks of the order lines against their invoices and deliveries: prices,
discounts and taxes invoiced, quantities delivered beyond the order or
returned and not credited.

One ``_get_results_<code>`` method per check code, called by
``sale.closing.check._get_results``.
"""

from odoo import models
from odoo.tools import SQL, LazyTranslate

from ..lib import figures as figures_lib

_lt = LazyTranslate(__name__)


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
        price, discount or taxes differ from their order line's.

        Every pair (invoice line, order line) is compared on the plain values
        of ``_query_invoice_line_pairs``; only the pairs that differ are read
        through the ORM, for their sentences."""
        uoms = self._get_uom_factors()
        pairs = [
            (aml_id, sol_id)
            for aml_id, sol_id, *values in self._query_invoice_line_pairs(period)
            if self._pair_differs(uoms, *values)
        ]
        inv_lines = self._records("account.move.line", [pair[0] for pair in pairs])
        lines = self._records("sale.order.line", [pair[1] for pair in pairs])
        results = []
        for aml_id, sol_id in pairs:
            results.extend(
                self._compare_invoice_line(period, lines[sol_id], inv_lines[aml_id])
            )
        return results

    def _query_invoice_line_pairs(self, period):
        """Return ``(invoice line, order line, same currency, invoiced price,
        invoice unit, order unit, ordered price, currency rounding, invoiced
        discount, ordered discount, same taxes)`` of every posted invoice line
        of the period linked to an order line, in the order of the lines.

        Raw SQL: one pass over the month's invoice lines, their order lines
        and both sets of taxes, instead of reading each pair through the
        ORM."""
        for model in ("account.move", "account.move.line", "sale.order.line"):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT aml.id, sol.id,
                   aml.currency_id IS NOT DISTINCT FROM sol.currency_id,
                   COALESCE(aml.price_unit, 0)::float8, aml.product_uom_id,
                   sol.product_uom, COALESCE(sol.price_unit, 0)::float8,
                   cur.rounding::float8,
                   COALESCE(aml.discount, 0)::float8,
                   COALESCE(sol.discount, 0)::float8,
                   ARRAY(SELECT t.account_tax_id
                           FROM account_move_line_account_tax_rel t
                          WHERE t.account_move_line_id = aml.id
                          ORDER BY 1)
                   = ARRAY(SELECT t.account_tax_id
                             FROM account_tax_sale_order_line_rel t
                            WHERE t.sale_order_line_id = sol.id
                            ORDER BY 1)
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN sale_order_line_invoice_rel rel ON rel.invoice_line_id = aml.id
              JOIN sale_order_line sol ON sol.id = rel.order_line_id
         LEFT JOIN res_currency cur ON cur.id = sol.currency_id
             WHERE aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND am.move_type IN ('out_invoice', 'out_refund')
               AND aml.date >= %(start)s AND aml.date <= %(end)s
          ORDER BY aml.id, sol.order_id, sol.sequence, sol.id
                """,
                company=period.company_id.id,
                start=period.date_start,
                end=period.date_end,
            )
        )
        return self.env.cr.fetchall()

    def _get_uom_factors(self):
        """Return {unit id: (factor, category id)} of every unit."""
        uoms = self.env["uom.uom"].sudo().with_context(active_test=False).search([])
        return {uom.id: (uom.factor, uom.category_id.id) for uom in uoms}

    def _pair_differs(self, uoms, same_currency, inv_price, inv_uom, sol_uom, *rest):
        """Return whether an invoice line differs from its order line in
        price, discount or taxes (the values of ``_query_invoice_line_pairs``
        after the two ids), as ``_compare_invoice_line`` decides."""
        sol_price, rounding, inv_discount, sol_discount, same_taxes = rest
        if not same_taxes or abs(inv_discount - sol_discount) > 0.0001:
            return True
        if not same_currency:
            return False
        # uom.uom._compute_price, on plain values
        price = inv_price
        if inv_uom and sol_uom and inv_uom != sol_uom and price:
            (inv_factor, inv_categ), (sol_factor, sol_categ) = (
                uoms[inv_uom],
                uoms[sol_uom],
            )
            if inv_categ == sol_categ:
                price = price * inv_factor / sol_factor
        return figures_lib.price_differs(
            sol_price, price, self.tolerance, rounding or 0.01
        )

    def _get_quantity_mismatches(self, data):
        """Return the results of the order lines delivered beyond their
        ordered quantity, or returned to refund and not credited yet, at the
        period end."""
        results = []
        roundings = self._get_uom_roundings()
        flagged = [
            figure
            for figure in data["figures"]
            if self._quantity_differs(figure, roundings[figure["product_uom_id"]])
        ]
        lines = self._records("sale.order.line", [f["sale_line_id"] for f in flagged])
        for figure in flagged:
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
                        name=_lt(
                            "%(order)s, %(product)s: %(delivered)s delivered for "
                            "%(ordered)s ordered.",
                            order=line.order_id.name,
                            product=self._record(line.product_id),
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
                        name=_lt(
                            "%(order)s, %(product)s: %(qty)s returned and not "
                            "credited yet.",
                            order=line.order_id.name,
                            product=self._record(line.product_id),
                            qty=min(excess, figure["qty_returned"]),
                        ),
                    )
                )
        return results

    @staticmethod
    def _quantity_differs(figure, rounding):
        """Return whether ``figure`` is delivered beyond its ordered quantity
        or returned to refund beyond what was credited (as
        ``_get_quantity_mismatches`` decides, on the plain figure)."""
        over = figure["qty_delivered"] - figure["qty_ordered"]
        if over > 0 and not figures_lib.float_is_zero(over, rounding):
            return True
        excess = figure["qty_invoiced"] - figure["qty_delivered"]
        return bool(
            figure["qty_returned"]
            and excess > 0
            and not figures_lib.float_is_zero(excess, rounding)
        )

    def _get_uom_roundings(self):
        """Return {unit id: rounding} of every unit (0.01 for no unit)."""
        uoms = self.env["uom.uom"].sudo().with_context(active_test=False).search([])
        roundings = {uom.id: uom.rounding for uom in uoms}
        roundings[False] = roundings[None] = 0.01
        return roundings

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
            "product": self._record(line.product_id) or line.name,
        }
        results.extend(self._get_price_mismatches(line, inv_line, base, names))
        if abs((inv_line.discount or 0.0) - (line.discount or 0.0)) > 0.0001:
            results.append(
                dict(
                    base,
                    key=f"line_mismatch:discount:{inv_line.id}:{line.id}",
                    name=_lt(
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
                    name=_lt(
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
                name=_lt(
                    "%(invoice)s invoices %(product)s at %(invoiced)s; "
                    "%(order)s sold it at %(ordered)s.",
                    invoiced=price,
                    ordered=line.price_unit,
                    **names,
                ),
            )
        ]
