# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sentences told to a user: the singular or plural one by count, and the
stored form of a problem sentence (its English source and its parameters)
from which it is written again in the reader's language.

>>> plural(1, "%(count)s problem", "%(count)s problems")
'%(count)s problem'
>>> plural(3, "%(count)s problem", "%(count)s problems")
'%(count)s problems'
>>> plural(0, "%(count)s problem", "%(count)s problems")
'%(count)s problems'
>>> amount = {"amount": 12.5, "currency": 2}
>>> text = dump_message("%(name)s owes %(amount)s", {"name": "Azure", "amount": amount})
>>> text[:50]
'{"params": {"amount": {"amount": 12.5, "currency":'
>>> load_message(text)["params"]["name"]
'Azure'
>>> load_message(None), load_message("not json"), load_message('{"a": 1}')
(None, None, None)
"""

import json


def plural(count, one, other):
    """Return ``one`` when ``count`` is exactly 1, else ``other`` (0 and
    every other count read as plural in English; Chinese has one form, the
    translation of both)."""
    return one if count == 1 else other


def dump_message(source, params):
    """Return the stored text of a sentence: JSON with its ``source`` (the
    English text with named placeholders) and ``params`` (plain values, or
    dicts of one kind: ``{"amount", "currency"}``, ``{"date"}``,
    ``{"sentence": {"source", "params"}}``, ``{"join", "items"}``). Keys are
    sorted so that the same sentence is always the same text."""
    return json.dumps(
        {"source": source, "params": params}, sort_keys=True, ensure_ascii=False
    )


def load_message(text):
    """Return ``{"source", "params"}`` from ``dump_message``'s text, or None
    for an empty or unreadable text (rows stored before sentences had one)."""
    if not text:
        return None
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict) or "source" not in message:
        return None
    message.setdefault("params", {})
    return message
