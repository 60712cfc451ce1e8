# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the sales anomaly statistics: no Odoo needed."""

import doctest
import math

import pytest

from sales_closing.lib import anomalies
from sales_closing.lib.anomalies import Sums


def test_doctests():
    failures, _tests = doctest.testmod(anomalies)
    assert failures == 0


# --- median and MAD ----------------------------------------------------------
@pytest.mark.parametrize(
    "values, expected",
    [
        ([5], 5),
        ([3, 1, 2], 2),
        ([4, 1, 3, 2], 2.5),
        ([-10, -30, -20], -20),
        ([-5, 5], 0),
        ([1000, 1000, 1000, 1000], 1000),
    ],
)
def test_median(values, expected):
    assert anomalies.median(values) == expected


def test_median_of_nothing_is_refused():
    with pytest.raises(ValueError):
        anomalies.median([])


def test_mad_by_hand():
    # 4000 4100 4150 4150 4200 4300: median 4150;
    # deviations 150 50 0 0 50 150 -> 0 0 50 50 150 150 -> MAD 50
    assert anomalies.mad([4000, 4100, 4150, 4150, 4200, 4300]) == 50


def test_mad_ignores_one_outlier():
    # median 3, deviations 2 1 0 1 97 -> MAD 1 (the standard deviation is ~39)
    assert anomalies.mad([1, 2, 3, 4, 100]) == 1


def test_mad_of_negative_amounts():
    # -100 -200 -300 -400: median -250; deviations 150 50 50 150 -> MAD 100
    assert anomalies.mad([-100, -200, -300, -400]) == 100


# --- robust z ---------------------------------------------------------------
def test_robust_z_by_hand():
    # 0.6745 * (41200 - 4150) / 50 = 0.6745 * 741 = 499.8045
    score = anomalies.robust_z(41200, [4000, 4100, 4150, 4150, 4200, 4300])
    assert score == pytest.approx(499.8045)


def test_robust_z_below_median_is_negative():
    # 0.6745 * (500 - 4150) / 50 = -49.2385
    score = anomalies.robust_z(500, [4000, 4100, 4150, 4150, 4200, 4300])
    assert score == pytest.approx(-49.2385)


def test_robust_z_of_negative_amounts():
    # history of net credit notes: median -250, MAD 100;
    # 0.6745 * (-1250 - -250) / 100 = -6.745
    score = anomalies.robust_z(-1250, [-100, -200, -300, -400])
    assert score == pytest.approx(-6.745)


def test_zero_mad_falls_back_to_the_mean_absolute_deviation():
    # 100 x5 and 400: median 100, MAD 0; mean absolute deviation 300 / 6 = 50
    # (160 - 100) / (1.253314 * 50) = 0.9575
    score = anomalies.robust_z(160, [100, 100, 100, 100, 100, 400])
    assert score == pytest.approx(60 / (1.253314 * 50))


def test_flat_history_scores_infinity_on_any_change():
    assert anomalies.robust_z(101, [100] * 6) == math.inf
    assert anomalies.robust_z(99, [100] * 6) == -math.inf
    assert anomalies.robust_z(100, [100] * 6) == 0.0


def test_fewer_months_than_the_minimum_give_no_score():
    assert anomalies.robust_z(1000, [100, 100]) is None
    assert anomalies.robust_z(1000, []) is None
    assert anomalies.robust_z(1000, [100, 110, 90]) is not None


# --- figures ----------------------------------------------------------------
def test_figures_by_hand():
    # invoiced 1,140 net of a 5 % discount on 1,200 gross, 60 credited for
    # 1 unit (gross 60 credited too): quantity 11, net 1,080, gross 1,140
    values = anomalies.figures(Sums(1140, 60, 11, 1140))
    assert values["sales"] == 1080
    assert values["price"] == pytest.approx(1080 / 11)
    assert values["discount"] == pytest.approx((1140 - 1080) / 1140)
    assert values["returns"] == pytest.approx(60 / 1140)


def test_ratios_without_sales_are_undefined():
    values = anomalies.figures(Sums())
    assert values == {
        "sales": 0.0,
        "quantity": 0.0,
        "price": None,
        "discount": None,
        "returns": None,
    }


def test_history_series_counts_months_without_sales_as_zero_sales():
    history = [Sums(100, 0, 1, 100), Sums(), Sums(300, 0, 3, 300)]
    assert anomalies.history_series(history, "sales") == [100, 0.0, 300]
    # no price in a month without sales: 2 months compared, not 3
    assert anomalies.history_series(history, "price") == [100, 100]


# --- compare ----------------------------------------------------------------
HISTORY = [Sums(v, 0, v / 100, v * 1.05) for v in (4000, 4100, 4150, 4150, 4200, 4300)]


def test_compare_flags_sales_times_ten():
    flags = anomalies.compare(Sums(41500, 0, 415, 41500 * 1.05), HISTORY, 3.5, 500)
    assert [f.figure for f in flags] == ["sales", "quantity"]
    sales = flags[0]
    assert (sales.value, sales.median, sales.mad, sales.months) == (
        41500,
        4150,
        50,
        6,
    )
    assert sales.stake == 41500 - 4150


def test_compare_keeps_quiet_within_the_threshold():
    # 0.6745 * (4400 - 4150) / 50 = 3.37: under 3.5
    assert not anomalies.compare(Sums(4400, 0, 44, 4400 * 1.05), HISTORY, 3.5, 0)


def test_compare_keeps_quiet_under_the_minimum_amount():
    # 4500: score 4.72, but only 350 at stake
    assert not anomalies.compare(Sums(4500, 0, 45, 4500 * 1.05), HISTORY, 3.5, 350)
    assert anomalies.compare(Sums(4500, 0, 45, 4500 * 1.05), HISTORY, 3.5, 349)


def test_compare_discount_rate_at_stake_on_the_gross():
    # the same net sales, but the gross rises: 4,150 net of 40 % is 6,916.67
    gross = 4150 / 0.6
    flags = anomalies.compare(Sums(4150, 0, 41.5, gross), HISTORY, 3.5, 500)
    assert [f.figure for f in flags] == ["discount"]
    flag = flags[0]
    assert flag.value == pytest.approx(0.4)
    # history rates: 1 - 1 / 1.05 = 4.76 % every month: a flat history
    assert flag.median == pytest.approx(1 - 1 / 1.05)
    assert flag.score == math.inf
    assert flag.stake == pytest.approx((0.4 - (1 - 1 / 1.05)) * gross)


def test_compare_with_too_few_months_flags_nothing():
    assert not anomalies.compare(Sums(41500, 0, 415, 41500), HISTORY[:2], 3.5, 0)


def test_compare_negative_net_sales():
    # a customer whose credit notes exceed its invoices this month
    flags = anomalies.compare(Sums(1000, 6000, -50, -5000), HISTORY, 3.5, 500)
    figures = {f.figure: f for f in flags}
    assert figures["sales"].value == -5000
    assert figures["sales"].score < 0
    assert figures["returns"].value == 6
    # no price, no discount without a positive quantity and gross
    assert "price" not in figures and "discount" not in figures


def test_compare_over_fewer_months_than_configured():
    # six periods asked for, only four of them compared: the score is taken
    # over those four. 4,000 4,100 4,150 4,150: median 4,125; deviations
    # 125 25 25 25 -> MAD 25; z = 0.6745 * (41,500 - 4,125) / 25 = 1,008.37
    flags = anomalies.compare(Sums(41500, 0, 415, 41500 * 1.05), HISTORY[:4], 3.5, 500)
    sales = next(flag for flag in flags if flag.figure == "sales")
    assert (sales.months, sales.median, sales.mad) == (4, 4125, 25)
    assert sales.score == pytest.approx(0.6745 * 37375 / 25)
