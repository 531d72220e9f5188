"""Bulk inserts: one inverse statement per block, exact undo and redo, misuse refused."""

from __future__ import annotations

import sqlite3

import pytest

from repetend.core import undo
from repetend.core.undo import BulkInsertError
from repetend.host.testing import collection_rows

NOTE_COLUMNS = ("id", "guid", "ntid", "mtime", "usn", "tags", "flds", "sfld", "csum")


def triggers(col) -> list[tuple[str, str]]:
    return col.db.execute("SELECT name, sql FROM temp.sqlite_master WHERE type = 'trigger' "
                          "ORDER BY name").fetchall()


def note_rows(ntid: int, ids) -> list[tuple[object, ...]]:
    return [(i, f"g{i}", ntid, 1_700_000_000, -1, f" t{i % 3} ", f"front {i}\x1fback",
             f"front {i}", i % 7) for i in ids]


def test_id_ranges_are_compact_and_exact():
    assert undo._id_ranges([5, 1, 2, 3, 9, 10, 7]) == "[[1,3],5,7,[9,10]]"
    assert undo._id_ranges([]) == "[]"
    db = sqlite3.connect(":memory:")
    ids = [1, 2, 3, 5, 7, 9, 10, 1_600_000_000_000, 1_600_000_000_001]
    got = [r[0] for r in db.execute("SELECT * FROM " + undo._ids_query(undo._id_ranges(ids)))]
    assert sorted(got) == ids


def test_bulk_insert_is_one_undo_statement_and_undo_redo_are_exact(col, add):
    kept = add("Basic", "already here", "")
    ntid = col.notetypes.by_name("Basic").id
    # ids below, around and above the existing note, with gaps
    ids = [*range(1000, 1500), *range(2000, 2003), kept.id - 1, kept.id + 1, 10**13]
    before = collection_rows(col)
    with col.op("Import"):
        with col.bulk_insert("notes") as bulk:
            assert bulk.insert(NOTE_COLUMNS, note_rows(ntid, ids)) == len(ids)
        col.db.execute("UPDATE notes SET tags = ' edited ' WHERE id = 1000")  # per row
    after = collection_rows(col)
    step = col.db.execute("SELECT max(step) FROM undo_log").fetchone()[0]
    logged = [r[0] for r in col.db.execute("SELECT sql FROM undo_log WHERE step = ?", (step,))]
    assert sum(s.startswith("/*bulk-delete notes*/") for s in logged) == 1
    assert not any(s.startswith("DELETE FROM notes") for s in logged)

    trig = triggers(col)
    assert col.undo() == "Import"
    assert collection_rows(col) == before
    assert col.redo() == "Import"
    assert collection_rows(col) == after
    assert col.undo() == "Import"
    assert collection_rows(col) == before
    assert col.redo() == "Import"
    assert collection_rows(col) == after
    assert triggers(col) == trig


def test_later_changes_to_bulk_rows_undo_in_order(col):
    ntid = col.notetypes.by_name("Basic").id
    with col.op("Import"), col.bulk_insert("notes") as bulk:
        bulk.insert(NOTE_COLUMNS, note_rows(ntid, range(1, 101)))
    imported = collection_rows(col)
    with col.op("Delete Note"):
        col.db.execute("DELETE FROM notes WHERE id BETWEEN 10 AND 20")
    col.undo()
    assert collection_rows(col) == imported
    col.undo()
    assert col.db.execute("SELECT count() FROM notes").fetchone()[0] == 0
    col.redo()
    assert collection_rows(col) == imported


def test_bulk_insert_needs_an_operation(col):
    with pytest.raises(BulkInsertError, match="inside an operation"), \
            col.bulk_insert("notes"):
        pass


def test_other_writes_inside_the_block_are_refused_and_roll_back(col, add):
    ntid = col.notetypes.by_name("Basic").id
    before, trig = collection_rows(col), triggers(col)
    with pytest.raises(BulkInsertError, match="other writes"), col.op("Import"), \
            col.bulk_insert("notes") as bulk:
        bulk.insert(NOTE_COLUMNS, note_rows(ntid, [1, 2]))
        col.db.execute("INSERT INTO tags (tag) VALUES ('sneaky')")
    assert collection_rows(col) == before
    assert triggers(col) == trig
    # the per-row trigger works again: a plain add is undoable
    add("Basic", "x", "")
    col.undo()
    assert collection_rows(col) == before


def test_a_clash_fails_the_whole_operation(col, add):
    note = add("Basic", "x", "")
    before, trig = collection_rows(col), triggers(col)
    with pytest.raises(sqlite3.IntegrityError), col.op("Import"), \
            col.bulk_insert("notes") as bulk:
        bulk.insert(NOTE_COLUMNS, note_rows(note.ntid, [5, note.id]))
    assert collection_rows(col) == before
    assert triggers(col) == trig


def test_undo_of_a_bulk_insert_survives_reopening(col, tmp_path):
    from repetend.core.collection import Collection

    ntid = col.notetypes.by_name("Basic").id
    before = collection_rows(col)
    with col.op("Import"), col.bulk_insert("notes") as bulk:
        bulk.insert(NOTE_COLUMNS, note_rows(ntid, range(1, 51)))
    after = collection_rows(col)
    col.close()
    with Collection(tmp_path / "collection.db") as again:
        assert again.undo() == "Import"
        assert collection_rows(again) == before
    with Collection(tmp_path / "collection.db") as again:
        assert again.redo() == "Import"
        assert collection_rows(again) == after


def test_bulk_delete_saves_rows_in_a_few_statements_and_undoes_exactly(col, add):
    ntid = col.notetypes.by_name("Basic").id
    with col.op("Import"), col.bulk_insert("notes") as bulk:
        bulk.insert(NOTE_COLUMNS, note_rows(ntid, range(1, 1201)))
    full = collection_rows(col)
    with col.op("Wipe"):
        assert col.history.bulk_delete("notes", "id > ?", (100,)) == 1100
        col.db.execute("INSERT INTO tags (tag) VALUES ('after')")  # per-row, later
    wiped = collection_rows(col)
    step = col.db.execute("SELECT max(step) FROM undo_log").fetchone()[0]
    logged = [r[0] for r in col.db.execute("SELECT sql FROM undo_log WHERE step = ?",
                                           (step,))]
    assert sum(s.startswith("/*bulk-insert notes*/") for s in logged) == 3  # chunks of 500
    assert not any(s.startswith("INSERT INTO notes") for s in logged)
    col.undo()
    assert collection_rows(col) == full
    col.redo()
    assert collection_rows(col) == wiped
    col.undo()
    assert collection_rows(col) == full
    with pytest.raises(BulkInsertError, match="inside an operation"):
        col.history.bulk_delete("notes")
