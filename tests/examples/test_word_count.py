"""examples/word_count: a browser column and a search term."""

import pytest


@pytest.fixture
def cards(collection):
    out = []
    for front in ("one", "the <b>quick</b> brown fox", "a b c d e f g h i j k l"):
        note = collection.new_note("Basic")
        note.fields = [front, "back"]
        out += collection.add_note(note, deck_id=1)
    return out


def test_the_column_shows_the_words_of_the_sort_field(example, host, register_plugin,
                                                      collection, cards):
    register_plugin(example("word_count"), "word_count")
    [column] = host.register_browser_columns()
    assert (column.plugin_name, column.value.name, column.value.label) == (
        "word_count", "word_count", "Words")
    cells = [host.call_contribution(column, "value", collection, card, default="")
             for card in cards]
    assert cells == ["1", "4", "12"]  # HTML is not counted as words
    assert host.errors == []


@pytest.mark.parametrize(("query", "expected"), [
    ("1", [0]), ("4", [1]), (">1", [1, 2]), (">=4", [1, 2]), ("<4", [0]), ("<=4", [0, 1]),
    ("=12", [2]),
])
def test_the_search_term_compares_word_counts(example, host, register_plugin, collection,
                                              cards, query, expected):
    register_plugin(example("word_count"), "word_count")
    [term] = host.register_search_terms()
    assert term.value.name == "words"
    hits = [i for i, card in enumerate(cards)
            if host.call_contribution(term, "match", collection, card, query, default=False)]
    assert hits == expected


def test_a_malformed_search_is_reported_against_the_add_on(example, host, register_plugin,
                                                           collection, cards):
    register_plugin(example("word_count"), "word_count")
    [term] = host.register_search_terms()
    assert host.call_contribution(term, "match", collection, cards[0], "many",
                                  default=False) is False
    [error] = host.errors
    assert error.plugin_name == "word_count" and isinstance(error.exception, ValueError)


def test_the_search_term_works_in_the_search_language(example, host, register_plugin,
                                                      collection, cards):
    register_plugin(example("word_count"), "word_count")
    assert collection.find_cards("words:>3") == [cards[1].id, cards[2].id]
    assert collection.find_cards("-words:>3 or words:12") == [cards[0].id, cards[2].id]
    assert collection.find_notes('"words:4"') == [cards[1].nid]
    assert host.errors == []
