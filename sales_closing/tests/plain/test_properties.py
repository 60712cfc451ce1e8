# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Property-based tests (hypothesis) of the plain-Python rules in ``lib/``:
whatever the amounts, currencies, keys, dates and histories, the entries
balance, grouping keeps every cent and every source, amounts round as Odoo
rounds them, an aging bucket is the one its days fall in, periods tile the
year without overlap, the canonical serialisation reads back to itself, and
the anomaly statistics keep their invariants."""

import datetime
import decimal
import io
import math

import pytest

hypothesis = pytest.importorskip("hypothesis")

from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sales_closing.lib import (  # noqa: E402
    anomalies,
    canonical,
    entries,
    figures,
    periods,
    reasons,  # noqa: E402
)

settings.register_profile(
    "sales_closing", max_examples=40, deadline=None, database=None
)
settings.load_profile("sales_closing")

ROUNDINGS = {"USD": 0.01, "EUR": 0.01, "JPY": 1.0, "KWD": 0.001}
cents = st.integers(min_value=-(10**9), max_value=10**9)


@st.composite
def items(draw):
    """Items of one rule, amounts in whole units of their currency (as the
    figures hand them over, already rounded)."""
    count = draw(st.integers(min_value=0, max_value=15))
    result = []
    for source in range(count):
        currency = draw(st.sampled_from(sorted(ROUNDINGS)))
        balance = draw(cents) / 100
        amount = draw(st.integers(-(10**9), 10**9)) * ROUNDINGS[currency]
        result.append(
            entries.Item(
                source,
                draw(st.sampled_from(["Azure", "Deco", "月末客户", None])),
                currency,
                round(amount, 3),
                balance,
                draw(st.sampled_from(["income", "收入", "other income"])),
                draw(st.sampled_from([None, "a", "b"])),
            )
        )
    return result


keys = st.sets(st.sampled_from(entries.GROUPING_KEYS)).map(sorted)


# --- entries ---------------------------------------------------------------------
@given(items(), keys, st.sampled_from([1, -1]))
def test_entries_always_balance_and_keep_every_cent(found, grouping, sign):
    lines = entries.group_lines(found, "accrued", sign, grouping, "USD", ROUNDINGS)
    entries.check_balanced(lines, 0.01)
    balance_sheet = sum(
        entries.to_units(line["balance"], 0.01)
        for line in lines
        if line["account"] == "accrued"
    )
    assert balance_sheet == sign * sum(entries.to_units(i.balance, 0.01) for i in found)
    # every source with an amount is on a line; no line sums to zero
    on_lines = {source for line in lines for source in line["sources"]}
    assert {i.source for i in found if i.balance} <= on_lines
    assert all(line["balance"] or line["amount_currency"] for line in lines)


@given(items(), keys)
def test_grouping_is_finer_with_more_keys(found, grouping):
    coarse = entries.group_lines(found, "accrued", 1, [], "USD", ROUNDINGS)
    fine = entries.group_lines(found, "accrued", 1, grouping, "USD", ROUNDINGS)
    assert len(fine) >= len(coarse)
    for account in {line["account"] for line in coarse}:
        assert sum(
            entries.to_units(line["balance"], 0.01)
            for line in fine
            if line["account"] == account
        ) == sum(
            entries.to_units(line["balance"], 0.01)
            for line in coarse
            if line["account"] == account
        )


@given(items(), st.floats(min_value=0, max_value=10**6, allow_nan=False))
def test_threshold_splits_without_losing_items(found, threshold):
    kept, skipped = entries.split_threshold(found, threshold)
    assert sorted(kept + skipped, key=lambda i: i.source) == found
    assert all(abs(i.balance) >= threshold and i.balance for i in kept)


# --- rounding -------------------------------------------------------------------
@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False),
    st.sampled_from([0.01, 1.0, 0.001, 0.05]),
)
def test_rounding_is_half_away_from_zero_to_the_step(value, rounding):
    rounded = figures.float_round(float(value), rounding)
    step = decimal.Decimal(repr(rounding))
    exact = (value / step).quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP) * step
    assert math.isclose(rounded, float(exact), abs_tol=rounding / 1000)
    assert canonical.amount(rounded, rounding) == canonical.amount(
        float(value), rounding
    )
    units = entries.to_units(float(value), rounding)
    assert math.isclose(entries.from_units(units, rounding), rounded, abs_tol=1e-9)


# --- aging buckets ---------------------------------------------------------------
bucket_limits = st.lists(
    st.integers(min_value=1, max_value=3650), min_size=1, max_size=8, unique=True
).map(sorted)


@given(bucket_limits, st.integers(min_value=-400, max_value=5000))
def test_aging_bucket_is_where_the_days_fall(limits, days):
    labels = figures.bucket_labels(limits)
    label = figures.aging_bucket(days, limits)
    assert label in labels
    index = labels.index(label)
    if days <= 0:
        assert index == 0
    elif days > limits[-1]:
        assert index == len(labels) - 1
    else:
        assert (limits[index - 2] if index > 1 else 0) < days <= limits[index - 1]
    # the bucket lines that give these limits: not due (0), overdue (1), ...
    assert figures.aging_limits([0, 1] + [limit + 1 for limit in limits]) == limits


@given(st.lists(st.integers(min_value=-100, max_value=400), min_size=0, max_size=6))
def test_bucket_lines_leaving_receivables_out_are_refused(starts):
    valid = (
        len(starts) >= 2
        and starts[:2] == [0, 1]
        and all(low < high for low, high in zip(starts, starts[1:], strict=False))
    )
    assume(not valid)
    with pytest.raises(ValueError):
        figures.aging_limits(starts)


@given(bucket_limits, st.data())
def test_percentages_in_range_accepted_others_refused(limits, data):
    starts = [0, 1] + [limit + 1 for limit in limits]
    count = len(starts)
    good = data.draw(st.lists(st.integers(0, 100), min_size=count, max_size=count))
    assert figures.aging_limits(starts, good) == limits
    bad = list(good)
    bad[data.draw(st.integers(0, count - 1))] = data.draw(
        st.one_of(st.integers(max_value=-1), st.integers(min_value=101))
    )
    with pytest.raises(ValueError):
        figures.aging_limits(starts, bad)
    with pytest.raises(ValueError):
        figures.aging_limits(starts, good[:-1])


@given(
    bucket_limits,
    st.lists(
        st.tuples(
            st.sampled_from([1, 2, 3]),
            st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 1, 1)),
            st.integers(-(10**7), 10**7).map(lambda c: c / 100),
        ),
        max_size=30,
    ),
)
def test_allowance_is_between_nothing_and_all_that_is_due(limits, residuals):
    percentages = [0] + [min(100, 10 * n) for n in range(1, len(limits) + 2)]
    required = entries.allowance_required(
        residuals, datetime.date(2026, 10, 31), limits, percentages, 0.01
    )
    for partner, amount in required.items():
        due = sum(r for p, _d, r in residuals if p == partner and r > 0)
        assert -0.005 <= amount <= due + 0.005


# --- periods ----------------------------------------------------------------------
@given(
    st.integers(min_value=1901, max_value=2999), st.sampled_from(["month", "quarter"])
)
def test_periods_tile_the_year(year, period_type):
    ranges = periods.period_ranges(year, period_type)
    assert ranges[0][1] == datetime.date(year, 1, 1)
    assert ranges[-1][2] == datetime.date(year, 12, 31)
    for (_n, _s, end), (_m, start, _e) in zip(ranges, ranges[1:], strict=False):
        assert start == end + datetime.timedelta(days=1)
        assert not periods.overlaps(_s, end, start, _e)
    day = datetime.date(year, 1, 1)
    while day.year == year:
        found = [r for r in ranges if r[1] <= day <= r[2]]
        assert len(found) == 1
        day += datetime.timedelta(days=17)


dates = st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1))


@given(dates, dates, dates, dates)
def test_overlap_is_symmetric_and_means_a_shared_day(a, b, c, d):
    start_a, end_a = sorted((a, b))
    start_b, end_b = sorted((c, d))
    shared = max(start_a, start_b) <= min(end_a, end_b)
    assert periods.overlaps(start_a, end_a, start_b, end_b) is shared
    assert periods.overlaps(start_b, end_b, start_a, end_a) is shared


@given(st.sampled_from(periods.STAGES), st.sampled_from([*periods.STAGES, None]))
def test_stages_move_one_step_at_a_time(stage, previous):
    refusal = periods.advance_refusal(
        stage, previous, datetime.date(2026, 10, 31), datetime.date(2026, 11, 5), False
    )
    target = periods.next_stage(stage)
    if target is None:
        assert refusal == ("last_stage", None)
    elif previous is not None and periods.stage_index(previous) < periods.stage_index(
        target
    ):
        assert refusal == ("previous_behind", target)
    else:
        assert refusal is None
        assert periods.stage_index(target) == periods.stage_index(stage) + 1


# --- canonical serialisation ------------------------------------------------------
json_text = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=20
)  # any Unicode but lone surrogates, which UTF-8 cannot carry
payloads = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**53), 2**53),
        json_text,
        cents.map(lambda c: canonical.amount(c / 100)),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(json_text, inner, max_size=5)
    ),
    max_leaves=30,
)


@given(payloads)
def test_canonical_round_trip(payload):
    data = canonical.dumps(payload)
    assert canonical.is_canonical(data)
    assert canonical.dumps(canonical.loads(data)) == data
    assert canonical.fingerprint(data) == canonical.fingerprint(
        canonical.dumps(canonical.loads(data))
    )


@given(cents, st.sampled_from([0.01, 1.0, 0.001]))
def test_canonical_amount_reads_back(units, rounding):
    value = units * rounding
    text = canonical.amount(value, rounding)
    assert math.isclose(canonical.to_float(text), round(value, 3), abs_tol=rounding / 2)
    assert canonical.amount(canonical.to_float(text), rounding) == text


def reference_amount(value, rounding):
    """``canonical.amount`` as it was first written (one Decimal path for
    every step): the fast formatter must give the same text."""
    digits = canonical.digits_of(rounding)
    step = decimal.Decimal(repr(rounding))
    exact = decimal.Decimal(repr(float(value or 0.0)))
    units = (exact / step).quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP)
    result = (units * step).quantize(decimal.Decimal(1).scaleb(-digits))
    if result == 0:
        result = abs(result)
    return f"{result:.{digits}f}"


@given(
    st.floats(min_value=-(10**9), max_value=10**9, allow_nan=False),
    st.sampled_from([0.01, 1.0, 0.001, 0.05, 0.5, 1e-6, 1e-10, 10.0]),
)
def test_canonical_amount_is_the_reference_rounding(value, rounding):
    assert canonical.amount(value, rounding) == reference_amount(value, rounding)


@given(
    st.dictionaries(json_text, payloads, max_size=5),
    st.dictionaries(json_text, st.lists(payloads, max_size=6), max_size=3),
)
def test_streamed_write_is_dumps_and_reads_back(head, arrays):
    assume(not set(head) & set(arrays))
    whole = canonical.dumps({**head, **arrays})
    out = canonical.HashingWriter(io.BytesIO())
    canonical.write(
        out, head, {key: canonical.array_body(items) for key, items in arrays.items()}
    )
    assert out.out.getvalue() == whole
    assert out.fingerprint() == canonical.fingerprint(whole)
    reader = canonical.Reader(whole)
    assert reader.head(skip=tuple(arrays)) == canonical.loads(canonical.dumps(head))
    for key, items in arrays.items():
        assert list(reader.items(key)) == canonical.loads(canonical.dumps(items))
    # read in chunks of 3 bytes: values and UTF-8 characters cut anywhere
    chunk = canonical._Scanner.CHUNK
    canonical._Scanner.CHUNK = 3
    try:
        assert canonical.Reader(whole).sections() == canonical.loads(whole)
        assert canonical.Reader(whole).head(skip=tuple(arrays)) == (
            canonical.loads(canonical.dumps(head))
        )
    finally:
        canonical._Scanner.CHUNK = chunk


# --- anomaly statistics -------------------------------------------------------------
history = st.lists(
    st.floats(min_value=-(10**6), max_value=10**6, allow_nan=False),
    min_size=1,
    max_size=24,
)


@given(history)
def test_median_and_mad_invariants(values):
    center = anomalies.median(values)
    assert min(values) <= center <= max(values)
    below = sum(v <= center for v in values)
    above = sum(v >= center for v in values)
    assert below >= len(values) / 2 and above >= len(values) / 2
    assert anomalies.mad(values) >= 0
    shifted = [v + 1000 for v in values]
    assert math.isclose(anomalies.mad(shifted), anomalies.mad(values), abs_tol=1e-6)


@given(history, st.floats(min_value=-(10**6), max_value=10**6, allow_nan=False))
def test_robust_z_sign_and_size(values, value):
    score = anomalies.robust_z(value, values)
    if len(values) < anomalies.MIN_MONTHS:
        assert score is None
        return
    # the score has the sign of the distance to the median (a tiny distance
    # over a wide spread may underflow to zero)
    center = anomalies.median(values)
    if value > center:
        assert score >= 0
    elif value < center:
        assert score <= 0
    else:
        assert score == 0
    if math.isinf(score):
        assert len({*values}) == 1


# --- reasons ----------------------------------------------------------------------
@given(
    st.one_of(
        st.text(max_size=50),
        st.sampled_from([1999, 2000, 2001]).map(lambda n: " " + "理" * n + "\n"),
    )
)
def test_reason_problem(text):
    problem = reasons.reason_problem(text)
    stripped = text.strip()
    if not stripped:
        assert problem == "missing"
    elif len(stripped) > reasons.MAX_REASON_LENGTH:
        assert problem == "too_long"
    else:
        assert problem is None
