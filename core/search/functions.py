"""SQLite functions the compiled searches call (registered on the collection's connection).

Each runs inside SQLite's evaluation of the WHERE clause; patterns arrive already translated
to Python syntax (`regex.translate`) and are compiled once and cached.
"""

from __future__ import annotations

import json
import re
import sqlite3
import struct
import unicodedata
from functools import lru_cache

from repetend.core.text import strip_html_preserving_media_filenames

FIELD_SEPARATOR = "\x1f"


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def without_combining(text: str) -> str:
    """Text with combining marks (accents) removed, after canonical decomposition."""
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFD", text)
                   if unicodedata.category(ch) not in ("Mn", "Mc", "Me"))


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _regexp(pattern: str, value: object) -> int | None:
    text = _text(value)
    if text is None:
        return None
    return 1 if _compiled(pattern).search(text) is not None else 0


def _regexp_fields(pattern: str, flds: str | None, *indexes: int) -> int | None:
    if flds is None:
        return None
    rx = _compiled(pattern)
    fields = flds.split(FIELD_SEPARATOR)
    if indexes:
        return 1 if any(rx.search(fields[i]) for i in indexes if i < len(fields)) else 0
    return 1 if any(rx.search(f) for f in fields) else 0


def _regexp_tags(pattern: str, tags: str | None) -> int | None:
    if tags is None:
        return None
    rx = _compiled(pattern)
    # Split at single spaces, as Anki does: the empty ends of " a b " are tested too.
    return 1 if any(rx.search(tag) for tag in tags.split(" ")) else 0


def _no_combining(value: object) -> str | None:
    text = _text(value)
    return None if text is None else without_combining(text)


def custom_data_value(data: str | None, key: str) -> str | None:
    """The card's custom data `key` as text (numbers and booleans in JSON spelling)."""
    if not data or '"cd"' not in data:
        return None
    try:
        outer = json.loads(data)
        inner = outer.get("cd") if isinstance(outer, dict) else None
        if isinstance(inner, str):
            inner = json.loads(inner) if inner else None
    except ValueError:
        return None
    if not isinstance(inner, dict) or key not in inner:
        return None
    value = inner[key]
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def fsrs_value(data: str | None, key: str) -> float | None:
    if not data or f'"{key}"' not in data:
        return None
    try:
        outer = json.loads(data)
    except ValueError:
        return None
    value = outer.get(key) if isinstance(outer, dict) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


_CLOZE = re.compile(r"(?s)\{\{c\d+::(.*?)(?:::.*?)?\}\}")


def strip_cloze_markup(text: str) -> str:
    """`{{c1::Paris::city}}` -> `Paris` (the first closing braces end a cloze, as in Anki)."""
    return _CLOZE.sub(r"\1", text) if "{{" in text else text


def _strip_cloze(value: object) -> str | None:
    text = _text(value)
    return None if text is None else strip_cloze_markup(text)


def retrievability(data: str | None, due: int, ivl: int, today: int, now: int) -> float | None:
    """FSRS recall probability now, from the card's stability (`s`) and `decay` (default
    0.5), counting from the last review time `lrt`, else from the day `due - ivl`."""
    if not data or '"s"' not in data:
        return None
    try:
        values = json.loads(data)
    except ValueError:
        return None
    if not isinstance(values, dict):
        return None
    stability, difficulty = values.get("s"), values.get("d")
    if not _is_number(stability) or not _is_number(difficulty) or stability <= 0:
        return None
    decay = values.get("decay")
    decay = float(decay) if _is_number(decay) and decay > 0 else 0.5
    last = values.get("lrt")
    if _is_number(last) and last > 0:
        elapsed = max(0.0, (now - last) / 86_400)
    else:
        elapsed = float(max(0, today - (due - ivl)))
    factor = 0.9 ** (1 / -decay) - 1
    recall = (1 + factor * elapsed / stability) ** -decay
    return struct.unpack("f", struct.pack("f", recall))[0]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _dupe_text(flds: str | None) -> str | None:
    if flds is None:
        return None
    return strip_html_preserving_media_filenames(flds.split(FIELD_SEPARATOR, 1)[0])


FUNCTIONS = {
    "rp_regexp": (2, _regexp),
    "rp_regexp_fields": (-1, _regexp_fields),
    "rp_regexp_tags": (2, _regexp_tags),
    "rp_nc": (1, _no_combining),
    "rp_cd": (2, custom_data_value),
    "rp_fsrs": (2, fsrs_value),
    "rp_dupe_text": (1, _dupe_text),
    "rp_sc": (1, _strip_cloze),
    "rp_fsrs_r": (5, retrievability),
}


def register(db: sqlite3.Connection) -> None:
    """Make the search functions available on `db` (cheap; safe to repeat)."""
    for name, (nargs, func) in FUNCTIONS.items():
        db.create_function(name, nargs, func, deterministic=True)
