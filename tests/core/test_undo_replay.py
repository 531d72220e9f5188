"""Undo replays logged row statements in batches; the rows must come back exactly."""

from __future__ import annotations

import sqlite3

from undo_cases import TRICKY, batch_path  # noqa: F401 (autouse)

from repetend.core import undo
from repetend.host.testing import assert_undo_redo_exact


def test_shapes_of_the_trigger_statements():
    assert undo._shape("DELETE FROM cards WHERE rowid=17") == ("cards", "delete", "", 17, "17")
    assert undo._shape("UPDATE notes SET tags=' a=1,b '''' ',usn=-1,data=NULL,flds=X'00FF',"
                       "factor=2.5e+20 WHERE rowid=-3") == (
        "notes", "update", "tags,usn,data,flds,factor", -3,
        "(-3,' a=1,b '''' ',-1,NULL,X'00FF',2.5e+20)")
    assert undo._shape("INSERT INTO tags (rowid,tag,usn) VALUES (4,'x'' WHERE',-1)") == (
        "tags", "insert", "INSERT INTO tags (rowid,tag,usn) VALUES ", 4, "(4,'x'' WHERE',-1)")
    # anything else runs as written
    assert undo._shape("UPDATE cards SET factor=1 WHERE rowid=1 OR 1") is None
    assert undo._shape("DELETE FROM cards WHERE id=1") is None
    assert undo._shape("INSERT INTO cards (id,nid) VALUES (1,2)") is None


def test_batched_replay_matches_running_each_statement():
    """The same statements, one by one and through the batching, give the same rows."""
    statements = []
    for i, text in enumerate(TRICKY, start=1):
        literal = "'" + text.replace("'", "''") + "'"
        statements += [f"INSERT INTO t (rowid,a,b) VALUES ({i},{literal},{i * 7})",
                       f"INSERT INTO u (rowid,c) VALUES ({i},X'{i:02X}')",
                       f"UPDATE t SET a={literal}||'' WHERE rowid={i}",  # not a shape
                       f"UPDATE t SET b=NULL,a={literal} WHERE rowid={i}",
                       f"UPDATE t SET b=2.5 WHERE rowid={i}"]
    statements += ["DELETE FROM t WHERE rowid=2", "INSERT INTO t (rowid,a,b) VALUES (2,'again',0)",
                   "UPDATE t SET b=1 WHERE rowid=3", "UPDATE t SET b=2 WHERE rowid=3",
                   "DELETE FROM u WHERE rowid=1"]
    results = []
    for batched in (False, True):
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE t (a TEXT, b INTEGER)")
        db.execute("CREATE TABLE u (c BLOB)")
        replay = undo._Replay(db)
        for sql in statements:
            replay.run(sql) if batched else db.execute(sql)
        replay.flush()
        results.append([db.execute("SELECT rowid, quote(a), quote(b) FROM t ORDER BY rowid")
                        .fetchall(), db.execute("SELECT rowid, quote(c) FROM u").fetchall()])
    assert results[0] == results[1]
    assert results[1][0][1] == (2, "'again'", "0")
    assert results[1][0][2][2] == "2"


def test_interleaved_deletes_of_cards_notes_and_graves_undo_and_redo_exactly(col, add):
    notes = [add("Basic (and reversed card)", f"front {t}", f"back {i}", tags=[f"t{i}"])
             for i, t in enumerate(TRICKY)]
    assert_undo_redo_exact(col, lambda: col.remove_notes([n.id for n in notes[::2]]))


def test_the_same_row_changed_twice_in_one_step_comes_back(col, add):
    note = add("Basic", "one", "two")
    cid = col.find_cards(f"nid:{note.id}")[0]

    def change() -> None:
        with col.op("Edit"):
            for value in ("a", "b'c", "d"):
                col.db.execute("UPDATE notes SET flds = ?, tags = ? WHERE id = ?",
                               (value + "\x1fx", f" {value} ", note.id))
            col.db.execute("UPDATE cards SET factor = 2.5 WHERE id = ?", (cid,))  # a REAL
            col.db.execute("UPDATE notes SET data = X'00FF' WHERE id = ?", (note.id,))
            col.db.execute("DELETE FROM cards WHERE id = ?", (cid,))
            col.db.execute("INSERT INTO cards SELECT * FROM cards WHERE 0")
    assert_undo_redo_exact(col, change)
    col.undo()
    assert col.get_note(note.id).fields == ["one", "two"]
    assert col.get_card(cid).factor == 0


def test_reals_and_blobs_are_restored_with_their_types(col, add):
    note = add("Basic", "x", "y")
    cid = col.find_cards(f"nid:{note.id}")[0]
    with col.op("Odd values"):
        col.db.execute("UPDATE cards SET factor = 0.1, data = X'' WHERE id = ?", (cid,))
    assert_undo_redo_exact(col, lambda: ops_delete(col, note.id))


def ops_delete(col, nid: int) -> None:
    from repetend.core import browser_ops

    browser_ops.delete_notes(col, [nid])


def test_values_moving_between_rows_of_a_unique_column_come_back(col, add):
    """Undo must set such values back in the logged order: run in any other order, one
    row would take a value another still holds."""
    notes = [add("Basic", f"n{i}", "") for i in range(3)]
    guids = [n.guid for n in notes]
    with col.op("Tags"):
        col.db.executemany("INSERT INTO tags (tag) VALUES (?)", [("x",), ("y",)])

    def change() -> None:
        with col.op("Rotate"):
            col.db.execute("UPDATE tags SET tag = 'z' WHERE tag = 'x'")
            col.db.execute("UPDATE tags SET tag = 'x' WHERE tag = 'y'")
            col.db.execute("UPDATE notes SET guid = 'tmp' WHERE id = ?", (notes[0].id,))
            for i in (1, 2):
                col.db.execute("UPDATE notes SET guid = ? WHERE id = ?",
                               (guids[i - 1], notes[i].id))
            col.db.execute("UPDATE notes SET guid = ? WHERE id = ?", (guids[2], notes[0].id))
    assert_undo_redo_exact(col, change)
    col.undo()
    assert [col.get_note(n.id).guid for n in notes] == guids


def test_a_row_deleted_and_added_again_in_one_step_comes_back(col, add):
    note = add("Basic (and reversed card)", "a", "b", tags=["t"])
    cids = col.find_cards(f"nid:{note.id}")

    def change() -> None:
        with col.op("Recreate"):
            for cid in cids:
                row = col.db.execute("SELECT * FROM cards WHERE id = ?", (cid,)).fetchone()
                col.db.execute("DELETE FROM cards WHERE id = ?", (cid,))
                values = list(row)
                values[5] = 77  # usn
                col.db.execute(f"INSERT INTO cards VALUES ({','.join('?' * len(values))})",
                               values)
                col.db.execute("UPDATE cards SET due = due + 1 WHERE id = ?", (cid,))
    assert_undo_redo_exact(col, change)


def test_two_bulk_deletes_of_one_table_in_one_step_come_back(col, add, monkeypatch):
    monkeypatch.setattr(undo, "BULK_CHUNK", 3)  # several saved statements per delete
    for i in range(20):
        add("Basic (and reversed card)", f"n{i}", TRICKY[i % len(TRICKY)])
    ids = col.find_cards("")

    def change() -> None:
        with col.op("Two deletes"):
            col.history.bulk_delete("cards", f"id IN ({','.join(map(str, ids[::2]))})")
            col.history.bulk_delete("cards", f"id IN ({','.join(map(str, ids[1::4]))})")
    assert_undo_redo_exact(col, change)


def step_log(col) -> list[str]:
    """The top undo step's statements, oldest first."""
    import json

    step = col.db.execute("SELECT max(id) FROM undo_steps WHERE redo = 0").fetchone()[0]
    out = []
    for (sql,) in col.db.execute("SELECT sql FROM undo_log WHERE step = ? ORDER BY seq",
                                 (step,)):
        out += json.loads(sql) if sql.startswith("[") else [sql]
    return out


def test_a_bulk_update_logs_old_values_in_a_few_statements(col, add, monkeypatch):
    monkeypatch.setattr(undo, "BULK_CHUNK", 4)
    for i in range(10):
        add("Basic (and reversed card)", f"n{i}", TRICKY[i])
    cids = col.find_cards("")
    first, last = cids[0], cids[-1]
    did = col.decks.id("Elsewhere")

    def change() -> None:
        with col.op("Mixed"):
            col.db.execute("UPDATE cards SET due = 99 WHERE id = ?", (first,))  # per row
            assert undo.bulk_update(col.db, "cards", {"did": "?", "usn": "usn - 1"}, (did,),
                                    "id != ?", (last,)) == len(cids) - 1
            col.db.execute("UPDATE cards SET did = 1, factor = 2.5 WHERE id = ?", (first,))
    assert_undo_redo_exact(col, change)
    log = step_log(col)
    bulk = [s for s in log if s.startswith("/*bulk-update cards did,usn*/")]
    assert len(bulk) == 5  # 19 rows in chunks of 4
    assert log.index(bulk[0]) > min(i for i, s in enumerate(log) if "due=" in s)
    assert not any(s.startswith("UPDATE cards SET did=") and "factor" not in s for s in log)


def test_a_bulk_update_of_a_unique_column_is_logged_row_by_row(col, add):
    for i in range(3):
        add("Basic", f"n{i}", "")

    def change() -> None:
        with col.op("Guids"):
            assert undo.bulk_update(col.db, "notes", {"guid": "guid || 'x'"}, (), "1", ()) == 3
    assert_undo_redo_exact(col, change)
    log = step_log(col)
    assert not any(s.startswith("/*bulk-update") for s in log)
    assert sum(s.startswith("UPDATE notes SET guid=") for s in log) == 3


def test_redoing_a_bulk_delete_keeps_the_rows_undo_put_back(col, add):
    """Undoing a bulk delete logs the inserts it ran beside the delete that reverses them;
    the redo logs those as its own inverse instead of reading the rows back, and every
    undo and redo after that gives the same rows."""
    from repetend.core import browser_ops
    from repetend.host.testing import collection_rows

    notes = [add("Basic (and reversed card)", f"front {t}", f"back {i}", tags=[f"t{i}"])
             for i, t in enumerate(TRICKY * 2)]
    before = collection_rows(col)
    browser_ops.delete_notes(col, [n.id for n in notes[1::2]])
    after = collection_rows(col)
    col.undo()
    redo_log = [r[0] for r in col.db.execute("SELECT sql FROM undo_log")]
    assert any(s.startswith("/*bulk-saved notes*/ INSERT INTO notes") for s in redo_log)
    statements: list[str] = []
    col.db.set_trace_callback(statements.append)
    col.redo()
    col.db.set_trace_callback(None)
    assert not [s for s in statements if s.startswith("SELECT '('||quote(")]  # (none read)
    assert collection_rows(col) == after
    for _ in range(2):
        col.undo()
        assert collection_rows(col) == before
        col.redo()
        assert collection_rows(col) == after


def test_redoing_a_bulk_update_keeps_the_values_undo_put_back(col, add):
    """Undoing a bulk update keeps the values it put back beside the update that reverses
    it; the redo (and every undo after it) logs kept values as its inverse instead of
    reading them back, and the rows come back exactly each time."""
    from repetend.core import browser_ops
    from repetend.host.testing import collection_rows

    notes = [add("Basic", f"front {t}", "back", tags=[f"t{i}", t.split()[0] if t.split()
                                                      else "x"])
             for i, t in enumerate(TRICKY * 2) if "\x1f" not in t]
    before = collection_rows(col)
    browser_ops.add_tags(col, [n.id for n in notes], "added Tag'")
    after = collection_rows(col)
    col.undo()
    assert collection_rows(col) == before
    for _ in range(2):
        for step, expected in ((col.redo, after), (col.undo, before)):
            statements: list[str] = []
            col.db.set_trace_callback(statements.append)
            step()
            col.db.set_trace_callback(None)
            assert not [s for s in statements if s.startswith("SELECT '('||quote(")]
            assert collection_rows(col) == expected
