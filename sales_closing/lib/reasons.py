# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reasons users give (reopening, waiving, lock exceptions, drift):
present and of a length a journal entry reference, a chatter line and the
close pack can carry.

>>> reason_problem("  Price agreed after the month ended ")
>>> reason_problem("   ")
'missing'
>>> reason_problem("x" * (MAX_REASON_LENGTH + 1))
'too_long'
"""

#: the longest reason kept (characters); longer texts belong in an attachment
MAX_REASON_LENGTH = 2000


def reason_problem(text):
    """Return ``"missing"``, ``"too_long"`` or None for a reason ``text``
    (surrounding white space does not count)."""
    text = (text or "").strip()
    if not text:
        return "missing"
    if len(text) > MAX_REASON_LENGTH:
        return "too_long"
    return None
