"""File > Import and File > Export with the built-in formats: options, the text preview,
progress and the summary, driven through the real widgets offscreen (pytest-qt)."""

import zipfile

import pytest

from repetend.host.gui import transfer
from repetend.host.gui.transfer_dialogs import ImportDialog
from repetend.host.qt import QApplication, QLabel, QTimer

WORDS = "perro\tdog\ngato\tcat\ncasa\thouse\n"


@pytest.fixture
def window(window):
    """The main window (tests/host/conftest.py), its warnings and messages kept in one list."""
    window.messages = []
    window.warn = window.inform = window.messages.append
    return window


def note_count(window):
    return len(window.col.note_ids())


def test_text_import_shows_a_preview_and_the_summary(window, tmp_path, screenshot_dir):
    path = tmp_path / "spanish.txt"
    path.write_text("#deck:Spanish\n" + WORDS, encoding="utf-8")
    before = note_count(window)
    dialog = transfer.import_path(window, path)
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    assert dialog.page() == "options"
    table = dialog.preview
    assert (table.rowCount(), table.columnCount()) == (3, 2)
    assert [table.item(0, c).text() for c in range(2)] == ["perro", "dog"]
    info = dialog.preview_info.text()
    assert "3 rows" in info and "separator: Tab" in info and "deck from the file: Spanish" \
        in info
    assert dialog.grab().save(str(screenshot_dir / "import-text-preview.png"))

    # Another separator: the preview reads the file again as the importer would.
    dialog.separator.setCurrentIndex(dialog.separator.findText("Comma"))
    assert table.columnCount() == 1 and table.item(0, 0).text() == "perro\tdog"
    dialog.separator.setCurrentIndex(dialog.separator.findText("Detect"))
    assert table.columnCount() == 2

    dialog.notetype.setCurrentIndex(dialog.notetype.findText("Basic"))
    dialog.import_button.click()
    assert dialog.page() == "summary"
    assert dialog.summary_title.text() == "Imported: 3 notes added."
    assert "3 notes found" in dialog.summary_text.toPlainText()
    assert "deck added: Spanish" in dialog.summary_text.toPlainText()
    assert note_count(window) == before + 3
    assert "Spanish" in window.deck_names()  # the deck list was refreshed
    assert window.actions_["undo"].text() == "Undo Import"
    assert dialog.grab().save(str(screenshot_dir / "import-summary.png"))
    dialog.close()


def test_text_import_duplicate_policy_keeps_existing_notes(window, tmp_path):
    path = tmp_path / "words.tsv"
    path.write_text(WORDS, encoding="utf-8")
    dialog = transfer.import_path(window, path)
    dialog.import_button.click()
    assert dialog.summary.counts()["added"] == 3
    path.write_text(WORDS.replace("dog", "hound"), encoding="utf-8")
    dialog = transfer.import_path(window, path)
    dialog.duplicates.setCurrentIndex(dialog.duplicates.findData("preserve"))
    dialog.import_button.click()
    counts = dialog.summary.counts()
    assert counts["added"] == 0 and counts["updated"] == 0
    assert not any("hound" in window.col.get_note(n).fields[1]
                   for n in window.col.note_ids())


def test_unreadable_text_file_is_refused_in_the_preview(window, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\xe9\tcoffee\n".encode("latin-1"))
    dialog = transfer.import_path(window, path)
    assert "Cannot read the file" in dialog.preview_info.text()
    assert "not valid UTF-8" in dialog.preview_info.text()
    assert not dialog.import_button.isEnabled()


def export_apkg(window, path, **options):
    assert transfer.export_to(window, path, "Anki deck package", None, options)
    return path


def test_export_options_follow_the_format(window, screenshot_dir):
    def check():
        dialog = QApplication.activeModalWidget()
        assert dialog.objectName() == "exportDialog"

        def visible():
            return {k for k, box in dialog.checks.items() if box.isVisibleTo(dialog)}

        dialog.format.setCurrentIndex(dialog.format.findText("Anki deck package (.apkg)"))
        assert visible() == {"with_scheduling", "with_deck_configs", "with_media", "legacy"}
        dialog.checks["with_scheduling"].setChecked(False)
        assert not dialog.checks["with_deck_configs"].isEnabled()
        assert dialog.options() == {"with_scheduling": False, "with_deck_configs": False,
                                    "with_media": True, "legacy": False}
        assert dialog.grab().save(str(screenshot_dir / "export-options.png"))
        dialog.format.setCurrentIndex(dialog.format.findText("Notes in plain text (.txt)"))
        assert visible() == {"with_html", "with_tags", "with_deck", "with_notetype",
                             "with_guid"}
        dialog.format.setCurrentIndex(
            dialog.format.findText("Anki collection package (.colpkg)"))
        assert visible() == {"with_media", "legacy"}
        assert not dialog.scope.isEnabled() and dialog.deck_id() is None
        found.append(True)
        dialog.reject()

    found = []
    QTimer.singleShot(0, check)
    transfer.choose_export(window, window.deck_tree.current_deck_id())
    assert found


def test_apkg_export_then_import_with_options_and_progress(window, tmp_path,
                                                           screenshot_dir):
    out = export_apkg(window, tmp_path / "sample.apkg", with_scheduling=False,
                      with_media=False)
    assert zipfile.is_zipfile(out)
    assert window.messages[-1].startswith("Exported ") and "sample.apkg" in window.messages[-1]
    before = note_count(window)

    dialog = transfer.import_path(window, out)
    assert dialog.kind == "apkg"
    assert dialog.update_notes.currentData() == "if_newer"
    dialog.update_notes.setCurrentIndex(dialog.update_notes.findData("never"))
    dialog.scheduling.setChecked(False)
    assert dialog.grab().save(str(screenshot_dir / "import-apkg-options.png"))
    dialog.import_button.click()
    assert dialog.page() == "summary"
    counts = dialog.summary.counts()
    assert counts["added"] == 0 and counts["unchanged"] == before
    assert {stage for stage, _done, _total in dialog.progress.reports} >= {"notes", "cards"}
    assert note_count(window) == before


def test_cancelling_an_import_changes_nothing(window, tmp_path, screenshot_dir):
    out = export_apkg(window, tmp_path / "sample.apkg")
    window.col.decks.id("Only Here")
    # A fresh copy of the notes: remove them so the import would add them all back.
    ids = window.col.note_ids()
    window.col.remove_notes(ids)
    window.refresh()
    dialog = transfer.import_path(window, out)
    original = dialog.progress.callback

    def press_cancel(stage, done, total):
        assert dialog.page() == "progress"
        original(stage, 1, 4)  # what the bar shows mid-way
        assert dialog.grab().save(str(screenshot_dir / "import-progress.png"))
        dialog.progress.cancel()
        original(stage, done, total)

    dialog.progress.callback = press_cancel
    assert dialog.run() is None
    assert dialog.page() == "options"
    assert dialog.error.text() == "Import cancelled; nothing was changed."
    assert window.col.note_ids() == []
    dialog.progress.callback = original
    assert dialog.run() is not None
    assert len(window.col.note_ids()) == len(ids)


def test_colpkg_import_warns_and_backs_up_first(window, tmp_path):
    out = tmp_path / "all.colpkg"
    assert transfer.export_to(window, out, "Anki collection package", None,
                              {"with_media": False})
    window.col.decks.id("Added Later")
    window.refresh()
    dialog = transfer.import_path(window, out)
    assert dialog.kind == "colpkg" and dialog.backup.isChecked()
    assert "replaces everything" in dialog.findChild(QLabel, "importReplaceWarning").text()
    dialog.import_button.click()
    assert dialog.page() == "summary"
    assert "Added Later" not in window.deck_names()
    backups = list((window.host.profile.folder / "backups").glob("backup-*.colpkg"))
    assert len(backups) == 1
    assert "previous collection was saved" in dialog.summary_text.toPlainText()


def test_notes_text_export_with_options(window, tmp_path):
    out = tmp_path / "notes.txt"
    assert transfer.export_to(window, out, "Notes in plain text", None,
                              {"with_guid": False, "with_notetype": False, "with_deck": False,
                               "with_tags": False, "with_html": False})
    text = out.read_text(encoding="utf-8")
    assert "#guid column" not in text and "#notetype column" not in text
    assert window.messages[-1].startswith("Exported ") and "notes" in window.messages[-1]
