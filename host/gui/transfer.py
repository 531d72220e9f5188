"""File > Import and File > Export: every format plugins register, through the plugin door.

The formats come from `register_importers` / `register_exporters` (built-ins and add-ons
alike). The built-in formats open with their options, a preview for text files, a
progress bar and the summary at the end (transfer_dialogs.py), as `repetend import` and
`repetend export` offer them. Formats from add-ons run in the plain form every importer
and exporter offers — `run(col, path)` and `run(col, path, deck_id)` — contained per
plugin by `PluginHost.call_contribution`, so a broken one reports its name and leaves the
app running.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core.errors import RepetendError
from repetend.host.gui.transfer_dialogs import (
    BUILTIN_EXPORTERS,
    Cancelled,
    ExportProgress,
    ImportDialog,
    is_builtin_import,
)
from repetend.host.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QWidget,
)
from repetend.plugins.exporters import APKG, CARDS_TEXT, COLPKG, NOTES_TEXT

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

    A built-in format opens the import dialog (options, preview, progress, summary) and
    returns it; an add-on's format is imported at once and its summary returned. None if
    nothing was imported.
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
    if is_builtin_import(chosen):
        dialog = ImportDialog(window, path, chosen)
        dialog.open()  # the dialog's own page warns before a .colpkg replaces everything
        return dialog
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


#: Export options of the built-in formats: key, label, default, formats it applies to.
EXPORT_OPTIONS = (
    ("with_scheduling", "Include scheduling information", True, (APKG,)),
    ("with_deck_configs", "Include deck presets", True, (APKG,)),
    ("with_media", "Include media", True, (APKG, COLPKG)),
    ("legacy", "Support older Anki versions (slower, larger)", False, (APKG, COLPKG)),
    ("with_html", "Include HTML and media references", True, (NOTES_TEXT, CARDS_TEXT)),
    ("with_tags", "Include tags", True, (NOTES_TEXT,)),
    ("with_deck", "Include deck name", True, (NOTES_TEXT,)),
    ("with_notetype", "Include note type name", True, (NOTES_TEXT,)),
    ("with_guid", "Include unique identifier", True, (NOTES_TEXT,)),
)


class ExportDialog(QDialog):
    """Choose the format, what to export (the whole collection or one deck) and, for the
    built-in formats, their options."""

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
        self.checks: dict[str, QCheckBox] = {}
        for key, label, default, _formats in EXPORT_OPTIONS:
            box = QCheckBox(label, self)
            box.setObjectName(f"export_{key}")
            box.setChecked(default)
            form.addRow(box)
            self.checks[key] = box
        self.scheduling_note = QLabel("Without scheduling, cards arrive as new cards.", self)
        self.scheduling_note.setStyleSheet("color: #777;")
        form.addRow(self.scheduling_note)
        self.checks["with_scheduling"].toggled.connect(lambda _on: self._update_options())
        self.format.currentIndexChanged.connect(lambda _i: self._update_options())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._update_options()

    def _update_options(self) -> None:
        contribution = self.exporter()
        builtin = contribution is not None and contribution.plugin_name == BUILTIN_EXPORTERS
        name = contribution.value.name if contribution is not None else ""
        for key, _label, _default, formats in EXPORT_OPTIONS:
            self.checks[key].setVisible(builtin and name in formats)
        self.checks["with_deck_configs"].setEnabled(self.checks["with_scheduling"].isChecked())
        self.scheduling_note.setVisible(builtin and name == APKG
                                        and not self.checks["with_scheduling"].isChecked())
        whole = builtin and name == COLPKG  # a collection package is everything
        if whole:
            self.scope.setCurrentIndex(0)
        self.scope.setEnabled(not whole)

    def exporter(self) -> Any:
        return self.format.currentData()

    def deck_id(self) -> int | None:
        return self.scope.currentData()

    def options(self) -> dict[str, bool]:
        """The options that apply to the chosen format."""
        name = self.exporter().value.name
        options = {key: self.checks[key].isChecked()
                   for key, _label, _default, formats in EXPORT_OPTIONS if name in formats}
        if "with_deck_configs" in options and not options.get("with_scheduling", True):
            options["with_deck_configs"] = False
        return options


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
        export_to(window, Path(files.selectedFiles()[0]), contribution.value.name, scope,
                  dialog.options())


def export_to(window: MainWindow, path: Path, exporter: str, deck_id: int | None,
              options: dict[str, bool] | None = None) -> bool:
    """Write `path` with the exporter called `exporter`; returns True if it was written.

    The built-in formats take `options` (see EXPORT_OPTIONS), show their progress and end
    with a summary; add-on formats take none.
    """
    plugins = window.host.plugins
    chosen = next((c for c in plugins.register_exporters() if c.value.name == exporter), None)
    if chosen is None:
        window.warn(f"No exporter called {exporter!r}.")
        return False
    if chosen.plugin_name == BUILTIN_EXPORTERS:
        return _export_builtin(window, path, exporter, deck_id, options or {})
    errors_before = len(plugins.errors)
    plugins.call_contribution(chosen, "run", window.col, path, deck_id, default=None)
    if len(plugins.errors) > errors_before:
        window.warn(_failure(window, errors_before, "Export"))
        return False
    window.status(f"Exported {path.name}.")
    return True


def _export_builtin(window: MainWindow, path: Path, exporter: str, deck_id: int | None,
                    options: dict[str, bool]) -> bool:
    from repetend.core.importing.apkg_export import ExportOptions, export_apkg, export_colpkg
    from repetend.core.importing.text_export import (
        TextExportOptions,
        export_cards_text,
        export_notes_text,
    )

    col = window.col
    text_keys = ("with_html", "with_guid", "with_notetype", "with_deck", "with_tags")

    def work(progress: Any) -> str:
        if exporter == APKG:
            return export_apkg(col, path, ExportOptions(
                with_scheduling=options.get("with_scheduling", True),
                with_deck_configs=options.get("with_deck_configs"),
                with_media=options.get("with_media", True),
                legacy=options.get("legacy", False), deck=deck_id), progress).text()
        if exporter == COLPKG:
            return export_colpkg(col, path, with_media=options.get("with_media", True),
                                 legacy=options.get("legacy", False), progress=progress).text()
        if exporter == CARDS_TEXT:
            count = export_cards_text(col, path, with_html=options.get("with_html", True),
                                      deck=deck_id)
            return f"Exported {count} card{'s' if count != 1 else ''} to {path}."
        count = export_notes_text(col, path, TextExportOptions(
            **{k: options[k] for k in text_keys if k in options}, deck=deck_id))
        return f"Exported {count} note{'s' if count != 1 else ''} to {path}."

    existed = path.exists()
    try:
        text = ExportProgress(window, f"Exporting {path.name}…").run(work)
    except Cancelled:
        if not existed:
            path.unlink(missing_ok=True)
        window.status("Export cancelled.")
        return False
    except (RepetendError, OSError) as exc:
        window.warn(f"Export failed: {exc}")
        return False
    window.status(f"Exported {path.name}.")
    window.inform(text)
    return True
