# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the period rules: no Odoo needed."""

import datetime
import doctest
from types import SimpleNamespace

import pytest

from sales_closing.lib import changes, periods

D = datetime.date


def test_doctests():
    for module in (periods, changes):
        failures, _tests = doctest.testmod(module)
        assert failures == 0


def test_stage_order_and_neighbours():
    assert periods.STAGES == ("open", "sales_locked", "invoicing_locked", "closed")
    assert periods.next_stage("open") == "sales_locked"
    assert periods.next_stage("closed") is None
    assert periods.previous_stage("invoicing_locked") == "sales_locked"
    assert periods.previous_stage("open") is None
    with pytest.raises(ValueError, match="unknown closing stage 'done'"):
        periods.stage_index("done")


@pytest.mark.parametrize(
    "stage, held",
    [
        ("open", set()),
        ("sales_locked", {"order", "delivery"}),
        ("invoicing_locked", {"order", "delivery", "invoice", "payment"}),
        ("closed", {"order", "delivery", "invoice", "payment"}),
    ],
)
def test_what_each_stage_holds(stage, held):
    assert {t for t in periods.DOCUMENT_TYPES if periods.stage_holds(stage, t)} == held


def test_locking_stages():
    assert periods.locking_stages("order") == (
        "sales_locked",
        "invoicing_locked",
        "closed",
    )
    assert periods.locking_stages("payment") == ("invoicing_locked", "closed")


def test_month_ranges_cover_the_year_without_gaps():
    ranges = periods.period_ranges(2028)  # a leap year
    assert [name for name, _s, _e in ranges][:3] == ["2028-01", "2028-02", "2028-03"]
    assert ranges[1][1:] == (D(2028, 2, 1), D(2028, 2, 29))
    for (_n, _s, end), (_n2, start, _e2) in zip(ranges, ranges[1:], strict=False):
        assert start - end == datetime.timedelta(days=1)
    assert ranges[0][1] == D(2028, 1, 1) and ranges[-1][2] == D(2028, 12, 31)


def test_quarters():
    names = [name for name, _s, _e in periods.period_ranges(2026, "quarter")]
    assert names == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    with pytest.raises(ValueError):
        periods.period_ranges(2026, "week")


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ((D(2026, 10, 1), D(2026, 10, 31)), (D(2026, 11, 1), D(2026, 11, 30)), False),
        ((D(2026, 10, 1), D(2026, 10, 31)), (D(2026, 10, 31), D(2026, 11, 30)), True),
        ((D(2026, 10, 5), D(2026, 10, 6)), (D(2026, 10, 1), D(2026, 10, 31)), True),
    ],
)
def test_overlaps(a, b, expected):
    assert periods.overlaps(*a, *b) is expected
    assert periods.overlaps(*b, *a) is expected


def test_advance_refusals():
    end = D(2026, 10, 31)
    after, on_last_day = D(2026, 11, 1), D(2026, 10, 31)
    assert periods.advance_refusal("open", "closed", end, after, False) is None
    assert periods.advance_refusal("open", None, end, after, False) is None
    assert periods.advance_refusal("open", "open", end, after, False) == (
        "previous_behind",
        "sales_locked",
    )
    assert periods.advance_refusal(
        "sales_locked", "sales_locked", end, after, False
    ) == ("previous_behind", "invoicing_locked")
    assert periods.advance_refusal("open", "closed", end, on_last_day, False) == (
        "not_ended",
        "sales_locked",
    )
    assert periods.advance_refusal("open", "closed", end, on_last_day, True) is None
    assert periods.advance_refusal("closed", "closed", end, after, False) == (
        "last_stage",
        None,
    )


def test_reopen_refusals():
    assert periods.reopen_refusal("open", None) == "first_stage"
    assert periods.reopen_refusal("closed", "sales_locked") == "next_not_open"
    assert periods.reopen_refusal("closed", "open") is None
    assert periods.reopen_refusal("sales_locked", None) is None


def test_find_period():
    sep = SimpleNamespace(date_start=D(2026, 9, 1), date_end=D(2026, 9, 30))
    oct_ = SimpleNamespace(date_start=D(2026, 10, 1), date_end=D(2026, 10, 31))
    assert periods.find_period([sep, oct_], D(2026, 10, 1)) is oct_
    assert periods.find_period([sep, oct_], D(2026, 9, 30)) is sep
    assert periods.find_period([sep, oct_], D(2026, 11, 1)) is None


def test_changed_fields_ignore_equal_values():
    old = {"qty": 5.0, "taxes": (3, 1), "price": 0.1 + 0.2, "partner": None}
    new = {"qty": 5, "taxes": [1, 3], "price": 0.3, "partner": False, "extra": 1}
    assert changes.changed_fields(old, new) == ["extra"]
    assert changes.changed_fields({"qty": 5.0}, {"qty": 6.0}) == ["qty"]
