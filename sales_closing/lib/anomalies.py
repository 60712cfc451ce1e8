"""Sales anomalies against a period's own history, in plain Python.

The database side (``sale.closing.check._get_results_sales_anomaly``) sums the
posted customer invoice lines per period and per customer, product category
or salesperson; this module turns those sums into figures and compares each
figure of the period with the same figure over the previous periods:

- ``Sums`` holds what one entity sold in one period (company currency):
  ``invoiced`` (net of discounts, invoices), ``refunded`` (credit notes),
  ``quantity`` (invoiced less credited, in the products' units) and ``gross``
  (before discounts, credit notes subtracted);
- ``figures`` derives the five compared figures: net sales, quantity,
  average net unit price, discount rate and return rate;
- ``median``, ``mad`` and ``robust_z`` are the robust statistics: the
  median, the median absolute deviation and the robust z-score
  ``0.6745 × (x − median) / MAD``. When the MAD is zero (more than half the
  history is one value) the score falls back to the mean absolute deviation,
  ``(x − median) / (1.2533 × mean absolute deviation)``; when that is zero
  too (a flat history), any change scores infinity;
- ``compare`` flags the figures of an entity whose score exceeds the
  threshold and whose amount at stake exceeds the minimum amount.

The amount at stake puts every figure in money: the difference itself for
net sales, the quantity difference at the average price, the price
difference on the period's quantity, the rate difference on the period's
gross (discounts) or invoiced (returns) amount.
"""

import math
from collections import namedtuple

#: The consistency constant of the MAD (the 0.75 quantile of the normal law).
MAD_CONSTANT = 0.6745
#: The constant of the mean absolute deviation fallback (sqrt(pi / 2)).
MEAN_AD_CONSTANT = 1.253314
#: Fewer history values than this give no score.
MIN_MONTHS = 3

#: The compared figures, in the order a result lists them.
FIGURES = ("sales", "quantity", "price", "discount", "returns")
#: Figures summed over the period: a period without sales counts as zero.
#: The others are ratios, undefined (and left out) without sales.
SUMMED = ("sales", "quantity")

Sums = namedtuple("Sums", "invoiced refunded quantity gross", defaults=(0.0,) * 4)
Flag = namedtuple("Flag", "figure value median mad score months stake")


def add(first, second):
    """Return the sums of two ``Sums``.

    >>> add(Sums(10, 1, 2, 12), Sums(5, 0, 1, 5))
    Sums(invoiced=15, refunded=1, quantity=3, gross=17)
    """
    return Sums(*(a + b for a, b in zip(first, second, strict=True)))


def _ratio(numerator, denominator):
    return numerator / denominator if denominator > 0 else None


def figures(sums):
    """Return ``{figure: value}`` of one entity in one period; a ratio is
    None when its denominator is not positive.

    >>> figures(Sums(invoiced=1000, refunded=100, quantity=9, gross=1000))
    {'sales': 900, 'quantity': 9, 'price': 100.0, 'discount': 0.1, 'returns': 0.1}
    """
    sales = sums.invoiced - sums.refunded
    return {
        "sales": sales,
        "quantity": sums.quantity,
        "price": _ratio(sales, sums.quantity),
        "discount": _ratio(sums.gross - sales, sums.gross),
        "returns": _ratio(sums.refunded, sums.invoiced),
    }


def median(values):
    """Return the median of ``values`` (the mean of the middle two when even).

    >>> median([3, 1, 2])
    2
    >>> median([4, 1, 3, 2])
    2.5
    """
    if not values:
        raise ValueError("the median of no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def mad(values, center=None):
    """Return the median absolute deviation of ``values`` around ``center``
    (their median by default).

    >>> mad([1, 2, 3, 4, 100])
    1
    """
    center = median(values) if center is None else center
    return median([abs(value - center) for value in values])


def robust_z(value, history):
    """Return the robust z-score of ``value`` against ``history``, or None
    when the history holds fewer than ``MIN_MONTHS`` values.

    >>> round(robust_z(41200, [4000, 4100, 4150, 4150, 4200, 4300]), 2)
    499.8
    """
    if len(history) < MIN_MONTHS:
        return None
    center = median(history)
    deviation = mad(history, center)
    if deviation:
        return MAD_CONSTANT * (value - center) / deviation
    mean_deviation = sum(abs(v - center) for v in history) / len(history)
    if mean_deviation:
        return (value - center) / (MEAN_AD_CONSTANT * mean_deviation)
    if math.isclose(value, center, rel_tol=1e-9, abs_tol=1e-9):
        return 0.0
    return math.copysign(math.inf, value - center)


def history_series(history, figure):
    """Return the values of ``figure`` over ``history`` (a list of ``Sums``,
    one per previous period): summed figures count a period without sales as
    zero, ratios leave it out."""
    values = [figures(sums)[figure] for sums in history]
    if figure in SUMMED:
        return [value or 0.0 for value in values]
    return [value for value in values if value is not None]


def stake(figure, current, center):
    """Return the amount at stake when ``figure`` is ``current[figure]``
    instead of ``center``: the difference put in money (see the module)."""
    difference = abs(current[figure] - center)
    if figure == "sales":
        return difference
    if figure == "quantity":
        price = current["price"]
        return difference * abs(price) if price is not None else 0.0
    if figure == "price":
        return difference * abs(current["quantity"])
    return difference * abs(current["base_" + figure])


def compare(sums, history, threshold, min_amount):
    """Return the ``Flag`` of each figure of ``sums`` (this period) that is
    unusual against ``history`` (a list of ``Sums``, one per previous period):
    a robust z-score above ``threshold`` in absolute value and an amount at
    stake above ``min_amount``.

    >>> flags = compare(Sums(41200, 0, 412, 41200),
    ...                 [Sums(v, 0, v / 100, v) for v in (4000, 4100, 4150,
    ...                                                   4150, 4200, 4300)],
    ...                 3.5, 500)
    >>> [(f.figure, f.value, f.median, f.months) for f in flags]
    [('sales', 41200, 4150.0, 6), ('quantity', 412, 41.5, 6)]
    """
    current = figures(sums)
    current["base_discount"] = sums.gross
    current["base_returns"] = sums.invoiced
    flags = []
    for figure in FIGURES:
        value = current[figure]
        series = history_series(history, figure)
        if value is None:
            continue
        score = robust_z(value, series)
        if score is None or abs(score) <= threshold:
            continue
        center = median(series)
        at_stake = stake(figure, current, center)
        if at_stake <= min_amount:
            continue
        flags.append(
            Flag(
                figure, value, center, mad(series, center), score, len(series), at_stake
            )
        )
    return flags
