"""The recording side of undo (issue 3's answer path): step ids and the stacks are kept in
memory between operations, yet stay right when another connection or process writes, when
undo and redo leave gaps in the ids, and for any text SQLite turns into the log's JSON."""

import json
import sqlite3
import subprocess
import sys

from repetend.core import undo
from repetend.core.collection import Collection


def dump(col):
    """The user's data (the day's unburying mark is bookkeeping, not an undo step)."""
    out = {t: [tuple(r) for r in col.db.execute(f"SELECT * FROM {t} ORDER BY rowid")]
           for t in ("notes", "cards", "decks", "config", "revlog", "tags")}
    out["config"] = [r for r in out["config"] if r[0] != "lastUnburied"]
    return out


def undo_all(col):
    names = []
    while col.undo_name():
        names.append(col.undo())
    return names


def test_two_connections_take_turns_without_sharing_a_step(tmp_path):
    path = tmp_path / "c.db"
    with Collection(path) as first, Collection(path) as second:
        for i in range(5):
            first.set_config("a", i)
            second.set_config("b", i)
        ids = [r[0] for r in first.db.execute("SELECT id FROM undo_steps ORDER BY id")]
        assert len(ids) == len(set(ids)) == 10
        assert first.undo() == "Change Preferences"  # second's latest change
        assert second.get_config("b") == 3 and second.get_config("a") == 4
        assert second.undo() == "Change Preferences"  # first's latest
        assert first.get_config("a") == 3
        assert second.redo() == "Change Preferences"
        assert first.get_config("a") == 4
        # a change from the other connection drops the redo stack everywhere
        first.set_config("c", 1)
        assert second.redo_name() is None
        assert first.undo() == "Change Preferences" and second.get_config("c") is None


def test_a_step_of_another_process_is_undone_here_and_ids_stay_unique(tmp_path):
    path = tmp_path / "c.db"
    with Collection(path) as col:
        col.set_config("k", "here")
        script = ("import sys; from repetend.core.collection import Collection\n"
                  "with Collection(sys.argv[1]) as c:\n"
                  "    for i in range(3): c.set_config('k', f'there {i}')\n")
        subprocess.run([sys.executable, "-c", script, str(path)], check=True)
        col.set_config("k", "here again")
        ids = [r[0] for r in col.db.execute("SELECT id FROM undo_steps ORDER BY id")]
        assert len(ids) == len(set(ids))
        assert col.undo() == "Change Preferences"
        assert col.get_config("k") == "there 2"
        assert col.undo() == "Change Preferences"
        assert col.get_config("k") == "there 1"


def test_the_limit_is_thirty_steps_also_after_undo_and_redo(col):
    for i in range(40):
        col.set_config(f"k{i}", i)
    for _ in range(3):
        col.undo()
    col.redo()
    for i in range(40, 45):  # each new step drops the redo stack and the oldest step
        col.set_config(f"k{i}", i)
    assert len(undo_all(col)) == undo.UNDO_LIMIT
    # k38 and k39 were undone before; the 30 kept are k13..k37 and k40..k44
    assert col.get_config("k12") == 12 and col.get_config("k13") is None
    assert len(col.history.redo_stack) == undo.UNDO_LIMIT


def test_redo_steps_leave_the_log_when_a_new_change_comes(col):
    for i in range(3):
        col.set_config("k", i)
    col.undo()
    col.undo()
    redo_ids = [r[0] for r in col.db.execute("SELECT id FROM undo_steps WHERE redo = 1")]
    assert len(redo_ids) == 2
    col.set_config("other", 1)
    assert col.redo_name() is None
    left = col.db.execute(
        f"SELECT count() FROM undo_log WHERE step IN ({','.join('?' * len(redo_ids))})",
        redo_ids).fetchone()[0]
    assert left == 0


def test_text_of_every_kind_survives_the_log(col, add):
    note = add("Basic", "plain", "back")
    before = dump(col)
    odd = "quote ' \" back\\slash \x1f sep \n\t\r ctrl \x01 é 漢字 🙂 \u2028 end"
    with col.op("Edit Note"):  # as stored, without the note layer's clean-up
        col.db.execute("UPDATE notes SET flds = ?, tags = ? WHERE id = ?",
                       (odd + "\x1f" + odd, " ü x'y ", note.id))
    after = dump(col)
    step = col.db.execute("SELECT max(id) FROM undo_steps").fetchone()[0]
    [row] = [r[0] for r in col.db.execute("SELECT sql FROM undo_log WHERE step = ?", (step,))]
    assert all(isinstance(s, str) for s in json.loads(row))
    col.undo()
    assert dump(col) == before
    col.redo()
    assert dump(col) == after
    assert col.db.execute("SELECT flds FROM notes").fetchone()[0] == odd + "\x1f" + odd


def test_a_rolled_back_operation_does_not_leave_a_step_behind(col, add):
    add("Basic", "a", "")
    top = col.db.execute("SELECT max(id) FROM undo_steps").fetchone()[0]
    try:
        with col.op("Broken"):
            col.set_config("k", 1)
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert col.db.execute("SELECT max(id) FROM undo_steps").fetchone()[0] == top
    col.set_config("k", 2)
    assert col.undo() == "Change Preferences"
    assert col.get_config("k") is None
    assert col.undo() == "Add Note"


def test_an_operation_that_changes_nothing_uses_no_step(col):
    col.set_config("k", 1)
    top = col.db.execute("SELECT max(id) FROM undo_steps").fetchone()[0]
    for _ in range(3):
        with col.op("Nothing"):
            pass
    col.set_config("k", 2)
    assert col.db.execute("SELECT max(id) FROM undo_steps").fetchone()[0] == top + 1


def test_a_version_4_file_loses_the_step_index_and_its_steps_still_undo(tmp_path):
    path = tmp_path / "c.db"
    with Collection(path) as col:
        empty = dump(col)
        note = col.new_note("Basic")
        note.fields = ["q", "a"]
        col.add_note(note, 1)
        card = col.cards_of_note(note.id)[0]
        before = dump(col)
        col.sched.answer_card(card, 3)
        answered = dump(col)
    db = sqlite3.connect(path)  # as version 4 left it: with the index
    db.execute("CREATE INDEX ix_undo_log_step ON undo_log (step)")
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()
    with Collection(path) as col:
        assert col.db.execute("PRAGMA user_version").fetchone()[0] == 5
        assert col.db.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'ix_undo_log_step'").fetchone() is None
        assert col.undo() == "Answer Card"
        assert dump(col) == before
        assert col.undo() == "Add Note"
        assert dump(col) == empty
        assert col.redo() == "Add Note"
        assert col.redo() == "Answer Card"
        assert dump(col) == answered
        col.set_config("k", 1)  # new steps go on top of the old ones
        assert col.undo() == "Change Preferences"
        assert col.undo() == "Answer Card"
        assert dump(col) == before


def test_a_full_stack_shared_by_two_connections_keeps_the_newest_thirty(tmp_path):
    path = tmp_path / "c.db"
    with Collection(path) as first, Collection(path) as second:
        for i in range(32):
            first.set_config(f"k{i}", i)
        for i in range(32, 35):
            second.set_config(f"k{i}", i)
        for i in range(35, 37):
            first.set_config(f"k{i}", i)
        assert len(undo_all(second)) == undo.UNDO_LIMIT
        assert first.get_config("k6") == 6 and first.get_config("k7") is None


def test_a_write_outside_an_operation_is_not_recorded(col):
    col.set_config("k", 1)
    col.db.execute("UPDATE decks SET description = 'outside' WHERE id = 1")
    assert col.db.execute("SELECT count() FROM temp.undo_pending").fetchone()[0] == 0
    assert col.undo() == "Change Preferences"
    assert col.get_config("k") is None
    assert col.db.execute("SELECT description FROM decks WHERE id = 1").fetchone()[0] == "outside"
