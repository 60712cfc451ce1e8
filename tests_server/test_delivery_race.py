"""A delivery dated in a period is validated while a manager presses Lock
Sales on that period, on a running server with workers (issue 14): either
the delivery lands first (the lock waits for it) or it is refused with the
lock message — never a delivery that commits into a period the lock had
already closed to it while the delivery's transaction still saw it open
("locked-but-changed").

The delivery is dated in the period the way Odoo backdates stock moves: its
accounting date (``force_period_date``, what an inventory adjustment's
accounting date sets), which the lock holds like the move's own date.
"""

from __future__ import annotations

import datetime
import re
import threading
import time

import pytest
from test_stage_race import put_at, state

from conftest import race, record_figure

ROUNDS = 20
#: the delivery's refusal (sale.closing.lock._get_lock_message)
LOCKED = re.compile(r"cannot be validated: it is dated .* in closing period")
#: Lock Sales refused while the period is held (sale_closing_period_guard.py)
HELD = re.compile(r"is being changed right now|are being saved right now")
#: a reply arriving this much earlier than another one was sent earlier
TOLERANCE = 0.25


@pytest.fixture(scope="module")
def keeper(admin):
    """A warehouse user who validates deliveries."""
    from rpc import User  # noqa: PLC0415

    login = "keeper.carl"
    if not admin.call("res.users", "search", [("login", "=", login)]):
        groups = [
            admin.call(
                "ir.model.data",
                "search_read",
                [("module", "=", module), ("name", "=", name)],
                fields=["res_id"],
            )[0]["res_id"]
            for module, name in (
                ("stock", "group_stock_user"),
                ("sales_team", "group_sale_salesman_all_leads"),
            )
        ]
        company = admin.call("res.users", "read", [admin.uid], ["company_id"])[0][
            "company_id"
        ][0]
        admin.call(
            "res.users",
            "create",
            {
                "name": "Keeper Carl",
                "login": login,
                "password": login,
                "company_id": company,
                "company_ids": [(6, 0, [company])],
                "groups_id": [(4, group) for group in groups],
            },
        )
    return User(admin.url, admin.db, login, login).login_xmlrpc()


@pytest.fixture(scope="module")
def stocked(admin):
    """A partner and a storable product with stock enough for every round."""
    products = admin.call(
        "product.product",
        "search_read",
        [("is_storable", "=", True), ("sale_ok", "=", True)],
        fields=["qty_available"],
    )
    product = max(products, key=lambda p: p["qty_available"])
    assert product["qty_available"] >= ROUNDS + 5, products
    partner = admin.call("res.partner", "search", [("customer_rank", ">", 0)], limit=1)
    return {"product": product["id"], "partner": partner[0]}


def ready_delivery(admin, stocked) -> int:
    """Confirm an order of one unit; pick its delivery; return the picking."""
    order = admin.call(
        "sale.order",
        "create",
        {
            "partner_id": stocked["partner"],
            "order_line": [
                (0, 0, {"product_id": stocked["product"], "product_uom_qty": 1})
            ],
        },
    )
    admin.call("sale.order", "action_confirm", [order])
    picking = admin.call("sale.order", "read", [order], ["picking_ids"])[0][
        "picking_ids"
    ][0]
    moves = admin.call("stock.picking", "read", [picking], ["move_ids"])[0]["move_ids"]
    admin.call("stock.move", "write", moves, {"quantity": 1, "picked": True})
    return picking


def picking_state(admin, picking) -> str:
    return admin.call("stock.picking", "read", [picking], ["state"])[0]["state"]


def day_in(period) -> str:
    end = datetime.date.fromisoformat(period["date_end"])
    return (end - datetime.timedelta(days=2)).isoformat()


def timed(call):
    """Wrap ``call`` so that it returns (its result, when it returned)."""
    return lambda: (call(), time.monotonic())


def validate(keeper, picking, period):
    return keeper.call(
        "stock.picking",
        "button_validate",
        [picking],
        context={"force_period_date": day_in(period)},
    )


def lock_sales(manager, period):
    return manager.call(
        "sale.closing.period",
        "action_advance",
        [period["id"]],
        stage_from="open",
        stage_to="sales_locked",
    )


def judge(admin, period, picking, delivery, lock) -> str:
    """Check one round's outcome; return its kind."""
    assert delivery[0] != "error" and lock[0] != "error", (delivery, lock)
    final = state(admin, period)
    done = picking_state(admin, picking) == "done"
    if lock[0] == "refused":
        assert HELD.search(lock[1]), lock
        assert final == "open" and done and delivery[0] == "ok", (delivery, lock)
        return "lock waited too long: refused"
    assert final == "sales_locked", final
    if delivery[0] == "refused":
        assert LOCKED.search(delivery[1]) and period["name"] in delivery[1], delivery
        assert not done, "refused, yet done"
        return "delivery refused with the lock message"
    assert done
    # both committed: the delivery must have committed first (the lock
    # waited for it); a lock answering well before it is locked-but-changed
    delivered_at, locked_at = delivery[1][1], lock[1][1]
    assert locked_at >= delivered_at - TOLERANCE, (
        f"locked-but-changed: Lock Sales answered {delivered_at - locked_at:.2f} s "
        "before the delivery dated in the period committed"
    )
    return "delivery first, lock after it"


def test_delivery_validated_while_lock_sales_runs(
    server, admin, managers, keeper, stocked, period
):
    anna = managers[0]
    kinds: dict[str, int] = {}
    for _ in range(ROUNDS):
        put_at(admin, period, "open")
        picking = ready_delivery(admin, stocked)
        delivery, lock = race(
            timed(lambda p=picking: validate(keeper, p, period)),
            timed(lambda: lock_sales(anna, period)),
        )
        kind = judge(admin, period, picking, delivery, lock)
        kinds[kind] = kinds.get(kind, 0) + 1
    record_figure(server, "race delivery vs Lock Sales: rounds", ROUNDS)
    for kind, count in kinds.items():
        record_figure(server, f"race delivery vs Lock Sales: {kind}", count)
    record_figure(server, "race delivery vs Lock Sales: locked-but-changed", 0)


def in_thread(call):
    """Start ``call`` in a thread; return (thread, its outcome list)."""
    outcome: list = []

    def run():
        try:
            outcome.append(("ok", call(), time.monotonic()))
        except Exception as error:  # noqa: BLE001 -- judged by the test
            kind = "refused" if type(error).__name__ == "Refused" else "error"
            outcome.append((kind, str(error), time.monotonic()))

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def retries_in_log(server) -> int:
    with open(server["log"], encoding="utf-8", errors="replace") as log:
        return sum("SERIALIZATION_FAILURE" in line for line in log)


def test_delivery_in_flight_holds_lock_sales(
    server, admin, managers, keeper, stocked, period, hooks
):
    """The delivery's transaction has passed the lock (and saw the period
    open) and is held there: Lock Sales waits for it, then locks."""
    put_at(admin, period, "open")
    picking = ready_delivery(admin, stocked)
    hooks.arm("period_share_locked", seconds=30)
    delivery_thread, delivery = in_thread(lambda: validate(keeper, picking, period))
    assert hooks.wait_reached(
        "period_share_locked"
    ), "the delivery never reached the lock"
    lock_thread, lock = in_thread(lambda: lock_sales(managers[0], period))
    # without the delivery's share lock, Lock Sales answers within this
    # time even on a loaded machine; with it, it cannot answer before the
    # delivery goes on (it waits up to DOCUMENT_WAIT, 10 s)
    lock_thread.join(timeout=5)
    answered_while_held = list(lock)
    hooks.release("period_share_locked")
    delivery_thread.join(timeout=60)
    lock_thread.join(timeout=60)
    hooks.clear("period_share_locked")
    assert lock and delivery, (lock, delivery)
    assert delivery[0][0] == "ok", delivery
    assert not answered_while_held, (
        f"locked-but-changed: Lock Sales answered {lock} while a delivery dated "
        f"in the period was in flight, and the delivery then committed: {delivery}"
    )
    if lock[0][0] == "refused":  # it waited its 10 s and gave up
        assert HELD.search(lock[0][1]), lock
        assert state(admin, period) == "open"
    else:
        assert lock[0][0] == "ok", lock
        assert state(admin, period) == "sales_locked"
        assert lock[0][2] >= delivery[0][2], "the lock committed before the delivery"
    assert picking_state(admin, picking) == "done"


def test_lock_sales_in_flight_refuses_the_delivery(
    server, admin, managers, keeper, stocked, period, hooks
):
    """Lock Sales has written the stage and is held before its commit: the
    delivery waits for the period's row, gets PostgreSQL's serialization
    failure when the lock commits, and Odoo's replay refuses it."""
    put_at(admin, period, "open")
    picking = ready_delivery(admin, stocked)
    retries = retries_in_log(server)
    hooks.arm("stage_written", seconds=30)
    lock_thread, lock = in_thread(lambda: lock_sales(managers[0], period))
    assert hooks.wait_reached("stage_written"), "Lock Sales never wrote the stage"
    delivery_thread, delivery = in_thread(lambda: validate(keeper, picking, period))
    delivery_thread.join(timeout=2)
    waited = delivery_thread.is_alive()
    hooks.release("stage_written")
    lock_thread.join(timeout=60)
    delivery_thread.join(timeout=60)
    hooks.clear("stage_written")
    assert lock[0][0] == "ok", lock
    assert waited, f"the delivery did not wait for the period: {delivery}"
    assert delivery[0][0] == "refused" and LOCKED.search(delivery[0][1]), delivery
    assert picking_state(admin, picking) != "done"
    replays = retries_in_log(server) - retries
    assert replays >= 1, "Odoo did not replay the delivery after the failure"
    record_figure(server, "race delivery vs Lock Sales: replays seen in log", replays)
