# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The aging buckets of a company as 18.0.1.3.0 stored them, turned into the
bucket lines of 18.0.1.4.0 (``migrations/18.0.1.4.0``).

Before, the receivables aging check (``sale.closing.check.aging_buckets``)
and each bad-debt allowance rule (``sale.closing.posting.rule.aging_buckets``
and ``aging_percentages``) held comma-separated texts: the upper limits in
days overdue (``"30,60,90"``: not due, 1-30, 31-60, 61-90, over 90) and one
percentage per bucket, not due first. Now a company has one set of lines,
each starting at a number of days overdue with its percentage.

>>> legacy_buckets("30,60,90", [("30,60,90", "0,5,20,50,100")], DEFAULTS)
(None, None)
>>> legacy_buckets("30,90", [("30,90", "0,10,40,100")], DEFAULTS)
([(0, 0.0), (1, 10.0), (31, 40.0), (91, 100.0)], None)
>>> legacy_buckets("30,90", [("30,60,90", "0,5,20,50,100")], DEFAULTS)[1]
'the receivables aging check has buckets 30,90 but an allowance rule has 30,60,90'
"""

#: the defaults of 18.0.1.4.0 (models/sale_closing_aging_bucket.py), for the
#: doctests
DEFAULTS = [(0, 0.0), (1, 5.0), (31, 20.0), (61, 50.0), (91, 100.0)]


def parse_limits(text):
    """Parse the old ``"30,60,90"`` into ``[30, 60, 90]``; a ``ValueError``
    for anything else (as 18.0.1.3.0 refused it).

    >>> parse_limits(" 30, 60 ,90")
    [30, 60, 90]
    """
    try:
        limits = [int(part) for part in (text or "").split(",") if part.strip()]
    except ValueError as error:
        raise ValueError("aging buckets are whole numbers of days") from error
    if not limits or any(limit <= 0 for limit in limits):
        raise ValueError("aging buckets are positive numbers of days")
    if limits != sorted(set(limits)):
        raise ValueError("aging buckets must increase")
    return limits


def parse_percentages(text, limits):
    """Parse the old one-percentage-per-bucket text of ``limits`` (not due
    first, then each bucket, then over the last limit).

    >>> parse_percentages("0, 5, 20, 50, 100", [30, 60, 90])
    [0.0, 5.0, 20.0, 50.0, 100.0]
    """
    try:
        values = [float(part) for part in (text or "").split(",") if part.strip()]
    except ValueError as error:
        raise ValueError("percentages are numbers") from error
    expected = len(limits) + 2
    if len(values) != expected:
        raise ValueError(f"{expected} percentages are needed, one per bucket")
    if any(value < 0 or value > 100 for value in values):
        raise ValueError("percentages are between 0 and 100")
    return values


def starts_of(limits):
    """Return the days overdue each bucket of ``limits`` starts at.

    >>> starts_of([30, 60, 90])
    [0, 1, 31, 61, 91]
    """
    return [0, 1] + [limit + 1 for limit in limits]


def default_rate(start, defaults):
    """Return the percentage of the default bucket ``start`` falls in (a
    bucket the old texts had and the defaults do not).

    >>> default_rate(16, DEFAULTS), default_rate(181, DEFAULTS)
    (5.0, 100.0)
    """
    return [rate for days, rate in sorted(defaults) if days <= start][-1]


def legacy_buckets(check_text, rules, defaults):
    """Return ``(buckets, problem)`` for one company: the ``(days_from,
    percentage)`` lines its old texts give, or None to keep ``defaults``
    (the texts are the defaults, or there are none), and ``problem``, a
    sentence saying why the defaults are kept although the texts differ
    from them (they disagree, or one is invalid), else None.

    :param check_text: ``aging_buckets`` of the company's receivables aging
        check, or None without one
    :param rules: ``(aging_buckets, aging_percentages)`` of its allowance
        rules
    :param defaults: the default ``(days_from, percentage)`` lines
    """
    named = ([("the receivables aging check", check_text)] if check_text else []) + [
        ("an allowance rule", buckets) for buckets, _rates in rules
    ]
    limit_sets = []
    for who, text in named:
        try:
            limits = parse_limits(text)
        except ValueError as error:
            return None, f"{who} has invalid aging buckets {text!r}: {error}"
        if limits not in (found for _who, _text, found in limit_sets):
            limit_sets.append((who, text, limits))
    if not limit_sets:
        return None, None
    if len(limit_sets) > 1:
        (who, text, _l), (other, other_text, _o) = limit_sets[:2]
        return None, f"{who} has buckets {text} but {other} has {other_text}"
    limits = limit_sets[0][2]
    rate_sets = []
    for _buckets, text in rules:
        try:
            rates = parse_percentages(text, limits)
        except ValueError as error:
            return None, f"an allowance rule has invalid percentages {text!r}: {error}"
        if rates not in rate_sets:
            rate_sets.append(rates)
    if len(rate_sets) > 1:
        return None, (
            "the allowance rules have different percentages: "
            + " and ".join(",".join(f"{r:g}" for r in rates) for rates in rate_sets)
        )
    starts = starts_of(limits)
    rates = rate_sets[0] if rate_sets else [default_rate(s, defaults) for s in starts]
    buckets = list(zip(starts, rates, strict=True))
    if buckets == [(days, float(rate)) for days, rate in defaults]:
        return None, None
    return buckets, None
