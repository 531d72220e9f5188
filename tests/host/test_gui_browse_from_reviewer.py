"""`b` while studying opens the browser on the card being studied, as Anki 2.1.50+ does
(it searches `cid:<id>` and selects that card); from the deck list it keeps the last search."""

from repetend.host.qt import Qt
from repetend.host.sample import SAMPLE_DECK

WAIT = 5000


def activate(qtbot, widget):
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=WAIT)


def study(qtbot, main):
    """Study the sample deck through `s`; returns the reviewer showing its first question."""
    main.select_deck(main.col.decks.id(SAMPLE_DECK))
    activate(qtbot, main)
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_S)
    reviewer = main.reviewer
    assert reviewer is not None
    qtbot.waitUntil(lambda: reviewer.state == "question", timeout=WAIT)
    return reviewer


def test_b_while_studying_shows_only_the_current_card_selected(window, qtbot):
    main = window
    main.state.section("browser")["last_search"] = "deck:*"
    reviewer = study(qtbot, main)
    cid = reviewer.session.current.card.id
    qtbot.keyClick(reviewer, Qt.Key.Key_B)
    browser = main.browser
    assert browser is not None and browser.isVisible()
    assert browser.search_box.currentText() == f"cid:{cid}"
    assert browser.table.ids == [cid]
    assert browser.selected_card_ids() == [cid]
    assert browser.current_card_id() == cid
    # The editor pane shows the studied note.
    assert browser.editor_pane.editor.note.id == reviewer.session.current.card.nid


def test_b_again_on_the_next_card_moves_the_open_browser_to_it(window, qtbot):
    main = window
    reviewer = study(qtbot, main)
    first = reviewer.session.current.card.id
    qtbot.keyClick(reviewer, Qt.Key.Key_B)
    browser = main.browser
    activate(qtbot, main)
    qtbot.keyClick(reviewer, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: reviewer.state == "answer", timeout=WAIT)
    qtbot.keyClick(reviewer, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: reviewer.state == "question"
                    and reviewer.session.current.card.id != first, timeout=WAIT)
    second = reviewer.session.current.card.id
    qtbot.keyClick(reviewer, Qt.Key.Key_B)
    assert main.browser is browser  # one window, re-aimed as Anki's reopen does
    assert browser.search_box.currentText() == f"cid:{second}"
    assert browser.selected_card_ids() == [second]


def test_notes_mode_selects_the_note_of_the_current_card(window, qtbot):
    main = window
    main.state.section("browser")["notes_mode"] = True
    reviewer = study(qtbot, main)
    card = reviewer.session.current.card
    qtbot.keyClick(reviewer, Qt.Key.Key_B)
    browser = main.browser
    assert browser.table.notes_mode
    assert browser.search_box.currentText() == f"cid:{card.id}"
    assert browser.selected_note_ids() == [card.nid]


def test_b_from_the_deck_list_keeps_the_last_search(window, qtbot):
    main = window
    main.state.section("browser")["last_search"] = "deck:current"
    activate(qtbot, main)
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_B)
    browser = main.browser
    assert browser.search_box.currentText() == "deck:current"
    assert len(browser.table.ids) > 1


def test_b_after_leaving_the_reviewer_keeps_the_last_search(window, qtbot):
    main = window
    main.state.section("browser")["last_search"] = "deck:*"
    reviewer = study(qtbot, main)
    qtbot.keyClick(reviewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: main.reviewer is None, timeout=WAIT)
    activate(qtbot, main)
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_B)
    assert main.browser.search_box.currentText() == "deck:*"
