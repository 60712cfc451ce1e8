# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the as-of figures arithmetic: no Odoo needed."""

import doctest

import pytest

from sales_closing.lib import figures

UNIT = figures.UomInfo(1.0, 0.01, 1)
DOZEN = figures.UomInfo(1 / 12, 0.01, 1)
KG = figures.UomInfo(1.0, 0.001, 2)


def test_doctests():
    failures, _tests = doctest.testmod(figures)
    assert failures == 0


@pytest.mark.parametrize(
    "value, rounding, method, expected",
    [
        (2.675, 0.01, "HALF-UP", 2.68),
        (-2.675, 0.01, "HALF-UP", -2.68),
        (1.005, 0.01, "HALF-UP", 1.01),
        (0.125, 0.01, "UP", 0.13),
        (0.121, 0.01, "UP", 0.13),
        (0.129, 0.01, "DOWN", 0.12),
        (0.0, 0.01, "HALF-UP", 0.0),
        (7.0, 5.0, "HALF-UP", 5.0),
        (8.0, 5.0, "HALF-UP", 10.0),
    ],
)
def test_float_round(value, rounding, method, expected):
    assert figures.float_round(value, rounding, method) == expected


def test_float_round_refuses_bad_input():
    with pytest.raises(ValueError):
        figures.float_round(1.0, 0)
    with pytest.raises(ValueError):
        figures.float_round(1.0, 0.01, "SIDEWAYS")


def test_convert_units_to_dozens_rounds_per_method():
    # 5 units = 0.41666 dozen
    assert figures.convert_quantity(5, UNIT, DOZEN, "HALF-UP") == 0.42
    assert figures.convert_quantity(5, UNIT, DOZEN, "UP") == 0.42
    assert figures.convert_quantity(1, UNIT, DOZEN, "HALF-UP") == 0.08
    assert figures.convert_quantity(1.5, DOZEN, UNIT) == 18.0


def test_convert_refuses_other_category():
    with pytest.raises(ValueError):
        figures.convert_quantity(1, UNIT, KG)


def test_delivered_rounds_each_move_then_sums():
    # two moves of 5 units: 0.42 + 0.42 dozen (Odoo rounds per move), not 0.83
    moves = [(5, UNIT, 1), (5, UNIT, 1)]
    assert figures.delivered_quantity(moves, DOZEN) == pytest.approx(0.84)


def test_delivered_subtracts_returns_to_refund():
    moves = [(10, UNIT, 1), (3, UNIT, -1)]
    assert figures.delivered_quantity(moves, UNIT) == 7


def test_invoiced_subtracts_credit_notes():
    lines = [(12, UNIT, 1), (1, DOZEN, -1)]
    assert figures.invoiced_quantity(lines, UNIT) == 0


def test_line_figures_with_discount():
    price = figures.net_price(30.0, 10.0)
    assert price == 27.0
    line = figures.line_figures(10, 5, 2, price, 0.01, 0.01)
    assert (line.amount_ordered, line.amount_delivered, line.amount_invoiced) == (
        270.0,
        135.0,
        54.0,
    )
    assert (line.qty_difference, line.amount_difference) == (3.0, 81.0)


def test_line_figures_invoiced_ahead_is_negative():
    line = figures.line_figures(10, 0, 10, 100.0, 0.01, 0.01)
    assert (line.qty_difference, line.amount_difference) == (-10.0, -1000.0)


def test_line_amounts_round_to_the_currency():
    line = figures.line_figures(3, 3, 0, 0.335, 0.01, 0.01)
    assert line.amount_delivered == 1.01  # 1.005 rounds half up


def test_to_company():
    assert figures.to_company(120.0, 0.5, 0.01) == 60.0
    assert figures.to_company(100.0, 1 / 3, 0.01) == 33.33


def test_paid_share():
    assert figures.paid_share(1000.0, 600.0, 0.01) == pytest.approx(0.4)
    assert figures.paid_share(1000.0, 0.0, 0.01) == 1.0
    assert figures.paid_share(-500.0, -500.0, 0.01) == 0.0
    assert figures.paid_share(0.0, 0.0, 0.01) == 0.0
    assert figures.paid_share(1000.0, -50.0, 0.01) == 1.0


def test_paid_amount_weights_each_invoice_line_by_its_share():
    # 12 units invoiced (1 dozen) 40% paid, a 1-dozen credit note unpaid
    lines = [(12, UNIT, 1, 0.4), (1, DOZEN, -1, 0.0)]
    assert figures.paid_amount(lines, DOZEN, 360.0, 0.01) == 144.0
    assert figures.paid_amount([], DOZEN, 360.0, 0.01) == 0.0


@pytest.mark.parametrize(
    "days, expected",
    [
        (-5, "not_due"),
        (0, "not_due"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
        (400, "90+"),
    ],
)
def test_aging_bucket_edges(days, expected):
    assert figures.aging_bucket(days, [30, 60, 90]) == expected


@pytest.mark.parametrize(
    "starts, percentages, message",
    [
        ([], None, "at least two buckets"),
        ([0], [0], "at least two buckets"),
        ([0, 1, -5], None, "0 or more"),
        ([0, 1, 30.5], None, "whole numbers"),
        ([1, 30, 60], None, "first bucket starts at 0"),
        ([0, 30, 60], None, "second bucket starts at 1"),
        ([0, 1, 61, 31], None, "later than the one before"),
        ([0, 1, 31, 31], None, "later than the one before"),
        ([0, 1, 31], [0, 5], "one percentage per bucket"),
        ([0, 1, 31], [0, 5, 101], "between 0 and 100"),
        ([0, 1, 31], [0, -1, 20], "between 0 and 100"),
    ],
)
def test_aging_limits_refuses(starts, percentages, message):
    with pytest.raises(ValueError, match=message):
        figures.aging_limits(starts, percentages)


def test_aging_limits_of_the_default_buckets():
    assert figures.aging_limits([0, 1, 31, 61, 91], [0, 5, 20, 50, 100]) == [
        30,
        60,
        90,
    ]


def test_custom_buckets():
    limits = figures.aging_limits([0, 1, 11, 21])
    assert limits == [10, 20]
    assert figures.bucket_labels(limits) == ["not_due", "1-10", "11-20", "20+"]
    assert figures.aging_bucket(26, limits) == "20+"


def test_two_buckets_not_due_and_overdue():
    limits = figures.aging_limits([0, 1])
    assert figures.bucket_labels(limits) == ["not_due", "0+"]
    assert figures.aging_bucket(0, limits) == "not_due"
    assert figures.aging_bucket(1, limits) == "0+"


def test_price_differs_with_tolerance():
    assert not figures.price_differs(100.0, 100.0, 0.0, 0.01)
    assert figures.price_differs(100.0, 99.0, 0.0, 0.01)
    assert not figures.price_differs(100.0, 99.0, 1.0, 0.01)
    assert figures.price_differs(100.0, 98.9, 1.0, 0.01)
    assert figures.price_differs(0.0, 1.0, 5.0, 0.01)
    assert not figures.price_differs(100.0, 100.004, 0.0, 0.01)
