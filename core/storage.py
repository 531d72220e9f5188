"""The collection's SQLite file: opening it safely, the schema and its migrations.

Our own schema (not Anki's), but every Anki column needed for lossless import and
export has a home. `PRAGMA user_version` holds the schema version; a file from a newer
Repetend is refused rather than damaged. Migrations run forward, one version at a time,
inside one transaction each.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from repetend.core.errors import CollectionError

SQLITE_HEADER = b"SQLite format 3\x00"

SCHEMA_V1 = """
CREATE TABLE col (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    crt INTEGER NOT NULL,           -- creation: epoch secs, at the rollover hour
    mod INTEGER NOT NULL,           -- last change, epoch ms
    scm INTEGER NOT NULL,           -- last schema change, epoch ms
    usn INTEGER NOT NULL DEFAULT 0,
    ls INTEGER NOT NULL DEFAULT 0   -- last sync, epoch ms
);
CREATE TABLE config (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,            -- JSON
    usn INTEGER NOT NULL DEFAULT -1,
    mtime INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE notetypes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    kind INTEGER NOT NULL,          -- 0 standard, 1 cloze
    sort_field INTEGER NOT NULL DEFAULT 0,
    css TEXT NOT NULL,
    latex_pre TEXT NOT NULL,
    latex_post TEXT NOT NULL,
    latex_svg INTEGER NOT NULL DEFAULT 0,
    original_stock_kind INTEGER NOT NULL DEFAULT 0,
    original_id INTEGER,
    mtime INTEGER NOT NULL,
    usn INTEGER NOT NULL DEFAULT -1,
    extra TEXT NOT NULL DEFAULT '{}' -- JSON: Anki keys we do not model
);
CREATE TABLE fields (
    ntid INTEGER NOT NULL REFERENCES notetypes (id) DEFERRABLE INITIALLY DEFERRED,
    ord INTEGER NOT NULL,
    name TEXT NOT NULL COLLATE NOCASE,
    font TEXT NOT NULL DEFAULT 'Arial',
    size INTEGER NOT NULL DEFAULT 20,
    rtl INTEGER NOT NULL DEFAULT 0,
    sticky INTEGER NOT NULL DEFAULT 0,
    plain_text INTEGER NOT NULL DEFAULT 0,
    collapsed INTEGER NOT NULL DEFAULT 0,
    exclude_from_search INTEGER NOT NULL DEFAULT 0,
    prevent_deletion INTEGER NOT NULL DEFAULT 0,
    description TEXT NOT NULL DEFAULT '',
    tag INTEGER,
    anki_id INTEGER,                -- Anki's random field id, used when merging note types
    extra TEXT NOT NULL DEFAULT '{}',
    UNIQUE (ntid, ord),
    UNIQUE (ntid, name)
);
CREATE TABLE templates (
    ntid INTEGER NOT NULL REFERENCES notetypes (id) DEFERRABLE INITIALLY DEFERRED,
    ord INTEGER NOT NULL,
    name TEXT NOT NULL COLLATE NOCASE,
    front TEXT NOT NULL,
    back TEXT NOT NULL,
    browser_front TEXT NOT NULL DEFAULT '',
    browser_back TEXT NOT NULL DEFAULT '',
    browser_font TEXT NOT NULL DEFAULT '',
    browser_font_size INTEGER NOT NULL DEFAULT 0,
    deck_id INTEGER,                -- per-template deck override
    anki_id INTEGER,
    mtime INTEGER NOT NULL,
    usn INTEGER NOT NULL DEFAULT -1,
    extra TEXT NOT NULL DEFAULT '{}',
    UNIQUE (ntid, ord),
    UNIQUE (ntid, name)
);
CREATE TABLE deck_configs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE,
    config TEXT NOT NULL,           -- JSON: every option of the preset
    mtime INTEGER NOT NULL,
    usn INTEGER NOT NULL DEFAULT -1
);
CREATE TABLE decks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,  -- full name, components joined by '::'
    kind INTEGER NOT NULL DEFAULT 0,           -- 0 normal, 1 filtered
    config_id INTEGER NOT NULL DEFAULT 1,
    description TEXT NOT NULL DEFAULT '',
    collapsed INTEGER NOT NULL DEFAULT 0,
    browser_collapsed INTEGER NOT NULL DEFAULT 0,
    mtime INTEGER NOT NULL,
    usn INTEGER NOT NULL DEFAULT -1,
    extra TEXT NOT NULL DEFAULT '{}' -- JSON: limits, today's counters, filtered settings
);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    guid TEXT NOT NULL UNIQUE,
    ntid INTEGER NOT NULL REFERENCES notetypes (id) DEFERRABLE INITIALLY DEFERRED,
    mtime INTEGER NOT NULL,
    usn INTEGER NOT NULL DEFAULT -1,
    tags TEXT NOT NULL DEFAULT '',   -- ' a b::c ' as Anki stores them
    flds TEXT NOT NULL,              -- field values joined by \\x1f
    sfld INTEGER NOT NULL,           -- sort field text; integer affinity sorts numbers numerically
    csum INTEGER NOT NULL,           -- duplicate-check checksum of the first field
    flags INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_notes_ntid ON notes (ntid);
CREATE INDEX ix_notes_csum ON notes (csum);
CREATE TABLE cards (
    id INTEGER PRIMARY KEY,
    nid INTEGER NOT NULL REFERENCES notes (id) DEFERRABLE INITIALLY DEFERRED,
    did INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    usn INTEGER NOT NULL DEFAULT -1,
    type INTEGER NOT NULL DEFAULT 0,
    queue INTEGER NOT NULL DEFAULT 0,
    due INTEGER NOT NULL DEFAULT 0,
    ivl INTEGER NOT NULL DEFAULT 0,
    factor INTEGER NOT NULL DEFAULT 0,
    reps INTEGER NOT NULL DEFAULT 0,
    lapses INTEGER NOT NULL DEFAULT 0,
    left INTEGER NOT NULL DEFAULT 0,
    odue INTEGER NOT NULL DEFAULT 0,
    odid INTEGER NOT NULL DEFAULT 0,
    flags INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL DEFAULT '{}', -- JSON: pos, FSRS memory, lrt, cd (custom data)
    UNIQUE (nid, ord)
);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_cards_odid ON cards (odid) WHERE odid != 0;
CREATE TABLE revlog (
    id INTEGER PRIMARY KEY,          -- epoch ms of the answer
    cid INTEGER NOT NULL,
    usn INTEGER NOT NULL DEFAULT -1,
    ease INTEGER NOT NULL,
    ivl INTEGER NOT NULL,
    last_ivl INTEGER NOT NULL,
    factor INTEGER NOT NULL,
    time INTEGER NOT NULL,
    type INTEGER NOT NULL
);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE TABLE graves (
    oid INTEGER NOT NULL,
    type INTEGER NOT NULL,           -- 0 card, 1 note, 2 deck
    usn INTEGER NOT NULL DEFAULT -1,
    PRIMARY KEY (oid, type)
);
CREATE TABLE undo_steps (
    id INTEGER PRIMARY KEY,          -- increases with every recorded step
    name TEXT NOT NULL,              -- "Add Note", "Delete Deck", ...
    redo INTEGER NOT NULL            -- 0 on the undo stack, 1 on the redo stack
);
CREATE TABLE undo_log (
    seq INTEGER PRIMARY KEY,
    step INTEGER NOT NULL,
    sql TEXT NOT NULL                -- reverses one row change of the step
);
CREATE INDEX ix_undo_log_step ON undo_log (step);
CREATE TABLE tags (
    tag TEXT PRIMARY KEY COLLATE NOCASE,
    usn INTEGER NOT NULL DEFAULT -1,
    collapsed INTEGER NOT NULL DEFAULT 0
);
"""

# Migration N upgrades a file at version N-1 to version N. Version 0 is an empty file.
def run_script(db: sqlite3.Connection, script: str) -> None:
    """Execute statements one by one (executescript would commit the open transaction)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            db.execute(pending)
            pending = ""


# Version 2: indexes for searches on a card's state alone (`is:new`, `is:due`,
# `is:suspended`, `prop:ivl>=21`), which can then be answered from the index.
SCHEMA_V2 = """
CREATE INDEX ix_cards_type ON cards (type);
CREATE INDEX ix_cards_queue_due ON cards (queue, due);
CREATE INDEX ix_cards_ivl ON cards (ivl);
"""

# Version 3: the browser's default order, the sort field. Sorting 125,000 cards by it read
# every note row (fields and all) into a temporary sort; this index is read in order
# instead (issue 7: 130 -> 81 ms for a whole collection of 100,000 notes). Answering a card
# never writes notes, so it costs nothing there.
SCHEMA_V3 = """
CREATE INDEX ix_notes_sfld ON notes (sfld COLLATE NOCASE);
"""

# Version 4: the browser's other note columns, read in order the same way (issue 7, 100,000
# notes: sorting by modification time 81 -> 48 ms in cards mode, 55 -> 11 ms in notes mode;
# by tags 88 -> 46 and 49 -> 11 ms). Tag searches scan the small tags index instead of the
# notes (`tag:x` 17 -> 8 ms), `edited:n` seeks. Notes only: answering never writes them;
# importing 100,000 notes takes ~2-3 % longer.
SCHEMA_V4 = """
CREATE INDEX ix_notes_mtime ON notes (mtime);
CREATE INDEX ix_notes_tags ON notes (tags COLLATE NOCASE);
"""

# Version 5: no index on the undo log's step (issue 3). Every answer wrote a page of it (one
# of ~16 pages an answer puts in the WAL). A step's rows are found by reading the log
# newest first instead: it holds the rows of at most ~46 steps, one row each for most, and
# the step being recorded is always the newest.
SCHEMA_V5 = """
DROP INDEX IF EXISTS ix_undo_log_step;
"""

MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: lambda db: run_script(db, SCHEMA_V1),
    2: lambda db: run_script(db, SCHEMA_V2),
    3: lambda db: run_script(db, SCHEMA_V3),
    4: lambda db: run_script(db, SCHEMA_V4),
    5: lambda db: run_script(db, SCHEMA_V5),
}
SCHEMA_VERSION = max(MIGRATIONS)


def check_file(path: Path) -> None:
    """Refuse a file that is not a Repetend collection before anything touches it."""
    if not path.exists():
        return
    if path.is_dir():
        raise CollectionError(f"{path} is a folder, not a collection file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise CollectionError(f"cannot read collection {path}: {exc.strerror}") from exc
    if header and header != SQLITE_HEADER:
        raise CollectionError(f"{path} is not a collection: it is not an SQLite database")
    if not header:
        return
    try:
        probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = probe.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master")}
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        raise CollectionError(f"{path} is not a readable collection: {exc}") from exc
    if version > SCHEMA_VERSION:
        raise CollectionError(
            f"{path} was written by a newer Repetend (schema {version}; "
            f"this version reads up to {SCHEMA_VERSION})"
        )
    if version == 0 and tables:
        raise CollectionError(f"{path} is an SQLite database, but not a Repetend collection")


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate a collection file; autocommit mode."""
    check_file(path)
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")
    # A 40 MB page cache, as Anki uses: searches and the browser jump around the cards and
    # notes tables, and the default 2 MB makes each jump a read from the OS.
    db.execute("PRAGMA cache_size = -40960")
    migrate(db)
    return db


def migrate(db: sqlite3.Connection) -> None:
    """Bring the file up to SCHEMA_VERSION, one version per transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    while version < SCHEMA_VERSION:
        version += 1
        db.execute("BEGIN")
        try:
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


#: The collection's own connection checkpoints only once the WAL reached this many pages
#: (16 MB). In steady use `Checkpointer` has copied nearly all of them by then; this
#: catches up and lets the WAL start over, so that writes overwrite the WAL file instead
#: of growing it (appending a page costs more than overwriting one).
WAL_AUTOCHECKPOINT_PAGES = 4_000
#: The WAL file is kept up to this size when it starts over (it is reused, not regrown).
WAL_SIZE_LIMIT = 20 * 1024 * 1024
#: The checkpointer is woken after this many committed operations.
CHECKPOINT_EVERY = 16


class Checkpointer:
    """Copies the WAL back into the collection file on a thread of its own (issue 3).

    SQLite's automatic checkpoint runs inside the commit that crosses its threshold, and
    its cost (writing and syncing every page changed since the last one) landed on one
    answer in about sixty: the slowest answers were checkpoints. A passive checkpoint from
    a second connection runs alongside the collection's reads and writes and blocks
    neither; the collection's own connection keeps a higher threshold to catch up with
    (`WAL_AUTOCHECKPOINT_PAGES`). The thread starts with the first wake-up, so short-lived
    collections never start one.
    """

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        db.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        db.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        self._path = path
        self._commits = 0
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        #: passes run so far (for tests and benchmarks)
        self.passes = 0

    def committed(self) -> None:
        """Count a committed write transaction; every CHECKPOINT_EVERY, wake the thread."""
        self._commits += 1
        if self._commits < CHECKPOINT_EVERY or self._stopping:
            return
        self._commits = 0
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="repetend-checkpoint",
                                            daemon=True)
            self._thread.start()
        self._wake.set()

    def stop(self, wait: bool = True) -> None:
        """End the thread (waiting for a running pass with `wait`); before the collection's
        own connection closes, so that the last close leaves no WAL behind."""
        self._stopping = True
        self._wake.set()
        if wait and self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        try:
            # mode=rw: a collection file deleted meanwhile is not recreated empty.
            db = sqlite3.connect(self._path.resolve().as_uri() + "?mode=rw", uri=True,
                                 isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return
        try:
            db.execute("PRAGMA synchronous = NORMAL")
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping:
                    return
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                self.passes += 1
        except sqlite3.Error:
            return  # the collection's own connection still checkpoints (its safety net)
        finally:
            db.close()
