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

import codecs
import collections
import datetime
import decimal
import functools
import hashlib
import io
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

    def write(self, data):  # pylint: disable=method-required-super
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
# what an array holds up to its next bracket, strings whole (a bracket in a
# string is text): skipping an array needs no object built for its items
_UP_TO_BRACKET = re.compile(r'(?s)(?:[^"\[\]]++|"(?:[^"\\]++|\\.)*+")*+')


class Reader:
    """Canonical bytes read back section by section, as a stream: the
    small sections as dicts, the items of a big array one at a time. Only
    the item being read is in memory (a few kilobytes), never the payload.

    ``source``: the bytes, or a function returning a new binary stream of
    them (e.g. a ``gzip.GzipFile``) for each pass.

    >>> reader = Reader(dumps({"big": [{"n": 1}, {"n": 2}], "x": {"y": []}}))
    >>> reader.head(skip=("big",)), [i["n"] for i in reader.items("big")]
    ({'x': {'y': []}}, [1, 2])
    >>> reader.sections({"big": lambda items: sum(i["n"] for i in items)})
    {'big': 3, 'x': {'y': []}}
    >>> list(Reader(b'{"e":[]}').items("e")), Reader(b"{}").head()
    ([], {})
    >>> list(Reader(b' { "e" : [ 1 , {"a": 2} ] , "f": [ ] } ').items("e"))
    [1, {'a': 2}]
    """

    def __init__(self, source):
        self.open = source if callable(source) else lambda: io.BytesIO(source)

    def sections(self, consumers=None):
        """Return the top-level sections as a dict, in one pass; the value
        of a key of ``consumers`` is what its function returns of an
        iterator of the items of that array (items it leaves are skipped)."""
        consumers = consumers or {}
        result = {}
        with self.open() as stream:
            scanner = _Scanner(stream)
            for key in scanner.keys():
                if key in consumers and consumers[key] is _drop:
                    scanner.skip()
                elif key in consumers:
                    items = scanner.array()
                    result[key] = consumers[key](items)
                    _drop(items)
                else:
                    result[key] = scanner.value()
        return result

    def head(self, skip=()):
        """Return the top-level sections as a dict, without those in
        ``skip`` (arrays, read item by item and dropped)."""
        payload = self.sections(dict.fromkeys(skip, _drop))
        return {key: value for key, value in payload.items() if key not in skip}

    def items(self, key):
        """Yield the items of the top-level array ``key`` one by one."""
        with self.open() as stream:
            scanner = _Scanner(stream)
            for found in scanner.keys():
                if found == key:
                    yield from scanner.array()
                    return
                scanner.skip()
        raise KeyError(key)


def _drop(items):
    collections.deque(items, maxlen=0)


class _Scanner:
    """JSON values read one by one from a binary stream, through a text
    buffer that holds the value being read and the next chunk."""

    CHUNK = 1 << 16

    def __init__(self, stream):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.text = ""
        self.pos = 0
        self.eof = False

    def _more(self):
        """Append the next chunk (at least as much as is buffered: a big
        value is read in a few steps, not many)."""
        if self.eof:
            raise ValueError("the payload ends in the middle of a value")
        data = self.stream.read(max(self.CHUNK, len(self.text) - self.pos))
        self.eof = not data
        self.text = self.text[self.pos :] + self.decoder.decode(data, final=self.eof)
        self.pos = 0

    def peek(self):
        """The next character that is not white space."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            self._more()

    def take(self, expected):
        """Pass the next character, which must be one of ``expected``."""
        char = self.peek()
        if char not in expected:
            raise ValueError(f"one of {expected!r} expected, not {char!r}")
        self.pos += 1
        return char

    def value(self):
        """Read the next value whole."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError:
                if self.eof:
                    raise
                self._more()
                continue
            # a number at the end of the buffer may go on in the next chunk
            if end == len(self.text) and not self.eof:
                self._more()
                continue
            self.pos = end
            return value

    def array(self):
        """Yield the items of the array that comes next."""
        self.take("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.take(",]") == "]":
                return

    def skip(self):
        """Pass the value that comes next; an array by its brackets, without
        decoding its items."""
        if self.peek() != "[":
            self.value()
            return
        self.pos += 1
        depth = 1
        while depth:
            self.pos = _UP_TO_BRACKET.match(self.text, self.pos).end()
            if self.pos == len(self.text) or self.text[self.pos] == '"':
                self._more()  # the buffer ends, maybe within a string
                continue
            depth += 1 if self.text[self.pos] == "[" else -1
            self.pos += 1

    def keys(self):
        """Yield the keys of the object that comes next; the caller reads
        (or skips) each value before asking for the next key."""
        self.take("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            self.take(":")
            yield key
            if self.take(",}") == "}":
                return


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
