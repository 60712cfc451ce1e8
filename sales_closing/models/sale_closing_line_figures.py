# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The figures of the order lines as of a period end: the period's bounds,
the candidate lines' quantities and amounts step by step, their period-end
rates and the lines Odoo's own computation delivers.

The raw SQL reads these steps start from are in
``sale_closing_line_queries.py``.
"""

import datetime
from collections import defaultdict

import pytz

from odoo import api, models
from odoo.exceptions import UserError

from ..lib import figures as figures_lib


class SaleClosingLine(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.line"  # pylint: disable=consider-merging-classes-inherited

    # === BUSINESS === #
    @api.model
    def _get_period_bounds(self, period):
        """Return the UTC datetimes at which ``period`` starts and ends
        (exclusive), read in the company's time zone."""
        tz = period.company_id._sale_closing_tz()

        def utc(day):
            local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return utc(period.date_start), utc(period.date_end + datetime.timedelta(days=1))

    @api.model
    def _get_period_figures(self, period):
        """Return the figures of every order line that matters to ``period``.

        A list of dicts: the values of ``sale.closing.line`` without
        ``period_id``. A fixed number of queries whatever the number of lines
        (one per ``_query_*`` method of ``sale_closing_line_queries.py``, plus
        one rate look-up per foreign currency); only kits and delivered-quantity
        methods other than moves and manual entry go through Odoo's per-line
        computation.
        """
        company = period.company_id
        utc_start, utc_end = self._get_period_bounds(period)
        for model in (
            "sale.order",
            "sale.order.line",
            "stock.move",
            "account.move",
            "account.move.line",
            "account.partial.reconcile",
        ):
            self.env[model].flush_model()
        rows = self._query_candidate_lines(
            company, period.date_start, utc_start, utc_end
        )
        if not rows:
            return []
        sources = self._get_figure_sources(
            company, period.date_end, rows, (utc_start, utc_end)
        )
        # rates of the currencies of the lines kept, read once per currency
        rates = {company.currency_id.id: 1.0}
        result = []
        # each candidate line and its moves and invoice lines are let go once
        # its figures are made: at 100,000 lines the rows read are as big as
        # the figures, and need not be held beside all of them
        rows.reverse()
        while rows:
            row = rows.pop()
            quantities = self._get_line_quantities(row, sources, period.date_end)
            sources["moves"].pop(row["id"], None)
            sources["invoices"].pop(row["id"], None)
            in_period = utc_start <= row["date_order"] < utc_end
            if (
                not in_period
                and not quantities["delivered"]
                and not quantities["invoiced"]
                and not any(m["date"] >= utc_start for m in quantities["moves"])
            ):
                continue
            amounts = self._get_line_amounts(row, quantities, sources)
            if row["currency_id"] not in rates:
                rates.update(
                    self._get_period_rates(
                        company, period.date_end, {row["currency_id"]}
                    )
                )
            result.append(
                self._prepare_figure_vals(
                    company, row, in_period, quantities, amounts, rates, sources
                )
            )
        return result

    @api.model
    def _get_figure_sources(self, company, date_end, rows, bounds):
        """Return what the figures of the candidate ``rows`` are computed
        from, read once for all of them: a dict of ``moves`` and
        ``invoices`` (lists of query rows by order line id), ``taxes``
        (price-included, by order line id), ``uoms`` (UomInfo by id),
        ``shares`` (paid fraction by invoice id at ``date_end``),
        ``fallback_qty`` (delivered quantity by order line id, for the lines
        Odoo computes), ``roundings`` (of the lines' currencies, by id) and
        ``company_rounding``: read once, not once per line.

        :param bounds: ``_get_period_bounds`` of the period
        """
        utc_start, utc_end = bounds
        line_ids = [row["id"] for row in rows]
        moves = self._query_moves(line_ids, utc_start, utc_end)
        invoice_rows = self._query_invoice_lines(line_ids)
        taxes = self._query_price_included_taxes(line_ids)
        uoms = self._get_uom_infos(
            {row["product_uom"] for row in rows}
            | {move["product_uom"] for move in moves}
            | {inv["product_uom_id"] for inv in invoice_rows if inv["product_uom_id"]}
        )
        counted = [
            inv
            for inv in invoice_rows
            if inv["parent_state"] == "posted" and inv["date"] <= date_end
        ]
        shares = self._get_paid_shares(
            company, {inv["move_id"] for inv in counted}, date_end
        )
        moves_by_line = defaultdict(list)
        fallback = set()
        for move in moves:
            if not move["same_product"]:
                # kits and other compositions: ask Odoo's own computation
                fallback.add(move["sale_line_id"])
            moves_by_line[move["sale_line_id"]].append(move)
        invoices_by_line = defaultdict(list)
        for inv in invoice_rows:
            invoices_by_line[inv["order_line_id"]].append(inv)
        fallback |= {
            row["id"]
            for row in rows
            if row["qty_delivered_method"] not in ("stock_move", "manual")
        }
        return {
            "moves": moves_by_line,
            "invoices": invoices_by_line,
            "taxes": taxes,
            "uoms": uoms,
            "shares": shares,
            "fallback_qty": self._get_fallback_delivered(fallback, date_end),
            "roundings": {
                currency.id: currency.rounding
                for currency in self.env["res.currency"].browse(
                    {row["currency_id"] for row in rows}
                )
            },
            "company_rounding": company.currency_id.rounding,
        }

    @api.model
    def _get_line_quantities(self, row, sources, date_end):
        """Return the quantities of one candidate order line at ``date_end``,
        in its unit: a dict of ``delivered``, ``returned`` (to refund),
        ``invoiced`` (posted), ``draft`` (on draft invoices), with the
        line's ``moves`` and its ``posted`` invoice line rows.

        :param sources: ``_get_figure_sources`` of the candidate lines
        """
        uoms = sources["uoms"]
        line_uom = uoms[row["product_uom"]]
        line_moves = sources["moves"][row["id"]]
        if row["id"] in sources["fallback_qty"]:
            qty_delivered = sources["fallback_qty"][row["id"]]
        elif row["qty_delivered_method"] == "manual":
            qty_delivered = row["qty_delivered"]
        else:
            qty_delivered = figures_lib.delivered_quantity(
                [
                    (m["quantity"], uoms[m["product_uom"]], m["sign"])
                    for m in line_moves
                    if m["sign"]
                ],
                line_uom,
            )
        qty_returned = figures_lib.delivered_quantity(
            [
                (m["quantity"], uoms[m["product_uom"]], 1)
                for m in line_moves
                if m["sign"] < 0
            ],
            line_uom,
        )
        line_invoices = sources["invoices"][row["id"]]
        posted = [
            inv
            for inv in line_invoices
            if inv["parent_state"] == "posted" and inv["date"] <= date_end
        ]
        drafts = [
            inv
            for inv in line_invoices
            if inv["parent_state"] == "draft"
            and (inv["invoice_date"] or inv["date"]) <= date_end
        ]
        return {
            "delivered": qty_delivered,
            "returned": qty_returned,
            "invoiced": figures_lib.invoiced_quantity(
                [self._invoice_qty_item(inv, uoms, line_uom) for inv in posted],
                line_uom,
            ),
            "draft": figures_lib.invoiced_quantity(
                [self._invoice_qty_item(inv, uoms, line_uom) for inv in drafts],
                line_uom,
            ),
            "moves": line_moves,
            "posted": posted,
        }

    @api.model
    def _get_line_amounts(self, row, quantities, sources):
        """Return ``(net unit price, figures, amount paid)`` of one order line
        in its currency: the price without discount and price-included taxes,
        the ``lib.figures.line_figures`` of its quantities, and the paid
        share of its posted invoice lines.

        :param quantities: ``_get_line_quantities`` of the line
        """
        uoms = sources["uoms"]
        line_uom = uoms[row["product_uom"]]
        rounding = sources["roundings"][row["currency_id"]]
        price = figures_lib.net_price(row["price_unit"], row["discount"])
        if row["id"] in sources["taxes"]:
            price = self._price_excluding_taxes(row, sources["taxes"][row["id"]], price)
        line = figures_lib.line_figures(
            row["product_uom_qty"],
            quantities["delivered"],
            quantities["invoiced"],
            price,
            rounding,
            line_uom.rounding,
        )
        amount_paid = figures_lib.paid_amount(
            [
                (
                    *self._invoice_qty_item(inv, uoms, line_uom),
                    sources["shares"].get(inv["move_id"], 0.0),
                )
                for inv in quantities["posted"]
            ],
            line_uom,
            price,
            rounding,
        )
        return price, line, amount_paid

    @api.model
    def _prepare_figure_vals(
        self, company, row, in_period, quantities, amounts, rates, sources=None
    ):
        """Return the values of one ``sale.closing.line`` (without
        ``period_id``), the amounts also in company currency at the period
        end rate.

        :param amounts: ``_get_line_amounts`` of the line
        :param rates: the period-end rates by currency id, the line's among them
        :param sources: ``_get_figure_sources`` (the company's rounding read
            there once); without it, read from ``company``
        """
        price, line, amount_paid = amounts
        rate = rates[row["currency_id"]]
        company_rounding = (
            sources["company_rounding"] if sources else company.currency_id.rounding
        )

        def conv(amount):
            return figures_lib.to_company(amount, rate, company_rounding)

        return {
            "sale_line_id": row["id"],
            "order_id": row["order_id"],
            "partner_id": row["partner_id"],
            "product_id": row["product_id"],
            "categ_id": row["categ_id"],
            "user_id": row["user_id"],
            "team_id": row["team_id"],
            "product_uom_id": row["product_uom"],
            "currency_id": row["currency_id"],
            "invoice_policy": row["invoice_policy"],
            "in_period": in_period,
            "qty_ordered": line.qty_ordered,
            "qty_delivered": line.qty_delivered,
            "qty_invoiced": line.qty_invoiced,
            "qty_difference": line.qty_difference,
            "qty_returned": quantities["returned"],
            "qty_draft_invoiced": quantities["draft"],
            "price_net": price,
            "amount_ordered": line.amount_ordered,
            "amount_delivered": line.amount_delivered,
            "amount_invoiced": line.amount_invoiced,
            "amount_paid": amount_paid,
            "amount_difference": line.amount_difference,
            "amount_ordered_company": conv(line.amount_ordered),
            "amount_delivered_company": conv(line.amount_delivered),
            "amount_invoiced_company": conv(line.amount_invoiced),
            "amount_paid_company": conv(amount_paid),
            "amount_difference_company": conv(line.amount_difference),
            "rate": rate,
        }

    @api.model
    def _invoice_qty_item(self, inv, uoms, line_uom):
        """Return ``(quantity, UomInfo, sign)`` of one invoice line row."""
        uom = uoms[inv["product_uom_id"]] if inv["product_uom_id"] else line_uom
        sign = -1 if inv["move_type"] == "out_refund" else 1
        return inv["quantity"], uom, sign

    @api.model
    def _price_excluding_taxes(self, row, taxes, price):
        """Return the net unit price without the price-included taxes."""
        currency = self.env["res.currency"].browse(row["currency_id"])
        return taxes.with_context(round=False).compute_all(
            price,
            currency=currency,
            quantity=1.0,
            product=self.env["product.product"].browse(row["product_id"]),
        )["total_excluded"]

    @api.model
    def _get_uom_infos(self, uom_ids):
        """Return {uom id: UomInfo} read through the ORM (same floats as Odoo)."""
        uoms = self.env["uom.uom"].sudo().with_context(active_test=False)
        return {
            uom.id: figures_lib.UomInfo(uom.factor, uom.rounding, uom.category_id.id)
            for uom in uoms.browse(uom_ids - {None, False})
        }

    @api.model
    def _get_period_rates(self, company, date, currency_ids):
        """Return {currency id: company units per currency unit} at ``date``.

        Refuse when a foreign currency has no rate on or before ``date``:
        Odoo would silently use 1.0.
        """
        rates = {}
        foreign = self.env["res.currency"].browse(
            currency_ids - {company.currency_id.id}
        )
        if foreign:
            known = {
                currency.id
                for (currency,) in self.env["res.currency.rate"]
                .sudo()
                ._read_group(
                    [
                        ("currency_id", "in", foreign.ids),
                        ("name", "<=", date),
                        ("company_id", "in", [False, *company.parent_ids.ids]),
                    ],
                    ["currency_id"],
                )
            }
            missing = foreign.filtered(lambda c: c.id not in known)
            if missing:
                raise UserError(
                    self.env._(
                        "No exchange rate of %(currencies)s on or before %(date)s "
                        "for %(company)s: enter the rate (Accounting, Configuration, "
                        "Currencies) before running the checks.",
                        currencies=", ".join(missing.mapped("name")),
                        date=date,
                        company=company.name,
                    )
                )
            for currency in foreign:
                rates[currency.id] = currency._get_conversion_rate(
                    currency, company.currency_id, company, date
                )
        rates[company.currency_id.id] = 1.0
        return rates

    @api.model
    def _get_fallback_delivered(self, line_ids, date):
        """Delivered quantities at ``date`` computed by Odoo itself (per line)
        for the lines this module cannot sum from moves: kits and delivered
        quantity methods other than moves and manual entry."""
        if not line_ids:
            return {}
        result = {}
        lines = self.env["sale.order.line"].sudo().browse(sorted(line_ids))
        for order in lines.order_id:
            virtual = order.new(origin=order)
            virtual.order_line.with_context(
                accrual_entry_date=date
            )._compute_qty_delivered()
            for line in virtual.order_line:
                if line._origin.id in line_ids:
                    result[line._origin.id] = line.qty_delivered
        lines.invalidate_recordset(["qty_delivered"])
        return result
