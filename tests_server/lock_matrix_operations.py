"""The operations of the lock matrix (``test_lock_matrix_rpc.py``): each a
way a user can reach the closed month's orders, deliveries, invoices, credit
notes and payments (``write``, ``create``, ``unlink``, ``copy``, buttons,
imports, wizards, payment registration, sudo paths), tried over one channel.
"""

from __future__ import annotations

import re

from rpc import Refused, call_on

HELD, ALLOWED, LEAKED = "held", "allowed", "leaked"

# --- the operations ---------------------------------------------------------------
# Each operation: (document, name, design, attempt). ``design`` is HELD when
# the design says the closed month must not change, ALLOWED when Odoo may do
# it because it lands outside the month (a new draft, a date moved by
# Odoo's Sales Lock Date, a document dated today). ``attempt(u, ch, a, d)``
# runs it as user ``u`` through channel ``ch`` (``a``: the administrator
# preparing fresh records, ``d``: the month's documents).


def _quotation(admin, d, day=None) -> int:
    """A fresh quotation dated in the closed month (drafts are free)."""
    return admin.call(
        "sale.order",
        "create",
        {
            "partner_id": d["partner"],
            "date_order": f"{day or d['day']} 10:00:00",
            "order_line": [(0, 0, {"product_id": d["product"], "product_uom_qty": 1})],
        },
    )


def _wizard(u, ch, model, vals, active_model, active_ids, method):
    context = {"active_model": active_model, "active_ids": active_ids}
    wizard = call_on(u, ch, model, "create", vals, context=context)
    return call_on(u, ch, model, method, [wizard], context=context)


def _csv_import(u, ch, model, header, row):
    # the answer holds None values XML-RPC cannot carry: the web client's
    # own channel is the way in (JSON-RPC for the XML-RPC turn)
    ch = "jsonrpc" if ch == "xmlrpc" else ch
    data = (",".join(header) + "\n" + ",".join(row)).encode()
    wizard = call_on(
        u,
        ch,
        "base_import.import",
        "create",
        {
            "res_model": model,
            "file": data.decode(),  # raw, as /base_import/set_file stores it
            "file_name": "matrix.csv",
            "file_type": "text/csv",
        },
    )
    result = call_on(
        u,
        ch,
        "base_import.import",
        "execute_import",
        [wizard],
        header,
        header,
        {"has_headers": True, "separator": ",", "quoting": '"', "encoding": "utf-8"},
    )
    errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
    if errors:
        raise Refused("; ".join(m["message"] for m in errors))
    return result


def _load(u, ch, model, header, row):
    result = call_on(u, ch, model, "load", header, [row])
    errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
    if errors or not result.get("ids"):
        raise Refused("; ".join(m["message"] for m in errors) or "nothing loaded")
    return result


def _next_name(name: str) -> str:
    number = re.search(r"(\d+)$", name)
    width = len(number.group(1))
    return name[: number.start()] + str(int(number.group(1)) + 100).zfill(width)


def _resequence(u, ch, a, d):
    name = a.call("account.move", "read", [d["invoice"]], ["name"])[0]["name"]
    context = {"active_model": "account.move", "active_ids": [d["invoice"]]}
    wizard = call_on(
        u,
        ch,
        "account.resequence.wizard",
        "create",
        {"first_name": _next_name(name), "ordering": "keep"},
        context=context,
    )
    return call_on(u, ch, "account.resequence.wizard", "resequence", [wizard])


def _post_new_invoice(u, ch, a, d):
    invoice = call_on(
        u,
        ch,
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": d["partner"],
            "invoice_date": d["day"],
            "date": d["day"],
            "invoice_line_ids": [
                (0, 0, {"product_id": d["product"], "quantity": 1, "price_unit": 10})
            ],
        },
    )
    return call_on(u, ch, "account.move", "action_post", [invoice])


def _credit_note(u, ch, a, d, modify=False):
    return _wizard(
        u,
        ch,
        "account.move.reversal",
        # the form's onchange fills in the invoice's journal before saving
        {"reason": "matrix", "date": d["day"], "journal_id": d["sales_journal"]},
        "account.move",
        [d["invoice"]],
        "modify_moves" if modify else "refund_moves",
    )


def _register_payment(u, ch, a, d, day):
    return _wizard(
        u,
        ch,
        "account.payment.register",
        {"payment_date": day, "amount": 1.0, "journal_id": d["bank"]},
        "account.move",
        [d["invoice"]],
        "action_create_payments",
    )


def _new_payment(u, ch, a, d):
    payment = call_on(
        u,
        ch,
        "account.payment",
        "create",
        {
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": d["partner"],
            "amount": 5.0,
            "date": d["day"],
            "journal_id": d["bank"],
        },
    )
    return call_on(u, ch, "account.payment", "action_post", [payment])


def _move_line_added(u, ch, a, d):
    """Add a done line to a done delivery move (the detailed operations)."""
    move = a.call(
        "stock.move",
        "read",
        [d["move"]],
        ["product_id", "location_id", "location_dest_id", "product_uom", "picking_id"],
    )[0]
    return call_on(
        u,
        ch,
        "stock.move.line",
        "create",
        {
            "move_id": d["move"],
            "picking_id": move["picking_id"][0],
            "product_id": move["product_id"][0],
            "product_uom_id": move["product_uom"][0],
            "location_id": move["location_id"][0],
            "location_dest_id": move["location_dest_id"][0],
            "quantity": 1.0,
            "picked": True,
        },
    )


def _return(u, ch, a, d, day=None):
    """The Return button of the delivery, then Validate (dated today, or in
    the month through ``force_period_date`` as stock_account lets callers)."""
    context = {"active_model": "stock.picking", "active_id": d["picking"]}
    context["active_ids"] = [d["picking"]]
    wizard = call_on(u, ch, "stock.return.picking", "create", {}, context=context)
    lines = call_on(
        u, ch, "stock.return.picking", "read", [wizard], ["product_return_moves"]
    )[0]["product_return_moves"]
    call_on(u, ch, "stock.return.picking.line", "write", lines[:1], {"quantity": 1.0})
    action = call_on(
        u,
        ch,
        "stock.return.picking",
        "action_create_returns",
        [wizard],
        context=context,
    )
    returned = action["res_id"]
    ctx = {"force_period_date": day} if day else {}
    return call_on(u, ch, "stock.picking", "button_validate", [returned], context=ctx)


def _inventory(u, ch, a, d):
    """Inventory adjustment dated in the month (the quant's Accounting Date):
    stock_account validates it as sudo, dated by ``force_period_date``."""
    location = a.call("stock.move", "read", [d["move"]], ["location_id"])[0][
        "location_id"
    ][0]
    context = {"inventory_mode": True}
    quant = a.call(
        "stock.quant",
        "search_read",
        [("product_id", "=", d["product"]), ("location_id", "=", location)],
        fields=["quantity"],
        limit=1,
    )[0]
    call_on(
        u,
        ch,
        "stock.quant",
        "write",
        [quant["id"]],
        {"inventory_quantity": quant["quantity"] + 5, "accounting_date": d["day"]},
        context=context,
    )
    action = call_on(
        u, ch, "stock.quant", "action_apply_inventory", [quant["id"]], context=context
    )
    if action:  # Apply opened a dialog (the reason): press its Apply
        context = {**action["context"], **context}
        wizard = call_on(u, ch, action["res_model"], "create", {}, context=context)
        call_on(u, ch, action["res_model"], "action_apply", [wizard], context=context)
    moved = a.call(
        "stock.quant", "read", [quant["id"]], ["quantity", "inventory_quantity_set"]
    )[0]
    if moved["quantity"] == quant["quantity"]:
        raise Refused("the inventory adjustment was not applied")
    return moved


def _invoice_order(u, ch, a, d):
    """Create Invoice on an order of the month (the down payment wizard of
    ``sale``), then post it: Odoo books it after the Sales Lock Date."""
    context = {"active_model": "sale.order", "active_ids": [d["order"]]}
    wizard = call_on(
        u,
        ch,
        "sale.advance.payment.inv",
        "create",
        {"advance_payment_method": "percentage", "amount": 1.0},
        context=context,
    )
    action = call_on(
        u, ch, "sale.advance.payment.inv", "create_invoices", [wizard], context=context
    )
    invoice = (action or {}).get("res_id") or a.call(
        "account.move",
        "search",
        [("line_ids.sale_line_ids.order_id", "=", d["order"]), ("state", "=", "draft")],
        limit=1,
        order="id desc",
    )[0]
    call_on(u, ch, "account.move", "write", [invoice], {"invoice_date": d["day"]})
    return call_on(u, ch, "account.move", "action_post", [invoice])


OPERATIONS = [
    # sale orders
    (
        "order",
        "write date_order",
        HELD,
        lambda u, ch, a, d: call_on(
            u,
            ch,
            "sale.order",
            "write",
            [d["order"]],
            {"date_order": f"{d['day']} 11:11:11"},
        ),
    ),
    (
        "order",
        "write line price",
        HELD,
        lambda u, ch, a, d: call_on(
            u, ch, "sale.order.line", "write", [d["line"]], {"price_unit": 999.0}
        ),
    ),
    (
        "order",
        "create line",
        HELD,
        lambda u, ch, a, d: call_on(
            u,
            ch,
            "sale.order.line",
            "create",
            {"order_id": d["order"], "product_id": d["product"], "product_uom_qty": 1},
        ),
    ),
    (
        "order",
        "unlink line",
        HELD,
        lambda u, ch, a, d: call_on(u, ch, "sale.order.line", "unlink", [d["line"]]),
    ),
    (
        "order",
        "create confirmed",
        HELD,
        lambda u, ch, a, d: call_on(
            u,
            ch,
            "sale.order",
            "create",
            {
                "partner_id": d["partner"],
                "state": "sale",
                "date_order": f"{d['day']} 09:00:00",
            },
        ),
    ),
    (
        "order",
        "action_cancel",
        HELD,
        lambda u, ch, a, d: call_on(
            u,
            ch,
            "sale.order",
            "action_cancel",
            [d["order"]],
            context={"disable_cancel_warning": True},
        ),
    ),
    (
        "order",
        "unlink",
        HELD,
        lambda u, ch, a, d: call_on(u, ch, "sale.order", "unlink", [d["order"]]),
    ),
    (
        "order",
        "load (import)",
        HELD,
        lambda u, ch, a, d: _load(
            u, ch, "sale.order.line", [".id", "price_unit"], [str(d["line"]), "777"]
        ),
    ),
    (
        "order",
        "base_import",
        HELD,
        lambda u, ch, a, d: _csv_import(
            u, ch, "sale.order.line", [".id", "discount"], [str(d["line"]), "50"]
        ),
    ),
    (
        "order",
        "copy",
        ALLOWED,
        lambda u, ch, a, d: call_on(u, ch, "sale.order", "copy", [d["order"]]),
    ),
    (
        "order",
        "action_confirm quotation",
        ALLOWED,
        lambda u, ch, a, d: call_on(
            u, ch, "sale.order", "action_confirm", [_quotation(a, d)]
        ),
    ),
    ("order", "sudo: invoice order", ALLOWED, _invoice_order),
    # deliveries
    (
        "delivery",
        "write move quantity",
        HELD,
        lambda u, ch, a, d: call_on(
            u, ch, "stock.move", "write", [d["move"]], {"quantity": 0.5}
        ),
    ),
    (
        "delivery",
        "write done move date",
        HELD,
        lambda u, ch, a, d: call_on(
            u, ch, "stock.move", "write", [d["move"]], {"date": f"{d['day']} 08:00:00"}
        ),
    ),
    (
        "delivery",
        "write move line quantity",
        HELD,
        lambda u, ch, a, d: call_on(
            u,
            ch,
            "stock.move.line",
            "write",
            a.call("stock.move", "read", [d["move"]], ["move_line_ids"])[0][
                "move_line_ids"
            ],
            {"quantity": 0.25},
        ),
    ),
    ("delivery", "create done move line", HELD, _move_line_added),
    (
        "delivery",
        "unlink move",
        HELD,
        lambda u, ch, a, d: call_on(u, ch, "stock.move", "unlink", [d["move"]]),
    ),
    (
        "delivery",
        "load (import)",
        HELD,
        lambda u, ch, a, d: _load(
            u, ch, "stock.move", [".id", "quantity"], [str(d["move"]), "0.75"]
        ),
    ),
    (
        "delivery",
        "return dated in month",
        HELD,
        lambda u, ch, a, d: _return(u, ch, a, d, d["day"]),
    ),
    ("delivery", "return (today)", ALLOWED, _return),
    (
        "delivery",
        "copy",
        ALLOWED,
        lambda u, ch, a, d: call_on(u, ch, "stock.picking", "copy", [d["picking"]]),
    ),
    ("delivery", "sudo: inventory dated in month", HELD, _inventory),
    # invoices
    (
        "invoice",
        "button_draft",
        HELD,
        lambda u, ch, a, d: call_on(
            u, ch, "account.move", "button_draft", [d["invoice"]]
        ),
    ),
    (
        "invoice",
        "button_cancel",
        HELD,
        lambda u, ch, a, d: call_on(
            u, ch, "account.move", "button_cancel", [d["invoice"]]
        ),
    ),
    (
        "invoice",
        "write date",
        HELD,
        lambda u, ch, a, d: call_on(
            u,
            ch,
            "account.move",
            "write",
            [d["invoice"]],
            {"date": d["day"][:8] + "01"},
        ),
    ),
    (
        "invoice",
        "unlink",
        HELD,
        lambda u, ch, a, d: call_on(u, ch, "account.move", "unlink", [d["invoice"]]),
    ),
    (
        "invoice",
        "load (import)",
        HELD,
        lambda u, ch, a, d: _load(
            u,
            ch,
            "account.move",
            [".id", "date"],
            [str(d["invoice"]), d["day"][:8] + "02"],
        ),
    ),
    ("invoice", "resequence wizard", HELD, _resequence),
    ("invoice", "post new dated in month", ALLOWED, _post_new_invoice),
    (
        "invoice",
        "copy",
        ALLOWED,
        lambda u, ch, a, d: call_on(u, ch, "account.move", "copy", [d["invoice"]]),
    ),
    ("credit note", "credit-note wizard", ALLOWED, _credit_note),
    (
        "credit note",
        "wizard: full refund",
        ALLOWED,
        lambda u, ch, a, d: _credit_note(u, ch, a, d, modify=True),
    ),
    (
        "credit note",
        "button_draft",
        HELD,
        lambda u, ch, a, d: call_on(
            u, ch, "account.move", "button_draft", [d["refund"]]
        ),
    ),
    # payments (the demo's company locks them)
    (
        "payment",
        "action_draft",
        HELD,
        lambda u, ch, a, d: call_on(
            u, ch, "account.payment", "action_draft", [d["payment"]]
        ),
    ),
    (
        "payment",
        "action_cancel",
        HELD,
        lambda u, ch, a, d: call_on(
            u, ch, "account.payment", "action_cancel", [d["payment"]]
        ),
    ),
    (
        "payment",
        "write amount",
        HELD,
        lambda u, ch, a, d: call_on(
            u, ch, "account.payment", "write", [d["payment"]], {"amount": 1.0}
        ),
    ),
    (
        "payment",
        "unlink",
        HELD,
        lambda u, ch, a, d: call_on(u, ch, "account.payment", "unlink", [d["payment"]]),
    ),
    ("payment", "post new dated in month", HELD, _new_payment),
    (
        "payment",
        "register dated in month",
        HELD,
        lambda u, ch, a, d: _register_payment(u, ch, a, d, d["day"]),
    ),
]
