"""Browse window actions that depend on the selected notes' note types."""

from repetend.host.qt import QApplication, Qt, QTimer


def _open_browser(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.deck_tree, Qt.Key.Key_B)
    browser = window.browser
    browser.warnings = []
    browser.warn = browser.warnings.append
    return browser


def test_change_note_type_refuses_notes_of_two_note_types(window, qtbot):
    """Ctrl+Shift+M on notes of two note types warns and changes nothing."""
    browser = _open_browser(window, qtbot)
    col = browser.col
    assert browser.search("", keep_selection=False)
    nids = col.find_notes("")
    ntids = {col.get_note(nid).ntid for nid in nids}
    assert len(ntids) >= 2, "the sample collection holds notes of several note types"
    browser.select_ids(col.find_cards(""))
    before = {nid: col.get_note(nid).ntid for nid in nids}
    opened = []

    def reject_any_dialog():  # a regression would open the modal dialog: do not hang
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            opened.append(dialog.objectName())
            dialog.reject()

    QTimer.singleShot(200, reject_any_dialog)
    browser.change_notetype()
    assert browser.warnings == ["Please select notes from only one note type."]
    assert opened == []
    assert {nid: col.get_note(nid).ntid for nid in nids} == before
    browser.close()
