"""The main window: the deck list, a deck's overview, the menus and Anki's shortcuts.

Every change goes through one collection operation, so the Edit menu can undo it by name
("Undo Add Deck"), and the window rebuilds what it shows from the collection afterwards.
Screens whose engines do not exist yet (sync) have their actions in place
but disabled, with a tooltip saying why — never a fake. Studying swaps the reviewer plugin's
screen in for the deck list (`s`, "Study Now"); Escape or `/` brings the deck list back.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from repetend.core.decks import DEFAULT_DECK_ID, SEPARATOR
from repetend.core.errors import NotFoundError, RepetendError
from repetend.host.app import Host
from repetend.host.gui import transfer
from repetend.host.gui.decklist import DeckRow, deck_tree, flatten
from repetend.host.gui.decktree import TOP_LEVEL, DeckTree
from repetend.host.gui.dialogs import (
    EmptyCardsDialog,
    MoveDeckDialog,
    PreferencesDialog,
    ProfilesDialog,
)
from repetend.host.gui.state import GuiState
from repetend.host.qt import (
    QAction,
    QApplication,
    QByteArray,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QKeySequence,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPoint,
    QPushButton,
    QSplitter,
    QStackedWidget,
    Qt,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

NOT_YET = {
    "sync": "Sync is not available.",
}


class OverviewPane(QWidget):
    """The selected deck: its name, numbers, description and "Study Now"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overview")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        self.title = QLabel("", self)
        self.title.setObjectName("overviewTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.counts = QLabel("", self)
        self.counts.setObjectName("overviewCounts")
        self.counts.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.counts.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.counts)
        self.study_button = QPushButton("Study Now", self)
        self.study_button.setObjectName("studyNow")
        self.study_button.setMinimumWidth(160)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.study_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.note = QLabel("", self)
        self.note.setObjectName("studyNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.note.setStyleSheet("color: #777;")
        layout.addWidget(self.note)
        self.description = QLabel("", self)
        self.description.setObjectName("overviewDescription")
        self.description.setWordWrap(True)
        self.description.setTextFormat(Qt.TextFormat.RichText)
        self.description.setOpenExternalLinks(False)
        self.description.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.description)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.options_button = QPushButton("Options", self)
        self.options_button.setObjectName("deckOptions")
        buttons.addStretch(1)
        buttons.addWidget(self.options_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def show_deck(self, row: DeckRow | None, description: str, study_enabled: bool,
                  study_note: str) -> None:
        if row is None:
            self.title.setText("No deck selected")
            self.counts.setText("")
            self.description.setText("")
            self.study_button.setEnabled(False)
            self.note.setText("")
            return
        self.title.setText(row.name.replace(SEPARATOR, " :: "))
        if row.due is not None:
            new, learn, review = row.due
            self.counts.setText(
                f"<table align=center cellspacing=4><tr><td>New:</td>"
                f"<td align=right><b style='color:#1f6fd0'>{new}</b></td></tr>"
                f"<tr><td>Learning:</td><td align=right><b style='color:#c0392b'>{learn}</b>"
                f"</td></tr><tr><td>To Review:</td><td align=right>"
                f"<b style='color:#2e8b3e'>{review}</b></td></tr></table>"
                f"<p align=center style='color:#777'>{row.card_count} cards in total</p>")
        else:
            word = "card" if row.card_count == 1 else "cards"
            self.counts.setText(f"<p align=center>{row.card_count} {word}</p>")
        self.description.setText(description)
        self.study_button.setEnabled(study_enabled)
        self.note.setText(study_note)


class MainWindow(QMainWindow):
    """The deck list of the open profile, with the menus and shortcuts Anki users know."""

    def __init__(self, host: Host) -> None:
        super().__init__()
        self.host = host
        self.setObjectName("mainWindow")
        self.state = GuiState(host.profile.folder)
        self.actions_: dict[str, QAction] = {}
        self.add_dialog: Any = None
        self._edit_dialogs: list[Any] = []
        self.browser: Any = None
        #: How messages and questions reach the user; tests replace them.
        self.warn: Callable[[str], None] = self._warn
        self.inform: Callable[[str], None] = self._inform
        self.ask_yes_no: Callable[[str], bool] = self._ask_yes_no
        self.choose: Callable[[str, str, list[str]], str | None] = self._choose
        self._rows: list[DeckRow] = []
        self._plugin_actions: list[tuple[QMenu, QAction]] = []
        #: The reviewer screen while studying (repetend.plugins.reviewer), else None.
        self.reviewer: Any = None
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_central()
        self.statusBar().setObjectName("statusBar")
        self._apply_profile()
        self.restore_state()
        self._plugins_ready()
        from repetend.host.gui.addons_ui import AddonsUi

        #: Tools > Add-ons, add-on error notices and the bisect wizard (addons_ui.py).
        self.addons_ui = AddonsUi(self)
        from repetend.host.gui.backups import BackupsUi

        #: File > Create Backup / Open Backup… and the 5-minute backup timer (backups.py).
        self.backups_ui = BackupsUi(self)

    # --- building -----------------------------------------------------------------------

    def _action(self, key: str, text: str, slot: Callable[[], Any] | None,
                shortcut: str | QKeySequence.StandardKey | None = None,
                enabled: bool = True) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{key}")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if slot is not None:
            action.triggered.connect(lambda _checked=False: slot())
        if not enabled:
            action.setEnabled(False)
            action.setToolTip(NOT_YET.get(key, ""))
            action.setStatusTip(NOT_YET.get(key, ""))
        self.addAction(action)  # shortcuts work even when the action is in no visible menu
        self.actions_[key] = action
        return action

    def _build_actions(self) -> None:
        a = self._action
        a("switch_profile", "Switch Profile…", self.switch_profile_dialog, "Ctrl+Shift+P")
        a("import", "Import…", lambda: transfer.choose_import_file(self), "Ctrl+Shift+I")
        a("export", "Export…", lambda: transfer.choose_export(self), "Ctrl+E")
        a("create_backup", "Create Backup", lambda: self.backups_ui.create_backup(), "Ctrl+Alt+B")
        a("open_backup", "Open Backup…", lambda: self.backups_ui.open_backup())
        a("quit", "Exit", self.close, "Ctrl+Q")
        a("undo", "Undo", self.undo, QKeySequence.StandardKey.Undo)
        a("redo", "Redo", self.redo, "Ctrl+Shift+Z")
        a("decks", "Decks", self.show_decks, "/")
        a("add", "Add", self.open_add, "A")
        a("browse", "Browse", self.browse, "B")
        a("study", "Study Deck", self.study, "S")
        a("sync", "Sync", None, "Y", enabled=False)
        a("create_deck", "Create Deck…", lambda: self.create_deck())
        a("addons", "Add-ons…", lambda: self.addons_ui.open_dialog(), "Ctrl+Shift+A")
        a("check_database", "Check Database", self.check_database)
        a("check_media", "Check Media…", self.check_media)
        a("empty_cards", "Empty Cards…", self.empty_cards)
        a("preferences", "Preferences…", self.preferences, "Ctrl+P")
        a("about", "About Repetend…", self.about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for key in ("switch_profile", None, "import", "export", None, "create_backup",
                    "open_backup", None, "quit"):
            file_menu.addSeparator() if key is None else file_menu.addAction(self.actions_[key])
        self.edit_menu = bar.addMenu("&Edit")
        self.edit_menu.addAction(self.actions_["undo"])
        self.edit_menu.addAction(self.actions_["redo"])
        self.edit_menu.aboutToShow.connect(self.update_undo_actions)
        go_menu = bar.addMenu("&Go")
        for key in ("decks", "add", "browse", "study", "create_deck"):
            go_menu.addAction(self.actions_[key])
        tools = bar.addMenu("&Tools")
        for key in ("addons", None, "check_database", "check_media", "empty_cards", None,
                    "preferences"):
            tools.addSeparator() if key is None else tools.addAction(self.actions_[key])
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.actions_["about"])
        self.menus = {"file": file_menu, "edit": self.edit_menu, "go": go_menu, "tools": tools,
                      "help": help_menu}

    def _plugins_ready(self) -> None:
        """Add the plugins' menu entries, then tell them the window is built (hooks.main_window)."""
        for menu, action in self._plugin_actions:
            menu.removeAction(action)
            action.deleteLater()
        self._plugin_actions = []
        for contribution in self.host.plugins.register_main_menu_actions():
            entry = contribution.value
            menu = self.menus[entry.menu]
            if not any(m is menu for m, _a in self._plugin_actions):
                self._plugin_actions.append((menu, menu.addSeparator()))
            action = QAction(entry.label, self)
            action.setObjectName(f"plugin_{entry.name}")
            action.setToolTip(f"From {contribution.plugin_name}")
            if entry.shortcut:
                action.setShortcut(QKeySequence(entry.shortcut))
            action.triggered.connect(
                lambda _checked=False, c=contribution: self.run_plugin_action(c))
            menu.addAction(action)
            self._plugin_actions.append((menu, action))
        self.host.plugins.main_window_did_init(self)

    def run_plugin_action(self, contribution: Any) -> None:
        """Run a plugin's menu entry; an exception is reported against the plugin, contained."""
        self.host.plugins.call_contribution(contribution, "run", self, default=None)
        if self.host.col is not None:
            self.refresh()

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main", self)
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for key in ("decks", "add", "browse", "sync"):
            bar.addAction(self.actions_[key])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _build_central(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        self.banner = QLabel("Safe mode: add-ons and scheduling scripts are turned off.",
                             central)
        self.banner.setObjectName("safeModeBanner")
        self.banner.setStyleSheet("background: #fff3cd; padding: 6px;")
        layout.addWidget(self.banner)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setObjectName("mainSplitter")
        left = QWidget(self.splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.deck_tree = DeckTree(left)
        self.deck_tree.currentItemChanged.connect(lambda *_: self.update_overview())
        self.deck_tree.itemActivated.connect(lambda *_: self.study())
        self.deck_tree.customContextMenuRequested.connect(self.deck_menu)
        self.deck_tree.deck_dropped.connect(self.move_deck)
        self.deck_tree.deck_collapsed.connect(self.set_collapsed)
        left_layout.addWidget(self.deck_tree, 1)
        row = QHBoxLayout()
        self.create_button = QPushButton("Create Deck", left)
        self.create_button.setObjectName("createDeckButton")
        self.create_button.clicked.connect(lambda: self.create_deck())
        row.addWidget(self.create_button)
        row.addStretch(1)
        left_layout.addLayout(row)
        self.overview = OverviewPane(self.splitter)
        self.overview.study_button.clicked.connect(self.study)
        self.overview.options_button.clicked.connect(lambda: self.deck_options())
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.overview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)
        # The deck list, or the reviewer while studying.
        self.screens = QStackedWidget(self)
        self.screens.setObjectName("screens")
        self.screens.addWidget(central)
        self.setCentralWidget(self.screens)

    def _apply_profile(self) -> None:
        self.setWindowTitle(f"{self.host.profile.name} - Repetend")
        self.banner.setVisible(self.host.safe_mode)
        self.resize(900, 560)
        self.refresh()

    # --- state per profile --------------------------------------------------------------

    def restore_state(self) -> None:
        """Geometry, splitter and selected deck as this profile last left them."""
        main = self.state.section("main")
        geometry = main.get("geometry")
        if isinstance(geometry, str):
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        splitter = main.get("splitter")
        if isinstance(splitter, str):
            self.splitter.restoreState(QByteArray.fromBase64(splitter.encode("ascii")))
        deck = main.get("current_deck")
        if isinstance(deck, int):
            self.select_deck(deck)

    def save_state(self) -> None:
        main = self.state.section("main")
        main["geometry"] = _b64(self.saveGeometry())
        main["splitter"] = _b64(self.splitter.saveState())
        deck = self.deck_tree.current_deck_id()
        if deck is not None:
            main["current_deck"] = deck
        try:
            self.state.save()
        except OSError as exc:  # a read-only profile folder must not stop the app closing
            print(f"repetend: could not save window state: {exc}", file=sys.stderr)

    # --- showing ----------------------------------------------------------------------

    @property
    def col(self):  # noqa: ANN201 - Collection
        assert self.host.col is not None
        return self.host.col

    def refresh(self) -> None:
        """Rebuild the deck list, the overview and the undo actions from the collection."""
        selected = self.deck_tree.current_deck_id()
        self._rows = deck_tree(self.col)
        with_due = any(r.due is not None for r in flatten(self._rows))
        if selected is None or not any(r.id == selected for r in flatten(self._rows)):
            current = self.col.get_config("curDeck", DEFAULT_DECK_ID)
            shown = [r.id for r in flatten(self._rows)]
            selected = current if current in shown else (shown[0] if shown else None)
        self.deck_tree.fill(self._rows, with_due, selected)
        self.update_overview()
        self.update_undo_actions()
        if self.reviewer is not None:  # e.g. undo from the menu, the note edited
            self.reviewer.refresh()

    def row_for(self, deck_id: int | None) -> DeckRow | None:
        return next((r for r in flatten(self._rows) if r.id == deck_id), None)

    def update_overview(self) -> None:
        row = self.row_for(self.deck_tree.current_deck_id())
        description = ""
        if row is not None:
            try:
                description = self.col.decks.get(row.id).description
            except NotFoundError:
                pass
        self.overview.show_deck(row, description, row is not None, "")

    def update_undo_actions(self) -> None:
        """Name the step Undo and Redo would reverse, as Anki's Edit menu does."""
        undo_name, redo_name = self.col.undo_name(), self.col.redo_name()
        undo, redo = self.actions_["undo"], self.actions_["redo"]
        undo.setText(f"Undo {undo_name}" if undo_name else "Undo")
        undo.setEnabled(undo_name is not None)
        redo.setText(f"Redo {redo_name}" if redo_name else "Redo")
        redo.setEnabled(redo_name is not None)

    def deck_names(self) -> list[str]:
        """Every deck shown, as full names (for tests and accessibility tools)."""
        return [DeckTree.full_name(item) for item in self.deck_tree.items()]

    def select_deck(self, deck_id: int) -> bool:
        item = self.deck_tree.item_for(deck_id)
        if item is None:
            return False
        self.deck_tree.setCurrentItem(item)
        return True

    def show_decks(self) -> None:
        """`/`: back to the deck list, keyboard in the tree."""
        if self.reviewer is not None:
            self.close_reviewer()
        self.deck_tree.setFocus()

    def status(self, text: str) -> None:
        self.statusBar().showMessage(text, 5000)

    def _warn(self, text: str) -> None:
        QMessageBox.warning(self, "Repetend", text)

    def _inform(self, text: str) -> None:
        QMessageBox.information(self, "Repetend", text)

    def _ask_yes_no(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Repetend", text)
        return answer == QMessageBox.StandardButton.Yes

    def _choose(self, title: str, label: str, items: list[str]) -> str | None:
        item, ok = QInputDialog.getItem(self, title, label, items, 0, False)
        return item if ok else None

    # --- changing things: each one undoable step ---------------------------------------

    def run_op(self, func: Callable[[], Any], done: str | None = None) -> Any:
        """Run one collection change; report a refused change, then show the new state."""
        self.save_editors()
        try:
            result = func()
        except RepetendError as exc:
            self.warn(str(exc))
            self.refresh()
            return None
        self.refresh()
        if done:
            self.status(done)
        return result

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        dialog = QInputDialog(self)
        dialog.setObjectName("textPrompt")
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        value = dialog.textValue().strip()
        return value or None

    def create_deck(self, name: str | None = None, parent_id: int | None = None) -> int | None:
        """Create a deck (asks its name unless given); selects it."""
        if name is None:
            name = self.ask_text("Create Deck", "New deck name:")
            if name is None:
                return None
        if parent_id:
            name = self.col.decks.get(parent_id).name + SEPARATOR + name
        try:
            self.col.decks.id(name, create=False)
        except NotFoundError:
            pass
        except RepetendError as exc:
            self.warn(str(exc))
            return None
        else:
            self.warn("That deck already exists.")
            return None
        did = self.run_op(lambda: self.col.decks.id(name))
        if did is not None:
            self.select_deck(did)
        return did

    def rename_deck(self, deck_id: int | None = None, new_name: str | None = None) -> None:
        deck_id = deck_id or self.deck_tree.current_deck_id()
        if deck_id is None:
            return
        if new_name is None:
            new_name = self.ask_text("Rename Deck", "New deck name:",
                                     self.col.decks.get(deck_id).name)
            if new_name is None:
                return
        self.run_op(lambda: self.col.decks.rename(deck_id, new_name))
        self.select_deck(deck_id)

    def delete_deck(self, deck_id: int | None = None) -> None:
        """Delete a deck, its subdecks and cards at once — undoable, so no question (Anki)."""
        deck_id = deck_id or self.deck_tree.current_deck_id()
        if deck_id is None:
            return
        removed = self.run_op(lambda: self.col.decks.remove([deck_id]))
        if removed is not None:
            self.status(f"{removed} card{'s' if removed != 1 else ''} deleted.")

    def move_deck(self, deck_id: int, parent_id: int | None) -> None:
        """Move a deck (with its subdecks) under `parent_id`, or to the top level for 0."""
        parent = None if parent_id in (TOP_LEVEL, None) else parent_id
        self.run_op(lambda: self.col.decks.move(deck_id, parent))
        self.select_deck(deck_id)

    def move_deck_dialog(self, deck_id: int | None = None) -> None:
        deck_id = deck_id or self.deck_tree.current_deck_id()
        if deck_id is None:
            return
        dialog = MoveDeckDialog(self.col, deck_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.target() is not None:
            self.move_deck(deck_id, dialog.target())

    def set_collapsed(self, deck_id: int, collapsed: bool) -> None:
        deck = self.col.decks.get(deck_id)
        if deck.collapsed == collapsed:
            return
        deck.collapsed = collapsed

        def save() -> None:
            with self.col.op("Expand/Collapse"):
                self.col.decks.save(deck)

        try:
            save()
        except RepetendError as exc:
            self.warn(str(exc))
        self.update_undo_actions()

    def undo(self) -> None:
        self._reverse(redo=False)

    def redo(self) -> None:
        self._reverse(redo=True)

    def save_editors(self) -> None:
        """Store what is typed in the browser's editor before the collection changes here:
        left pending, it would be written back later over the change (an undone step came
        back when the browser was next used)."""
        if self.browser is not None:
            self.browser.editor_pane.save()

    def _reverse(self, redo: bool) -> None:
        self.save_editors()  # typing in the browser is the latest step, as in Anki
        if (self.col.redo_name() if redo else self.col.undo_name()) is None:
            return
        if redo:
            name = self.run_op(self.col.redo)
        else:
            # The scheduler's undo also puts an undone answer's card back in front.
            sched_undo = getattr(getattr(self.col, "sched", None), "undo", None)
            name = self.run_op(sched_undo or self.col.undo)
        if name:
            self.status(f"{'Redid' if redo else 'Undid'}: {name}")

    # --- menus and other screens ---------------------------------------------------------

    def deck_menu(self, pos: QPoint) -> None:
        item = self.deck_tree.itemAt(pos)
        if item is None:
            return
        self.deck_tree.setCurrentItem(item)
        menu = self.build_deck_menu()
        menu.exec(self.deck_tree.viewport().mapToGlobal(pos))

    def deck_options(self, deck_id: int | None = None) -> Any:
        """The Deck options dialog of the selected deck (refreshes the list when saved)."""
        from repetend.host.gui.deck_options import open_deck_options

        deck_id = deck_id or self.deck_tree.current_deck_id()
        if deck_id is None:
            return None
        dialog = open_deck_options(self, self.col, deck_id)
        dialog.accepted.connect(self.refresh)
        return dialog

    def build_deck_menu(self) -> QMenu:
        """The context menu of the selected deck."""
        menu = QMenu(self)
        menu.setObjectName("deckMenu")
        menu.addAction("Rename…", lambda: self.rename_deck())
        menu.addAction("Move To…", lambda: self.move_deck_dialog())
        menu.addAction("New Subdeck…",
                       lambda: self.create_deck(parent_id=self.deck_tree.current_deck_id()))
        menu.addAction("Options", lambda: self.deck_options())
        menu.addAction("Export…", lambda: transfer.choose_export(
            self, self.deck_tree.current_deck_id()))
        menu.addSeparator()
        menu.addAction("Delete", lambda: self.delete_deck())
        return menu

    def _before_editor_loads(self, note: Any) -> None:
        self.host.plugins.editor_will_load_note(note, self.col)

    def open_add(self) -> Any:
        """`a`: the Add dialog, for the selected deck (one Add window, raised if open)."""
        from repetend.plugins.editor import open_add_dialog

        if self.add_dialog is not None:
            self.add_dialog.raise_()
            self.add_dialog.activateWindow()
            return self.add_dialog
        self.add_dialog = open_add_dialog(self.col, self, deck_id=self.deck_tree.current_deck_id(),
                                          on_change=self.refresh,
                                          state=self.state.section("editor"),
                                          before_load=self._before_editor_loads)
        self.add_dialog.destroyed.connect(self._add_dialog_gone)
        return self.add_dialog

    def _add_dialog_gone(self) -> None:
        self.add_dialog = None

    def open_edit(self, note_id: int) -> Any:
        from repetend.plugins.editor import open_edit_dialog

        self.save_editors()  # it shows the note as stored
        for dialog in self._edit_dialogs:  # one window per note: two would overwrite edits
            if dialog.note.id == note_id:
                dialog.raise_()
                dialog.activateWindow()
                return dialog
        dialog = open_edit_dialog(self.col, note_id, self, on_change=self.refresh,
                                  state=self.state.section("editor"),
                                  before_load=self._before_editor_loads)
        # Kept until it closes, so closing the collection saves its edits first.
        self._edit_dialogs.append(dialog)
        dialog.finished.connect(lambda _result, d=dialog: self._edit_dialog_gone(d))
        return dialog

    def _edit_dialog_gone(self, dialog: Any) -> None:
        if dialog in self._edit_dialogs:
            self._edit_dialogs.remove(dialog)

    def browse(self, search: str | None = None) -> Any:
        """`b`: the Browse window (the browser plugin's; one window, raised if open).
        While studying it shows the card on screen, as Anki's reviewer does."""
        card_id = None
        if search is None and self.reviewer is not None \
                and self.screens.currentWidget() is self.reviewer:
            card_id = self.reviewer.current_card_id()
        if self.browser is not None:
            if card_id is not None:
                self.browser.show_card(card_id)
            self.browser.raise_()
            self.browser.activateWindow()
            return self.browser
        from repetend.plugins.browser.open import open_browser

        self.browser = open_browser(self.col, self.host.plugins, self,
                                    state=self.state.section("browser"),
                                    on_change=self.refresh, undo=self.undo, redo=self.redo,
                                    search=search, card_id=card_id)
        self.browser.closed.connect(self._browser_gone)
        return self.browser

    def _browser_gone(self) -> None:
        self.browser = None

    def about(self) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("repetend")
        except PackageNotFoundError:
            number = "(development)"
        QMessageBox.about(self, "About Repetend",
                          f"<b>Repetend</b> {number}<br>Spaced repetition, compatible with Anki, "
                          "built around plugins.")

    def study(self) -> Any:
        """`s` / "Study Now": review the selected deck in the reviewer plugin's screen."""
        if self.reviewer is not None:
            return self.reviewer
        deck_id = self.deck_tree.current_deck_id()
        if deck_id is None:
            return None
        from repetend.plugins.reviewer import open_reviewer

        self.reviewer = open_reviewer(self.col, self.host.plugins, deck_id, self.screens,
                                      edit_note=self.open_edit)
        self.reviewer.closed.connect(self.close_reviewer)
        self.reviewer.changed.connect(self.update_undo_actions)
        self.screens.addWidget(self.reviewer)
        self.screens.setCurrentWidget(self.reviewer)
        self.reviewer.start()
        return self.reviewer

    def close_reviewer(self) -> None:
        """Back from studying to the deck list, with fresh counts."""
        reviewer, self.reviewer = self.reviewer, None
        if reviewer is None:
            return
        reviewer.stop()
        self.screens.setCurrentIndex(0)
        self.screens.removeWidget(reviewer)
        reviewer.deleteLater()
        if self.host.col is not None:
            self.refresh()
            self.deck_tree.setFocus()

    def empty_cards(self) -> EmptyCardsDialog:
        dialog = EmptyCardsDialog(self.col, self.col.empty_cards(), self)
        dialog.finished.connect(lambda _result: self._after_empty_cards(dialog))
        dialog.open()
        return dialog

    def _after_empty_cards(self, dialog: EmptyCardsDialog) -> None:
        self.refresh()
        if dialog.deleted is not None:
            self.status(f"{dialog.deleted} card{'s' if dialog.deleted != 1 else ''} deleted.")

    def check_database(self) -> Any:
        """Tools > Check Database: repair (one undoable step), show the report, refresh."""
        from repetend.core.dbcheck import check_database
        from repetend.host.gui.check_dialogs import ReportDialog

        self.close_reviewer()
        try:
            _backup, failed = self.host.backup_before_repair()
            if failed:
                self.status(f"The backup before checking failed: {failed}")
            result = check_database(self.col)
        except RepetendError as exc:
            self.warn(str(exc))
            return None
        self.refresh()
        dialog = ReportDialog("Check Database", result.text, self)
        dialog.open()
        return dialog

    def check_media(self) -> Any:
        """Tools > Check Media: the report and its buttons (check_dialogs.py)."""
        from repetend.host.gui.check_dialogs import MediaCheckDialog

        dialog = MediaCheckDialog(self.col, self, on_change=self.refresh)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()
        return dialog

    def preferences(self) -> PreferencesDialog:
        dialog = PreferencesDialog(self.col, self)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()
        return dialog

    def switch_profile_dialog(self) -> None:
        dialog = ProfilesDialog(self.host.profiles, self.host.profile.name, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen():
            self.switch_profile(dialog.chosen())

    def switch_profile(self, name: str) -> None:
        """Close this profile (saving its window state) and open `name` in this window."""
        if name == self.host.profile.name:
            return
        self.reopen(name)

    def reopen(self, name: str | None = None, *, safe_mode: bool | None = None) -> None:
        """Close the open profile and open `name` (by default the same one again) in this
        window: switching profiles, and the restart add-on changes need (the new Host
        imports each enabled add-on afresh)."""
        # Constructing the host checks the name before anything is closed.
        new_host = Host(self.host.profiles.base, name or self.host.profile.name,
                        self.host.safe_mode if safe_mode is None else safe_mode,
                        disabled_addons=self.host.disabled_addons,
                        quarantine=self.host.quarantine)
        if not self._close_dialogs():
            return
        self.save_state()
        old = self.host
        old.close(backup=True)  # closing a profile backs it up, as in Anki
        try:
            self.host = new_host.open()
        except (RepetendError, OSError, sqlite3.DatabaseError) as exc:
            # A collection that cannot open (damaged, locked): back to the one that did.
            new_host.close()
            self.host = Host(old.profiles.base, old.profile.name, old.safe_mode,
                             disabled_addons=old.disabled_addons,
                             quarantine=old.quarantine).open()
            self.warn(f"The profile {new_host.profile.name} could not be opened: {exc}")
        self.state = GuiState(self.host.profile.folder)
        self._apply_profile()
        self.restore_state()
        self._plugins_ready()  # another profile, other add-ons

    def _close_dialogs(self) -> bool:
        """Close the windows on the open collection; False (nothing closed) when the user
        keeps the Add window's unsaved input."""
        if self.add_dialog is not None:
            if not self.add_dialog.close():
                return False
            self.add_dialog = None
        for dialog in list(self._edit_dialogs):
            problem = dialog.close_now()
            if problem:
                self.warn(problem)
        self._edit_dialogs = []
        from repetend.host.gui.deck_options import DeckOptionsDialog

        for options in self.findChildren(DeckOptionsDialog):  # not modal: may be left open
            options.reject()
        self.close_reviewer()
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        return True

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        if not self._close_dialogs():
            event.ignore()
            return
        self.addons_ui.close_all()
        self.save_state()
        self.host.close(backup=True)
        super().closeEvent(event)


def _b64(data: QByteArray) -> str:
    return bytes(data.toBase64().data()).decode("ascii")


def run_app(base: Path | None, profile: str | None, safe_mode: bool, *,
            disabled_addons: tuple[str, ...] = (), quarantine: bool = True) -> int:
    """Open the profile and show the main window until it is closed.

    Holding Shift while the app starts enters safe mode for this run only.
    """
    from repetend.host.addons.safemode import shift_held

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Repetend")
    try:
        host = Host(base, profile, safe_mode or shift_held(), disabled_addons=disabled_addons,
                    quarantine=quarantine).open()
    except (RepetendError, OSError, sqlite3.DatabaseError) as exc:
        # Started from a desktop icon, nobody reads the terminal: say it in a window.
        print(f"repetend: error: {exc}", file=sys.stderr)
        QMessageBox.critical(None, "Repetend", f"The profile could not be opened:\n{exc}")
        return 1
    window = MainWindow(host)
    window.show()
    code = app.exec()
    # Destroy the window (and the web pages in its dialogs) before Qt's web profile goes.
    del window
    return code
