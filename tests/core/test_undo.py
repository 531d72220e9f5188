"""Every change is one named undo step; several steps undo and redo in order."""

import pytest

from repetend.core.errors import NothingToUndo


def test_undo_and_redo_several_steps_in_order(col, add):
    first = add("Basic", "one", "")
    did = col.decks.id("Spanish")
    second = add("Basic", "two", "", deck="Spanish")
    assert col.undo_name() == "Add Note"

    assert col.undo() == "Add Note"
    assert col.note_ids() == [first.id]
    assert col.undo() == "Add Deck"
    assert [d.name for d in col.decks.all()] == ["Default"]
    assert col.redo_name() == "Add Deck"

    assert col.redo() == "Add Deck"
    assert col.decks.by_name("Spanish").id == did
    assert col.redo() == "Add Note"
    assert col.get_note(second.id)["Front"] == "two"
    assert [c.did for c in col.cards_of_note(second.id)] == [did]
    with pytest.raises(NothingToUndo):
        col.redo()


def test_undo_restores_deleted_rows_exactly(col, add):
    note = add("Basic (and reversed card)", "front", "back", tags=["t"])
    before_cards = col.cards_of_note(note.id)
    col.remove_notes([note.id])
    assert col.note_ids() == []
    assert col.undo() == "Delete Note"
    assert col.get_note(note.id) == note
    assert col.cards_of_note(note.id) == before_cards


def test_new_change_clears_redo(col, add):
    add("Basic", "a", "")
    col.undo()
    add("Basic", "b", "")
    assert col.redo_name() is None


def test_undo_a_notetype_edit_restores_templates(col):
    nt = col.notetypes.by_name("Basic")
    nt.templates[0].front = "<b>{{Front}}</b>"
    col.notetypes.update(nt)
    assert col.notetypes.get(nt.id).templates[0].front == "<b>{{Front}}</b>"
    assert col.undo() == "Update Note Type"
    assert col.notetypes.get(nt.id).templates[0].front == "{{Front}}"


def test_nothing_to_undo_on_a_fresh_collection(col):
    assert col.undo_name() is None
    with pytest.raises(NothingToUndo, match="nothing to undo"):
        col.undo()


def test_undo_history_is_limited(col):
    for i in range(35):
        col.set_config(f"k{i}", i)
    undone = 0
    while col.undo_name():
        col.undo()
        undone += 1
    assert undone == 30
    assert col.get_config("k4") == 4 and col.get_config("k5") is None


def test_undo_restores_a_changed_config_value(col):
    col.set_config("rollover", 5)
    assert col.undo() == "Change Preferences"
    assert col.get_config("rollover") == 4


def test_undoing_add_note_keeps_next_position(col, add):
    add("Basic", "a", "")
    add("Basic", "b", "")
    col.undo()
    assert col.get_config("nextPos") == 2
