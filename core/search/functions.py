"""SQLite functions the compiled searches call (registered on the collection's connection).

Each runs inside SQLite's evaluation of the WHERE clause; patterns arrive already translated
to Python syntax (`regex.translate`) and are compiled once and cached.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import struct
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import fields
from functools import lru_cache
from typing import TYPE_CHECKING

from repetend.core.cards import Card
from repetend.core.text import strip_html_preserving_media_filenames

if TYPE_CHECKING:
    from repetend.core.collection import Collection

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


# --- extra terms (`Collection.search_terms`) --------------------------------------------------


#: The card's columns an extra term's call passes, in `Card`'s field order: the card is
#: built from the row SQLite is on, without a query of its own.
CARD_COLUMNS = tuple(f.name for f in fields(Card))


class TermRun:
    """One search's extra terms: each term's match function, looked up once for the search,
    and the card last built (several terms, or one inside OR, test the same row in turn)."""

    def __init__(self, col: Collection, token: int) -> None:
        self.col = col
        self.token = token
        self.matches: dict[str, Callable[[Collection, Card, str], bool | None]] = {}
        #: The first exception a match function raised, re-raised when the search ends.
        self.error: BaseException | None = None
        self._card: Card | None = None

    def card(self, columns: tuple[object, ...]) -> Card:
        card = self._card
        if card is None or card.id != columns[_ID_INDEX]:
            *values, raw = columns
            try:
                data = json.loads(raw) if raw else {}  # type: ignore[arg-type]
            except ValueError:
                data = {}
            card = self._card = Card(*values, data=data if isinstance(data, dict) else {})
        return card


_ID_INDEX = CARD_COLUMNS.index("id")
assert CARD_COLUMNS[-1] == "data"


# Runs by token: the SQL names its run by a parameter, so one function registered per
# connection serves every search, nested ones included. Finished runs are removed by the
# caller; the few left by callers of `build_sql` that run the SQL themselves age out.
_RUNS: OrderedDict[int, TermRun] = OrderedDict()
_RUNS_KEPT = 32
_tokens = itertools.count(1)
_runs_lock = threading.Lock()


def start_run(col: Collection) -> TermRun:
    run = TermRun(col, next(_tokens))
    with _runs_lock:
        _RUNS[run.token] = run
        while len(_RUNS) > _RUNS_KEPT:
            _RUNS.popitem(last=False)
    return run


def end_run(run: TermRun) -> None:
    with _runs_lock:
        _RUNS.pop(run.token, None)


def _custom_term(token: int, name: str, value: str, *columns: object) -> int | None:
    """1 if the card matches, 0 if not, NULL if the term could not tell (neither the term
    nor its negation then matches, like Anki's terms on missing data)."""
    run = _RUNS.get(token)
    if run is None:
        raise LookupError("this search's extra terms are gone; build the search again")
    try:
        result = run.matches[name](run.col, run.card(columns[:len(CARD_COLUMNS)]), value)
    except Exception as exc:
        # SQLite only says "user-defined function raised exception"; the caller re-raises
        # this one instead.
        if run.error is None:
            run.error = exc
        raise
    return None if result is None else int(bool(result))


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
    # Not deterministic: a term's answer may depend on anything, and must be asked per row.
    db.create_function("rp_term", -1, _custom_term)
