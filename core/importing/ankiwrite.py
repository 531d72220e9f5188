"""Writing Anki collection files: schema 18 (modern packages) or schema 11 (legacy).

The table layouts follow ANKI-FACTS §6: both schemas share `notes`, `cards`, `revlog`;
schema 18 keeps note types, decks, presets, config and tags in their own tables with
protobuf blobs, schema 11 keeps them as JSON in the single `col` row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repetend.core.deckconfig import DeckConfig
from repetend.core.decks import Deck
from repetend.core.importing import schema11, schema18
from repetend.core.importing.ankidb import unicase
from repetend.core.notetypes import NoteType

COMMON_TABLES = """
CREATE TABLE notes (
  id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
  usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL,
  csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE cards (
  id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL,
  due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL,
  lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL,
  odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL
);
CREATE TABLE revlog (
  id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
  ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL,
  time integer NOT NULL, type integer NOT NULL
);
CREATE TABLE col (
  id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
  ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL,
  conf text NOT NULL, models text NOT NULL, decks text NOT NULL, dconf text NOT NULL,
  tags text NOT NULL
);
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
"""

SCHEMA11_TABLES = COMMON_TABLES + """
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
"""

SCHEMA18_TABLES = COMMON_TABLES + """
CREATE TABLE deck_config (
  id integer PRIMARY KEY NOT NULL, name text NOT NULL COLLATE unicase,
  mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL
);
CREATE TABLE config (
  KEY text NOT NULL PRIMARY KEY, usn integer NOT NULL, mtime_secs integer NOT NULL,
  val blob NOT NULL
) WITHOUT ROWID;
CREATE TABLE fields (
  ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE unicase,
  config blob NOT NULL, PRIMARY KEY (ntid, ord)
) WITHOUT ROWID;
CREATE UNIQUE INDEX idx_fields_name_ntid ON fields (name, ntid);
CREATE TABLE templates (
  ntid integer NOT NULL, ord integer NOT NULL, name text NOT NULL COLLATE unicase,
  mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL,
  PRIMARY KEY (ntid, ord)
) WITHOUT ROWID;
CREATE UNIQUE INDEX idx_templates_name_ntid ON templates (name, ntid);
CREATE INDEX idx_templates_usn ON templates (usn);
CREATE TABLE notetypes (
  id integer NOT NULL PRIMARY KEY, name text NOT NULL COLLATE unicase,
  mtime_secs integer NOT NULL, usn integer NOT NULL, config blob NOT NULL
);
CREATE UNIQUE INDEX idx_notetypes_name ON notetypes (name);
CREATE INDEX idx_notetypes_usn ON notetypes (usn);
CREATE TABLE decks (
  id integer PRIMARY KEY NOT NULL, name text NOT NULL COLLATE unicase,
  mtime_secs integer NOT NULL, usn integer NOT NULL, common blob NOT NULL, kind blob NOT NULL
);
CREATE UNIQUE INDEX idx_decks_name ON decks (name);
CREATE INDEX idx_notes_mid ON notes (mid);
CREATE INDEX idx_cards_odid ON cards (odid) WHERE odid != 0;
CREATE TABLE tags (
  tag text NOT NULL PRIMARY KEY COLLATE unicase, usn integer NOT NULL,
  collapsed boolean NOT NULL, config blob NULL
) WITHOUT ROWID;
CREATE TABLE graves (
  oid integer NOT NULL, type integer NOT NULL, usn integer NOT NULL, PRIMARY KEY (oid, type)
) WITHOUT ROWID;
CREATE INDEX idx_graves_pending ON graves (usn);
"""


@dataclass
class AnkiData:
    """Everything that goes into one Anki collection file."""

    crt: int
    mod_ms: int
    config: dict[str, Any] = field(default_factory=dict)
    notetypes: list[NoteType] = field(default_factory=list)
    decks: list[Deck] = field(default_factory=list)
    deck_configs: list[DeckConfig] = field(default_factory=list)
    tags: dict[str, bool] = field(default_factory=dict)  # tag → collapsed
    #: (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)
    notes: Iterable[tuple[Any, ...]] = ()
    #: (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left,
    #:  odue, odid, flags, data)
    cards: Iterable[tuple[Any, ...]] = ()
    #: (id, cid, usn, ease, ivl, lastIvl, factor, time, type)
    revlog: Iterable[tuple[Any, ...]] = ()


def _script(db: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def write_collection(path: Path, data: AnkiData, schema: int = 18,
                     analyze: bool = True) -> None:
    """Create `path` as an Anki collection at schema 18 or 11 holding `data`.

    (Exports write into a temporary file, so it is not synced to disk at commit.) With
    `analyze=False` the caller adds more rows and then calls `analyze_collection`."""
    if path.exists():
        path.unlink()
    db = sqlite3.connect(str(path), isolation_level=None)
    try:
        db.create_collation("unicase", unicase)
        db.execute("PRAGMA page_size = 4096")
        db.execute("PRAGMA journal_mode = DELETE")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        _script(db, SCHEMA18_TABLES if schema == 18 else SCHEMA11_TABLES)
        if schema == 18:
            _write18(db, data)
        else:
            _write11(db, data)
        db.executemany("INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", data.notes)
        db.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "?, ?, ?)", data.cards)
        db.executemany("INSERT INTO revlog VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", data.revlog)
        db.execute("COMMIT")
        if analyze:
            db.execute("ANALYZE")
    finally:
        db.close()


def analyze_collection(path: Path) -> None:
    """ANALYZE a collection file `write_collection` made (as it does itself by default)."""
    db = sqlite3.connect(str(path), isolation_level=None)
    try:
        db.create_collation("unicase", unicase)
        db.execute("PRAGMA synchronous = OFF")
        db.execute("ANALYZE")
    finally:
        db.close()


def _write18(db: sqlite3.Connection, data: AnkiData) -> None:
    db.execute("INSERT INTO col VALUES (1, ?, ?, ?, 18, 0, 0, 0, '', '', '', '', '')",
               (data.crt, data.mod_ms, data.mod_ms))
    for key, value in data.config.items():
        db.execute("INSERT INTO config VALUES (?, 0, 0, ?)",
                   (key, json.dumps(value, separators=(",", ":")).encode()))
    for nt in data.notetypes:
        config, field_rows, template_rows = schema18.notetype_to_rows(nt)
        db.execute("INSERT INTO notetypes VALUES (?, ?, ?, ?, ?)",
                   (nt.id, nt.name, nt.mtime, nt.usn, config))
        db.executemany("INSERT INTO fields VALUES (?, ?, ?, ?)",
                       [(nt.id, *row) for row in field_rows])
        db.executemany("INSERT INTO templates VALUES (?, ?, ?, ?, ?, ?)",
                       [(nt.id, *row) for row in template_rows])
    for deck in data.decks:
        name, common, kind = schema18.deck_to_row(deck)
        db.execute("INSERT INTO decks VALUES (?, ?, ?, ?, ?, ?)",
                   (deck.id, name, deck.mtime, deck.usn, common, kind))
    for conf in data.deck_configs:
        db.execute("INSERT INTO deck_config VALUES (?, ?, ?, ?, ?)",
                   (conf.id, conf.name, conf.mtime, conf.usn,
                    schema18.deck_config_to_blob(conf)))
    db.executemany("INSERT INTO tags VALUES (?, 0, ?, NULL)",
                   [(tag, int(collapsed)) for tag, collapsed in data.tags.items()])


def _write11(db: sqlite3.Connection, data: AnkiData) -> None:
    models = {str(nt.id): schema11.notetype_to_json(nt) for nt in data.notetypes}
    decks = {str(d.id): schema11.deck_to_json(d) for d in data.decks}
    dconf = {str(c.id): schema11.deck_config_to_json(c) for c in data.deck_configs}
    tags = {tag: 0 for tag in data.tags}

    def dump(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    db.execute("INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, ?)",
               (data.crt, data.mod_ms, data.mod_ms, dump(data.config), dump(models),
                dump(decks), dump(dconf), dump(tags)))
