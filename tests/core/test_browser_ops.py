"""Browser operations: effect, undo, bad input and empty selections."""

import pytest

from repetend.core import browser_ops as ops
from repetend.core.errors import InvalidInput, NotFoundError


def tags_of(col, nid):
    return col.get_note(nid).tags


def registered(col):
    return sorted(r[0] for r in col.db.execute("SELECT tag FROM tags"))


def test_set_deck_moves_cards_and_undoes(col, add):
    note = add("Basic", "a", "b")
    col.decks.id("Target")
    cids = col.find_cards(f"nid:{note.id}")
    assert ops.set_deck(col, cids, "Target") == 1
    assert col.get_card(cids[0]).did == col.decks.id("Target", create=False)
    assert col.undo_name() == "Change Deck"
    assert ops.set_deck(col, cids, "Target") == 0
    col.undo()
    assert col.get_card(cids[0]).did == 1


def test_set_deck_bad_input_and_empty(col, add):
    note = add("Basic", "a", "b")
    cids = col.find_cards(f"nid:{note.id}")
    before = col.undo_name()
    with pytest.raises(NotFoundError, match="no deck called 'Nope'"):
        ops.set_deck(col, cids, "Nope")
    assert ops.set_deck(col, [], "Default") == 0
    assert col.undo_name() == before


def test_find_and_replace_plain_all_fields_case_insensitive(col, add):
    n1 = add("Basic", "Cat and cat", "a CAT")
    n2 = add("Basic", "dog", "dog")
    assert ops.find_and_replace(col, [n1.id, n2.id], "cat", "dog") == 1
    assert col.get_note(n1.id).fields == ["dog and dog", "a dog"]
    assert col.undo_name() == "Find and Replace"
    col.undo()
    assert col.get_note(n1.id).fields == ["Cat and cat", "a CAT"]


def test_find_and_replace_match_case_and_field(col, add):
    n = add("Basic", "Cat cat", "cat")
    assert ops.find_and_replace(col, [n.id], "cat", "x", fields=["Front"], match_case=True) == 1
    assert col.get_note(n.id).fields == ["Cat x", "cat"]


def test_find_and_replace_regex_with_groups(col, add):
    n = add("Basic", "2024-01-05", "b")
    assert ops.find_and_replace(col, [n.id], r"(\d+)-(\d+)-(\d+)", "$3/$2/${1}",
                                regex=True) == 1
    assert col.get_note(n.id)["Front"] == "05/01/2024"
    # plain mode treats the pattern and the replacement literally
    assert ops.find_and_replace(col, [n.id], "05/", "$1.") == 1
    assert col.get_note(n.id)["Front"] == "$1.01/2024"


def test_find_and_replace_bad_input_changes_nothing(col, add):
    n = add("Basic", "abc", "def")
    before = col.undo_name()
    with pytest.raises(InvalidInput, match="invalid regular expression"):
        ops.find_and_replace(col, [n.id], "a(", "x", regex=True)
    with pytest.raises(InvalidInput, match="no note type has a field called 'Nope'"):
        ops.find_and_replace(col, [n.id], "a", "x", fields=["Nope"])
    with pytest.raises(InvalidInput, match="invalid replacement"):
        ops.find_and_replace(col, [n.id], "a", r"\9", regex=True)
    assert col.get_note(n.id).fields == ["abc", "def"]
    assert col.undo_name() == before
    assert ops.find_and_replace(col, [], "a", "x") == 0
    assert ops.find_and_replace(col, [n.id], "zzz", "x") == 0
    assert col.undo_name() == before


def test_find_and_replace_in_tags(col, add):
    n = add("Basic", "a", "b", tags=["old_one", "keep"])
    assert ops.find_and_replace_tags(col, [n.id], "old", "new") == 1
    assert tags_of(col, n.id) == ["keep", "new_one"]
    assert col.undo_name() == "Find and Replace"
    col.undo()
    assert tags_of(col, n.id) == ["keep", "old_one"]


def test_add_and_remove_tags_with_undo(col, add):
    n1 = add("Basic", "a", "b", tags=["x"])
    n2 = add("Basic", "c", "d")
    assert ops.add_tags(col, [n1.id, n2.id], "x y") == 2
    assert tags_of(col, n1.id) == ["x", "y"] and tags_of(col, n2.id) == ["x", "y"]
    assert col.undo_name() == "Add Tags"
    assert ops.add_tags(col, [n1.id], "X") == 0
    assert ops.remove_tags(col, [n1.id, n2.id], "Y") == 2
    assert tags_of(col, n1.id) == ["x"]
    assert col.undo_name() == "Remove Tags"
    col.undo()
    assert tags_of(col, n1.id) == ["x", "y"]
    col.undo()
    assert tags_of(col, n2.id) == []
    with pytest.raises(InvalidInput):
        ops.add_tags(col, [n1.id], "  ")
    assert ops.add_tags(col, [], "z") == 0
    assert ops.remove_tags(col, [], "z") == 0


def test_rename_tag_with_children_and_undo(col, add):
    n = add("Basic", "a", "b", tags=["lang::fr", "lang", "other"])
    assert ops.rename_tag(col, "Lang", "Language") == 1
    assert tags_of(col, n.id) == ["Language", "Language::fr", "other"]
    assert "lang" not in registered(col) and "Language::fr" in registered(col)
    assert col.undo_name() == "Rename Tag"
    col.undo()
    assert tags_of(col, n.id) == ["lang", "lang::fr", "other"]
    assert "lang" in registered(col)
    assert ops.rename_tag(col, "missing", "x") == 0
    with pytest.raises(InvalidInput):
        ops.rename_tag(col, "a b", "c")


def test_delete_tag_takes_it_and_its_children_off_notes_and_the_list(col, add):
    n = add("Basic", "a", "b", tags=["lang::fr", "Lang", "language", "other"])
    bare = add("Basic", "c", "d", tags=["lang::de"])
    assert ops.delete_tag(col, "LANG") == 2
    assert tags_of(col, n.id) == ["language", "other"]
    assert tags_of(col, bare.id) == []
    assert not {"Lang", "lang::fr", "lang::de"} & set(registered(col))
    assert "language" in registered(col)
    assert col.undo_name() == "Delete Tag"
    col.undo()
    assert tags_of(col, n.id) == ["Lang", "lang::fr", "language", "other"]
    assert "Lang::de" in registered(col)  # (added as "lang::de": took "Lang"'s case)
    assert ops.delete_tag(col, "missing") == 0
    with pytest.raises(InvalidInput):
        ops.delete_tag(col, "a b")


def test_rename_notetype_refuses_a_taken_name_and_undoes(col):
    basic = col.notetypes.by_name("Basic")
    assert col.notetypes.rename(basic.id, 'My "Basic" ') == "My Basic"
    assert col.notetypes.get(basic.id).name == "My Basic"
    assert col.find_notes("note:My*") == col.find_notes("")
    assert col.undo_name() == "Rename Note Type"
    with pytest.raises(InvalidInput, match="'Cloze' already exists"):
        col.notetypes.rename(basic.id, "cloze")
    with pytest.raises(InvalidInput, match="needs a name"):
        col.notetypes.rename(basic.id, '""')
    col.undo()
    assert col.notetypes.get(basic.id).name == "Basic"


def test_clear_unused_tags_and_undo(col, add):
    n = add("Basic", "a", "b", tags=["used::child", "gone"])
    ops.remove_tags(col, [n.id], "gone")
    assert "gone" in registered(col)
    assert ops.clear_unused_tags(col) == 1
    assert "gone" not in registered(col)
    assert col.undo_name() == "Clear Unused Tags"
    assert ops.clear_unused_tags(col) == 0
    col.undo()
    assert "gone" in registered(col)


def test_delete_notes_and_undo(col, add):
    n = add("Basic (and reversed card)", "a", "b")
    keep = add("Basic", "c", "d")
    assert ops.delete_notes(col, [n.id]) == 1
    assert col.note_ids() == [keep.id]
    assert col.find_cards(f"nid:{n.id}") == []
    assert col.undo_name() == "Delete Note"
    col.undo()
    assert len(col.find_cards(f"nid:{n.id}")) == 2
    assert ops.delete_notes(col, []) == 0
    assert ops.delete_notes(col, [12345]) == 0


def test_card_info(col, add):
    n = add("Basic", "<b>front</b>", "b")
    (cid,) = col.find_cards(f"nid:{n.id}")
    info = ops.card_info(col, cid)
    assert info["card_id"] == cid and info["note_id"] == n.id
    assert info["deck"] == "Default" and info["card_type"] == "Card 1"
    assert info["reviews"] == 0 and info["first_review"] is None and info["history"] == []
    col.db.execute("INSERT INTO revlog (id, cid, ease, ivl, last_ivl, factor, time, type) "
                   "VALUES (1700000000000, ?, 3, 1, 0, 2500, 4000, 0), "
                   "(1700086400000, ?, 3, 3, 1, 2500, 2000, 1)", (cid, cid))
    info = ops.card_info(col, cid)
    assert info["first_review"] == 1700000000 and info["latest_review"] == 1700086400
    assert info["total_time_ms"] == 6000 and info["average_time_ms"] == 3000
    assert [e["kind"] for e in info["history"]] == ["learning", "review"]
    with pytest.raises(NotFoundError):
        ops.card_info(col, 999)


def test_find_duplicates(col, add):
    a = add("Basic", "<b>Same</b>", "1")
    b = add("Basic", "Same", "2")
    add("Basic", "same", "3")  # as in Anki, case counts
    assert ops.find_duplicates(col, "Front") == [{"value": "Same", "note_ids": [a.id, b.id]}]
    assert ops.find_duplicates(col, "Front", search="-nid:" + str(a.id)) == []
    assert ops.find_duplicates(col, "Back") == []
    with pytest.raises(InvalidInput, match="no note type has a field called 'Nope'"):
        ops.find_duplicates(col, "Nope")


def test_change_notetype_maps_fields_and_templates_with_undo(col, add):
    n = add("Basic (and reversed card)", "front", "back")
    cids = col.find_cards(f"nid:{n.id}")
    first = [c for c in cids if col.get_card(c).ord == 0]
    assert ops.unmapped_templates(col, "Basic (and reversed card)", "Basic") == ["Card 2"]
    assert ops.change_notetype(col, [n.id], "Basic",
                               field_map={"Front": "Back", "Back": "Front"}) == 1
    note = col.get_note(n.id)
    assert note.fields == ["back", "front"]
    assert col.notetypes.get(note.ntid).name == "Basic"
    assert col.find_cards(f"nid:{n.id}") == first
    assert col.undo_name() == "Change Notetype"
    col.undo()
    assert col.get_note(n.id).fields == ["front", "back"]
    assert len(col.find_cards(f"nid:{n.id}")) == 2


def test_change_notetype_bad_input_changes_nothing(col, add):
    n = add("Basic", "a", "b")
    before = col.undo_name()
    with pytest.raises(InvalidInput, match="no field called 'Nope'"):
        ops.change_notetype(col, [n.id], "Basic (and reversed card)", field_map={"Nope": None})
    with pytest.raises(InvalidInput, match="old note type has no field called 'X'"):
        ops.change_notetype(col, [n.id], "Basic (and reversed card)", field_map={"Front": "X"})
    assert ops.change_notetype(col, [], "Basic") == 0
    assert col.undo_name() == before


def test_change_notetype_template_map_keeps_chosen_cards(col, add):
    n = add("Basic (and reversed card)", "front", "back")
    reverse = [c for c in col.find_cards(f"nid:{n.id}") if col.get_card(c).ord == 1]
    assert ops.unmapped_templates(col, "Basic (and reversed card)", "Basic",
                                  {"Card 1": "Card 2"}) == ["Card 1"]
    ops.change_notetype(col, [n.id], "Basic", template_map={"Card 1": "Card 2"})
    assert col.find_cards(f"nid:{n.id}") == reverse
    assert col.get_card(reverse[0]).ord == 0
