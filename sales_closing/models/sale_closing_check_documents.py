# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks on the sales documents of a period: draft invoices, delivered and
invoiced quantities, late deliveries and dates.

One ``_get_results_<code>`` method per check code, called by
``sale.closing.check._get_results``.
"""

from odoo import models
from odoo.tools import LazyTranslate

from ..lib import figures as figures_lib

_lt = LazyTranslate(__name__)


class SaleClosingCheck(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.check"  # pylint: disable=consider-merging-classes-inherited

    # --- 1. drafts ----------------------------------------------------------
    def _get_results_draft_invoice(self, period, data):
        invoices = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", period.company_id.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "draft"),
                    "|",
                    "&",
                    ("invoice_date", ">=", period.date_start),
                    ("invoice_date", "<=", period.date_end),
                    "&",
                    ("invoice_date", "=", False),
                    "&",
                    ("date", ">=", period.date_start),
                    ("date", "<=", period.date_end),
                ],
                order="id",
            )
        )
        return [
            {
                "key": f"draft_invoice:{move.id}",
                "invoice_id": move.id,
                "partner_id": move.commercial_partner_id.id,
                "amount": move.amount_untaxed_signed,
                "name": _lt(
                    "%(document)s of %(partner)s, dated %(date)s, is not posted "
                    "(%(amount)s untaxed): post or cancel it before closing.",
                    document=self._record(move),
                    partner=move.commercial_partner_id.display_name,
                    date=self._date(move.invoice_date or move.date),
                    amount=self._amount(period, move.amount_untaxed_signed),
                ),
            }
            for move in invoices
        ]

    # --- 2 and 3. delivered vs invoiced ------------------------------------
    def _figure_results(self, period, data, positive):
        uoms = self._records("uom.uom", [f["product_uom_id"] for f in data["figures"]])
        roundings = {uom_id: uom.rounding for uom_id, uom in uoms.items()}
        # decided on the plain figures; only the lines kept are read
        figures = [
            figure
            for figure in data["figures"]
            if (figure["qty_difference"] > 0) == positive
            and not figures_lib.float_is_zero(
                figure["qty_difference"], roundings[figure["product_uom_id"]]
            )
        ]
        # one line in two may differ: only the fields the sentence needs
        lines = self._records(
            "sale.order.line",
            [f["sale_line_id"] for f in figures],
            ["order_id", "product_id", "name"],
        )
        self._records("sale.order", [f["order_id"] for f in figures], ["name"])
        date = self._date(period.date_end)
        amount = self._get_amount_formatter(period)
        results = []
        for figure in figures:
            uom = uoms[figure["product_uom_id"]]
            qty = figure["qty_difference"]
            line = lines[figure["sale_line_id"]]
            values = {
                "order": line.order_id.name,
                "product": self._record(line.product_id) or line.name,
                "qty": abs(qty),
                "uom": self._record(uom, "name"),
                "date": date,
                "amount": amount(abs(figure["amount_difference_company"])),
            }
            if positive:
                name = _lt(
                    "%(order)s, %(product)s: %(qty)s %(uom)s delivered and not "
                    "invoiced at %(date)s (%(amount)s).",
                    **values,
                )
            else:
                name = _lt(
                    "%(order)s, %(product)s: %(qty)s %(uom)s invoiced and not "
                    "delivered at %(date)s (%(amount)s).",
                    **values,
                )
            results.append(
                {
                    "key": f"{self.code}:{line.id}",
                    "sale_line_id": line.id,
                    "order_id": figure["order_id"],
                    "partner_id": figure["partner_id"],
                    "product_id": figure["product_id"],
                    "quantity": qty,
                    "amount": figure["amount_difference_company"],
                    "name": name,
                }
            )
        return results

    def _get_results_delivered_not_invoiced(self, period, data):
        return self._figure_results(period, data, positive=True)

    def _get_results_invoiced_not_delivered(self, period, data):
        return self._figure_results(period, data, positive=False)

    # --- 4. late deliveries -------------------------------------------------
    def _get_results_late_delivery(self, period, data):
        utc_start, utc_end = data["bounds"]
        pickings = (
            self.env["stock.picking"]
            .sudo()
            .search(
                [
                    ("company_id", "=", period.company_id.id),
                    ("picking_type_code", "=", "outgoing"),
                    ("sale_id", "!=", False),
                    ("scheduled_date", "<", utc_end),
                    "|",
                    ("state", "not in", ("done", "cancel")),
                    "&",
                    ("state", "=", "done"),
                    ("date_done", ">=", utc_end),
                    "|",
                    ("scheduled_date", ">=", utc_start),
                    "&",
                    ("sale_id.date_order", ">=", utc_start),
                    ("sale_id.date_order", "<", utc_end),
                ],
                order="id",
            )
        )
        company = period.company_id
        return [
            {
                "key": f"late_delivery:{picking.id}",
                "picking_id": picking.id,
                "order_id": picking.sale_id.id,
                "partner_id": picking.partner_id.commercial_partner_id.id,
                "name": _lt(
                    "Delivery %(picking)s of %(order)s, scheduled on %(date)s, "
                    "was not done by the period end.",
                    picking=picking.name,
                    order=picking.sale_id.name,
                    date=self._date(company._sale_closing_date(picking.scheduled_date)),
                ),
            }
            for picking in pickings
        ]

    # --- 5. dates -----------------------------------------------------------
    def _get_results_date_mismatch(self, period, data):
        return self._get_date_mismatch_orders(
            period, data
        ) + self._get_date_mismatch_invoices(period)

    def _get_date_mismatch_orders(self, period, data):
        """Return the results of the orders dated after the period whose
        goods were delivered in it."""
        utc_start, utc_end = data["bounds"]
        company = period.company_id
        results = []
        moves = (
            self.env["stock.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "done"),
                    ("sale_line_id", "!=", False),
                    ("date", ">=", utc_start),
                    ("date", "<", utc_end),
                    ("sale_line_id.order_id.date_order", ">=", utc_end),
                ],
                order="id",
            )
        )
        for order in moves.sale_line_id.order_id:
            results.append(
                {
                    "key": f"date_mismatch:order:{order.id}",
                    "order_id": order.id,
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    "name": _lt(
                        "%(order)s is dated %(date)s, after the period, but goods "
                        "were delivered for it in the period.",
                        order=order.name,
                        date=self._date(company._sale_closing_date(order.date_order)),
                    ),
                }
            )
        return results

    def _get_date_mismatch_invoices(self, period):
        """Return the results of the posted invoices whose invoice date and
        accounting date fall in different periods, one of them this one."""
        company = period.company_id
        results = []
        invoices = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    "|",
                    "&",
                    "&",
                    ("invoice_date", ">=", period.date_start),
                    ("invoice_date", "<=", period.date_end),
                    "|",
                    ("date", "<", period.date_start),
                    ("date", ">", period.date_end),
                    "&",
                    "&",
                    ("date", ">=", period.date_start),
                    ("date", "<=", period.date_end),
                    "|",
                    ("invoice_date", "<", period.date_start),
                    ("invoice_date", ">", period.date_end),
                ],
                order="id",
            )
        )
        for move in invoices:
            results.append(
                {
                    "key": f"date_mismatch:invoice:{move.id}",
                    "invoice_id": move.id,
                    "partner_id": move.commercial_partner_id.id,
                    "amount": move.amount_untaxed_signed,
                    "name": _lt(
                        "%(invoice)s is dated %(invoice_date)s but booked on "
                        "%(date)s, in another period (a lock date moved it).",
                        invoice=move.name,
                        invoice_date=self._date(move.invoice_date),
                        date=self._date(move.date),
                    ),
                }
            )
        return results
