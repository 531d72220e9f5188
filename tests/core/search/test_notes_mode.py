"""Notes mode finds notes through their cards: a note left without cards is not listed,
whichever way the search is written, and is listed again once it has a card."""

from __future__ import annotations

import pytest

from repetend.core.collection import Collection
from repetend.core.search import every_note_has_cards


@pytest.fixture
def col(tmp_path):  # type: ignore[no-untyped-def]
    col = Collection(tmp_path / "c.db")
    yield col
    col.close()


SEARCHES = ["", "tag:t", "-tag:none", "front:w*", "is:new", "w*", "is:new tag:t"]
SORTS = [False, "noteFld", "noteCrt", "noteTags", "cardReps", "deck"]


def _add(col: Collection, word: str) -> int:
    note = col.new_note("Basic")
    note.fields = [word, "back"]
    note.tags = ["t"]
    col.add_note(note, 1)
    return note.id


def test_a_note_without_cards_is_not_listed_until_it_has_one(col) -> None:  # type: ignore[no-untyped-def]
    nids = [_add(col, f"w{i}") for i in range(4)]
    assert every_note_has_cards(col)
    lone = nids[2]
    for query in SEARCHES:
        for order in SORTS:
            assert sorted(col.find_notes(query, order=order)) == nids, (query, order)
    col.remove_cards([c.id for c in col.cards_of_note(lone)], remove_orphan_notes=False)
    assert not every_note_has_cards(col)
    rest = [n for n in nids if n != lone]
    for query in SEARCHES:
        for order in SORTS:
            assert sorted(col.find_notes(query, order=order)) == rest, (query, order)
    col.undo()  # the cards come back
    assert every_note_has_cards(col)
    for query in SEARCHES:
        assert sorted(col.find_notes(query, order="noteFld")) == nids, query


def test_changes_by_another_connection_are_seen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = Collection(tmp_path / "c.db")
    try:
        nids = [_add(first, f"w{i}") for i in range(3)]
        assert sorted(first.find_notes("tag:t")) == nids
        second = Collection(tmp_path / "c.db")
        try:
            second.remove_cards([c.id for c in second.cards_of_note(nids[0])],
                                remove_orphan_notes=False)
        finally:
            second.close()
        assert sorted(first.find_notes("tag:t")) == nids[1:]
        assert sorted(first.find_notes("", order="noteTags")) == nids[1:]
    finally:
        first.close()
