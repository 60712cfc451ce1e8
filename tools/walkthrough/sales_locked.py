"""Section 3b of the walkthrough: the stage Sales Locked.

Orders and deliveries of the month are frozen (cancel, amend, a backdated
order, a backdated delivery are refused), while the next month and the
month's invoicing stay open, and a delivery left over is done today. Periods
still advance in order only.
"""

import datetime

from .common import (
    NOON,
    advance,
    advance_to,
    expect_allowed,
    expect_price_refused,
    expect_refusal,
    info,
    month_period,
)
from .flows import validate_picking


def refuse_sales_changes(env, period, docs):
    """Changes to the month's orders and deliveries are refused."""
    day = docs.start.replace(day=25)
    expect_refusal(
        env,
        f"cancel order {docs.b.name} (confirmed in {period.name})",
        lambda: docs.b.with_context(disable_cancel_warning=True).action_cancel(),
        expect_in=period.name,
    )
    expect_price_refused(env, period, docs.a, 99.0)
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


def allow_open_changes(env, demo):
    """The next month, the month's invoicing and today's deliveries stay open."""
    docs, later = demo.docs[0], demo.docs[1].a
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


def sales_locked(env, demo):
    """Section 3b: Sales Locked freezes orders and deliveries of the month."""
    period = demo.period
    advance_to(period, "sales_locked")
    refuse_sales_changes(env, period, demo.docs[0])
    allow_open_changes(env, demo)
    expect_refusal(
        env,
        f"advance {demo.months[2]:%Y-%m} while {demo.next_period.name} is open",
        lambda: advance(month_period(env, demo, demo.months[2])),
        expect_in=demo.next_period.name,
    )
    env.cr.commit()
