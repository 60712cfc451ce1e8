# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the sales summary arithmetic."""

import doctest
import random

import pytest

from sales_closing.lib import summary
from sales_closing.lib.summary import Fact


def test_doctests():
    failures, _tests = doctest.testmod(summary)
    assert failures == 0


@pytest.mark.parametrize("seed", range(20))
def test_allocate_adds_up_exactly(seed):
    rng = random.Random(seed)
    amount = round(rng.uniform(-5000, 5000), 2)
    weights = {i: round(rng.uniform(-300, 300), 2) for i in range(rng.randint(1, 9))}
    shares = summary.allocate(amount, weights, 0.01)
    assert set(shares) == set(weights)
    assert round(sum(shares.values()), 2) == amount
    # each share within one cent of its exact part
    whole = sum(abs(w) for w in weights.values()) or len(weights)
    for key, weight in weights.items():
        exact = (
            amount
            * (abs(weight) if whole != len(weights) or any(weights.values()) else 1)
            / whole
        )
        assert abs(shares[key] - exact) <= 0.0100001


def test_totals_do_not_depend_on_the_order_of_rows():
    facts = [
        Fact("invoiced", p, 1, 1, 1, 1, amount)
        for p, amount in [(1, 0.1), (1, 0.2), (2, 0.3), (1, 0.105)]
    ]
    forward = summary.totals(facts, 0.01, "partner")
    backward = summary.totals(list(reversed(facts)), 0.01, "partner")
    assert forward == backward
    assert forward[1]["invoiced"] == 0.41


def test_empty_figures():
    assert summary.figures(summary.totals([], 0.01), 0.01) == {
        "revenue": 0.0,
        "cogs": 0.0,
        "margin": 0.0,
        "margin_percent": None,
    }
