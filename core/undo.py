"""Undo and redo as a log of inverse SQL, written by temporary triggers.

Every table of the collection gets TEMP triggers that, while an operation is being
recorded, store the statement that reverses each inserted, updated or deleted row.
Undoing a step runs its inverse statements newest-first inside one transaction, and
records *their* inverses as the redo step. Because the triggers see every row change,
no operation can forget to make itself undoable. The stacks are kept in the file
(`undo_steps`, `undo_log`), so `repetend undo` works from a later command too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from repetend.core.errors import NothingToUndo

#: How many steps can be undone, as in Anki.
UNDO_LIMIT = 30


@dataclass(frozen=True)
class UndoStep:
    """One named, undoable operation ("Add Note", "Delete Deck", ...)."""

    id: int
    name: str


def install(db: sqlite3.Connection, tables: list[str]) -> None:
    """Create the per-connection recording switch and the triggers for `tables`."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS undo_state (step INTEGER NOT NULL)")
    db.execute("DELETE FROM temp.undo_state")
    db.execute("INSERT INTO temp.undo_state VALUES (0)")
    recording = "WHEN (SELECT step FROM temp.undo_state) != 0"
    log = "INSERT INTO undo_log (step, sql) VALUES ((SELECT step FROM temp.undo_state), "
    for table in tables:
        cols = [r[1] for r in db.execute(f"PRAGMA main.table_info({table})")]
        sets = "||','||".join(f"'{c}='||quote(old.{c})" for c in cols)
        values = "||','||".join(f"quote(old.{c})" for c in cols)
        col_list = ",".join(["rowid", *cols])
        db.execute(
            f"CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_insert AFTER INSERT ON main.{table} "
            f"{recording} BEGIN {log}'DELETE FROM {table} WHERE rowid='||new.rowid); END"
        )
        db.execute(
            f"CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_update AFTER UPDATE ON main.{table} "
            f"{recording} BEGIN {log}'UPDATE {table} SET '||{sets}||' WHERE rowid='||old.rowid);"
            " END"
        )
        db.execute(
            f"CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_delete BEFORE DELETE ON main.{table} "
            f"{recording} BEGIN {log}'INSERT INTO {table} ({col_list}) VALUES ('||old.rowid||','"
            f"||{values}||')'); END"
        )


class UndoHistory:
    """The undo and redo stacks of a collection. All methods run inside its transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def _stack(self, redo: bool) -> list[UndoStep]:
        return [UndoStep(r[0], r[1]) for r in self._db.execute(
            "SELECT id, name FROM undo_steps WHERE redo = ? ORDER BY id", (int(redo),))]

    @property
    def undo_stack(self) -> list[UndoStep]:
        return self._stack(False)

    @property
    def redo_stack(self) -> list[UndoStep]:
        return self._stack(True)

    def begin_recording(self) -> int:
        """Start logging row changes under a fresh step id."""
        step = self._db.execute(
            "SELECT max(coalesce((SELECT max(id) FROM undo_steps), 0),"
            " coalesce((SELECT max(step) FROM undo_log), 0)) + 1").fetchone()[0]
        self._db.execute("UPDATE temp.undo_state SET step = ?", (step,))
        return step

    def stop_recording(self) -> None:
        self._db.execute("UPDATE temp.undo_state SET step = 0")

    def step_has_changes(self, step: int) -> bool:
        return self._db.execute("SELECT 1 FROM undo_log WHERE step = ? LIMIT 1",
                                (step,)).fetchone() is not None

    def record(self, step: int, name: str) -> None:
        """A new operation becomes undoable; the redo stack and the oldest steps are dropped."""
        if not self.step_has_changes(step):
            return
        # (Plain id queries: this runs for every operation, answering cards included.)
        for (old,) in self._db.execute("SELECT id FROM undo_steps WHERE redo = 1").fetchall():
            self._forget(old)
        self._db.execute("INSERT INTO undo_steps (id, name, redo) VALUES (?, ?, 0)",
                         (step, name))
        for (old,) in self._db.execute(
                "SELECT id FROM undo_steps WHERE redo = 0 ORDER BY id DESC LIMIT -1 OFFSET ?",
                (UNDO_LIMIT,)).fetchall():
            self._forget(old)

    def clear(self) -> None:
        self._db.execute("DELETE FROM undo_steps")
        self._db.execute("DELETE FROM undo_log")

    def _forget(self, step: int) -> None:
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
        statements = [r[0] for r in self._db.execute(
            "SELECT sql FROM undo_log WHERE step = ? ORDER BY seq DESC", (step.id,))]
        new_step = self.begin_recording()
        try:
            for sql in statements:
                self._db.execute(sql)
        finally:
            self.stop_recording()
        self._forget(step.id)
        self._db.execute("INSERT INTO undo_steps (id, name, redo) VALUES (?, ?, ?)",
                         (new_step, step.name, int(not redo)))
        return step.name
