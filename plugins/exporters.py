"""Exporting: decks, searches and collections to Anki packages (.apkg, .colpkg) and text.

Gives the built-in exporters through `register_exporters` (`repetend.hooks.exporting`),
marked `trylast` so an add-on can add a format or replace one by name. The engine is
`repetend.core.importing.apkg_export`; `export_file` is the full-featured entry point the
command line uses for the built-in formats (deck or cards, scheduling, media, legacy).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from repetend.core.errors import InvalidInput
from repetend.core.importing.apkg_export import (
    ExportOptions,
    ExportSummary,
    Progress,
    export_apkg,
    export_colpkg,
)
from repetend.core.importing.text_export import (
    TextExportOptions,
    export_cards_text,
    export_notes_text,
)
from repetend.hooks import hookimpl
from repetend.hooks.exporting import Exporter

if TYPE_CHECKING:
    from collections.abc import Callable

    from repetend.core.collection import Collection

APKG = "Anki deck package"
COLPKG = "Anki collection package"
NOTES_TEXT = "Notes in plain text"
CARDS_TEXT = "Cards in plain text"
TEXT_EXTENSIONS = (".txt", ".csv", ".tsv")


def export_file(col: Collection, path: Path, options: ExportOptions | None = None,
                progress: Progress | None = None, text: TextExportOptions | None = None,
                cards: bool = False) -> ExportSummary:
    """Write `path` as an .apkg (deck, cards or everything), a .colpkg (everything) or, for
    .txt/.csv/.tsv, tab-separated text with Anki's headers: the notes (columns chosen by
    `text`), or with `cards` each card's rendered question and answer. The deck or card
    ids of `options` choose what a text export holds, as for a package."""
    options = options or ExportOptions()
    suffix = Path(path).suffix.lower()
    if suffix in TEXT_EXTENSIONS:
        text = text or TextExportOptions()
        text.deck, text.card_ids = options.deck, options.card_ids
        if cards:
            count = export_cards_text(col, path, with_html=text.with_html, deck=text.deck,
                                      card_ids=text.card_ids)
            return ExportSummary(file=str(path), kind="cards text", legacy=False, cards=count)
        count = export_notes_text(col, path, text)
        return ExportSummary(file=str(path), kind="notes text", legacy=False, notes=count)
    if cards:
        raise InvalidInput(f"--cards writes text; {Path(path).name} is a package (use .txt, "
                           ".tsv or .csv)")
    if suffix == ".colpkg":
        return export_colpkg(col, path, with_media=options.with_media, legacy=options.legacy,
                             progress=progress)
    return export_apkg(col, path, options, progress)


def _run_apkg(col: Collection, path: Path, deck_id: int | None) -> None:
    export_apkg(col, path, ExportOptions(deck=deck_id))


def _run_colpkg(col: Collection, path: Path, deck_id: int | None) -> None:
    export_colpkg(col, path)


def _run_notes_text(col: Collection, path: Path, deck_id: int | None) -> None:
    export_notes_text(col, path, TextExportOptions(deck=deck_id))


def _run_cards_text(col: Collection, path: Path, deck_id: int | None) -> None:
    export_cards_text(col, path, deck=deck_id)


@hookimpl(trylast=True)
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter(APKG, ".apkg", _run_apkg))
    register(Exporter(COLPKG, ".colpkg", _run_colpkg))
    register(Exporter(NOTES_TEXT, ".txt", _run_notes_text))
    register(Exporter(CARDS_TEXT, ".txt", _run_cards_text))
