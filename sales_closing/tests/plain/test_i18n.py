# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python checks of the Simplified Chinese translation: no Odoo needed.

``i18n/zh_CN.po`` must translate exactly the entries of the exported template
``i18n/sales_closing.pot``, keep their placeholders and comments, and leave no
message untranslated.
"""

import re
from pathlib import Path

import pytest

I18N = Path(__file__).resolve().parents[2] / "i18n"
POT = I18N / "sales_closing.pot"
PO = I18N / "zh_CN.po"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a"}
# %% (a literal percent sign), %(name)s (named) or %s (bare) conversions
_PLACEHOLDER = re.compile(r"%(?:%|\((?P<name>\w+)\)(?P<nconv>[a-z])|(?P<conv>[a-z]))")
_TAG = re.compile(r"</?\s*([A-Za-z][\w-]*)")


def _unquote(token, path, lineno):
    """Return the text of the PO string literal ``token`` (``"..."``)."""
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError(f"{path}:{lineno}: not a PO string: {token!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), token[1:-1])


def parse_po(path):
    """Parse a .po/.pot file into a list of entries.

    Each entry is a dict with ``comments`` (the ``#`` lines, verbatim),
    ``msgctxt`` (or None), ``msgid``, ``msgstr`` and the line ``lineno`` of its
    ``msgid``. Strings spread over continuation lines are joined.
    """
    entries = []
    current = None
    field = None

    def flush():
        if current is not None and "msgid" in current:
            entries.append(current)

    lines = Path(path).read_text(encoding="utf-8").splitlines()
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            flush()
            current, field = None, None
            continue
        if current is None:
            current = {"comments": [], "msgctxt": None}
        if line.startswith("#"):
            if "msgid" in current:  # comment of the next entry, no blank line
                flush()
                current = {"comments": [], "msgctxt": None}
                field = None
            current["comments"].append(raw.rstrip())
            continue
        match = _KEYWORD.match(line)
        if match:
            field = match.group(1)
            if field in current:
                raise ValueError(f"{path}:{lineno}: {field} given twice")
            if field == "msgid":
                current["lineno"] = lineno
            current[field] = _unquote(match.group(2), path, lineno)
        elif line.startswith('"') and field:
            current[field] += _unquote(line, path, lineno)
        else:
            raise ValueError(f"{path}:{lineno}: unexpected line {raw!r}")
    flush()
    return entries


def _by_key(entries):
    result = {}
    for entry in entries:
        key = (entry["msgctxt"], entry["msgid"])
        assert key not in result, f"duplicate msgid at line {entry['lineno']}"
        result[key] = entry
    return result


def _placeholders(text):
    """Return (set of named placeholders, count of bare %s) of ``text``."""
    named, bare = set(), 0
    for match in _PLACEHOLDER.finditer(text):
        if match.group("name"):
            named.add(f"%({match.group('name')}){match.group('nconv')}")
        elif match.group("conv") == "s":
            bare += 1
    return named, bare


def _header(entries):
    header = next(e for e in entries if e["msgid"] == "" and e["msgctxt"] is None)
    fields = {}
    for line in header["msgstr"].splitlines():
        key, _sep, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


@pytest.fixture(scope="module")
def pot():
    return _by_key(e for e in parse_po(POT) if e["msgid"])


@pytest.fixture(scope="module")
def po_entries():
    return parse_po(PO)


@pytest.fixture(scope="module")
def po(po_entries):
    return _by_key(e for e in po_entries if e["msgid"])


def test_parser_joins_continuations_and_keeps_comments(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: xx\\n"\n\n'
        "#. module: m\n#: code:addons/m/a.py:0\n"
        'msgid ""\n"Line \\"one\\"\\n"\n"two %(x)s"\nmsgstr "un %(x)s"\n'
        '#: model:ir.ui.view,arch_db:m.v\nmsgid "Next"\nmsgstr ""\n',
        encoding="utf-8",
    )
    header, first, second = parse_po(sample)
    assert header["msgstr"] == "Language: xx\n"
    assert first["msgid"] == 'Line "one"\ntwo %(x)s'
    assert first["msgstr"] == "un %(x)s"
    assert first["comments"] == ["#. module: m", "#: code:addons/m/a.py:0"]
    assert second["comments"] == ["#: model:ir.ui.view,arch_db:m.v"]
    assert (second["msgid"], second["msgstr"]) == ("Next", "")
    assert _placeholders("%(a)s %s %% %s %(b)d") == ({"%(a)s", "%(b)d"}, 2)


def test_header(po_entries):
    fields = _header(po_entries)
    assert fields["Language"] == "zh_CN"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"


def test_every_template_entry_is_translated(pot, po):
    assert len(pot) > 200
    missing = [key[1] for key in pot if key not in po]
    assert not missing, f"msgids of the .pot missing in zh_CN.po: {missing}"
    empty = [key[1] for key in pot if not po[key]["msgstr"].strip()]
    assert not empty, f"untranslated msgids: {empty}"


def test_no_stale_entry(pot, po):
    stale = [key[1] for key in po if key not in pot]
    assert not stale, f"msgids of zh_CN.po no longer in the .pot: {stale}"


def test_comments_kept(pot, po):
    changed = [
        key[1]
        for key, entry in pot.items()
        if key in po and po[key]["comments"] != entry["comments"]
    ]
    assert not changed, f"#. / #: comments differ from the .pot for: {changed}"


def test_placeholders_kept(po):
    wrong = []
    for (_ctx, msgid), entry in po.items():
        if _placeholders(msgid) != _placeholders(entry["msgstr"]):
            wrong.append((msgid, entry["msgstr"]))
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def test_line_breaks_and_html_tags_kept(po):
    wrong = []
    for (_ctx, msgid), entry in po.items():
        msgstr = entry["msgstr"]
        if msgid.count("\n") != msgstr.count("\n") or sorted(
            _TAG.findall(msgid)
        ) != sorted(_TAG.findall(msgstr)):
            wrong.append((msgid, msgstr))
    assert not wrong, f"line breaks or HTML tags differ: {wrong}"


def test_nothing_left_in_english(po):
    same = [
        msgid
        for (_ctx, msgid), entry in po.items()
        if entry["msgstr"] == msgid and any(char.isalpha() for char in msgid)
    ]
    assert not same, f"msgstr equal to its msgid: {same}"
