"""Sales closing demo walkthrough, run inside ``odoo shell``.

Usage (the database holds ``sales_closing``, installed without demo data)::

    python -m odoo shell -d DB --no-http < tools/demo_walkthrough.py

The script

1. sets up a demo company context on the main company: a chart of accounts,
   three customers, two storable products with stock, a second currency;
2. builds the sales of the three months before the current one through
   Odoo's own flows (orders, partial deliveries, a return, invoices, a credit
   note, payments, one order in the foreign currency), backdated with
   freezegun;
3. walks the oldest of those months through the close (Open, Sales Locked,
   Invoicing Locked, the pre-close checks and their gate, Closed, reopened,
   closed again), showing at each stage what is locked and trying changes
   that must be refused or allowed;
4. makes a gap in the invoice numbers and a sales anomaly on purpose in the
   current month and shows the checks that find them;
5. loads Simplified Chinese and creates a second Closing Manager who works
   in it (login ``manager``, password ``manager``).

It commits after each section (the shell itself never commits) and exits
with status 1 as soon as an expected refusal does not happen or anything
unexpected occurs, so it doubles as an end-to-end test.

Each section is a module of the package ``tools/walkthrough/``. ``odoo shell``
executes this file from stdin (no ``__file__``), so the package is found
through ``$SALES_CLOSING_TOOLS`` (set by ``tools/dev.py``; without it, run
from the repository root), and the shell's ``env`` is handed to every
section explicitly.
"""

import os
import sys
import traceback

sys.path.insert(0, os.environ.get("SALES_CLOSING_TOOLS") or "tools")

from walkthrough import (  # noqa: E402 -- importable once tools/ is on sys.path
    checks,
    chinese,
    close_pack,
    closed,
    invoicing_locked,
    numbering_anomalies,
    open_stage,
    posting_rules,
    reopen,
    sales,
    sales_locked,
    setup,
    summary,
)
from walkthrough.common import DemoFailure  # noqa: E402


def run_sections(shell_env, env):
    """The story, section by section."""
    demo = setup.setup_demo(shell_env)
    demo.company = env.company
    sales.build_sales(env, demo)
    open_stage.prepare_periods(env, demo)
    sales_locked.sales_locked(env, demo)
    invoicing_locked.invoicing_locked(env, demo)
    checks.pre_close_checks(env, demo)
    posting_rules.posting_rules(env, demo)
    closed.closed(env, demo)
    close_pack.close_pack(env, demo)
    reopen.reopen_period(env, demo)
    reopen.close_again(env, demo)
    close_pack.close_pack_again(env, demo)
    numbering_anomalies.numbering_and_anomalies(env, demo)
    chinese.chinese_manager(env, demo)
    summary.summary(env, demo)


def main(shell_env):
    """Run the sections as the administrator (lock exceptions are per user)."""
    admin = shell_env.ref("base.user_admin")
    env = shell_env(user=admin, context=dict(shell_env.context, tz="UTC"))
    try:
        run_sections(shell_env, env)
    except DemoFailure as exc:
        env.cr.rollback()
        print(f"\nWALKTHROUGH FAILED: {exc}")
        raise SystemExit(1) from None
    except Exception:
        env.cr.rollback()
        traceback.print_exc()
        print("\nWALKTHROUGH FAILED: unexpected error (see the traceback above)")
        raise SystemExit(1) from None


if __name__ == "__main__":
    main(env)  # noqa: F821 -- `env` is predefined by `odoo shell`
