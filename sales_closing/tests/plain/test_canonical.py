# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the canonical payload and its fingerprint."""

import datetime
import doctest
import hashlib

import pytest

from sales_closing.lib import canonical


def test_doctests():
    failures, _tests = doctest.testmod(canonical)
    assert failures == 0


def test_same_figures_same_bytes_whatever_the_key_order():
    first = {"b": {"y": "1.00", "x": "2.00"}, "a": [{"k": 1, "j": 2}]}
    second = {"a": [{"j": 2, "k": 1}], "b": {"x": "2.00", "y": "1.00"}}
    assert canonical.dumps(first) == canonical.dumps(second)
    assert (
        canonical.fingerprint(canonical.dumps(first))
        == hashlib.sha256(
            b'{"a":[{"j":2,"k":1}],"b":{"x":"2.00","y":"1.00"}}'
        ).hexdigest()
    )


def test_list_order_matters():
    assert canonical.dumps({"a": [1, 2]}) != canonical.dumps({"a": [2, 1]})


@pytest.mark.parametrize(
    ("value", "rounding", "text"),
    [
        (0.0, 0.01, "0.00"),
        (-0.0, 0.01, "0.00"),
        (-0.004, 0.01, "0.00"),
        (-0.005, 0.01, "-0.01"),
        (0.005, 0.01, "0.01"),
        (1.005, 0.01, "1.01"),
        (2.675, 0.01, "2.68"),
        (1234567.891, 0.01, "1234567.89"),
        (0.1 + 0.2, 0.01, "0.30"),
        (1500.0, 1.0, "1500"),
        (1499.5, 1.0, "1500"),
        (12.3456, 0.001, "12.346"),
        (7.0, 0.05, "7.00"),
        (7.03, 0.05, "7.05"),
        (None, 0.01, "0.00"),
    ],
)
def test_amount(value, rounding, text):
    assert canonical.amount(value, rounding) == text


def test_amount_refuses_a_non_positive_rounding():
    with pytest.raises(ValueError, match="rounding must be positive"):
        canonical.amount(1.0, 0.0)


def test_dates_and_datetimes():
    data = canonical.dumps(
        {
            "d": datetime.date(2026, 10, 31),
            "t": datetime.datetime(2026, 10, 31, 23, 59, 59, 123456),
            "z": datetime.datetime(
                2026, 11, 1, 1, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
            ),
        }
    )
    assert data == (
        b'{"d":"2026-10-31","t":"2026-10-31T23:59:59","z":"2026-10-31T17:00:00"}'
    )


@pytest.mark.parametrize(
    "payload",
    [{"a": 0.5}, {"a": [1, {"b": 2.0}]}, {1: "x"}, {"a": object()}],
)
def test_refused(payload):
    with pytest.raises(TypeError):
        canonical.dumps(payload)


def test_round_trip_is_canonical():
    data = canonical.dumps({"名称": "客户", "amount": "10.00", "n": [None, False]})
    assert canonical.is_canonical(data)
    assert canonical.loads(data)["名称"] == "客户"
    assert not canonical.is_canonical(data + b" ")
    assert not canonical.is_canonical(b"not json")
