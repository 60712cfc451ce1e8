"""Section 2 of the walkthrough: three months of sales before the current one.

Each month gets the same story through Odoo's flows (orders, partial
deliveries, a return, invoices, a credit note, payments, one order in the
foreign currency), backdated with freezegun, then printed.
"""

import datetime
from types import SimpleNamespace

from freezegun import freeze_time

from .common import NOON, banner, check, info, label
from .flows import (
    invoice_orders,
    new_order,
    register_payment,
    return_goods,
    validate_picking,
)


def build_month(env, demo, start):
    """Section 2 (one month): sales of the month starting on ``start``.

    Returns the documents the walkthrough refers to later.
    """

    def on(day):
        return freeze_time(datetime.datetime.combine(start.replace(day=day), NOON))

    c1, c2, c3 = demo.customers
    chair, lamp = demo.shipped, demo.ordered
    docs = SimpleNamespace(start=start)
    with on(2):
        docs.a = new_order(env, c1, [(chair, 10), (lamp, 2, demo.dozen)])
        docs.a.action_confirm()
    with on(3):
        docs.b = new_order(env, c2, [(chair, 30)])
        docs.c = new_order(env, c3, [(lamp, 5), (chair, 4)], demo.pricelist)
        (docs.b | docs.c).action_confirm()
    with on(4):
        docs.quotation = new_order(env, c3, [(lamp, 50)])
    with on(5):
        validate_picking(env, docs.a.picking_ids)
    with on(6):
        docs.backorder = validate_picking(env, docs.b.picking_ids, {chair: 20})
    with on(7):
        docs.d = new_order(env, c1, [(chair, 8)])
        docs.e = new_order(env, c2, [(lamp, 6)])
        (docs.d | docs.e).action_confirm()
    with on(8):
        for order in docs.c | docs.d | docs.e:
            validate_picking(env, order.picking_ids)
    with on(10):
        docs.invoices = invoice_orders(
            docs.a | docs.b | docs.c | docs.d, start.replace(day=10)
        )
        docs.inv_a, docs.inv_b, docs.inv_c, docs.inv_d = docs.invoices
    with on(15):
        docs.pay_a = register_payment(env, docs.inv_a, start.replace(day=15))
        docs.payments = (
            docs.pay_a
            | register_payment(env, docs.inv_c, start.replace(day=15))
            | register_payment(
                env, docs.inv_d, start.replace(day=15), docs.inv_d.amount_total / 2
            )
        )
    with on(18):
        docs.returned = return_goods(env, docs.d.picking_ids[:1], chair, 3)
    with on(20):
        docs.refund = invoice_orders(docs.d, start.replace(day=20), final=True)
    check(docs.refund.move_type == "out_refund", "the return should be credited")
    return docs


#: What each demo order of a month goes through, as the report tells it.
ORDER_STORIES = (
    ("a", "2 products, one line in Dozens: delivered, invoiced, paid"),
    ("b", "20 of 30 delivered (backorder left to do), invoiced as delivered"),
    ("c", "in the foreign currency: delivered, invoiced, paid"),
    ("d", "delivered, invoiced, half paid; 3 returned and credited"),
    ("e", "delivered, not invoiced yet"),
    ("quotation", "quotation, never confirmed"),
)


def print_month(docs):
    info(f"{docs.start:%B %Y}")
    for key, story in ORDER_STORIES:
        order = getattr(docs, key)
        info(
            f"  {order.name} {order.partner_id.name:<19}"
            f"{order.currency_id.format(order.amount_total):>12}  {story}"
        )
    for picking in (docs.a | docs.b | docs.d).picking_ids.sorted("id"):
        done = picking.date_done and f"done {picking.date_done:%Y-%m-%d}"
        info(
            f"  {picking.name:<18} {picking.picking_type_id.name:<16}"
            f"{done or picking.state:<16} {picking.origin}"
        )
    for move in docs.invoices | docs.refund:
        info(
            f"  {move.name:<18} {move.invoice_date} "
            f"{move.currency_id.format(move.amount_total):>12}  "
            f"{label(move, 'payment_state'):<15} {move.invoice_origin}"
        )
    for payment in docs.payments:
        info(
            f"  {payment.name:<18} {payment.date} "
            f"{payment.currency_id.format(payment.amount):>12}  "
            f"from {payment.partner_id.name}"
        )


def build_sales(env, demo):
    """Section 2: three months of sales before the current month."""
    banner("2. Three months of sales, backdated with freezegun")
    demo.docs = []
    for start in demo.months:
        docs = build_month(env, demo, start)
        demo.docs.append(docs)
        print_month(docs)
        env.cr.commit()
    first = demo.docs[0]
    check(
        first.backorder.state not in ("done", "cancel"),
        "the first month should keep a delivery to do",
    )
    check(first.e.invoice_status == "to invoice", "order E should be uninvoiced")
