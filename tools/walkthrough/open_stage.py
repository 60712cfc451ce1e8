"""Section 3a of the walkthrough: the periods, and the stage Open.

Generates the monthly closing periods, shows the oldest demo month while it is
still Open, and shows that periods close in order: the months before it must
be closed first.
"""

from .common import (
    advance,
    banner,
    check,
    expect_refusal,
    info,
    month_period,
    show_period,
    step,
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
