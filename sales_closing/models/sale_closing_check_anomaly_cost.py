# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sales anomaly check, lines sold below cost: the net unit price of
each customer invoice line of the period against the product's cost at the
sale date.

Odoo 18 keeps no history of a product's cost outside its stock valuation
layers (``stock.valuation.layer``, dated by their creation). What the
layers hold (``stock_account``):

- receipts and deliveries: a layer with the quantity moved, its ``value``
  and ``unit_cost``, valued at the standard price for standard costing, at
  the running average for AVCO (``_prepare_out_svl_vals``, with a rounding
  adjustment that keeps the value equal to average × quantity), at the
  layers consumed for FIFO;
- a new cost typed on a standard or AVCO product with stock
  (``_change_standard_price``): a layer of quantity 0 whose value brings
  the stock's value to new price × quantity (no unit cost of its own); none
  when the product has no stock;
- AVCO and FIFO receipts move the product's cost to the weighted average of
  the stock and the receipt (``product_price_update_before_done``).

So, while stock is on hand, the stock's value divided by its quantity at an
instant is the price in force for standard costing, the running average
for AVCO and the average cost of the stock on hand for FIFO, to the
product price precision. The cost at the sale date is that ratio over the
layers created up to the sale; with no stock on hand then, the unit cost of
the last layer that moved a quantity; with no layer before the sale at all,
the product's standard price now (and the result says so).

The sale date is the date of the order the invoice line comes from (the
price was agreed then), else the end of the invoice date in the company's
time zone.
"""

from odoo import models
from odoo.tools import SQL, LazyTranslate

_lt = LazyTranslate(__name__)

#: The invoice lines of the period sold under their cost at the sale date.
#: ``events`` merges the products' valuation layers and the lines in time
#: order, so that one pass of window functions gives, at each line, the
#: stock, its value and the unit cost of the last layer that moved a
#: quantity (the layers of an instant come before a line of that instant).
BELOW_COST_QUERY = """
            WITH lines AS MATERIALIZED (
                SELECT l.id, l.product_id, l.quantity,
                       -l.balance / l.quantity AS price,
                       pu.factor / lu.factor AS units,
                       (%(standard_price)s)::numeric AS standard_price,
                       so.order_id, so.date_order, m.invoice_date,
                       COALESCE(
                           so.date_order,
                           ((m.invoice_date + 1)::timestamp AT TIME ZONE %(tz)s)
                               AT TIME ZONE 'UTC' - INTERVAL '1 microsecond'
                       ) AS sale_at
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom lu ON lu.id = l.product_uom_id
                  JOIN uom_uom pu ON pu.id = pt.uom_id
             LEFT JOIN LATERAL (
                       SELECT o.id AS order_id, o.date_order
                         FROM sale_order_line_invoice_rel rel
                         JOIN sale_order_line sl ON sl.id = rel.order_line_id
                         JOIN sale_order o ON o.id = sl.order_id
                        WHERE rel.invoice_line_id = l.id
                     ORDER BY o.date_order, o.id
                        LIMIT 1
                   ) so ON TRUE
                 WHERE m.company_id = %(company)s
                   AND m.state = 'posted'
                   AND m.move_type = 'out_invoice'
                   AND l.display_type = 'product'
                   AND l.quantity > 0
                   AND l.date BETWEEN %(start)s AND %(end)s
            ), events AS (
                SELECT v.product_id, v.create_date AS at, 0 AS kind, v.id,
                       v.quantity, v.value, v.unit_cost
                  FROM stock_valuation_layer v
                 WHERE v.company_id = %(company)s
                   AND v.product_id IN (SELECT product_id FROM lines)
                UNION ALL
                SELECT product_id, sale_at, 1, id, 0, 0, NULL FROM lines
            ), running AS (
                SELECT e.kind, e.id, e.product_id, e.at, e.unit_cost,
                       SUM(e.quantity) OVER w AS stock,
                       SUM(e.value) OVER w AS stock_value,
                       COUNT(*) FILTER (WHERE e.kind = 0 AND e.quantity != 0)
                           OVER w AS moves
                  FROM events e
                WINDOW w AS (PARTITION BY e.product_id ORDER BY e.at, e.kind, e.id)
            ), costs AS (
                SELECT r.id,
                       ROUND(CASE WHEN r.stock > 0 THEN r.stock_value / r.stock
                                  WHEN r.moves > 0 THEN FIRST_VALUE(r.unit_cost)
                                       OVER (PARTITION BY r.product_id, r.moves
                                             ORDER BY r.at, r.kind, r.id)
                             END, %(digits)s) AS layer_cost,
                       r.kind
                  FROM running r
            ), priced AS (
                SELECT l.*, c.layer_cost,
                       ROUND(COALESCE(c.layer_cost, ROUND(l.standard_price, %(digits)s))
                             * l.units, %(digits)s) AS cost
                  FROM lines l
                  JOIN costs c ON c.kind = 1 AND c.id = l.id
            )
            SELECT id, product_id, quantity, price, cost, order_id, date_order,
                   invoice_date, layer_cost IS NOT NULL AS from_layers
              FROM priced
             WHERE ROUND(price, %(digits)s) < cost
          ORDER BY id
"""


class SaleClosingCheck(models.Model):
    # one model, extended by concern from several files of this module
    _inherit = "sale.closing.check"  # pylint: disable=consider-merging-classes-inherited

    def _get_anomaly_below_cost(self, period):
        """Return the results of the customer invoice lines of the period
        sold at a net unit price (company currency, the line's unit) under
        the product's cost at the sale date in the line's unit (see the
        module docstring).

        Raw SQL: the cost at each line's own instant is a running sum over
        the valuation layers, which one ordered pass of window functions
        gives for every line at once."""
        company = period.company_id
        Product = self.env["product.product"].sudo().with_company(company)
        for model in (
            "account.move.line",
            "account.move",
            "stock.valuation.layer",
            "sale.order",
            "sale.order.line",
            "product.product",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                BELOW_COST_QUERY,
                standard_price=Product._field_to_sql("pp", "standard_price"),
                tz=company._sale_closing_tz().zone,
                digits=self.env["decimal.precision"].precision_get("Product Price"),
                company=company.id,
                start=period.date_start,
                end=period.date_end,
            )
        )
        rows = self.env.cr.dictfetchall()
        lines = self._records("account.move.line", [row["id"] for row in rows])
        orders = self._records("sale.order", [row["order_id"] for row in rows])
        return [
            self._anomaly_below_cost(
                period, row, lines[row["id"]], orders.get(row["order_id"])
            )
            for row in rows
        ]

    def _anomaly_below_cost(self, period, row, line, order):
        """Return the result of one line sold below cost: the loss and a
        sentence with the cost, the sale date and where the cost comes
        from."""
        company = period.company_id
        price, cost = float(row["price"]), float(row["cost"])
        quantity = float(row["quantity"])
        loss = (price - cost) * quantity
        if order:
            sale_date = _lt(
                "%(date)s, the date of order %(order)s",
                date=self._date(company._sale_closing_date(row["date_order"])),
                order=order.name,
            )
        else:
            sale_date = _lt(
                "%(date)s, the invoice date", date=self._date(row["invoice_date"])
            )
        values = {
            "invoice": line.move_id.name,
            "product": self._record(line.product_id),
            "qty": f"{quantity:g}",
            "uom": self._record(line.product_uom_id, "name"),
            "partner": line.move_id.commercial_partner_id.display_name,
            "date": self._date(line.date),
            "price": self._amount(period, price),
            "cost": self._amount(period, cost),
            "sale_date": sale_date,
            "loss": self._amount(period, -loss),
        }
        if row["from_layers"]:
            name = _lt(
                "%(invoice)s, %(product)s: %(qty)s %(uom)s sold to %(partner)s on "
                "%(date)s at %(price)s net each, under its cost of %(cost)s on "
                "%(sale_date)s (from the stock valuation): %(loss)s below cost.",
                **values,
            )
        else:
            name = _lt(
                "%(invoice)s, %(product)s: %(qty)s %(uom)s sold to %(partner)s on "
                "%(date)s at %(price)s net each, under its cost of %(cost)s (its "
                "standard price now: the stock valuation holds no cost of it up "
                "to %(sale_date)s): %(loss)s below cost.",
                **values,
            )
        return {
            "key": f"sales_anomaly:below_cost:{line.id}",
            "move_line_id": line.id,
            "invoice_id": line.move_id.id,
            "partner_id": line.move_id.commercial_partner_id.id,
            "product_id": row["product_id"],
            "quantity": quantity,
            "amount": company.currency_id.round(loss),
            "name": name,
        }
