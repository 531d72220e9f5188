"""Tools → Check Database and Tools → Check Media in the real main window (pytest-qt)."""


from repetend.host.qt import QApplication


def tools_action(window, text):
    return next(a for a in window.menus["tools"].actions() if a.text() == text)


def visible(name):
    return next(w for w in QApplication.topLevelWidgets()
                if w.objectName() == name and w.isVisible())


def test_check_database_fixes_shows_report_and_undoes(window, screenshot_dir):
    col = window.col
    nid = col.note_ids()[0]
    col.db.execute("PRAGMA foreign_keys = OFF")
    col.db.execute("UPDATE cards SET did = 98765 WHERE nid = ?", (nid,))
    col.db.execute("PRAGMA foreign_keys = ON")
    action = tools_action(window, "Check Database")
    assert action.isEnabled()
    backups = window.host.backup_folder
    assert not list(backups.glob("*.colpkg"))
    action.trigger()
    assert len(list(backups.glob("*.colpkg"))) == 1  # as Anki: a backup before the repairs
    dialog = visible("checkReportDialog")
    assert dialog.text.toPlainText() == "Fixed 1 missing deck.\nDatabase rebuilt and optimized."
    assert dialog.grab().save(str(screenshot_dir / "check-database.png"))
    dialog.reject()
    assert "recovered98765" in window.deck_names()  # the window was refreshed
    assert window.actions_["undo"].text() == "Undo Check Database"
    window.undo()
    assert "recovered98765" not in window.deck_names()  # the broken card is back as it was
    assert {c.did for c in col.cards_of_note(nid)} == {98765}
    window.redo()
    tools_action(window, "Check Database").trigger()
    again = visible("checkReportDialog")
    assert again.text.toPlainText() == "Database rebuilt and optimized."
    again.reject()
    assert window.warnings == []


def test_check_media_dialog_buttons(window, screenshot_dir):
    col = window.col
    note = col.new_note("Basic")
    note["Front"], note["Back"] = "[sound:absent.mp3]", ""
    col.add_note(note, 1)
    (col.media_folder / "stray.jpg").write_bytes(b"jpg")
    tools_action(window, "Check Media…").trigger()
    dialog = visible("mediaCheckDialog")
    text = dialog.text.toPlainText()
    assert "Missing: absent.mp3" in text and "Unused: stray.jpg" in text
    assert dialog.grab().save(str(screenshot_dir / "check-media.png"))
    buttons = dialog.buttons_
    assert not buttons["empty_trash"].isEnabled()
    buttons["delete_unused"].click()
    assert not (col.media_folder / "stray.jpg").exists()
    assert "Trash folder: 1 file," in dialog.text.toPlainText()
    assert not buttons["delete_unused"].isEnabled()
    buttons["restore_trash"].click()
    assert (col.media_folder / "stray.jpg").read_bytes() == b"jpg"
    buttons["delete_unused"].click()
    buttons["empty_trash"].click()
    assert dialog.result.trash_count == 0 and not buttons["restore_trash"].isEnabled()
    buttons["tag_missing"].click()
    assert "missing-media" in col.get_note(note.id).tags
    assert window.actions_["undo"].text() == "Undo Tag Missing"
    dialog.reject()


def test_check_media_reports_a_button_that_fails_in_the_dialog(window):
    col = window.col
    (col.media_folder / "stray.jpg").write_bytes(b"jpg")
    trash = col.media_folder.parent / "media.trash"
    trash.write_text("a file where the trash folder should be")
    tools_action(window, "Check Media…").trigger()
    dialog = visible("mediaCheckDialog")
    dialog.buttons_["delete_unused"].click()
    text = dialog.text.toPlainText()
    assert text.startswith("Delete Unused failed:") and "Unused: stray.jpg" in text
    assert (col.media_folder / "stray.jpg").read_bytes() == b"jpg"  # nothing was lost
    dialog.reject()
