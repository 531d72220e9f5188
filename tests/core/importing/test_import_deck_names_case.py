"""Text and AnkiApp imports into a deck named in another case or Unicode form: the cards
go into the existing deck (Anki's deck names compare as `unicase`), and the summary does
not claim a deck was added ("DÉJÀ::VU" when "Déjà::Vu" exists)."""

from __future__ import annotations

from pathlib import Path

from repetend.core.collection import Collection
from repetend.core.importing.ankiapp import AnkiAppOptions, import_ankiapp
from repetend.core.importing.text_import import import_text

ANKIAPP_CSV = Path(__file__).resolve().parents[2] / "data" / "ankiapp" / "vocab-csv"


def _deck_names(col: Collection) -> list[str]:
    return [d.name for d in col.decks.all()]


def test_text_file_deck_header_in_other_case_uses_the_existing_deck(tmp_path: Path) -> None:
    col = Collection(tmp_path / "col.db")
    try:
        did = col.decks.id("Déjà::Vu")
        before = _deck_names(col)
        text = tmp_path / "notes.txt"
        text.write_text("#separator:tab\n#deck:DÉJÀ::VU\nfront one\tback one\n"
                        "front two\tback two\n", encoding="utf-8")
        summary = import_text(col, text)
        assert summary.decks_added == []
        assert _deck_names(col) == before
        assert len(col.card_ids(did)) == 2
    finally:
        col.close()


def test_text_file_deck_column_in_decomposed_form_uses_the_existing_deck(
        tmp_path: Path) -> None:
    col = Collection(tmp_path / "col.db")
    try:
        did = col.decks.id("Déjà")
        text = tmp_path / "notes.txt"
        text.write_text("#separator:tab\n#deck column:3\n"
                        "front one\tback one\tde\u0301ja\u0300\n"
                        "front two\tback two\tNew Deck\n", encoding="utf-8")
        summary = import_text(col, text)
        assert summary.decks_added == ["New Deck"]
        assert len(col.card_ids(did)) == 1
        assert sorted(_deck_names(col)) == ["Default", "Déjà", "New Deck"]
    finally:
        col.close()


def test_ankiapp_export_into_a_deck_named_in_other_case_adds_no_deck(tmp_path: Path) -> None:
    col = Collection(tmp_path / "col.db")
    try:
        did = col.decks.id("Déjà::Vu")
        before = _deck_names(col)
        summary = import_ankiapp(col, ANKIAPP_CSV, AnkiAppOptions(deck="DÉJÀ::VU"))
        assert summary.decks_added == []
        assert _deck_names(col) == before
        assert len(col.card_ids(did)) == summary.cards_added > 0
    finally:
        col.close()
