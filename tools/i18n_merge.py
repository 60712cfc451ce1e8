"""Merge a language's .po file with the freshly exported template (run in
Odoo's venv, which has polib; called by ``dev.py i18n``).

    python tools/i18n_merge.py I18N_DIR LANG PENDING_DIR

The new ``LANG.po`` holds exactly the template's entries, with their
comments and occurrences, each translated from the old ``LANG.po`` or from
``PENDING_DIR/*.po`` (plain msgid/msgstr pairs). Pending files whose every
entry was used are removed. Prints the untranslated msgids; exit 1 if any.
"""

import sys
from pathlib import Path

import polib


def load_pending(pending_dir: Path) -> tuple[dict, list[Path]]:
    translations, files = {}, sorted(pending_dir.glob("*.po"))
    for path in files:
        for entry in polib.pofile(str(path), check_for_duplicates=False):
            if entry.msgstr:
                translations[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return translations, files


def merge(i18n_dir: Path, lang: str, pending_dir: Path) -> int:
    module = i18n_dir.parent.name
    template = polib.pofile(str(i18n_dir / f"{module}.pot"))
    old = polib.pofile(str(i18n_dir / f"{lang}.po"))
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old if e.msgstr}
    pending, files = load_pending(pending_dir)
    new = polib.POFile()
    new.header, new.metadata = old.header, dict(old.metadata)
    new.metadata["POT-Creation-Date"] = template.metadata.get("POT-Creation-Date")
    missing, used = [], set()
    for entry in template:
        key = (entry.msgctxt, entry.msgid)
        entry.msgstr = known.get(key) or pending.get(key, "")
        if key in pending and key not in known:
            used.add(key)
        if not entry.msgstr:
            missing.append(entry.msgid)
        new.append(entry)
    (i18n_dir / f"{lang}.po").write_text(str(new) + "\n", encoding="utf-8")
    print(f"[i18n] {lang}.po: {len(new)} entries, {len(used)} from pending files")
    unused = set(pending) - used - set(known)
    for key in sorted(unused, key=str):
        print(f"[i18n] pending translation not in the template: {key[1]!r}")
    if not missing and not unused:
        for path in files:
            path.unlink()
            print(f"[i18n] merged and removed {path}")
    for msgid in missing:
        print(f"[i18n] MISSING {lang}: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(merge(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])))
