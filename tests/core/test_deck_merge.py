"""Merging decks (Anki's FAQ "combining two decks"), moving decks, renaming onto a taken
name, and removing a preset."""

import pytest

from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.scheduler.filtered import (
    FilteredConfig,
    SearchTerm,
    add_or_update_filtered_deck,
)


def deck_of(col, note):
    [card] = col.cards_of_note(note.id)
    return col.decks.get(card.did).name


def names(col):
    return [d.name for d in col.decks.all()]


def snapshot(col):
    return {table: sorted(map(tuple, col.db.execute(f"SELECT * FROM {table}")))
            for table in ("decks", "cards", "graves", "deck_configs", "config", "notes")}


@pytest.fixture
def tree(col, add):
    """A and B with clashing (x) and free (y, with a child) subdecks, a card in each."""
    notes = {name: add("Basic", name, "", deck=name)
             for name in ("A", "A::x", "A::y::deep", "B", "B::X", "Other")}
    return notes


def test_merge_moves_cards_and_subdecks_and_removes_the_source(col, tree):
    conf = col.deck_config(1)
    conf.id, conf.name = 0, "Target preset"
    target_preset = col.save_deck_config(conf).id
    b = col.decks.get(col.decks.id("B"))
    b.config_id = target_preset
    col.decks.save(b)
    a_ids = [col.decks.id(n) for n in ("A", "A::x")]

    result = col.decks.merge(col.decks.id("A"), b.id)

    assert names(col) == ["B", "B::X", "B::y", "B::y::deep", "Default", "Other"]
    assert deck_of(col, tree["A"]) == "B"
    assert deck_of(col, tree["A::x"]) == "B::X"  # merged into the existing subdeck
    assert deck_of(col, tree["A::y::deep"]) == "B::y::deep"  # moved with its parent
    assert deck_of(col, tree["Other"]) == "Other"
    assert result.cards == 2 and result.subdecks == {"A::x": "B::X", "A::y": "B::y"}
    assert col.decks.get(b.id).config_id == target_preset
    graves = {r[0] for r in col.db.execute("SELECT oid FROM graves WHERE type = 2")}
    assert graves == set(a_ids)
    assert col.undo_name() == "Merge Decks"


def test_undo_restores_every_deck_card_and_grave(col, tree):
    col.set_config("curDeck", col.decks.id("A"))
    before = snapshot(col)
    col.decks.merge(col.decks.id("A"), col.decks.id("B"))
    assert col.get_config("curDeck") == col.decks.id("B")
    assert snapshot(col) != before
    assert col.undo() == "Merge Decks"
    assert snapshot(col) == before
    assert col.redo() == "Merge Decks"
    assert "A" not in names(col)


def test_filtered_cards_get_the_target_as_home(col, tree):
    add_or_update_filtered_deck(col, "Cram", FilteredConfig((SearchTerm("deck:A::x"),)))
    [card] = col.cards_of_note(tree["A::x"].id)
    assert col.decks.get(card.did).name == "Cram"

    col.decks.merge(col.decks.id("A"), col.decks.id("B"))

    [card] = col.cards_of_note(tree["A::x"].id)
    assert col.decks.get(card.did).name == "Cram"
    assert card.odid == col.decks.id("B::X")
    col.decks.remove([card.did])  # deleting the filtered deck sends it to its new home
    assert deck_of(col, tree["A::x"]) == "B::X"


def test_merging_a_subdeck_into_its_parent(col, add):
    child = add("Basic", "child", "", deck="A::b")
    grandchild = add("Basic", "grandchild", "", deck="A::b::b")
    col.decks.merge(col.decks.id("A::b"), col.decks.id("A"))
    assert deck_of(col, child) == "A"
    # The source is gone first, so its own "b" child takes its place rather than vanishing.
    assert deck_of(col, grandchild) == "A::b"
    assert names(col) == ["A", "A::b", "Default"]


@pytest.mark.parametrize(("source", "target", "message"), [
    ("A", "A", "cannot merge deck 'A' into itself"),
    ("A", "A::x", "cannot merge deck 'A' into its own subdeck 'A::x'"),
    ("Default", "B", "the Default deck cannot be merged"),
    ("A", "Cram", "cannot merge into filtered deck 'Cram'"),
    ("Cram", "B", "cannot merge filtered deck 'Cram'"),
])
def test_refused_merges_change_nothing(col, tree, source, target, message):
    add_or_update_filtered_deck(col, "Cram", FilteredConfig((SearchTerm("deck:Other"),)))
    before = snapshot(col)
    with pytest.raises(InvalidInput, match=message):
        col.decks.merge(col.decks.id(source), col.decks.id(target))
    assert snapshot(col) == before


def test_a_clashing_filtered_subdeck_refuses_the_whole_merge(col, tree):
    add_or_update_filtered_deck(col, "B::Y", FilteredConfig((SearchTerm("deck:Other"),)))
    before = snapshot(col)
    with pytest.raises(InvalidInput, match="cannot merge into filtered deck 'B::Y'"):
        col.decks.merge(col.decks.id("A"), col.decks.id("B"))
    assert snapshot(col) == before


def test_move_under_a_parent_and_back_to_the_top(col, tree):
    y = col.decks.id("A::y")
    assert col.decks.move(y, col.decks.id("Other")) == "Other::y"
    assert deck_of(col, tree["A::y::deep"]) == "Other::y::deep"
    assert col.undo_name() == "Move Deck"
    assert col.decks.move(y, None) == "y"
    with pytest.raises(InvalidInput, match="under itself"):
        col.decks.move(col.decks.id("A"), col.decks.id("A::x"))
    with pytest.raises(InvalidInput, match="Default deck cannot be moved"):
        col.decks.move(1, col.decks.id("A"))
    add_or_update_filtered_deck(col, "Cram", FilteredConfig((SearchTerm("deck:Other"),)))
    with pytest.raises(InvalidInput, match="'Cram' is a filtered deck"):
        col.decks.move(y, col.decks.id("Cram"))


def test_rename_matches_existing_parents_and_allows_a_change_of_case(col):
    col.decks.id("B")
    a = col.decks.id("a")
    assert col.decks.rename(a, "A") == "A"
    assert col.decks.rename(a, "b::X") == "B::X"


def test_card_count_is_what_delete_removes(col, tree):
    add_or_update_filtered_deck(col, "Cram", FilteredConfig((SearchTerm("deck:A::x"),)))
    a = col.decks.id("A")
    assert col.decks.card_count(a) == 3
    assert col.decks.remove([a]) == 3


def test_remove_deck_config_sends_its_decks_to_default_and_undoes(col, tree):
    conf = col.deck_config(1)
    conf.id, conf.name = 0, "Spare"
    spare = col.save_deck_config(conf).id
    for name in ("A", "B"):
        deck = col.decks.get(col.decks.id(name))
        deck.config_id = spare
        col.decks.save(deck)
    col.remove_deck_config(spare)
    assert [c.name for c in col.deck_configs()] == ["Default"]
    assert {col.decks.get(col.decks.id(n)).config_id for n in ("A", "B")} == {1}
    assert col.undo() == "Remove Preset"
    assert col.decks.get(col.decks.id("A")).config_id == spare
    with pytest.raises(InvalidInput, match="Default preset cannot be removed"):
        col.remove_deck_config(1)
    with pytest.raises(NotFoundError, match="no preset with id 12345"):
        col.remove_deck_config(12345)


# --- the anki package as the oracle -------------------------------------------------------

def test_rename_onto_taken_names_as_anki(col, tmp_path):
    anki_collection = pytest.importorskip("anki.collection")
    anki = anki_collection.Collection(str(tmp_path / "anki.anki2"))
    try:
        steps = [("A", "B"), ("A::x", "b::X"), ("C", "B+"), ("Default", "b")]
        for name in ("A", "B", "A::x", "B::x", "C"):
            anki.decks.id(name)
            col.decks.id(name)
        for old, new in steps:
            anki.decks.rename(anki.decks.get(anki.decks.id(old)), new)
            col.decks.rename(col.decks.id(old), new)
            assert sorted(names(col)) == sorted(d.name for d in anki.decks.all_names_and_ids())
    finally:
        anki.close()


def test_merge_ends_as_the_faq_procedure_in_anki(col, tree, tmp_path):
    """Anki's FAQ: Change Deck on the source's cards, move the free subdecks, delete the
    source. Our one-step merge leaves every card in the same deck."""
    anki_collection = pytest.importorskip("anki.collection")
    anki = anki_collection.Collection(str(tmp_path / "anki.anki2"))
    try:
        basic = anki.models.by_name("Basic")
        for name in tree:
            note = anki.new_note(basic)
            note["Front"] = name
            anki.add_note(note, anki.decks.id(name))
        did = anki.decks.id
        for source, target in (("A", "B"), ("A::x", "B::X")):
            anki.set_deck(anki.find_cards(f'"deck:{source}" -"deck:{source}::*"'), did(target))
        anki.decks.rename(anki.decks.get(did("A::y")), "B::y")
        anki.decks.remove([did("A")])
        expected = {anki.get_note(anki.get_card(cid).nid)["Front"]:
                    anki.decks.name(anki.get_card(cid).did) for cid in anki.find_cards("")}
    finally:
        anki.close()
    col.decks.merge(col.decks.id("A"), col.decks.id("B"))
    assert {front: deck_of(col, note) for front, note in tree.items()} == expected
    assert sorted(names(col)) == sorted(set(expected.values()) | {"B::y", "Default"})
