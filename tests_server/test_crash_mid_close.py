"""A worker killed (SIGKILL) at each step of the close, on a running server
with workers (issue 14): the period is exactly where it was — same stage, no
new entries, no reversals, the Sales Lock Date and the lock horizons
unchanged, no close pack — and the close then succeeds.

The add-on's test-only pauses (``sales_closing/lib/test_hooks.py``, armed
through the directory the server stage gives the server) hold the worker at
the named step; the suite reads its pid from the hook and kills it. Odoo's
prefork master starts a new worker in its place.
"""

from __future__ import annotations

import time

import pytest
from test_delivery_race import in_thread
from test_stage_race import closable, put_at, state  # noqa: F401 -- fixture

from conftest import record_figure

#: (hook step, stage before, stage asked for)
STEPS = [
    ("checks_done", "invoicing_locked", "closed"),
    ("posting", "invoicing_locked", "closed"),
    ("reversals", "invoicing_locked", "closed"),
    ("lock_date", "sales_locked", "invoicing_locked"),
    ("pack", "invoicing_locked", "closed"),
]
KILLS = {"survived": 0}


def where(admin, period) -> dict:
    """Everything a close may write, as one comparable picture."""
    company = admin.call("sale.closing.period", "read", [period["id"]], ["company_id"])[
        0
    ]["company_id"][0]
    lock_dates = admin.call(
        "res.company",
        "read",
        [company],
        [
            "sale_lock_date",
            "sale_closing_sales_lock_date",
            "sale_closing_invoicing_lock_date",
        ],
    )[0]
    snapshots = admin.call(
        "sale.closing.snapshot", "search", [("period_id", "=", period["id"])]
    )
    return {
        "stage": state(admin, period),
        "entries by kind and state": sorted(
            (row["sale_closing_kind"], row["state"], row["sale_closing_cancelled"])
            for row in admin.call(
                "account.move",
                "search_read",
                [("sale_closing_period_id", "=", period["id"])],
                fields=["sale_closing_kind", "state", "sale_closing_cancelled"],
            )
        ),
        "lock dates": lock_dates,
        "snapshots": snapshots,
        "pack files": admin.call(
            "ir.attachment",
            "search_count",
            [("res_model", "=", "sale.closing.snapshot")],
        ),
    }


def wait_until_served(admin, timeout=120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            admin.call("res.users", "read", [admin.uid], ["login"])
            return
        except Exception:  # noqa: BLE001 -- a worker is being replaced
            time.sleep(0.5)
    pytest.fail("the server did not serve again after the kill")


@pytest.mark.parametrize(("step", "before", "target"), STEPS)
def test_worker_killed_mid_close(
    server,
    admin,
    managers,
    closable,  # noqa: F811 -- the fixture imported above
    hooks,
    step,
    before,
    target,
):
    put_at(admin, closable, before)
    picture = where(admin, closable)
    hooks.arm(step, seconds=120)
    # JSON-RPC through urllib: Python's XML-RPC client would send the
    # request again on a new connection once the worker dies
    thread, outcome = in_thread(
        lambda: managers[0].call_json(
            "sale.closing.period",
            "action_advance",
            [closable["id"]],
            stage_from=before,
            stage_to=target,
        )
    )
    pid = hooks.wait_reached(step)
    assert pid, f"the close never reached step {step}"
    assert hooks.kill(pid), f"worker {pid} survived SIGKILL"
    thread.join(timeout=60)
    hooks.clear(step)
    # the connection broke: no answer, and no second attempt
    assert outcome and outcome[0][0] == "error", outcome
    wait_until_served(admin)
    assert where(admin, closable) == picture, f"the kill at {step} left a trace"
    KILLS["survived"] += 1
    # and the close then succeeds
    managers[0].call(
        "sale.closing.period",
        "action_advance",
        [closable["id"]],
        stage_from=before,
        stage_to=target,
    )
    after = where(admin, closable)
    assert after["stage"] == target
    if target == "closed":
        live = [e for e in after["entries by kind and state"] if e[0] == "entry"]
        assert len(live) > len(
            [e for e in picture["entries by kind and state"] if e[0] == "entry"]
        ), after
        assert len(after["snapshots"]) == len(picture["snapshots"]) + 1
    else:
        assert after["lock dates"]["sale_lock_date"] == closable["date_end"]
    record_figure(server, "kills mid-close survived", KILLS["survived"])
    record_figure(server, "kills mid-close: rows left behind", 0)
