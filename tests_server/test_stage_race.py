"""Two closing managers press the same stage button at the same instant, on
a running server with workers (issue 16): exactly one wins, the other is
refused with a clear message, no stage is ever skipped, and the period never
gets two live sets of period-end entries. The same for Close against Run
Checks, and for Reopen pressed twice."""

from __future__ import annotations

import re

import pytest

from conftest import race

STAGES = ["open", "sales_locked", "invoicing_locked", "closed"]
ROUNDS = 20
#: what the loser reads: the row is held, or the stage moved on meanwhile
REFUSAL = re.compile(
    r"is being changed right now|is already at .*, not at .* any more|"
    r"Refresh and try again"
)


def state(user, period) -> str:
    return user.call("sale.closing.period", "read", [period["id"]], ["state"])[0][
        "state"
    ]


def live_entries(user, period, kinds=("entry",)) -> list[int]:
    """The period-end entries (or other kinds) of ``period`` not undone."""
    return user.call(
        "account.move",
        "search",
        [
            ("sale_closing_period_id", "=", period["id"]),
            ("sale_closing_kind", "in", list(kinds)),
            ("sale_closing_cancelled", "=", False),
            ("state", "=", "posted"),
        ],
    )


def put_at(user, period, stage):
    """Walk ``period`` to ``stage`` one step at a time, as one manager."""
    while STAGES.index(current := state(user, period)) != STAGES.index(stage):
        if STAGES.index(current) < STAGES.index(stage):
            nxt = STAGES[STAGES.index(current) + 1]
            user.call(
                "sale.closing.period",
                "action_advance",
                [period["id"]],
                stage_from=current,
                stage_to=nxt,
            )
        else:
            reopen(user, period, current)


def reopen_wizard(user, period, stage_seen, channel="xmlrpc"):
    """Open the Reopen dialog as the form's button does, fill in a reason:
    return a function that presses its Reopen One Stage button."""
    call = user.call if channel == "xmlrpc" else user.call_json
    action = call("sale.closing.period", "action_reopen", [period["id"]])
    assert action["context"]["default_stage_from"] == stage_seen
    wizard = call(
        "sale.closing.reopen",
        "create",
        {"reason": "race test: reopened again"},
        context=action["context"],
    )
    return lambda: call("sale.closing.reopen", "action_reopen", [wizard])


def reopen(user, period, stage_seen):
    return reopen_wizard(user, period, stage_seen)()


@pytest.fixture(scope="module")
def closable(admin, period):
    """The period with its blocking problems waived, so that it can close."""
    put_at(admin, period, "invoicing_locked")
    admin.call("sale.closing.period", "action_run_checks", [period["id"]])
    blocking = admin.call(
        "sale.closing.check.result",
        "search",
        [
            ("period_id", "=", period["id"]),
            ("severity", "=", "blocking"),
            ("waived", "=", False),
        ],
    )
    if blocking:
        wizard = admin.call(
            "sale.closing.waive",
            "create",
            {"result_ids": [(6, 0, blocking)], "reason": "race test"},
        )
        admin.call("sale.closing.waive", "action_waive", [wizard])
    return period


def button_context(admin, stage) -> dict:
    """The context the period form's button for ``stage`` sends."""
    arch = admin.call("sale.closing.period", "get_views", [[False, "form"]])["views"][
        "form"
    ]["arch"]
    for match in re.finditer(r"<button [^>]*>", arch):
        tag = match.group(0)
        if 'name="action_advance"' in tag and f"state != '{stage}'" in tag:
            found = re.search(r'context="([^"]*)"', tag).group(1)
            return eval(found.replace("&apos;", "'"))  # noqa: S307 -- a dict literal
    raise AssertionError(f"no stage button shown at {stage}")


@pytest.mark.parametrize("stage", STAGES[:3])
def test_same_button_pressed_twice_at_once(admin, managers, closable, stage):
    anna, ben = managers
    target = STAGES[STAGES.index(stage) + 1]
    context = button_context(admin, stage)
    assert context == {
        "sale_closing_stage_from": stage,
        "sale_closing_stage_to": target,
    }
    for _ in range(ROUNDS):
        put_at(admin, closable, stage)
        for user in (anna, ben):
            user.login_web()
        outcomes = race(
            *(
                (
                    lambda u=user: u.press_button(
                        "sale.closing.period",
                        [closable["id"]],
                        "action_advance",
                        context,
                    )
                )
                for user in (anna, ben)
            )
        )
        kinds = sorted(kind for kind, _ in outcomes)
        assert kinds == ["ok", "refused"], outcomes
        refusal = next(text for kind, text in outcomes if kind == "refused")
        assert REFUSAL.search(refusal), refusal
        assert state(admin, closable) == target, "a stage was skipped"
        if target == "closed":
            assert len(live_entries(admin, closable)) >= 1
            rules = admin.call(
                "account.move",
                "read",
                live_entries(admin, closable),
                ["sale_closing_rule_id"],
            )
            per_rule = [row["sale_closing_rule_id"][0] for row in rules]
            assert len(per_rule) == len(set(per_rule)), "two live sets"


def test_close_against_run_checks(admin, managers, closable):
    anna, ben = managers
    seen = []
    for _ in range(ROUNDS):
        put_at(admin, closable, "invoicing_locked")
        outcomes = race(
            lambda: anna.call(
                "sale.closing.period",
                "action_advance",
                [closable["id"]],
                stage_from="invoicing_locked",
                stage_to="closed",
            ),
            lambda: ben.call(
                "sale.closing.period", "action_run_checks", [closable["id"]]
            ),
        )
        assert all(kind != "error" for kind, _ in outcomes), outcomes
        close, checks = outcomes
        for kind, text in outcomes:
            if kind == "refused":
                assert REFUSAL.search(text) or "is closed: its figures are frozen" in (
                    text
                ), text
        final = state(admin, closable)
        assert final == ("closed" if close[0] == "ok" else "invoicing_locked")
        if final == "closed":
            entries = live_entries(admin, closable)
            rules = admin.call(
                "account.move", "read", entries, ["sale_closing_rule_id"]
            )
            per_rule = [row["sale_closing_rule_id"][0] for row in rules]
            assert len(per_rule) == len(set(per_rule)), "two live sets"
        seen.append((close[0], checks[0]))
    assert ("ok", "ok") in seen or ("ok", "refused") in seen, seen


def test_reopen_pressed_twice_at_once(admin, managers, closable):
    anna, ben = managers
    for round_ in range(ROUNDS):
        put_at(admin, closable, "closed")
        cancels_before = admin.call(
            "account.move",
            "search_count",
            [
                ("sale_closing_period_id", "=", closable["id"]),
                ("sale_closing_kind", "=", "cancel"),
            ],
        )
        # a reopening reverses each posted entry and each posted reversal once
        live = len(live_entries(admin, closable, ("entry", "reversal")))
        channel = "xmlrpc" if round_ % 2 else "jsonrpc"
        outcomes = race(
            reopen_wizard(anna, closable, "closed", channel),
            reopen_wizard(ben, closable, "closed", channel),
        )
        kinds = sorted(kind for kind, _ in outcomes)
        assert kinds == ["ok", "refused"], outcomes
        refusal = next(text for kind, text in outcomes if kind == "refused")
        assert REFUSAL.search(refusal), refusal
        assert state(admin, closable) == "invoicing_locked", "reopened two stages"
        cancels = admin.call(
            "account.move",
            "search_count",
            [
                ("sale_closing_period_id", "=", closable["id"]),
                ("sale_closing_kind", "=", "cancel"),
            ],
        )
        assert live and cancels - cancels_before == live, "entries reversed twice"
        assert not live_entries(admin, closable)
