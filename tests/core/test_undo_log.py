"""The undo log stays small and exact: one row per operation, only the changed columns, old
steps pruned, files written before this format still undoable (issue 3's performance pass)."""

import json

from repetend.core import undo
from repetend.core.collection import Collection


def dump(col):
    """The user's data (the day's unburying mark is bookkeeping, not an undo step)."""
    out = {t: [tuple(r) for r in col.db.execute(f"SELECT * FROM {t} ORDER BY rowid")]
           for t in ("notes", "cards", "decks", "config", "revlog", "tags")}
    out["config"] = [r for r in out["config"] if r[0] != "lastUnburied"]
    return out


def log_rows(col, step):
    return [r[0] for r in col.db.execute("SELECT sql FROM undo_log WHERE step = ?", (step,))]


def test_an_answer_is_one_log_row_naming_only_what_changed(col, add):
    note = add("Basic", "q", "a")
    card = col.cards_of_note(note.id)[0]
    col.sched.answer_card(card, 3)
    step = col.db.execute("SELECT max(id) FROM undo_steps").fetchone()[0]
    [row] = log_rows(col, step)
    statements = json.loads(row)
    card_update = next(s for s in statements if s.startswith("UPDATE cards"))
    assert "nid=" not in card_update and "ord=" not in card_update  # unchanged columns
    assert "due=" in card_update and "reps=" in card_update
    assert any(s.startswith("DELETE FROM revlog") for s in statements)
    assert col.sched.undo() == "Answer Card"
    assert col.get_card(card.id) == card
    assert col.db.execute("SELECT count() FROM revlog").fetchone()[0] == 0


def test_a_change_of_case_only_is_undone(col):
    did = col.decks.id("spanish")
    col.decks.rename(did, "Spanish")
    assert col.decks.get(did).name == "Spanish"
    col.undo()
    assert col.decks.get(did).name == "spanish"
    col.redo()
    assert col.decks.get(did).name == "Spanish"


def test_an_update_that_changes_nothing_logs_nothing(col, add):
    note = add("Basic", "q", "a")
    with col.op("Touch"):
        col.db.execute("UPDATE notes SET flds = flds WHERE id = ?", (note.id,))
    assert col.undo_name() == "Add Note"


def test_log_rows_of_dropped_steps_are_pruned(col):
    for i in range(100):
        col.set_config(f"k{i}", i)
    rows = col.db.execute("SELECT count() FROM undo_log").fetchone()[0]
    assert rows <= undo.UNDO_LIMIT + undo.PRUNE_EVERY
    undone = 0
    while col.undo_name():
        col.undo()
        undone += 1
    assert undone == undo.UNDO_LIMIT
    assert col.get_config("k69") == 69 and col.get_config("k70") is None


def test_undo_across_reopening_after_answers(tmp_path):
    with Collection(tmp_path / "c.db") as col:
        note = col.new_note("Basic")
        note.fields = ["q", "a"]
        col.add_note(note, 1)
        card = col.cards_of_note(note.id)[0]
        before = dump(col)
        col.sched.answer_card(card, 1)
    with Collection(tmp_path / "c.db") as col:
        assert col.undo() == "Answer Card"
        assert dump(col) == before


def test_a_log_written_one_statement_per_row_still_undoes(col, add):
    """Files from before the one-row format hold one plain statement per row."""
    note = add("Basic", "q", "a", tags=["old"])
    before = dump(col)
    with col.op("Edit Note"):
        col.db.execute("UPDATE notes SET tags = ' new ' WHERE id = ?", (note.id,))
        col.db.execute("INSERT INTO tags (tag) VALUES ('new')")
    after = dump(col)
    step = col.db.execute("SELECT max(id) FROM undo_steps").fetchone()[0]
    [row] = log_rows(col, step)
    with col.db:  # rewrite the step as an older version stored it
        col.db.execute("DELETE FROM undo_log WHERE step = ?", (step,))
        col.db.executemany("INSERT INTO undo_log (step, sql) VALUES (?, ?)",
                           [(step, s) for s in json.loads(row)])
    assert col.undo() == "Edit Note"
    assert dump(col) == before
    assert col.redo() == "Edit Note"
    assert dump(col) == after


def test_a_failed_operation_leaves_nothing_pending(col, add):
    note = add("Basic", "q", "a")
    try:
        with col.op("Broken"):
            col.db.execute("UPDATE notes SET tags = ' x ' WHERE id = ?", (note.id,))
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert col.db.execute("SELECT count() FROM temp.undo_pending").fetchone()[0] == 0
    col.set_config("k", 1)
    assert col.undo() == "Change Preferences"
    assert col.undo() == "Add Note"

