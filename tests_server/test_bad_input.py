"""Bad input through the running server (issue 14, item 5): malformed and
hostile domains on posting rules, percentages and aging buckets out of range
or unsorted, reversed and overlapping periods, a currency without a rate at
the period's end, archived journals and deprecated accounts, a company
without a chart of accounts, missing and 10 MB reasons, non-ASCII
everywhere.

Each attempt must be refused with a message meant for a user (a
UserError/ValidationError, never a traceback), and **nothing is written**:
every stored field of every row of the tables the attempt touches is read
back (archived rows too), ordered and hashed, before and after.
"""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from rpc import Refused

from conftest import FIGURES

#: the tables a refused input could write to, through the module's models
TOUCHED = (
    "sale.closing.period",
    "sale.closing.posting.rule",
    "sale.closing.aging.bucket",
    "sale.closing.check",
    "sale.closing.check.result",
    "sale.closing.line",
    "sale.closing.entry.line",
    "sale.closing.exception",
    "sale.closing.log",
    "sale.closing.snapshot",
    "account.move",
    "account.journal",
    "res.company",
    "mail.message",
)
TRIED: list[str] = []
ROWS_CHANGED: list[str] = []
#: a reason of 10 MB (non-ASCII, so more bytes than characters)
HUGE = "理由" * (5 * 1024 * 1024)
CHINESE = "月末结账 — 測試 ✓ ünïcödé"


#: small tables read whole (every stored field); the others by id and
#: write_date, which every ORM write moves (mail.message: its ids)
WHOLE = {
    "sale.closing.period",
    "sale.closing.posting.rule",
    "sale.closing.aging.bucket",
    "sale.closing.check",
    "sale.closing.exception",
    "account.journal",
}


def stored_fields(admin, model, cache={}) -> list[str]:  # noqa: B006 -- a cache
    if model not in cache:
        described = admin.call(model, "fields_get", attributes=["store", "type"])
        cache[model] = sorted(
            name
            for name, spec in described.items()
            if spec.get("store") and spec["type"] not in ("binary", "one2many")
        )
    return cache[model]


def dump(admin) -> dict[str, str]:
    """Row count and SHA-256 of each touched table's rows in id order."""
    digests = {}
    for model in TOUCHED:
        if model in WHOLE:
            names = stored_fields(admin, model)
        elif model == "res.company":
            names = [n for n in stored_fields(admin, model) if "lock" in n]
            names += ["write_date"]
        else:
            names = ["id"] if model == "mail.message" else ["write_date"]
        rows = admin.call(
            model,
            "search_read",
            [],
            fields=names,
            order="id",
            context={"active_test": False},
        )
        text = json.dumps(rows, sort_keys=True, default=str)
        digests[model] = f"{len(rows)} rows {hashlib.sha256(text.encode()).hexdigest()}"
    return digests


#: the database as it was before the refused inputs (taken again after a
#: test's own allowed set-up, e.g. an archived journal to refuse)
BASELINE: dict[str, dict] = {}


def rebaseline(admin):
    BASELINE["dump"] = dump(admin)


def refused(admin, what, attempt, expect):
    """``attempt`` must be refused with a message matching ``expect``, and
    leave every touched table as it was before the refused inputs."""
    if "dump" not in BASELINE:
        rebaseline(admin)
    before = BASELINE["dump"]
    TRIED.append(what)
    with pytest.raises(Refused) as refusal:
        attempt()
    after = dump(admin)
    moved = [model for model in TOUCHED if before[model] != after[model]]
    ROWS_CHANGED.extend(f"{what}: {model}" for model in moved)
    if moved:  # compare the next inputs with what is there now
        BASELINE["dump"] = after
    message = str(refusal.value)
    assert re.search(expect, message, re.S), f"{what}: unclear refusal: {message}"
    assert not moved, f"{what}: wrote to {moved} although refused"
    return message


@pytest.fixture(scope="module", autouse=True)
def figures():
    yield
    FIGURES["bad inputs tried"] = len(TRIED)
    FIGURES["rows changed by refused inputs"] = len(ROWS_CHANGED)


@pytest.fixture(scope="module")
def rules(admin) -> dict:
    """The demo's posting rules, by type."""
    found = admin.call(
        "sale.closing.posting.rule",
        "search_read",
        [],
        fields=[
            "rule_type",
            "journal_id",
            "account_id",
            "pnl_account_id",
            "company_id",
        ],
    )
    by_type = {rule["rule_type"]: rule for rule in found}
    assert {"accrued", "allowance"} <= by_type.keys(), found
    return by_type


# --- posting rules ------------------------------------------------------------
HOSTILE_DOMAINS = {
    "import os": "[('name', '=', __import__('os').system('true'))]",
    "dunder walk": "[('name', '=', ().__class__.__bases__[0].__subclasses__())]",
    "lambda": "[('name', '=', (lambda: 1)())]",
    "unknown field": "[('no_such_field', '=', 1)]",
    "bad operator": "[('name', '~~', 'x')]",
    "not a list": "{'name': 'x'}",
    "unclosed": "[('name', 'ilike', 'x'",
    "nested 300 deep": "[" * 300 + "]" * 300,
    "SQL in a value": "[('name', '=', \"x'); DELETE FROM sale_order; --\")]",
    "non-ASCII, no match": f"[('name', '=', '{CHINESE}')]",
}


@pytest.mark.parametrize("case", HOSTILE_DOMAINS)
def test_hostile_domain_on_posting_rule(admin, rules, case):
    rule = rules["accrued"]
    message = refused(
        admin,
        f"rule domain: {case}",
        lambda: admin.call(
            "sale.closing.posting.rule",
            "write",
            [rule["id"]],
            {"sale_line_domain": HOSTILE_DOMAINS[case]},
        ),
        r"Posting rule .*(not a valid domain|matches no record)",
    )
    if case == "non-ASCII, no match":
        assert CHINESE in message


def company_buckets(admin, rules) -> tuple[int, list[dict]]:
    """The allowance rule's company and its aging bucket lines (the one
    place the receivables check and the allowance rule read them from)."""
    company = rules["allowance"]["company_id"][0]
    buckets = admin.call(
        "sale.closing.aging.bucket",
        "search_read",
        [("company_id", "=", company)],
        fields=["days_from", "percentage"],
        order="days_from",
    )
    return company, buckets


@pytest.mark.parametrize("percentage", [150.0, -5.0, 100.01])
def test_allowance_percentage_out_of_range(admin, rules, percentage):
    company, buckets = company_buckets(admin, rules)
    last = buckets[-1]["id"]
    refused(
        admin,
        f"allowance percentage {percentage}",
        lambda: admin.call(
            "res.company",
            "write",
            [company],
            {"sale_closing_aging_bucket_ids": [(1, last, {"percentage": percentage})]},
        ),
        r"the aging buckets .* are wrong: percentages are between 0 and 100",
    )


#: changes of the bucket lines, as the settings' inline list sends them
#: (index into the company's buckets sorted by days, new values; None: delete)
BAD_BUCKETS = {
    "two buckets on one day": [(3, {"days_from": 31})],
    "negative days": [(2, {"days_from": -30})],
    "first not at 0 (not due left out)": [(0, {"days_from": 5})],
    "second not at 1": [(1, {"days_from": 2})],
    "a single bucket left": [(1, None), (2, None), (3, None), (4, None)],
}


@pytest.mark.parametrize("case", BAD_BUCKETS)
def test_aging_buckets_unsorted_or_out_of_range(admin, rules, case):
    company, buckets = company_buckets(admin, rules)
    commands = [
        (2, buckets[index]["id"])
        if values is None
        else (1, buckets[index]["id"], values)
        for index, values in BAD_BUCKETS[case]
    ]
    refused(
        admin,
        f"aging buckets: {case}",
        lambda: admin.call(
            "res.company",
            "write",
            [company],
            {"sale_closing_aging_bucket_ids": commands},
        ),
        r"the aging buckets .* are wrong",
    )


def test_archived_journal_and_deprecated_account(admin, rules):
    rule = rules["accrued"]
    company = rule["company_id"][0]
    journal = admin.call(
        "account.journal",
        "create",
        {
            "name": f"Old misc {CHINESE}",
            "code": "OLDMX",
            "type": "general",
            "company_id": company,
        },
    )
    admin.call("account.journal", "write", [journal], {"active": False})
    rebaseline(admin)
    refused(
        admin,
        "rule on an archived journal",
        lambda: admin.call(
            "sale.closing.posting.rule", "write", [rule["id"]], {"journal_id": journal}
        ),
        r"Posting rule .*journal .*archived",
    )
    account = admin.call(
        "account.account",
        "create",
        {
            "name": f"Old accrual {CHINESE}",
            "code": "SC1999",
            "account_type": "asset_current",
            "deprecated": True,
        },
    )
    rebaseline(admin)
    refused(
        admin,
        "rule on a deprecated account",
        lambda: admin.call(
            "sale.closing.posting.rule", "write", [rule["id"]], {"account_id": account}
        ),
        r"cannot use account .*deprecated",
    )


# --- periods ----------------------------------------------------------------
def test_reversed_and_overlapping_periods(admin):
    periods = admin.call(
        "sale.closing.period",
        "search_read",
        [],
        fields=["date_start", "date_end", "company_id", "state"],
        order="date_start",
    )
    first, closed = periods[0], next(p for p in periods if p["state"] == "closed")
    company = first["company_id"][0]
    refused(
        admin,
        "reversed period",
        lambda: admin.call(
            "sale.closing.period",
            "create",
            {
                "name": CHINESE,
                "company_id": company,
                "date_start": "2030-03-31",
                "date_end": "2030-03-01",
            },
        ),
        rf"{CHINESE} ends on .* before it starts",
    )
    refused(
        admin,
        "overlapping period",
        lambda: admin.call(
            "sale.closing.period",
            "create",
            {
                "name": CHINESE,
                "company_id": company,
                "date_start": first["date_start"],
                "date_end": first["date_end"],
            },
        ),
        rf"{CHINESE} .* overlaps period",
    )
    refused(
        admin,
        "closed period redated",
        lambda: admin.call(
            "sale.closing.period", "write", [closed["id"]], {"date_end": "2099-12-31"}
        ),
        r"dates can only change while it is Open",
    )


def test_currency_without_a_rate_at_period_end(admin):
    """An order in a currency that has no rate: Run Checks of its period
    refuses (Odoo would silently convert at 1.0) and writes no result."""
    currency = next(
        c["id"]
        for c in admin.call(
            "res.currency",
            "search_read",
            [("active", "=", False)],
            fields=["name"],
            order="name",
            context={"active_test": False},
        )
        if not admin.call(
            "res.currency.rate", "search_count", [("currency_id", "=", c["id"])]
        )
    )
    admin.call("res.currency", "write", [currency], {"active": True})
    pricelist = admin.call(
        "product.pricelist", "create", {"name": "No rate", "currency_id": currency}
    )
    partner = admin.call("res.partner", "create", {"name": f"Client {CHINESE}"})
    product = admin.call(
        "product.product",
        "search",
        [("sale_ok", "=", True), ("company_id", "=", False)],
        limit=1,
    )[0]
    order = admin.call(
        "sale.order",
        "create",
        {
            "partner_id": partner,
            "pricelist_id": pricelist,
            "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 1})],
        },
    )
    admin.call("sale.order", "action_confirm", [order])
    rebaseline(admin)
    today = admin.call("sale.order", "read", [order], ["date_order"])[0]["date_order"][
        :10
    ]
    period = admin.call(
        "sale.closing.period",
        "search",
        [("date_start", "<=", today), ("date_end", ">=", today)],
    )
    try:
        refused(
            admin,
            "currency without a rate",
            lambda: admin.call("sale.closing.period", "action_run_checks", period),
            r"No exchange rate of .* on or before",
        )
    finally:
        admin.call(
            "sale.order",
            "action_cancel",
            [order],
            context={"disable_cancel_warning": True},
        )


def test_company_without_a_chart(admin, rules):
    company = admin.call("res.company", "create", {"name": f"Sans plan {CHINESE}"})
    rebaseline(admin)
    rule = rules["accrued"]
    refused(
        admin,
        "rule of a company without a chart",
        lambda: admin.call(
            "sale.closing.posting.rule",
            "create",
            {
                "name": CHINESE,
                "rule_type": "accrued",
                "company_id": company,
                "journal_id": rule["journal_id"][0],
                "account_id": rule["account_id"][0],
            },
        ),
        r"Posting rule .*(journal|account).*(of|belongs to)",
    )


# --- reasons ------------------------------------------------------------------
@pytest.mark.parametrize(
    "reason", ["", "   \n\t ", HUGE], ids=["empty", "blank", "10MB"]
)
def test_reasons_missing_or_huge(admin, reason):
    closed = admin.call(
        "sale.closing.period",
        "search",
        [("state", "=", "closed")],
        order="date_start desc",
        limit=1,
    )
    action = admin.call("sale.closing.period", "action_reopen", closed)

    def reopen():
        wizard = admin.call(
            "sale.closing.reopen",
            "create",
            {"reason": reason},
            context=action["context"],
        )
        return admin.call("sale.closing.reopen", "action_reopen", [wizard])

    refused(admin, f"reopen reason {len(reason)} chars", reopen, r"[Rr]eason|Say why")
    refused(
        admin,
        f"lock exception reason {len(reason)} chars",
        lambda: admin.call(
            "sale.closing.exception",
            "create",
            {
                "period_id": closed[0],
                "date_end": "2099-01-01 00:00:00",
                "reason": reason,
            },
        ),
        r"[Rr]eason|Say why",
    )
