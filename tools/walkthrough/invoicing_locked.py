"""Section 3c of the walkthrough: the stage Invoicing Locked.

Odoo's own Sales Lock Date now protects the month's invoices; an invoice dated
in the month is booked later and listed as late; customer payments lock when
the company says so; a lock exception lets one user change a locked document
for a while, logged, until it is revoked.
"""

import datetime

from odoo import fields

from .common import (
    advance_to,
    check,
    expect_allowed,
    expect_refusal,
    info,
    show_chatter,
    step,
)


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
