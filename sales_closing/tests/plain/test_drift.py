# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the drift comparison."""

import doctest

from sales_closing.lib import drift


def test_doctests():
    failures, _tests = doctest.testmod(drift)
    assert failures == 0


def line(line_id, **values):
    return {"sale_line_id": line_id, "order": f"S{line_id}", **values}


def test_names_are_not_figures():
    frozen = [line(1, partner="Old Name", qty_delivered="1.00")]
    live = [line(1, partner="New Name", qty_delivered="1.00")]
    assert drift.compare(frozen, live) == []


def test_each_field_that_moved():
    frozen = [line(1, rate="0.5000000000", amount_invoiced_company="300.00")]
    live = [line(1, rate="0.2500000000", amount_invoiced_company="150.00")]
    changes = drift.compare(frozen, live)
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("amount_invoiced_company", "300.00", "150.00"),
        ("rate", "0.5000000000", "0.2500000000"),
    ]
    assert drift.signature(changes) == drift.signature(drift.compare(frozen, live))


def test_line_gone():
    changes = drift.compare([line(3)], [])
    assert [(c.sale_line_id, c.field, c.before, c.after) for c in changes] == [
        (3, "line", "present", None)
    ]
