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

A payload too big to hold as one dict is written piece by piece with
:func:`write` (its big arrays given as streams of canonical bytes, hashed
while written: the same bytes as :func:`dumps` of the whole) and read back
with :class:`Reader` (the small sections as dicts, the big arrays one item
at a time).

Nothing here imports Odoo.
"""

import collections
import datetime
import decimal
import functools
import hashlib
import json
import re

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
    >>> amount(None), amount(0.075, 0.05), amount(1.23456789012, 1e-10)
    ('0.00', '0.10', '1.2345678901')
    """
    return amount_formatter(rounding)(value)


@functools.lru_cache(maxsize=64)
def amount_formatter(rounding):
    """Return a function writing a value as :func:`amount` does at
    ``rounding``, its steps worked out once (a pack formats millions)."""
    digits = digits_of(rounding)
    step = decimal.Decimal(repr(rounding))
    quantum = decimal.Decimal(1).scaleb(-digits)
    half_up = decimal.ROUND_HALF_UP
    pattern = f"{{:.{digits}f}}"

    def format_amount(value):
        # repr() gives the shortest string that reads back as the same float:
        # 2.675 is written "2.675" and rounds up, as Odoo's float_round does
        exact = decimal.Decimal(repr(float(value or 0.0)))
        if step == quantum:  # a power of ten: one quantize is the same
            result = exact.quantize(quantum, half_up)
        else:
            units = (exact / step).quantize(_ONE, half_up)
            result = (units * step).quantize(quantum)
        if result == 0:
            result = abs(result)
        return pattern.format(result)

    return format_amount


_ONE = decimal.Decimal(1)


def to_float(text):
    """Read a fixed-decimal string of the payload back as a float.

    >>> to_float("1234.50"), to_float("-3")
    (1234.5, -3.0)
    """
    # the same float as float(Decimal(text)): both round the decimal once
    return float(text)


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


#: values that need no look inside (``bool`` is an ``int``; exact types: a
#: subclass of ``float`` must still be refused)
_PLAIN = frozenset({str, int, bool, type(None)})


def _check(value, path="$"):
    """Refuse what JSON would write ambiguously: floats and non-text keys.
    (The plain values of a container are passed over without a call: a
    pack checks millions of them.)"""
    if isinstance(value, float):
        raise TypeError(f"{path}: binary float {value!r}; write it with amount() first")
    if isinstance(value, dict):
        for key, item in value.items():
            if type(key) is not str and not isinstance(key, str):
                raise TypeError(f"{path}: key {key!r} is not text")
            if type(item) not in _PLAIN:
                _check(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if type(item) not in _PLAIN:
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


class HashingWriter:
    """A writable that passes bytes on to ``out`` and hashes them (SHA-256)."""

    def __init__(self, out):
        self.out = out
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self.hash.update(data)
        self.size += len(data)
        return self.out.write(data)

    def fingerprint(self):
        """The SHA-256 of what was written, as :func:`fingerprint` gives it."""
        return self.hash.hexdigest()


def array_body(items):
    """Yield the canonical bytes of the items of an array, comma-separated,
    without its brackets (``write`` adds them).

    >>> b"".join(array_body([{"b": "1.00", "a": 1}, None]))
    b'{"a":1,"b":"1.00"},null'
    """
    separator = b""
    for item in items:
        yield separator + dumps(item)
        separator = b","


def write(out, payload, arrays=None):
    """Write to ``out`` the canonical bytes of ``payload`` merged with
    ``arrays``: ``{key: iterable of bytes}``, each the body of an array as
    :func:`array_body` yields it (read in key order, after the keys before
    it are written). The bytes are those of ``dumps`` of the merged dict.

    >>> import io
    >>> out = io.BytesIO()
    >>> write(out, {"z": 1, "a": "x"}, {"m": array_body([[2], 3])})
    >>> out.getvalue() == dumps({"z": 1, "a": "x", "m": [[2], 3]})
    True
    """
    arrays = arrays or {}
    if set(payload) & set(arrays):
        raise ValueError(f"keys both whole and streamed: {set(payload) & set(arrays)}")
    _check(payload)
    separator = b"{"
    for key in sorted({*payload, *arrays}):
        if not isinstance(key, str):
            raise TypeError(f"$: key {key!r} is not text")
        out.write(separator + dumps(key) + b":")
        separator = b","
        if key in arrays:
            out.write(b"[")
            for chunk in arrays[key]:
                out.write(chunk)
            out.write(b"]")
        else:
            out.write(dumps(payload[key]))
    out.write(b"}" if separator == b"," else b"{}")


_DECODER = json.JSONDecoder()
# white space is not canonical, but a payload edited by hand may have some:
# the reader skips it between tokens rather than fail to show it
_SPACE = re.compile(r"[ \t\n\r]*")


class Reader:
    """Canonical bytes read back section by section: :meth:`head` gives the
    small sections as a dict, :meth:`items` the items of a big array one at
    a time (never the whole array as a list).

    >>> reader = Reader(dumps({"big": [{"n": 1}, {"n": 2}], "x": {"y": []}}))
    >>> reader.head(skip=("big",)), [i["n"] for i in reader.items("big")]
    ({'x': {'y': []}}, [1, 2])
    >>> list(Reader(b'{"e":[]}').items("e")), Reader(b"{}").head()
    ([], {})
    >>> list(Reader(b' { "e" : [ 1 , {"a": 2} ] , "f": [ ] } ').items("e"))
    [1, {'a': 2}]
    """

    def __init__(self, data):
        self.text = data.decode("utf-8") if isinstance(data, bytes) else data
        self.spans = self._index()

    def _index(self):
        """``{key: (start, end)}`` of each top-level value in the text."""
        text, spans, space = self.text, {}, _SPACE.match
        index = space(text).end()
        if text[index : index + 1] != "{":
            raise ValueError("a canonical payload is a JSON object")
        index = space(text, index + 1).end()
        while text[index] != "}":
            key, index = _DECODER.raw_decode(text, index)
            index = space(text, index).end()
            if text[index] != ":":
                raise ValueError(f"':' expected at {index}")
            start = space(text, index + 1).end()
            index = space(text, self._skip(start)).end()
            spans[key] = (start, index)
            if text[index] == ",":
                index = space(text, index + 1).end()
        return spans

    def _skip(self, index):
        """The index after the value at ``index``; arrays item by item."""
        if self.text[index] != "[":
            return _DECODER.raw_decode(self.text, index)[1]
        # the last index yielded is the "]"'s
        return collections.deque(self._item_ends(index), maxlen=1)[0] + 1

    def _item_ends(self, index, decode=None):
        """From the ``[`` at ``index``: yield the index after each item (and
        the item when ``decode``), then the index of the ``]``."""
        text, space = self.text, _SPACE.match
        index = space(text, index + 1).end()
        while text[index] != "]":
            item, index = _DECODER.raw_decode(text, index)
            if decode:
                yield item
            else:
                yield index
            index = space(text, index).end()
            if text[index] == ",":
                index = space(text, index + 1).end()
        if not decode:
            yield index

    def head(self, skip=()):
        """Return the top-level sections as a dict, without those in
        ``skip``."""
        return {
            key: json.loads(self.text[start:end])
            for key, (start, end) in self.spans.items()
            if key not in skip
        }

    def items(self, key):
        """Yield the items of the top-level array ``key`` one by one."""
        start, _end = self.spans[key]
        if self.text[start] != "[":
            raise ValueError(f"{key} is not an array")
        yield from self._item_ends(start, decode=True)


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
