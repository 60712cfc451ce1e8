# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the PostgreSQL array literals of the bulk store."""

import datetime
import doctest
import random

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


def _one_by_one(values):
    return "{" + ",".join(arrays._element(value) for value in values) + "}"


def test_numbers_and_texts_written_as_one_by_one():
    """The fast paths (numbers, texts) write what ``_element`` writes value
    by value, on random lists with NULLs, negatives, big and tiny floats."""
    rng = random.Random(12)
    for _round in range(200):
        numbers = [
            rng.choice(
                [
                    None,
                    rng.randint(-(10**12), 10**12),
                    rng.uniform(-1e6, 1e6),
                    rng.random() * 10 ** rng.randint(-20, 20),
                    0,
                    -0.0,
                ]
            )
            for _ in range(rng.randint(0, 30))
        ]
        assert arrays.array_literal(numbers) == _one_by_one(numbers)
        texts = [
            rng.choice([None, "", "NULL", 'a "b"', "c\\d", "x, None", "中文 {1,2}"])
            for _ in range(rng.randint(0, 30))
        ]
        assert arrays.array_literal(texts) == _one_by_one(texts)


def test_booleans_and_mixed_lists_are_not_numbers():
    # True is an int to isinstance, not to the fast path: "t", never "True"
    assert arrays.array_literal([1, True, None]) == "{1,t,NULL}"
    assert arrays.array_literal(value for value in [2, None]) == "{2,NULL}"
    assert arrays.array_literal(["a", 1]) == '{"a",1}'
