"""Fixtures of the tests against a running Odoo server (``tests_server/``).

``python3 tools/dev.py test`` starts the server (with workers) on the demo
database it has just built through Odoo's flows and passes it in
``SALES_CLOSING_SERVER`` (JSON: ``url``, ``db``, ``login``, ``password``).
Without it these tests are skipped, and say so.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rpc import Refused, User  # noqa: E402

MANAGER_GROUP = ("sales_closing", "group_sale_closing_manager")


@pytest.fixture(scope="session")
def server() -> dict:
    raw = os.environ.get("SALES_CLOSING_SERVER")
    if not raw:
        pytest.skip(
            "SERVER TESTS SKIPPED: no running Odoo server "
            "(python3 tools/dev.py test starts one)"
        )
    return json.loads(raw)


@pytest.fixture(scope="session")
def admin(server) -> User:
    return User(
        server["url"], server["db"], server["login"], server["password"]
    ).login_xmlrpc()


def xmlid(user: User, module: str, name: str) -> int:
    rows = user.call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )
    return rows[0]["res_id"]


@pytest.fixture(scope="session")
def managers(admin) -> list[User]:
    """Two Sales Closing Managers of the admin's company, as separate users."""
    company = admin.call("res.users", "read", [admin.uid], ["company_id"])[0][
        "company_id"
    ][0]
    return [
        ensure_user(
            admin,
            login,
            [MANAGER_GROUP],
            company_id=company,
            company_ids=[(6, 0, [company])],
        )
        for login in ("closer.anna", "closer.ben")
    ]


@pytest.fixture(scope="session")
def period(admin) -> dict:
    """The first ended period that is open while the one before it is closed
    (the demo closes its oldest month and leaves the next one open)."""
    periods = admin.call(
        "sale.closing.period",
        "search_read",
        [],
        fields=["name", "state", "date_end"],
        order="date_start asc",
    )
    for previous, current in zip(periods, periods[1:], strict=False):
        if previous["state"] == "closed" and current["state"] == "open":
            return current
    pytest.fail(f"no open period after a closed one: {periods}")


def race(*calls) -> list[tuple[str, object]]:
    """Run the callables at the same instant in threads (separate HTTP
    requests); return ``("ok", result)`` or ``("refused", message)`` each."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = ("ok", call())
        except Refused as refusal:
            results[index] = ("refused", str(refusal))
        except Exception as error:  # noqa: BLE001 -- reported by the test
            results[index] = ("error", f"{type(error).__name__}: {error}")

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return results


# --- figures and test hooks (issue 14) ---------------------------------------

#: figures the tests report (rounds, kills, matrix cells, bad inputs...):
#: printed at the end of the pytest run and written, as JSON, to the server
#: stage's ``figures`` file, which the stage prints with its own
FIGURES: dict[str, object] = {}


def record_figure(server: dict, name: str, value) -> None:
    """Keep a figure of this run for the stage's summary (see ``FIGURES``)."""
    del server  # kept for the callers' symmetry with the fixtures
    FIGURES[name] = value


@pytest.fixture(scope="session")
def hooks(server):
    """The test-hook directory of the server (``lib/test_hooks.py``)."""
    from hooks import Hooks  # noqa: PLC0415 -- beside this file

    if not server.get("hooks"):
        pytest.skip("the server runs without SALES_CLOSING_TEST_HOOKS")
    return Hooks(Path(server["hooks"]))


def ensure_user(admin: User, login: str, groups: list[tuple[str, str]], **vals) -> User:
    """The user ``login`` (password = login) with exactly ``groups`` (xml ids)
    on top of Internal User, created over RPC if the database lacks it."""
    group_ids = [xmlid(admin, "base", "group_user")]
    group_ids += [xmlid(admin, module, name) for module, name in groups]
    found = admin.call(
        "res.users", "search", [("login", "=", login)], context={"active_test": False}
    )
    values = {"groups_id": [(6, 0, group_ids)], **vals}
    if found:
        admin.call("res.users", "write", found, values)
    else:
        admin.call(
            "res.users",
            "create",
            {
                "name": login.replace(".", " ").title(),
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "tz": "UTC",
                **values,
            },
        )
    return User(admin.url, admin.db, login, login).login_xmlrpc()


def pytest_terminal_summary(terminalreporter):
    """Print what the tests counted and hand it to the server stage."""
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for name, value in FIGURES.items():
        if isinstance(value, str) and "\n" in value:
            terminalreporter.write_line(f"{name}:")
            for line in value.splitlines():
                terminalreporter.write_line(f"  {line}")
        else:
            terminalreporter.write_line(f"{name}: {value}")
    server = json.loads(os.environ.get("SALES_CLOSING_SERVER") or "{}")
    target = server.get("figures") or os.environ.get("SALES_CLOSING_FIGURES")
    if target:
        Path(target).write_text(json.dumps(FIGURES, indent=1, default=str))
