"""A demanding user's first week with the desktop app, through the real widgets (pytest-qt,
offscreen): the flows that cross windows — studying while the browser is open, closing
windows with edits not yet saved, undo after a window went away."""


import pytest
from qt_teardown import delete_widgets_at_teardown  # noqa: F401 (autouse)

from repetend.core.decks import DEFAULT_DECK_ID
from repetend.host.qt import QApplication, Qt, QTimer

WAIT = 8000


@pytest.fixture
def main(window, qtbot):
    """The main window (tests/host/conftest.py), active, as after a click on it."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    return window


def js(qtbot, view, code):
    box = []
    view.page().runJavaScript(code, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT)
    return box[0]


def activate(qtbot, widget):
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget, timeout=WAIT)


def type_into_field(qtbot, dialog, ord_, text):
    """Click into field `ord_` of an editor and type `text`, as a user does."""
    editor = dialog.editor
    activate(qtbot, dialog)
    editor.focus_field(ord_)
    qtbot.waitUntil(lambda: js(qtbot, editor.web, "current") == ord_, timeout=WAIT)
    for key in text:  # one key at a time: the page sees each before the next
        qtbot.keyClicks(editor.web.focusProxy(), key)
    qtbot.waitUntil(lambda: text in editor.note.fields[ord_], timeout=WAIT)


def open_add(qtbot, main):
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_A)
    dialog = main.add_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.editor.ready, timeout=WAIT)
    return dialog


def on_next_modal(callback, tries=250):
    """Run `callback(dialog)` on the next modal dialog, from the event loop (looking for
    one every 20 ms, for 5 s at most)."""
    def run(left=tries):
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            if left:
                QTimer.singleShot(20, lambda: run(left - 1))
            return
        callback(dialog)

    QTimer.singleShot(0, run)


def wait_state(qtbot, reviewer, state):
    qtbot.waitUntil(lambda: reviewer.state == state, timeout=WAIT)


def add(col, notetype, *values, deck=DEFAULT_DECK_ID):
    note = col.new_note(notetype)
    note.fields = list(values)
    col.add_note(note, deck)
    return note


# --- the Add window ------------------------------------------------------------------------


def test_closing_the_add_window_with_typed_text_asks_before_discarding_it(main, qtbot):
    dialog = open_add(qtbot, main)
    type_into_field(qtbot, dialog, 0, "half-typed")
    asked = []
    dialog.confirm = lambda text: asked.append(text) or False  # "No": keep editing
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked and "discard" in asked[0].lower()
    assert dialog.isVisible() and "half-typed" in dialog.editor.note.fields[0]
    dialog.confirm = lambda text: asked.append(text) or True
    dialog.close_button.click()
    qtbot.waitUntil(lambda: main.add_dialog is None or not main.add_dialog.isVisible(),
                    timeout=WAIT)


def test_closing_the_main_window_keeps_it_open_when_the_add_window_input_is_kept(main, qtbot):
    dialog = open_add(qtbot, main)
    type_into_field(qtbot, dialog, 1, "back only")
    dialog.confirm = lambda text: False
    main.close()
    assert main.isVisible() and main.host.col is not None
    assert dialog.isVisible() and main.add_dialog is dialog
    dialog.confirm = lambda text: True
    main.close()
    assert main.host.col is None


def test_after_adding_the_form_closes_without_a_question(main, qtbot):
    dialog = open_add(qtbot, main)
    type_into_field(qtbot, dialog, 0, "capital of Peru")
    type_into_field(qtbot, dialog, 1, "Lima")
    qtbot.keyClick(dialog.editor.web.focusProxy(), Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(dialog.added_note_ids), timeout=WAIT)
    qtbot.waitUntil(lambda: dialog.editor.note.fields == ["", ""], timeout=WAIT)
    asked = []
    dialog.confirm = lambda text: asked.append(text) or False
    dialog.close_button.click()
    assert asked == [] and not dialog.isVisible()


# --- studying while other windows change things ---------------------------------------------


def blank_main(qtbot, main):
    """The main window on a second profile without the sample deck, three Basic notes."""
    main.host.profiles.create("Week", with_sample=False)
    main.switch_profile("Week")
    col = main.col
    notes = [add(col, "Basic", f"question {n}", f"answer {n}") for n in range(3)]
    main.refresh()
    main.select_deck(DEFAULT_DECK_ID)
    activate(qtbot, main)
    return notes


def study(qtbot, main):
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_S)
    reviewer = main.reviewer
    assert reviewer is not None
    wait_state(qtbot, reviewer, "question")
    return reviewer


def test_deleting_the_studied_deck_in_the_browser_ends_the_session_cleanly(main, qtbot):
    blank_main(qtbot, main)
    col = main.col
    deck = col.decks.id("Week deck")
    col.db.execute("UPDATE cards SET did = ?", (deck,))
    main.refresh()
    main.select_deck(deck)
    study(qtbot, main)
    browser = main.browse()
    qtbot.waitExposed(browser)
    browser.sidebar.delete_deck("Week deck")
    assert deck not in [d.id for d in col.decks.all()]
    assert main.warnings == []
    # Back on the deck list, which no longer has the deck.
    assert main.reviewer is None and main.screens.currentIndex() == 0
    assert "Week deck" not in main.deck_names()
    assert main.statusBar().currentMessage() == "The deck being studied is gone."


def test_deleting_the_shown_note_in_the_browser_moves_the_reviewer_on(main, qtbot):
    notes = blank_main(qtbot, main)
    reviewer = study(qtbot, main)
    shown = reviewer.session.current.card.nid
    browser = main.browse(f"nid:{shown}")
    qtbot.waitExposed(browser)
    activate(qtbot, browser)
    browser.select_rows([0])
    qtbot.keyClick(browser.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert shown not in col_note_ids(main)
    wait_state(qtbot, reviewer, "question")
    assert reviewer.session.current.card.nid != shown
    assert reviewer.session.current.card.nid in [n.id for n in notes]


def col_note_ids(main):
    return main.col.note_ids()


def test_an_edit_typed_in_the_edit_window_is_saved_when_the_main_window_closes(main, qtbot,
                                                                              tmp_path):
    blank_main(qtbot, main)
    reviewer = study(qtbot, main)
    nid = reviewer.session.current.card.nid
    qtbot.keyClick(reviewer.web.focusProxy(), Qt.Key.Key_E)
    qtbot.waitUntil(lambda: any(w.objectName() == "editDialog" and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=WAIT)
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.objectName() == "editDialog" and w.isVisible())
    qtbot.waitUntil(lambda: dialog.editor.ready, timeout=WAIT)
    type_into_field(qtbot, dialog, 1, " typo fixed")
    main.close()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    from repetend.core.collection import Collection
    with Collection(main.host.profile.collection_path) as col:
        assert "typo fixed" in col.get_note(nid).fields[1]


# --- the browser ---------------------------------------------------------------------------


def open_browser(qtbot, main, search):
    activate(qtbot, main)
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_B)
    browser = main.browser
    assert browser is not None
    browser.warnings = []
    browser.warn = browser.warnings.append
    qtbot.waitExposed(browser)
    activate(qtbot, browser)
    line = browser.search_box.lineEdit()
    line.clear()
    qtbot.keyClicks(line, search)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    return browser


def edit_in_pane(qtbot, browser, row, ord_, text):
    browser.select_rows([row])
    editor = browser.editor_pane.editor
    nid = browser.selected_note_ids()[0]
    qtbot.waitUntil(lambda: editor.ready and editor.note is not None and editor.note.id == nid,
                    timeout=WAIT)
    activate(qtbot, browser)
    editor.focus_field(ord_)
    qtbot.waitUntil(lambda: js(qtbot, editor.web, "current") == ord_, timeout=WAIT)
    for key in text:
        qtbot.keyClicks(editor.web.focusProxy(), key)
    qtbot.waitUntil(lambda: text in editor.note.fields[ord_], timeout=WAIT)
    return nid


def test_keys_typed_in_the_browser_editor_stay_in_the_field(main, qtbot):
    col = main.col
    browser = open_browser(qtbot, main, "note:Basic")
    rows = len(browser.table)
    nid = edit_in_pane(qtbot, browser, 0, 1, " one two")
    undo_before = col.undo_name()
    editor = browser.editor_pane.editor
    proxy = editor.web.focusProxy()
    # Ctrl+Delete deletes a word in a text field: it must not delete the note.
    qtbot.keyClick(proxy, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(proxy, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(300)
    assert nid in col.note_ids() and len(browser.table) == rows
    # Ctrl+Z undoes typing in the field, not a step of the collection.
    qtbot.keyClick(proxy, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(300)
    assert col.undo_name() == undo_before
    assert browser.isVisible()


def test_undo_from_the_main_window_after_the_browser_closed(main, qtbot):
    col = main.col
    browser = open_browser(qtbot, main, "note:Basic")
    browser.select_rows([0, 1])
    nids = browser.selected_note_ids()
    browser.ask_text = lambda title, label, text: "week-one"
    qtbot.keyClick(browser.view, Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert all("week-one" in col.get_note(n).tags for n in nids)
    qtbot.keyClick(browser.view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: main.browser is None, timeout=WAIT)
    activate(qtbot, main)
    assert main.actions_["undo"].text() == "Undo Add Tags"
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert all("week-one" not in col.get_note(n).tags for n in nids)
    assert main.statusBar().currentMessage() == "Undid: Add Tags"
    assert main.actions_["redo"].text() == "Redo Add Tags"
    # The keyboard is back in the deck list: `b` opens the browser again, tags as undone.
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_B)
    assert main.browser is not None
    assert main.browser.sidebar.find_item("Tags", "week-one") is None


def test_a_card_added_while_the_deck_is_finished_is_studied_at_once(main, qtbot):
    blank_main(qtbot, main)
    col = main.col
    col.db.execute("UPDATE cards SET queue = -1")  # nothing left to study
    main.refresh()
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_S)
    reviewer = main.reviewer
    wait_state(qtbot, reviewer, "finished")
    qtbot.keyClick(reviewer, Qt.Key.Key_A)
    dialog = main.add_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.editor.ready, timeout=WAIT)
    assert dialog.deck_box.currentData() == DEFAULT_DECK_ID
    type_into_field(qtbot, dialog, 0, "new while studying")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: bool(dialog.added_note_ids), timeout=WAIT)
    wait_state(qtbot, reviewer, "question")
    assert reviewer.session.current.card.nid == dialog.added_note_ids[0]
    dialog.close()


def test_suspend_then_undo_from_the_menu_brings_the_card_back_in_the_reviewer(main, qtbot):
    blank_main(qtbot, main)
    reviewer = study(qtbot, main)
    first = reviewer.session.current.card.id
    qtbot.keyClick(reviewer.web.focusProxy(), Qt.Key.Key_At)
    qtbot.waitUntil(lambda: reviewer.session.current.card.id != first, timeout=WAIT)
    assert main.col.get_card(first).queue == -1
    main.actions_["undo"].trigger()
    qtbot.waitUntil(lambda: reviewer.session.current.card.id == first, timeout=WAIT)
    assert main.col.get_card(first).queue == 0
    qtbot.keyClick(reviewer.web.focusProxy(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main.col.get_card(first).user_flag == 3, timeout=WAIT)
    assert "Green" in reviewer.flag_label.text()
    main.actions_["undo"].trigger()
    qtbot.waitUntil(lambda: reviewer.flag_label.text() == "", timeout=WAIT)
    assert main.col.get_card(first).user_flag == 0
    # Escape: the deck list shows the counts as they are now.
    qtbot.keyClick(reviewer.web.focusProxy(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: main.reviewer is None, timeout=WAIT)
    item = main.deck_tree.item_for(DEFAULT_DECK_ID)
    assert item.text(1) == "3"


def test_undo_in_the_main_window_never_lets_the_browser_editor_write_stale_fields(main, qtbot):
    col = main.col
    browser = open_browser(qtbot, main, "note:Basic")
    browser.select_rows([0])
    nid = browser.selected_note_ids()[0]
    browser.ask_text = lambda title, label, text: "week-one"
    browser.actions_["add_tags"].trigger()
    assert "week-one" in col.get_note(nid).tags
    edit_in_pane(qtbot, browser, 0, 1, " typed")
    activate(qtbot, main)
    # The typing is saved first, so it is the step undone (as in Anki); the tags stay.
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert main.statusBar().currentMessage() == "Undid: Update Note"
    note = col.get_note(nid)
    assert "typed" not in note.fields[1] and "week-one" in note.tags
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert main.statusBar().currentMessage() == "Undid: Add Tags"
    activate(qtbot, browser)  # back in the browser: it shows the notes as they are now
    qtbot.wait(100)
    note = col.get_note(nid)
    assert "typed" not in note.fields[1] and "week-one" not in note.tags
    assert col.redo_name() == "Add Tags"
    assert browser.editor_pane.tags.tags() == note.tags


# --- profiles ------------------------------------------------------------------------------


def test_switching_to_a_profile_that_cannot_open_keeps_the_current_one(main, qtbot):
    broken = main.host.profiles.create("Broken", with_sample=False)
    broken.collection_path.write_bytes(b"this is not a collection" * 100)
    main.switch_profile("Broken")
    assert main.warnings and "Broken" in main.warnings[-1]
    assert main.host.col is not None and main.host.profile.name == "User 1"
    assert main.windowTitle() == "User 1 - Repetend"
    assert "Sample Deck" in main.deck_names()
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_B)  # the window still works
    assert main.browser is not None


# --- files: import through the File menu ------------------------------------------------------


DATA = __import__("pathlib").Path(__file__).parents[1] / "data" / "anki"


def test_file_import_of_an_apkg_then_study_browse_and_undo_it(main, qtbot, tmp_path):
    import shutil

    apkg = shutil.copy(DATA / "content-modern.apkg", tmp_path / "content-modern.apkg")
    col = main.col
    notes_before = len(col.note_ids())

    def pick(dialog):
        assert dialog.objectName() == "importFileDialog"
        dialog.selectFile(str(apkg))
        dialog.accept()

    on_next_modal(pick)
    main.menus["file"].actions()[2].trigger()  # File > Import…
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.objectName() == "importDialog" and w.isVisible())
    dialog.import_button.click()
    assert dialog.page() == "summary", dialog.error.text()
    assert len(col.note_ids()) == notes_before + 15
    assert "Languages::Japanese::Vocab" in main.deck_names()
    dialog.close()
    # The imported deck is studied and browsed like any other.
    main.select_deck(col.decks.id("Science", create=False))
    activate(qtbot, main)
    reviewer = study(qtbot, main)
    assert reviewer.state == "question"
    qtbot.keyClick(reviewer.web.focusProxy(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: main.reviewer is None, timeout=WAIT)
    browser = open_browser(qtbot, main, "deck:Science")
    assert len(browser.table) > 0
    qtbot.keyClick(browser.view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: main.browser is None, timeout=WAIT)
    activate(qtbot, main)
    assert main.actions_["undo"].text() == "Undo Import"
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(col.note_ids()) == notes_before
    assert "Languages::Japanese::Vocab" not in main.deck_names()


def test_a_deck_created_while_the_add_window_is_open_can_be_chosen_in_it(main, qtbot):
    dialog = open_add(qtbot, main)
    activate(qtbot, main)
    main.create_deck("Created Later")
    activate(qtbot, dialog)
    names = [dialog.deck_box.itemText(i) for i in range(dialog.deck_box.count())]
    assert "Created Later" in names


def test_adding_to_a_deck_deleted_while_the_add_window_was_open(main, qtbot):
    col = main.col
    doomed = main.create_deck("Doomed")
    dialog = open_add(qtbot, main)
    assert dialog.deck_box.currentData() == doomed
    activate(qtbot, main)
    main.delete_deck(doomed)
    activate(qtbot, dialog)
    assert dialog.deck_box.findData(doomed) == -1  # no longer offered
    type_into_field(qtbot, dialog, 0, "orphan?")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: bool(dialog.added_note_ids), timeout=WAIT)
    [card] = col.cards_of_note(dialog.added_note_ids[0])
    assert card.did == dialog.deck_box.currentData() != doomed


def test_find_and_replace_with_a_broken_regex_says_so_and_changes_nothing(main, qtbot):
    col = main.col
    browser = open_browser(qtbot, main, "note:Basic")
    browser.select_rows([0])
    undo_before = col.undo_name()

    def fill(dialog):
        dialog.find.setText("(unclosed")
        dialog.replace.setText("x")
        dialog.regex.setChecked(True)
        dialog.accept()

    on_next_modal(fill)
    qtbot.keyClick(browser.view, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert len(browser.warnings) == 1
    assert col.undo_name() == undo_before


def test_preferences_opened_while_studying_keep_the_reviewer_going(main, qtbot):
    blank_main(qtbot, main)
    reviewer = study(qtbot, main)
    shown = reviewer.session.current.card.id
    qtbot.keyClick(reviewer.web.focusProxy(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.objectName() == "preferencesDialog" and w.isVisible())
    dialog.widgets["rollover"].setValue(5)
    dialog.accept()
    wait_state(qtbot, reviewer, "question")
    assert main.reviewer is reviewer and reviewer.session.current.card.id == shown
    assert main.col.get_config("rollover") == 5


# --- deck options left open -----------------------------------------------------------------


def open_options(qtbot, main, deck_id):
    from repetend.host.gui.deck_options import DeckOptionsDialog

    main.select_deck(deck_id)
    main.overview.options_button.click()
    dialog = main.findChild(DeckOptionsDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_deck_options_of_a_deck_deleted_meanwhile_say_so_on_save(main, qtbot):
    col = main.col
    deck = main.create_deck("Short-lived")
    dialog = open_options(qtbot, main, deck)
    main.delete_deck(deck)
    dialog.widgets["new_per_day"][1].setValue(7)
    assert dialog.save() is False
    assert dialog.error_label.text() == ("The deck Short-lived was deleted meanwhile; "
                                         "nothing was saved.")
    assert col.undo_name() == "Delete Deck"


def test_switching_profiles_closes_the_deck_options_of_the_old_collection(main, qtbot):
    dialog = open_options(qtbot, main, DEFAULT_DECK_ID)
    main.host.profiles.create("Other", with_sample=False)
    main.switch_profile("Other")
    assert not dialog.isVisible()


def edit_dialogs():
    return [w for w in QApplication.topLevelWidgets()
            if w.objectName() == "editDialog" and w.isVisible()]


def test_e_twice_raises_the_one_edit_window_of_the_note(main, qtbot):
    blank_main(qtbot, main)
    reviewer = study(qtbot, main)
    qtbot.keyClick(reviewer.web.focusProxy(), Qt.Key.Key_E)
    qtbot.waitUntil(lambda: len(edit_dialogs()) == 1, timeout=WAIT)
    activate(qtbot, main)
    reviewer.web.setFocus()
    qtbot.keyClick(reviewer.web.focusProxy(), Qt.Key.Key_E)
    qtbot.wait(200)
    assert len(edit_dialogs()) == 1


def test_starting_on_a_damaged_collection_says_so_in_a_window(qtbot, tmp_path):
    from repetend.host.gui.main import run_app
    from repetend.host.profiles import ProfileManager

    profile = ProfileManager(tmp_path).create("Damaged", with_sample=False)
    profile.collection_path.write_bytes(b"not a collection" * 100)
    shown = []

    def read_and_close(dialog):
        shown.append(dialog.text())
        dialog.close()

    on_next_modal(read_and_close)
    assert run_app(tmp_path, "Damaged", False, quarantine=False) == 1
    assert shown and shown[0].startswith("The profile could not be opened:")
    assert "not a collection" in shown[0]


def test_the_edit_window_shows_what_was_just_typed_in_the_browser(main, qtbot):
    blank_main(qtbot, main)
    reviewer = study(qtbot, main)
    nid = reviewer.session.current.card.nid
    browser = open_browser(qtbot, main, f"nid:{nid}")
    edit_in_pane(qtbot, browser, 0, 1, " from the browser")
    activate(qtbot, main)
    reviewer.web.setFocus()
    qtbot.keyClick(reviewer.web.focusProxy(), Qt.Key.Key_E)
    qtbot.waitUntil(lambda: len(edit_dialogs()) == 1, timeout=WAIT)
    dialog = edit_dialogs()[0]
    assert "from the browser" in dialog.note.fields[1]


def test_a_colpkg_import_never_gets_the_browser_editor_s_old_text_written_into_it(main, qtbot,
                                                                                   tmp_path):
    from repetend.host.gui import transfer

    col = main.col
    out = tmp_path / "all.colpkg"
    assert transfer.export_to(main, out, "Anki collection package", None, {"with_media": False})
    browser = open_browser(qtbot, main, "note:Basic")
    nid = edit_in_pane(qtbot, browser, 0, 1, " typed before the import")
    activate(qtbot, main)
    dialog = transfer.import_path(main, out)
    dialog.import_button.click()
    assert dialog.page() == "summary"
    dialog.close()
    # As in Anki, the windows on the replaced collection closed first (the browser's
    # pending edit went into the backup of the old one, not into the imported one).
    assert main.browser is None
    assert "typed before the import" not in col.get_note(nid).fields[1]
    assert main.actions_["undo"].text() == "Undo Import Collection"
