# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lock checks add no query per document: confirming orders, validating
their deliveries and posting their invoices cost as many more queries with
the locks than without them (``common_locks.locks_bypassed``) for 2
documents as for 6."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import SaleClosingCommon
from .common_locks import locks_bypassed


@tagged("post_install", "-at_install")
class TestLockQueryCount(SaleClosingCommon):
    closing_users = False  # its tests use none of them

    def _queries(self, func):
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def _flow(self, count):
        """{step: queries} of the three steps on ``count`` new orders of
        November (October is locked)."""
        with freeze_time("2026-11-10 10:00:00"):
            orders = self.env["sale.order"].create(
                [
                    {
                        "partner_id": self.partner_a.id,
                        "order_line": [
                            Command.create(
                                {"product_id": self.product.id, "product_uom_qty": 2}
                            )
                        ],
                    }
                    for _i in range(count)
                ]
            )
            steps = {"confirm": self._queries(orders.action_confirm)}
            moves = orders.picking_ids.move_ids

            def deliver():
                for move in moves:
                    move.quantity = move.product_uom_qty
                moves.picked = True
                orders.picking_ids.with_context(skip_backorder=True).button_validate()

            steps["deliver"] = self._queries(deliver)
            invoices = orders._create_invoices()
            steps["post"] = self._queries(invoices.action_post)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(set(orders.picking_ids.mapped("state")), {"done"})
        return steps

    def _overhead(self, count):
        with self._undone():
            ours = self._flow(count)
        with self._undone(), locks_bypassed():
            bare = self._flow(count)
        return {step: ours[step] - bare[step] for step in ours}

    def test_locks_add_no_query_per_document(self):
        self._stage(self.period_oct, "invoicing_locked")
        self._overhead(2)  # warm Odoo's caches
        small = self._overhead(2)
        large = self._overhead(6)
        self.assertEqual(small, large, "the same overhead for 2 and 6 documents")
        for step, extra in large.items():
            self.assertGreaterEqual(extra, 0, step)
            self.assertLess(extra, 20, step)

    def test_bypass_really_bypasses(self):
        """The measure means something: without the overrides an order of
        locked October can be cancelled; with them it is refused."""
        order = self._order("2026-10-05")
        self._stage(self.period_oct, "invoicing_locked")
        with freeze_time("2026-11-10 10:00:00"):
            self._assert_locked(order._action_cancel)
            with self._undone(), locks_bypassed():
                order._action_cancel()
                self.assertEqual(order.state, "cancel")
