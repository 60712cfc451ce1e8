# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the singular/plural choice and the stored form of
problem sentences."""

import doctest

import pytest

from sales_closing.lib import sentences
from sales_closing.lib.sentences import dump_message, load_message, plural


def test_doctests():
    failures, _tests = doctest.testmod(sentences)
    assert failures == 0


@pytest.mark.parametrize(
    ("count", "expected"), [(1, "one"), (0, "other"), (2, "other"), (21, "other")]
)
def test_plural_only_one_is_singular(count, expected):
    assert plural(count, "one", "other") == expected


def test_same_sentence_same_text():
    """The stored text compares equal across runs (the merge of results
    rewrites a row only when a field changed)."""
    first = dump_message("s", {"b": 1, "a": {"date": "2026-10-31"}})
    second = dump_message("s", {"a": {"date": "2026-10-31"}, "b": 1})
    assert first == second
    assert load_message(first) == {
        "source": "s",
        "params": {"a": {"date": "2026-10-31"}, "b": 1},
    }


def test_unicode_kept_readable():
    assert "客户" in dump_message("%(name)s", {"name": "客户"})
