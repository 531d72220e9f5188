"""Helpers for writing many rows at once inside an import's operation.

`rebuilt_indexes` drops a table's secondary indexes while many rows go in and creates
them again from their stored definitions afterwards (sorting once is cheaper than
inserting into each index row by row), when the rows coming in outnumber the rows there.
It only runs inside the operation's transaction, so a failure rolls the indexes back with
everything else. `gc_paused` keeps Python's cyclic garbage collector from walking the
hundreds of thousands of row objects an import holds.
"""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

#: Below this many incoming rows an index rebuild is not worth it.
REBUILD_MIN_ROWS = 20_000


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _secondary_indexes(db: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's own indexes (not those of constraints)."""
    return db.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND "
                      "tbl_name = ? AND sql IS NOT NULL ORDER BY name", (table,)).fetchall()


@contextmanager
def rebuilt_indexes(db: sqlite3.Connection, incoming: dict[str, int]) -> Iterator[None]:
    """Inside a transaction: for each table whose `incoming` row count is at least
    REBUILD_MIN_ROWS and at least its current row count, drop its secondary indexes for
    the block and create them again after it. (On an exception they are not recreated
    here: the caller's rollback restores them.) Queries in the block must not need them."""
    # Not undo._indexes_rebuilt: inserts touch every index (UNIQUE ones too) and change the
    # row counts, so all go and the statistics are measured again (ANALYZE), not kept.
    if not db.in_transaction:
        raise RuntimeError("rebuilt_indexes runs inside a transaction")
    dropped: list[str] = []
    analyzed: list[str] = []  # tables with planner statistics (DROP INDEX drops theirs)
    has_stats = db.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'sqlite_stat1'"
                           ).fetchone() is not None
    for table, count in incoming.items():
        if count < REBUILD_MIN_ROWS:
            continue
        if db.execute(f"SELECT count() FROM {table}").fetchone()[0] > count:
            continue
        indexes = _secondary_indexes(db, table)
        if indexes and has_stats and db.execute(
                "SELECT 1 FROM main.sqlite_stat1 WHERE tbl = ?", (table,)).fetchone():
            analyzed.append(table)
        for name, sql in indexes:
            db.execute(f"DROP INDEX main.{name}")
            dropped.append(sql)
    yield
    for sql in dropped:
        db.execute(sql)
    for table in analyzed:
        db.execute(f"ANALYZE main.{table}")
