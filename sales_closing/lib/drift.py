# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Drift after the close: compare the reconciliation lines frozen in a close
pack with the same lines recomputed from live data, field by field.

Both sides are payload rows (``lib.canonical`` strings), so that a figure
that rounds to the same text does not count as moved. Nothing here imports
Odoo.
"""

from collections import namedtuple

#: One figure that moved: the order line, the field, its frozen and live
#: text (None when the line is missing on that side).
Change = namedtuple("Change", "sale_line_id order field before after")

#: The fields of a payload line compared (names and references are not:
#: renaming a customer is not a change of the month's figures).
COMPARED = (
    "qty_ordered",
    "qty_delivered",
    "qty_invoiced",
    "qty_returned",
    "qty_draft_invoiced",
    "price_net",
    "amount_ordered",
    "amount_delivered",
    "amount_invoiced",
    "amount_paid",
    "amount_ordered_company",
    "amount_delivered_company",
    "amount_invoiced_company",
    "amount_paid_company",
    "rate",
)


def compare(frozen, live, fields=COMPARED):
    """Return the changes from ``frozen`` to ``live`` lines, by order line
    id then field order; a line on one side only is one change of field
    ``line``.

    >>> a = [{"sale_line_id": 1, "order": "S1", "qty_delivered": "5.00"}]
    >>> b = [{"sale_line_id": 1, "order": "S1", "qty_delivered": "0.00"},
    ...      {"sale_line_id": 2, "order": "S2", "qty_delivered": "1.00"}]
    >>> compare(a, b, ("qty_delivered",))  # doctest: +NORMALIZE_WHITESPACE
    [Change(sale_line_id=1, order='S1', field='qty_delivered', before='5.00',
            after='0.00'),
     Change(sale_line_id=2, order='S2', field='line', before=None, after='present')]
    >>> compare(a, a)
    []
    """
    before = {line["sale_line_id"]: line for line in frozen}
    after = {line["sale_line_id"]: line for line in live}
    changes = []
    for line_id in sorted(set(before) | set(after)):
        old, new = before.get(line_id), after.get(line_id)
        if old is None or new is None:
            changes.append(
                Change(
                    line_id,
                    (old or new).get("order"),
                    "line",
                    "present" if old else None,
                    "present" if new else None,
                )
            )
            continue
        for field in fields:
            if old.get(field) != new.get(field):
                changes.append(
                    Change(
                        line_id, new.get("order"), field, old.get(field), new.get(field)
                    )
                )
    return changes


def signature(changes):
    """Return a text that is the same for the same set of changes (to tell
    a drift already acknowledged from a new one).

    >>> signature([Change(1, "S1", "qty_delivered", "5.00", "0.00")])
    '1:qty_delivered:5.00>0.00'
    """
    return "|".join(f"{c.sale_line_id}:{c.field}:{c.before}>{c.after}" for c in changes)
