# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the PostgreSQL array literals of the bulk store."""

import datetime
import doctest

from sales_closing.lib import arrays


def test_doctests():
    failures, _tests = doctest.testmod(arrays)
    assert failures == 0


def test_floats_read_back_as_the_same_float():
    values = [0.1, 1 / 3, -1234567.891, 1e-7, 2.0]
    text = arrays.array_literal(values)
    assert [float(part) for part in text[1:-1].split(",")] == values


def test_quotes_and_backslashes_are_escaped():
    # PostgreSQL unescapes \" and \\ inside a quoted element
    assert arrays.array_literal(['say "hi"', "a\\b"]) == r'{"say \"hi\"","a\\b"}'


def test_empty_and_null_like_texts_stay_texts():
    assert arrays.array_literal(["", "NULL", None]) == '{"","NULL",NULL}'


def test_datetimes_dicts_and_booleans():
    moment = datetime.datetime(2026, 10, 31, 23, 59, 59, 5)
    assert arrays.array_literal([moment, {"1": 100}, False]) == (
        '{"2026-10-31 23:59:59.000005","{\\"1\\": 100}",f}'
    )
