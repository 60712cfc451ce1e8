# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the 18.0.1.3.0 aging texts turned into bucket lines
(the 18.0.1.4.0 migration)."""

import doctest

import pytest

from sales_closing.lib import legacy_aging
from sales_closing.lib.legacy_aging import DEFAULTS, legacy_buckets


def test_doctests():
    failures, _tests = doctest.testmod(legacy_aging)
    assert failures == 0


def test_check_and_rule_agree():
    buckets, problem = legacy_buckets(
        "30,60,90,180", [("30,60,90,180", "0,2,10,40,80,100")], DEFAULTS
    )
    assert problem is None
    assert buckets == [
        (0, 0.0),
        (1, 2.0),
        (31, 10.0),
        (61, 40.0),
        (91, 80.0),
        (181, 100.0),
    ]


def test_no_rule_takes_the_default_rate_of_the_bucket_each_falls_in():
    buckets, problem = legacy_buckets("15,30,90", [], DEFAULTS)
    assert problem is None
    # 16 falls in the default 1-30 (5%), 31 and 91 are default starts
    assert buckets == [(0, 0.0), (1, 5.0), (16, 5.0), (31, 20.0), (91, 100.0)]


def test_rule_only():
    buckets, problem = legacy_buckets(None, [("60", "0,10,100")], DEFAULTS)
    assert (buckets, problem) == ([(0, 0.0), (1, 10.0), (61, 100.0)], None)


def test_nothing_stored_keeps_the_defaults_silently():
    assert legacy_buckets(None, [], DEFAULTS) == (None, None)


@pytest.mark.parametrize(
    ("check", "rules", "said"),
    [
        ("30,60", [("30,60,90", "0,5,20,50,100")], "has buckets 30,60 but"),
        ("30,x", [], "invalid aging buckets '30,x'"),
        ("60,30", [], "must increase"),
        ("30,60,90", [("30,60,90", "0,5,20")], "5 percentages are needed"),
        ("30,60,90", [("30,60,90", "0,5,20,50,150")], "between 0 and 100"),
        (
            "30",
            [("30", "0,5,100"), ("30", "0,10,100")],
            "different percentages: 0,5,100 and 0,10,100",
        ),
    ],
)
def test_disagreeing_or_invalid_texts_keep_the_defaults(check, rules, said):
    buckets, problem = legacy_buckets(check, rules, DEFAULTS)
    assert buckets is None
    assert said in problem
