"""Section 3h of the walkthrough: invoice numbering and sales anomalies.

The current month gets the usual sales of a demo month, then two things on
purpose: an invoice deleted after it was numbered (a gap in the invoice
numbers) and a large sale to Deco Addict (a sales anomaly against the three
months before). The checks of the month list them; the month is not closed.
"""

import datetime

from freezegun import freeze_time

from odoo import Command

from .common import NOON, banner, check, info, month_period, step
from .sales import build_month, print_month


def post_invoice(env, partner, product, quantity, day):
    """Post a customer invoice of ``quantity`` ``product`` on ``day``."""
    with freeze_time(datetime.datetime.combine(day, NOON)):
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": quantity})
                ],
            }
        )
        invoice.action_post()
    return invoice


def show_results(period, codes):
    """Print the results of the checks ``codes`` of ``period``."""
    for result in period.result_ids.filtered(lambda r: r.check_code in codes):
        info(f"  [{result.severity}] {result.name}")


def numbering_and_anomalies(env, demo):
    """Section 3h: a gap and an anomaly in the current month, found by the
    invoice numbering and sales anomaly checks."""
    banner("3h. Invoice numbering and sales anomalies")
    start = demo.today.replace(day=1)
    period = month_period(env, demo, start)
    step(f"The usual sales of {period.name}")
    print_month(build_month(env, demo, start))
    c1, c2 = demo.customers[:2]
    step("An invoice is numbered, then reset to draft and deleted")
    deleted = post_invoice(env, c1, demo.ordered, 4, start.replace(day=21))
    kept = post_invoice(env, c1, demo.ordered, 6, start.replace(day=22))
    number = deleted.name
    deleted.button_draft()
    deleted.unlink()
    info(f"{number} deleted; {kept.name} keeps its number")
    step(f"{c2.name} buys ten times its usual")
    big = post_invoice(env, c2, demo.shipped, 300, start.replace(day=23))
    info(f"{big.name}: {big.amount_untaxed:,.2f} untaxed")
    step(f"Run the pre-close checks of {period.name}")
    period.action_run_checks()
    info("Invoice numbering:")
    show_results(period, ("invoice_numbering",))
    info("Sales anomalies:")
    show_results(period, ("sales_anomaly",))
    results = period.result_ids
    check(
        any(r.check_code == "invoice_numbering" and number in r.name for r in results),
        f"the invoice numbering check should list {number} as missing",
    )
    check(
        any(r.check_code == "sales_anomaly" and r.partner_id == c2 for r in results),
        f"the sales anomaly check should flag {c2.name}",
    )
    env.cr.commit()
