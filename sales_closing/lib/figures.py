"""As-of-period-end figures of a sale order line, in plain Python.

The database side (``sale.closing.period._get_closing_figures``) gathers raw rows
in a few set-based queries; this module turns them into quantities and amounts:

- ``float_round`` rounds exactly as Odoo's ``odoo.tools.float_round`` does;
- ``convert_quantity`` converts between units of one category as
  ``uom.uom._compute_quantity`` does (divide by the source factor, multiply by
  the target factor, round to the target unit);
- ``delivered_quantity`` / ``invoiced_quantity`` sum moves and invoice lines the
  way ``sale_stock`` and ``sale`` sum them (each move converted and rounded
  half-up, each invoice line rounded up, credit notes subtracted);
- ``line_figures`` derives the amounts at the order line's net price and the
  delivered-vs-invoiced difference; ``to_company`` converts them at one rate;
- ``aging_limits`` checks aging buckets given by the day each starts and
  returns their limits; ``aging_bucket`` sorts an overdue receivable into its
  bucket.
"""

import builtins
import functools
import math
from collections import namedtuple

UomInfo = namedtuple("UomInfo", "factor rounding category")

LineFigures = namedtuple(
    "LineFigures",
    "qty_ordered qty_delivered qty_invoiced qty_difference "
    "net_price amount_ordered amount_delivered amount_invoiced amount_difference",
)


def _round_half_away(value):
    rounded = builtins.round(value)
    if builtins.round(value + 1) - rounded != 1:
        return value + math.copysign(0.5, value)
    return math.copysign(rounded, value)


@functools.lru_cache(maxsize=256)
def _invert(value):
    """Invert a rounding factor with the accuracy Odoo's ``float_invert`` has."""
    coefficient, exponent = f"{value:.15e}".split("e")
    return float(f"{coefficient}e{-int(exponent)}") / float(coefficient) ** 2


def float_round(value, precision_rounding, rounding_method="HALF-UP"):
    """Round ``value`` to a multiple of ``precision_rounding`` as Odoo does.

    ``rounding_method`` is ``HALF-UP`` (ties away from zero), ``UP`` (away from
    zero) or ``DOWN`` (towards zero). An epsilon of 2**-50 relative to the
    value absorbs binary representation errors, like Odoo's implementation.

    >>> float_round(2.675, 0.01)
    2.68
    >>> float_round(0.4166666, 0.001, "UP")
    0.417
    """
    if precision_rounding <= 0:
        raise ValueError("precision_rounding must be positive")
    if value == 0:
        return 0.0
    if precision_rounding < 1:
        inverted = _invert(precision_rounding)
        normalized = value * inverted
    else:
        normalized = value / precision_rounding
    epsilon = 2 ** (math.log2(abs(normalized)) - 50)
    if rounding_method == "HALF-UP":
        result = _round_half_away(normalized + math.copysign(epsilon, normalized))
    elif rounding_method == "UP":
        result = math.trunc(normalized + math.copysign(1 - epsilon, normalized))
    elif rounding_method == "DOWN":
        result = math.trunc(normalized + math.copysign(epsilon, normalized))
    else:
        raise ValueError(f"unknown rounding method {rounding_method!r}")
    if precision_rounding < 1:
        return result / inverted
    return result * precision_rounding


def float_is_zero(value, precision_rounding):
    """Return whether ``value`` rounds to zero at ``precision_rounding``."""
    return float_round(value, precision_rounding) == 0


def convert_quantity(qty, from_uom, to_uom, rounding_method="UP"):
    """Convert ``qty`` from ``from_uom`` to ``to_uom`` (both ``UomInfo``).

    Raises ``ValueError`` when the units belong to different categories.

    >>> units = UomInfo(1.0, 0.01, 1)
    >>> dozens = UomInfo(1 / 12, 0.001, 1)
    >>> convert_quantity(30, units, dozens, "HALF-UP")
    2.5
    """
    if not qty:
        return qty
    if from_uom == to_uom:
        amount = qty
    else:
        if from_uom.category != to_uom.category:
            raise ValueError("units of different categories")
        amount = qty / from_uom.factor * to_uom.factor
    return float_round(amount, to_uom.rounding, rounding_method)


def delivered_quantity(moves, line_uom):
    """Sum delivered quantities as ``sale_stock`` does.

    ``moves``: iterable of ``(quantity, UomInfo, sign)``; sign is 1 for a
    delivery, -1 for a return to refund. Each move is converted and rounded
    half-up on its own, then summed.
    """
    total = 0.0
    for quantity, uom, sign in moves:
        total += sign * convert_quantity(quantity, uom, line_uom, "HALF-UP")
    return total


def invoiced_quantity(invoice_lines, line_uom):
    """Sum invoiced quantities as ``sale`` does: credit notes subtract.

    ``invoice_lines``: iterable of ``(quantity, UomInfo, sign)``; sign is 1 for
    an invoice, -1 for a credit note. Each line is converted and rounded up.
    """
    total = 0.0
    for quantity, uom, sign in invoice_lines:
        total += sign * convert_quantity(quantity, uom, line_uom, "UP")
    return total


def net_price(price_unit, discount):
    """Return the unit price after the line discount (a percentage)."""
    return price_unit * (1 - (discount or 0.0) / 100.0)


def line_figures(
    qty_ordered,
    qty_delivered,
    qty_invoiced,
    price,
    currency_rounding,
    qty_rounding,
):
    """Return the ``LineFigures`` of one order line in the order currency.

    ``price`` is the net unit price (after discount, taxes excluded); every
    amount is the quantity at that price rounded to the currency. The
    difference is delivered minus invoiced: positive is delivered not invoiced
    (accrued revenue), negative invoiced not delivered (deferred revenue).

    >>> line_figures(10, 6, 4, 9.5, 0.01, 0.01)
    LineFigures(qty_ordered=10, qty_delivered=6, qty_invoiced=4, qty_difference=2.0, \
net_price=9.5, amount_ordered=95.0, amount_delivered=57.0, amount_invoiced=38.0, \
amount_difference=19.0)
    """
    qty_difference = float_round(qty_delivered - qty_invoiced, qty_rounding)
    amount_delivered = float_round(qty_delivered * price, currency_rounding)
    amount_invoiced = float_round(qty_invoiced * price, currency_rounding)
    return LineFigures(
        qty_ordered=qty_ordered,
        qty_delivered=qty_delivered,
        qty_invoiced=qty_invoiced,
        qty_difference=qty_difference,
        net_price=price,
        amount_ordered=float_round(qty_ordered * price, currency_rounding),
        amount_delivered=amount_delivered,
        amount_invoiced=amount_invoiced,
        amount_difference=float_round(
            amount_delivered - amount_invoiced, currency_rounding
        ),
    )


def to_company(amount, rate, company_rounding):
    """Convert an order-currency ``amount`` at ``rate`` (company units per
    order-currency unit) and round it to the company currency."""
    return float_round(amount * rate, company_rounding)


def paid_share(total, residual, rounding):
    """Return the paid fraction of an invoice from its receivable total and the
    residual left at the period end (both signed alike); 0 when nothing is due."""
    if float_is_zero(total, rounding):
        return 0.0
    share = (total - residual) / total
    return min(max(share, 0.0), 1.0)


def paid_amount(invoice_lines, line_uom, price, rounding):
    """Return the paid part, at the period end, of what a line invoiced.

    ``invoice_lines``: iterable of ``(quantity, UomInfo, sign, paid_share)``;
    each invoice line is valued at the order line's net ``price`` in its unit
    and weighted by the paid share of its invoice.

    >>> paid_amount([(10, UomInfo(1.0, 0.01, 1), 1, 0.4)], \
UomInfo(1.0, 0.01, 1), 100.0, 0.01)
    400.0
    """
    total = 0.0
    for quantity, uom, sign, share in invoice_lines:
        total += sign * convert_quantity(quantity, uom, line_uom) * price * share
    return float_round(total, rounding)


def aging_limits(starts, percentages=None):
    """Return the bucket limits (days overdue) of aging buckets that start at
    ``starts`` days overdue, checking them (and their ``percentages``, one per
    bucket, when given); refuse anything else with a ``ValueError``.

    The first bucket starts at 0 (not yet due, the due date included), the
    second at 1 day overdue, each next one later; the last has no end.

    >>> aging_limits([0, 1, 31, 61, 91])
    [30, 60, 90]
    >>> aging_limits([0, 1])
    []
    """
    starts = list(starts)
    if len(starts) < 2:
        raise ValueError(
            "at least two buckets are needed: not due (from 0 days) and "
            "overdue (from 1 day)"
        )
    if any(not isinstance(start, int) or start < 0 for start in starts):
        raise ValueError("days are whole numbers, 0 or more")
    if starts[0] != 0:
        raise ValueError("the first bucket starts at 0 days (not yet due)")
    if starts[1] != 1:
        raise ValueError("the second bucket starts at 1 day overdue")
    if any(low >= high for low, high in zip(starts, starts[1:], strict=False)):
        raise ValueError("each bucket starts later than the one before it")
    if percentages is not None:
        if len(percentages) != len(starts):
            raise ValueError("one percentage per bucket")
        if any(value < 0 or value > 100 for value in percentages):
            raise ValueError("percentages are between 0 and 100")
    return [start - 1 for start in starts[2:]]


def bucket_labels(limits):
    """Return the labels of the buckets defined by ``limits``.

    >>> bucket_labels([30, 60, 90])
    ['not_due', '1-30', '31-60', '61-90', '90+']
    """
    labels = ["not_due"]
    low = 1
    for limit in limits:
        labels.append(f"{low}-{limit}")
        low = limit + 1
    labels.append(f"{limits[-1] if limits else 0}+")
    return labels


def aging_bucket(days_overdue, limits):
    """Return the bucket label of a receivable ``days_overdue`` days past due.

    >>> aging_bucket(0, [30, 60, 90]), aging_bucket(30, [30, 60, 90])
    ('not_due', '1-30')
    >>> aging_bucket(31, [30, 60, 90]), aging_bucket(91, [30, 60, 90])
    ('31-60', '90+')
    """
    if days_overdue <= 0:
        return "not_due"
    low = 1
    for limit in limits:
        if days_overdue <= limit:
            return f"{low}-{limit}"
        low = limit + 1
    return f"{limits[-1] if limits else 0}+"


def price_differs(order_price, invoice_price, tolerance_percent, rounding):
    """Return whether an invoiced unit price differs from the ordered one by
    more than ``tolerance_percent`` percent (and more than the rounding)."""
    difference = abs(order_price - invoice_price)
    if float_is_zero(difference, rounding):
        return False
    if not order_price:
        return True
    return difference / abs(order_price) * 100.0 > tolerance_percent


def group_thousands(value, decimal_places, thousands_sep, decimal_point):
    """Return ``value`` (not negative) with ``decimal_places`` decimals and
    its digits grouped by three, in a language's separators.

    >>> group_thousands(1234567.891, 2, ",", ".")
    '1,234,567.89'
    >>> group_thousands(950.5, 0, ".", ",")
    '950'
    >>> group_thousands(1234.5, 2, "", ",")
    '1234,50'
    """
    text = f"{value:,.{decimal_places}f}"
    return text.translate(str.maketrans({",": thousands_sep, ".": decimal_point}))
