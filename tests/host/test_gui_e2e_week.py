"""A demanding user's first week with the desktop app, through the real widgets (pytest-qt,
offscreen): the flows that cross windows — studying while the browser is open, closing
windows with edits not yet saved, undo after a window went away."""

import gc

import pytest

from repetend.core.decks import DEFAULT_DECK_ID
from repetend.host.qt import QApplication, QEvent, Qt, QTimer

WAIT = 8000


@pytest.fixture(autouse=True)
def delete_widgets_at_teardown(qtbot):
    """Delete closed windows (and their web pages) now, while Qt is alive."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


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


def on_next_modal(callback):
    """Run `callback(dialog)` on the next modal dialog, from the event loop."""
    def run():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, run)
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
