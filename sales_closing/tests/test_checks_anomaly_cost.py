# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lines sold below their cost at the sale date (the sales anomaly check):
the cost read from the stock valuation layers Odoo writes when stock is
counted, received and delivered and when a cost changes, against the
product's standard price now.

A layer is dated by its creation, which a test cannot freeze: each flow
below is followed by the date its layers would have had
(``AnomalyCommon._layers_dated``)."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common_anomaly import AnomalyCommon


@tagged("post_install", "-at_install")
class TestSalesAnomalyCost(AnomalyCommon):
    closing_users = False  # its tests use none of them

    # --- helpers ------------------------------------------------------------
    def _costed(self, name, method, cost):
        category = self.env["product.category"].create(
            {"name": f"{name} ({method})", "property_cost_method": method}
        )
        return self._closing_product(name, categ_id=category.id, standard_price=cost)

    def _receive(self, product, qty, unit_cost, day):
        """Receive ``qty`` from a vendor at ``unit_cost`` through a receipt."""
        supplier = self.env.ref("stock.stock_location_suppliers")
        with self._layers_dated(f"{day} 09:00:00"), freeze_time(f"{day} 09:00:00"):
            picking = self.env["stock.picking"].create(
                {
                    "picking_type_id": self.warehouse.in_type_id.id,
                    "location_id": supplier.id,
                    "location_dest_id": self.stock_location.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "product_uom": product.uom_id.id,
                                "price_unit": unit_cost,
                                "location_id": supplier.id,
                                "location_dest_id": self.stock_location.id,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.move_ids.write({"quantity": qty, "picked": True})
            picking.button_validate()
        self.assertEqual(picking.state, "done")

    def _ship(self, order, qty, day):
        with self._layers_dated(f"{day} 12:00:00"):
            self._deliver(order, qty, day)

    def _change_cost(self, product, cost, day):
        """Type a new cost on the product, as a user does on its form."""
        with self._layers_dated(f"{day} 09:00:00"), freeze_time(f"{day} 09:00:00"):
            product.standard_price = cost

    def _layers(self, product):
        layers = self.env["stock.valuation.layer"].search(
            [("product_id", "=", product.id)], order="create_date, id"
        )
        return [(layer.quantity, layer.value) for layer in layers]

    def _below_cost(self, line):
        return self._anomalies().filtered(
            lambda r: r.key == f"sales_anomaly:below_cost:{line.id}"
        )

    # --- standard cost ------------------------------------------------------
    def test_standard_cost_changed_after_the_sale(self):
        raised = self._costed("Raised Chair", "standard", 40.0)
        lowered = self._costed("Lowered Chair", "standard", 50.0)
        self._count_in(raised, 10, "2026-10-01")
        self._count_in(lowered, 10, "2026-10-01")
        above = self._sell("2026-10-05", [(raised, 2, 45.0)])
        below = self._sell(
            "2026-10-05",
            [
                (raised, 1, 38.0),
                (lowered, 2, 45.0),
                (raised, 1, 470.0, {"product_uom": self.uom_dozen.id}),
            ],
        )
        self._change_cost(raised, 50.0, "2026-10-08")
        self._change_cost(lowered, 30.0, "2026-10-08")
        # Odoo revalues the stock with a layer of quantity 0:
        # 10 x 50.00 - 400.00 = +100.00; 10 x 30.00 - 500.00 = -200.00
        self.assertEqual(self._layers(raised), [(10.0, 400.0), (0.0, 100.0)])
        self.assertEqual(self._layers(lowered), [(10.0, 500.0), (0.0, -200.0)])
        above_line = self._invoice_qty(above, "2026-10-15").invoice_line_ids
        invoice = self._invoice_qty(below, "2026-10-15")
        raised_line, lowered_line, dozen_line = invoice.invoice_line_ids
        # on Oct 5 the stock of each was worth its old cost: 400.00 / 10 =
        # 40.00 and 500.00 / 10 = 50.00
        # - 2 raised chairs at 45.00: above 40.00 (under 50.00 now): not flagged
        # - 1 raised chair at 38.00: 2.00 under 40.00
        # - 2 lowered chairs at 45.00: 5.00 each under 50.00 (above 30.00 now)
        # - 1 dozen raised chairs at 470.00: under 12 x 40.00 = 480.00
        self.assertFalse(self._below_cost(above_line))
        results = self._anomalies().filtered(
            lambda r: r.key.startswith("sales_anomaly:below_cost:")
        )
        self.assertRecordValues(
            results.sorted("move_line_id"),
            [
                {"move_line_id": raised_line.id, "quantity": 1.0, "amount": -2.0},
                {"move_line_id": lowered_line.id, "quantity": 2.0, "amount": -10.0},
                {"move_line_id": dozen_line.id, "quantity": 1.0, "amount": -10.0},
            ],
        )
        self.assertEqual(
            self._below_cost(lowered_line).name,
            f"{invoice.name}, Lowered Chair: 2 Units sold to partner_a on "
            "10/15/2026 at $\xa045.00 net each, under its cost of $\xa050.00 on "
            f"10/05/2026, the date of order {below.name} (from the stock "
            "valuation): $\xa010.00 below cost.",
        )
        self.assertIn(
            "1 Dozens sold to partner_a on 10/15/2026 at $\xa0470.00 net each, "
            "under its cost of $\xa0480.00 on 10/05/2026",
            self._below_cost(dozen_line).name,
        )

    # --- average cost ---------------------------------------------------------
    def test_average_cost_received_at_two_costs(self):
        lamp = self._costed("Average Lamp", "average", 0.0)
        self._receive(lamp, 10, 20.0, "2026-10-01")
        first = self._sell("2026-10-05", [(lamp, 4, 21.0)])
        self._ship(first, 4, "2026-10-06")
        self._receive(lamp, 6, 26.0, "2026-10-10")
        second = self._sell("2026-10-12", [(lamp, 3, 22.5)])
        self._ship(second, 3, "2026-10-13")
        # 10 at 20.00 = 200.00; 4 out at 20.00 (6 left, 120.00); 6 in at
        # 26.00 = 156.00: 12 worth 276.00, 23.00 each; 3 out at 23.00
        self.assertEqual(
            self._layers(lamp),
            [(10.0, 200.0), (-4.0, -80.0), (6.0, 156.0), (-3.0, -69.0)],
        )
        self.assertEqual(lamp.standard_price, 23.0)
        first_line = self._invoice_qty(first, "2026-10-15").invoice_line_ids
        second_invoice = self._invoice_qty(second, "2026-10-15")
        # Oct 5: 200.00 / 10 = 20.00: 21.00 is above (under 23.00 now)
        # Oct 12: 276.00 / 12 = 23.00: 22.50 is 0.50 under, 3 x 0.50 = 1.50
        self.assertFalse(self._below_cost(first_line))
        result = self._below_cost(second_invoice.invoice_line_ids)
        self.assertRecordValues(result, [{"quantity": 3.0, "amount": -1.5}])
        self.assertIn(
            "at $\xa022.50 net each, under its cost of $\xa023.00 on 10/12/2026, "
            f"the date of order {second.name} (from the stock valuation): "
            "$\xa01.50 below cost.",
            result.name,
        )

    # --- no valuation before the sale -----------------------------------------
    def test_no_layer_before_the_sale_falls_back_to_the_standard_price(self):
        stool = self._costed("Stool", "standard", 40.0)
        order = self._sell("2026-10-05", [(stool, 2, 35.0)])
        # counted in after the sale: that layer says nothing of Oct 5
        self._count_in(stool, 10, "2026-10-20")
        self.assertEqual(self._layers(stool), [(10.0, 400.0)])
        invoice = self._invoice_qty(order, "2026-10-21")
        result = self._below_cost(invoice.invoice_line_ids)
        # 2 x (35.00 - 40.00) = -10.00 against the standard price now
        self.assertRecordValues(result, [{"quantity": 2.0, "amount": -10.0}])
        self.assertEqual(
            result.name,
            f"{invoice.name}, Stool: 2 Units sold to partner_a on 10/21/2026 at "
            "$\xa035.00 net each, under its cost of $\xa040.00 (its standard price "
            "now: the stock valuation holds no cost of it up to 10/05/2026, the "
            f"date of order {order.name}): $\xa010.00 below cost.",
        )
