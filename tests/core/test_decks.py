"""Decks as a tree by '::', renaming, deleting, presets."""

import pytest

from repetend.core.errors import InvalidInput


def test_creating_a_child_creates_its_parents(col):
    col.decks.id("Languages::Arabic::Verbs")
    assert [d.name for d in col.decks.all()] == [
        "Default", "Languages", "Languages::Arabic", "Languages::Arabic::Verbs"]
    tree = col.decks.tree()
    lang = next(n for n in tree if n.deck.name == "Languages")
    assert [c.deck.basename for c in lang.children] == ["Arabic"]


def test_names_are_trimmed_and_case_insensitive(col):
    did = col.decks.id("  Spanish :: Verbs ")
    assert col.decks.get(did).name == "Spanish::Verbs"
    assert col.decks.id("spanish::verbs", create=False) == did
    with pytest.raises(InvalidInput, match="empty"):
        col.decks.id(" :: ")


def test_rename_moves_children(col):
    col.decks.id("A::B::C")
    col.decks.rename(col.decks.id("A::B"), "X::B")
    names = [d.name for d in col.decks.all()]
    assert "X::B::C" in names and "A::B::C" not in names and "A" in names


def test_rename_onto_a_taken_name_appends_plus_and_refuses_self_nesting(col):
    a = col.decks.id("A")
    col.decks.id("B")
    assert col.decks.rename(a, "b") == "b+"  # as Anki does; merging is decks.merge
    assert col.decks.get(a).name == "b+"
    with pytest.raises(InvalidInput, match="under itself"):
        col.decks.rename(a, "B+::Inner")


def test_delete_deck_removes_children_and_cards_and_undoes(col, add):
    add("Basic", "parent card", "", deck="A")
    add("Basic", "child card", "", deck="A::B")
    kept = add("Basic", "elsewhere", "")
    assert col.decks.remove([col.decks.id("A")]) == 2
    assert [d.name for d in col.decks.all()] == ["Default"]
    assert col.note_ids() == [kept.id]
    assert col.undo() == "Delete Deck"
    assert len(col.note_ids()) == 3


def test_default_deck_cannot_be_deleted(col):
    with pytest.raises(InvalidInput, match="Default deck cannot be deleted"):
        col.decks.remove([1])


def test_preset_validation_names_the_option(col):
    conf = col.deck_config(1)
    conf.initial_ease = 1.2
    with pytest.raises(InvalidInput, match="initial ease must be between 1.31 and 5"):
        col.save_deck_config(conf)
    conf = col.deck_config(1)
    conf.learn_steps = [1, -5]
    with pytest.raises(InvalidInput, match="learn steps"):
        col.save_deck_config(conf)
    conf = col.deck_config(1)
    conf.maximum_review_interval = 0
    with pytest.raises(InvalidInput, match="maximum review interval"):
        col.save_deck_config(conf)


def test_preset_changes_persist_and_invalid_stored_values_fall_back(col):
    conf = col.deck_config(1)
    conf.new_per_day = 50
    col.save_deck_config(conf)
    assert col.deck_config(1).new_per_day == 50
    col.db.execute("UPDATE deck_configs SET config = json_set(config, '$.hard_multiplier', 9)")
    assert col.deck_config(1).hard_multiplier == 1.2


def test_a_deck_reads_back_the_same_by_id_by_name_and_in_the_list(col):
    did = col.decks.id("Spanish::Verbs")
    deck = col.decks.get(did)
    deck.description, deck.collapsed, deck.config_id = "Irregular ones", True, 1
    deck.extra = {"newLimit": 5, "newToday": [3, 2]}
    col.decks.save(deck)
    by_id, by_name = col.decks.get(did), col.decks.by_name("spanish :: verbs")
    listed = next(d for d in col.decks.all() if d.id == did)
    assert by_id == by_name == listed
    assert by_id.collapsed is True and by_id.browser_collapsed is False
    assert by_id.extra == {"newLimit": 5, "newToday": [3, 2]}
    assert col.decks.get(1).extra == {}  # stored '{}'


def test_a_name_in_other_case_or_unicode_form_finds_the_existing_deck(col):
    did = col.decks.id("Déjà::Vu")
    assert col.decks.id("DÉJÀ::VU") == did
    assert col.decks.id("de\u0301ja\u0300::vu", create=False) == did  # decomposed é, à
    assert col.decks.by_name("déjà :: VU").id == did
    street = col.decks.id("Straße")
    assert col.decks.id("STRASSE") == street
    # A new child keeps the existing parent's spelling, as in Anki.
    assert col.decks.get(col.decks.id("DÉJÀ::Neu")).name == "Déjà::Neu"
    assert [d.name for d in col.decks.all()] == [
        "Default", "Déjà", "Déjà::Neu", "Déjà::Vu", "Straße"]


def test_pasted_tabs_and_line_breaks_are_removed_and_empty_parts_become_blank(col):
    assert col.decks.get(col.decks.id("French\tVerbs")).name == "FrenchVerbs"
    assert col.decks.get(col.decks.id("Top::in\r\nside\n")).name == "Top::inside"
    assert col.decks.get(col.decks.id("A::::B")).name == "A::blank::B"
    assert col.decks.id("a::blank::b", create=False) == col.decks.id("A:: ::B")
    with pytest.raises(InvalidInput, match="empty"):
        col.decks.id("\t::\n")


def test_renaming_onto_a_name_taken_in_another_form_appends_plus(col):
    col.decks.id("Déjà::Vu")
    other = col.decks.id("Other")
    assert col.decks.rename(other, "DÉJÀ::VU") == "Déjà::VU+"
    street = col.decks.id("Straße")
    assert col.decks.rename(street, "STRASSE") == "STRASSE"  # its own name, other case
    assert col.decks.rename(col.decks.id("Tab"), "Tab\tbed") == "Tabbed"


def test_merging_folds_a_subdeck_named_in_another_case_into_the_targets(col, add):
    add("Basic", "summer", "", deck="Source::ÉTÉ")
    target = col.decks.id("Target::été")
    result = col.decks.merge(col.decks.id("Source"), col.decks.id("Target"))
    assert result.subdecks == {"Source::ÉTÉ": "Target::été"}
    assert [d.name for d in col.decks.all()] == ["Default", "Target", "Target::été"]
    assert col.db.execute("SELECT did FROM cards").fetchone()[0] == target


def test_decks_an_older_version_named_uncleaned_or_twice_are_found_not_added_again(col):
    """A file written before names were cleaned and folded may hold "Tab<TAB>here", or both
    "Été" and "ÉTÉ"; typing such a name finds that deck (the oldest of twins), and the
    uncleaned one's options still save."""
    did = col.decks.id("Old")
    col.db.execute("UPDATE decks SET name = 'Tab' || char(9) || 'here' WHERE id = ?", (did,))
    deck = col.decks.get(did)
    deck.description = "kept"
    col.decks.save(deck)
    assert col.decks.get(did).description == "kept"
    assert col.decks.id("TAB\there") == col.decks.id("tabhere") == did
    older = col.decks.id("Été")
    col.db.execute("INSERT INTO decks (id, name, mtime) VALUES (?, 'ÉTÉ', 0)", (older + 1,))
    assert col.decks.id("été") == older
    assert len(col.decks.all()) == 4
