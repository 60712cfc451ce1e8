"""Section 3g of the walkthrough: reopening with a reason, closing again.

A reason is required and only the latest closed period reopens; reopening
walks the month back one stage and reverses its period-end entries (never
deletes them); closing again leaves one live entry per posting rule.
"""

from .closed import period_entries, show_entries
from .common import (
    advance,
    check,
    expect_refusal,
    info,
    reopen,
    show_chatter,
    show_period,
    step,
)


def reopen_period(env, demo):
    """Section 3g: reopen the closed month with a reason."""
    period = demo.period
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


def close_again(env, demo):
    """Section 3g, end: close the month again, one live entry per rule."""
    period = demo.period
    step(f"Close {period.name} again")
    advance(period)
    check(period.state == "closed", "the period should be Closed again")
    show_period(period)
    info("Entries after closing again: one live set per rule")
    show_entries(period)
    live = period_entries(period, live_only=True)
    check(
        len(live) == len(set(live.mapped("sale_closing_rule_id"))),
        "exactly one live entry per rule",
    )
    env.cr.commit()
