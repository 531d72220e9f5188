"""The import dialog (options, text preview, progress, summary) and the export progress.

Built-in formats get their options, as Anki's import and export screens have them:
packages (.apkg) the update policies for notes and note types, scheduling, deck presets,
merging note types and a target deck; collection packages (.colpkg) a backup first; text
files (.csv/.tsv/.txt) the note type, deck, duplicate handling, match scope, separator
and HTML, with a preview of the first rows as the importer will read them
(`core.importing.text_import.preview`). Formats from add-ons take no options: they run
through `PluginHost.call_contribution`, contained and attributed (transfer.py).

Long work shows a progress bar fed by the engine's `progress(stage, done, total)`
callback. The work runs on the GUI thread (a collection belongs to the thread that opened
it), so the callback lets Qt paint and take a click on Cancel between steps; Cancel raises
inside the operation, which rolls it back whole — nothing is half imported.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core.errors import RepetendError
from repetend.host.qt import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from repetend.plugins.importers import APKG, COLPKG, TEXT, TEXT_EXTENSIONS

if TYPE_CHECKING:
    from repetend.host.gui.main import MainWindow

#: The plugin names of the built-in formats.
BUILTIN_IMPORTERS = "builtin.importers"
BUILTIN_EXPORTERS = "builtin.exporters"

#: Anki's words for the update policies (ImportOptions.update_notes / update_notetypes).
UPDATE_CHOICES = (("If newer", "if_newer"), ("Always", "always"), ("Never", "never"))
DUPLICATE_CHOICES = (("As the file says (update)", None), ("Update the existing note", "update"),
                     ("Keep the existing note", "preserve"), ("Keep both", "duplicate"))
SEPARATOR_CHOICES = (("Detect", None), ("Tab", "tab"), ("Comma", "comma"),
                     ("Semicolon", "semicolon"), ("Pipe", "pipe"), ("Colon", "colon"),
                     ("Space", "space"))
SEPARATOR_NAMES = {"\t": "Tab", ",": "Comma", ";": "Semicolon", "|": "Pipe", ":": "Colon",
                   " ": "Space"}
PREVIEW_ROWS = 8
STAGES = {"notes": "Notes", "cards": "Cards", "media": "Media files"}


class Cancelled(Exception):
    """Raised from the progress callback when the user presses Cancel."""


class ProgressPanel(QWidget):
    """A label, a bar and Cancel; `callback` is the engine's progress function."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressPanel")
        layout = QVBoxLayout(self)
        self.label = QLabel("Working…", self)
        self.label.setObjectName("progressLabel")
        layout.addWidget(self.label)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("progressBar")
        self.bar.setRange(0, 0)  # busy until the engine says how much there is
        layout.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("progressCancel")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.cancelled = False
        #: Every (stage, done, total) reported, for tests and for the summary.
        self.reports: list[tuple[str, int, int]] = []

    def reset(self, text: str) -> None:
        self.cancelled = False
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)

    def cancel(self) -> None:
        self.cancelled = True
        self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling…")

    def callback(self, stage: str, done: int, total: int) -> None:
        """The engine's progress: show it, let Qt run, stop if Cancel was pressed."""
        self.reports.append((stage, done, total))
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        self.label.setText(f"{STAGES.get(stage, stage.capitalize())}: {done:,} of {total:,}")
        QApplication.processEvents()
        if self.cancelled:
            raise Cancelled


class ImportDialog(QDialog):
    """Import one file with a built-in importer: options, then progress, then the summary.

    `run()` imports with the options shown (the Import button calls it); the summary is
    kept in `summary` and shown on the last page.
    """

    def __init__(self, window: MainWindow, path: Path, importer: Any) -> None:
        super().__init__(window)
        self.window_ = window
        self.path = Path(path)
        self.importer = importer
        self.kind = _import_kind(importer, self.path)
        self.summary: Any = None
        self.setObjectName("importDialog")
        self.setWindowTitle(f"Import {self.path.name}")
        if self.kind == "text":
            self.resize(720, 520)
        else:
            self.resize(600, 340)
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget(self)
        layout.addWidget(self.pages, 1)
        self.error = QLabel("", self)
        self.error.setObjectName("importError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.error)
        self._build_options()
        self.progress = ProgressPanel(self.pages)
        self.pages.addWidget(self.progress)
        self._build_summary()

    # --- pages ----------------------------------------------------------------------------

    def _build_options(self) -> None:
        page = QWidget(self.pages)
        page.setObjectName("importOptionsPage")
        layout = QVBoxLayout(page)
        title = QLabel(f"Import <b>{_html(self.path.name)}</b> as "
                       f"{_html(self.importer.value.name)}.", page)
        layout.addWidget(title)
        form = QFormLayout()
        layout.addLayout(form)
        col = self.window_.col
        decks = sorted(d.name for d in col.decks.all() if not d.is_filtered)
        if self.kind == "apkg":
            self.update_notes = _combo(page, "importUpdateNotes", UPDATE_CHOICES)
            form.addRow("Update existing notes:", self.update_notes)
            self.update_notetypes = _combo(page, "importUpdateNotetypes", UPDATE_CHOICES)
            form.addRow("Update existing note types:", self.update_notetypes)
            self.scheduling = _check(page, "importScheduling", "Import any learning progress "
                                     "(scheduling and review history)", True)
            form.addRow(self.scheduling)
            self.deck_presets = _check(page, "importDeckPresets", "Import deck presets", True)
            form.addRow(self.deck_presets)
            self.merge_notetypes = _check(page, "importMergeNotetypes", "Merge note types "
                                          "(keep the fields and templates of both versions)",
                                          False)
            form.addRow(self.merge_notetypes)
            self.deck = _combo(page, "importDeck", [("The package's own decks", None),
                                                    *((d, d) for d in decks)])
            form.addRow("Put the cards in:", self.deck)
        elif self.kind == "colpkg":
            warning = QLabel("This replaces everything in this profile's collection with the "
                             "collection in the file. Undo can bring the current one back.",
                             page)
            warning.setObjectName("importReplaceWarning")
            warning.setWordWrap(True)
            warning.setStyleSheet("color: #b00020;")
            form.addRow(warning)
            self.backup = _check(page, "importBackup", "Save a backup of the current "
                                 "collection first (in the profile's backups folder)", True)
            form.addRow(self.backup)
        else:  # text
            self.notetype = _combo(page, "importNotetype", [
                ("As the file says, or Basic", None),
                *((nt.name, nt.name) for nt in sorted(col.notetypes.all(),
                                                      key=lambda nt: nt.name.casefold()))])
            form.addRow("Note type:", self.notetype)
            self.deck = _combo(page, "importDeck", [("As the file says, or the default deck",
                                                     None), *((d, d) for d in decks)])
            form.addRow("Deck:", self.deck)
            self.duplicates = _combo(page, "importDuplicates", DUPLICATE_CHOICES)
            form.addRow("When a note already exists:", self.duplicates)
            self.match_scope = _combo(page, "importMatchScope", [
                ("As the file says (note type)", None), ("Note type", "notetype"),
                ("Note type and deck", "notetype+deck")])
            form.addRow("Match notes by:", self.match_scope)
            self.separator = _combo(page, "importSeparator", SEPARATOR_CHOICES)
            self.separator.currentIndexChanged.connect(lambda _i: self.update_preview())
            form.addRow("Field separator:", self.separator)
            self.html = _combo(page, "importHtml", [("Detect", None), ("Yes", True),
                                                    ("No: escape < and &", False)])
            form.addRow("Fields are HTML:", self.html)
            self.preview_info = QLabel("", page)
            self.preview_info.setObjectName("importPreviewInfo")
            self.preview_info.setWordWrap(True)
            layout.addWidget(self.preview_info)
            self.preview = QTableWidget(page)
            self.preview.setObjectName("importPreview")
            self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            self.preview.horizontalHeader().setStretchLastSection(True)
            layout.addWidget(self.preview, 1)
        if self.kind != "text":
            layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, page)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importRun")
        self.import_button.setDefault(True)
        buttons.accepted.connect(self.run)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.options_page = page
        self.pages.addWidget(page)
        if self.kind == "text":
            self.update_preview()

    def _build_summary(self) -> None:
        page = QWidget(self.pages)
        page.setObjectName("importSummaryPage")
        layout = QVBoxLayout(page)
        self.summary_title = QLabel("", page)
        self.summary_title.setObjectName("importSummaryTitle")
        font = self.summary_title.font()
        font.setBold(True)
        self.summary_title.setFont(font)
        layout.addWidget(self.summary_title)
        self.summary_text = QPlainTextEdit(page)
        self.summary_text.setObjectName("importSummary")
        self.summary_text.setReadOnly(True)
        layout.addWidget(self.summary_text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, page)
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        self.summary_page = page
        self.pages.addWidget(page)

    def page(self) -> str:
        return {self.options_page: "options", self.progress: "progress",
                self.summary_page: "summary"}[self.pages.currentWidget()]

    # --- text preview ---------------------------------------------------------------------

    def update_preview(self) -> dict[str, Any] | None:
        """Read the first rows as the importer will, with the separator chosen."""
        try:
            data = text_preview(self.path, self.separator.currentData())
        except (RepetendError, OSError, UnicodeDecodeError) as exc:
            self.preview.clear()
            self.preview.setRowCount(0)
            self.preview.setColumnCount(0)
            self.preview_info.setText(f"Cannot read the file: {exc}")
            self.import_button.setEnabled(False)
            return None
        self.import_button.setEnabled(True)
        meta, rows = data["metadata"], data["rows"]
        width = max([len(meta["columns"]), *(len(r) for r in rows)], default=0)
        headers = [meta["columns"][i] if i < len(meta["columns"]) and meta["columns"][i]
                   else f"Column {i + 1}" for i in range(width)]
        self.preview.clear()
        self.preview.setColumnCount(width)
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(headers)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                self.preview.setItem(r, c, QTableWidgetItem(value))
        details = [f"{data['row_count']:,} row{'s' if data['row_count'] != 1 else ''}",
                   f"separator: {SEPARATOR_NAMES.get(meta['separator'], repr(meta['separator']))}",
                   f"HTML: {'yes' if meta['html'] else 'no'}"]
        if meta.get("notetype"):
            details.append(f"note type from the file: {meta['notetype']}")
        if meta.get("deck"):
            details.append(f"deck from the file: {meta['deck']}")
        if meta.get("global_tags"):
            details.append(f"tags: {' '.join(meta['global_tags'])}")
        shown = min(len(rows), PREVIEW_ROWS)
        self.preview_info.setText(f"Preview of the first {shown} row(s): " + "; ".join(details))
        return data

    # --- running --------------------------------------------------------------------------

    def run(self) -> Any:
        """Import with the options shown; the summary, or None (the reason is shown)."""
        from repetend.plugins.importers import hook_summary

        window = self.window_
        self.error.setText("")
        # A .colpkg replaces the collection: the reviewer, browser and editors showing it
        # close first (their pending edits saved into the collection being replaced).
        if self.kind == "colpkg" and not window._close_dialogs():
            self._back("Import cancelled; nothing was changed.")
            return None
        self.pages.setCurrentWidget(self.progress)
        self.progress.reset(f"Importing {self.path.name}…")
        QApplication.processEvents()
        try:
            summary = self._import()
        except Cancelled:
            self._back("Import cancelled; nothing was changed.")
            return None
        except (RepetendError, OSError) as exc:
            self._back(f"Import failed, nothing was changed: {exc}")
            return None
        except Exception as exc:  # noqa: BLE001 - a bug in a built-in must not end the app
            self._back(f"Import failed, nothing was changed: {type(exc).__name__}: {exc}",
                       traceback.format_exc())
            return None
        finally:
            window.refresh()
        self.summary = summary
        window.host.plugins.importing_did_import(window.col, self.path, hook_summary(summary))
        window.refresh()
        self.summary_title.setText(_summary_title(summary))
        self.summary_text.setPlainText(summary.text())
        self.pages.setCurrentWidget(self.summary_page)
        window.status(_summary_title(summary))
        return summary

    def _back(self, message: str, details: str = "") -> None:
        self.pages.setCurrentWidget(self.options_page)
        self.error.setText(message)
        self.error.setToolTip(details)

    def _import(self) -> Any:
        from repetend.core.importing.apkg_import import ImportOptions, import_apkg, import_colpkg
        from repetend.core.importing.text_import import TextOptions, import_text

        col = self.window_.col
        progress = self.progress.callback
        if self.kind == "apkg":
            options = ImportOptions(update_notes=self.update_notes.currentData(),
                                    update_notetypes=self.update_notetypes.currentData(),
                                    with_scheduling=self.scheduling.isChecked(),
                                    with_deck_configs=self.deck_presets.isChecked(),
                                    merge_notetypes=self.merge_notetypes.isChecked(),
                                    deck=self.deck.currentData())
            return import_apkg(col, self.path, options, progress)
        if self.kind == "colpkg":
            backups = (self.window_.host.profile.folder / "backups"
                       if self.backup.isChecked() else None)
            return import_colpkg(col, self.path, backup_folder=backups, progress=progress)
        return import_text(col, self.path, TextOptions(
            notetype=self.notetype.currentData(), deck=self.deck.currentData(),
            separator=self.separator.currentData(), html=self.html.currentData(),
            dupe_resolution=self.duplicates.currentData(),
            match_scope=self.match_scope.currentData()))


def text_preview(path: Path, separator: str | None = None,
                 rows: int = PREVIEW_ROWS) -> dict[str, Any]:
    """`text_import.preview`, with a separator chosen by the user instead of detected."""
    from repetend.core.importing import text_import

    if separator is None:
        return text_import.preview(path, rows)
    text = Path(path).read_bytes().decode("utf-8-sig")
    meta, body = text_import.read_metadata(text, Path(path).name, separator)
    records = text_import.read_records(body, meta)
    return {"metadata": meta.to_json(), "rows": [r.values for r in records[:rows]],
            "row_count": len(records)}


class ExportProgress(QDialog):
    """The progress of an export, in a small modal window."""

    def __init__(self, parent: QWidget, text: str) -> None:
        super().__init__(parent)
        self.setObjectName("exportProgress")
        self.setWindowTitle("Export")
        self.setModal(True)
        self.resize(420, 120)
        layout = QVBoxLayout(self)
        self.panel = ProgressPanel(self)
        self.panel.reset(text)
        layout.addWidget(self.panel)

    def run(self, work: Callable[[Callable[[str, int, int], None]], Any]) -> Any:
        """Run `work(progress)` with this window shown; Cancelled propagates."""
        self.show()
        QApplication.processEvents()
        try:
            return work(self.panel.callback)
        finally:
            self.close()


def _import_kind(importer: Any, path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".colpkg":
        return "colpkg"
    if suffix in TEXT_EXTENSIONS:
        return "text"
    return "apkg"


def is_builtin_import(importer: Any) -> bool:
    """The built-in importers have the options dialog; add-on formats run as they are."""
    return (importer.plugin_name == BUILTIN_IMPORTERS
            and importer.value.name in (APKG, COLPKG, TEXT))


def _summary_title(summary: Any) -> str:
    counts = summary.counts()
    parts = [f"{counts['added']} note{'s' if counts['added'] != 1 else ''} added"]
    if counts["updated"]:
        parts.append(f"{counts['updated']} updated")
    if counts["unchanged"]:
        parts.append(f"{counts['unchanged']} unchanged")
    if counts["skipped"] or counts["conflicting"]:
        parts.append(f"{counts['skipped'] + counts['conflicting']} skipped")
    return "Imported: " + ", ".join(parts) + "."


def _combo(parent: QWidget, name: str, choices: Any) -> QComboBox:
    box = QComboBox(parent)
    box.setObjectName(name)
    for text, value in choices:
        box.addItem(text, value)
    return box


def _check(parent: QWidget, name: str, text: str, checked: bool) -> QCheckBox:
    box = QCheckBox(text, parent)
    box.setObjectName(name)
    box.setChecked(checked)
    return box


def _html(text: str) -> str:
    from html import escape

    return escape(text)
