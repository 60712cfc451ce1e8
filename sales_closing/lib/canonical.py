# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The canonical form of a close pack's payload and its fingerprint.

The payload of a snapshot is JSON written one way only, so that the same
figures always give the same bytes and the same SHA-256 fingerprint:

- UTF-8, no insignificant white space (``","`` and ``":"`` separators),
  non-ASCII characters written as themselves (not ``\\u`` escapes);
- the keys of every object sorted (Unicode code point order);
- amounts and quantities as fixed-decimal **strings** with exactly as many
  decimals as their rounding (``"1234.50"`` at 0.01, ``"12"`` at 1.0,
  ``"-0.50"``; a zero is never negative: ``"0.00"``); binary floats are
  refused, so nothing reaches the payload unrounded;
- dates as ``"YYYY-MM-DD"``, date-times as ``"YYYY-MM-DDTHH:MM:SS"`` (UTC);
- records as their id (integer) with their name beside it where a reader
  needs it; lists in a documented order (each section sorts its rows).

The fingerprint is the lowercase hexadecimal SHA-256 of those bytes.

Nothing here imports Odoo.
"""

import datetime
import decimal
import hashlib
import json

FORMAT_VERSION = 1


def digits_of(rounding):
    """Return the number of decimals a rounding step writes.

    >>> digits_of(0.01), digits_of(1.0), digits_of(0.001), digits_of(0.05)
    (2, 0, 3, 2)
    """
    if rounding <= 0:
        raise ValueError(f"rounding must be positive, not {rounding!r}")
    exponent = decimal.Decimal(repr(rounding)).normalize().as_tuple().exponent
    return max(0, -exponent)


def amount(value, rounding=0.01):
    """Return ``value`` as a fixed-decimal string at ``rounding``, rounded
    half away from zero as Odoo rounds amounts.

    >>> amount(1234.5), amount(-0.004), amount(2.675), amount(12.4, 1.0)
    ('1234.50', '0.00', '2.68', '12')
    >>> amount(None)
    '0.00'
    """
    value = value or 0.0
    digits = digits_of(rounding)
    step = decimal.Decimal(repr(rounding))
    # repr() gives the shortest string that reads back as the same float:
    # 2.675 is written "2.675" and rounds up, as Odoo's float_round does
    exact = decimal.Decimal(repr(float(value)))
    units = (exact / step).quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP)
    result = (units * step).quantize(decimal.Decimal(1).scaleb(-digits))
    if result == 0:
        result = abs(result)
    return f"{result:.{digits}f}"


def to_float(text):
    """Read a fixed-decimal string of the payload back as a float.

    >>> to_float("1234.50"), to_float("-3")
    (1234.5, -3.0)
    """
    return float(decimal.Decimal(text))


def _default(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no canonical form: {value!r}")


def _check(value, path="$"):
    """Refuse what JSON would write ambiguously: floats and non-text keys."""
    if isinstance(value, float):
        raise TypeError(f"{path}: binary float {value!r}; write it with amount() first")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: key {key!r} is not text")
            _check(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")


def dumps(payload):
    """Return the canonical UTF-8 bytes of ``payload``.

    >>> dumps({"b": "1.00", "a": [1, None, True], "c": datetime.date(2026, 10, 31)})
    b'{"a":[1,null,true],"b":"1.00","c":"2026-10-31"}'
    >>> dumps({"name": "销售"}).decode()
    '{"name":"销售"}'
    >>> dumps({"x": 1.5})
    Traceback (most recent call last):
    ...
    TypeError: $.x: binary float 1.5; write it with amount() first
    """
    _check(payload)
    return json.dumps(
        payload,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_default,
    ).encode("utf-8")


def fingerprint(data):
    """Return the SHA-256 of ``data`` (bytes) in lowercase hexadecimal.

    >>> fingerprint(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(data).hexdigest()


def loads(data):
    """Read canonical bytes back (the amounts stay strings)."""
    return json.loads(data.decode("utf-8"))


def is_canonical(data):
    """Return whether ``data`` is written exactly as :func:`dumps` writes it.

    >>> is_canonical(b'{"a":1}'), is_canonical(b'{ "a": 1 }')
    (True, False)
    """
    try:
        return dumps(loads(data)) == data
    except (ValueError, TypeError):
        return False
