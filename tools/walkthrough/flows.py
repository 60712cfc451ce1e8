"""Odoo's own sales flows, as the walkthrough drives them.

Quotations, delivering (in part, with a backorder), returning to refund,
invoicing and registering payments, each through the wizard or button a user
would use. Section 2 builds the months of sales with them; the lock stages
try them again on locked documents.
"""

from odoo import Command

from .common import check


def new_order(env, partner, lines, pricelist=None):
    """Create a quotation; ``lines`` are (product, quantity[, uom])."""
    vals = {
        "partner_id": partner.id,
        "order_line": [
            Command.create(
                {
                    "product_id": line[0].id,
                    "product_uom_qty": line[1],
                    **({"product_uom": line[2].id} if len(line) > 2 else {}),
                }
            )
            for line in lines
        ],
    }
    if pricelist:
        vals["pricelist_id"] = pricelist.id
    return env["sale.order"].create(vals)


def validate_picking(env, picking, quantities=None):
    """Pick and validate ``picking``; ``quantities`` maps a product to the
    quantity done (in the move's unit), the rest is done in full. A backorder
    is created for what is left."""
    quantities = quantities or {}
    for move in picking.move_ids:
        move.quantity = quantities.get(move.product_id, move.product_uom_qty)
        move.picked = True
    action = picking.button_validate()
    if isinstance(action, dict):
        check(
            action.get("res_model") == "stock.backorder.confirmation",
            f"unexpected wizard when validating {picking.name}: {action}",
        )
        wizard = env[action["res_model"]].with_context(action["context"])
        wizard.create({}).process()
    check(picking.state == "done", f"{picking.name} should be done")
    return picking.backorder_ids


def return_goods(env, picking, product, quantity):
    """Return ``quantity`` of ``product`` from a done delivery, to refund."""
    wizard = (
        env["stock.return.picking"]
        .with_context(active_id=picking.id, active_model="stock.picking")
        .create({})
    )
    line = wizard.product_return_moves.filtered(lambda r: r.product_id == product)
    line.write({"quantity": quantity, "to_refund": True})
    action = wizard.action_create_returns()
    returned = env["stock.picking"].browse(action["res_id"])
    validate_picking(env, returned)
    return returned


def invoice_orders(orders, invoice_date, final=False):
    """Invoice each order on its own and post at ``invoice_date``."""
    invoices = orders.env["account.move"]
    for order in orders:
        invoice = order._create_invoices(final=final)
        invoice.invoice_date = invoice_date
        invoice.action_post()
        invoices |= invoice
    return invoices


def register_payment(env, invoice, payment_date, amount=None):
    vals = {"payment_date": payment_date}
    if amount:
        vals["amount"] = amount
    wizard = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=invoice.ids)
        .create(vals)
    )
    return wizard._create_payments()
