# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The arithmetic of the close pack's sales summary: revenue recognised in a
period by component, spread of a period-end entry line over its source
order lines, totals by dimension, margin, comparison and target variance.

Amounts are company-currency floats rounded at ``rounding`` at the end of
each sum (sums run in whole units of the rounding, so that the order of the
rows never changes a total). Nothing here imports Odoo.
"""

from collections import namedtuple

from .entries import from_units, to_units

#: One amount of the summary with the dimensions it is reported by.
#: ``component`` is one of COMPONENTS; ``amount`` in company currency
#: (revenue positive, cost of goods sold positive).
Fact = namedtuple("Fact", "component partner categ product user team amount")

#: What revenue recognised in the period is made of, and the costs.
COMPONENTS = (
    "invoiced",  # customer invoices dated in the period (accounting date)
    "refunded",  # credit notes dated in the period (negative)
    "accrued",  # accrued revenue posted at this period's end
    "accrual_reversed",  # reversal of earlier accruals (negative)
    "deferred",  # revenue deferred at this period's end (negative)
    "deferral_reversed",  # reversal of earlier deferrals (positive)
    "cogs",  # cost of goods delivered
    "cogs_returned",  # cost taken back by returns (negative)
)
REVENUE_COMPONENTS = COMPONENTS[:6]
COST_COMPONENTS = COMPONENTS[6:]
DIMENSIONS = ("partner", "categ", "product", "user", "team")


def allocate(amount, weights, rounding):
    """Split ``amount`` over ``weights`` (a dict) in proportion, the rounding
    remainder going to the largest weights first; equal shares when every
    weight is zero. The shares add up to ``amount`` exactly.

    >>> allocate(100.0, {"a": 1, "b": 1, "c": 1}, 0.01)
    {'a': 33.34, 'b': 33.33, 'c': 33.33}
    >>> allocate(-10.0, {"a": 0, "b": 0}, 0.01)
    {'a': -5.0, 'b': -5.0}
    >>> allocate(7.0, {}, 0.01)
    {}
    """
    if not weights:
        return {}
    total_units = to_units(amount, rounding)
    keys = sorted(weights, key=str)
    magnitudes = {key: abs(weights[key]) for key in keys}
    if not sum(magnitudes.values()):
        magnitudes = dict.fromkeys(keys, 1)
    whole = sum(magnitudes.values())
    exact = {key: total_units * magnitudes[key] / whole for key in keys}
    shares = {key: int(exact[key]) for key in keys}
    remainder = total_units - sum(shares.values())
    step = 1 if remainder > 0 else -1
    order = sorted(keys, key=lambda k: (-abs(exact[k] - shares[k]), str(k)))
    for key in order[: abs(remainder)]:
        shares[key] += step
    return {key: from_units(shares[key], rounding) for key in keys}


def totals(facts, rounding, dimension=None):
    """Return the total of each component, overall or by ``dimension``:
    ``{component: amount}`` or ``{dimension value: {component: amount}}``.

    >>> f = [Fact("invoiced", 1, 0, 0, 0, 0, 10.005), Fact("cogs", 1, 0, 0, 0, 0, 4.0),
    ...      Fact("invoiced", 2, 0, 0, 0, 0, 5.0)]
    >>> totals(f, 0.01)["invoiced"], totals(f, 0.01, "partner")[1]["cogs"]
    (15.01, 4.0)
    """
    units = {}
    for fact in facts:
        key = getattr(fact, dimension) if dimension else None
        bucket = units.setdefault(key, dict.fromkeys(COMPONENTS, 0))
        bucket[fact.component] += to_units(fact.amount, rounding)
    result = {
        key: {name: from_units(value, rounding) for name, value in bucket.items()}
        for key, bucket in units.items()
    }
    if dimension:
        return result
    return result.get(None, dict.fromkeys(COMPONENTS, 0.0))


def totals_by(facts, rounding, dimensions=DIMENSIONS):
    """Return ``(totals(facts), {dimension: totals(facts, dimension)})`` in
    one pass over ``facts`` (each amount turned into units once): the same
    figures as ``totals`` called once per dimension.

    >>> f = [Fact("invoiced", 1, 0, 0, 0, 0, 10.005), Fact("cogs", 1, 0, 0, 0, 0, 4.0),
    ...      Fact("invoiced", 2, 0, 0, 0, 0, 5.0)]
    >>> overall, by = totals_by(f, 0.01, ("partner",))
    >>> overall == totals(f, 0.01), by["partner"] == totals(f, 0.01, "partner")
    (True, True)
    >>> totals_by([], 0.01, ("team",)) == (totals([], 0.01), {"team": {}})
    True
    """
    overall = dict.fromkeys(COMPONENTS, 0)
    units_by = {dimension: {} for dimension in dimensions}
    for fact in facts:
        units = to_units(fact.amount, rounding)
        overall[fact.component] += units
        for dimension, buckets in units_by.items():
            key = getattr(fact, dimension)
            bucket = buckets.get(key)
            if bucket is None:
                bucket = buckets[key] = dict.fromkeys(COMPONENTS, 0)
            bucket[fact.component] += units

    def amounts(bucket):
        return {name: from_units(value, rounding) for name, value in bucket.items()}

    return amounts(overall), {
        dimension: {key: amounts(bucket) for key, bucket in buckets.items()}
        for dimension, buckets in units_by.items()
    }


def figures(components, rounding):
    """Return the summary figures of one set of component totals: revenue
    (the sum of the revenue components), cost, margin and margin % (of
    revenue, None without revenue).

    >>> figures({"invoiced": 1000.0, "refunded": -100.0, "accrued": 180.0,
    ...          "accrual_reversed": -80.0, "deferred": -50.0,
    ...          "deferral_reversed": 0.0, "cogs": 600.0, "cogs_returned": -30.0},
    ...         0.01)
    {'revenue': 950.0, 'cogs': 570.0, 'margin': 380.0, 'margin_percent': 40.0}
    """
    revenue = from_units(
        sum(
            to_units(components.get(name, 0.0), rounding) for name in REVENUE_COMPONENTS
        ),
        rounding,
    )
    cogs = from_units(
        sum(to_units(components.get(name, 0.0), rounding) for name in COST_COMPONENTS),
        rounding,
    )
    margin = from_units(
        to_units(revenue, rounding) - to_units(cogs, rounding), rounding
    )
    return {
        "revenue": revenue,
        "cogs": cogs,
        "margin": margin,
        "margin_percent": percent(margin, revenue),
    }


def percent(part, whole):
    """Return ``part`` as a percentage of ``whole`` rounded to 0.01, None
    when ``whole`` is zero.

    >>> percent(380.0, 950.0), percent(1.0, 3.0), percent(5.0, 0.0)
    (40.0, 33.33, None)
    """
    if not whole:
        return None
    return from_units(to_units(part * 100.0 / whole, 0.01), 0.01)


def change(current, previous, rounding):
    """Return ``(difference, % change)`` of ``current`` against ``previous``.

    >>> change(950.0, 800.0, 0.01), change(10.0, 0.0, 0.01)
    ((150.0, 18.75), (10.0, None))
    """
    difference = from_units(
        to_units(current, rounding) - to_units(previous, rounding), rounding
    )
    return difference, percent(difference, abs(previous) if previous else 0.0)


def variance(actual, target, rounding):
    """Return ``(variance, % achieved)`` of ``actual`` against ``target``.

    >>> variance(950.0, 1000.0, 0.01), variance(950.0, 0.0, 0.01)
    ((-50.0, 95.0), (950.0, None))
    """
    difference = from_units(
        to_units(actual, rounding) - to_units(target, rounding), rounding
    )
    return difference, percent(actual, target)


def discount_amount(net, discount):
    """Return the discount granted on a line whose net amount is ``net``
    after ``discount`` percent (None when the discount is total: the gross
    cannot be read back from the net).

    >>> discount_amount(90.0, 10.0), discount_amount(50.0, 0.0)
    (10.0, 0.0)
    >>> discount_amount(0.0, 100.0) is None
    True
    """
    if discount >= 100.0:
        return None
    return net * discount / (100.0 - discount)
