"""Section 3d of the walkthrough: the pre-close checks and their gate.

The checks of the month with the reconciliation of its order lines as of its
end; a forgotten draft invoice blocks the close until the closing manager
waives it with a reason.
"""

import datetime

from odoo import Command

from .common import advance, check, counted, expect_refusal, info, step


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
    info(f"Reconciliation as of {period.date_end}: {counted(len(lines), 'order line')}")
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
