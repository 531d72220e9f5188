"""The collection: one SQLite file of note types, notes, cards, decks and review history.

Every change goes through `op(name)`: one transaction and one named undo step. A
failure anywhere inside an operation rolls the whole operation back.
"""

from __future__ import annotations

import json
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core import cardgen, rows, storage, undo
from repetend.core.cards import Card
from repetend.core.deckconfig import DEFAULT_CONFIG_ID, DeckConfig
from repetend.core.decks import DeckManager
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.ids import intTime, new_guid, next_id
from repetend.core.notes import (
    FIELD_SEPARATOR,
    Note,
    canonical_tags,
    prepare_fields,
    str_to_tags,
    tags_to_str,
)
from repetend.core.notetypes import NoteType, NoteTypeManager
from repetend.core.stock import STOCK_NOTETYPES
from repetend.core.text import field_checksum, strip_html_preserving_media_filenames

if TYPE_CHECKING:
    from repetend.core.emptycards import EmptyCardsReport
    from repetend.core.scheduler.answering import Scheduler
    from repetend.core.scheduler.states import SchedulingStates
    from repetend.core.template import RenderedCard

#: Tables whose changes are recorded for undo.
UNDOABLE_TABLES = ["col", "config", "notetypes", "fields", "templates", "deck_configs",
                   "decks", "notes", "cards", "revlog", "graves", "tags"]

DEFAULT_ROLLOVER_HOUR = 4

#: An extra search term's test: `match(col, card, value)` with the text after `name:`;
#: None means "cannot tell" (the card then matches neither the term nor its negation).
SearchTermMatch = Callable[["Collection", Card, str], "bool | None"]


@dataclass
class CollectionCallbacks:
    """Extension points the host fills in (core itself knows nothing of plugins)."""

    #: (col, note, deck_id) -> None; may modify the note before it is saved.
    note_will_be_added: Callable[[Collection, Note, int], None] | None = None
    #: (col, note, cards) -> None; told after a note and its cards were saved.
    note_did_add: Callable[[Collection, Note, list[Card]], None] | None = None
    #: (filter_name, text, field_name) -> text or None; for template filters core lacks.
    field_filter: Callable[[str, str, str], str | None] | None = None
    #: (col, card, states) -> states; may replace the next states just before an answer is
    #: committed. The result is validated; invalid states are never stored (core/scheduler).
    scheduling_states_will_commit: Callable[
        [Collection, Card, SchedulingStates], SchedulingStates] | None = None
    #: (col, card, button) -> None; told after an answer was committed (card as stored).
    scheduling_did_answer: Callable[[Collection, Card, int], None] | None = None


class Collection:
    """An open collection file. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        creating = not self.path.exists() or self.path.stat().st_size == 0
        self.db: sqlite3.Connection = storage.connect(self.path)
        self._checkpointer = storage.Checkpointer(self.db, self.path)
        # An unclosed collection still ends the checkpointer's thread when it goes away.
        weakref.finalize(self, self._checkpointer.stop, False)
        undo.install(self.db, UNDOABLE_TABLES)
        self.history = undo.UndoHistory(self.db)
        self.callbacks = CollectionCallbacks()
        #: Extra `name:value` search terms (the host fills it with add-ons' terms): looked
        #: up by name when a search is parsed, then once per search, whose match runs per
        #: card. A name hides a field search of that name; Anki's own words win over it.
        self.search_terms: Mapping[str, SearchTermMatch] = {}
        self._op_depth = 0
        #: Bookkeeping config values (not undo steps) written at the start of the next write
        #: transaction instead of costing a commit of their own (`defer_config`).
        self._deferred_config: dict[str, Any] = {}
        #: (col.mod, undo step id) written by this connection's latest operation that
        #: changed something: what the scheduler's change key reads, without reading it.
        self.last_change: tuple[int, int] | None = None
        self.notetypes = NoteTypeManager(self)
        self.decks = DeckManager(self)
        if creating:
            self._initialize()
        self.media_folder.mkdir(parents=True, exist_ok=True)

    # --- lifecycle -------------------------------------------------------------------

    @property
    def media_folder(self) -> Path:
        return self.path.with_name(self.path.stem + ".media")

    def close(self) -> None:
        if self.db is not None:
            self._checkpointer.stop()
            self.db.close()
            self.db = None  # type: ignore[assignment]

    def __enter__(self) -> Collection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _initialize(self) -> None:
        """Fill a new file the way Anki sets up a fresh collection."""
        now = datetime.now().astimezone()
        crt = now.replace(hour=DEFAULT_ROLLOVER_HOUR, minute=0, second=0, microsecond=0)
        if crt > now:
            crt -= timedelta(days=1)
        offset = now.utcoffset()
        minutes_west = -int(offset.total_seconds() // 60) if offset is not None else 0
        with self.op("Create Collection"):
            self.db.execute("INSERT INTO col (id, crt, mod, scm) VALUES (1, ?, ?, ?)",
                            (int(crt.timestamp()), intTime(1000), intTime(1000)))
            defaults: dict[str, Any] = {
                "activeDecks": [1], "addToCur": True, "collapseTime": 1200,
                "creationOffset": minutes_west, "localOffset": minutes_west, "curDeck": 1,
                "dayLearnFirst": False, "dueCounts": True, "estTimes": True, "newSpread": 0,
                "nextPos": 1, "sched2021": True, "schedVer": 2, "sortBackwards": False,
                "sortType": "noteFld", "timeLim": 0, "rollover": DEFAULT_ROLLOVER_HOUR,
            }
            for key, value in defaults.items():
                self._write_config(key, value)
            rows.insert(self.db, "deck_configs", self._deck_config_row(
                DeckConfig(id=DEFAULT_CONFIG_ID, name="Default", mtime=intTime())))
            self.decks.add_default()
            ntids = [self.notetypes.add(make()).id for make in STOCK_NOTETYPES]
            self._write_config("curModel", ntids[0])
            self.history.clear()

    # --- operations and undo -----------------------------------------------------------

    @contextmanager
    def op(self, name: str) -> Iterator[None]:
        """Run the body as one transaction and one undo step called `name`.

        Operations nest: an inner `op` joins the outer one.
        """
        if self._op_depth:
            self._op_depth += 1
            try:
                yield
            finally:
                self._op_depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._op_depth = 1
        try:
            deferred = self._write_deferred()
            step = self.history.begin_recording()
            yield
            mod = intTime(1000)
            changed = self.history.touch_if_changed(step, mod)
            self.history.stop_recording()
            if changed:
                self.history.record(step, name)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            self._forget_caches()
            raise
        finally:
            self._op_depth = 0
        if deferred:
            self._deferred_config.clear()
        if changed:
            self.last_change = (mod, step)
            self._checkpointer.committed()

    @property
    def in_operation(self) -> bool:
        """Whether an `op` is open (its writes are not committed yet)."""
        return self._op_depth > 0

    @contextmanager
    def bulk_insert(self, table: str) -> Iterator[undo.BulkInsert]:
        """Inside an `op`: add many rows to `table` through the yielded `BulkInsert`, with
        one inverse statement in the undo step instead of one per row (imports). Nothing
        else may write inside the block."""
        if not self._op_depth:
            raise undo.BulkInsertError("bulk_insert runs only inside an operation "
                                       "(Collection.op)")
        with self.history.bulk_insert(table) as bulk:
            yield bulk

    def undo_name(self) -> str | None:
        """Name of the step `undo()` would undo, or None."""
        stack = self.history.undo_stack
        return stack[-1].name if stack else None

    def redo_name(self) -> str | None:
        stack = self.history.redo_stack
        return stack[-1].name if stack else None

    def undo(self) -> str:
        """Undo the latest step; returns its name (e.g. "Add Note")."""
        return self._reverse(redo=False)

    def redo(self) -> str:
        """Redo the latest undone step; returns its name."""
        return self._reverse(redo=True)

    def _reverse(self, redo: bool) -> str:
        self.history.top(redo)
        # Undo puts back rows exactly as they were, broken references included (undoing
        # Check Database brings back cards whose note is gone), so no key is checked.
        self.db.execute("PRAGMA foreign_keys = OFF")
        try:
            return self._reverse_step(redo)
        finally:
            self.db.execute("PRAGMA foreign_keys = ON")

    def _reverse_step(self, redo: bool) -> str:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            deferred = self._write_deferred()
            name = self.history.reverse(redo)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        finally:
            self._forget_caches()
        if deferred:
            self._deferred_config.clear()
        self._checkpointer.committed()
        return name

    def defer_config(self, key: str, value: Any) -> None:
        """Set a bookkeeping config value that is not an undo step, without a commit of its
        own: `get_config` sees it at once, the file with the next operation (issue 3: the
        day's unburying check made opening a deck wait for a commit). Changes that depend
        on it can only come through an operation, which writes it first."""
        self._deferred_config[key] = value

    def config_pending(self, key: str) -> bool:
        """Whether `key` has a `defer_config` value not written to the file yet: a value
        read from the file (or cached from it) is then older than `get_config`'s."""
        return key in self._deferred_config

    def _write_deferred(self) -> bool:
        """Inside a new write transaction, before recording starts: the deferred values."""
        for key, value in self._deferred_config.items():
            self._write_config(key, value)
        return bool(self._deferred_config)

    def _forget_caches(self) -> None:
        self.notetypes.forget_cache()
        self.history.forget_cache()

    # --- config --------------------------------------------------------------------------

    def get_config(self, key: str, default: Any = None) -> Any:
        if key in self._deferred_config:
            return self._deferred_config[key]
        row = self.db.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_config(self, key: str, value: Any) -> None:
        with self.op("Change Preferences"):
            self._write_config(key, value)

    def _write_config(self, key: str, value: Any) -> None:
        # An upsert, not INSERT OR REPLACE: REPLACE's hidden delete escapes the undo triggers.
        self.db.execute("INSERT INTO config (key, value, usn, mtime) VALUES (?, ?, -1, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, usn = -1, "
                        "mtime = excluded.mtime", (key, json.dumps(value), intTime()))

    @property
    def crt(self) -> int:
        return self.db.execute("SELECT crt FROM col").fetchone()[0]

    # --- deck option presets ---------------------------------------------------------

    def deck_config(self, config_id: int) -> DeckConfig:
        row = self.db.execute("SELECT * FROM deck_configs WHERE id = ?", (config_id,)).fetchone()
        if row is None:
            row = self.db.execute("SELECT * FROM deck_configs WHERE id = ?",
                                  (DEFAULT_CONFIG_ID,)).fetchone()
        return DeckConfig.from_options(row["id"], row["name"], row["mtime"], row["usn"],
                                       json.loads(row["config"]))

    def deck_configs(self) -> list[DeckConfig]:
        ids = [r[0] for r in self.db.execute("SELECT id FROM deck_configs ORDER BY name")]
        return [self.deck_config(i) for i in ids]

    def config_for_deck(self, did: int) -> DeckConfig:
        return self.deck_config(self.decks.get(did).config_id)

    def save_deck_config(self, conf: DeckConfig) -> DeckConfig:
        """Add (id 0) or update a preset after validating every option."""
        conf.validate()
        with self.op("Update Deck Options" if conf.id else "Add Preset"):
            conf.mtime = intTime()
            conf.usn = -1
            if conf.id:
                rows.update(self.db, "deck_configs", self._deck_config_row(conf))
            else:
                conf.id = next_id(self.db, "deck_configs")
                rows.insert(self.db, "deck_configs", self._deck_config_row(conf))
        return conf

    def remove_deck_config(self, config_id: int) -> None:
        """Delete a preset; the decks using it fall back to the Default preset, which
        cannot be removed. Undoable, though Anki clears its undo history here."""
        if config_id == DEFAULT_CONFIG_ID:
            raise InvalidInput("the Default preset cannot be removed")
        if not self.db.execute("SELECT 1 FROM deck_configs WHERE id = ?",
                               (config_id,)).fetchone():
            raise NotFoundError(f"no preset with id {config_id}")
        with self.op("Remove Preset"):
            self.db.execute("UPDATE decks SET config_id = ?, mtime = ?, usn = -1 "
                            "WHERE config_id = ?", (DEFAULT_CONFIG_ID, intTime(), config_id))
            self.db.execute("DELETE FROM deck_configs WHERE id = ?", (config_id,))

    @staticmethod
    def _deck_config_row(conf: DeckConfig) -> dict[str, Any]:
        return {"id": conf.id, "name": conf.name, "mtime": conf.mtime, "usn": conf.usn,
                "config": json.dumps(conf.options())}

    # --- notes ---------------------------------------------------------------------------

    def new_note(self, notetype: NoteType | int | str) -> Note:
        """An unsaved note of `notetype` (object, id or name) with empty fields."""
        nt = self._notetype(notetype)
        return Note(ntid=nt.id, fields=[""] * len(nt.fields), field_names=nt.field_names())

    def _notetype(self, notetype: NoteType | int | str) -> NoteType:
        if isinstance(notetype, NoteType):
            return notetype
        if isinstance(notetype, int):
            return self.notetypes.get(notetype)
        return self.notetypes.by_name(notetype)

    def get_note(self, nid: int) -> Note:
        row = self.db.execute("SELECT * FROM notes WHERE id = ?", (nid,)).fetchone()
        if row is None:
            raise NotFoundError(f"no note with id {nid}")
        nt = self.notetypes.get(row["ntid"])
        return rows.from_row(Note, row, fields=row["flds"].split(FIELD_SEPARATOR),
                             tags=str_to_tags(row["tags"]), field_names=nt.field_names())

    def note_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM notes ORDER BY id")]

    def add_note(self, note: Note, deck_id: int) -> list[Card]:
        """Save a new note in `deck_id` and generate its cards (at least one); a filtered
        deck cannot be the home of new cards."""
        with self.op("Add Note"):
            deck = self.decks.get(deck_id)
            if deck.is_filtered:
                raise InvalidInput(f"deck {deck.name!r} is a filtered deck: new cards need a "
                                   "normal deck as their home")
            if self.callbacks.note_will_be_added:
                self.callbacks.note_will_be_added(self, note, deck_id)
            nt = self.notetypes.get(note.ntid)
            self._check_field_count(note, nt)
            note.id = next_id(self.db, "notes")
            note.guid = note.guid or new_guid()
            self._write_note(note, nt, insert=True)
            cards = cardgen.generate_cards(self, note, nt, deck_id, new_note=True)
        if self.callbacks.note_did_add:
            self.callbacks.note_did_add(self, note, cards)
        return cards

    def update_note(self, note: Note) -> list[Card]:
        """Save edited fields and tags; cards the edit makes possible are added."""
        with self.op("Update Note"):
            self.get_note(note.id)
            nt = self.notetypes.get(note.ntid)
            self._check_field_count(note, nt)
            self._write_note(note, nt, insert=False)
            return cardgen.generate_cards(self, note, nt, None, new_note=False)

    def remove_notes(self, nids: list[int]) -> int:
        """Delete notes and all their cards; returns how many cards went."""
        with self.op("Delete Note"):
            removed = 0
            for nid in nids:
                cids = [r[0] for r in self.db.execute("SELECT id FROM cards WHERE nid = ?",
                                                      (nid,))]
                removed += self.remove_cards(cids, remove_orphan_notes=False)
                self.db.execute("DELETE FROM notes WHERE id = ?", (nid,))
                self.add_grave(nid, 1)
            return removed

    def _check_field_count(self, note: Note, nt: NoteType) -> None:
        if len(note.fields) != len(nt.fields):
            raise InvalidInput(
                f"note type {nt.name!r} has {len(nt.fields)} fields "
                f"({', '.join(nt.field_names())}), but {len(note.fields)} values were given")

    def _write_note(self, note: Note, nt: NoteType, insert: bool) -> None:
        note.fields = prepare_fields(note.fields)
        note.tags = self._canonical_tags(note.tags)
        note.field_names = nt.field_names()
        note.mtime = intTime()
        note.usn = -1
        sort_text = strip_html_preserving_media_filenames(note.fields[nt.sort_field])
        row = {"id": note.id, "guid": note.guid, "ntid": note.ntid, "mtime": note.mtime,
               "usn": note.usn, "tags": tags_to_str(note.tags),
               "flds": FIELD_SEPARATOR.join(note.fields), "sfld": sort_text,
               "csum": field_checksum(note.fields[0]), "flags": note.flags, "data": note.data}
        (rows.insert if insert else rows.update)(self.db, "notes", row)

    def _canonical_tags(self, tags: list[str]) -> list[str]:
        known = {r[0].casefold(): r[0] for r in self.db.execute("SELECT tag FROM tags")}
        result = canonical_tags(tags, known)
        for tag in result:
            self.db.execute("INSERT OR IGNORE INTO tags (tag) VALUES (?)", (tag,))
        return result

    def add_grave(self, oid: int, kind: int) -> None:
        self.db.execute("INSERT INTO graves (oid, type, usn) VALUES (?, ?, -1) "
                        "ON CONFLICT (oid, type) DO UPDATE SET usn = -1", (oid, kind))

    # --- cards ---------------------------------------------------------------------------

    def get_card(self, cid: int) -> Card:
        row = self.db.execute("SELECT * FROM cards WHERE id = ?", (cid,)).fetchone()
        if row is None:
            raise NotFoundError(f"no card with id {cid}")
        return self._card_from_row(row)

    @staticmethod
    def _card_from_row(row: sqlite3.Row) -> Card:
        try:
            data = json.loads(row["data"]) if row["data"] else {}
        except ValueError:
            data = {}
        return rows.from_row(Card, row, data=data if isinstance(data, dict) else {})

    def cards_of_note(self, nid: int) -> list[Card]:
        return [self._card_from_row(r) for r in self.db.execute(
            "SELECT * FROM cards WHERE nid = ? ORDER BY ord", (nid,))]

    def card_ids(self, deck_id: int | None = None) -> list[int]:
        if deck_id is None:
            return [r[0] for r in self.db.execute("SELECT id FROM cards ORDER BY id")]
        return [r[0] for r in self.db.execute("SELECT id FROM cards WHERE did = ? ORDER BY id",
                                              (deck_id,))]

    def insert_card(self, card: Card) -> Card:
        card.id = card.id or next_id(self.db, "cards")
        card.mtime = intTime()
        rows.insert(self.db, "cards", rows.to_row(card))
        return card

    def update_card(self, card: Card, name: str = "Update Card") -> None:
        with self.op(name):
            card.mtime = intTime()
            card.usn = -1
            rows.update(self.db, "cards", rows.to_row(card))

    def remove_cards(self, cids: list[int], remove_orphan_notes: bool = True) -> int:
        """Delete cards (and, unless told otherwise, notes left without cards)."""
        with self.op("Delete Cards"):
            nids = set()
            for cid in cids:
                row = self.db.execute("SELECT nid FROM cards WHERE id = ?", (cid,)).fetchone()
                if row is None:
                    continue
                nids.add(row[0])
                self.db.execute("DELETE FROM cards WHERE id = ?", (cid,))
                self.add_grave(cid, 0)
            if remove_orphan_notes:
                orphans = [nid for nid in nids if not self.db.execute(
                    "SELECT 1 FROM cards WHERE nid = ?", (nid,)).fetchone()]
                self.remove_notes(orphans)
            return len(cids)

    def return_cards_from_filtered_deck(self, did: int) -> int:
        """Send every card in filtered deck `did` back to its home deck, restoring its due
        and queue (suspended and buried cards stay so); returns how many went back."""
        from repetend.core.scheduler.filtered import OP_EMPTY, return_cards

        with self.op(OP_EMPTY):
            return return_cards(self, did)

    def generate_missing_cards(self, ntid: int | None = None) -> int:
        """Add the cards that notes' current content and templates allow; returns how many."""
        with self.op("Generate Cards"):
            query = "SELECT id FROM notes" + (" WHERE ntid = ?" if ntid else "")
            added = 0
            for (nid,) in self.db.execute(query, (ntid,) if ntid else ()).fetchall():
                note = self.get_note(nid)
                added += len(cardgen.generate_cards(
                    self, note, self.notetypes.get(note.ntid), None, new_note=False))
            return added

    # --- searching (Anki's search language, `repetend.core.search`) ----------------------

    def find_cards(self, query: str = "", order: bool | str = False,
                   reverse: bool = False) -> list[int]:
        """Ids of the cards matching `query`; `order` as in `repetend.core.search.find_cards`."""
        from repetend.core.search import find_cards

        return find_cards(self, query, order=order, reverse=reverse)

    def find_notes(self, query: str = "", order: bool | str = False,
                   reverse: bool = False) -> list[int]:
        """Ids of the notes with a card matching `query`."""
        from repetend.core.search import find_notes

        return find_notes(self, query, order=order, reverse=reverse)

    # --- rendering and empty cards --------------------------------------------------

    def render_card(self, card: Card, browser: bool = False) -> RenderedCard:
        """The card's question and answer HTML and audio references, as Anki renders them."""
        from repetend.core.rendering import render_stored_card

        return render_stored_card(self, card, browser=browser)

    def empty_cards(self) -> EmptyCardsReport:
        from repetend.core.emptycards import find_empty_cards

        return find_empty_cards(self)

    def remove_empty_cards(self, report: EmptyCardsReport, keep_notes: bool = True) -> int:
        from repetend.core.emptycards import remove_empty_cards

        return remove_empty_cards(self, report, keep_notes=keep_notes)

    # --- scheduling ------------------------------------------------------------------------

    @cached_property
    def sched(self) -> Scheduler:
        """The v3 scheduler: next card, answering, counts (`core/scheduler/answering.py`)."""
        from repetend.core.scheduler.answering import Scheduler

        return Scheduler(self)

    # --- time --------------------------------------------------------------------------

    def now(self) -> int:
        return int(time.time())
