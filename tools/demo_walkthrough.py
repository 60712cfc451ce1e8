"""Sales closing demo walkthrough, run inside ``odoo shell``.

Usage (the database holds ``sales_closing``, installed without demo data)::

    python -m odoo shell -d DB --no-http < tools/demo_walkthrough.py

The script

1. sets up a demo company context on the main company: a chart of accounts,
   three customers, two storable products with stock, a second currency;
2. builds the sales of the three months before the current one through
   Odoo's own flows (orders, partial deliveries, a return, invoices, a credit
   note, payments, one order in the foreign currency), backdated with
   freezegun;
3. walks the oldest of those months through the close (Open, Sales Locked,
   Invoicing Locked, the pre-close checks and their gate, Closed, reopened,
   closed again), showing at each stage what is locked and trying changes
   that must be refused or allowed.

It commits after each section (the shell itself never commits) and exits
with status 1 as soon as an expected refusal does not happen or anything
unexpected occurs, so it doubles as an end-to-end test.
"""

import datetime
import traceback
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from odoo.addons.sales_closing.lib import periods as periods_lib

#: Reference of the first demo customer: tells whether the demo already ran.
DEMO_REF = "SC-DEMO-1"

#: The time of day the backdated documents are made at (UTC).
NOON = datetime.time(12, 0)

#: How each kind of document is named in the report.
DOCUMENT_KINDS = {
    "order": "Sale orders (confirm, cancel, amend)",
    "delivery": "Deliveries, returns, inventory adjustments",
    "invoice": "Customer invoices and credit notes",
    "payment": "Customer payments",
}


class DemoFailure(Exception):
    """Something the walkthrough expected did not happen."""


class _Undo(Exception):
    """Raised inside a savepoint to undo a change that was allowed."""


# --------------------------------------------------------------- report ----


def banner(text):
    print(f"\n{'=' * 78}\n{text}\n{'=' * 78}")


def step(text):
    print(f"\n-- {text}")


def info(text=""):
    print(f"   {text}".rstrip())


def check(condition, what):
    """Stop the walkthrough unless ``condition`` holds."""
    if not condition:
        raise DemoFailure(what)


def expect_refusal(env, label, func, expect_in=None):
    """Run ``func`` in a savepoint; it must raise a UserError.

    :param expect_in: text the refusal message must contain
    :return: the refusal message
    """
    step(f"Try: {label}")
    try:
        with env.cr.savepoint():
            func()
    except UserError as exc:
        message = str(exc.args[0] if exc.args else exc)
        info("REFUSED, as expected:")
        for line in message.splitlines():
            info(f"  | {line}")
        check(
            not expect_in or expect_in in message,
            f"the refusal of '{label}' should mention {expect_in!r}",
        )
        return message
    raise DemoFailure(f"expected a refusal, but this was allowed: {label}")


def expect_allowed(env, label, func, keep=True):
    """Run ``func`` in a savepoint; it must succeed.

    :param keep: when False, the change is undone after it succeeded
    :return: what ``func`` returned
    """
    step(f"Try: {label}")
    try:
        with env.cr.savepoint():
            result = func()
            if not keep:
                raise _Undo()
    except _Undo:
        info("ALLOWED (and undone again, it was only a demonstration)")
        return None
    except UserError as exc:
        raise DemoFailure(f"'{label}' was refused: {exc}") from exc
    info("ALLOWED")
    return result


def label(record, fname):
    """Return the label of a selection field's value."""
    selection = record._fields[fname]._description_selection(record.env)
    return dict(selection).get(record[fname], record[fname])


def show_period(period, title=None):
    """Print a period's stage and what it locks now."""
    company = period.company_id
    step(title or f"Period {period.name}")
    info(
        f"{period.name} ({period.date_start} to {period.date_end}): "
        f"stage {period._stage_label()}"
    )
    for document_type, label in DOCUMENT_KINDS.items():
        if not company._sale_closing_locks(document_type):
            status = "not locked by this company's settings"
        elif periods_lib.stage_holds(period.state, document_type):
            status = "LOCKED"
        else:
            status = (
                "open (locks at "
                f"{period._stage_label(periods_lib.DOCUMENT_TYPES[document_type])})"
            )
        info(f"  {label:<46} {status}")
    info(f"  Company Sales Lock Date (Odoo): {company.sale_lock_date or 'none'}")


def advance(period):
    """Move ``period`` one stage forward: every forward stage change of the
    walkthrough goes through here."""
    return period.action_advance()


def reopen(period, reason):
    """Walk ``period`` back one stage for ``reason``: every reopening of the
    walkthrough goes through here."""
    return period._reopen(reason)


def advance_to(period, state):
    """Advance ``period`` one stage; it must reach ``state``. Show it."""
    label = period._stage_label(state)
    step(f"Advance {period.name} to {label}")
    advance(period)
    check(period.state == state, f"the period should be {label}")
    show_period(period)


def show_chatter(period, count=3):
    """Print the latest chatter messages of a period."""
    messages = period.message_ids.filtered("body")[:count]
    for message in reversed(messages):
        info(f"  chatter: {html2plaintext(message.body).strip()}")


# ---------------------------------------------------------------- setup ----


def month_starts(today):
    """Return the first days of the three months before ``today``'s month."""
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in (3, 2, 1)]


def ensure_chart_of_accounts(env, company):
    if company.chart_template:
        info(f"Chart of accounts already installed: {company.chart_template}")
        return
    env["account.chart.template"].try_loading(
        "generic_coa", company=company, install_demo=False
    )
    info(f"Installed the chart of accounts {company.chart_template}")


def setup_currency(env, company, months):
    """Activate the second currency and give it a rate for each demo month."""
    code = "EUR" if company.currency_id.name != "EUR" else "USD"
    currency = env.ref(f"base.{code}")
    currency.active = True
    rates = (0.91, 0.93, 0.95)
    env["res.currency.rate"].create(
        [
            {
                "name": start,
                "rate": rate,
                "currency_id": currency.id,
                "company_id": company.id,
            }
            for start, rate in zip(months, rates, strict=True)
        ]
    )
    for start, rate in zip(months, rates, strict=True):
        info(
            f"Rate {currency.name}: {rate} per {company.currency_id.name} from {start}"
        )
    return currency


def setup_bank_receipts(env, company):
    """Let bank receipts post a journal entry that reconciles the invoices.

    Odoo 18's generic chart has no outstanding receipts account, so customer
    payments would stay without an entry; give the bank journal one.
    """
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    methods = bank.inbound_payment_method_line_ids.filtered(
        lambda line: not line.payment_account_id
    )
    if not methods:
        return
    account = env["account.account"].create(
        {
            "code": "101499",
            "name": "Outstanding Receipts (demo)",
            "account_type": "asset_current",
            "reconcile": True,
        }
    )
    methods.payment_account_id = account
    info(f"Bank receipts of {bank.name} post to {account.display_name}")


def setup_demo(env):
    """Section 1: demo company context on the main company."""
    banner("1. Demo company context")
    company = env.company
    check(
        not env["res.partner"].search_count([("ref", "=", DEMO_REF)]),
        "this database already holds the demo: run the walkthrough on a fresh one",
    )
    today = fields.Date.context_today(env.user)
    months = month_starts(today)
    info(f"Company: {company.name} ({company.currency_id.name}); today is {today}")
    ensure_chart_of_accounts(env, company)
    setup_bank_receipts(env, company)
    company.partner_id.tz = "UTC"
    admin = env.ref("base.user_admin")
    admin.tz = "UTC"
    currency = setup_currency(env, company, months)

    customers = env["res.partner"].create(
        [
            {"name": name, "ref": f"SC-DEMO-{n}", "tz": "UTC", "is_company": True}
            for n, name in enumerate(
                ("Azure Interior", "Deco Addict", "Lumber Export GmbH"), start=1
            )
        ]
    )
    info("Customers: " + ", ".join(customers.mapped("name")))
    product_vals = {"type": "consu", "is_storable": True, "standard_price": 40.0}
    shipped = env["product.product"].create(
        dict(
            product_vals,
            name="Office Chair",
            list_price=120.0,
            invoice_policy="delivery",
        )
    )
    ordered = env["product.product"].create(
        dict(product_vals, name="Desk Lamp", list_price=25.0, invoice_policy="order")
    )
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", company.id)], limit=1
    )
    for product in shipped | ordered:
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 1000
        )
    env.invalidate_all()
    for product in shipped | ordered:
        info(
            f"Product {product.name}: invoiced on {product.invoice_policy}, "
            f"{product.qty_available:g} {product.uom_id.name} in stock"
        )
    pricelist = env["product.pricelist"].create(
        {
            "name": f"Export ({currency.name})",
            "currency_id": currency.id,
            "company_id": company.id,
        }
    )
    env.cr.commit()
    return SimpleNamespace(
        company=company,
        today=today,
        months=months,
        customers=customers,
        shipped=shipped,
        ordered=ordered,
        dozen=env.ref("uom.product_uom_dozen"),
        currency=currency,
        pricelist=pricelist,
    )


# --------------------------------------------------------------- flows ----


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


# ----------------------------------------------------------- walkthrough ----


def month_period(env, demo, start):
    return env["sale.closing.period"].search(
        [("company_id", "=", demo.company.id), ("date_start", "=", start)]
    )


def prepare_periods(env, demo):
    """Section 3a: generate the periods and close those before the demo."""
    banner("3. The close of the oldest demo month")
    step("Generate the monthly closing periods")
    Period = env["sale.closing.period"]
    for year in range(demo.months[0].year, demo.today.year + 1):
        created = Period._generate_periods(demo.company, year, "month")
        info(f"{year}: {len(created)} periods created")
    demo.period = month_period(env, demo, demo.months[0])
    demo.next_period = month_period(env, demo, demo.months[1])
    check(demo.period and demo.next_period, "the demo months should have periods")
    show_period(demo.period, f"Period {demo.period.name} before the close")

    earlier = Period.search(
        [
            ("company_id", "=", demo.company.id),
            ("date_end", "<", demo.period.date_start),
        ],
        order="date_start asc",
    )
    if earlier:
        expect_refusal(
            env,
            f"advance {demo.period.name} while {earlier[-1].name} is still open",
            lambda: advance(demo.period),
            expect_in=earlier[-1].name,
        )
        step("Close the earlier periods first, oldest first")
        for period in earlier:
            while period.state != "closed":
                advance(period)
        info(
            f"{earlier[0].name} to {earlier[-1].name}: "
            + ", ".join(sorted(set(earlier.mapped("state"))))
        )
    env.cr.commit()


def sales_locked(env, demo):
    """Section 3b: Sales Locked freezes orders and deliveries of the month."""
    period, docs = demo.period, demo.docs[0]
    advance_to(period, "sales_locked")
    day = docs.start.replace(day=25)

    expect_refusal(
        env,
        f"cancel order {docs.b.name} (confirmed in {period.name})",
        lambda: docs.b.with_context(disable_cancel_warning=True).action_cancel(),
        expect_in=period.name,
    )
    expect_refusal(
        env,
        f"amend the price of {docs.a.name}",
        lambda: docs.a.order_line[:1].write({"price_unit": 99.0}),
        expect_in=period.name,
    )
    expect_refusal(
        env,
        f"create an order confirmed on {day}",
        lambda: env["sale.order"].create(
            {
                "partner_id": docs.a.partner_id.id,
                "date_order": datetime.datetime.combine(day, NOON),
                "state": "sale",
            }
        ),
        expect_in=period.name,
    )
    expect_refusal(
        env,
        f"validate the leftover delivery {docs.backorder.name} at {day}",
        lambda: validate_picking(
            env, docs.backorder.with_context(force_period_date=day)
        ),
        expect_in=docs.backorder.name,
    )
    later = demo.docs[1].a
    expect_allowed(
        env,
        f"amend the price of {later.name}, of the next month (still open)",
        lambda: later.order_line[:1].write({"price_unit": 119.0}),
        keep=False,
    )
    expect_allowed(
        env,
        f"reset invoice {docs.inv_b.name} to draft and post it again "
        "(invoicing is still open)",
        lambda: (docs.inv_b.button_draft(), docs.inv_b.action_post()),
        keep=False,
    )
    expect_allowed(
        env,
        f"validate the leftover delivery {docs.backorder.name} today",
        lambda: validate_picking(env, docs.backorder),
    )
    info(f"{docs.backorder.name} done on {docs.backorder.date_done}")
    expect_refusal(
        env,
        f"advance {demo.months[2]:%Y-%m} while {demo.next_period.name} is open",
        lambda: advance(month_period(env, demo, demo.months[2])),
        expect_in=demo.next_period.name,
    )
    env.cr.commit()


def late_invoice(env, demo):
    """Post an invoice dated in the locked month: Odoo books it later."""
    period, docs = demo.period, demo.docs[0]
    step(f"Invoice order {docs.e.name} with an invoice date in {period.name}")
    invoice = docs.e._create_invoices()
    invoice.invoice_date = docs.start.replace(day=28)
    invoice.action_post()
    info(
        f"{invoice.name}: invoice date {invoice.invoice_date}, "
        f"booked by Odoo on {invoice.date}"
    )
    check(invoice.date > period.date_end, "Odoo should book it after the lock")
    late = period.late_document_ids
    check(invoice in late.move_id, "the invoice should be listed as late")
    for doc in late:
        info(
            f"  late document: {doc.move_id.name} dated {doc.document_date}, "
            f"booked {doc.accounting_date}, posted by {doc.user_id.name}"
        )


def payment_lock(env, demo):
    """Customer payments lock only when the company says so."""
    company, docs = demo.company, demo.docs[0]
    payment = docs.pay_a
    info(f"Lock Customer Payments: {company.sale_closing_lock_payments}")
    expect_allowed(
        env,
        f"reset payment {payment.name} of {payment.date} to draft",
        payment.action_draft,
        keep=False,
    )
    step("Turn on Lock Customer Payments (Settings, Sales Closing)")
    company.sale_closing_lock_payments = True
    expect_refusal(
        env,
        f"reset payment {payment.name} of {payment.date} to draft",
        payment.action_draft,
        expect_in=demo.period.name,
    )


def lock_exception(env, demo):
    """Grant the admin a lock exception, use it, read the log, revoke it."""
    period, docs = demo.period, demo.docs[0]
    admin = env.ref("base.user_admin")
    step(f"Grant {admin.name} a lock exception on {period.name} for one hour")
    exception = env["sale.closing.exception"].create(
        {
            "period_id": period.id,
            "user_id": admin.id,
            "date_end": fields.Datetime.now() + datetime.timedelta(hours=1),
            "reason": "Price agreed with Azure Interior after the month ended",
        }
    )
    info(f"{exception.display_name}: {exception.state}")
    line = docs.a.order_line[:1]
    expect_allowed(
        env,
        f"amend the price of {docs.a.name} under the exception",
        lambda: line.write({"price_unit": 115.0}),
    )
    expect_allowed(
        env,
        f"reset invoice {docs.inv_b.name} to draft, fix its reference, post it",
        lambda: (
            docs.inv_b.button_draft(),
            docs.inv_b.write({"ref": "PO 4711"}),
            docs.inv_b.action_post(),
        ),
    )
    check(
        docs.inv_b.date <= period.date_end,
        "under the exception the invoice should keep its date",
    )
    step("Exception log of the period")
    check(period.log_ids, "the changes should be logged")
    for log in period.log_ids.sorted("id"):
        changes = (log.changes or "—").replace("\n", "; ")
        info(f"  {log.user_id.name} | {log.document} | {log.operation} | {changes}")
    step("Revoke the exception")
    exception.action_revoke()
    info(f"{exception.display_name}: {exception.state}")
    expect_refusal(
        env,
        f"amend the price of {docs.a.name} again after the revocation",
        lambda: line.write({"price_unit": 110.0}),
        expect_in=period.name,
    )
    expect_refusal(
        env,
        f"reset invoice {docs.inv_b.name} to draft again (Odoo's lock is back)",
        docs.inv_b.button_draft,
    )


def invoicing_locked(env, demo):
    """Section 3c: Invoicing Locked sets Odoo's Sales Lock Date."""
    period, docs = demo.period, demo.docs[0]
    advance_to(period, "invoicing_locked")
    show_chatter(period, 1)
    check(
        demo.company.sale_lock_date == period.date_end,
        "the Sales Lock Date should be the period's end",
    )
    expect_refusal(
        env,
        f"reset invoice {docs.inv_b.name} to draft (Odoo's Sales Lock Date)",
        docs.inv_b.button_draft,
    )
    late_invoice(env, demo)
    payment_lock(env, demo)
    lock_exception(env, demo)
    env.cr.commit()


def show_checks(period):
    """Print the check results of ``period`` per check, then the reconciliation
    totals as of its end."""
    info(f"Checks of {period.name} run on {period.checks_date} UTC:")
    Result = period.env["sale.closing.check.result"]
    for code, severity, count, amount in Result._read_group(
        [("period_id", "=", period.id)],
        ["check_code", "severity"],
        ["__count", "amount:sum"],
    ):
        check_label = dict(Result._fields["check_code"].selection)[code]
        info(f"  {check_label:<40} {severity:<9} {count:>3}  {amount or 0.0:>12,.2f}")
    for result in period.result_ids.filtered(
        lambda r: r.check_code in ("draft_invoice", "delivered_not_invoiced")
    ):
        info(f"    - {result.name}")
    lines = period.line_ids
    info(f"Reconciliation as of {period.date_end}: {len(lines)} order line(s)")
    for fname in (
        "amount_ordered_company",
        "amount_delivered_company",
        "amount_invoiced_company",
        "amount_paid_company",
        "amount_difference_company",
    ):
        info(f"  {lines._fields[fname].string:<32} {sum(lines.mapped(fname)):>12,.2f}")


def pre_close_checks(env, demo):
    """Section 3d: the pre-close checks, the gate and a waiver."""
    period, docs = demo.period, demo.docs[0]
    step(f"Run the pre-close checks of {period.name}")
    period.action_run_checks()
    show_checks(period)
    accrue = period.result_ids.filtered(
        lambda r: r.check_code == "delivered_not_invoiced"
    )
    check(
        docs.e.order_line <= accrue.sale_line_id,
        "order e was invoiced after the period end: delivered, not invoiced at it",
    )
    step(f"A draft invoice dated in {period.name} is forgotten")
    c1 = demo.customers[0]
    draft = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": c1.id,
            "invoice_date": period.date_end - datetime.timedelta(days=3),
            "invoice_line_ids": [
                Command.create(
                    {"name": "Handling fee", "quantity": 1, "price_unit": 40}
                )
            ],
        }
    )
    info(f"{draft.display_name}: invoice date {draft.invoice_date}, left in draft")
    expect_refusal(
        env,
        f"close {period.name} with a draft invoice in it",
        lambda: advance(period),
        "blocking",
    )
    period.action_run_checks()
    blocking = period.result_ids.filtered(lambda r: r.severity == "blocking")
    check(len(blocking) == 1 and blocking.invoice_id == draft, "one blocking draft")
    step("The closing manager waives it with a reason")
    blocking._waive("Fee disputed by the customer; to be invoiced next month")
    info(f"  waived by {blocking.waived_by_id.name}: {blocking.waive_reason}")
    env.cr.commit()


def show_entries(period):
    """Print the period-end entries of ``period`` and their state."""
    Move = period.env["account.move"]
    for move in Move.search([("sale_closing_period_id", "=", period.id)], order="id"):
        flag = " (cancelled by reopening)" if move.sale_closing_cancelled else ""
        info(
            f"  {move.name:<18} {move.date}  {move.state:<6} "
            f"{move.sale_closing_kind:<8} {move.sale_closing_rule_id.name:<22} "
            f"{move.amount_total:>10,.2f}{flag}"
        )


def posting_rules(env, demo):
    """Section 3e: posting rules and the preview of the period-end entries."""
    period, company = demo.period, demo.company
    step("A consultant sets up the posting rules")
    Account = env["account.account"]
    accounts = Account.create(
        [
            {
                "name": "Accrued revenue",
                "code": "SC1131",
                "account_type": "asset_current",
            },
            {
                "name": "Deferred revenue",
                "code": "SC2131",
                "account_type": "liability_current",
            },
            {
                "name": "Allowance for doubtful accounts",
                "code": "SC1191",
                "account_type": "asset_current",
            },
            {"name": "Bad debts", "code": "SC6131", "account_type": "expense"},
        ]
    )
    journal = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "general")], limit=1
    )
    Rule = env["sale.closing.posting.rule"]
    rules = Rule.create(
        [
            {
                "name": "Accrued revenue",
                "rule_type": "accrued",
                "journal_id": journal.id,
                "account_id": accounts[0].id,
                "label": "Accrued {period} {partner}",
            },
            {
                "name": "Deferred revenue",
                "rule_type": "deferred",
                "journal_id": journal.id,
                "account_id": accounts[1].id,
                "threshold": 10.0,
            },
            {
                "name": "Bad-debt allowance",
                "rule_type": "allowance",
                "journal_id": journal.id,
                "account_id": accounts[2].id,
                "pnl_account_id": accounts[3].id,
                "aging_percentages": "1,5,20,50,100",
            },
        ]
    )
    for rule in rules:
        info(
            f"  {rule.name:<22} {rule.rule_type:<9} {rule.account_id.code}  "
            f"reversal: {rule.reversal}"
            + (f"  ({rule.bucket_summary})" if rule.bucket_summary else "")
        )
    expect_refusal(
        env,
        "a second accrued-revenue rule over the same order lines",
        lambda: Rule.create(
            {
                "name": "Accrued chairs",
                "journal_id": journal.id,
                "account_id": accounts[0].id,
                "sale_line_domain": f"[('product_id', '=', {demo.shipped.id})]",
            }
        ),
        "both match",
    )
    step(f"Preview of what closing {period.name} will post")
    period.action_run_checks()
    for line in period.entry_line_ids:
        info(
            f"  {line.rule_id.name:<22} {line.account_id.code:<8} "
            f"{(line.partner_id.name or ''):<20} {line.debit:>10,.2f} "
            f"{line.credit:>10,.2f}{'  skipped' if line.skipped else ''}"
            f"  <- {len(line.sale_line_ids) or len(line.receivable_line_ids)} source(s)"
        )
    lines = period.entry_line_ids.filtered(lambda line: not line.skipped)
    check(
        round(sum(lines.mapped("debit")) - sum(lines.mapped("credit")), 2) == 0.0,
        "the preview should balance",
    )
    check(
        lines.filtered(lambda line: line.rule_id == rules[0]),
        "goods delivered and not invoiced should be accrued",
    )
    env.cr.commit()


def closed(env, demo):
    """Section 3f: close, reopen with a reason, close again."""
    period, docs = demo.period, demo.docs[0]
    advance_to(period, "closed")
    info("Period-end entries posted by the close:")
    show_entries(period)
    live = env["account.move"].search(
        [
            ("sale_closing_period_id", "=", period.id),
            ("sale_closing_kind", "=", "entry"),
        ]
    )
    check(live and set(live.mapped("state")) == {"posted"}, "entries posted")
    check(set(live.mapped("date")) == {period.date_end}, "dated on the last day")
    expect_refusal(
        env,
        f"amend the price of {docs.a.name}",
        lambda: docs.a.order_line[:1].write({"price_unit": 99.0}),
        expect_in=period.name,
    )
    expect_refusal(
        env,
        f"advance {period.name} again",
        lambda: advance(period),
        "already closed",
    )
    env.cr.commit()

    expect_refusal(
        env, f"reopen {period.name} without a reason", lambda: reopen(period, " ")
    )
    previous = period.previous_period_id
    if previous:
        expect_refusal(
            env,
            f"reopen {previous.name} while {period.name} is closed",
            lambda: reopen(previous, "Wrong stock count"),
            expect_in=period.name,
        )
    step(f"Reopen {period.name} with a reason")
    reopen(period, "Credit note for Deco Addict was missing from the close")
    check(period.state == "invoicing_locked", "reopen should walk back one stage")
    show_period(period)
    show_chatter(period, 1)
    env.cr.commit()

    info("Entries after reopening (reversed, never deleted):")
    show_entries(period)
    env.cr.commit()

    step(f"Close {period.name} again")
    advance(period)
    check(period.state == "closed", "the period should be Closed again")
    show_period(period)
    info("Entries after closing again: one live set per rule")
    show_entries(period)
    live = env["account.move"].search(
        [
            ("sale_closing_period_id", "=", period.id),
            ("sale_closing_kind", "=", "entry"),
            ("sale_closing_cancelled", "=", False),
        ]
    )
    check(
        len(live) == len(set(live.mapped("sale_closing_rule_id"))),
        "exactly one live entry per rule",
    )
    env.cr.commit()


def summary(env, demo):
    """Section 4: the periods and the audit trail of the demo month."""
    banner("4. Summary")
    periods = env["sale.closing.period"].search(
        [("company_id", "=", demo.company.id)], order="date_start asc"
    )
    for period in periods:
        marker = "  <- demo month" if period == demo.period else ""
        info(f"{period.name}  {period._stage_label()}{marker}")
    period = demo.period
    info()
    info(f"{period.name}: {len(period.exception_ids)} lock exception(s)")
    for exception in period.exception_ids:
        info(f"  {exception.display_name}: {exception.state} ({exception.reason})")
    info(f"{period.name}: {len(period.log_ids)} change(s) logged under exception")
    info(f"{period.name}: {len(period.late_document_ids)} late document(s)")
    info(f"Company Sales Lock Date: {demo.company.sale_lock_date}")
    check(
        period.state == "closed" and demo.next_period.state == "open",
        "the demo month should end closed, the next one open",
    )
    print("\nWalkthrough finished: every lock behaved as expected.")


def main(shell_env):
    """Run the sections as the administrator (lock exceptions are per user)."""
    admin = shell_env.ref("base.user_admin")
    env = shell_env(user=admin, context=dict(shell_env.context, tz="UTC"))
    try:
        demo = setup_demo(shell_env)
        demo.company = env.company
        build_sales(env, demo)
        prepare_periods(env, demo)
        sales_locked(env, demo)
        invoicing_locked(env, demo)
        pre_close_checks(env, demo)
        posting_rules(env, demo)
        closed(env, demo)
        summary(env, demo)
    except DemoFailure as exc:
        env.cr.rollback()
        print(f"\nWALKTHROUGH FAILED: {exc}")
        raise SystemExit(1) from None
    except Exception:
        env.cr.rollback()
        traceback.print_exc()
        print("\nWALKTHROUGH FAILED: unexpected error (see the traceback above)")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main(env)  # noqa: F821 -- `env` is predefined by `odoo shell`
