"""Period-end entries in plain Python: legs, thresholds, grouping, balancing.

The database side (``sale.closing.posting.rule``) turns the as-of figures into
*items*, one per source (an order line for the revenue rules, a customer for
the allowance), each with its balance in company currency and its amount in
the document currency. This module turns items into the lines of one entry:

- ``split_threshold`` sets aside the items below the rule's minimum;
- ``legs`` gives each item its two legs, balance-sheet and profit-and-loss,
  which cancel each other, so that any grouping of legs stays balanced;
- ``group_lines`` sums legs per account and the rule's grouping keys, in
  integer units of each currency (no float drift), and drops the lines that
  sum to zero;
- ``allowance_required`` / ``allowance_items`` compute the allowance each
  customer needs from its open receivables by aging bucket.
"""

import string
from collections import namedtuple

from .figures import aging_bucket, bucket_labels, float_round

#: One source of an entry: ``balance`` (company currency) and
#: ``amount_currency`` (``currency``) are positive in the rule's direction.
Item = namedtuple(
    "Item", "source partner currency amount_currency balance pnl_account analytic"
)

#: A stored reconciliation line as a revenue rule reads it (ids, amounts).
StoredFigure = namedtuple(
    "StoredFigure",
    "sale_line_id partner_id currency_id amount_difference amount_difference_company",
)

#: One leg of an item on one account; signed as an entry line (debit > 0).
Leg = namedtuple("Leg", "account partner analytic currency amount_currency balance")

GROUPING_KEYS = ("partner", "analytic", "currency")

#: The placeholders a label template may use.
LABEL_KEYS = ("rule", "period", "date", "account", "partner", "currency")


def to_units(value, rounding):
    """Return ``value`` as a whole number of ``rounding`` units.

    >>> to_units(10.005, 0.01), to_units(-3.3, 0.01), to_units(1500, 1.0)
    (1001, -330, 1500)
    """
    return round(float_round(value, rounding) / rounding)


def from_units(units, rounding):
    """Return the amount of ``units`` units of ``rounding``.

    >>> from_units(30, 0.01)
    0.3
    """
    return float_round(units * rounding, rounding)


def split_threshold(items, threshold):
    """Return ``(kept, skipped)``: items whose balance is below ``threshold``
    (in absolute value) are skipped; a zero balance is always skipped.

    >>> kept, skipped = split_threshold(
    ...     [Item(1, 0, 0, 5.0, 5.0, 0, 0), Item(2, 0, 0, 50.0, 50.0, 0, 0)], 10.0)
    >>> [item.source for item in kept], [item.source for item in skipped]
    ([2], [1])
    """
    kept, skipped = [], []
    for item in items:
        if not item.balance or abs(item.balance) < (threshold or 0.0):
            skipped.append(item)
        else:
            kept.append(item)
    return kept, skipped


def legs(item, balance_sheet_account, balance_sheet_sign):
    """Return the two legs of ``item``: the balance-sheet leg signed by
    ``balance_sheet_sign`` (1: debit, as accrued revenue; -1: credit, as
    deferred revenue and allowance) and the profit-and-loss leg opposite it.
    Only the profit-and-loss leg carries the analytic distribution.

    >>> bs, pnl = legs(Item(7, 3, "EUR", 12.0, 10.0, "income", "a"), "accrued", 1)
    >>> bs.account, bs.balance, bs.amount_currency, bs.analytic
    ('accrued', 10.0, 12.0, None)
    >>> pnl.account, pnl.balance, pnl.amount_currency, pnl.analytic
    ('income', -10.0, -12.0, 'a')
    """
    sign = balance_sheet_sign
    return (
        Leg(
            balance_sheet_account,
            item.partner,
            None,
            item.currency,
            sign * item.amount_currency,
            sign * item.balance,
        ),
        Leg(
            item.pnl_account,
            item.partner,
            item.analytic,
            item.currency,
            -sign * item.amount_currency,
            -sign * item.balance,
        ),
    )


def group_lines(
    items,
    balance_sheet_account,
    balance_sheet_sign,
    keys,
    company_currency,
    roundings,
):
    """Group the legs of ``items`` into entry lines.

    A line per account and per value of each grouping key in ``keys`` (a
    subset of ``GROUPING_KEYS``); a key left out is left empty on the line
    (the currency then is ``company_currency`` and the amount in currency is
    the balance). Amounts are summed in whole units of their currency
    (``roundings``: {currency: rounding}). Lines whose balance and amount in
    currency are both zero are dropped; the lines always balance.

    :return: a list of dicts ``account, partner, analytic, currency,
        amount_currency, balance, sources`` (sources: the items' sources in
        the order met), sorted by balance-sheet side first, then by key
    """
    unknown = set(keys) - set(GROUPING_KEYS)
    if unknown:
        raise ValueError(f"unknown grouping keys: {sorted(unknown)}")
    groups = _sum_legs(
        items,
        balance_sheet_account,
        balance_sheet_sign,
        keys,
        company_currency,
        roundings,
    )
    company_rounding = roundings[company_currency]
    lines = []
    for (account, partner, analytic, currency), (balance, amount, sources) in sorted(
        groups.items(),
        key=lambda kv: (
            kv[0][0] != balance_sheet_account,
            str(kv[0][0]),
            str(kv[0][1]),
            str(kv[0][2]),
            str(kv[0][3]),
        ),
    ):
        if not balance and not amount:
            continue
        lines.append(
            {
                "account": account,
                "partner": partner,
                "analytic": analytic,
                "currency": currency,
                "amount_currency": from_units(amount, roundings[currency]),
                "balance": from_units(balance, company_rounding),
                "sources": list(sources),
            }
        )
    check_balanced(lines, company_rounding)
    return lines


def _sum_legs(
    items, balance_sheet_account, balance_sheet_sign, keys, company_currency, roundings
):
    """Sum the legs of ``items`` per grouping key, in whole currency units.

    :return: {(account, partner, analytic, currency): [balance units,
        amount-in-currency units, {source: None} in the order met]}
    """
    company_rounding = roundings[company_currency]
    groups = {}
    for item in items:
        for leg in legs(item, balance_sheet_account, balance_sheet_sign):
            currency = leg.currency if "currency" in keys else company_currency
            key = (
                leg.account,
                leg.partner if "partner" in keys else None,
                leg.analytic if "analytic" in keys else None,
                currency,
            )
            group = groups.setdefault(key, [0, 0, {}])
            balance = to_units(leg.balance, company_rounding)
            group[0] += balance
            if currency == company_currency:
                group[1] += balance
            else:
                group[1] += to_units(leg.amount_currency, roundings[currency])
            group[2].setdefault(item.source)
    return groups


def check_balanced(lines, rounding):
    """Raise ``ValueError`` unless the balances of ``lines`` sum to zero.

    >>> check_balanced([{"balance": 0.1}, {"balance": 0.2}, {"balance": -0.3}], 0.01)
    """
    total = sum(to_units(line["balance"], rounding) for line in lines)
    if total:
        raise ValueError(f"entry lines do not balance: {from_units(total, rounding)}")


def allowance_required(residuals, date, limits, percentages, rounding):
    """Return {partner: allowance required} from open receivables.

    ``residuals`` is an iterable of ``(partner, date_maturity, residual)`` in
    company currency; only debit residuals (amounts due) count: unapplied
    credits are not netted. Each residual is weighted by the percentage of
    its aging bucket at ``date``; the sum is rounded per partner.

    >>> import datetime as dt
    >>> d = dt.date(2026, 3, 31)
    >>> allowance_required(
    ...     [(1, dt.date(2026, 4, 10), 1000.0), (1, dt.date(2026, 2, 28), 300.0),
    ...      (2, dt.date(2025, 12, 1), 80.0), (2, dt.date(2026, 3, 1), -50.0)],
    ...     d, [30, 60, 90], [0, 5, 20, 50, 100], 0.01)
    {1: 60.0, 2: 80.0}
    """
    labels = bucket_labels(limits)
    rates = dict(zip(labels, percentages, strict=True))
    totals = {}
    for partner, maturity, residual in residuals:
        if residual <= 0:
            continue
        bucket = aging_bucket((date - maturity).days, limits)
        totals[partner] = totals.get(partner, 0.0) + residual * rates[bucket] / 100.0
    return {partner: float_round(total, rounding) for partner, total in totals.items()}


def allowance_items(required, current, rounding, pnl_account):
    """Return the items that bring each partner's allowance from ``current``
    (the credit balance of the allowance account) to ``required``.

    >>> [(i.partner, i.balance) for i in allowance_items(
    ...     {1: 60.0, 2: 80.0}, {2: 100.0, 3: 5.0}, 0.01, "expense")]
    [(1, 60.0), (2, -20.0), (3, -5.0)]
    """
    items = []
    for partner in sorted(set(required) | set(current), key=str):
        units = to_units(required.get(partner, 0.0), rounding) - to_units(
            current.get(partner, 0.0), rounding
        )
        if units:
            amount = from_units(units, rounding)
            items.append(
                Item(partner, partner, None, amount, amount, pnl_account, None)
            )
    return items


class _LabelFormatter(string.Formatter):
    def get_value(self, key, args, kwargs):
        if key not in LABEL_KEYS:
            raise KeyError(key)
        return kwargs.get(key) or ""


def render_label(template, **values):
    """Fill ``template`` (``{rule}``, ``{period}``, … see ``LABEL_KEYS``).

    >>> render_label("Accrued {period} {partner}", period="2026-03", partner="Azure")
    'Accrued 2026-03 Azure'
    >>> render_label("{rule}: {partner}", rule="Accrued")
    'Accrued:'
    """
    return _LabelFormatter().format(template or "", **values).strip()


def label_error(template):
    """Return why ``template`` cannot be rendered, or ``None``.

    >>> label_error("{period} {customer}")
    'unknown placeholder {customer}'
    >>> label_error("{period")
    'unbalanced braces'
    >>> label_error("{rule} {period}") is None
    True
    """
    try:
        render_label(template)
    except KeyError as error:
        return f"unknown placeholder {{{error.args[0]}}}"
    except (ValueError, IndexError):
        return "unbalanced braces"
    return None
