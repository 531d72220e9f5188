"""Exporting one deck takes what Anki's deck export takes (the `anki` package judges): the
cards whose current deck is in the deck's tree — a card studied in a filtered deck elsewhere
stays out, a card pulled into a filtered deck inside the tree goes along — and only the decks
those cards are in (and, with scheduling, came from), with their parents; without
scheduling a filtered deck goes as a normal deck that keeps its cards.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from anki_oracle import (
    AnkiCollection,
    add_filtered_deck,
    anki_cards,
    anki_decks,
    anki_import,
    anki_notes,
    anki_options,
    build_awkward,
)

from repetend.core.collection import Collection
from repetend.core.importing.apkg_export import ExportOptions, export_apkg
from repetend.core.importing.apkg_import import import_apkg

#: The decks exported (None: the whole collection as an .apkg, with the same rules).
DECKS = ["Top", "Top::Sub", "Langs", "Langs::日本語::Vocab::N5", "Filtered ⚡",
         "Top::Inner ⚡", "Top::Empty", None]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The awkward collection plus a filtered deck inside Top holding cards of Top and of
    Langs (the awkward one, outside Top, holds cards of Top::Sub::SubSub)."""
    folder = tmp_path_factory.mktemp("deck-export")
    col = build_awkward(folder)
    try:
        add_filtered_deck(col, "Top::Inner ⚡", "tag:lang::ja::n5 OR tag:cloze", 10)
        assert len(col.find_cards('"deck:Top::Inner ⚡"')) == 6
        out = folder / "all.apkg"
        col.export_anki_package(out_path=str(out), options=anki_options(), limit=None)
    finally:
        col.close()
    return out


@pytest.fixture
def both(tmp_path: Path, package: Path):
    """The package in a new Anki collection and a new Repetend one; a factory of empty Anki
    collections to import exports into."""
    made: list[Any] = []

    def anki(name: str) -> Any:
        (tmp_path / name).mkdir()
        made.append(AnkiCollection(str(tmp_path / name / "collection.anki2")))
        return made[-1]

    a = anki("source")
    anki_import(a, package)
    (tmp_path / "ours").mkdir()
    col = Collection(tmp_path / "ours" / "collection.db")
    import_apkg(col, package)
    for name in ("Top::Empty", "Top::Sub::Empty too"):  # a package carries no empty deck
        a.decks.id(name)
        col.decks.id(name)
    yield a, col, anki
    col.close()
    for c in made:
        c.close()


@pytest.mark.parametrize("legacy", [False, True], ids=["modern", "legacy"])
@pytest.mark.parametrize("scheduling", [True, False], ids=["scheduling", "no-scheduling"])
@pytest.mark.parametrize("deck", DECKS)
def test_a_deck_export_takes_the_cards_and_decks_anki_takes(both, tmp_path, deck, scheduling,
                                                            legacy):
    a, col, anki = both
    theirs, mine = tmp_path / "theirs.apkg", tmp_path / "mine.apkg"
    a.export_anki_package(out_path=str(theirs), limit=anki_collection_limit(a, deck),
                          options=anki_options(with_scheduling=scheduling,
                                               with_deck_configs=scheduling, legacy=legacy))
    summary = export_apkg(col, mine, ExportOptions(deck=deck, with_scheduling=scheduling,
                                                   legacy=legacy))
    expected, actual = anki("expected"), anki("actual")
    anki_import(expected, theirs)
    anki_import(actual, mine)
    assert anki_decks(actual) == anki_decks(expected)
    assert anki_cards(actual) == anki_cards(expected)
    assert anki_notes(actual) == anki_notes(expected)
    assert summary.cards == len(anki_cards(expected))


def anki_collection_limit(a: Any, deck: str | None) -> Any:
    from anki.collection import DeckIdLimit

    return None if deck is None else DeckIdLimit(a.decks.id_for_name(deck))


def test_exporting_top_leaves_out_its_cards_studied_in_a_filtered_deck_elsewhere(both,
                                                                               tmp_path):
    """The end-to-end finding: `export --deck Top` took 12 notes where Anki takes 9."""
    a, col, _ = both
    summary = export_apkg(col, tmp_path / "top.apkg", ExportOptions(deck="Top"))
    assert summary.notes == len(a.find_notes('deck:Top -"deck:Filtered ⚡"'))
    names = {d.name for d in _package_decks(col, tmp_path / "top.apkg")}
    assert "Filtered ⚡" not in names and "Top::Inner ⚡" in names
    assert "Top::Empty" not in names


def _package_decks(col: Collection, path: Path) -> list[Any]:
    target = Collection(path.parent / "check.db")
    try:
        import_apkg(target, path)
        return target.decks.all()
    finally:
        target.close()


@pytest.mark.parametrize("scheduling", [True, False], ids=["scheduling", "no-scheduling"])
def test_exporting_the_cards_a_search_finds_matches_anki(both, tmp_path, scheduling):
    from anki.collection import CardIdsLimit

    a, col, anki = both
    theirs, mine = tmp_path / "theirs.apkg", tmp_path / "mine.apkg"
    a.export_anki_package(out_path=str(theirs), limit=CardIdsLimit(a.find_cards("tag:filler")),
                          options=anki_options(with_scheduling=scheduling,
                                               with_deck_configs=scheduling))
    export_apkg(col, mine, ExportOptions(card_ids=col.find_cards("tag:filler"),
                                         with_scheduling=scheduling))
    expected, actual = anki("expected"), anki("actual")
    anki_import(expected, theirs)
    anki_import(actual, mine)
    assert anki_decks(actual) == anki_decks(expected)
    assert anki_cards(actual) == anki_cards(expected)
