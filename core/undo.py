"""Undo and redo as a log of inverse SQL, written by temporary triggers.

Every table of the collection gets TEMP triggers that, while an operation is being
recorded, store the statement that reverses each inserted, updated or deleted row.
Undoing a step runs its inverse statements newest-first inside one transaction, and
records *their* inverses as the redo step. They run in batches (`_Replay`): compiling one
statement per row, each with its triggers, made undoing a change to 100,000 notes take
seconds; the batches give the same rows. Because the triggers see every row change,
no operation can forget to make itself undoable. The stacks are kept in the file
(`undo_steps`, `undo_log`), so `repetend undo` works from a later command too.

Writing the log must cost an answer little (issue 3: every page a commit writes goes through
the WAL and its checkpoints): the triggers write into an in-memory TEMP table, an UPDATE's
inverse names only the columns that changed, and when the operation ends its statements go
into the file as ONE `undo_log` row (a JSON array; a row that is not an array is a single
statement, as older files hold). Steps beyond the undo limit leave the stack at once, their
log rows in batches.

Bulk inserts (imports) take a cheaper path: inside `UndoHistory.bulk_insert(table)` the
table's INSERT trigger is suspended, the rows go in through `BulkInsert.insert` (which
knows their ids), and the step gets ONE inverse statement deleting exactly those ids
(stored as ranges). No other write may happen inside the block; that is checked. Undoing
such a statement saves the rows it deletes as multi-row INSERT statements (again without
per-row triggers), and undoing one of those logs one bulk delete again, with those INSERTs
kept beside it (`/*bulk-saved*/`) so that reversing it need not read the rows back; undo
and redo of an import stay bulk operations and restore every row exactly (values through
`quote()`).

Bulk updates (`update_rows`, `bulk_update`: the browser's operations on whole selections)
likewise suspend the table's UPDATE trigger and log the rows' old values of the columns
they set as multi-row `/*bulk-update table cols*/` statements; undoing those saves the
current values the same way first, and keeps the values it puts back beside them
(`/*bulk-kept*/`), so that the redo, and every undo after it, need not read them back.
Not for columns in a UNIQUE index, whose values could pass between rows: those stay row
by row, in order. One that sets most of a big table
drops the table's other indexes on those columns and creates them again afterwards
(`_indexes_rebuilt`): sorting an index anew costs about half of updating it row by row.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from repetend.core.errors import NothingToUndo, RepetendError

#: How many steps can be undone, as in Anki.
UNDO_LIMIT = 30
#: The log rows of steps that fell off the stack are deleted every this many steps (one
#: delete of a few rows instead of one per operation: fewer pages written per answer).
PRUNE_EVERY = 16


@dataclass(frozen=True)
class UndoStep:
    """One named, undoable operation ("Add Note", "Delete Deck", ...)."""

    id: int
    name: str


class BulkInsertError(RepetendError):
    """A bulk insert was used wrongly (outside an operation, or with other writes inside)."""


#: Rows per INSERT statement when a bulk delete is undone.
BULK_CHUNK = 500
_BULK_DELETE = "/*bulk-delete {table}*/ DELETE FROM {table} WHERE rowid IN "
_BULK_INSERT = "/*bulk-insert {table}*/ "
_BULK_UPDATE = "/*bulk-update {table} {columns}*/ "
#: A bulk insert's statement kept beside the bulk delete that reverses it (see
#: `UndoHistory._reverse_bulk_insert`).
_BULK_SAVED = "/*bulk-saved {table}*/ "
#: A bulk update's values kept beside the bulk update that reverses it (see
#: `UndoHistory._reverse_bulk_update`).
_BULK_KEPT = "/*bulk-kept {table} {columns}*/ "


def install(db: sqlite3.Connection, tables: list[str]) -> None:
    """Create the per-connection recording switch, the pending log and the triggers for
    `tables`."""
    # temp_store stays at its default on purpose. With temp_store = MEMORY SQLite's sorter
    # allocates every row it sorts separately, and each ORDER BY over the whole collection
    # (the browser's column sorts) took twice as long; statement journals and the temp
    # undo tables still stay in memory up to a size that answering and bulk inserts do not
    # reach (benchmarks/scheduler_vs_anki.py and transfer_vs_anki.py measured no change).
    # The inverse statements of the operation being recorded, until it ends (`_flush`).
    # Row 0, there while an operation records, holds its step id: the recording switch.
    # (One table for both: ending an operation empties it in one statement, issue 3.)
    db.execute("CREATE TEMP TABLE IF NOT EXISTS undo_pending "
               "(seq INTEGER PRIMARY KEY, sql TEXT NOT NULL)")
    db.execute("DELETE FROM temp.undo_pending")
    recording = "WHEN EXISTS (SELECT 1 FROM temp.undo_pending WHERE seq = 0)"
    log = "INSERT INTO undo_pending (sql) VALUES ("  # the TEMP table: no main one exists
    for table in tables:
        cols = [r[1] for r in db.execute(f"PRAGMA main.table_info({table})")]
        # Only the changed columns (compared as stored: a NOCASE column's case counts).
        same = [f"old.{c} IS new.{c} COLLATE BINARY" for c in cols]
        sets = "||".join(f"iif({test}, '', ',{c}='||quote(old.{c}))"
                         for c, test in zip(cols, same, strict=True))
        values = "||','||".join(f"quote(old.{c})" for c in cols)
        col_list = ",".join(["rowid", *cols])
        db.execute(
            f"CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_insert AFTER INSERT ON main.{table} "
            f"{recording} BEGIN {log}'DELETE FROM {table} WHERE rowid='||new.rowid); END"
        )
        db.execute(
            f"CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_update AFTER UPDATE ON main.{table} "
            f"{recording} AND NOT ({' AND '.join(same)}) BEGIN "
            f"{log}'UPDATE {table} SET '||substr({sets}, 2)||' WHERE rowid='||new.rowid); END"
        )
        db.execute(
            f"CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_delete BEFORE DELETE ON main.{table} "
            f"{recording} BEGIN {log}'INSERT INTO {table} ({col_list}) VALUES ('||old.rowid||','"
            f"||{values}||')'); END"
        )


def _id_ranges(ids: Iterable[int]) -> str:
    """Sorted ids as JSON: a single id as a number, a run of consecutive ids as [lo, hi]."""
    out: list[Any] = []
    lo = hi = None
    for i in sorted(ids):
        if hi is not None and i == hi + 1:
            hi = i
            continue
        if lo is not None:
            out.append(lo if lo == hi else [lo, hi])
        lo = hi = i
    if lo is not None:
        out.append(lo if lo == hi else [lo, hi])
    return json.dumps(out, separators=(",", ":"))


def _ids_query(ranges_json: str) -> str:
    """A subquery listing every id of `_id_ranges` output (plain SQL, no functions of ours)."""
    return ("(WITH RECURSIVE r(v, hi) AS (SELECT CASE type WHEN 'array' THEN "
            "json_extract(value, '$[0]') ELSE value END, CASE type WHEN 'array' THEN "
            "json_extract(value, '$[1]') ELSE value END FROM json_each('" + ranges_json
            + "') UNION ALL SELECT v + 1, hi FROM r WHERE v < hi) SELECT v FROM r)")


def bulk_delete_sql(table: str, ids: Iterable[int]) -> str:
    """The one statement that removes the rows `ids` of `table` (a bulk insert's inverse)."""
    return _BULK_DELETE.format(table=table) + _ids_query(_id_ranges(ids))


class BulkInsert:
    """Inserts rows into one table inside `UndoHistory.bulk_insert`, collecting their ids."""

    def __init__(self, db: sqlite3.Connection, table: str) -> None:
        self._db, self.table = db, table
        self.ids: list[int] = []

    def insert(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Plain INSERT of `rows` (values for `columns`, which must include `id`); returns
        how many. A clash with an existing row raises, as a plain INSERT does."""
        key = list(columns).index("id")
        ids = self.ids
        start = len(ids)

        def recorded() -> Iterator[Sequence[Any]]:
            for row in rows:
                ids.append(row[key])
                yield row

        cur = self._db.executemany(
            f"INSERT INTO {self.table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})", recorded())
        count = len(ids) - start
        if cur.rowcount != count:
            raise BulkInsertError(f"bulk insert into {self.table}: {count} rows given but "
                                  f"{cur.rowcount} inserted")
        return count

    def insert_select(self, columns: Sequence[str], select: str,
                      params: Sequence[Any] = ()) -> list[int]:
        """`INSERT INTO table (columns) <select>` (plain INSERT, so a clash raises and
        inserts nothing); returns the ids of the rows it added."""
        rows = self._db.execute(f"INSERT INTO {self.table} ({', '.join(columns)}) {select} "
                                "RETURNING id", params).fetchall()
        ids = [r[0] for r in rows]
        self.ids += ids
        return ids


def _bulk_header(sql: str) -> tuple[str, str]:
    """("delete" | "insert" | "update", what) of a bulk statement: the table, and for an
    update "table col,col"."""
    header = sql[len("/*bulk-"):sql.index("*/")]
    kind, _, table = header.partition(" ")
    if kind not in ("delete", "insert", "update", "saved", "kept"):
        raise BulkInsertError(f"unknown bulk statement in the undo log: /*bulk-{header}*/")
    return kind, table


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA main.table_info({table})")]


@contextmanager
def _suspended(db: sqlite3.Connection, table: str, kind: str) -> Iterator[None]:
    """Drop this connection's `kind` undo trigger of `table` for the block, then recreate it
    exactly (inside the open transaction, so a rollback restores it too)."""
    name = f"undo_{table}_{kind}"
    row = db.execute("SELECT sql FROM temp.sqlite_master WHERE type = 'trigger' AND name = ?",
                     (name,)).fetchone()
    if row is None:
        raise BulkInsertError(f"no {kind} undo trigger on {table} (already suspended?)")
    # sqlite_master keeps "CREATE TRIGGER …" without the TEMP keyword.
    create = "CREATE TEMP TRIGGER" + row[0][len("CREATE TRIGGER"):]
    db.execute(f"DROP TRIGGER temp.{name}")
    try:
        yield
    finally:
        db.execute(create)


# The three statement shapes the triggers write, values as `quote()` writes them.
_DELETE_ROW = re.compile(r"DELETE FROM (\w+) WHERE rowid=(-?\d+)\Z")
_UPDATE_HEAD = re.compile(r"UPDATE (\w+) SET (?=\w+=)")
_ROWID = re.compile(r"-?\d+\Z")
_INSERT_HEAD = re.compile(r"INSERT INTO (\w+) \(rowid,[\w,]+\) VALUES \Z")
_FIRST_ROWID = re.compile(r"\((-?\d+),")
# A column name and its "=" in an UPDATE's assignments, text literals taken out.
_NAME = re.compile(r"(?:^|(?<=,))([A-Za-z_]\w*)=")


def _shape(sql: str) -> tuple[str, str, str, int, str] | None:
    """How a logged row statement can be batched: (table, kind, key, rowid, values), the
    values as SQL text for SQLite to read, so they stay exactly as logged (REALs too):

    - ("insert", "INSERT INTO t (rowid,…) VALUES ", "(…)"): several rows share a VALUES;
    - ("update", "col,col", "(rowid,value,value)"): the assignments without their names;
    - ("delete", "", "rowid").

    None for anything else, which runs as written."""
    if sql.startswith("INSERT INTO "):
        cut = sql.find(" VALUES (") + 8
        head = _INSERT_HEAD.match(sql[:cut]) if cut > 8 else None
        first = _FIRST_ROWID.match(sql, cut) if head is not None else None
        if first is None or not sql.endswith(")"):
            return None
        return head[1], "insert", sql[:cut], int(first[1]), sql[cut:]
    if sql.startswith("DELETE FROM "):
        m = _DELETE_ROW.match(sql)
        return (m[1], "delete", "", int(m[2]), m[2]) if m else None
    head = _UPDATE_HEAD.match(sql)
    if head is None:
        return None
    sets, where, rowid = sql.rpartition(" WHERE rowid=")
    if not where or not _ROWID.match(rowid):
        return None
    # Split at the quotes: the even parts are outside text literals (inside one, a
    # doubled quote leaves an empty even part), so names are looked for there only. (A
    # regex over the whole text, literals and all, was four times slower.)
    parts = sets[head.end():].split("'")
    if not len(parts) % 2:
        return None
    outside = "'".join(parts[0::2])
    names = _NAME.findall(outside)
    parts[0::2] = _NAME.sub("", outside).split("'")
    return head[1], "update", ",".join(names), int(rowid), "(" + rowid + "," + "'".join(parts) + ")"


#: From this many rows on, `update_rows` goes through a scratch table.
SCRATCH_MIN = 64


def _scratch_table(db: sqlite3.Connection, values: int) -> str:
    """A TEMP table (rid, v0, v1, …) with untyped columns, so values stay as given; the
    caller empties it after use. No key: the UPDATE then reads it in order and finds
    each target row by its rowid (with rid as key, SQLite scanned the target instead:
    a fifth slower)."""
    name = f"temp.undo_batch_{values}"
    db.execute(f"CREATE TABLE IF NOT EXISTS {name} (rid"
               + "".join(f", v{i}" for i in range(values)) + ")")
    return name


def _update_from(db: sqlite3.Connection, table: str, columns: Sequence[str],
                 scratch: str) -> int:
    try:
        return db.execute(_update_from_sql(table, columns, scratch)).rowcount
    finally:
        db.execute(f"DELETE FROM {scratch}")


def update_rows(db: sqlite3.Connection, table: str, columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> int:
    """Set `columns` of many rows of `table`: each row is (rowid, value, …), rowids
    distinct. The rows change in no particular order, so a UNIQUE column must not pass
    values between them. Many rows go as ONE `UPDATE … FROM` a scratch table: one
    statement per row cost about twice as much with the undo triggers (a statement
    journal per row on the main and the temp database). Returns how many rows changed."""
    if not rows:
        return 0
    if len(rows) < SCRATCH_MIN:
        return db.executemany(f"UPDATE {table} SET {'=?,'.join(columns)}=? WHERE rowid=?",
                              [(*r[1:], r[0]) for r in rows]).rowcount
    scratch = _scratch_table(db, len(columns))
    db.executemany(f"INSERT INTO {scratch} VALUES ({','.join('?' * (len(columns) + 1))})",
                   rows)
    step = _recording(db)
    if step and _unique_columns(db, table).isdisjoint(columns):
        try:
            return _logged_update(db, step, table, columns, _update_from_sql(
                table, columns, scratch), (), f"rowid IN (SELECT rid FROM {scratch})", ())
        finally:
            db.execute(f"DELETE FROM {scratch}")
    return _update_from(db, table, columns, scratch)


#: Whether the step being recorded (the parameter) has rows in the log already. Its rows
#: are the newest: it is the highest step id and they are written in this transaction. The
#: log has no index on `step` (schema 5: one page less per answer), and this reads one row.
_LOGGED = "(SELECT step FROM undo_log ORDER BY seq DESC LIMIT 1) IS ?"
_FLUSH_SQL = ("INSERT INTO undo_log (step, sql) SELECT ?, json_group_array(sql) FROM "
              "(SELECT sql FROM temp.undo_pending WHERE seq > 0 ORDER BY seq) HAVING count(*)")


def _flush_pending(db: sqlite3.Connection, step: int) -> bool:
    """Move the pending inverse statements into the file as one row of `step`; whether
    there were any."""
    # SQLite builds the JSON array itself: one statement instead of reading the rows into
    # Python, encoding them and writing them back (issue 3: ~2 us of every answer). Then
    # one DELETE of them all (a DELETE … RETURNING removed and returned row by row, then
    # needed a sort); row 0, the recording switch, stays.
    if not db.execute(_FLUSH_SQL, (step,)).rowcount:
        return False
    db.execute("DELETE FROM temp.undo_pending WHERE seq > 0")
    return True


def _recording(db: sqlite3.Connection) -> int:
    """The step being recorded, or 0."""
    row = db.execute("SELECT sql FROM temp.undo_pending WHERE seq = 0").fetchone()
    return int(row[0]) if row is not None else 0


def _unique_columns(db: sqlite3.Connection, table: str) -> set[str]:
    """Columns of `table` in a UNIQUE index (every column if one is on an expression)."""
    unique: set[str] = set()
    for index in db.execute(f"PRAGMA main.index_list({table})").fetchall():
        if index[2]:
            for _, cid, name in db.execute(f"PRAGMA main.index_info({index[1]})"):
                unique |= set(_columns(db, table)) if cid == -2 else {name}
    return unique


def _update_from_sql(table: str, columns: Sequence[str], scratch: str) -> str:
    sets = ", ".join(f"{c} = s.v{i}" for i, c in enumerate(columns))
    return f"UPDATE main.{table} SET {sets} FROM {scratch} AS s WHERE {table}.rowid = s.rid"


def _logged_update(db: sqlite3.Connection, step: int, table: str, columns: Sequence[str],
                   update: str, params: Sequence[Any], where: str,
                   where_params: Sequence[Any]) -> int:
    """Run `update` (which sets only `columns`, on the rows matching `where`) with the
    table's per-row UPDATE trigger suspended, logging the rows' old values of `columns`
    under `step` as a few multi-row statements (`/*bulk-update*/`). Per-row inverse
    statements cost a trigger call building one per row, and undoing them parsing each:
    most of the time of a bulk change and of its undo."""
    values = "||','||".join(f"quote({c})" for c in ["rowid", *columns])
    saved = [r[0] for r in db.execute(
        f"SELECT '('||{values}||')' FROM main.{table} WHERE {where}", where_params)]
    if not saved:
        return 0
    _flush_pending(db, step)  # (what the step did before keeps its place in the log)
    prefix = _BULK_UPDATE.format(table=table, columns=",".join(columns))
    db.executemany("INSERT INTO undo_log (step, sql) VALUES (?, ?)",
                   [(step, prefix + ",".join(saved[i:i + BULK_CHUNK]))
                    for i in range(0, len(saved), BULK_CHUNK)])
    with _suspended(db, table, "update"), _indexes_rebuilt(db, table, columns, len(saved)):
        changed = db.execute(update, params).rowcount
    if changed != len(saved):
        raise BulkInsertError(f"bulk update of {table}: {len(saved)} rows saved but "
                              f"{changed} updated")
    return changed


#: From this many rows on, and at least half the table, a bulk update rebuilds the
#: table's indexes on the columns it sets instead of updating their entries row by row.
REBUILD_MIN = 10_000


@contextmanager
def _indexes_rebuilt(db: sqlite3.Connection, table: str, columns: Sequence[str],
                     rows: int) -> Iterator[None]:
    """When `rows` is most of `table`: drop its non-UNIQUE indexes on `columns` for the
    block and create them again after it, exactly as they were (inside the transaction).
    SQLite rewrites an index entry for each row whose indexed column an UPDATE sets, one
    random b-tree change each; sorting the whole index anew is about half the time for
    most of the table (adding a tag to 100,000 notes: the tags and mtime indexes)."""
    # Not importing.bulk.rebuilt_indexes: an update keeps the row count, so only the
    # indexes on the columns it sets go and their old statistics stay right, and a
    # statement still reading makes DROP INDEX fail, which must fall back, not fail.
    if rows < REBUILD_MIN or rows * 2 < db.execute(
            f"SELECT count(*) FROM main.{table}").fetchone()[0]:
        yield
        return
    wanted = set(columns)
    rebuilt = []
    for _, name, unique, *_ in db.execute(f"PRAGMA main.index_list({table})").fetchall():
        if unique:
            continue
        info = db.execute(f"PRAGMA main.index_info({name})").fetchall()
        if any(cid == -2 or col in wanted for _, cid, col in info):
            sql = db.execute("SELECT sql FROM main.sqlite_master WHERE type = 'index' "
                             "AND name = ?", (name,)).fetchone()[0]
            if sql:
                rebuilt.append((name, sql))
    stats: list[Any] = []  # (DROP INDEX deletes an index's planner statistics)
    if rebuilt and db.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_stat1'"
                              ).fetchone():
        stats = db.execute("SELECT tbl, idx, stat FROM main.sqlite_stat1 WHERE tbl = ? AND "
                           f"idx IN ({','.join('?' * len(rebuilt))})",
                           (table, *(name for name, _ in rebuilt))).fetchall()
    dropped: list[tuple[str, str]] = []

    def restore() -> None:
        for _, sql in dropped:
            db.execute(sql)
        names = {name for name, _ in dropped}
        lost = [row for row in stats if row[1] in names]
        if lost:
            db.executemany("INSERT INTO main.sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)",
                           lost)
        dropped.clear()

    try:
        for name, sql in rebuilt:
            db.execute(f'DROP INDEX main."{name}"')
            dropped.append((name, sql))
    except sqlite3.OperationalError:  # ("locked": a statement of ours is still reading;
        restore()                     # then SQLite updates the indexes row by row)
    try:
        yield
    finally:
        restore()


def bulk_update(db: sqlite3.Connection, table: str, values: dict[str, str],
                params: Sequence[Any], where: str, where_params: Sequence[Any]) -> int:
    """UPDATE `table` SET column = SQL expression (`values`, with `params`) WHERE `where`
    (with `where_params`); returns how many rows changed. Inside an operation, and when
    none of the columns is in a UNIQUE index, the rows' old values are logged in a few
    statements instead of one per row (see `_logged_update`)."""
    sets = ", ".join(f"{c} = {expr}" for c, expr in values.items())
    update = f"UPDATE main.{table} SET {sets} WHERE {where}"
    step = _recording(db)
    if step and _unique_columns(db, table).isdisjoint(values):
        return _logged_update(db, step, table, list(values), update,
                              [*params, *where_params], where, where_params)
    return db.execute(update, [*params, *where_params]).rowcount


class _Replay:
    """Runs logged row statements in batches instead of one compiled statement each (with
    its triggers, parsing and compiling was most of the time of a bulk undo).

    Statements on different tables commute (no main-schema triggers exist and foreign keys
    are off during undo), and so do statements on different rows of one table unless a
    UNIQUE column is involved. So, per table, until a row comes up a second time: updates
    of columns that are in no UNIQUE index ("free") gather by column set, their values go
    into a scratch table as multi-row INSERTs of the logged text and one `UPDATE … FROM`
    applies them; the other statements keep their order, consecutive inserts as
    multi-row INSERTs, consecutive deletes as one `DELETE … IN`, updates one by one.
    Anything else waits for the batches before it and runs as written. (The redo step
    records what actually ran.)"""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        # table -> (ordered batches [kind, key, items], free updates {key: items}, rowids)
        self._tables: dict[str, tuple[list[tuple[str, str, list[str]]],
                                      dict[str, list[tuple[str, str]]], set[int]]] = {}
        self._free: dict[tuple[str, str], bool] = {}

    def _is_free(self, table: str, key: str) -> bool:
        """Whether the columns `key` are in no UNIQUE index of `table` (an index on an
        expression counts as holding every column)."""
        free = self._free.get((table, key))
        if free is None:
            free = self._free[(table, key)] = _unique_columns(self._db, table).isdisjoint(
                key.split(","))
        return free

    def run(self, sql: str) -> None:
        shape = _shape(sql)
        if shape is None:
            self.flush()
            self._db.execute(sql)
            return
        table, kind, key, rowid, values = shape
        pending = self._tables.get(table)
        if pending is not None and rowid in pending[2]:
            self._flush_table(table)
            pending = None
        if pending is None:
            pending = self._tables[table] = ([], {}, set())
        ordered, free, rowids = pending
        rowids.add(rowid)
        if kind == "update":
            batch = free.get(key)
            if batch is not None:
                batch.append((values, sql))
                return
            if self._is_free(table, key):
                free[key] = [(values, sql)]
                return
            kind, key, values = "sql", "", sql
        if ordered and ordered[-1][0] == kind and ordered[-1][1] == key:
            ordered[-1][2].append(values)
        else:
            ordered.append((kind, key, [values]))

    def _flush_table(self, table: str) -> None:
        db = self._db
        ordered, free, _ = self._tables.pop(table)
        for kind, key, items in ordered:
            if kind == "sql":
                for sql in items:
                    db.execute(sql)
                continue
            for i in range(0, len(items), BULK_CHUNK):
                chunk = ",".join(items[i:i + BULK_CHUNK])
                db.execute(key + chunk if kind == "insert"
                           else f"DELETE FROM {table} WHERE rowid IN ({chunk})")
        for key, rows in free.items():
            if len(rows) < SCRATCH_MIN:
                for _, sql in rows:
                    db.execute(sql)
                continue
            columns = key.split(",")
            scratch = _scratch_table(db, len(columns))
            for i in range(0, len(rows), BULK_CHUNK):
                db.execute(f"INSERT INTO {scratch} VALUES "
                           + ",".join(values for values, _ in rows[i:i + BULK_CHUNK]))
            _update_from(db, table, columns, scratch)

    def flush(self) -> None:
        """Run what is waiting (before any statement that is not batched)."""
        for table in list(self._tables):
            self._flush_table(table)


class UndoHistory:
    """The undo and redo stacks of a collection. All methods run inside its transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        # What this connection knows of the stacks, so that beginning and recording a step
        # need no query (issue 3: those queries were ~10 us of a ~230 us answer). Valid
        # while `PRAGMA data_version` (which moves when another connection commits) says
        # what it said when read; dropped by `forget_cache` (a rollback) and by `reverse`.
        self._undo_ids: list[int] | None = None  # the undo stack's step ids, oldest first
        self._redo_ids: list[int] = []
        self._next_step = 1  # above every step id in undo_steps and undo_log
        self._recording_now = 0  # the step begun and not yet stopped
        self._stopped = (0, False)  # (step, whether its stop wrote pending statements)
        self._data_version = -1

    def _stack(self, redo: bool) -> list[UndoStep]:
        return [UndoStep(r[0], r[1]) for r in self._db.execute(
            "SELECT id, name FROM undo_steps WHERE redo = ? ORDER BY id", (int(redo),))]

    @property
    def undo_stack(self) -> list[UndoStep]:
        return self._stack(False)

    @property
    def redo_stack(self) -> list[UndoStep]:
        return self._stack(True)

    def forget_cache(self) -> None:
        """Read the stacks from the file again at the next step (after a rollback, whose
        changes to them this connection cannot see otherwise)."""
        self._undo_ids = None

    def _load(self, data_version: int) -> None:
        db = self._db
        self._undo_ids, self._redo_ids = [], []
        for step_id, redo in db.execute("SELECT id, redo FROM undo_steps ORDER BY id"):
            (self._redo_ids if redo else self._undo_ids).append(step_id)
        self._next_step = db.execute(
            "SELECT max(coalesce((SELECT max(id) FROM undo_steps), 0),"
            " coalesce((SELECT max(step) FROM undo_log), 0)) + 1").fetchone()[0]
        self._data_version = data_version

    def begin_recording(self) -> int:
        """Start logging row changes under a fresh step id (one above every id in the
        file; the same again if this step records nothing)."""
        data_version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if self._undo_ids is None or data_version != self._data_version:
            self._load(data_version)
        self._db.execute("INSERT OR REPLACE INTO temp.undo_pending (seq, sql) VALUES (0, ?)",
                         (str(self._next_step),))
        self._recording_now, self._stopped = self._next_step, (0, False)
        return self._next_step

    def stop_recording(self) -> None:
        """Stop logging. What is pending goes into the log first, as the step's row, so
        that one statement both ends recording and empties the pending table."""
        step, self._recording_now = self._recording_now, 0
        if step:
            self._stopped = (step, self._db.execute(_FLUSH_SQL, (step,)).rowcount > 0)
        self._db.execute("DELETE FROM temp.undo_pending")

    def _recording_step(self) -> int:
        return _recording(self._db)

    @contextmanager
    def bulk_insert(self, table: str) -> Iterator[BulkInsert]:
        """Insert many rows into `table` with one inverse statement instead of one per row.

        Only `BulkInsert.insert` may write inside the block (anything else would escape
        undo while the trigger is off, so it is refused and the operation fails)."""
        step = self._recording_step()
        if not step:
            raise BulkInsertError("bulk_insert runs only inside an operation (Collection.op)")
        db = self._db
        pk = [(r[1], r[2].upper()) for r in db.execute(f"PRAGMA main.table_info({table})")
              if r[5]]
        if pk != [("id", "INTEGER")]:
            raise BulkInsertError(f"bulk_insert needs a table whose rowid is its 'id' column, "
                                  f"not {table}")
        bulk = BulkInsert(db, table)
        with _suspended(db, table, "insert"):
            before = db.total_changes
            yield bulk
            if db.total_changes - before != len(bulk.ids):
                raise BulkInsertError(
                    f"bulk insert into {table}: {db.total_changes - before} rows changed "
                    f"but {len(bulk.ids)} were inserted through it; other writes are not "
                    "allowed inside bulk_insert")
        self._log_bulk_delete(step, table, bulk.ids)

    def insert_select(self, table: str, columns: Sequence[str], select: str,
                      params: Sequence[Any] = ()) -> int:
        """Inside an operation: `INSERT INTO table (columns) <select>`, a plain INSERT of
        new rows only, logged as ONE bulk delete of the rowids it added instead of one
        statement per row (any rowid table; graves of deleted notes: one trigger call and
        one logged statement per grave were a fifth of deleting many notes and of its
        redo). Returns how many rows went in."""
        step = self._recording_step()
        if not step:
            raise BulkInsertError("insert_select runs only inside an operation (Collection.op)")
        db = self._db
        with _suspended(db, table, "insert"):
            before = db.total_changes
            rowids = [r[0] for r in db.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) {select} RETURNING rowid",
                params)]
            if db.total_changes - before != len(rowids):
                raise BulkInsertError(f"insert_select into {table}: "
                                      f"{db.total_changes - before} rows changed but "
                                      f"{len(rowids)} inserted")
        self._log_bulk_delete(step, table, rowids)
        return len(rowids)

    def _flush(self, step: int) -> bool:
        """Move the pending inverse statements into the file as one row of `step`; whether
        there were any."""
        return _flush_pending(self._db, step)

    def _log_bulk_delete(self, step: int, table: str, ids: list[int]) -> None:
        """Log under `step`, after what it did before, ONE statement deleting the rows `ids`
        just inserted into `table` (their inverse); nothing when there are none."""
        if ids:
            self._flush(step)
            self._db.execute("INSERT INTO undo_log (step, sql) VALUES (?, ?)",
                             (step, bulk_delete_sql(table, ids)))

    def touch_if_changed(self, step: int, mod: int) -> bool:
        """If `step` changed anything, set the collection's modification time to `mod` (still
        recorded, so undo restores it); whether it did. One statement where the check and
        the update were two (this runs for every operation, answering cards included)."""
        cur = self._db.execute(
            "UPDATE col SET mod = ? WHERE EXISTS (SELECT 1 FROM temp.undo_pending WHERE seq > 0) "
            f"OR {_LOGGED}", (mod, step))
        return cur.rowcount > 0 or self.step_has_changes(step)  # (no col row yet: ask)

    def step_has_changes(self, step: int) -> bool:
        return self._db.execute(
            f"SELECT EXISTS (SELECT 1 FROM temp.undo_pending WHERE seq > 0) OR {_LOGGED}",
            (step,)).fetchone()[0] == 1

    def record(self, step: int, name: str) -> None:
        """A new operation becomes undoable; the redo stack and the oldest steps are dropped."""
        db = self._db
        stopped, flushed = self._stopped
        if stopped != step:  # (not stopped: flush here)
            flushed = self._flush(step)
        if not flushed and not db.execute(f"SELECT {_LOGGED}", (step,)).fetchone()[0]:
            return
        if self._undo_ids is None:  # (recording began elsewhere: read the stacks)
            self._load(db.execute("PRAGMA data_version").fetchone()[0])
        undo_ids = self._undo_ids
        assert undo_ids is not None
        # (Few statements, all by key: this runs for every operation, answering cards
        # included.) The redo stack goes, and the oldest steps beyond the limit once this
        # one is added.
        if self._redo_ids:
            db.execute("DELETE FROM undo_steps WHERE redo = 1")
            marks = ",".join("?" * len(self._redo_ids))  # (one pass over the log)
            db.execute(f"DELETE FROM undo_log WHERE step IN ({marks})", self._redo_ids)
            self._redo_ids = []
        if len(undo_ids) == UNDO_LIMIT:  # a full stack (a session): the oldest row becomes
            db.execute("UPDATE undo_steps SET id = ?, name = ? WHERE id = ?",  # the new one
                       (step, name, undo_ids.pop(0)))
        else:
            if len(undo_ids) > UNDO_LIMIT:
                db.execute("DELETE FROM undo_steps WHERE id <= ?", (undo_ids[-UNDO_LIMIT],))
                del undo_ids[:len(undo_ids) - UNDO_LIMIT + 1]
            db.execute("INSERT INTO undo_steps (id, name, redo) VALUES (?, ?, 0)",
                       (step, name))
        undo_ids.append(step)
        self._next_step = step + 1
        if step % PRUNE_EVERY == 0:  # rows of steps no longer on either stack
            db.execute("DELETE FROM undo_log WHERE step < ?", (undo_ids[0],))

    def clear(self) -> None:
        self._undo_ids, self._redo_ids = [], []
        self._db.execute("DELETE FROM undo_steps")
        self._db.execute("DELETE FROM undo_log")
        self._db.execute("DELETE FROM temp.undo_pending WHERE seq > 0")

    def _forget(self, step: int) -> None:
        self._undo_ids = None  # (the stacks change: read them again at the next step)
        self._db.execute("DELETE FROM undo_log WHERE step = ?", (step,))
        self._db.execute("DELETE FROM undo_steps WHERE id = ?", (step,))

    def top(self, redo: bool) -> UndoStep:
        stack = self._stack(redo)
        if not stack:
            raise NothingToUndo("nothing to redo" if redo else "nothing to undo")
        return stack[-1]

    def reverse(self, redo: bool) -> str:
        """Undo (or redo) the top step and move it to the other stack; returns its name."""
        step = self.top(redo)
        statements = []
        for (logged,) in self._db.execute(
                "SELECT sql FROM undo_log WHERE step = ? ORDER BY seq DESC", (step.id,)):
            if logged.startswith("["):  # one operation's row changes, oldest first
                statements += reversed(json.loads(logged))
            else:
                statements.append(logged)
        new_step = self.begin_recording()
        try:
            replay = _Replay(self._db)
            i = 0
            while i < len(statements):
                sql = statements[i]
                if not sql.startswith("/*bulk-"):
                    replay.run(sql)
                    i += 1
                    continue
                replay.flush()
                kind, table = _bulk_header(sql)
                if kind == "delete":
                    j = i + 1  # (the rows it deletes, as inserts, when they were kept)
                    while j < len(statements) and statements[j].startswith("/*bulk-saved") \
                            and _bulk_header(statements[j]) == ("saved", table):
                        j += 1
                    self._reverse_bulk_delete(table, sql, statements[i + 1:j], new_step)
                    i = j
                    continue
                if kind == "saved":
                    raise BulkInsertError("saved rows in the undo log without their delete")
                if kind == "kept":  # (values whose update changed no row: nothing to do)
                    i += 1
                    continue
                j = i + 1  # consecutive ones of a table (and columns): one batch
                while j < len(statements) and statements[j].startswith("/*bulk-") \
                        and _bulk_header(statements[j]) == (kind, table):
                    j += 1
                if kind == "insert":
                    self._reverse_bulk_insert(table, statements[i:j], new_step)
                    i = j
                    continue
                k = j  # (the values it replaces, when they were kept)
                while k < len(statements) and statements[k].startswith("/*bulk-kept") \
                        and _bulk_header(statements[k]) == ("kept", table):
                    k += 1
                self._reverse_bulk_update(table, statements[i:j], statements[j:k], new_step)
                i = k
            replay.flush()
        finally:
            self.stop_recording()
        self._flush(new_step)
        self._forget(step.id)
        self._db.execute("INSERT INTO undo_steps (id, name, redo) VALUES (?, ?, ?)",
                         (new_step, step.name, int(not redo)))
        return step.name

    def _reverse_bulk_delete(self, table: str, sql: str, saved: list[str],
                             step: int) -> None:
        """Run a bulk delete, logging the rows it removes as bulk inserts (its inverse)
        under `step`: `saved`, the inserts that put exactly those rows there when an undo
        or redo did (nothing can change between an undo and its redo), else the rows read
        from the table."""
        where = "rowid IN " + sql[len(_BULK_DELETE.format(table=table)):]
        if not saved:
            self._delete_saving_rows(table, where, (), step)
            return
        db = self._db
        self._flush(step)
        cut = len(_BULK_SAVED.format(table=table))
        db.executemany("INSERT INTO undo_log (step, sql) VALUES (?, ?)",
                       [(step, _BULK_INSERT.format(table=table) + text[cut:])
                        for text in saved])
        expected = db.execute(f"SELECT count() FROM {where[len('rowid IN '):]}").fetchone()[0]
        with _suspended(db, table, "delete"):
            deleted = db.execute(f"DELETE FROM {table} WHERE {where}").rowcount
        if deleted != expected:
            raise BulkInsertError(f"bulk delete from {table}: {expected} rows saved but "
                                  f"{deleted} deleted")

    def bulk_delete(self, table: str, where: str = "1", params: Sequence[Any] = ()) -> int:
        """Inside an operation: delete the rows of `table` matching `where`, logging them
        as a few multi-row INSERT statements instead of one statement per row; returns how
        many went."""
        step = self._recording_step()
        if not step:
            raise BulkInsertError("bulk_delete runs only inside an operation (Collection.op)")
        return self._delete_saving_rows(table, where, params, step)

    def _delete_saving_rows(self, table: str, where: str, params: Sequence[Any],
                            step: int) -> int:
        db = self._db
        cols = _columns(db, table)
        values = "||','||".join(f"quote({c})" for c in ["rowid", *cols])
        rows = [r[0] for r in db.execute(
            f"SELECT '('||{values}||')' FROM {table} WHERE {where} ORDER BY rowid", params)]
        prefix = (_BULK_INSERT.format(table=table)
                  + f"INSERT INTO {table} ({', '.join(['rowid', *cols])}) VALUES ")
        self._flush(step)
        db.executemany("INSERT INTO undo_log (step, sql) VALUES (?, ?)",
                       [(step, prefix + ",".join(rows[i:i + BULK_CHUNK]))
                        for i in range(0, len(rows), BULK_CHUNK)])
        with _suspended(db, table, "delete"):
            deleted = db.execute(f"DELETE FROM {table} WHERE {where}", params).rowcount
        if deleted != len(rows):
            raise BulkInsertError(f"bulk delete from {table}: {len(rows)} rows saved but "
                                  f"{deleted} deleted")
        return deleted

    def _reverse_bulk_update(self, what: str, statements: list[str], kept: list[str],
                             step: int) -> None:
        """Put back the values bulk updates saved (distinct rows), logging the current ones
        as bulk updates again (the inverse, under `step`): `kept`, the values an undo or
        redo put there before (nothing can change between an undo and its redo), else
        the values read from the table. The values put back are kept beside that inverse
        in turn (reading them back was a third of redoing a change to 100,000 notes)."""
        db = self._db
        table, columns = what.split(" ")
        names = columns.split(",")
        scratch = _scratch_table(db, len(names))

        def log(header: str, texts: list[str]) -> None:
            db.executemany("INSERT INTO undo_log (step, sql) VALUES (?, ?)",
                           [(step, header + t[t.index("*/") + 3:]) for t in texts])

        try:
            for sql in statements:
                db.execute(f"INSERT INTO {scratch} VALUES " + sql[sql.index("*/") + 3:])
            self._flush(step)
            log(_BULK_KEPT.format(table=table, columns=columns), statements)
            if not kept:
                _logged_update(db, step, table, names,
                               _update_from_sql(table, names, scratch), (),
                               f"rowid IN (SELECT rid FROM {scratch})", ())
                return
            log(_BULK_UPDATE.format(table=table, columns=columns), kept)
            rows = db.execute(f"SELECT count() FROM {scratch}").fetchone()[0]
            with _suspended(db, table, "update"), _indexes_rebuilt(db, table, names, rows):
                changed = db.execute(_update_from_sql(table, names, scratch)).rowcount
            if changed != rows:
                raise BulkInsertError(f"bulk update of {table}: {rows} rows kept but "
                                      f"{changed} updated")
        finally:
            db.execute(f"DELETE FROM {scratch}")

    def _reverse_bulk_insert(self, table: str, statements: list[str], step: int) -> None:
        """Run bulk inserts into `table`, logging one bulk delete of their rows.

        They come newest first, i.e. highest rows first as a bulk delete saved them; they
        run the other way round (rows that were in the table together go back in any
        order), so each adds to the end of the table instead of splitting its pages."""
        db = self._db
        ids: list[int] = []
        with _suspended(db, table, "insert"):
            for sql in reversed(statements):
                ids += [r[0] for r in db.execute(sql + " RETURNING rowid")]
        # The statements are kept beside the bulk delete that reverses them: reversing it
        # needs the rows as inserts again, and these are those rows exactly (reading them
        # back was a third of redoing the deletion of 30,000 notes).
        if ids:
            self._flush(step)
            cut = len(_BULK_INSERT.format(table=table))
            db.executemany("INSERT INTO undo_log (step, sql) VALUES (?, ?)",
                           [(step, _BULK_SAVED.format(table=table) + sql[cut:])
                            for sql in statements])
        self._log_bulk_delete(step, table, ids)
