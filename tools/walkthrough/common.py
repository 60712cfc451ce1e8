"""What every section of the walkthrough shares.

Printing (banners, steps, a period's locks, its chatter), the checks that stop
the walkthrough (``check``, ``expect_refusal``, ``expect_allowed``), and the
only two places a period changes stage: ``advance`` and ``reopen``.
"""

import datetime

from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from odoo.addons.sales_closing.lib import periods as periods_lib

#: The time of day the backdated documents are made at (UTC).
NOON = datetime.time(12, 0)

#: How each kind of document is named in the report.
DOCUMENT_KINDS = {
    "order": "Sale orders (confirm, cancel, amend)",
    "delivery": "Deliveries, returns, inventory adjustments",
    "invoice": "Customer invoices and credit notes",
    "payment": "Customer payments",
}


class DemoFailure(Exception):
    """Something the walkthrough expected did not happen."""


class _Undo(Exception):
    """Raised inside a savepoint to undo a change that was allowed."""


# --------------------------------------------------------------- report ----


def banner(text):
    print(f"\n{'=' * 78}\n{text}\n{'=' * 78}")


def step(text):
    print(f"\n-- {text}")


def counted(number, noun, plural=None):
    """``number`` and ``noun``, in the plural unless it is one:
    ``counted(1, "late document")`` is "1 late document", 3 "3 late documents"."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def info(text=""):
    print(f"   {text}".rstrip())


def check(condition, what):
    """Stop the walkthrough unless ``condition`` holds."""
    if not condition:
        raise DemoFailure(what)


def expect_refusal(env, label, func, expect_in=None):
    """Run ``func`` in a savepoint; it must raise a UserError.

    :param expect_in: text the refusal message must contain
    :return: the refusal message
    """
    step(f"Try: {label}")
    try:
        with env.cr.savepoint():
            func()
    except UserError as exc:
        message = str(exc.args[0] if exc.args else exc)
        info("REFUSED, as expected:")
        for line in message.splitlines():
            info(f"  | {line}")
        check(
            not expect_in or expect_in in message,
            f"the refusal of '{label}' should mention {expect_in!r}",
        )
        return message
    raise DemoFailure(f"expected a refusal, but this was allowed: {label}")


def expect_allowed(env, label, func, keep=True):
    """Run ``func`` in a savepoint; it must succeed.

    :param keep: when False, the change is undone after it succeeded
    :return: what ``func`` returned
    """
    step(f"Try: {label}")
    try:
        with env.cr.savepoint():
            result = func()
            if not keep:
                raise _Undo()
    except _Undo:
        info("ALLOWED (and undone again, it was only a demonstration)")
        return None
    except UserError as exc:
        raise DemoFailure(f"'{label}' was refused: {exc}") from exc
    info("ALLOWED")
    return result


def expect_price_refused(env, period, order, price):
    """Amending the price of ``order``'s first line must be refused by
    ``period``'s lock."""
    expect_refusal(
        env,
        f"amend the price of {order.name}",
        lambda: order.order_line[:1].write({"price_unit": price}),
        expect_in=period.name,
    )


def label(record, fname):
    """Return the label of a selection field's value."""
    selection = record._fields[fname]._description_selection(record.env)
    return dict(selection).get(record[fname], record[fname])


def show_period(period, title=None):
    """Print a period's stage and what it locks now."""
    company = period.company_id
    step(title or f"Period {period.name}")
    info(
        f"{period.name} ({period.date_start} to {period.date_end}): "
        f"stage {period._stage_label()}"
    )
    for document_type, kind in DOCUMENT_KINDS.items():
        if not company._sale_closing_locks(document_type):
            status = "not locked by this company's settings"
        elif periods_lib.stage_holds(period.state, document_type):
            status = "LOCKED"
        else:
            status = (
                "open (locks at "
                f"{period._stage_label(periods_lib.DOCUMENT_TYPES[document_type])})"
            )
        info(f"  {kind:<46} {status}")
    info(f"  Company Sales Lock Date (Odoo): {company.sale_lock_date or 'none'}")


def show_chatter(period, count=3):
    """Print the latest chatter messages of a period."""
    messages = period.message_ids.filtered("body")[:count]
    for message in reversed(messages):
        info(f"  chatter: {html2plaintext(message.body).strip()}")


def month_period(env, demo, start):
    """Return the demo company's period that starts on ``start``."""
    return env["sale.closing.period"].search(
        [("company_id", "=", demo.company.id), ("date_start", "=", start)]
    )


# --------------------------------------------------------- stage changes ----


def advance(period):
    """Move ``period`` one stage forward: every forward stage change of the
    walkthrough goes through here, saying which stage it saw and which one it
    asks for, as the form's buttons do."""
    seen = period.state
    return period.action_advance(seen, periods_lib.next_stage(seen))


def reopen(period, reason):
    """Walk ``period`` back one stage for ``reason``: every reopening of the
    walkthrough goes through here, with the stage it saw."""
    return period._reopen(reason, stage_from=period.state)


def advance_to(period, state):
    """Advance ``period`` one stage; it must reach ``state``. Show it."""
    stage = period._stage_label(state)
    step(f"Advance {period.name} to {stage}")
    advance(period)
    check(period.state == state, f"the period should be {stage}")
    show_period(period)
