"""Exporting: decks and collections to Anki packages (.apkg, .colpkg).

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
from repetend.hooks import hookimpl
from repetend.hooks.exporting import Exporter

if TYPE_CHECKING:
    from collections.abc import Callable

    from repetend.core.collection import Collection

APKG = "Anki deck package"
COLPKG = "Anki collection package"


def export_file(col: Collection, path: Path, options: ExportOptions | None = None,
                progress: Progress | None = None) -> ExportSummary:
    """Write `path` as an .apkg (deck, cards or everything) or a .colpkg (everything)."""
    options = options or ExportOptions()
    if Path(path).suffix.lower() == ".colpkg":
        return export_colpkg(col, path, with_media=options.with_media, legacy=options.legacy,
                             progress=progress)
    return export_apkg(col, path, options, progress)


def _run_apkg(col: Collection, path: Path, deck_id: int | None) -> None:
    export_apkg(col, path, ExportOptions(deck=deck_id))


def _run_colpkg(col: Collection, path: Path, deck_id: int | None) -> None:
    export_colpkg(col, path)


@hookimpl(trylast=True)
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter(APKG, ".apkg", _run_apkg))
    register(Exporter(COLPKG, ".colpkg", _run_colpkg))
