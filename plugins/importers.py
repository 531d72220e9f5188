"""Importing: Anki packages (.apkg, .colpkg), text files (CSV/TSV/TXT) and AnkiApp exports.

Gives the built-in importers through `register_importers` (`repetend.hooks.importing`),
marked `trylast` so an add-on can add a format or replace one by name. The engine is
`repetend.core.importing`; `import_file` is the full-featured entry point the command line
and the GUI use for the built-in formats (options, dry run, detailed summary), while each
`Importer.run` is the plain `run(col, path)` every importer offers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from repetend.core.importing.ankiapp import AnkiAppOptions, import_ankiapp
from repetend.core.importing.apkg_import import (
    ImportOptions,
    Progress,
    import_apkg,
    import_colpkg,
)
from repetend.core.importing.summary import ImportSummary as FullSummary
from repetend.core.importing.text_import import TextOptions, import_text
from repetend.hooks import hookimpl
from repetend.hooks.importing import Importer, ImportSummary

if TYPE_CHECKING:
    from collections.abc import Callable

    from repetend.core.collection import Collection

APKG = "Anki deck package"
COLPKG = "Anki collection package"
TEXT = "Notes in plain text"
TEXT_EXTENSIONS = (".csv", ".tsv", ".txt")
ANKIAPP = "AnkiApp export"
#: AnkiApp exports are zips; an unpacked one (a folder) is read the same way.
ANKIAPP_EXTENSIONS = (".zip",)


def import_file(col: Collection, path: Path, options: ImportOptions | None = None, *,
                notetype: str | None = None, backup_folder: Path | None = None,
                progress: Progress | None = None) -> FullSummary:
    """Import an .apkg (merged in), a .colpkg (replaces the collection; confirm first), a
    text file (`notetype`/`deck`/`dry_run` of `options` apply; `update_notes="never"`
    keeps existing notes) or an AnkiApp export (a .zip or its folder)."""
    suffix = Path(path).suffix.lower()
    if suffix in ANKIAPP_EXTENSIONS or Path(path).is_dir():
        options = options or ImportOptions()
        return import_ankiapp(col, path, AnkiAppOptions(deck=options.deck,
                                                        dry_run=options.dry_run), progress)
    if suffix in TEXT_EXTENSIONS:
        options = options or ImportOptions()
        return import_text(col, path, TextOptions(
            notetype=notetype, deck=options.deck, dry_run=options.dry_run,
            dupe_resolution="preserve" if options.update_notes == "never" else None))
    if suffix == ".colpkg":
        options = options or ImportOptions()
        return import_colpkg(col, path, backup_folder=backup_folder, progress=progress,
                             dry_run=options.dry_run)
    return import_apkg(col, path, options, progress)


def hook_summary(full: FullSummary) -> ImportSummary:
    """The short form every importer reports (`repetend.hooks.importing.ImportSummary`)."""
    messages = tuple(f"skipped {guid}: {reason}" for guid, reason in full.skipped)
    if full.conflicting:
        messages += (f"{len(full.conflicting)} notes not updated: their note type changed",)
    return ImportSummary(notes_added=len(full.added), notes_updated=len(full.updated),
                         notes_skipped=len(full.skipped) + len(full.conflicting),
                         messages=messages + tuple(full.warnings))


def _run_apkg(col: Collection, path: Path) -> ImportSummary:
    return hook_summary(import_apkg(col, path))


def _run_colpkg(col: Collection, path: Path) -> ImportSummary:
    return hook_summary(import_colpkg(col, path))


def _run_text(col: Collection, path: Path) -> ImportSummary:
    return hook_summary(import_text(col, path))


def _run_ankiapp(col: Collection, path: Path) -> ImportSummary:
    return hook_summary(import_ankiapp(col, path))


@hookimpl(trylast=True)
def register_importers(register: Callable[[Importer], None]) -> None:
    register(Importer(APKG, (".apkg",), _run_apkg))
    register(Importer(COLPKG, (".colpkg",), _run_colpkg))
    register(Importer(TEXT, TEXT_EXTENSIONS, _run_text))
    register(Importer(ANKIAPP, ANKIAPP_EXTENSIONS, _run_ankiapp))
