"""Two companies on the running server (issue 14, item 4).

Company B gets its own month through Odoo's flows over RPC (a chart of
accounts, an order delivered and invoiced and paid, an order delivered and
not invoiced), its own posting rule and period, closed (checks, results,
reconciliation lines, entry lines, entries, close pack). Then:

- a Sales Closing Manager of company B only cannot see or touch company A's
  closing records (search, read, read_group, export_data, write, buttons):
  every attempt is counted, 0 may leak;
- a manager of both companies sees both;
- walking company A's period through its locks (and Run Checks) touches none
  of B's documents, periods or lock dates.
"""

from __future__ import annotations

import datetime

import pytest
from rpc import Refused

from conftest import FIGURES, ensure_user, xmlid

#: the closing models of a company, and a harmless write to try on each
CLOSING_MODELS = {
    "sale.closing.period": {"name": "taken"},
    "sale.closing.check": {"sequence": 99},
    "sale.closing.check.result": {"note": "taken"},
    "sale.closing.line": {},
    "sale.closing.posting.rule": {"name": "taken"},
    "sale.closing.entry.line": {},
    "sale.closing.snapshot": {},
    "account.move": {"ref": "taken"},
}
MANAGER = ("sales_closing", "group_sale_closing_manager")
SALES = ("sales_team", "group_sale_salesman_all_leads")
NAME_B = "Company B 乙公司"


def in_b(b_id) -> dict:
    return {"allowed_company_ids": [b_id]}


def closing_entries_domain(company_id):
    return [("sale_closing_period_id", "!=", False), ("company_id", "=", company_id)]


def company_domain(model, company_id):
    if model == "account.move":
        return closing_entries_domain(company_id)
    return [("company_id", "=", company_id)]


@pytest.fixture(scope="module")
def company_a(admin) -> int:
    return admin.call("res.users", "read", [admin.uid], ["company_id"])[0][
        "company_id"
    ][0]


def build_month_b(admin, b_id) -> dict:
    """Company B's month, through Odoo's flows (documents dated today)."""
    ctx = {"context": in_b(b_id)}

    def call(*args, **kwargs):
        # JSON-RPC: Odoo's XML-RPC cannot answer None (try_loading, Validate
        # …) and then rolls the call back
        return admin.call_json(*args, **kwargs)

    # Community hides the full accounting features the chart's reconciliation
    # models need, even from the administrator: lend them for the loading
    full = xmlid(admin, "account", "group_account_user")
    call("res.users", "write", [admin.uid], {"groups_id": [(4, full)]})
    # not an @api.model method: the first argument is the (empty) record ids
    call("account.chart.template", "try_loading", [], "generic_coa", b_id, False, **ctx)
    call("res.users", "write", [admin.uid], {"groups_id": [(3, full)]})
    call("res.company", "write", [b_id], {"sale_closing_allow_early_close": True})
    # Odoo's onboarding makes a company's first warehouse; over RPC, we do
    call(
        "stock.warehouse",
        "create",
        {"name": "B 仓库", "code": "WHB", "company_id": b_id},
        **ctx,
    )
    partner = call("res.partner", "create", {"name": "客户 B", "company_id": b_id})
    product = call(
        "product.product",
        "create",
        {
            "name": "B widget",
            "type": "consu",
            "list_price": 50.0,
            "invoice_policy": "delivery",
            "company_id": b_id,
            "taxes_id": [(6, 0, [])],
        },
        **ctx,
    )
    orders = []
    for quantity in (2, 3):
        order = call(
            "sale.order",
            "create",
            {
                "partner_id": partner,
                "company_id": b_id,
                "order_line": [
                    (0, 0, {"product_id": product, "product_uom_qty": quantity})
                ],
            },
            **ctx,
        )
        call("sale.order", "action_confirm", [order], **ctx)
        pickings = call("sale.order", "read", [order], ["picking_ids"], **ctx)[0][
            "picking_ids"
        ]
        moves = call("stock.picking", "read", pickings, ["move_ids"], **ctx)[0][
            "move_ids"
        ]
        call(
            "stock.move", "write", moves, {"quantity": quantity, "picked": True}, **ctx
        )
        call("stock.picking", "button_validate", pickings, **ctx)
        orders.append(order)
    # the first order invoiced and paid; the second left to accrue
    wizard = call(
        "sale.advance.payment.inv",
        "create",
        {"advance_payment_method": "delivered"},
        context={**in_b(b_id), "active_model": "sale.order", "active_ids": orders[:1]},
    )
    call(
        "sale.advance.payment.inv",
        "create_invoices",
        [wizard],
        context={**in_b(b_id), "active_model": "sale.order", "active_ids": orders[:1]},
    )
    invoice = call(
        "account.move",
        "search",
        [("company_id", "=", b_id), ("move_type", "=", "out_invoice")],
        **ctx,
    )
    call("account.move", "action_post", invoice, **ctx)
    pay = call(
        "account.payment.register",
        "create",
        {},
        context={**in_b(b_id), "active_model": "account.move", "active_ids": invoice},
    )
    call(
        "account.payment.register",
        "action_create_payments",
        [pay],
        context={**in_b(b_id), "active_model": "account.move", "active_ids": invoice},
    )
    return {"orders": orders, "invoices": invoice, "partner": partner}


def posting_rule_b(admin, b_id) -> int:
    ctx = {"context": in_b(b_id)}
    journal = admin.call(
        "account.journal",
        "search",
        [("company_id", "=", b_id), ("type", "=", "general")],
        limit=1,
        **ctx,
    )[0]
    account = admin.call(
        "account.account",
        "create",
        {"name": "应计收入 B", "code": "SCB1", "account_type": "asset_current"},
        **ctx,
    )
    return admin.call(
        "sale.closing.posting.rule",
        "create",
        {
            "name": "Accrued B",
            "rule_type": "accrued",
            "company_id": b_id,
            "journal_id": journal,
            "account_id": account,
        },
        **ctx,
    )


def close(user, period, ctx):
    """Walk ``period`` to Closed, waiving what blocks."""
    for stage_from, stage_to in (
        ("open", "sales_locked"),
        ("sales_locked", "invoicing_locked"),
    ):
        user.call(
            "sale.closing.period",
            "action_advance",
            [period],
            stage_from=stage_from,
            stage_to=stage_to,
            context=ctx,
        )
    user.call("sale.closing.period", "action_run_checks", [period], context=ctx)
    blocking = user.call(
        "sale.closing.check.result",
        "search",
        [
            ("period_id", "=", period),
            ("severity", "=", "blocking"),
            ("waived", "=", False),
        ],
        context=ctx,
    )
    if blocking:
        wizard = user.call(
            "sale.closing.waive",
            "create",
            {"result_ids": [(6, 0, blocking)], "reason": "two companies"},
            context=ctx,
        )
        user.call("sale.closing.waive", "action_waive", [wizard], context=ctx)
    user.call(
        "sale.closing.period",
        "action_advance",
        [period],
        stage_from="invoicing_locked",
        stage_to="closed",
        context=ctx,
    )


@pytest.fixture(scope="module")
def company_b(admin, company_a) -> dict:
    b_id = admin.call("res.company", "create", {"name": NAME_B, "currency_id": 1})
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, b_id)]})
    docs = build_month_b(admin, b_id)
    docs["rule"] = posting_rule_b(admin, b_id)
    today = admin.call("sale.order", "read", docs["orders"][:1], ["date_order"])[0][
        "date_order"
    ][:10]
    # B's own month (no month before it: it closes at once)
    year, month = int(today[:4]), int(today[5:7])
    last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(1)
    period = admin.call(
        "sale.closing.period",
        "create",
        {
            "name": f"B {today[:7]}",
            "company_id": b_id,
            "date_start": f"{today[:8]}01",
            "date_end": last.isoformat(),
        },
        context=in_b(b_id),
    )
    close(admin, period, in_b(b_id))
    periods = [{"id": period}]
    docs.update(id=b_id, period=periods[-1]["id"])
    return docs


@pytest.fixture(scope="module")
def users(admin, company_a, company_b) -> dict:
    b_id = company_b["id"]
    only_b = ensure_user(
        admin,
        "closer.b",
        [MANAGER, SALES],
        company_id=b_id,
        company_ids=[(6, 0, [b_id])],
    )
    both = ensure_user(
        admin,
        "closer.ab",
        [MANAGER, SALES],
        company_id=company_a,
        company_ids=[(6, 0, [company_a, b_id])],
    )
    return {"b": only_b, "ab": both}


def records_of(admin, company_id, ctx) -> dict[str, list[int]]:
    return {
        model: admin.call(
            model, "search", company_domain(model, company_id), context=ctx
        )
        for model in CLOSING_MODELS
    }


def test_company_b_has_its_own_close(admin, company_b):
    """B's month closed with everything a close makes."""
    ctx = in_b(company_b["id"])
    found = records_of(admin, company_b["id"], ctx)
    missing = [model for model, ids in found.items() if not ids]
    assert not missing, f"company B's close made no {missing}"


def test_user_of_b_cannot_reach_a(admin, company_a, company_b, users):
    both_ctx = {"allowed_company_ids": [company_a, company_b["id"]]}
    a_records = records_of(admin, company_a, both_ctx)
    assert all(a_records.values()), a_records
    user = users["b"]
    tried = leaked = 0
    leaks = []

    def expect_refused(what, call):
        nonlocal tried, leaked
        tried += 1
        try:
            call()
        except Refused:
            return
        leaked += 1
        leaks.append(what)

    for model, ids in a_records.items():
        seen = user.call(model, "search", company_domain(model, company_a))
        seen += user.call(model, "search", [("id", "in", ids)])
        tried += 2
        if seen:
            leaked += 1
            leaks.append(f"{model}: search found {len(seen)} of A")
        groups = user.call(
            model, "read_group", [], ["company_id"], ["company_id"], lazy=False
        )
        tried += 1
        if any(g["company_id"] and g["company_id"][0] == company_a for g in groups):
            leaked += 1
            leaks.append(f"{model}: read_group shows A")
        expect_refused(
            f"{model}: read",
            lambda m=model, i=ids: user.call(m, "read", i[:5], ["display_name"]),
        )
        expect_refused(
            f"{model}: export_data",
            lambda m=model, i=ids: user.call(m, "export_data", i[:5], ["display_name"]),
        )
        if CLOSING_MODELS[model]:
            expect_refused(
                f"{model}: write",
                lambda m=model, i=ids: user.call(m, "write", i[:1], CLOSING_MODELS[m]),
            )
    a_period = a_records["sale.closing.period"][0]
    for button in ("action_run_checks", "action_reopen", "action_check_drift"):
        expect_refused(
            f"period: {button}",
            lambda b=button: user.call("sale.closing.period", b, [a_period]),
        )
    # and A's records are as they were
    assert records_of(admin, company_a, both_ctx) == a_records
    FIGURES["two companies: attempts of a company B user on company A"] = (
        f"{tried} tried, {leaked} leaked"
    )
    assert not leaks, leaks


def test_user_of_both_sees_both(admin, company_a, company_b, users):
    user = users["ab"]
    ctx = {"allowed_company_ids": [company_a, company_b["id"]]}
    for model in CLOSING_MODELS:
        if model == "account.move":
            continue
        groups = user.call(
            model,
            "read_group",
            [],
            ["company_id"],
            ["company_id"],
            lazy=False,
            context=ctx,
        )
        companies = {g["company_id"][0] for g in groups if g["company_id"]}
        assert {company_a, company_b["id"]} <= companies, (model, groups)


def b_state(admin, company_b) -> dict:
    ctx = in_b(company_b["id"])
    b_id = company_b["id"]
    return {
        "company": admin.call(
            "res.company",
            "read",
            [b_id],
            [
                "sale_lock_date",
                "sale_closing_sales_lock_date",
                "sale_closing_invoicing_lock_date",
                "write_date",
            ],
            context=ctx,
        ),
        "periods": admin.call(
            "sale.closing.period",
            "search_read",
            [("company_id", "=", b_id)],
            fields=["state", "write_date"],
            order="id",
            context=ctx,
        ),
        "documents": [
            admin.call(
                model,
                "search_read",
                [("company_id", "=", b_id)],
                fields=["write_date"],
                order="id",
                context=ctx,
            )
            for model in (
                "sale.order",
                "stock.picking",
                "account.move",
                "account.payment",
            )
        ],
    }


def reopen_once(admin, period_id):
    action = admin.call("sale.closing.period", "action_reopen", [period_id])
    wizard = admin.call(
        "sale.closing.reopen",
        "create",
        {"reason": "two companies: one stage back"},
        context=action["context"],
    )
    admin.call("sale.closing.reopen", "action_reopen", [wizard])


def test_a_close_never_touches_b(admin, company_a, company_b):
    """Walk A's first unclosed period through its locks, run its checks,
    and walk it back: B's documents, periods and lock dates do not move."""
    before = b_state(admin, company_b)
    period = admin.call(
        "sale.closing.period",
        "search_read",
        [("company_id", "=", company_a), ("state", "!=", "closed")],
        fields=["state", "name"],
        order="date_start",
        limit=1,
    )[0]
    stages = ["open", "sales_locked", "invoicing_locked"]
    start = period["state"]
    assert start in stages, period
    if start == "invoicing_locked":
        reopen_once(admin, period["id"])
        start = "sales_locked"
    for stage_from, stage_to in zip(stages, stages[1:], strict=False):
        if stages.index(stage_from) >= stages.index(start):
            admin.call(
                "sale.closing.period",
                "action_advance",
                [period["id"]],
                stage_from=stage_from,
                stage_to=stage_to,
            )
    admin.call("sale.closing.period", "action_run_checks", [period["id"]])
    if period["state"] != "invoicing_locked":
        for _ in range(
            stages.index("invoicing_locked") - stages.index(period["state"])
        ):
            reopen_once(admin, period["id"])
    after = b_state(admin, company_b)
    assert after == before
    FIGURES["two companies: B rows moved by A's locks"] = 0
