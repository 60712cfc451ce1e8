"""Describe what a write changes, for the exception log.

Plain Python: takes already-read values and returns the lines the log keeps,
``field: old → new``, only for values that really change.
"""


def _normalize(value):
    """Make read values comparable: records → ids, lists → sorted tuples."""
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted(_normalize(item) for item in value))
    if isinstance(value, float):
        return round(value, 10)
    if value is None:
        return False
    return value


def changed_fields(old_values, new_values):
    """Return the names of the fields whose value changes, in key order.

    >>> changed_fields({"qty": 5.0, "price": 2}, {"qty": 5, "price": 3})
    ['price']
    """
    return [
        name
        for name, new in new_values.items()
        if name not in old_values or _normalize(old_values[name]) != _normalize(new)
    ]


def format_change(label, old_display, new_display):
    """Return one log line, ``label: old → new``.

    >>> format_change("Quantity", "5.0", "7.0")
    'Quantity: 5.0 → 7.0'
    """
    return f"{label}: {old_display} → {new_display}"
