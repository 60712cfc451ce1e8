"""Section 4 of the walkthrough: the summary.

Every period of the demo company with its stage, and the audit trail of the
demo month: lock exceptions, changes logged under them, late documents, and
Odoo's Sales Lock Date the close left behind.
"""

from .common import banner, check, counted, info


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
    info(f"{period.name}: {counted(len(period.exception_ids), 'lock exception')}")
    for exception in period.exception_ids:
        info(f"  {exception.display_name}: {exception.state} ({exception.reason})")
    changes = counted(len(period.log_ids), "change")
    info(f"{period.name}: {changes} logged under exception")
    late = counted(len(period.late_document_ids), "late document")
    info(f"{period.name}: {late}")
    info(f"Company Sales Lock Date: {demo.company.sale_lock_date}")
    check(
        period.state == "closed" and demo.next_period.state == "open",
        "the demo month should end closed, the next one open",
    )
    print("\nWalkthrough finished: every lock behaved as expected.")
