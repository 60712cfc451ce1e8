# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the entry arithmetic: no Odoo needed."""

import datetime
import doctest
import random

import pytest

from sales_closing.lib import entries
from sales_closing.lib.entries import Item

ROUNDINGS = {"EUR": 0.01, "USD": 0.01, "JPY": 1.0}


def item(source, balance, partner="P1", currency="EUR", amount=None, **kw):
    return Item(
        source,
        partner,
        currency,
        balance if amount is None else amount,
        balance,
        kw.get("pnl", "income"),
        kw.get("analytic"),
    )


def test_doctests():
    failures, _tests = doctest.testmod(entries)
    assert failures == 0


def test_accrued_lines_per_account_and_partner():
    lines = entries.group_lines(
        [
            item(1, 100.0),
            item(2, 50.25, pnl="income2"),
            item(3, 20.0, partner="P2"),
        ],
        "accrued",
        1,
        ("partner",),
        "EUR",
        ROUNDINGS,
    )
    assert [
        (ln["account"], ln["partner"], ln["balance"], ln["sources"]) for ln in lines
    ] == [
        ("accrued", "P1", 150.25, [1, 2]),
        ("accrued", "P2", 20.0, [3]),
        ("income", "P1", -100.0, [1]),
        ("income", "P2", -20.0, [3]),
        ("income2", "P1", -50.25, [2]),
    ]


def test_deferred_is_the_mirror_of_accrued():
    accrued = entries.group_lines([item(1, 30.0)], "bs", 1, (), "EUR", ROUNDINGS)
    deferred = entries.group_lines([item(1, 30.0)], "bs", -1, (), "EUR", ROUNDINGS)
    assert [ln["balance"] for ln in accrued] == [30.0, -30.0]
    assert [ln["balance"] for ln in deferred] == [-30.0, 30.0]


def test_no_key_means_one_line_per_account_in_company_currency():
    lines = entries.group_lines(
        [item(1, 10.0, currency="USD", amount=11.0), item(2, 5.0, partner="P2")],
        "accrued",
        1,
        (),
        "EUR",
        ROUNDINGS,
    )
    assert [(ln["partner"], ln["currency"], ln["amount_currency"]) for ln in lines] == [
        (None, "EUR", 15.0),
        (None, "EUR", -15.0),
    ]


def test_currency_key_keeps_amount_in_currency():
    lines = entries.group_lines(
        [
            item(1, 10.0, currency="USD", amount=11.0),
            item(2, 0.02, currency="USD", amount=0.03),
            item(3, 5.0),
        ],
        "accrued",
        1,
        ("currency",),
        "EUR",
        ROUNDINGS,
    )
    assert [
        (ln["account"], ln["currency"], ln["amount_currency"], ln["balance"])
        for ln in lines
    ] == [
        ("accrued", "EUR", 5.0, 5.0),
        ("accrued", "USD", 11.03, 10.02),
        ("income", "EUR", -5.0, -5.0),
        ("income", "USD", -11.03, -10.02),
    ]


def test_analytic_only_on_profit_and_loss_side():
    lines = entries.group_lines(
        [item(1, 10.0, analytic='{"1": 100}'), item(2, 5.0, analytic='{"2": 100}')],
        "accrued",
        1,
        ("analytic",),
        "EUR",
        ROUNDINGS,
    )
    assert [(ln["account"], ln["analytic"], ln["balance"]) for ln in lines] == [
        ("accrued", None, 15.0),
        ("income", '{"1": 100}', -10.0),
        ("income", '{"2": 100}', -5.0),
    ]


def test_lines_summing_to_zero_are_dropped():
    lines = entries.group_lines(
        [item(1, 10.0), item(2, -10.0)], "accrued", 1, (), "EUR", ROUNDINGS
    )
    assert lines == []


def test_float_drift_never_unbalances():
    rng = random.Random(4)
    items = [
        item(n, rng.randint(1, 10**6) / 100, partner=f"P{n % 7}", pnl=f"I{n % 3}")
        for n in range(2000)
    ]
    lines = entries.group_lines(items, "bs", 1, ("partner",), "EUR", ROUNDINGS)
    total = sum(ln["balance"] for ln in lines if ln["account"] == "bs")
    assert round(total * 100) == sum(round(i.balance * 100) for i in items)
    entries.check_balanced(lines, 0.01)
    assert all(round(ln["balance"], 2) == ln["balance"] for ln in lines)


def test_zero_decimal_currency():
    lines = entries.group_lines(
        [item(1, 10.0, currency="JPY", amount=1500.4)],
        "bs",
        1,
        ("currency",),
        "EUR",
        ROUNDINGS,
    )
    assert lines[0]["amount_currency"] == 1500.0


def test_unknown_key_refused():
    with pytest.raises(ValueError, match="unknown grouping keys"):
        entries.group_lines([], "bs", 1, ("product",), "EUR", ROUNDINGS)


def test_unbalanced_refused():
    with pytest.raises(ValueError, match="do not balance"):
        entries.check_balanced([{"balance": 0.1}, {"balance": -0.09}], 0.01)


def test_threshold_is_absolute_and_inclusive_of_its_value():
    kept, skipped = entries.split_threshold(
        [item(1, 9.99), item(2, -10.0), item(3, 10.0), item(4, 0.0)], 10.0
    )
    assert [i.source for i in kept] == [2, 3]
    assert [i.source for i in skipped] == [1, 4]


def test_allowance_by_bucket_worked_by_hand():
    end = datetime.date(2026, 3, 31)
    residuals = [
        ("A", datetime.date(2026, 4, 30), 1000.00),  # not due: 0%
        ("A", datetime.date(2026, 3, 1), 400.00),  # 30 days: 1-30, 5% = 20.00
        ("A", datetime.date(2026, 1, 31), 333.33),  # 59 days: 31-60, 20% = 66.666
        ("B", datetime.date(2025, 12, 31), 90.10),  # 90 days: 61-90, 50% = 45.05
        ("B", datetime.date(2025, 12, 30), 10.00),  # 91 days: 90+, 100% = 10.00
    ]
    required = entries.allowance_required(
        residuals, end, [30, 60, 90], [0, 5, 20, 50, 100], 0.01
    )
    assert required == {"A": 86.67, "B": 55.05}
    items = entries.allowance_items(required, {"A": 100.0}, 0.01, "expense")
    assert [(i.partner, i.balance) for i in items] == [("A", -13.33), ("B", 55.05)]
    lines = entries.group_lines(items, "allowance", -1, ("partner",), "EUR", ROUNDINGS)
    assert [(ln["account"], ln["partner"], ln["balance"]) for ln in lines] == [
        ("allowance", "A", 13.33),
        ("allowance", "B", -55.05),
        ("expense", "A", -13.33),
        ("expense", "B", 55.05),
    ]


def test_labels():
    assert (
        entries.render_label(
            "{rule} {period} {currency}", rule="Accrued", period="2026-03"
        )
        == "Accrued 2026-03"
    )
    assert entries.label_error("{0}") == "unknown placeholder {0}"
