"""Section 3f of the walkthrough: the stage Closed.

Closing posts the period-end entries on the last day of the month; after it
nothing of the month can change and the period cannot advance further.
"""

from .common import (
    advance,
    advance_to,
    check,
    expect_price_refused,
    expect_refusal,
    info,
)


def period_entries(period, live_only=False):
    """Return the period-end entries the close of ``period`` posted
    (``live_only``: leave out those cancelled by reopening)."""
    domain = [
        ("sale_closing_period_id", "=", period.id),
        ("sale_closing_kind", "=", "entry"),
    ]
    if live_only:
        domain.append(("sale_closing_cancelled", "=", False))
    return period.env["account.move"].search(domain)


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


def closed(env, demo):
    """Section 3f: close the month; its entries are posted, it is frozen."""
    period = demo.period
    advance_to(period, "closed")
    info("Period-end entries posted by the close:")
    show_entries(period)
    live = period_entries(period)
    check(live and set(live.mapped("state")) == {"posted"}, "entries posted")
    check(set(live.mapped("date")) == {period.date_end}, "dated on the last day")
    expect_price_refused(env, period, demo.docs[0].a, 99.0)
    expect_refusal(
        env,
        f"advance {period.name} again",
        lambda: advance(period),
        "already closed",
    )
    env.cr.commit()
