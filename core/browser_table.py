"""The browser's table: the rows of a search in cards or notes mode, and their cells.

Pure (no Qt): the browser window shows it, `repetend search` prints it. The search runs
sorted in SQL (`repetend.core.search.order`); cells are fetched a page of rows at a time
with one query per page, and questions/answers are rendered only for the rows fetched, so
a window showing the first screen of 100,000 cards touches 128 of them.

Column keys, labels, cell texts and the config keys (`activeCols`, `activeNoteCols`,
`sortType`, `sortBackwards`, `noteSortType`, `browserNoteSortBackwards`) are Anki's, so a
collection's browser settings carry over both ways. In notes mode Anki's "template" column
is the note's card count ("Cards"); `noteCards` is accepted as another name for it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from repetend.core.errors import InvalidInput
from repetend.core.search import find_cards, find_notes
from repetend.core.search.order import COLUMNS as SORT_COLUMNS
from repetend.core.search.timing import today as search_today
from repetend.core.template.avtags import SoundTag
from repetend.core.text import strip_html

if TYPE_CHECKING:
    from repetend.core.cards import Card
    from repetend.core.collection import Collection

PAGE = 128
#: Columns whose cell reads the same in cards and notes mode (`_shared_cell`).
_SHARED_KEYS = frozenset({"cardReps", "cardLapses", "noteCrt", "noteMod", "cardMod",
                          "noteTags", "note"})

CARD_COLUMNS_KEY, NOTE_COLUMNS_KEY = "activeCols", "activeNoteCols"
CARD_SORT_KEY, NOTE_SORT_KEY = "sortType", "noteSortType"
CARD_REVERSE_KEY, NOTE_REVERSE_KEY = "sortBackwards", "browserNoteSortBackwards"
DEFAULT_CARD_COLUMNS = ("noteFld", "template", "cardDue", "deck")
DEFAULT_NOTE_COLUMNS = ("noteFld", "note", "template", "noteTags")
#: Other names a caller may use for a column (the CLI's names come from order.ALIASES).
COLUMN_ALIASES = {"noteCards": "template"}


@dataclass(frozen=True)
class TableColumn:
    """One column the table can show."""

    key: str
    label: str
    sortable: bool
    cards: bool
    notes: bool


# (key, cards-mode label, notes-mode label, sortable); Anki's labels.
_BUILTIN: list[tuple[str, str, str, bool]] = [
    ("noteFld", "Sort Field", "Sort Field", True),
    ("question", "Question", "Question", False),
    ("answer", "Answer", "Answer", False),
    ("deck", "Deck", "Deck", True),
    ("cardDue", "Due", "Due", True),
    ("cardIvl", "Interval", "Avg. Interval", True),
    ("cardEase", "Ease", "Avg. Ease", True),
    ("cardReps", "Reviews", "Reviews", True),
    ("cardLapses", "Lapses", "Lapses", True),
    ("noteCrt", "Created", "Created", True),
    ("noteMod", "Note Modified", "Note Modified", True),
    ("cardMod", "Card Modified", "Card Modified", True),
    ("noteTags", "Tags", "Tags", True),
    ("note", "Note Type", "Note Type", True),
    ("template", "Card Type", "Cards", True),
    ("originalPosition", "Position", "Position", True),
]
_BUILTIN_KEYS = frozenset(k for k, *_ in _BUILTIN)


@dataclass(frozen=True)
class _Added:
    column: TableColumn
    value: Callable[[Collection, Card], str]


class BrowserTable:
    """The rows of the last search and the cells of the shown columns.

    `ids` are card ids in cards mode, note ids in notes mode. Rows are cached until
    `invalidate`; an operation that changes cards should call it (the search is not re-run,
    as in Anki: edited rows stay where they are until the next search).
    """

    def __init__(self, col: Collection, *, notes_mode: bool = False,
                 columns: Sequence[str] | None = None) -> None:
        self.col = col
        self.notes_mode = notes_mode
        self._added: dict[str, _Added] = {}
        self._wanted: dict[bool, list[str]] = {}
        for mode in (False, True):
            saved = col.get_config(NOTE_COLUMNS_KEY if mode else CARD_COLUMNS_KEY)
            if not (isinstance(saved, list) and all(isinstance(k, str) for k in saved)):
                saved = list(DEFAULT_NOTE_COLUMNS if mode else DEFAULT_CARD_COLUMNS)
            self._wanted[mode] = [COLUMN_ALIASES.get(k, k) for k in saved]
        self._query = ""
        self._ids: list[int] = []
        self._index: dict[int, int] | None = None
        self._cache: dict[int, list[str]] = {}
        self._deleted: set[int] = set()
        self.sort_column: str | None = None
        self.reverse = False
        self._load_sort()
        if columns is not None:
            self.set_columns(columns)

    # --- columns -------------------------------------------------------------------------

    def available_columns(self) -> list[TableColumn]:
        """Every column of the current mode, built-in ones then added ones."""
        out = [TableColumn(key, notes if self.notes_mode else cards, sortable, True, True)
               for key, cards, notes, sortable in _BUILTIN]
        return out + [a.column for a in self._added.values()]

    def column(self, key: str) -> TableColumn:
        """The column for `key` (or an alias); InvalidInput naming the choices if unknown."""
        key = COLUMN_ALIASES.get(key, key)
        for column in self.available_columns():
            if column.key == key:
                return column
        keys = ", ".join(c.key for c in self.available_columns())
        raise InvalidInput(f"unknown browser column {key!r}; use one of {keys}")

    @property
    def columns(self) -> list[str]:
        """The keys shown, in order (saved keys of add-ons not loaded are left out)."""
        known = {c.key for c in self.available_columns()}
        return [k for k in self._wanted[self.notes_mode] if k in known]

    @columns.setter
    def columns(self, keys: Sequence[str]) -> None:
        self.set_columns(keys)

    def set_columns(self, keys: Sequence[str], *, remember: bool = True) -> None:
        """Show these columns in this order, and remember them in the collection's config
        (unless `remember` is False: for this table only)."""
        checked = [self.column(k).key for k in keys]
        if not checked:
            raise InvalidInput("the browser needs at least one column")
        if len(set(checked)) != len(checked):
            raise InvalidInput("a browser column is listed twice")
        self._wanted[self.notes_mode] = checked
        if remember:
            self._write_config(NOTE_COLUMNS_KEY if self.notes_mode else CARD_COLUMNS_KEY,
                               checked)
        self._cache.clear()

    def add_column(self, key: str, label: str, value: Callable[[Collection, Card], str]) -> None:
        """An extra, unsortable column (an add-on's). In notes mode `value` gets the note's
        first card. Exceptions from `value` are the caller's to contain."""
        if key in _BUILTIN_KEYS or key in COLUMN_ALIASES:
            raise InvalidInput(f"{key!r} is a built-in browser column")
        self._added[key] = _Added(TableColumn(key, label, False, True, True), value)
        self._cache.clear()

    # --- searching and sorting -------------------------------------------------------------

    def search(self, query: str, sort: str | None = None, reverse: bool = False, *,
               remember: bool = True) -> int:
        """Run `query` sorted by `sort` (then remembered in the config unless `remember` is
        False), or by the current sort when None (`reverse` is then ignored). Returns the
        number of rows; on InvalidInput the previous rows stay."""
        key, backwards = self.sort_column, self.reverse
        if sort is not None:
            column = self.column(sort)
            if not column.sortable:
                raise InvalidInput(f"the {column.label!r} column cannot be sorted")
            key, backwards = column.key, reverse
        ids = self._find(query, key, backwards)
        self._query, self._ids = query, ids
        self._index = None
        self._cache.clear()
        self._deleted.clear()
        if sort is not None and (key, backwards) != (self.sort_column, self.reverse):
            self.sort_column, self.reverse = key, backwards
            if not remember:
                return len(ids)
            self._write_config(NOTE_SORT_KEY if self.notes_mode else CARD_SORT_KEY, key)
            self._write_config(NOTE_REVERSE_KEY if self.notes_mode else CARD_REVERSE_KEY,
                               backwards)
        return len(ids)

    def set_notes_mode(self, notes: bool) -> None:
        """Switch between cards and notes, re-running the last search in the new mode."""
        if notes == self.notes_mode:
            return
        self.notes_mode = notes
        self._load_sort()
        self._ids, self._index = [], None
        self._cache.clear()
        self._deleted.clear()
        self.search(self._query)

    def _find(self, query: str, key: str | None, reverse: bool) -> list[int]:
        finder = find_notes if self.notes_mode else find_cards
        if key is None:
            return finder(self.col, query)
        return finder(self.col, query, order=key, reverse=reverse)

    def _load_sort(self) -> None:
        key = self.col.get_config(NOTE_SORT_KEY if self.notes_mode else CARD_SORT_KEY,
                                  "noteFld")
        key = COLUMN_ALIASES.get(key, key) if isinstance(key, str) else "noteFld"
        if key not in SORT_COLUMNS or key not in _BUILTIN_KEYS:
            key = "noteFld"
        self.sort_column = key
        self.reverse = bool(self.col.get_config(
            NOTE_REVERSE_KEY if self.notes_mode else CARD_REVERSE_KEY, False))

    def _write_config(self, key: str, value: Any) -> None:
        # Browser settings are UI state: written straight away, not an undo step (Anki
        # does not offer to undo a column change either). Inside an op it joins the op.
        self.col._write_config(key, value)

    # --- rows ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> Sequence[int]:
        """Card ids (cards mode) or note ids (notes mode), in row order."""
        return self._ids

    @property
    def query(self) -> str:
        return self._query

    def row_of(self, item_id: int) -> int | None:
        """The row showing this card (cards mode) or note (notes mode), or None."""
        if self._index is None:
            self._index = {item: i for i, item in enumerate(self._ids)}
        return self._index.get(item_id)

    def row(self, index: int) -> list[str]:
        """The text of each shown column for the row at `index`."""
        if not 0 <= index < len(self._ids):
            raise IndexError(f"row {index} of {len(self._ids)}")
        cells = self._cache.get(index)
        if cells is None:
            self._fetch_page(index - index % PAGE)
            cells = self._cache[index]
        return cells

    def is_deleted(self, index: int) -> bool:
        """Whether the row's card or note no longer exists (its cells are empty)."""
        self.row(index)
        return index in self._deleted

    def invalidate(self, ids: Iterable[int] | None = None) -> None:
        """Forget cached cells (of these rows' card or note ids, or all) so they are fetched
        again; in notes mode card ids stand for their notes' rows."""
        if ids is None:
            self._cache.clear()
            self._deleted.clear()
            return
        items = list(ids)
        self._forget(items)
        if items and self.notes_mode:
            # Card ids given in notes mode (an operation on cards): their notes' rows. Every
            # id is looked up, as a card id may equal another note's id (both are times).
            self._forget(nid for (nid,) in self.col.db.execute(
                "SELECT DISTINCT nid FROM cards WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(items),)))

    def _forget(self, ids: Iterable[int]) -> None:
        for item in ids:
            index = self.row_of(item)
            if index is not None:
                self._cache.pop(index, None)
                self._deleted.discard(index)

    def card_ids(self, rows: Iterable[int]) -> list[int]:
        """The cards of these rows in row order (notes mode: every card of each note)."""
        items = [self._ids[i] for i in rows]
        if not self.notes_mode:
            return items
        by_note: dict[int, list[int]] = {}
        for nid, cid in self.col.db.execute(
                "SELECT nid, id FROM cards WHERE nid IN (SELECT value FROM json_each(?)) "
                "ORDER BY nid, ord", (json.dumps(items),)):
            by_note.setdefault(nid, []).append(cid)
        return [cid for nid in dict.fromkeys(items) for cid in by_note.get(nid, ())]

    def note_ids(self, rows: Iterable[int]) -> list[int]:
        """The notes of these rows in row order, each once."""
        items = [self._ids[i] for i in rows]
        if self.notes_mode:
            return list(dict.fromkeys(items))
        note_of = dict(self.col.db.execute(
            "SELECT id, nid FROM cards WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(items),)))
        return list(dict.fromkeys(note_of[c] for c in items if c in note_of))

    # --- fetching cells --------------------------------------------------------------------

    def _fetch_page(self, start: int) -> None:
        indexes = [i for i in range(start, min(start + PAGE, len(self._ids)))
                   if i not in self._cache]
        items = [self._ids[i] for i in indexes]
        columns = self.columns
        cells = _Cells(self.col, columns, self._added)
        rows = (cells.note_rows if self.notes_mode else cells.card_rows)(items)
        for index, item in zip(indexes, items, strict=True):
            row = rows.get(item)
            if row is None:
                self._deleted.add(index)
                row = [""] * len(columns)
            self._cache[index] = row


# --- cell texts ---------------------------------------------------------------------------

_CARD_SQL = (
    "SELECT c.id, c.nid, c.did, c.odid, c.ord, c.type, c.queue, c.due, c.odue, c.ivl, "
    "c.factor, c.reps, c.lapses, c.mtime, c.data, n.flds, n.tags, n.mtime, n.ntid "
    "FROM cards c JOIN notes n ON n.id = c.nid "
    "WHERE c.id IN (SELECT value FROM json_each(?))")

# Per note: its first card (lowest ordinal) and the aggregates Anki's notes mode shows.
_NOTE_SQL = (
    "SELECT n.id, n.flds, n.tags, n.mtime, n.ntid, count(), "
    "(SELECT id FROM cards WHERE nid = n.id ORDER BY ord LIMIT 1), "
    "min(c.did), count(DISTINCT c.did), max(c.mtime), sum(c.reps), sum(c.lapses), "
    "avg(CASE WHEN c.type IN (2, 3) THEN c.ivl END), "
    "sum(CASE WHEN c.type != 0 THEN c.factor END), count(CASE WHEN c.type != 0 THEN 1 END), "
    "min(CASE WHEN c.type = 0 OR c.queue IN (0, -1, -2, -3) OR c.odid != 0 THEN NULL "
    "WHEN c.queue IN (1, 4) OR (c.type IN (1, 3) AND c.due > 1000000000) "
    "THEN c.due ELSE ? + (c.due - ?) * 86400 END) "
    "FROM notes n JOIN cards c ON c.nid = n.id "
    "WHERE n.id IN (SELECT value FROM json_each(?)) GROUP BY n.id")

_ANSWER_RULE = re.compile(r"<hr\s+id\s*=\s*[\"']?answer[\"']?\s*/?>", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"<br\s*/?>|</?(?:div|p|li|ul|ol|tr|table|h[1-6])\b[^>]*>",
                          re.IGNORECASE)
_PLAY = re.compile(r"\[anki:play:([qa]):(\d+)\]")
_SOUND = re.compile(r"\[sound:([^\]]*)\]")


class _Cells:
    """The texts of one page of rows, with what they share (decks, note types, today)."""

    def __init__(self, col: Collection, columns: list[str], added: dict[str, _Added]) -> None:
        self.col = col
        self.columns = columns
        self.added = added
        self.now = int(time.time())
        self._today: int | None = None
        self._decks: dict[int, str] | None = None

    @property
    def today(self) -> int:
        if self._today is None:
            self._today = search_today(self.col, self.now).today
        return self._today

    def deck_name(self, did: int) -> str:
        if self._decks is None:
            self._decks = dict(self.col.db.execute("SELECT id, name FROM decks"))
        return self._decks.get(did, "(deleted)")

    # cards mode

    def card_rows(self, cids: list[int]) -> dict[int, list[str]]:
        if not cids:
            return {}
        return {row[0]: [self._card_cell(key, row) for key in self.columns]
                for row in self.col.db.execute(_CARD_SQL, (json.dumps(cids),))}

    def _card_cell(self, key: str, row: tuple[Any, ...]) -> str:
        (cid, nid, did, odid, ord_, ctype, queue, due, odue, ivl, factor, reps, lapses,
         cmod, data, flds, tags, nmod, ntid) = row
        if key == "noteFld":
            return self._sort_field(ntid, flds)
        if key == "question" or key == "answer":
            return self._rendered(cid, key)
        if key == "deck":
            name = self.deck_name(did)
            return f"{name} ({self.deck_name(odid)})" if odid else name
        if key == "cardDue":
            return self._card_due(ctype, queue, due, odid)
        if key == "cardIvl":
            return "(new)" if ctype == 0 else "(learning)" if ctype == 1 else interval(ivl)
        if key == "cardEase":
            return "(new)" if ctype == 0 else f"{factor // 10}%"
        if key in _SHARED_KEYS:
            return self._shared_cell(key, nid, nmod, cmod, tags, ntid, reps, lapses)
        if key == "template":
            return self._template(ntid, ord_)
        if key == "originalPosition":
            return _position(ctype, queue, due, data)
        return self._added_cell(key, cid)

    def _shared_cell(self, key: str, nid: int, nmod: int, cmod: int, tags: str, ntid: int,
                     reps: int, lapses: int) -> str:
        """The cells both modes show the same way (notes mode passes its cards' sums)."""
        if key == "cardReps":
            return str(reps)
        if key == "cardLapses":
            return str(lapses)
        if key == "noteCrt":
            return stamp(nid // 1000)
        if key == "noteMod":
            return stamp(nmod)
        if key == "cardMod":
            return stamp(cmod)
        if key == "noteTags":
            return str(tags).strip()
        return self.col.notetypes.get(ntid).name  # "note"

    def _card_due(self, ctype: int, queue: int, due: int, odid: int) -> str:
        # Anki: a card in a filtered deck shows "(filtered)"; new cards their position;
        # suspended and buried cards in parentheses.
        if odid:
            return "(filtered)"
        if ctype == 0 or queue == 0:
            text = f"New #{due}"
        elif queue in (1, 4) or (ctype in (1, 3) and due > 1_000_000_000):
            text = date_text(due)
        else:
            text = date_text(self.now + (due - self.today) * 86_400)
        return f"({text})" if queue < 0 else text

    def _sort_field(self, ntid: int, flds: str) -> str:
        # From the field itself, not the stored sort text: line breaks read as spaces.
        values = flds.split("\x1f")
        index = self.col.notetypes.get(ntid).sort_field
        return text_line(values[index] if index < len(values) else "")

    def _template(self, ntid: int, ord_: int) -> str:
        nt = self.col.notetypes.get(ntid)
        if nt.is_cloze:
            return f"{nt.templates[0].name} {ord_ + 1}"
        return nt.templates[min(ord_, len(nt.templates) - 1)].name

    def _rendered(self, cid: int, side: str) -> str:
        rendered = self.col.render_card(self.col.get_card(cid), browser=True)
        tags = {"q": rendered.question_av_tags, "a": rendered.answer_av_tags}

        def play(match: re.Match[str]) -> str:
            found = tags[match.group(1)]
            number = int(match.group(2))
            tag = found[number] if number < len(found) else None
            if isinstance(tag, SoundTag):
                return f" \U0001f509{tag.filename}\U0001f509 "
            return f" \U0001f4ac{tag.text}\U0001f4ac " if tag is not None else " "

        question = _PLAY.sub(play, rendered.question)
        if side == "question":
            return text_line(question)
        answer = _PLAY.sub(play, rendered.answer)
        parts = _ANSWER_RULE.split(answer, maxsplit=1)
        if len(parts) == 2:
            return text_line(parts[1])
        if answer.startswith(question):
            answer = answer[len(question):]
        return text_line(answer)

    def _added_cell(self, key: str, cid: int | None) -> str:
        added = self.added.get(key)
        if added is None or cid is None:
            return ""
        value = added.value(self.col, self.col.get_card(cid))
        return "" if value is None else str(value)

    # notes mode

    def note_rows(self, nids: list[int]) -> dict[int, list[str]]:
        if not nids:
            return {}
        params = (self.now, self.today, json.dumps(nids)) if "cardDue" in self.columns \
            else (0, 0, json.dumps(nids))
        return {row[0]: [self._note_cell(key, row) for key in self.columns]
                for row in self.col.db.execute(_NOTE_SQL, params)}

    def _note_cell(self, key: str, row: tuple[Any, ...]) -> str:
        (nid, flds, tags, nmod, ntid, count, first_cid, did, decks, cmod, reps, lapses,
         ivl, factor_sum, factor_count, due) = row
        if key == "noteFld":
            return self._sort_field(ntid, flds)
        if key in ("question", "answer"):
            return self._rendered(first_cid, key)
        if key == "deck":
            return self.deck_name(did) if decks == 1 else f"({decks})"
        if key == "cardDue":
            return date_text(due) if due is not None else ""
        if key == "cardIvl":
            return interval(ivl) if ivl is not None else ""
        if key == "cardEase":
            return f"{factor_sum // factor_count // 10}%" if factor_count else "(new)"
        if key in _SHARED_KEYS:
            return self._shared_cell(key, nid, nmod, cmod, tags, ntid, reps, lapses)
        if key == "template":
            return str(count)
        if key == "originalPosition":
            card = self.col.db.execute("SELECT type, queue, due, data FROM cards WHERE id = ?",
                                       (first_cid,)).fetchone()
            return _position(*card) if card else ""
        return self._added_cell(key, first_cid)


# --- formatting ---------------------------------------------------------------------------

def text_line(html: str) -> str:
    """HTML as one line of plain text, as the browser's cells show it."""
    text = strip_html(_LINE_BREAKS.sub(" ", _SOUND.sub(r" \1 ", html)))
    return " ".join(text.split())


def stamp(secs: int) -> str:
    """A creation or modification time as Anki's browser shows it: 2024-05-01 @ 14:03."""
    return datetime.fromtimestamp(secs).strftime("%Y-%m-%d @ %H:%M")


def date_text(secs: int) -> str:
    return datetime.fromtimestamp(secs).strftime("%Y-%m-%d")


_MONTH_DAYS = 365 / 12


def interval(days: float) -> str:
    """An interval in days as Anki's browser shows it: "3 days", "1.5 months", "2 years"."""
    if days < _MONTH_DAYS:
        number = f"{days:.2f}".rstrip("0").rstrip(".")
        unit = "day"
    else:
        value, unit = (days / _MONTH_DAYS, "month") if days < 365 else (days / 365, "year")
        number = f"{value:.1f}".removesuffix(".0")
    return f"{number} {unit}{'' if number == '1' else 's'}"


def _position(ctype: int, queue: int, due: int, data: str) -> str:
    if ctype == 0:
        return str(due)
    if data and '"pos"' in data:
        try:
            pos = json.loads(data).get("pos")
        except ValueError:
            return ""
        return "" if pos is None else str(pos)
    return ""
