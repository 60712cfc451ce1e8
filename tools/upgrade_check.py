"""Upgrade and uninstall on a database with closed periods (issue 14, item 6),
run by the server stage once its server has stopped, on the demo database
the server tests leave behind.

Owns: the figures compared before and after ``-u sales_closing`` (the row
count of every ``sale_closing_*`` table, the stages, the posted closing
entries and their total, the snapshots' fingerprints, the companies' lock
dates and horizons), the uninstall through Odoo's own button in
``odoo shell``, and then, in a second shell on the registry without the
add-on, what must still work: the Sales Lock Date the add-on had set is
given back (the demo company had none before its first close), a sale order
is confirmed and a customer invoice posted.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from demo_cmd import run_in_shell
from harness import HarnessError, run_dir, say
from odoo_run import OdooRunner, install_addon

#: key figures, one ``name|value`` row each (besides the table counts)
FIGURES_SQL = """
SELECT 'period ' || name || ' stage', state FROM sale_closing_period
UNION ALL
SELECT 'closing entries posted', count(*)::text FROM account_move
 WHERE sale_closing_period_id IS NOT NULL AND state = 'posted'
UNION ALL
SELECT 'closing entries debit', coalesce(sum(l.debit), 0)::text
  FROM account_move_line l JOIN account_move m ON m.id = l.move_id
 WHERE m.sale_closing_period_id IS NOT NULL AND m.state = 'posted'
UNION ALL
SELECT 'snapshot fingerprints', coalesce(string_agg(fingerprint, ',' ORDER BY id), '')
  FROM sale_closing_snapshot
UNION ALL
SELECT 'delivered amount (company)', coalesce(sum(amount_delivered_company), 0)::text
  FROM sale_closing_line
UNION ALL
SELECT 'company ' || id || ' lock dates', concat_ws(' ',
       coalesce(sale_lock_date::text, '-'), sale_closing_sales_lock_date,
       sale_closing_invoicing_lock_date, sale_closing_sales_next_end,
       sale_closing_invoicing_next_end)
  FROM res_company
UNION ALL
SELECT 'admin company sales lock date', coalesce(c.sale_lock_date::text, '-')
  FROM res_users u JOIN res_company c ON c.id = u.company_id WHERE u.login = 'admin'
"""

UNINSTALL_SCRIPT = """
import json
module = env["ir.module.module"].search([("name", "=", "sales_closing")])
module.button_immediate_uninstall()
env.cr.commit()
"""

AFTER_UNINSTALL_SCRIPT = """
import json
from odoo import fields
out = {}
company = env.ref("base.user_admin").company_id
out["module state"] = env["ir.module.module"].search(
    [("name", "=", "sales_closing")]).state
out["sale lock date"] = str(company.sale_lock_date or "")
# the shell's superuser sees every company's records (the server tests add a
# second company): take the admin's company's own, and work in it
env = env(context=dict(env.context, allowed_company_ids=[company.id]))
shared = [("company_id", "in", [False, company.id])]
partner = env["res.partner"].search([("customer_rank", ">", 0)] + shared, limit=1)
product = env["product.product"].search([("sale_ok", "=", True)] + shared, limit=1)
order = env["sale.order"].create({
    "company_id": company.id,
    "partner_id": partner.id,
    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
})
order.action_confirm()
out["order state"] = order.state
invoice = env["account.move"].create({
    "company_id": company.id,
    "move_type": "out_invoice",
    "partner_id": partner.id,
    "invoice_date": fields.Date.context_today(env.user),
    "invoice_line_ids": [(0, 0, {"product_id": product.id, "quantity": 1,
                                 "price_unit": 10.0})],
})
invoice.action_post()
out["invoice state"] = invoice.state
env.cr.commit()
with open(OUT, "w") as handle:
    json.dump(out, handle)
"""


def key_figures(runner: OdooRunner, dbname: str) -> dict[str, str]:
    """Row counts of the add-on's tables and the key figures of ``dbname``."""
    tables = runner.cluster.psql(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'sale\\_closing\\_%' "
        "ORDER BY tablename",
        dbname,
    ).split()
    counts = " UNION ALL ".join(
        f"SELECT 'rows {table}', count(*)::text FROM {table}" for table in tables
    )
    rows = runner.cluster.psql(f"{counts} UNION ALL {FIGURES_SQL}", dbname)
    return dict(row.split("|", 1) for row in rows.splitlines() if row)


def shell(runner: OdooRunner, script: str) -> int:
    with tempfile.NamedTemporaryFile(
        "w", suffix=".py", dir=run_dir(), delete=False
    ) as handle:
        handle.write(script)
    try:
        return run_in_shell(runner, Path(handle.name))
    finally:
        Path(handle.name).unlink()


def run_upgrade_check(tally, runner: OdooRunner, dbname: str) -> dict[str, object]:
    """Upgrade, compare, uninstall, use Odoo; count each as a test in
    ``tally``; return the figures to print."""
    say("[upgrade] -u sales_closing on the database the server tests left")
    before = key_figures(runner, dbname)
    closed = sum(1 for k, v in before.items() if k.endswith(" stage") and v == "closed")
    rc = install_addon(runner, dbname, run_dir() / "upgrade.log", update=True)
    after = key_figures(runner, dbname) if not rc else {}
    lost = sorted(k for k in before if before[k] != after.get(k))
    if rc or lost or not closed:
        tally.add_tests(0, 1, 0)
        what = ", ".join(f"{k}: {before[k]} -> {after.get(k)}" for k in lost[:10])
        tally.problems.append(
            f"upgrade: exit {rc}, {closed} closed period(s), changed: {what or '-'}"
        )
        say(f"FAILED: upgrade changed {what or 'nothing'} (exit {rc})")
    else:
        tally.add_tests(1, 0, 0)
        say(f"[upgrade] {len(before)} figures identical after -u ({closed} closed)")
    lock_date_before = before.get("admin company sales lock date", "-")
    out = run_dir() / "uninstall-check.json"
    out.unlink(missing_ok=True)
    result: dict = {}
    try:
        if shell(runner, UNINSTALL_SCRIPT) == 0:
            script = f"OUT = {str(out)!r}\n" + AFTER_UNINSTALL_SCRIPT
            shell(runner, script)
        result = json.loads(out.read_text()) if out.is_file() else {}
    except (HarnessError, OSError, ValueError) as exc:
        say(f"[uninstall] {exc}")
    expected = {
        "module state": "uninstalled",
        "sale lock date": "",
        "order state": "sale",
        "invoice state": "posted",
    }
    if result == expected and lock_date_before not in ("", "-"):
        tally.add_tests(1, 0, 0)
        say(
            f"[uninstall] add-on uninstalled; Sales Lock Date {lock_date_before} "
            "given back (none); an order confirmed, an invoice posted"
        )
    else:
        tally.add_tests(0, 1, 0)
        tally.problems.append(f"uninstall: {result} (expected {expected})")
        say(f"FAILED: uninstall left {result}, expected {expected}")
    return {
        "upgrade: figures compared": len(before),
        "upgrade: figures changed (rows lost)": len(lost)
        if not rc
        else "upgrade failed",
        "uninstall: Odoo still confirms and posts": result == expected,
    }
