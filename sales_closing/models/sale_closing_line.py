# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
from collections import defaultdict

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..lib import figures as figures_lib


class SaleClosingLine(models.Model):
    """One sale order line's figures as of a period end.

    The lines are the frozen result of the last "Run Checks" (or of the close)
    of a period: the reconciliation view reads them, the checks and the
    posting rules start from them.
    """

    _name = "sale.closing.line"
    _description = "Sales Closing Reconciliation Line"
    _order = "period_id, order_id, sale_line_id"
    _check_company_auto = True

    # === FIELDS === #
    period_id = fields.Many2one(
        comodel_name="sale.closing.period",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    date_end = fields.Date(related="period_id.date_end", string="As of")
    sale_line_id = fields.Many2one(
        comodel_name="sale.order.line",
        string="Order Line",
        required=True,
        ondelete="cascade",
        index=True,
    )
    order_id = fields.Many2one(comodel_name="sale.order", string="Order")
    partner_id = fields.Many2one(comodel_name="res.partner", string="Customer")
    product_id = fields.Many2one(comodel_name="product.product", string="Product")
    categ_id = fields.Many2one(
        comodel_name="product.category", string="Product Category"
    )
    user_id = fields.Many2one(comodel_name="res.users", string="Salesperson")
    team_id = fields.Many2one(comodel_name="crm.team", string="Sales Team")
    product_uom_id = fields.Many2one(comodel_name="uom.uom", string="Unit")
    currency_id = fields.Many2one(comodel_name="res.currency", string="Currency")
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    invoice_policy = fields.Selection(
        selection=[
            ("order", "Ordered quantities"),
            ("delivery", "Delivered quantities"),
        ]
    )
    in_period = fields.Boolean(
        string="Ordered in Period", help="The order was confirmed in the period."
    )
    qty_ordered = fields.Float(string="Ordered", digits="Product Unit of Measure")
    qty_delivered = fields.Float(string="Delivered", digits="Product Unit of Measure")
    qty_invoiced = fields.Float(string="Invoiced", digits="Product Unit of Measure")
    qty_difference = fields.Float(
        string="Delivered - Invoiced",
        digits="Product Unit of Measure",
        help="Positive: delivered, not invoiced (accrued revenue). "
        "Negative: invoiced, not delivered (deferred revenue).",
    )
    qty_returned = fields.Float(
        string="Returned to Refund", digits="Product Unit of Measure"
    )
    qty_draft_invoiced = fields.Float(
        string="On Draft Invoices", digits="Product Unit of Measure"
    )
    price_net = fields.Float(string="Net Unit Price", digits="Product Price")
    amount_ordered = fields.Monetary(string="Ordered Amount")
    amount_delivered = fields.Monetary(string="Delivered Amount")
    amount_invoiced = fields.Monetary(string="Invoiced Amount")
    amount_paid = fields.Monetary(string="Paid Amount")
    amount_difference = fields.Monetary(string="Difference")
    amount_ordered_company = fields.Monetary(
        string="Ordered (Company Currency)", currency_field="company_currency_id"
    )
    amount_delivered_company = fields.Monetary(
        string="Delivered (Company Currency)", currency_field="company_currency_id"
    )
    amount_invoiced_company = fields.Monetary(
        string="Invoiced (Company Currency)", currency_field="company_currency_id"
    )
    amount_paid_company = fields.Monetary(
        string="Paid (Company Currency)", currency_field="company_currency_id"
    )
    amount_difference_company = fields.Monetary(
        string="Difference (Company Currency)", currency_field="company_currency_id"
    )
    rate = fields.Float(
        string="Period-End Rate",
        digits=0,
        help="Company currency units per order currency unit at the period end.",
    )

    # === ACTIONS === #
    def action_open_sale_line(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }

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
        (one per query method below, plus one rate look-up per foreign
        currency); only kits and delivered-quantity methods other than moves
        and manual entry go through Odoo's per-line computation.
        """
        company = period.company_id
        date_start, date_end = period.date_start, period.date_end
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
        rows = self._query_candidate_lines(company, date_start, utc_start, utc_end)
        if not rows:
            return []
        line_ids = [row["id"] for row in rows]
        moves = self._query_moves(line_ids, utc_start, utc_end)
        invoice_rows = self._query_invoice_lines(line_ids)
        taxes = self._query_price_included_taxes(line_ids)
        uoms = self._get_uom_infos(
            {row["product_uom"] for row in rows}
            | {move["product_uom"] for move in moves}
            | {inv["product_uom_id"] for inv in invoice_rows if inv["product_uom_id"]}
        )
        # rates of the currencies of the lines kept, read once per currency
        rates = {company.currency_id.id: 1.0}
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
        fallback_qty = self._get_fallback_delivered(fallback, date_end)
        currencies = {
            currency.id: currency
            for currency in self.env["res.currency"].browse(
                {row["currency_id"] for row in rows}
            )
        }
        company_rounding = company.currency_id.rounding
        result = []
        for row in rows:
            line_uom = uoms[row["product_uom"]]
            line_moves = moves_by_line[row["id"]]
            if row["id"] in fallback_qty:
                qty_delivered = fallback_qty[row["id"]]
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
            line_invoices = invoices_by_line[row["id"]]
            posted = [
                inv
                for inv in line_invoices
                if inv["parent_state"] == "posted" and inv["date"] <= date_end
            ]
            qty_invoiced = figures_lib.invoiced_quantity(
                [self._invoice_qty_item(inv, uoms, line_uom) for inv in posted],
                line_uom,
            )
            drafts = [
                inv
                for inv in line_invoices
                if inv["parent_state"] == "draft"
                and (inv["invoice_date"] or inv["date"]) <= date_end
            ]
            qty_draft = figures_lib.invoiced_quantity(
                [self._invoice_qty_item(inv, uoms, line_uom) for inv in drafts],
                line_uom,
            )
            in_period = utc_start <= row["date_order"] < utc_end
            if (
                not in_period
                and not qty_delivered
                and not qty_invoiced
                and not any(m["date"] >= utc_start for m in line_moves)
            ):
                continue
            currency = currencies[row["currency_id"]]
            price = figures_lib.net_price(row["price_unit"], row["discount"])
            if row["id"] in taxes:
                price = self._price_excluding_taxes(row, taxes[row["id"]], price)
            line = figures_lib.line_figures(
                row["product_uom_qty"],
                qty_delivered,
                qty_invoiced,
                price,
                currency.rounding,
                line_uom.rounding,
            )
            amount_paid = figures_lib.paid_amount(
                [
                    (
                        *self._invoice_qty_item(inv, uoms, line_uom),
                        shares.get(inv["move_id"], 0.0),
                    )
                    for inv in posted
                ],
                line_uom,
                price,
                currency.rounding,
            )
            if row["currency_id"] not in rates:
                rates.update(
                    self._get_period_rates(company, date_end, {row["currency_id"]})
                )
            rate = rates[row["currency_id"]]

            def conv(amount, rate=rate):
                return figures_lib.to_company(amount, rate, company_rounding)

            result.append(
                {
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
                    "qty_returned": qty_returned,
                    "qty_draft_invoiced": qty_draft,
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
            )
        return result

    @api.model
    def _invoice_qty_item(self, inv, uoms, line_uom):
        """Return ``(quantity, UomInfo, sign)`` of one invoice line row."""
        uom = uoms[inv["product_uom_id"]] if inv["product_uom_id"] else line_uom
        sign = -1 if inv["move_type"] == "out_refund" else 1
        return inv["quantity"], uom, sign

    # --- queries ------------------------------------------------------------
    @api.model
    def _query_candidate_lines(self, company, date_start, utc_start, utc_end):
        """Order lines of confirmed orders that may matter to the period.

        Raw SQL: the candidate test mixes ``EXISTS`` over moves and invoice
        lines that the ORM would run as separate searches over all history.
        A line matters when its order was confirmed in the period, or when it
        is not settled now (delivered <> invoiced, or draft invoices), or when
        a move or invoice dated from the period start on may change its
        as-of-end figures.
        """
        self.env.cr.execute(
            SQL(
                """
            SELECT sol.id, sol.order_id, so.date_order,
                   COALESCE(partner.commercial_partner_id, so.partner_id)
                       AS partner_id,
                   sol.product_id, tmpl.categ_id, so.user_id, so.team_id,
                   so.currency_id, sol.product_uom, sol.product_uom_qty,
                   sol.price_unit, sol.discount, sol.qty_delivered_method,
                   sol.qty_delivered, tmpl.invoice_policy
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner partner ON partner.id = so.partner_id
         LEFT JOIN product_product product ON product.id = sol.product_id
         LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
             WHERE so.company_id = %(company)s
               AND so.state = 'sale'
               AND sol.display_type IS NULL
               AND sol.is_downpayment IS NOT TRUE
               AND (
                    (so.date_order >= %(utc_start)s AND so.date_order < %(utc_end)s)
                 OR sol.qty_delivered <> sol.qty_invoiced
                 OR EXISTS (
                        SELECT 1 FROM stock_move m
                         WHERE m.sale_line_id = sol.id
                           AND m.state = 'done'
                           AND m.date >= %(utc_start)s)
                 OR EXISTS (
                        SELECT 1
                          FROM sale_order_line_invoice_rel rel
                          JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                         WHERE rel.order_line_id = sol.id
                           AND (aml.parent_state = 'draft'
                                OR (aml.parent_state = 'posted'
                                    AND aml.date >= %(date_start)s)))
               )
          ORDER BY sol.order_id, sol.id
                """,
                company=company.id,
                utc_start=utc_start,
                utc_end=utc_end,
                date_start=date_start,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _query_moves(self, line_ids, utc_start, utc_end):
        """Done moves of the lines up to the period end, signed as
        ``sale_stock._get_outgoing_incoming_moves`` (strict) signs them:
        1 to the customer (a return only when marked to refund), -1 back from
        the customer when marked to refund, 0 otherwise. Raw SQL to classify
        the locations in the same pass."""
        inter_company = self.env.ref(
            "stock.stock_location_inter_company", raise_if_not_found=False
        )
        path = inter_company.sudo().parent_path if inter_company else "-"
        self.env.cr.execute(
            SQL(
                """
            SELECT m.sale_line_id, m.product_uom, m.quantity, m.date,
                   m.product_id = sol.product_id AS same_product,
                   CASE
                     WHEN dest.usage = 'customer' OR dest.parent_path LIKE %(path)s
                       THEN CASE WHEN m.origin_returned_move_id IS NULL
                                   OR m.to_refund THEN 1 ELSE 0 END
                     WHEN (src.usage = 'customer' OR src.parent_path LIKE %(path)s)
                          AND m.to_refund
                       THEN -1
                     ELSE 0
                   END AS sign
              FROM stock_move m
              JOIN sale_order_line sol ON sol.id = m.sale_line_id
              JOIN stock_location dest ON dest.id = m.location_dest_id
              JOIN stock_location src ON src.id = m.location_id
             WHERE m.sale_line_id = ANY(%(ids)s)
               AND m.state = 'done'
               AND m.scrapped IS NOT TRUE
               AND m.date < %(utc_end)s
                """,
                path=path + "%",
                ids=line_ids,
                utc_end=utc_end,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _query_invoice_lines(self, line_ids):
        """Customer invoice and credit note lines linked to the order lines,
        posted or draft; the callers filter on the accounting date."""
        self.env.cr.execute(
            SQL(
                """
            SELECT rel.order_line_id, aml.id, aml.move_id, aml.product_uom_id,
                   aml.quantity, aml.price_unit, aml.discount, aml.currency_id,
                   aml.parent_state, aml.date, am.invoice_date, am.move_type,
                   am.name AS move_name
              FROM sale_order_line_invoice_rel rel
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE rel.order_line_id = ANY(%(ids)s)
               AND am.move_type IN ('out_invoice', 'out_refund')
               AND am.state IN ('draft', 'posted')
          ORDER BY aml.id
                """,
                ids=line_ids,
            )
        )
        return self.env.cr.dictfetchall()

    @api.model
    def _query_price_included_taxes(self, line_ids):
        """Return {line id: account.tax} for lines with a price-included tax."""
        self.env.cr.execute(
            SQL(
                """
            SELECT sale_order_line_id, account_tax_id
              FROM account_tax_sale_order_line_rel
             WHERE sale_order_line_id = ANY(%(ids)s)
                """,
                ids=line_ids,
            )
        )
        by_line = defaultdict(list)
        for line_id, tax_id in self.env.cr.fetchall():
            by_line[line_id].append(tax_id)
        Tax = self.env["account.tax"].sudo().with_context(active_test=False)
        all_taxes = Tax.browse({t for ids in by_line.values() for t in ids})
        included = set(all_taxes.filtered("price_include").ids)
        return {
            line_id: Tax.browse(ids)
            for line_id, ids in by_line.items()
            if included.intersection(ids)
        }

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
    def _get_paid_shares(self, company, invoice_ids, date):
        """Return {invoice id: paid fraction at ``date``}.

        The residual at the date counts only the reconciliations whose later
        line is dated up to ``date`` (``max_date``): a payment matched after
        the period end does not reduce the amount due at the end.
        """
        if not invoice_ids:
            return {}
        receivables = self._get_receivable_residuals(
            company, date, move_ids=list(invoice_ids)
        )
        totals = defaultdict(lambda: [0.0, 0.0])
        for row in receivables:
            totals[row["move_id"]][0] += row["balance"]
            totals[row["move_id"]][1] += row["residual"]
        rounding = company.currency_id.rounding
        return {
            move_id: figures_lib.paid_share(total, residual, rounding)
            for move_id, (total, residual) in totals.items()
        }

    @api.model
    def _get_receivable_residuals(self, company, date, move_ids=None):
        """Posted receivable lines dated up to ``date`` and their residual at
        ``date`` in company currency. Raw SQL: the residual at a past date is
        not a field; it is rebuilt from the partial reconciliations."""
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        where_moves = (
            SQL("aml.move_id = ANY(%s)", move_ids) if move_ids else SQL("TRUE")
        )
        self.env.cr.execute(
            SQL(
                """
            SELECT aml.id, aml.move_id,
                   COALESCE(partner.commercial_partner_id, aml.partner_id)
                       AS partner_id,
                   aml.date,
                   COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                   aml.balance, am.move_type, am.name AS move_name,
                   aml.payment_id,
                   aml.balance
                     - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                  WHERE p.debit_move_id = aml.id
                                    AND p.max_date <= %(date)s), 0)
                     + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                  WHERE p.credit_move_id = aml.id
                                    AND p.max_date <= %(date)s), 0) AS residual
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN account_account account ON account.id = aml.account_id
         LEFT JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND account.account_type = 'asset_receivable'
               AND aml.date <= %(date)s
               AND %(where_moves)s
          ORDER BY aml.id
                """,
                company=company.id,
                date=date,
                where_moves=where_moves,
            )
        )
        return self.env.cr.dictfetchall()

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
