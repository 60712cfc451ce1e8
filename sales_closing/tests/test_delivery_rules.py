# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SaleClosingCommon


@tagged("post_install", "-at_install")
class TestDeliveryRules(SaleClosingCommon):
    closing_users = False  # its tests use none of them

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._order("2026-10-10")
        cls.october_picking = cls._deliver(cls.order, 4.0, "2026-10-12")
        cls.backorder = cls.order.picking_ids - cls.october_picking

    def test_backorder_of_october_order_validated_in_november(self):
        self._stage(self.period_oct, "closed")
        self._deliver(self.order, 6.0, "2026-11-03")
        self.assertEqual(self.order.order_line.qty_delivered, 10.0)
        self.assertEqual(self.backorder.state, "done")

    def test_validation_while_today_is_in_locked_period(self):
        self.company.sale_closing_allow_early_close = True
        with freeze_time("2026-10-31 08:00:00"):
            self.period_oct.action_advance()
        with self.assertRaisesRegex(
            UserError, r"cannot be validated: it is dated 2026-10-31"
        ):
            self._deliver(self.order, 6.0, "2026-10-31")
        self.assertEqual(self.backorder.state, "assigned")

    def test_return_in_open_month_allowed_backdated_refused(self):
        self._stage(self.period_oct, "sales_locked")
        with self.assertRaisesRegex(UserError, "cannot be validated"):
            self._return(
                self.october_picking,
                1.0,
                "2026-11-04",
                force_period_date=fields.Date.to_date("2026-10-30"),
            )
        returned = self._return(self.october_picking, 1.0, "2026-11-04")
        self.assertEqual(returned.state, "done")
        self.assertEqual(self.order.order_line.qty_delivered, 3.0)

    def test_redating_done_delivery(self):
        self._stage(self.period_oct, "sales_locked")
        november = self._deliver(self.order, 6.0, "2026-11-03")
        with self.assertRaisesRegex(UserError, "cannot be edited"):
            november.move_ids.write({"date": "2026-10-30 12:00:00"})
        with self.assertRaisesRegex(UserError, "cannot be edited"):
            self.october_picking.move_ids.sudo().write({"date": "2026-11-01 12:00:00"})

    def test_done_move_line_quantity(self):
        self._stage(self.period_oct, "sales_locked")
        with self.assertRaisesRegex(
            UserError, r"cannot be edited(.|\n)*Refused changes:\nQuantity: 4.0 → 3.0"
        ):
            self.october_picking.move_line_ids.sudo().write({"quantity": 3.0})

    def test_done_move_line_added(self):
        """Found through the running server (issue 14): a line created done
        on a done delivery raised its quantity without a write on the move."""
        self._stage(self.period_oct, "sales_locked")
        move = self.october_picking.move_ids
        # assertRaises (not ...Regex) rolls the refused create back
        with self.assertRaises(UserError) as caught:
            self.env["stock.move.line"].sudo().create(
                {
                    "move_id": move.id,
                    "picking_id": self.october_picking.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "quantity": 1.0,
                    "picked": True,
                }
            )
        self.assertRegex(
            str(caught.exception),
            r"cannot be edited \(line added\): it is dated 2026-10-12"
            r"(.|\n)*Refused changes:\n.*: \+1\n?",
        )
        self.env.invalidate_all()
        self.assertEqual(move.quantity, 4.0)
        self.assertEqual(self.order.order_line.qty_delivered, 4.0)

    def test_supplier_receipts_are_not_held(self):
        self._stage(self.period_oct, "closed")
        receipt_type = self.warehouse.in_type_id
        with freeze_time("2026-11-04 12:00:00"):
            receipt = self.env["stock.picking"].create(
                {
                    "picking_type_id": receipt_type.id,
                    "partner_id": self.partner_a.id,
                    "location_id": self.env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": self.stock_location.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "in",
                                "product_id": self.product.id,
                                "product_uom_qty": 5.0,
                                "product_uom": self.product.uom_id.id,
                                "location_id": self.env.ref(
                                    "stock.stock_location_suppliers"
                                ).id,
                                "location_dest_id": self.stock_location.id,
                            },
                        )
                    ],
                }
            )
            receipt.action_confirm()
            receipt.move_ids.write({"quantity": 5.0, "picked": True})
            receipt.with_context(
                force_period_date=fields.Date.to_date("2026-10-30")
            ).button_validate()
        self.assertEqual(receipt.state, "done")

    def test_deliveries_not_locked_when_setting_off(self):
        self.company.sale_closing_lock_deliveries = False
        self._stage(self.period_oct, "closed")
        self.october_picking.move_line_ids.sudo().write({"quantity": 3.0})
        self.assertEqual(self.order.order_line.qty_delivered, 3.0)
