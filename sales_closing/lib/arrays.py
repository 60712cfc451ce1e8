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
    return "{" + ",".join(_element(value) for value in values) + "}"
