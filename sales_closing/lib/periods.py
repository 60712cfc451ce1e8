"""Closing periods and stages, in plain Python.

Nothing here imports Odoo: the rules for period ranges, names and the order in
which stages may advance or walk back are tested with plain pytest
(``tests/plain/test_periods.py``) and used by the ``sale.closing.period`` model.
"""

import calendar
import datetime

#: Stages of a closing period, in the order they are reached.
STAGES = ("open", "sales_locked", "invoicing_locked", "closed")

#: Document types a company may lock, and the first stage that holds each.
DOCUMENT_TYPES = {
    "order": "sales_locked",
    "delivery": "sales_locked",
    "invoice": "invoicing_locked",
    "payment": "invoicing_locked",
}


def stage_index(stage):
    """Return the position of ``stage`` in :data:`STAGES` (0 for open)."""
    try:
        return STAGES.index(stage)
    except ValueError:
        raise ValueError(f"unknown closing stage {stage!r}") from None


def next_stage(stage):
    """Return the stage after ``stage``, or None when it is the last one."""
    index = stage_index(stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def previous_stage(stage):
    """Return the stage before ``stage``, or None when it is the first one."""
    index = stage_index(stage)
    return STAGES[index - 1] if index else None


def stage_holds(stage, document_type):
    """Tell whether a period at ``stage`` locks documents of ``document_type``."""
    return stage_index(stage) >= stage_index(DOCUMENT_TYPES[document_type])


def locking_stages(document_type):
    """Return the stages at which documents of ``document_type`` are locked."""
    first = stage_index(DOCUMENT_TYPES[document_type])
    return STAGES[first:]


def month_range(year, month):
    """Return the first and last day of a calendar month."""
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def period_ranges(year, period_type="month"):
    """Return ``[(name, date_start, date_end)]`` covering a calendar year.

    >>> period_ranges(2026, "quarter")[3]
    ('2026-Q4', datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    >>> period_ranges(2026)[1]
    ('2026-02', datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    """
    if period_type == "month":
        return [
            (f"{year}-{month:02d}", *month_range(year, month)) for month in range(1, 13)
        ]
    if period_type == "quarter":
        ranges = []
        for quarter in range(4):
            start, _end = month_range(year, quarter * 3 + 1)
            _start, end = month_range(year, quarter * 3 + 3)
            ranges.append((f"{year}-Q{quarter + 1}", start, end))
        return ranges
    raise ValueError(f"period type {period_type!r} cannot be generated")


def overlaps(start_a, end_a, start_b, end_b):
    """Tell whether two closed date ranges share at least one day."""
    return start_a <= end_b and start_b <= end_a


def advance_refusal(stage, previous_stage_reached, date_end, today, allow_early_close):
    """Say why a period at ``stage`` may not advance, or return None.

    :param stage: the period's current stage
    :param previous_stage_reached: the stage of the period just before it
        (same company), or None when there is none
    :param date_end: the period's last day
    :param today: today's date in the company's time zone
    :param allow_early_close: the company lets periods lock before they end
    :return: ``(reason_code, target_stage)`` where reason_code is one of
        ``"last_stage"``, ``"previous_behind"``, ``"not_ended"``; or None
    """
    target = next_stage(stage)
    if target is None:
        return ("last_stage", None)
    if previous_stage_reached is not None and stage_index(
        previous_stage_reached
    ) < stage_index(target):
        return ("previous_behind", target)
    if not allow_early_close and today <= date_end:
        return ("not_ended", target)
    return None


def reopen_refusal(stage, next_period_stage):
    """Say why a period at ``stage`` may not walk back one stage, or None.

    :param next_period_stage: the stage of the period just after it, or None
    :return: ``"first_stage"`` or ``"next_not_open"``, or None
    """
    if previous_stage(stage) is None:
        return "first_stage"
    if next_period_stage is not None and next_period_stage != STAGES[0]:
        return "next_not_open"
    return None


def find_period(periods, day):
    """Return the first of ``periods`` whose range holds ``day``.

    :param periods: iterable of objects with ``date_start`` and ``date_end``
    """
    for period in periods:
        if period.date_start <= day <= period.date_end:
            return period
    return None
