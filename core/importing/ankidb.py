"""Reading an Anki collection file (schema 11 to 18) into Repetend objects.

Note types, decks and presets are read whole (they are few); notes, cards and the review
log are streamed from the file as rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repetend.core.deckconfig import DeckConfig
from repetend.core.decks import Deck
from repetend.core.errors import RepetendError
from repetend.core.importing import schema11, schema18
from repetend.core.notetypes import NoteType

SQLITE_HEADER = b"SQLite format 3\x00"
MIN_SCHEMA, MAX_SCHEMA = 11, 18


class CollectionFileError(RepetendError):
    """The collection inside a package is not a readable Anki collection."""


def unicase(a: str, b: str) -> int:
    fa, fb = a.casefold(), b.casefold()
    return (fa > fb) - (fa < fb)


def connect_anki(path: Path, readonly: bool = True) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else str(path)
    db = sqlite3.connect(uri, uri=readonly, isolation_level=None)
    db.create_collation("unicase", unicase)
    return db


def collection_today(crt: int, config: dict[str, Any], now: int) -> int:
    """The day number ("today") of a collection with `crt` and `config` at `now`, as the
    scheduler counts it (ANKI-FACTS §1.2)."""
    from repetend.core.scheduler.timing import DEFAULT_ROLLOVER, sched_timing

    rollover = config.get("rollover", DEFAULT_ROLLOVER)
    offset = config.get("creationOffset")
    return sched_timing(
        crt, now, rollover if isinstance(rollover, int) and not isinstance(rollover, bool)
        else DEFAULT_ROLLOVER,
        offset if isinstance(offset, int) and not isinstance(offset, bool) else None).today


@dataclass
class SourceCollection:
    """An Anki collection file opened for reading."""

    path: Path
    db: sqlite3.Connection
    version: int
    crt: int
    config: dict[str, Any]
    notetypes: dict[int, NoteType] = field(default_factory=dict)
    decks: dict[int, Deck] = field(default_factory=dict)
    deck_configs: dict[int, DeckConfig] = field(default_factory=dict)
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)

    def close(self) -> None:
        self.db.close()

    def today(self, now: int) -> int:
        return collection_today(self.crt, self.config, now)

    def count(self, table: str) -> int:
        return self.db.execute(f"SELECT count() FROM {table}").fetchone()[0]

    def notes(self) -> Iterator[tuple[Any, ...]]:
        """(id, guid, mid, mod, usn, tags, flds, flags, data) rows in id order."""
        yield from self.db.execute(
            "SELECT id, guid, mid, mod, usn, tags, flds, flags, data FROM notes ORDER BY id")

    def cards(self) -> Iterator[tuple[Any, ...]]:
        """(id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left,
        odue, odid, flags, data) rows in id order."""
        yield from self.db.execute(
            "SELECT id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, "
            "left, odue, odid, flags, data FROM cards ORDER BY id")

    def revlog(self) -> Iterator[tuple[Any, ...]]:
        """(id, cid, usn, ease, ivl, lastIvl, factor, time, type) rows in id order."""
        yield from self.db.execute(
            "SELECT id, cid, usn, ease, ivl, lastIvl, factor, time, type FROM revlog "
            "ORDER BY id")


def open_collection(path: Path, where: str) -> SourceCollection:
    """Open an Anki collection file; `where` names it in error messages."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise CollectionFileError(f"{where} cannot be read: {exc.strerror}") from exc
    if header != SQLITE_HEADER:
        raise CollectionFileError(f"{where} is not an SQLite database, so not an Anki "
                                  "collection")
    db = connect_anki(path)
    try:
        return _read(path, db, where)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise CollectionFileError(f"{where} is a damaged or incomplete Anki collection: "
                                  f"{exc}") from exc
    except BaseException:
        db.close()
        raise


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _json(text: Any, what: str, where: str) -> Any:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CollectionFileError(f"{where}: the {what} JSON is damaged: {exc}") from exc


def _read(path: Path, db: sqlite3.Connection, where: str) -> SourceCollection:
    tables = _tables(db)
    missing = {"col", "notes", "cards", "revlog"} - tables
    if missing:
        raise CollectionFileError(f"{where} is an SQLite database but not an Anki collection "
                                  f"(no {', '.join(sorted(missing))} table)")
    row = db.execute("SELECT crt, ver, conf, models, decks, dconf, tags FROM col").fetchone()
    if row is None:
        raise CollectionFileError(f"{where} is an Anki collection without its 'col' row")
    crt, ver, conf, models, decks, dconf, tags = row
    if not isinstance(ver, int) or not MIN_SCHEMA <= ver <= MAX_SCHEMA:
        raise CollectionFileError(f"{where} has collection schema version {ver}; Repetend "
                                  f"reads Anki schemas {MIN_SCHEMA} to {MAX_SCHEMA}")
    src = SourceCollection(path, db, ver, int(crt), {})
    if "config" in tables:
        for key, val in db.execute("SELECT KEY, val FROM config"):
            try:
                src.config[key] = json.loads(val)
            except ValueError:
                continue
    else:
        src.config = _json(conf, "config", where) or {}
    if "notetypes" in tables:
        for ntid, name, mtime, usn, config in db.execute(
                "SELECT id, name, mtime_secs, usn, config FROM notetypes"):
            flds = list(db.execute("SELECT ord, name, config FROM fields WHERE ntid = ?",
                                   (ntid,)))
            tmpls = list(db.execute("SELECT ord, name, mtime_secs, usn, config FROM templates "
                                    "WHERE ntid = ?", (ntid,)))
            src.notetypes[ntid] = _checked(schema18.notetype_from_rows(
                ntid, name, mtime, usn, config, flds, tmpls), where)
    else:
        for data in (_json(models, "note types", where) or {}).values():
            nt = notetype_from_json_checked(data, where)
            src.notetypes[nt.id] = nt
    if "decks" in tables:
        for did, name, mtime, usn, common, kind in db.execute(
                "SELECT id, name, mtime_secs, usn, common, kind FROM decks"):
            src.decks[did] = schema18.deck_from_row(did, name, mtime, usn, common, kind)
    else:
        for data in (_json(decks, "decks", where) or {}).values():
            deck = schema11.deck_from_json(data)
            src.decks[deck.id] = deck
    if "deck_config" in tables:
        for dcid, name, mtime, usn, config in db.execute(
                "SELECT id, name, mtime_secs, usn, config FROM deck_config"):
            if isinstance(config, bytes | memoryview):
                src.deck_configs[dcid] = schema18.deck_config_from_row(
                    dcid, name, mtime, usn, bytes(config))
            else:
                conf_obj = schema11.deck_config_from_json(_json(config, "preset", where))
                conf_obj.id, conf_obj.name = dcid, name
                src.deck_configs[dcid] = conf_obj
    else:
        for data in (_json(dconf, "presets", where) or {}).values():
            if isinstance(data, dict) and not data.get("dyn"):
                dc = schema11.deck_config_from_json(data)
                src.deck_configs[dc.id] = dc
    if "tags" in tables and ver >= 17:
        for tag, usn, collapsed in db.execute("SELECT tag, usn, collapsed FROM tags"):
            src.tags[tag] = {"usn": usn, "collapsed": bool(collapsed)}
    else:
        for tag, usn in (_json(tags, "tags", where) or {}).items():
            src.tags[tag] = {"usn": usn, "collapsed": False}
    _dedupe_notetype_names(src)
    return src


def notetype_from_json_checked(data: Any, where: str) -> NoteType:
    if not isinstance(data, dict):
        raise CollectionFileError(f"{where}: a note type entry is not a JSON object")
    return _checked(schema11.notetype_from_json(data), where)


def _checked(nt: NoteType, where: str) -> NoteType:
    if not nt.fields or not nt.templates:
        raise CollectionFileError(f"{where}: note type {nt.name!r} has no "
                                  f"{'fields' if not nt.fields else 'card templates'}")
    return nt


def _dedupe_notetype_names(src: SourceCollection) -> None:
    """Older Anki allowed two note types with one name; the later one gets a `_`."""
    seen: set[str] = set()
    for ntid in sorted(src.notetypes):
        nt = src.notetypes[ntid]
        while nt.name.casefold() in seen:
            nt.name += "_"
        seen.add(nt.name.casefold())
