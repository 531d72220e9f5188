"""Extra `name:value` search terms (`Collection.search_terms`, filled by add-ons through the
host): parsed as terms, compiled to one SQL statement that asks the term's Python per card,
in every place a search is used (cards, notes, filtered decks)."""

import re

import pytest

from repetend.core.errors import InvalidInput
from repetend.core.notetypes import Field, NoteType, Template
from repetend.core.scheduler.filtered import (
    FilteredConfig,
    SearchTerm,
    add_or_update_filtered_deck,
)
from repetend.core.search import UnknownNameError, build_sql, parse
from repetend.core.search.nodes import CustomTermSearch, FieldKind, FieldSearch, Not, Or


def word_count(col, card):
    return len(col.get_note(card.nid).fields[0].split())


def words(col, card, value):
    """`words:N`, `words:>N`, `words:<N`: the first field's word count."""
    if value[:1] in "<>":
        count, limit = word_count(col, card), int(value[1:])
        return count > limit if value[0] == ">" else count < limit
    return word_count(col, card) == int(value)


@pytest.fixture
def fronts(col, add):
    """Notes with 1 to 5 words on the front; the term `words:` installed."""
    for front, deck, tags in [("one", "Default", ()), ("two words", "Default", ("pair",)),
                              ("three whole words", "Small", ()),
                              ("four words in all", "Small", ("pair",)),
                              ("a b c d e", "Default", ())]:
        add("Basic", front, "back", deck=deck, tags=tags)
    col.search_terms = {"words": words}

    def found(query, notes=False):
        ids = col.find_notes(query) if notes else col.find_cards(query)
        if notes:
            return sorted(col.get_note(nid).fields[0] for nid in ids)
        return sorted(col.get_note(col.get_card(cid).nid).fields[0] for cid in ids)

    return found


def test_a_term_finds_the_cards_its_match_accepts(fronts):
    assert fronts("words:>3") == ["a b c d e", "four words in all"]
    assert fronts("words:1") == ["one"]
    assert fronts("words:>9") == []


def test_negation_or_and_parentheses(fronts):
    assert fronts("-words:>1") == ["one"]
    assert fronts("words:1 or words:5") == ["a b c d e", "one"]
    assert fronts("(words:2 or words:3) -deck:Small") == ["two words"]
    assert fronts("-(words:<3 or tag:pair)") == ["a b c d e", "three whole words"]
    assert fronts("deck:Small words:>3") == ["four words in all"]


def test_quoting_case_and_escapes_reach_the_match_as_text():
    assert parse('"words:>10"', {"words"}) == CustomTermSearch("words", ">10")
    assert parse('words:"a b"', {"words"}) == CustomTermSearch("words", "a b")
    assert parse("Words:3", {"words"}) == CustomTermSearch("words", "3")
    assert parse("-words:3", {"words"}) == Not(CustomTermSearch("words", "3"))
    assert parse(r"words:\(x\)\*\d", {"words"}) == CustomTermSearch("words", r"(x)*\d")
    assert parse("words:", {"words"}) == CustomTermSearch("words", "")
    assert parse("words:1 or -words:2", {"words"}) == Or(
        (CustomTermSearch("words", "1"), Not(CustomTermSearch("words", "2"))))


def test_quoted_terms_search_like_unquoted_ones(fronts):
    assert fronts('"words:>3"') == fronts("words:>3") == fronts('words:">3"')
    assert fronts('-"words:>1"') == ["one"]


def test_notes_mode_finds_each_note_once(col, fronts, add):
    note = col.new_note("Basic (and reversed card)")
    note.fields = ["x y z w", "back"]
    assert len(col.add_note(note, 1)) == 2
    assert fronts("words:4", notes=True) == ["four words in all", "x y z w"]
    assert fronts("words:4") == ["four words in all", "x y z w", "x y z w"]
    assert fronts("words:4 card:2", notes=True) == ["x y z w"]
    assert fronts("-words:>1 or tag:pair", notes=True) == ["four words in all", "one",
                                                           "two words"]


def test_the_match_gets_the_collection_the_card_and_the_value(col, fronts):
    calls = []

    def spy(col_, card, value):
        calls.append((col_, card.id, value))
        return card.did == col.decks.id("Small")

    col.search_terms = {"spy": spy}
    found = col.find_cards("spy:anything")
    assert sorted(found) == sorted(col.find_cards("deck:Small"))
    assert {c[0] for c in calls} == {col} and {c[2] for c in calls} == {"anything"}
    assert sorted(c[1] for c in calls) == sorted(col.find_cards(""))


def test_python_runs_only_for_cards_the_other_terms_let_through(col, fronts, add):
    for i in range(40):
        add("Basic", f"filler {i}", "back", tags=("rare",) if i == 0 else ())
    calls = []

    def counted(col_, card, value):
        calls.append(card.id)
        return words(col_, card, value)

    col.search_terms = {"words": counted}
    small = sorted(col.find_cards("deck:Small"))
    untagged = col.find_cards("deck:Small -tag:pair")
    for query, asked in [("deck:Small words:>3", small), ("words:>3 deck:Small", small),
                         ("words:>3 -tag:pair deck:Small", untagged)]:
        for notes in (False, True):
            calls.clear()
            (col.find_notes if notes else col.find_cards)(query)
            assert sorted(calls) == asked, (query, notes)
    calls.clear()
    assert len(col.find_cards("words:>1 tag:rare")) == 1
    assert len(calls) == 1
    calls.clear()
    assert len(col.find_cards("is:new or words:>1")) == 45  # OR stops at is:new
    assert calls == []


def test_a_filtered_deck_gathers_the_cards_of_a_term(col, fronts):
    result = add_or_update_filtered_deck(col, "Long", FilteredConfig(
        terms=(SearchTerm("words:>2", 10, 1),)))
    assert result.count == 3
    assert fronts("deck:Long") == ["a b c d e", "four words in all", "three whole words"]
    assert fronts("deck:filtered -words:>2") == []


def test_a_filtered_deck_takes_a_term_value_that_is_no_field_search(col, fronts, add):
    add("Basic", "route 66", "back")
    col.search_terms = {"pattern": lambda col_, card, value: bool(
        re.search(value, col_.get_note(card.nid).fields[0]))}
    with pytest.raises(InvalidInput, match="escape sequence"):
        col.find_cards(r"front:\d")  # as a field search, `\d` is not an escape
    result = add_or_update_filtered_deck(col, "Digits", FilteredConfig(
        terms=(SearchTerm(r"pattern:\d+$", 10, 1),)))
    assert result.count == 1 and fronts("deck:Digits") == ["route 66"]


def test_a_term_hides_a_field_of_the_same_name(col):
    nt = col.notetypes.add(NoteType("Counted", [Field("Front"), Field("Words")],
                                    [Template("Card 1", "{{Front}}", "{{Words}}")]))
    note = col.new_note(nt.id)
    note.fields = ["alpha beta", "7"]
    [card] = col.add_note(note, 1)
    assert col.find_cards("words:7") == [card.id]          # the field, without a term
    assert parse("words:7") == FieldSearch(parse("words:7").field, FieldKind.GLOB,
                                           parse("words:7").glob)
    col.search_terms = {"words": words}
    assert col.find_cards("words:7") == []                 # now the term: 2 words
    assert col.find_cards("words:2") == [card.id]
    assert col.find_cards("word_:7") == [card.id]          # a wildcard still finds the field


def test_a_name_without_a_term_is_still_a_field_search(col, fronts):
    with pytest.raises(UnknownNameError, match="no note type has a field called `lines`"):
        col.find_cards("lines:3")
    assert fronts("front:one") == ["one"]


def test_anki_words_cannot_be_taken(col, fronts):
    col.search_terms = {"deck": lambda col, card, value: True, "words": words}
    assert fronts("deck:Small") == ["four words in all", "three whole words"]


def test_a_match_that_raises_fails_the_search_with_its_own_error(col, fronts):
    # Without a host nothing contains it: the caller sees the term's own exception.
    with pytest.raises(ValueError, match="invalid literal for int"):
        col.find_cards("words:many")
    assert fronts("words:1") == ["one"]  # the next search is unaffected


def test_a_match_that_cannot_tell_matches_neither_way(col, fronts):
    col.search_terms = {"maybe": lambda col, card, value: None if card.did == 1 else True}
    assert fronts("maybe:x") == ["four words in all", "three whole words"]
    assert fronts("-maybe:x") == []


def test_a_match_may_search_itself(col, fronts):
    small = set(col.find_cards("deck:Small"))
    col.search_terms = {"insmall": lambda col_, card, value: card.id in set(
        col_.find_cards(f"deck:{value}")), "words": words}
    assert set(col.find_cards("insmall:Small words:>1")) == small


def test_a_term_that_disappears_between_parse_and_compile_is_named(col, fronts):
    node = parse("gone:1", {"gone"})
    with pytest.raises(InvalidInput, match="no search term `gone:`"):
        build_sql(col, node)
