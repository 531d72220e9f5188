"""Exporting: decks and collections to Anki packages (.apkg, .colpkg) and text files.

Gives the built-in exporters through `register_exporters` (`repetend.hooks.exporting`),
marked `trylast` so an add-on can add a format or replace one by name. The engine is
`repetend.core.importing.apkg_export`; `export_file` is the full-featured entry point the
command line uses for the built-in formats (deck or cards, scheduling, media, legacy).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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


def export_file(col: Collection, path: Path, options: ExportOptions | None = None,
                progress: Progress | None = None) -> ExportSummary:
    """Write `path` as an .apkg (deck, cards or everything), a .colpkg (everything) or, for
    .txt/.csv/.tsv, the notes as tab-separated text with Anki's headers."""
    options = options or ExportOptions()
    suffix = Path(path).suffix.lower()
    if suffix in (".txt", ".csv", ".tsv"):
        count = export_notes_text(col, path, TextExportOptions(deck=options.deck))
        return ExportSummary(file=str(path), kind="notes text", legacy=False, notes=count)
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
