# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount, format_date

from ..lib import figures as figures_lib

CHECK_CODES = [
    ("draft_invoice", "Draft invoices in the period"),
    ("delivered_not_invoiced", "Delivered, not invoiced"),
    ("invoiced_not_delivered", "Invoiced, not delivered"),
    ("late_delivery", "Deliveries not done"),
    ("date_mismatch", "Date mismatches"),
    ("line_mismatch", "Order and invoice mismatches"),
    ("receivable_aging", "Receivables by aging bucket"),
    ("unmatched_payment", "Unmatched customer payments"),
    ("credit_limit", "Customers over their credit limit"),
    ("negative_stock", "Negative stock at the period end"),
    ("stock_valuation", "Stock valuation against the ledger"),
]

SEVERITIES = [
    ("blocking", "Blocking"),
    ("warning", "Warning"),
    ("info", "Info"),
]

# code: (sequence, default severity)
CHECK_DEFAULTS = {
    "draft_invoice": (10, "blocking"),
    "delivered_not_invoiced": (20, "warning"),
    "invoiced_not_delivered": (30, "warning"),
    "late_delivery": (40, "warning"),
    "date_mismatch": (50, "warning"),
    "line_mismatch": (60, "warning"),
    "receivable_aging": (70, "info"),
    "unmatched_payment": (75, "warning"),
    "credit_limit": (78, "warning"),
    "negative_stock": (80, "warning"),
    "stock_valuation": (85, "warning"),
}


class SaleClosingCheck(models.Model):
    """A pre-close check as a company configures it."""

    _name = "sale.closing.check"
    _description = "Sales Closing Check"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    # === FIELDS === #
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    code = fields.Selection(selection=CHECK_CODES, required=True, readonly=True)
    name = fields.Char(compute="_compute_name")
    enabled = fields.Boolean(default=True)
    severity = fields.Selection(selection=SEVERITIES, required=True, default="warning")
    min_amount = fields.Float(
        string="Minimum Amount",
        digits="Account",
        help="Problems below this amount (company currency) are not listed.",
    )
    tolerance = fields.Float(
        string="Price Tolerance (%)",
        help="Order and invoice unit prices may differ by this percentage.",
    )
    aging_buckets = fields.Char(
        default="30,60,90",
        help="Upper limits, in days overdue, of the aging buckets: "
        "30,60,90 gives not due, 1-30, 31-60, 61-90 and over 90.",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "A company configures each check once.",
        ),
    ]

    # === COMPUTES === #
    @api.depends("code")
    def _compute_name(self):
        labels = dict(self._fields["code"]._description_selection(self.env))
        for check in self:
            check.name = labels.get(check.code, check.code)

    # === CONSTRAINTS === #
    @api.constrains("min_amount", "tolerance", "aging_buckets")
    def _check_thresholds(self):
        for check in self:
            if check.min_amount < 0 or check.tolerance < 0:
                raise ValidationError(
                    self.env._(
                        "Check %(check)s: the minimum amount and the tolerance "
                        "cannot be negative.",
                        check=check.name,
                    )
                )
            if check.code == "receivable_aging":
                try:
                    figures_lib.parse_buckets(check.aging_buckets)
                except ValueError as error:
                    raise ValidationError(
                        self.env._(
                            "Aging buckets %(buckets)s: write increasing numbers "
                            "of days separated by commas, such as 30,60,90.",
                            buckets=check.aging_buckets or "",
                        )
                    ) from error

    # === ACTIONS === #
    @api.model
    def action_open_configuration(self):
        self._ensure_company_checks(self.env.companies)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_closing.sale_closing_check_action"
        )
        return action

    # === BUSINESS === #
    @api.model
    def _ensure_company_checks(self, companies):
        """Create the missing check configurations of ``companies`` with their
        defaults and return every check of these companies."""
        existing = self.sudo().search([("company_id", "in", companies.ids)])
        have = {(check.company_id.id, check.code) for check in existing}
        vals_list = [
            self._prepare_check_vals(company, code)
            for company in companies
            for code, _label in CHECK_CODES
            if (company.id, code) not in have
        ]
        if vals_list:
            existing |= self.sudo().create(vals_list)
        return existing

    @api.model
    def _prepare_check_vals(self, company, code):
        """Return the values of the default configuration of ``code``."""
        sequence, severity = CHECK_DEFAULTS[code]
        return {
            "company_id": company.id,
            "code": code,
            "sequence": sequence,
            "severity": severity,
        }

    def _get_results(self, period, data):
        """Return the result values of this check on ``period``: dicts with a
        stable ``key``, a ``name`` sentence and the documents concerned."""
        self.ensure_one()
        results = getattr(self, f"_get_results_{self.code}")(period, data)
        if self.min_amount:
            company = period.company_id
            results = [
                r
                for r in results
                if "amount" not in r
                or company.currency_id.compare_amounts(
                    abs(r["amount"]), self.min_amount
                )
                >= 0
            ]
        return results

    # --- helpers ------------------------------------------------------------
    def _records(self, model, ids):
        """Return {id: record} for ``ids``, read together: looping over the
        results then costs one query per field, not one per record."""
        records = self.env[model].sudo().browse(set(ids) - {False, None, 0})
        return {record.id: record for record in records}

    def _amount(self, period, amount):
        return format_amount(self.env, amount, period.company_id.currency_id)

    def _date(self, value):
        return format_date(self.env, value)

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
                "name": self.env._(
                    "%(document)s of %(partner)s, dated %(date)s, is not posted "
                    "(%(amount)s untaxed): post or cancel it before closing.",
                    document=move.display_name,
                    partner=move.commercial_partner_id.display_name,
                    date=self._date(move.invoice_date or move.date),
                    amount=self._amount(period, move.amount_untaxed_signed),
                ),
            }
            for move in invoices
        ]

    # --- 2 and 3. delivered vs invoiced ------------------------------------
    def _figure_results(self, period, data, positive):
        figures = data["figures"]
        lines = self._records("sale.order.line", [f["sale_line_id"] for f in figures])
        uoms = self._records("uom.uom", [f["product_uom_id"] for f in figures])
        results = []
        for figure in figures:
            uom = uoms[figure["product_uom_id"]]
            qty = figure["qty_difference"]
            if figures_lib.float_is_zero(qty, uom.rounding) or (qty > 0) != positive:
                continue
            line = lines[figure["sale_line_id"]]
            values = {
                "order": line.order_id.name,
                "product": line.product_id.display_name or line.name,
                "qty": abs(qty),
                "uom": uom.name,
                "date": self._date(period.date_end),
                "amount": self._amount(
                    period, abs(figure["amount_difference_company"])
                ),
            }
            if positive:
                name = self.env._(
                    "%(order)s, %(product)s: %(qty)s %(uom)s delivered and not "
                    "invoiced at %(date)s (%(amount)s).",
                    **values,
                )
            else:
                name = self.env._(
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
                "name": self.env._(
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
                    "name": self.env._(
                        "%(order)s is dated %(date)s, after the period, but goods "
                        "were delivered for it in the period.",
                        order=order.name,
                        date=self._date(company._sale_closing_date(order.date_order)),
                    ),
                }
            )
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
                    "name": self.env._(
                        "%(invoice)s is dated %(invoice_date)s but booked on "
                        "%(date)s, in another period (a lock date moved it).",
                        invoice=move.name,
                        invoice_date=self._date(move.invoice_date),
                        date=self._date(move.date),
                    ),
                }
            )
        return results

    # --- 6. order vs invoice ------------------------------------------------
    def _get_results_line_mismatch(self, period, data):
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
        if inv_line.currency_id == line.currency_id:
            price = inv_line.product_uom_id._compute_price(
                inv_line.price_unit, line.product_uom
            )
            if figures_lib.price_differs(
                line.price_unit, price, self.tolerance, line.currency_id.rounding
            ):
                results.append(
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
                )
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

    # --- 7. receivables -----------------------------------------------------
    def _receivable_rows(self, period, data):
        if "receivables" not in data:
            data["receivables"] = self.env[
                "sale.closing.line"
            ]._get_receivable_residuals(period.company_id, period.date_end)
        return data["receivables"]

    def _get_results_receivable_aging(self, period, data):
        limits = figures_lib.parse_buckets(self.aging_buckets)
        rounding = period.company_id.currency_id.rounding
        totals = defaultdict(float)
        for row in self._receivable_rows(period, data):
            if figures_lib.float_is_zero(row["residual"], rounding):
                continue
            days = (period.date_end - row["date_maturity"]).days
            bucket = figures_lib.aging_bucket(days, limits)
            totals[(row["partner_id"] or 0, bucket)] += row["residual"]
        labels = figures_lib.bucket_labels(limits)
        partners = self._records("res.partner", [key[0] for key in totals])
        results = []
        for (partner_id, bucket), amount in sorted(
            totals.items(), key=lambda item: (item[0][0], labels.index(item[0][1]))
        ):
            if figures_lib.float_is_zero(amount, rounding):
                continue
            partner = partners.get(partner_id, self.env["res.partner"])
            if bucket == "not_due":
                name = self.env._(
                    "%(partner)s: %(amount)s receivable at %(date)s, not due yet.",
                    partner=partner.display_name or self.env._("No customer"),
                    amount=self._amount(period, amount),
                    date=self._date(period.date_end),
                )
            else:
                name = self.env._(
                    "%(partner)s: %(amount)s receivable at %(date)s, %(bucket)s "
                    "days overdue.",
                    partner=partner.display_name or self.env._("No customer"),
                    amount=self._amount(period, amount),
                    date=self._date(period.date_end),
                    bucket=bucket,
                )
            results.append(
                {
                    "key": f"receivable_aging:{partner_id}:{bucket}",
                    "partner_id": partner_id or False,
                    "aging_bucket": bucket,
                    "amount": figures_lib.float_round(amount, rounding),
                    "name": name,
                }
            )
        return results

    def _get_results_unmatched_payment(self, period, data):
        rounding = period.company_id.currency_id.rounding
        rows = self._receivable_rows(period, data)
        partners = self._records("res.partner", [row["partner_id"] for row in rows])
        results = []
        for row in rows:
            residual = row["residual"]
            if not row["payment_id"] or figures_lib.float_is_zero(residual, rounding):
                continue
            if residual > 0:
                continue
            partner = partners.get(row["partner_id"], self.env["res.partner"])
            results.append(
                {
                    "key": f"unmatched_payment:{row['id']}",
                    "move_line_id": row["id"],
                    "partner_id": row["partner_id"],
                    "amount": residual,
                    "name": self.env._(
                        "Payment %(payment)s of %(partner)s: %(amount)s not matched "
                        "with an invoice at %(date)s.",
                        payment=row["move_name"],
                        partner=partner.display_name or "-",
                        amount=self._amount(period, -residual),
                        date=self._date(period.date_end),
                    ),
                }
            )
        return results

    def _get_results_credit_limit(self, period, data):
        company = period.company_id
        if not company.account_use_credit_limit:
            return []
        balances = defaultdict(float)
        for row in self._receivable_rows(period, data):
            if row["partner_id"]:
                balances[row["partner_id"]] += row["residual"]
        partners = (
            self.env["res.partner"].sudo().with_company(company).browse(list(balances))
        )
        results = []
        for partner in partners:
            limit = partner.credit_limit
            balance = balances[partner.id]
            if limit > 0 and company.currency_id.compare_amounts(balance, limit) > 0:
                results.append(
                    {
                        "key": f"credit_limit:{partner.id}",
                        "partner_id": partner.id,
                        "amount": balance - limit,
                        "name": self.env._(
                            "%(partner)s owes %(balance)s at %(date)s, over the "
                            "credit limit of %(limit)s.",
                            partner=partner.display_name,
                            balance=self._amount(period, balance or 0.0),
                            limit=self._amount(period, limit),
                            date=self._date(period.date_end),
                        ),
                    }
                )
        return results

    # --- 8. stock -----------------------------------------------------------
    def _get_results_negative_stock(self, period, data):
        """Storable products with a negative quantity in an internal location
        at the period end, rebuilt from done move lines. Raw SQL: quantities
        at a past date are not fields."""
        _utc_start, utc_end = data["bounds"]
        self.env["stock.move.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            SELECT product_id, location_id, SUM(qty) AS qty FROM (
                SELECT sml.product_id, sml.location_dest_id AS location_id,
                       sml.quantity_product_uom AS qty
                  FROM stock_move_line sml
                  JOIN stock_location loc ON loc.id = sml.location_dest_id
                 WHERE sml.state = 'done' AND sml.date < %(end)s
                   AND loc.usage = 'internal' AND loc.company_id = %(company)s
                UNION ALL
                SELECT sml.product_id, sml.location_id,
                       -sml.quantity_product_uom
                  FROM stock_move_line sml
                  JOIN stock_location loc ON loc.id = sml.location_id
                 WHERE sml.state = 'done' AND sml.date < %(end)s
                   AND loc.usage = 'internal' AND loc.company_id = %(company)s
            ) flows
          GROUP BY product_id, location_id
            HAVING SUM(qty) < 0
          ORDER BY product_id, location_id
                """,
                end=utc_end,
                company=period.company_id.id,
            )
        )
        rows = self.env.cr.fetchall()
        products = self._records("product.product", [row[0] for row in rows])
        locations = self._records("stock.location", [row[1] for row in rows])
        results = []
        for product_id, location_id, qty in rows:
            product = products[product_id]
            if figures_lib.float_is_zero(qty, product.uom_id.rounding):
                continue
            results.append(
                {
                    "key": f"negative_stock:{product_id}:{location_id}",
                    "product_id": product_id,
                    "quantity": qty,
                    "name": self.env._(
                        "%(product)s: %(qty)s %(uom)s in %(location)s at %(date)s.",
                        product=product.display_name,
                        qty=qty,
                        uom=product.uom_id.name,
                        location=locations[location_id].complete_name,
                        date=self._date(period.date_end),
                    ),
                }
            )
        return results

    def _get_results_stock_valuation(self, period, data):
        """With real-time valuation: the value of the valuation layers at the
        period end against the balance of the stock valuation accounts."""
        company = period.company_id
        if "stock.valuation.layer" not in self.env:
            return []
        _utc_start, utc_end = data["bounds"]
        categories = (
            self.env["product.category"]
            .sudo()
            .with_company(company)
            .search([])
            .filtered(lambda c: c.property_valuation == "real_time")
        )
        if not categories:
            return []
        results = []
        by_account = defaultdict(lambda: self.env["product.category"])
        for category in categories:
            account = category.property_stock_valuation_account_id
            if account:
                by_account[account] |= category
        Layer = self.env["stock.valuation.layer"].sudo()
        Line = self.env["account.move.line"].sudo()
        for account, categs in by_account.items():
            ((value,),) = Layer._read_group(
                [
                    ("company_id", "=", company.id),
                    ("categ_id", "in", categs.ids),
                    # dated by their journal entry when they have one
                    # (backdated valuations), else by their creation
                    "|",
                    "&",
                    ("account_move_id", "!=", False),
                    ("account_move_id.date", "<=", period.date_end),
                    "&",
                    ("account_move_id", "=", False),
                    ("create_date", "<", utc_end),
                ],
                [],
                ["value:sum"],
            )
            ((balance,),) = Line._read_group(
                [
                    ("company_id", "=", company.id),
                    ("account_id", "=", account.id),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", period.date_end),
                ],
                [],
                ["balance:sum"],
            )
            difference = company.currency_id.round((value or 0.0) - (balance or 0.0))
            # the minimum amount is applied by _get_results, as for every check
            if not company.currency_id.is_zero(difference):
                results.append(
                    {
                        "key": f"stock_valuation:{account.id}",
                        "amount": difference,
                        "name": self.env._(
                            "Stock valued at %(value)s at %(date)s but account "
                            "%(account)s holds %(balance)s (difference %(diff)s).",
                            value=self._amount(period, value or 0.0),
                            balance=self._amount(period, balance or 0.0),
                            diff=self._amount(period, difference),
                            account=account.display_name,
                            date=self._date(period.date_end),
                        ),
                    }
                )
        return results
