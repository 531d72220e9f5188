"""File > Import and File > Export: every format plugins register, through the plugin door.

The formats come from `register_importers` / `register_exporters` (built-ins and add-ons
alike); each run is contained per plugin by `PluginHost.call_contribution`, so a broken
importer reports its name and leaves the app running. The full import/export dialogs
(options, text preview, progress) are a later step; these are the plain forms every
importer and exporter offers: `run(col, path)` and `run(col, path, deck_id)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.host.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QWidget,
)

if TYPE_CHECKING:
    from repetend.host.gui.main import MainWindow

#: Anki's warning before a .colpkg replaces the open collection.
REPLACE_WARNING = ("This will delete your existing collection and replace it with the data "
                   "in the file you're importing. Are you sure?")


def summary_text(summary: Any) -> str:
    """An `ImportSummary` as the message shown after an import."""
    parts = [f"{summary.notes_added} note{'s' if summary.notes_added != 1 else ''} added"]
    if summary.notes_updated:
        parts.append(f"{summary.notes_updated} updated")
    if summary.notes_skipped:
        parts.append(f"{summary.notes_skipped} skipped")
    lines = [", ".join(parts) + "."]
    lines.extend(summary.messages)
    return "\n".join(lines)


def _failure(window: MainWindow, errors_before: int, what: str) -> str:
    errors = window.host.plugins.errors[errors_before:]
    if errors:
        error = errors[-1]
        return (f"{what} failed in {error.plugin_name}: "
                f"{type(error.exception).__name__}: {error.exception}")
    return f"{what} failed."


def choose_import_file(window: MainWindow) -> None:
    """File > Import…: pick a file of any registered format and import it."""
    importers = window.host.plugins.register_importers()
    if not importers:
        window.warn("No importers are available.")
        return
    extensions = sorted({e for c in importers for e in c.value.extensions})
    filters = ["All supported formats (" + " ".join(f"*{e}" for e in extensions) + ")"]
    filters += [f"{c.value.name} (" + " ".join(f"*{e}" for e in c.value.extensions) + ")"
                for c in importers]
    dialog = QFileDialog(window, "Import")
    dialog.setObjectName("importFileDialog")
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setNameFilters(filters)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.selectedFiles():
        import_path(window, Path(dialog.selectedFiles()[0]))


def import_path(window: MainWindow, path: Path, importer: str | None = None) -> Any:
    """Import `path` with the importer for its extension (asking if several read it).

    Returns the importer's summary, or None if nothing was imported.
    """
    plugins = window.host.plugins
    candidates = [c for c in plugins.register_importers()
                  if path.suffix.lower() in c.value.extensions
                  and (importer is None or c.value.name == importer)]
    if not candidates:
        window.warn(f"No importer reads {path.suffix or 'these'} files.")
        return None
    chosen = candidates[0]
    if len(candidates) > 1:
        name = window.choose("Import", "Import with:", [c.value.name for c in candidates])
        if name is None:
            return None
        chosen = next(c for c in candidates if c.value.name == name)
    if path.suffix.lower() == ".colpkg" and not window.ask_yes_no(REPLACE_WARNING):
        return None
    errors_before = len(plugins.errors)
    window.status(f"Importing {path.name}…")
    summary = plugins.call_contribution(chosen, "run", window.col, path, default=None)
    window.refresh()
    if summary is None:
        window.warn(_failure(window, errors_before, "Import"))
        return None
    plugins.importing_did_import(window.col, path, summary)
    window.refresh()
    window.inform(summary_text(summary))
    return summary


class ExportDialog(QDialog):
    """Choose the format and what to export (the whole collection or one deck)."""

    def __init__(self, window: MainWindow, exporters: list[Any],
                 deck_id: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Export")
        self.setObjectName("exportDialog")
        form = QFormLayout(self)
        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        for contribution in exporters:
            self.format.addItem(f"{contribution.value.name} ({contribution.value.extension})",
                                contribution)
        form.addRow("Export format:", self.format)
        self.scope = QComboBox(self)
        self.scope.setObjectName("exportScope")
        self.scope.addItem("All Decks", None)
        for deck in window.col.decks.all():
            self.scope.addItem(deck.name, deck.id)
        if deck_id is not None:
            self.scope.setCurrentIndex(max(self.scope.findData(deck_id), 0))
        form.addRow("Include:", self.scope)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def exporter(self) -> Any:
        return self.format.currentData()

    def deck_id(self) -> int | None:
        return self.scope.currentData()


def choose_export(window: MainWindow, deck_id: int | None = None) -> None:
    """File > Export…: choose format and scope, then where to write the file."""
    exporters = window.host.plugins.register_exporters()
    if not exporters:
        window.warn("No exporters are available.")
        return
    dialog = ExportDialog(window, exporters, deck_id)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    contribution, scope = dialog.exporter(), dialog.deck_id()
    extension = contribution.value.extension
    stem = (window.col.decks.get(scope).name.replace("::", " ") if scope is not None
            else "collection")
    files = QFileDialog(window, "Export")
    files.setObjectName("exportFileDialog")
    files.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    files.setNameFilters([f"{contribution.value.name} (*{extension})"])
    files.setDefaultSuffix(extension.lstrip("."))
    files.selectFile(stem + extension)
    if files.exec() == QDialog.DialogCode.Accepted and files.selectedFiles():
        export_to(window, Path(files.selectedFiles()[0]), contribution.value.name, scope)


def export_to(window: MainWindow, path: Path, exporter: str, deck_id: int | None) -> bool:
    """Write `path` with the exporter called `exporter`; returns True if it was written."""
    plugins = window.host.plugins
    chosen = next((c for c in plugins.register_exporters() if c.value.name == exporter), None)
    if chosen is None:
        window.warn(f"No exporter called {exporter!r}.")
        return False
    errors_before = len(plugins.errors)
    plugins.call_contribution(chosen, "run", window.col, path, deck_id, default=None)
    if len(plugins.errors) > errors_before:
        window.warn(_failure(window, errors_before, "Export"))
        return False
    window.status(f"Exported {path.name}.")
    return True
