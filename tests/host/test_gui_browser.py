"""The Browse window (browser plugin), driven through its real widgets offscreen."""

import time

import pytest

from repetend.core import stock
from repetend.core.collection import Collection
from repetend.hooks import hookimpl
from repetend.hooks.browser import BrowserAction, BrowserColumn
from repetend.host.app import Host
from repetend.host.gui import MainWindow
from repetend.host.qt import QApplication, QPoint, Qt, QTimer
from repetend.host.sample import ARABIC_DECK, SAMPLE_DECK
from repetend.plugins.browser.open import open_browser
from repetend.plugins.browser.sidebar import combine, quote_term
from repetend.plugins.browser.table_view import FLAG_COLOURS, MARKED_COLOUR, SUSPENDED_COLOUR


@pytest.fixture
def main(window):
    """The main window (tests/host/conftest.py), named as the browser's parent."""
    return window


@pytest.fixture
def browser(main, qtbot):
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    qtbot.keyClick(main.deck_tree, Qt.Key.Key_B)
    win = main.browser
    assert win is not None and win.isVisible()
    win.warnings = []
    win.warn = win.warnings.append
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    return win


def search_for(browser, qtbot, text):
    line = browser.search_box.lineEdit()
    line.clear()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def column_texts(browser, key):
    column = browser.table.columns.index(key)
    model = browser.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def click_header(browser, qtbot, key):
    header = browser.view.horizontalHeader()
    section = browser.table.columns.index(key)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def on_next_modal(callback):
    """Run `callback(dialog)` on the next modal dialog, from the event loop."""
    def run():
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        callback(dialog)

    QTimer.singleShot(0, run)


def test_b_opens_the_browser_and_a_search_shows_its_rows(main, browser, qtbot,
                                                         screenshot_dir):
    col = main.col
    assert main.actions_["browse"].isEnabled()
    assert len(browser.table) == len(col.find_cards(""))  # whole collection first
    search_for(browser, qtbot, f'"deck:{ARABIC_DECK}"')
    expected = col.find_cards(f'"deck:{ARABIC_DECK}"')
    assert 0 < len(expected) < len(col.find_cards(""))
    assert browser.model.rowCount() == len(expected)
    assert sorted(browser.table.ids) == sorted(expected)
    assert set(column_texts(browser, "deck")) == {ARABIC_DECK}
    assert browser.history()[0] == f'"deck:{ARABIC_DECK}"'
    assert "cards selected" in browser.windowTitle()
    # Pressing B again raises the same window.
    assert main.browse() is browser
    browser.view.selectRow(0)
    qtbot.waitUntil(lambda: browser.editor_pane.editor.ready, timeout=10000)
    assert browser.editor_pane.note_id == browser.table.note_ids([0])[0]
    for section in ("Note Types", "Card State", "Tags"):
        browser.sidebar.find_item(section).setExpanded(True)
    qtbot.wait(300)  # let the editor's page paint for the screenshot
    assert browser.grab().save(str(screenshot_dir / "browser.png"))


def test_cards_and_notes_modes_keep_the_selected_notes(browser, qtbot):
    col = browser.col
    search_for(browser, qtbot, "")
    cards = len(browser.table)
    browser.view.selectRow(0)
    nid = browser.selected_note_ids()[0]
    qtbot.mouseClick(browser.mode_button, Qt.MouseButton.LeftButton)
    assert browser.table.notes_mode and browser.mode_button.text() == "Notes"
    assert browser.model.rowCount() == len(col.find_notes("")) < cards
    assert browser.selected_ids() == [nid]
    assert "notes selected" in browser.windowTitle()
    browser.actions_["toggle_mode"].trigger()
    assert not browser.table.notes_mode and browser.model.rowCount() == cards
    assert set(browser.selected_note_ids()) == {nid}
    assert sorted(browser.selected_card_ids()) == sorted(
        c.id for c in col.cards_of_note(nid))


def test_clicking_a_sortable_header_sorts_and_again_reverses(browser, qtbot):
    col = browser.col
    search_for(browser, qtbot, "")
    if "cardDue" not in browser.table.columns:
        browser.set_columns([*browser.table.columns, "cardDue"])
    click_header(browser, qtbot, "cardReps" if "cardReps" in browser.table.columns
                 else "cardDue")
    key = browser.table.sort_column
    first = list(browser.table.ids)
    assert first == col.find_cards("", order=key, reverse=browser.table.reverse)
    reverse = browser.table.reverse
    click_header(browser, qtbot, key)
    assert browser.table.reverse is (not reverse)
    assert list(browser.table.ids) == col.find_cards("", order=key, reverse=not reverse)
    # A column that cannot sort leaves the order alone and says so.
    browser.set_columns([*browser.table.columns, "question"])
    before = list(browser.table.ids)
    click_header(browser, qtbot, "question")
    assert list(browser.table.ids) == before
    assert "cannot be sorted" in browser.statusBar().currentMessage()
    assert browser.view.horizontalHeader().sortIndicatorSection() == \
        browser.table.columns.index(key)


def test_header_menu_chooses_columns(browser):
    menu = browser.view.build_header_menu()
    interval = next(a for a in menu.actions() if a.text() == "Interval")
    assert not interval.isChecked()
    interval.trigger()
    assert "cardIvl" in browser.table.columns
    assert browser.model.headerData(browser.table.columns.index("cardIvl"),
                                    Qt.Orientation.Horizontal) == "Interval"


def test_change_deck_through_the_deck_chooser_then_undo(main, browser, qtbot, screenshot_dir):
    col = main.col
    target = col.decks.id("Target Deck")
    main.refresh()
    search_for(browser, qtbot, f'"deck:{ARABIC_DECK}"')
    browser.select_rows([0, 1, 2])
    cids = browser.selected_card_ids()
    assert len(cids) == 3

    def choose(dialog):
        assert dialog.objectName() == "deckChooser"
        qtbot.keyClicks(dialog.filter, "target")
        assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == [
            "Target Deck"]
        assert browser.grab().save(str(screenshot_dir / "browser-change-deck.png"))
        dialog.accept()

    on_next_modal(choose)
    qtbot.keyClick(browser.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert {col.get_card(c).did for c in cids} == {target}
    assert browser.selected_card_ids() == cids  # selection kept
    deck_cells = column_texts(browser, "deck")[:3]
    assert deck_cells == ["Target Deck"] * 3  # the rows repainted
    assert col.undo_name() == "Change Deck"
    assert main.actions_["undo"].text() == "Undo Change Deck"
    browser.activateWindow()  # back from the dialog
    qtbot.waitUntil(browser.isActiveWindow)
    qtbot.keyClick(browser.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert {col.decks.get(col.get_card(c).did).name for c in cids} == {ARABIC_DECK}
    assert set(column_texts(browser, "deck")) == {ARABIC_DECK}
    assert "Undid: Change Deck" in browser.statusBar().currentMessage()
    assert browser.actions_["redo"].text() == "Redo Change Deck"
    qtbot.keyClick(browser.view, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert {col.get_card(c).did for c in cids} == {target}
    assert main.actions_["undo"].text() == "Undo Change Deck"


def test_ctrl_j_suspends_and_again_unsuspends(browser, qtbot):
    col = browser.col
    search_for(browser, qtbot, "")
    browser.select_rows([0, 1])
    cids = browser.selected_card_ids()
    qtbot.keyClick(browser.view, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert {col.get_card(c).queue for c in cids} == {-1}
    assert col.undo_name() == "Suspend"
    # Suspended rows turn yellow, as in Anki.
    assert [browser.model.row_colour(r) for r in (0, 1, 2)] == [
        SUSPENDED_COLOUR, SUSPENDED_COLOUR, None]
    qtbot.keyClick(browser.view, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert -1 not in {col.get_card(c).queue for c in cids}
    # Flags: Ctrl+1 sets red, pressing it again takes it off.
    qtbot.keyClick(browser.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert {col.get_card(c).flags & 7 for c in cids} == {1}
    assert browser.model.row_colour(0) == FLAG_COLOURS[1]
    qtbot.keyClick(browser.view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert {col.get_card(c).flags & 7 for c in cids} == {0}
    # Ctrl+K marks the notes (a tag), and the rows show it.
    qtbot.keyClick(browser.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert all("marked" in col.get_note(col.get_card(c).nid).tags for c in cids)
    assert browser.model.row_colour(0) == MARKED_COLOUR
    qtbot.keyClick(browser.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert not any("marked" in col.get_note(col.get_card(c).nid).tags for c in cids)


def test_operations_on_nothing_selected_say_so(browser, qtbot):
    browser.view.clearSelection()
    undo = browser.col.undo_name()
    browser.actions_["toggle_suspend"].trigger()
    assert browser.statusBar().currentMessage() == "No cards selected."
    assert browser.col.undo_name() == undo


def test_a_sidebar_click_searches(browser, qtbot):
    col = browser.col
    item = browser.sidebar.find_item("Decks", SAMPLE_DECK, "Arabic Vocabulary")
    assert item is not None
    browser.sidebar.scrollToItem(item)
    rect = browser.sidebar.visualItemRect(item)
    qtbot.mouseClick(browser.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert browser.query == quote_term("deck", ARABIC_DECK)
    assert sorted(browser.table.ids) == sorted(col.find_cards(f'"deck:{ARABIC_DECK}"'))
    # Ctrl+click adds the term to the search (and).
    state = browser.sidebar.find_item("Card State", "New")
    browser.sidebar.scrollToItem(state)
    rect = browser.sidebar.visualItemRect(state)
    qtbot.mouseClick(browser.sidebar.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.ControlModifier, rect.center())
    assert browser.query == f'({quote_term("deck", ARABIC_DECK)}) is:new'
    assert sorted(browser.table.ids) == sorted(
        col.find_cards(f'"deck:{ARABIC_DECK}" is:new'))


def test_saved_searches_are_kept_in_the_collection_config(browser, qtbot):
    search_for(browser, qtbot, "is:new")
    browser.ask_text = lambda title, label, text: "Only new"
    menu = browser.sidebar.build_menu(None)
    next(a for a in menu.actions() if a.text() == "Save Current Search…").trigger()
    assert browser.col.get_config("savedFilters") == {"Only new": "is:new"}
    item = browser.sidebar.find_item("Saved Searches", "Only new")
    assert item is not None


def test_sidebar_search_combinations():
    assert quote_term("deck", 'a_b*"c') == '"deck:a\\_b\\*\\"c"'
    assert combine("deck:x", "is:new", and_=True) == "(deck:x) is:new"
    assert combine("deck:x", "is:new", or_=True) == "(deck:x) or is:new"
    assert combine("deck:x", "is:new", negate=True) == "-is:new"
    assert combine("", "is:new", and_=True) == "is:new"


def test_a_bad_search_shows_an_error_and_keeps_the_rows(browser, qtbot):
    search_for(browser, qtbot, "is:new")
    rows = list(browser.table.ids)
    assert rows
    search_for(browser, qtbot, "deck:(")
    assert browser.search_error.isVisible()
    assert browser.search_error.text()
    assert list(browser.table.ids) == rows
    assert browser.model.rowCount() == len(rows)
    assert browser.query == "is:new"
    search_for(browser, qtbot, "is:new")
    assert not browser.search_error.isVisible()


class RaisingAction:
    def __init__(self):
        self.ran = []

    @hookimpl
    def register_browser_actions(self, register):
        register(BrowserAction("tag_them", "Tag Them", self.tag))
        register(BrowserAction("broken", "Broken Action", self.broken))

    def tag(self, col, cids):
        self.ran.append(list(cids))
        with col.op("Tag Them"):
            nids = {col.get_card(c).nid for c in cids}
            for nid in nids:
                note = col.get_note(nid)
                note.tags.append("tagged")
                col._write_note(note, col.notetypes.get(note.ntid), insert=False)

    def broken(self, col, cids):
        raise ZeroDivisionError("boom")


def test_add_on_actions_run_on_the_selection_and_a_raising_one_is_contained(qtbot, tmp_path):
    host = Host(tmp_path).open()
    addon = RaisingAction()
    host.plugins.register_plugin(addon, "raiser")
    main = MainWindow(host)
    qtbot.addWidget(main)
    try:
        browser = main.browse()
        browser.search("")
        browser.select_rows([0])
        cid = browser.selected_card_ids()[0]
        actions = {a.text(): a for a in browser.menus["addons"].actions()}
        actions["Tag Them"].trigger()
        assert addon.ran == [[cid]]
        assert "tagged" in host.col.get_note(host.col.get_card(cid).nid).tags
        context = [a.text() for a in browser.build_context_menu().actions()]
        assert "Broken Action" in context
        actions["Broken Action"].trigger()
        assert [(e.plugin_name, type(e.exception)) for e in host.plugins.errors] == [
            ("raiser", ZeroDivisionError)]
        assert "Broken Action" in browser.statusBar().currentMessage()
        assert browser.isVisible()
        assert browser.selected_card_ids() == [cid]  # still usable
    finally:
        main.close()


def build_big_collection(path, count):
    """`count` Basic notes with one card each, inserted in bulk (benchmarks' way)."""
    from repetend.core.text import field_checksum

    col = Collection(path)
    try:
        did = col.decks.id("Big")
        ntid = col.notetypes.by_name("Basic").id
        now = int(time.time())
        base = now * 1000
        notes = [(base + i, f"g{i}", ntid, now, "", f"Question {i:06d}\x1fAnswer {i}",
                  f"Question {i:06d}", field_checksum(f"Question {i:06d}"))
                 for i in range(count)]
        cards = [(base + i, base + i, did, 0, now, 0, 0, i + 1) for i in range(count)]
        col.db.execute("BEGIN")
        col.db.executemany("INSERT INTO notes (id, guid, ntid, mtime, usn, tags, flds, sfld, "
                           "csum) VALUES (?, ?, ?, ?, -1, ?, ?, ?, ?)", notes)
        col.db.executemany("INSERT INTO cards (id, nid, did, ord, mtime, usn, type, queue, "
                           "due) VALUES (?, ?, ?, ?, ?, -1, ?, ?, ?)", cards)
        col.db.execute("COMMIT")
        col.history.clear()
    finally:
        col.close()


def test_a_100000_card_collection_opens_and_scrolls_fetching_only_visible_rows(
        qtbot, tmp_path, screenshot_dir):
    path = tmp_path / "big.anki2"
    build_big_collection(path, 100_000)
    col = Collection(path)
    try:
        start = time.perf_counter()
        browser = open_browser(col, None, search="")
        qtbot.waitExposed(browser)
        opened = time.perf_counter() - start
        print(f"browser opened on 100,000 cards in {opened * 1000:.0f} ms")
        assert browser.model.rowCount() == 100_000
        model = browser.model
        qtbot.waitUntil(lambda: bool(model.rows_asked))
        shown_first = len(model.rows_asked)
        assert 0 < shown_first < 100
        start = time.perf_counter()
        browser.view.scrollToBottom()
        browser.view.viewport().repaint()
        QApplication.processEvents()
        scrolled = time.perf_counter() - start
        print(f"scrolled to the end in {scrolled * 1000:.0f} ms")
        visible = browser.view.visible_rows()
        assert visible.stop == 100_000
        assert set(visible) <= model.rows_asked
        assert len(model.rows_asked) < 200  # the first screen and the last, nothing between
        last = model.data(model.index(99_999, browser.table.columns.index("noteFld")))
        assert last == browser.table.row(99_999)[browser.table.columns.index("noteFld")]
        assert browser.grab().save(str(screenshot_dir / "browser-100k.png"))
        start = time.perf_counter()
        browser.actions_["select_all"].trigger()
        print(f"selected all in {(time.perf_counter() - start) * 1000:.0f} ms")
        assert browser.windowTitle() == "Browse (100000 of 100000 cards selected)"
        assert len(browser.selected_card_ids()) == 100_000
        browser.close()
    finally:
        col.close()


# --- more operations ------------------------------------------------------------------

WAIT = 10000


def js(qtbot, web, code):
    result = []
    web.page().runJavaScript(code, 0, result.append)
    qtbot.waitUntil(lambda: bool(result), timeout=WAIT)
    return result[0]


def select_and_wait_for_editor(browser, qtbot, row):
    browser.select_rows([row])
    nid = browser.table.note_ids([row])[0]
    editor = browser.editor_pane.editor
    qtbot.waitUntil(lambda: editor.ready and editor.note is not None and editor.note.id == nid,
                    timeout=WAIT)
    return nid


def test_the_editor_pane_saves_an_edit_when_another_row_is_selected(main, browser, qtbot,
                                                                    screenshot_dir):
    col = main.col
    search_for(browser, qtbot, "note:Basic")
    nid = select_and_wait_for_editor(browser, qtbot, 0)
    editor = browser.editor_pane.editor
    browser.activateWindow()
    editor.focus_field(1)
    qtbot.waitUntil(lambda: js(qtbot, editor.web, "current") == 1, timeout=WAIT)
    qtbot.keyClicks(editor.web.focusProxy(), " edited")
    qtbot.waitUntil(lambda: "edited" in editor.note.fields[1], timeout=WAIT)
    qtbot.wait(200)  # let the page paint for the screenshot
    assert browser.grab().save(str(screenshot_dir / "browser-editor.png"))
    assert "edited" not in col.get_note(nid).fields[1]  # not saved yet
    browser.select_rows([1])
    assert "edited" in col.get_note(nid).fields[1]
    assert col.undo_name() == "Update Note"


def test_tags_find_replace_and_delete_from_the_menus(browser, qtbot):
    col = browser.col
    search_for(browser, qtbot, "note:Basic")
    browser.select_rows([0, 1])
    nids = browser.selected_note_ids()
    browser.ask_text = lambda title, label, text: "hard-one extra"
    browser.actions_["add_tags"].trigger()
    assert all({"hard-one", "extra"} <= set(col.get_note(n).tags) for n in nids)
    assert col.undo_name() == "Add Tags"
    browser.ask_text = lambda title, label, text: "extra"
    browser.actions_["remove_tags"].trigger()
    assert all("extra" not in col.get_note(n).tags for n in nids)
    assert browser.sidebar.find_item("Tags", "hard-one") is not None

    before = [col.get_note(n).fields[0] for n in nids]

    def fill(dialog):
        assert dialog.objectName() == "findReplaceDialog"
        dialog.find.setText("e")
        dialog.replace.setText("E")
        dialog.match_case.setChecked(True)
        dialog.accept()

    on_next_modal(fill)
    browser.actions_["find_replace"].trigger()
    after = [col.get_note(n).fields[0] for n in nids]
    assert after == [b.replace("e", "E") for b in before] and after != before
    assert col.undo_name() == "Find and Replace"
    assert browser.selected_note_ids() == nids

    rows = len(browser.table)
    browser.activateWindow()
    qtbot.waitUntil(browser.isActiveWindow)
    qtbot.keyClick(browser.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert not col.db.execute(f"SELECT 1 FROM notes WHERE id IN ({nids[0]}, {nids[1]})"
                              ).fetchone()
    assert len(browser.table) < rows
    assert "deleted" in browser.statusBar().currentMessage()
    browser.undo()
    assert len(browser.table) == rows
    assert col.get_note(nids[0]).fields[0] == after[0]


def test_change_note_type_maps_fields_and_warns_about_lost_cards(browser, qtbot):
    col = browser.col
    search_for(browser, qtbot, '"note:Basic (and reversed card)"')
    browser.select_rows([0])
    nid = browser.selected_note_ids()[0]
    front = col.get_note(nid).fields[0]
    questions = []
    browser.ask_yes_no = lambda text: questions.append(text) or True

    def choose(dialog):
        assert dialog.objectName() == "changeNotetypeDialog"
        dialog.target.setCurrentText("Basic")
        assert set(dialog.field_boxes) == {"Front", "Back"}
        assert dialog.unmapped() == ["Card 2"]
        assert "Card 2" in dialog.warning.text()
        dialog.accept()

    on_next_modal(choose)
    browser.actions_["change_notetype"].trigger()
    note = col.get_note(nid)
    assert col.notetypes.get(note.ntid).name == "Basic"
    assert note.fields[0] == front
    assert len(col.cards_of_note(nid)) == 1
    assert questions and "Card 2" in questions[0]
    assert col.undo_name() == "Change Notetype"


def test_forget_set_due_date_and_reposition(browser, qtbot):
    col = browser.col
    search_for(browser, qtbot, "is:new")
    browser.select_rows([0, 1])
    cids = browser.selected_card_ids()
    browser.ask_text = lambda title, label, text: "3"
    browser.actions_["set_due_date"].trigger()
    today = col.sched.timing().today
    assert [(col.get_card(c).type, col.get_card(c).due) for c in cids] == [(2, today + 3)] * 2
    assert col.undo_name() == "Set Due Date"

    on_next_modal(lambda dialog: dialog.accept())
    browser.actions_["forget"].trigger()
    assert {col.get_card(c).type for c in cids} == {0}
    assert col.undo_name() == "Reset Card"

    def reposition(dialog):
        assert dialog.objectName() == "repositionDialog"
        dialog.start.setValue(500)
        dialog.accept()

    on_next_modal(reposition)
    browser.actions_["reposition"].trigger()
    assert sorted(col.get_card(c).due for c in cids)[0] == 500
    assert col.undo_name() == "Reposition"


def test_info_preview_and_duplicates(browser, qtbot):
    col = browser.col
    search_for(browser, qtbot, "note:Basic")
    browser.select_rows([0])
    cid = browser.selected_card_ids()[0]
    info = browser.card_info()
    assert info.objectName() == "cardInfoDialog"
    assert str(cid) in info.text.toPlainText()
    assert "No reviews yet." in info.text.toPlainText()
    assert f"New #{col.get_card(cid).due}" in info.text.toPlainText()
    info.close()

    preview = browser.open_preview()
    assert preview.card_id == cid and preview.side == "question"
    preview.flip.click()
    assert preview.side == "answer" and "<hr id=answer>" in preview.view.last_html
    browser.select_rows([1])
    assert preview.card_id == browser.selected_card_ids()[0]
    preview.close()

    note = col.new_note("Basic")
    note.fields = [col.get_note(col.get_card(cid).nid).fields[0], "again"]
    col.add_note(note, 1)
    dupes = browser.find_duplicates()
    dupes.field.setCurrentText("Front")
    dupes.find_button.click()
    assert dupes.results.count() == 1
    dupes.results.itemClicked.emit(dupes.results.item(0))
    assert browser.query.startswith("nid:") and len(browser.table) == 2
    dupes.close()


def test_search_history_and_layout_are_kept_per_profile(main, browser, qtbot):
    search_for(browser, qtbot, "is:new")
    search_for(browser, qtbot, "tag:sample")
    browser.close()
    assert main.browser is None
    again = main.browse()
    assert again.history()[:2] == ["tag:sample", "is:new"]
    assert again.query == "tag:sample"
    # Picking an entry of the history list searches for it.
    again.search_box.setCurrentIndex(1)
    again.search_box.activated.emit(1)
    qtbot.waitUntil(lambda: again.query == "is:new")
    assert sorted(again.table.ids) == sorted(main.col.find_cards("is:new"))


def test_undo_in_the_main_window_shows_in_the_browser(main, browser, qtbot):
    col = main.col
    search_for(browser, qtbot, "")
    browser.select_rows([0])
    cid = browser.selected_card_ids()[0]
    browser.actions_["toggle_suspend"].trigger()
    assert col.get_card(cid).queue == -1
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow)
    main.actions_["undo"].trigger()
    assert col.get_card(cid).queue != -1
    browser.activateWindow()
    qtbot.waitUntil(browser.isActiveWindow)
    assert browser.actions_["undo"].text() != "Undo Suspend"


class Columns:
    @hookimpl
    def register_browser_columns(self, register):
        register(BrowserColumn("field_count", "Fields", lambda col, card: str(
            len(col.get_note(card.nid).fields))))
        register(BrowserColumn("broken_column", "Broken", lambda col, card: 1 / 0))


def test_add_on_columns_show_and_a_raising_one_shows_empty_cells(qtbot, tmp_path):
    host = Host(tmp_path).open()
    host.plugins.register_plugin(Columns(), "columns")
    try:
        browser = open_browser(host.col, host.plugins, search="note:Basic")
        qtbot.waitExposed(browser)
        labels = [a.text() for a in browser.view.build_header_menu().actions()]
        assert "Fields" in labels and "Broken" in labels
        browser.set_columns(["noteFld", "field_count", "broken_column"])
        assert column_texts(browser, "field_count") == ["2"] * len(browser.table)
        assert set(column_texts(browser, "broken_column")) == {""}
        assert {(e.plugin_name, type(e.exception)) for e in host.plugins.errors} == {
            ("columns", ZeroDivisionError)}
        browser.close()
    finally:
        host.close()


# --- the sidebar's context menus and filter ----------------------------------------------

def sidebar_action(browser, labels, text):
    item = browser.sidebar.find_item(*labels)
    assert item is not None, labels
    menu = browser.sidebar.build_menu(item)
    return next(a for a in menu.actions() if a.text() == text)


def test_sidebar_deck_menu_renames_merges_and_deletes_each_as_one_undo_step(
        main, browser, qtbot, screenshot_dir):
    col = main.col
    arabic = col.decks.id(ARABIC_DECK, create=False)
    cids = sorted(col.find_cards(f'"deck:{ARABIC_DECK}"'))
    assert cids
    search_for(browser, qtbot, f"cid:{','.join(map(str, cids))}")
    item = browser.sidebar.find_item("Decks", SAMPLE_DECK, "Arabic Vocabulary")
    menu = browser.sidebar.build_menu(item)
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Save Current Search…", "Rename…", "Delete", "Merge Into…"]
    menu.popup(browser.sidebar.viewport().mapToGlobal(
        browser.sidebar.visualItemRect(item).center()))
    qtbot.waitExposed(menu)
    assert menu.grab().save(str(screenshot_dir / "browser-sidebar-deck-menu.png"))
    menu.close()

    browser.ask_text = lambda title, label, text: f"{SAMPLE_DECK}::Arabic"
    sidebar_action(browser, ("Decks", SAMPLE_DECK, "Arabic Vocabulary"), "Rename…").trigger()
    assert col.decks.get(arabic).name == f"{SAMPLE_DECK}::Arabic"
    assert browser.sidebar.find_item("Decks", SAMPLE_DECK, "Arabic") is not None
    assert browser.sidebar.find_item("Decks", SAMPLE_DECK, "Arabic Vocabulary") is None
    assert set(column_texts(browser, "deck")) == {f"{SAMPLE_DECK}::Arabic"}  # repainted
    assert col.undo_name() == "Rename Deck"
    assert main.actions_["undo"].text() == "Undo Rename Deck"

    target = col.decks.id("Target")
    browser.sidebar.refresh()

    def choose(dialog):
        assert dialog.objectName() == "deckChooser"
        names = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        assert f"{SAMPLE_DECK}::Arabic" not in names and "Target" in names
        qtbot.keyClicks(dialog.filter, "targ")
        dialog.accept()

    on_next_modal(choose)
    sidebar_action(browser, ("Decks", SAMPLE_DECK, "Arabic"), "Merge Into…").trigger()
    assert {col.get_card(c).did for c in cids} == {target}
    assert browser.sidebar.find_item("Decks", SAMPLE_DECK, "Arabic") is None
    assert set(column_texts(browser, "deck")) == {"Target"}
    assert col.undo_name() == "Merge Decks"
    assert f"{len(cids)} cards of {SAMPLE_DECK}::Arabic merged into Target" in (
        browser.statusBar().currentMessage())

    browser.activateWindow()
    qtbot.waitUntil(browser.isActiveWindow)
    sidebar_action(browser, ("Decks", "Target"), "Delete").trigger()
    assert browser.statusBar().currentMessage() == (
        f"Deck Target deleted with {len(cids)} cards.")
    assert len(browser.table) == 0  # its cards are gone from the rows
    assert browser.sidebar.find_item("Decks", "Target") is None
    assert "Target" not in main.deck_names()
    browser.undo()
    assert len(browser.table) == len(cids)
    assert browser.sidebar.find_item("Decks", "Target") is not None
    browser.undo()  # the merge
    assert {col.get_card(c).did for c in cids} == {arabic}


def test_sidebar_tag_menu_renames_a_tag_with_its_children_and_deletes_it(browser, qtbot):
    from repetend.core import browser_ops

    col = browser.col
    nids = col.find_notes("note:Basic")[:3]
    browser_ops.add_tags(col, nids[:2], "lang::arabic")
    browser_ops.add_tags(col, nids[2:], "lang")
    browser.sidebar.refresh()
    search_for(browser, qtbot, "tag:lang")
    assert len(browser.table) == len(col.find_cards("tag:lang")) > 0
    menu = browser.sidebar.build_menu(browser.sidebar.find_item("Tags", "lang"))
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Save Current Search…", "Rename…", "Delete"]

    def lang_tags():
        return [[t for t in col.get_note(n).tags if t.startswith("lang")] for n in nids]

    browser.ask_text = lambda title, label, text: "language"
    sidebar_action(browser, ("Tags", "lang"), "Rename…").trigger()
    assert lang_tags() == [["language::arabic"], ["language::arabic"], ["language"]]
    assert browser.sidebar.find_item("Tags", "language", "arabic") is not None
    assert browser.sidebar.find_item("Tags", "lang") is None
    assert col.undo_name() == "Rename Tag"

    sidebar_action(browser, ("Tags", "language"), "Delete").trigger()
    assert lang_tags() == [[], [], []]
    assert "sample" in col.get_note(nids[0]).tags  # other tags stay
    assert browser.sidebar.find_item("Tags", "language") is None
    assert "removed from 3 notes" in browser.statusBar().currentMessage()
    assert col.undo_name() == "Delete Tag"
    browser.undo()
    assert lang_tags()[2] == ["language"]
    assert browser.sidebar.find_item("Tags", "language", "arabic") is not None


def test_sidebar_renames_a_note_type_and_refuses_a_taken_name(browser, qtbot):
    col = browser.col
    ntid = next(nt.id for nt in col.notetypes.all() if nt.name == "Basic")
    count = len(col.find_cards("note:Basic"))
    browser.ask_text = lambda title, label, text: "Cloze"
    sidebar_action(browser, ("Note Types", "Basic"), "Rename…").trigger()
    assert browser.warnings == ["a note type called 'Cloze' already exists"]
    assert col.notetypes.get(ntid).name == "Basic"
    browser.ask_text = lambda title, label, text: "Plain"
    sidebar_action(browser, ("Note Types", "Basic"), "Rename…").trigger()
    assert col.notetypes.get(ntid).name == "Plain"
    assert col.undo_name() == "Rename Note Type"
    item = browser.sidebar.find_item("Note Types", "Plain")
    assert item is not None
    browser.sidebar.scrollToItem(item)
    rect = browser.sidebar.visualItemRect(item)
    qtbot.mouseClick(browser.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(browser.table) == count


def test_a_saved_search_is_deleted_from_its_menu_and_undo_brings_it_back(browser, qtbot):
    col = browser.col
    search_for(browser, qtbot, "is:new")
    browser.ask_text = lambda title, label, text: "Only new"
    sidebar_action(browser, ("Saved Searches",), "Save Current Search…").trigger()
    assert col.undo_name() == "Save Search"
    menu = browser.sidebar.build_menu(browser.sidebar.find_item("Saved Searches", "Only new"))
    assert [a.text() for a in menu.actions() if a.text()] == ["Save Current Search…", "Delete"]
    sidebar_action(browser, ("Saved Searches", "Only new"), "Delete").trigger()
    assert col.get_config("savedFilters") == {}
    assert browser.sidebar.find_item("Saved Searches", "Only new") is None
    assert browser.actions_["undo"].text() == "Undo Delete Saved Search"
    browser.undo()
    assert browser.sidebar.find_item("Saved Searches", "Only new") is not None


def test_typing_in_the_sidebar_filter_narrows_the_tree(browser, qtbot, screenshot_dir):
    sidebar = browser.sidebar
    before = sidebar.visible_labels()
    qtbot.keyClicks(browser.sidebar_filter, "arab")
    narrowed = ["Decks", f"  {SAMPLE_DECK}", "    Arabic Vocabulary",
                "Note Types", "  Arabic Vocabulary", "    Arabic → English",
                "    English → Arabic", "Tags", "  arabic"]
    assert sidebar.visible_labels() == narrowed
    assert sidebar.find_item("Decks", SAMPLE_DECK).isExpanded()
    qtbot.wait(50)
    assert browser.grab().save(str(screenshot_dir / "browser-sidebar-filter.png"))
    # Items still search when clicked.
    item = sidebar.find_item("Decks", SAMPLE_DECK, "Arabic Vocabulary")
    rect = sidebar.visualItemRect(item)
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert browser.query == quote_term("deck", ARABIC_DECK)
    # A refresh (after an operation) keeps the filter; clearing shows everything again.
    sidebar.refresh()
    assert sidebar.visible_labels() == narrowed
    browser.sidebar_filter.clear()
    assert sidebar.visible_labels() == before
    qtbot.keyClicks(browser.sidebar_filter, "no such thing")
    assert sidebar.visible_labels() == []


def test_preview_next_and_back_walk_the_sides_then_the_rows(browser, qtbot):
    search_for(browser, qtbot, "note:Basic")
    browser.select_rows([0])
    first = browser.selected_card_ids()[0]
    preview = browser.open_preview()
    qtbot.waitExposed(preview)
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow)
    qtbot.keyClick(preview, Qt.Key.Key_Right)  # the answer first
    assert (preview.card_id, preview.side) == (first, "answer")
    qtbot.keyClick(preview, Qt.Key.Key_Right)  # then the next row, on its question
    second = browser.table.card_ids([1])[0]
    assert browser.selected_card_ids() == [second]
    assert (preview.card_id, preview.side) == (second, "question")
    qtbot.keyClick(preview, Qt.Key.Key_Left)
    assert browser.selected_card_ids() == [first] and preview.card_id == first
    qtbot.keyClick(preview, Qt.Key.Key_Left)  # nothing before the first row
    assert preview.card_id == first
    # Show Both Sides: answers only, Next goes straight to the next card.
    qtbot.keyClick(preview, Qt.Key.Key_B)
    assert preview.both_sides.isChecked() and preview.side == "answer"
    assert "<hr id=answer>" in preview.view.last_html
    preview.next.click()
    assert (preview.card_id, preview.side) == (second, "answer")
    preview.back.click()
    assert (preview.card_id, preview.side) == (first, "answer")
    preview.close()


def test_find_duplicates_offers_the_fields_of_the_selected_notes(browser, qtbot):
    """As Anki's Find Duplicates: the field list is that of the selected notes' note types
    (every note type's when nothing is selected)."""
    from repetend.core.notetypes import Field

    col = browser.col
    nt = stock.basic()
    nt.name, nt.fields = "Zoo", [Field("Zebra"), Field("Back")]
    for template in nt.templates:
        template.front = template.front.replace("{{Front}}", "{{Zebra}}")
    col.notetypes.add(nt)
    search_for(browser, qtbot, "note:Basic")
    browser.select_rows([0])
    dupes = browser.find_duplicates()
    names = [dupes.field.itemText(i) for i in range(dupes.field.count())]
    assert "Front" in names and "Zebra" not in names
    dupes.close()
    browser.select_rows([])
    everything = browser.find_duplicates()
    assert "Zebra" in [everything.field.itemText(i) for i in range(everything.field.count())]
    everything.close()
