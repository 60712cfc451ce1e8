# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PostgreSQL array literals in plain Python.

A Python list given to psycopg2 becomes ``ARRAY[v1, v2, …]``: one expression
per element, which PostgreSQL parses and coerces one by one (seconds for a
few hundred thousand values). The same list sent as one text literal
``'{v1,v2,…}'`` and cast to the array type is parsed by the type's input
function in one go, to the same values.
"""

import json
from datetime import date, datetime

_NUMBERS = frozenset((int, float, type(None)))
_TEXTS = frozenset((str, type(None)))


def _element(value):
    if value is None:
        return "NULL"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr: the shortest text that reads back as the same float, as
        # psycopg2 writes a float parameter
        return repr(value)
    if isinstance(value, dict | list):
        value = json.dumps(value)
    elif isinstance(value, datetime | date):
        value = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def array_literal(values):
    """Return the text of a PostgreSQL array holding ``values`` (None as
    NULL), to be cast to the array type (``%s::numeric[]``).

    >>> array_literal([1, None, 2.5, True])
    '{1,NULL,2.5,t}'
    >>> array_literal(['a "b"', "c\\\\d", "NULL", ""])
    '{"a \\\\"b\\\\"","c\\\\\\\\d","NULL",""}'
    >>> from datetime import date
    >>> array_literal([date(2026, 10, 31)])
    '{"2026-10-31"}'
    """
    values = values if isinstance(values, list) else list(values)
    kinds = set(map(type, values))
    if kinds <= _NUMBERS:
        # ids, quantities, amounts: most of what the bulk store sends. The
        # list's own text, written in C, is the array's (str of an int or a
        # float is what _element writes; a bool's type is not int here)
        return "{" + str(values)[1:-1].replace(", ", ",").replace("None", "NULL") + "}"
    if kinds <= _TEXTS:
        return "{" + ",".join(map(_text, values)) + "}"
    return "{" + ",".join(_element(value) for value in values) + "}"


def _text(value):
    if value is None:
        return "NULL"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
