"""The main window, driven through its real widgets offscreen (pytest-qt)."""

import json

import pytest

from repetend.core.decks import DEFAULT_DECK_ID
from repetend.hooks import hookimpl
from repetend.hooks.exporting import Exporter
from repetend.hooks.importing import Importer, ImportSummary
from repetend.hooks.main_window import MenuAction
from repetend.host.app import Host
from repetend.host.gui import MainWindow
from repetend.host.gui.decklist import deck_tree, flatten
from repetend.host.gui.state import STATE_FILE
from repetend.host.qt import (
    QAbstractItemView,
    QApplication,
    QDropEvent,
    QLabel,
    QPointF,
    Qt,
    QTimer,
)


def answer_next_prompt(text):
    """Type `text` into the next modal text prompt and press OK (from the event loop)."""
    def fill():
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() == "textPrompt"
        dialog.setTextValue(text)
        dialog.accept()

    QTimer.singleShot(0, fill)


def menu_action(menu, text):
    return next(a for a in menu.actions() if a.text() == text)


def test_main_window_lists_the_sample_deck(window, screenshot_dir):
    assert "Sample Deck" in window.deck_names()
    assert "Sample Deck::Arabic Vocabulary" in window.deck_names()
    assert window.windowTitle() == "User 1 - Repetend"
    assert window.deck_tree.headerItem().text(1) == "New"  # the scheduler's counts
    assert window.findChild(QLabel, "safeModeBanner").isHidden()
    assert window.grab().save(str(screenshot_dir / "main-window.png"))
    window.close()
    assert window.host.col is None


def test_safe_mode_is_shown(qtbot, tmp_path):
    host = Host(tmp_path, safe_mode=True).open()
    window = MainWindow(host)
    qtbot.addWidget(window)
    banner = window.findChild(QLabel, "safeModeBanner")
    assert banner is not None and "Safe mode" in banner.text() and not banner.isHidden()
    window.close()


def test_deck_counts_come_from_the_scheduler(window):
    col = window.col
    rows = {r.name: r for r in flatten(deck_tree(col))}
    sample = rows["Sample Deck"]
    due = {d.id: d for d in col.sched.due_tree()}[sample.id]
    assert sample.due == (due.new, due.learn, due.review)
    item = window.deck_tree.item_for(sample.id)
    assert [item.text(i) for i in (1, 2, 3)] == [str(due.new), str(due.learn), str(due.review)]
    # The overview of the selected deck shows the same numbers and the total.
    window.select_deck(sample.id)
    assert f"{sample.card_count} cards in total" in window.overview.counts.text()


def test_create_rename_and_delete_a_deck_then_undo_from_the_edit_menu(window, qtbot,
                                                                     screenshot_dir):
    answer_next_prompt("Spanish")
    qtbot.mouseClick(window.create_button, Qt.MouseButton.LeftButton)
    assert "Spanish" in window.deck_names()
    assert window.deck_tree.currentItem().text(0) == "Spanish"
    window.edit_menu.aboutToShow.emit()
    assert window.actions_["undo"].text() == "Undo Add Deck"

    answer_next_prompt("Languages::Spanish")
    menu_action(window.build_deck_menu(), "Rename…").trigger()
    assert "Languages::Spanish" in window.deck_names()
    assert "Spanish" not in window.deck_names()
    assert window.actions_["undo"].text() == "Undo Rename Deck"

    window.select_deck(window.col.decks.id("Languages::Spanish", create=False))
    menu_action(window.build_deck_menu(), "Delete").trigger()
    assert "Languages::Spanish" not in window.deck_names()
    assert window.actions_["undo"].text() == "Undo Delete Deck"
    assert window.grab().save(str(screenshot_dir / "main-window-deck-deleted.png"))

    menu_action(window.edit_menu, "Undo Delete Deck").trigger()
    assert "Languages::Spanish" in window.deck_names()
    assert window.actions_["undo"].text() == "Undo Rename Deck"
    assert window.actions_["redo"].text() == "Redo Delete Deck"
    assert "Undid: Delete Deck" in window.statusBar().currentMessage()
    window.actions_["redo"].trigger()
    assert "Languages::Spanish" not in window.deck_names()


def test_undo_shortcut_is_ctrl_z(window, qtbot):
    window.create_deck("Keyboard")
    window.activateWindow()
    qtbot.keyClick(window.deck_tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "Keyboard" not in window.deck_names()


def test_creating_an_existing_deck_is_refused(window):
    assert window.create_deck("Sample Deck") is None
    assert window.warnings == ["That deck already exists."]


def test_the_default_deck_cannot_be_deleted(window):
    window.delete_deck(DEFAULT_DECK_ID)
    assert window.warnings == ["the Default deck cannot be deleted"]


def test_empty_default_deck_is_hidden_while_other_decks_exist(window):
    assert "Default" not in window.deck_names()
    col = window.col
    note = col.new_note("Basic")
    note["Front"], note["Back"] = "q", "a"
    col.add_note(note, DEFAULT_DECK_ID)
    window.refresh()
    assert "Default" in window.deck_names()


def test_a_deck_dragged_onto_another_moves_under_it(window, qtbot):
    col = window.col
    french = window.create_deck("French")
    sample = col.decks.id("Sample Deck", create=False)
    tree = window.deck_tree
    window.select_deck(french)
    target = tree.item_for(sample)
    rect = tree.visualItemRect(target)
    mime = tree.model().mimeData([tree.indexFromItem(tree.item_for(french))])
    event = QDropEvent(QPointF(rect.center()), Qt.DropAction.MoveAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # What Qt's drag machinery sets while hovering over the middle of an item:
    tree.setDropIndicatorShown(True)
    tree.dropIndicatorPosition = lambda: QAbstractItemView.DropIndicatorPosition.OnItem
    event.source = lambda: tree
    tree.dropEvent(event)
    qtbot.waitUntil(lambda: "Sample Deck::French" in window.deck_names())
    assert window.actions_["undo"].text() == "Undo Move Deck"


def test_move_to_dialog_moves_a_deck_to_the_top_level(window):
    col = window.col
    arabic = col.decks.id("Sample Deck::Arabic Vocabulary", create=False)

    def choose_top_level():
        dialog = QApplication.activeModalWidget()
        assert dialog.objectName() == "moveDeckDialog"
        dialog.select(0)
        dialog.accept()

    window.select_deck(arabic)
    QTimer.singleShot(0, choose_top_level)
    menu_action(window.build_deck_menu(), "Move To…").trigger()
    assert "Arabic Vocabulary" in window.deck_names()
    assert col.decks.get(arabic).name == "Arabic Vocabulary"


def test_moving_a_deck_under_itself_is_refused_and_a_taken_name_gets_a_plus(window):
    col = window.col
    sample = col.decks.id("Sample Deck", create=False)
    arabic = col.decks.id("Sample Deck::Arabic Vocabulary", create=False)
    undo = col.undo_name()
    window.move_deck(sample, arabic)
    assert window.warnings == ["cannot move deck 'Sample Deck' under itself"]
    assert col.undo_name() == undo and "Sample Deck" in window.deck_names()
    col.decks.id("Arabic Vocabulary")
    window.move_deck(arabic, None)  # to the top level, where the name is taken
    assert "Arabic Vocabulary+" in window.deck_names()
    assert window.actions_["undo"].text() == "Undo Move Deck"


def test_deleting_a_deck_says_how_many_cards_went(window):
    col = window.col
    sample = col.decks.id("Sample Deck", create=False)
    count = col.decks.card_count(sample)
    assert count > 0
    window.select_deck(sample)
    menu_action(window.build_deck_menu(), "Delete").trigger()
    assert window.statusBar().currentMessage() == f"{count} cards deleted."
    assert col.db.execute("SELECT count() FROM cards").fetchone()[0] == 0


def test_collapsing_a_deck_is_stored_and_undoable(window):
    col = window.col
    sample = col.decks.id("Sample Deck", create=False)
    window.deck_tree.item_for(sample).setExpanded(False)
    assert col.decks.get(sample).collapsed
    assert window.actions_["undo"].text() == "Undo Expand/Collapse"
    window.refresh()
    assert not window.deck_tree.item_for(sample).isExpanded()


def test_shortcuts_are_anki_s(window, qtbot):
    shortcuts = {key: a.shortcut().toString() for key, a in window.actions_.items()}
    assert shortcuts["decks"] == "/"
    assert shortcuts["add"] == "A"
    assert shortcuts["browse"] == "B"
    assert shortcuts["study"] == "S"
    assert shortcuts["sync"] == "Y"
    assert shortcuts["undo"] == "Ctrl+Z"
    window.activateWindow()
    qtbot.keyClick(window.deck_tree, Qt.Key.Key_A)
    assert window.add_dialog is not None and window.add_dialog.isVisible()
    window.add_dialog.close()


def test_screens_without_an_engine_are_disabled_not_faked(window):
    for key in ("sync",):
        assert not window.actions_[key].isEnabled(), key
        assert window.actions_[key].toolTip(), key
    for key in ("study", "browse", "empty_cards", "import", "export", "preferences",
                "switch_profile", "addons"):
        assert window.actions_[key].isEnabled(), key


def test_window_geometry_is_remembered_per_profile(qtbot, tmp_path):
    host = Host(tmp_path).open()
    window = MainWindow(host)
    qtbot.addWidget(window)
    window.show()
    window.resize(700, 500)
    sample = host.col.decks.id("Sample Deck::Arabic Vocabulary", create=False)
    window.select_deck(sample)
    window.close()
    state = json.loads((tmp_path / "User 1" / STATE_FILE).read_text())
    assert state["main"]["current_deck"] == sample

    again = MainWindow(Host(tmp_path).open())
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (700, 500)
    assert again.deck_tree.current_deck_id() == sample
    again.close()


def test_switch_profile_reopens_the_window_on_another_collection(window, tmp_path):
    window.host.profiles.create("Second", with_sample=False)
    window.switch_profile("Second")
    assert window.windowTitle() == "Second - Repetend"
    assert window.deck_names() == ["Default"]
    assert (tmp_path / "User 1" / STATE_FILE).exists()


def test_empty_cards_tool_deletes_in_one_undoable_step(window, screenshot_dir):
    col = window.col
    note = col.new_note("Basic (and reversed card)")
    note["Front"], note["Back"] = "front", "back"
    col.add_note(note, DEFAULT_DECK_ID)
    note["Back"] = ""
    col.update_note(note)
    menu_action(window.menus["tools"], "Empty Cards…").trigger()
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.objectName() == "emptyCardsDialog" and w.isVisible())
    assert "front: 1 of 2 cards empty (Card 2)." in dialog.text.toPlainText()
    assert dialog.grab().save(str(screenshot_dir / "empty-cards.png"))
    dialog.delete_button.click()
    assert len(col.cards_of_note(note.id)) == 1
    assert window.actions_["undo"].text() == "Undo Empty Cards"
    assert "1 card deleted." in window.statusBar().currentMessage()


def test_preferences_are_saved_as_one_step(window, screenshot_dir):
    dialog = window.preferences()
    assert dialog.grab().save(str(screenshot_dir / "preferences.png"))
    dialog.widgets["rollover"].setValue(6)
    dialog.widgets["collapseTime"].setValue(30)
    dialog.accept()
    assert window.col.get_config("rollover") == 6
    assert window.col.get_config("collapseTime") == 1800
    assert window.actions_["undo"].text() == "Undo Change Preferences"


class MenuAddon:
    """An add-on with a Tools entry, a broken Help entry and a window listener."""

    def __init__(self):
        self.windows = []
        self.ran = []

    @hookimpl
    def main_window_did_init(self, window):
        self.windows.append(window)

    @hookimpl
    def register_main_menu_actions(self, register):
        register(MenuAction("menuaddon.hello", "Say Hello", self.ran.append, menu="tools",
                            shortcut="Ctrl+Shift+H"))
        register(MenuAction("menuaddon.broken", "Broken", lambda window: 1 / 0, menu="help"))

    @hookimpl
    def editor_will_load_note(self, note, col):
        if len(note.fields) > 1 and not note.fields[1]:
            note.fields[1] = "filled by add-on"


def test_add_ons_add_menu_entries_and_hear_about_the_window(qtbot, tmp_path):
    host = Host(tmp_path).open()
    addon = MenuAddon()
    assert host.plugins.register_plugin(addon, "menuaddon")
    window = MainWindow(host)
    qtbot.addWidget(window)
    assert addon.windows == [window]
    hello = menu_action(window.menus["tools"], "Say Hello")
    assert hello.shortcut().toString() == "Ctrl+Shift+H"
    assert hello.toolTip() == "From menuaddon"
    hello.trigger()
    assert addon.ran == [window]
    menu_action(window.menus["help"], "Broken").trigger()  # contained, named
    assert [(e.plugin_name, type(e.exception)) for e in host.plugins.errors] == [
        ("menuaddon", ZeroDivisionError)]
    assert window.host.col is not None

    # The editor asks the add-on before showing a note.
    dialog = window.open_add()
    qtbot.waitUntil(lambda: dialog.editor.ready, timeout=8000)
    assert dialog.editor.note.fields[1] == "filled by add-on"
    dialog.close()
    window.close()


class VocabFormat:
    """An add-on format: `word = meaning` lines in, the deck's notes out."""

    def __init__(self):
        self.imported = []

    @hookimpl
    def register_importers(self, register):
        def run(col, path):
            with col.op("Import"):
                lines = [x for x in path.read_text().splitlines() if x.strip()]
                for line in lines:
                    note = col.new_note("Basic")
                    note.fields = [part.strip() for part in line.split("=")]
                    col.add_note(note, col.decks.id("Vocab"))
            return ImportSummary(notes_added=len(lines), messages=("from a text file",))

        register(Importer("Vocabulary list", (".vocab",), run))
        register(Importer("Broken list", (".broken",), lambda col, path: 1 / 0))

    @hookimpl
    def importing_did_import(self, col, path, summary):
        self.imported.append((path.name, summary.notes_added))

    @hookimpl
    def register_exporters(self, register):
        def run(col, path, deck_id):
            notes = [col.get_note(n) for n in col.note_ids()]
            if deck_id is not None:
                keep = {c for c in col.card_ids(deck_id)}
                notes = [n for n in notes if {c.id for c in col.cards_of_note(n.id)} & keep]
            path.write_text("".join(f"{n.fields[0]} = {n.fields[1]}\n" for n in notes))

        register(Exporter("Vocabulary list", ".vocab", run))


@pytest.fixture
def vocab_window(qtbot, tmp_path):
    host = Host(tmp_path).open()
    addon = VocabFormat()
    host.plugins.register_plugin(addon, "vocab")
    win = MainWindow(host)
    qtbot.addWidget(win)
    win.messages = []
    win.warn = win.inform = win.messages.append
    win.show()
    win.addon = addon
    yield win
    win.close()


def test_file_import_uses_the_registered_importers(vocab_window, tmp_path):
    window = vocab_window
    path = tmp_path / "words.vocab"
    path.write_text("perro = dog\ngato = cat\n")

    def pick_file():
        dialog = QApplication.activeModalWidget()
        assert dialog.objectName() == "importFileDialog"
        assert "Vocabulary list (*.vocab)" in dialog.nameFilters()
        dialog.selectFile(str(path))
        dialog.accept()

    QTimer.singleShot(0, pick_file)
    menu_action(window.menus["file"], "Import…").trigger()
    assert "Vocab" in window.deck_names()
    assert window.messages == ["2 notes added.\nfrom a text file"]
    assert window.addon.imported == [("words.vocab", 2)]
    assert window.actions_["undo"].text() == "Undo Import"


def test_a_failing_importer_is_named_and_contained(vocab_window, tmp_path):
    path = tmp_path / "x.broken"
    path.write_text("")
    from repetend.host.gui import transfer

    assert transfer.import_path(vocab_window, path) is None
    assert vocab_window.messages == [
        "Import failed in vocab: ZeroDivisionError: division by zero"]
    assert transfer.import_path(vocab_window, tmp_path / "x.unknown") is None
    assert vocab_window.messages[-1] == "No importer reads .unknown files."


def test_file_export_writes_the_chosen_deck(vocab_window, tmp_path):
    window = vocab_window
    col = window.col
    note = col.new_note("Basic")
    note.fields = ["uno", "one"]
    spanish = col.decks.id("Spanish")
    col.add_note(note, spanish)
    window.refresh()
    window.select_deck(spanish)
    out = tmp_path / "spanish.vocab"

    def choose_format():
        dialog = QApplication.activeModalWidget()
        assert dialog.objectName() == "exportDialog"
        dialog.format.setCurrentIndex(dialog.format.findText("Vocabulary list (.vocab)"))
        assert dialog.deck_id() == spanish
        QTimer.singleShot(0, choose_file)
        dialog.accept()

    def choose_file():
        dialog = QApplication.activeModalWidget()
        assert dialog.objectName() == "exportFileDialog"
        dialog.selectFile(str(out))
        dialog.accept()

    QTimer.singleShot(0, choose_format)
    menu_action(window.build_deck_menu(), "Export…").trigger()
    assert out.read_text() == "uno = one\n"
    assert "Exported spanish.vocab." in window.statusBar().currentMessage()
