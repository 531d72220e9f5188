"""The Browse window: search bar, sidebar, the table of cards or notes, editor and preview.

Every operation works on the selected rows, runs as one collection operation (one undo
step, named as in Anki), then drops the table's cached cells so the rows repaint; the
selection stays. Undo (Ctrl+Z) goes through the main window's undo when one is given, so
both windows agree on what was undone. Add-ons' browser actions run contained: one that
raises is reported against its add-on and the window stays.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from repetend.core import browser_ops
from repetend.core.errors import RepetendError
from repetend.core.scheduler import cardops
from repetend.host.qt import (
    QAction,
    QByteArray,
    QComboBox,
    QDialog,
    QEvent,
    QHBoxLayout,
    QInputDialog,
    QItemSelection,
    QItemSelectionModel,
    QKeySequence,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPoint,
    QPushButton,
    QSplitter,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from repetend.plugins.browser import browser_actions, browser_table, run_browser_action
from repetend.plugins.browser.dialogs import (
    ALL_FIELDS,
    TAGS,
    CardInfoDialog,
    ChangeNotetypeDialog,
    DeckChooser,
    DuplicatesDialog,
    FindReplaceDialog,
    ForgetDialog,
    RepositionDialog,
)
from repetend.plugins.browser.sidebar import SidebarPane, combine
from repetend.plugins.browser.table_view import BrowserModel, BrowserTableView

if TYPE_CHECKING:
    from repetend.core.collection import Collection

HISTORY_SIZE = 30
FLAG_NAMES = ["Red", "Orange", "Green", "Blue", "Pink", "Turquoise", "Purple"]
_QUEUE_SUSPENDED = -1
_QUEUES_BURIED = (-2, -3)


class BrowserWindow(QMainWindow):
    """Anki's Browse window over one collection."""

    changed = Signal()
    """sig_collection_changed: an operation, an edit or an undo changed the collection."""

    closed = Signal()
    """sig_window_closed: the window closed (its state is saved; it is deleted soon)."""

    def __init__(self, col: Collection, plugins: Any = None, parent: QWidget | None = None, *,
                 state: dict[str, Any] | None = None,
                 on_change: Callable[[], None] | None = None,
                 undo: Callable[[], None] | None = None,
                 redo: Callable[[], None] | None = None,
                 search: str | None = None,
                 card_id: int | None = None) -> None:
        super().__init__(parent)
        self.col = col
        self.plugins = plugins
        self.state = state if state is not None else {}
        self.on_change = on_change
        self._external_undo = undo
        self._external_redo = redo
        self.setObjectName("browserWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setWindowTitle("Browse")
        self.resize(1100, 680)
        #: How messages and questions reach the user; tests replace them.
        self.warn: Callable[[str], None] = lambda text: QMessageBox.warning(self, "Browse", text)
        self.ask_yes_no: Callable[[str], bool] = self._ask_yes_no
        self.ask_text: Callable[[str, str, str], str | None] = self._ask_text
        self.actions_: dict[str, QAction] = {}
        self.addon_actions: list[QAction] = []
        self.preview: Any = None
        self.query = ""
        self._search_count = 0
        self._col_mod = self._collection_mod()

        notes_mode = bool(self.state.get("notes_mode", False))
        #: The rows: the browser plugin's table, with the add-ons' columns (contained).
        self.table = browser_table(col, plugins, notes_mode=notes_mode)
        self.model = BrowserModel(self.table, self)
        self._build_widgets()
        self._build_actions()
        self._build_menus()
        self._restore_layout()
        if card_id is not None:
            self.show_card(card_id)
        else:
            self.search(search if search is not None else self.state.get("last_search", ""))

    # --- building ---------------------------------------------------------------------

    def _build_widgets(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.search_box = QComboBox(central)
        self.search_box.setObjectName("searchBox")
        self.search_box.setEditable(True)
        self.search_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.search_box.setMaxCount(HISTORY_SIZE)
        self.search_box.addItems([h for h in self.state.get("history", []) if isinstance(h, str)])
        self.search_box.lineEdit().setPlaceholderText("Search (Enter); empty: whole collection")
        self.search_box.lineEdit().returnPressed.connect(lambda: self.search())
        self.search_box.activated.connect(self._history_chosen)
        top.addWidget(self.search_box, 1)
        self.mode_button = QPushButton(central)
        self.mode_button.setObjectName("modeSwitch")
        self.mode_button.setCheckable(True)
        self.mode_button.setChecked(self.table.notes_mode)
        self.mode_button.setToolTip("Switch between cards and notes (Ctrl+Alt+T)")
        self.mode_button.toggled.connect(self.set_notes_mode)
        top.addWidget(self.mode_button)
        layout.addLayout(top)
        self.search_error = QLabel("", central)
        self.search_error.setObjectName("searchError")
        self.search_error.setStyleSheet("color: #b00020;")
        self.search_error.setWordWrap(True)
        self.search_error.hide()
        layout.addWidget(self.search_error)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setObjectName("browserSplitter")
        self.sidebar_pane = SidebarPane(self.col, self.splitter)
        self.sidebar = self.sidebar_pane.tree
        self.sidebar_filter = self.sidebar_pane.filter
        self.sidebar.current_search = lambda: self.query
        self.sidebar.ask_text = lambda title, label, text: self.ask_text(title, label, text)
        self.sidebar.choose_deck = self._choose_merge_target
        self.sidebar.run_op = self.run_op
        self.sidebar.search_requested.connect(self._sidebar_search)
        self.sidebar.saved_searches_changed.connect(self._after_config_change)
        self.right = QSplitter(Qt.Orientation.Vertical, self.splitter)
        self.right.setObjectName("browserRightSplitter")
        self.view = BrowserTableView(self.right)
        widths = self.state.get("column_widths")
        if isinstance(widths, dict):
            self.view.widths = {str(k): int(v) for k, v in widths.items()
                                if isinstance(v, int) and v > 0}
        self.view.setModel(self.model)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.sort_requested.connect(self.sort_by)
        self.view.columns_requested.connect(self.set_columns)
        self.view.not_sortable.connect(
            lambda label: self.status(f"The {label} column cannot be sorted."))
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        from repetend.plugins.browser.editor_pane import EditorPane

        before_load = None
        if self.plugins is not None:
            before_load = lambda note: self.plugins.editor_will_load_note(note, self.col)  # noqa: E731
        self.editor_pane = EditorPane(self.col, self.right, before_load=before_load)
        self.editor_pane.saved.connect(self._note_saved)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 880])
        self.right.setSizes([380, 300])
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().setObjectName("browserStatus")
        self._update_mode_button()

    def _action(self, key: str, text: str, slot: Callable[[], Any],
                shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"browser_{key}")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        self.actions_[key] = action
        return action

    def _build_actions(self) -> None:
        a = self._action
        a("undo", "Undo", self.undo, QKeySequence.StandardKey.Undo)
        a("redo", "Redo", self.redo, "Ctrl+Shift+Z")
        a("toggle_mark", "Toggle Mark", self.toggle_mark, "Ctrl+K")
        a("select_all", "Select All", self.view.selectAll, "Ctrl+Alt+A")
        a("invert", "Invert Selection", self.invert_selection, "Ctrl+Alt+S")
        a("find", "Search", self.focus_search, "Ctrl+F")
        a("toggle_mode", "Toggle Cards/Notes", self.toggle_mode, "Ctrl+Alt+T")
        a("sidebar", "Sidebar", self.sidebar.setFocus, "Ctrl+Shift+R")
        a("find_replace", "Find and Replace…", self.find_and_replace, "Ctrl+Alt+F")
        a("add_tags", "Add Tags…", self.add_tags, "Ctrl+Shift+A")
        a("remove_tags", "Remove Tags…", self.remove_tags, "Ctrl+Alt+Shift+A")
        a("clear_unused_tags", "Clear Unused Tags", self.clear_unused_tags)
        a("change_notetype", "Change Note Type…", self.change_notetype, "Ctrl+Shift+M")
        a("find_duplicates", "Find Duplicates…", self.find_duplicates)
        a("delete", "Delete", self.delete_notes, "Ctrl+Delete")
        a("change_deck", "Change Deck…", self.change_deck, "Ctrl+D")
        a("set_due_date", "Set Due Date…", self.set_due_date, "Ctrl+Shift+D")
        a("forget", "Forget…", self.forget, "Ctrl+Alt+N")
        a("reposition", "Reposition…", self.reposition, "Ctrl+Shift+S")
        a("toggle_suspend", "Toggle Suspend", self.toggle_suspend, "Ctrl+J")
        a("toggle_bury", "Toggle Bury", self.toggle_bury, "Ctrl+Shift+J")
        a("info", "Info…", self.card_info, "Ctrl+Shift+I")
        a("preview", "Preview", self.open_preview, "Ctrl+Shift+P")
        for number, name in enumerate(FLAG_NAMES, start=1):
            a(f"flag_{number}", f"{name} Flag", lambda n=number: self.toggle_flag(n),
              f"Ctrl+{number}")
        a("close", "Close", self.close, "Escape")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        edit = bar.addMenu("&Edit")
        for key in ("undo", "redo", None, "select_all", "invert", None, "find_replace"):
            edit.addSeparator() if key is None else edit.addAction(self.actions_[key])
        edit.aboutToShow.connect(self.update_undo_action)
        go = bar.addMenu("&Go")
        for key in ("find", "sidebar", "toggle_mode"):
            go.addAction(self.actions_[key])
        notes = bar.addMenu("&Notes")
        for key in ("add_tags", "remove_tags", "clear_unused_tags", "toggle_mark", None,
                    "change_notetype",
                    "find_duplicates", "find_replace", None, "delete"):
            notes.addSeparator() if key is None else notes.addAction(self.actions_[key])
        cards = bar.addMenu("&Cards")
        for key in ("change_deck", "set_due_date", "forget", "reposition", None,
                    "toggle_suspend", "toggle_bury"):
            cards.addSeparator() if key is None else cards.addAction(self.actions_[key])
        self.flag_menu = cards.addMenu("Flag")
        for number in range(1, 8):
            self.flag_menu.addAction(self.actions_[f"flag_{number}"])
        cards.addSeparator()
        cards.addAction(self.actions_["info"])
        cards.addAction(self.actions_["preview"])
        self.menus = {"edit": edit, "go": go, "notes": notes, "cards": cards}
        self._build_addon_actions()
        self.update_undo_action()

    def _build_addon_actions(self) -> None:
        """One entry per add-on browser action (`register_browser_actions`)."""
        entries = browser_actions(self.plugins)
        if not entries:
            return
        menu = self.menuBar().addMenu("&Add-ons")
        self.menus["addons"] = menu
        for entry in entries:
            action = QAction(entry.label, self)
            action.setObjectName(f"browser_addon_{entry.name}")
            action.setToolTip(f"From {entry.plugin_name}")
            action.triggered.connect(lambda _checked=False, e=entry: self.run_addon_action(e))
            menu.addAction(action)
            self.addon_actions.append(action)

    def _context_menu(self, pos: QPoint) -> None:
        self.build_context_menu().exec(self.view.viewport().mapToGlobal(pos))

    def build_context_menu(self) -> QMenu:
        """The menu of the selected rows: the Cards and Notes operations, add-on actions."""
        menu = QMenu(self)
        menu.setObjectName("browserContextMenu")
        for key in ("change_deck", "set_due_date", "forget", "reposition", "toggle_suspend",
                    "toggle_bury"):
            menu.addAction(self.actions_[key])
        menu.addMenu(self.flag_menu)
        menu.addSeparator()
        for key in ("add_tags", "remove_tags", "toggle_mark", "change_notetype", "find_replace",
                    None,
                    "info", "preview", None, "delete"):
            menu.addSeparator() if key is None else menu.addAction(self.actions_[key])
        if self.addon_actions:
            menu.addSeparator()
            for action in self.addon_actions:
                menu.addAction(action)
        return menu

    # --- state per profile -------------------------------------------------------------

    def _restore_layout(self) -> None:
        for key, widget in (("geometry", self), ("splitter", self.splitter),
                            ("right_splitter", self.right)):
            raw = self.state.get(key)
            if isinstance(raw, str):
                data = QByteArray.fromBase64(raw.encode("ascii"))
                if widget is self:
                    self.restoreGeometry(data)
                else:
                    widget.restoreState(data)

    def save_state(self) -> None:
        """Into the per-profile state dict the host saves with the main window's."""
        def b64(data: QByteArray) -> str:
            return bytes(data.toBase64().data()).decode("ascii")

        self.state["geometry"] = b64(self.saveGeometry())
        self.state["splitter"] = b64(self.splitter.saveState())
        self.state["right_splitter"] = b64(self.right.saveState())
        self.state["notes_mode"] = self.table.notes_mode
        self.state["last_search"] = self.query
        self.state["history"] = self.history()
        self.state["column_widths"] = dict(self.view.widths)

    # --- searching ---------------------------------------------------------------------

    def search(self, text: str | None = None, *, keep_selection: bool = True) -> bool:
        """Run a search (the search box's text by default); a bad search leaves the rows as
        they were and says what is wrong under the search box."""
        if text is None:
            text = self.search_box.currentText()
        query = text.strip()
        selected = self.selected_ids() if keep_selection else []
        self.editor_pane.save()
        try:
            self.table.search(query)  # sorted as last chosen (kept in the collection config)
        except RepetendError as exc:
            self.search_error.setText(str(exc))
            self.search_error.show()
            self.status(f"Search failed: {exc}")
            return False
        self.search_error.hide()
        self._search_count += 1
        self.query = query
        self._remember(query)
        self.model.reset()
        self.view.show_sort(self.table.sort_column, self.table.reverse)
        self.select_ids(selected)
        self._selection_changed()
        return True

    def show_card(self, card_id: int) -> bool:
        """Search for one card and select it (its note's row in notes mode): the browser
        opened from the reviewer shows the card being studied, as Anki 2.1.50+ does."""
        if not self.search(f"cid:{card_id}", keep_selection=False):
            return False
        row_id = card_id
        if self.table.notes_mode:
            try:
                row_id = self.col.get_card(card_id).nid
            except RepetendError:  # deleted since: the empty search result says so
                return True
        self.select_ids([row_id])
        self._selection_changed()
        return True

    def _history_chosen(self, _index: int) -> None:
        """A search picked from the history list. The combo box also says "activated" on
        Enter, just before the line edit does: run once, whichever came first."""
        count = self._search_count
        QTimer.singleShot(0, lambda: self.search() if self._search_count == count else None)

    def _remember(self, query: str) -> None:
        """Put `query` first in the search history (no duplicates) and in the box."""
        box = self.search_box
        found = box.findText(query, Qt.MatchFlag.MatchFixedString | Qt.MatchFlag.MatchCaseSensitive)
        if found >= 0:
            box.removeItem(found)
        if query:
            box.insertItem(0, query)
        box.setCurrentIndex(0 if query else -1)
        box.setEditText(query)

    def history(self) -> list[str]:
        return [self.search_box.itemText(i) for i in range(self.search_box.count())]

    def _sidebar_search(self, term: str, modifiers: Any) -> None:
        mods = Qt.KeyboardModifier
        flags = modifiers if modifiers is not None else mods.NoModifier
        query = combine(self.query, term,
                        and_=bool(flags & mods.ControlModifier),
                        or_=bool(flags & mods.ShiftModifier),
                        negate=bool(flags & mods.AltModifier))
        self.search(query)

    def sort_by(self, key: str, reverse: bool) -> None:
        """Re-run the search sorted by the column `key` (a header click)."""
        selected = self.selected_ids()
        try:
            self.table.search(self.query, sort=key, reverse=reverse)
        except RepetendError as exc:
            self.status(str(exc))
            self.view.show_sort(self.table.sort_column, self.table.reverse)
            return
        self.model.reset()
        self.view.show_sort(key, reverse)
        self.select_ids(selected)

    def set_columns(self, keys: list[str]) -> None:
        """Show these columns (header menu); the rows stay."""
        selected = self.selected_ids()
        try:
            self.table.set_columns(keys)
        except RepetendError as exc:
            self.status(str(exc))
            return
        self.model.reset()
        self.view.show_sort(self.table.sort_column, self.table.reverse)
        self.select_ids(selected)

    def set_notes_mode(self, notes: bool) -> None:
        """Switch between a row per card and a row per note, keeping the same notes
        selected (in cards mode: their cards)."""
        if notes == self.table.notes_mode:
            self._update_mode_button()
            return
        rows = self.view.selected_rows()
        ids = self.table.note_ids(rows) if notes else self.table.card_ids(rows)
        self.editor_pane.save()
        self.table.set_notes_mode(notes)  # runs the search again in the new mode
        self._update_mode_button()
        self.model.reset()
        self.view.show_sort(self.table.sort_column, self.table.reverse)
        self.select_ids(ids)
        self._selection_changed()
        self.state["notes_mode"] = notes

    def toggle_mode(self) -> None:
        self.mode_button.setChecked(not self.table.notes_mode)

    def _update_mode_button(self) -> None:
        self.mode_button.blockSignals(True)
        self.mode_button.setChecked(self.table.notes_mode)
        self.mode_button.blockSignals(False)
        self.mode_button.setText("Notes" if self.table.notes_mode else "Cards")

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.lineEdit().selectAll()

    # --- selection ---------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        return self.view.selected_rows()

    def selected_ids(self) -> list[int]:
        """Ids (cards or notes, as the rows) of the selected rows."""
        ids = self.table.ids
        return [ids[r] for r in self.selected_rows() if r < len(ids)]

    def selected_card_ids(self) -> list[int]:
        return self.table.card_ids(self.selected_rows())

    def selected_note_ids(self) -> list[int]:
        return self.table.note_ids(self.selected_rows())

    def select_ids(self, ids: Sequence[int]) -> None:
        """Select the rows of `ids` still shown; the first becomes the current row."""
        rows = sorted(r for r in (self.table.row_of(i) for i in ids) if r is not None)
        self.select_rows(rows)

    def select_rows(self, rows: Sequence[int]) -> None:
        selection_model = self.view.selectionModel()
        selection = QItemSelection()
        last_column = max(0, self.model.columnCount() - 1)
        start = previous = None
        for row in [*sorted(rows), None]:
            if row is not None and previous is not None and row == previous + 1:
                previous = row
                continue
            if start is not None:
                selection.select(self.model.index(start, 0),
                                 self.model.index(previous, last_column))
            start = previous = row
        flags = QItemSelectionModel.SelectionFlag
        selection_model.select(selection, flags.ClearAndSelect | flags.Rows)
        if rows:
            first = self.model.index(min(rows), 0)
            selection_model.setCurrentIndex(first, flags.NoUpdate)
            self.view.scrollTo(first)

    def invert_selection(self) -> None:
        chosen = set(self.selected_rows())
        self.select_rows([r for r in range(len(self.table)) if r not in chosen])

    def _selection_changed(self, *_args: Any) -> None:
        rows = self.selected_rows()
        noun = "notes" if self.table.notes_mode else "cards"
        self.setWindowTitle(f"Browse ({len(rows)} of {len(self.table)} {noun} selected)")
        if len(rows) == 1:
            nids = self.table.note_ids(rows)
            if nids:
                self.editor_pane.load(nids[0])
        else:
            self.editor_pane.show_nothing(
                "No note selected." if not rows else f"{len(rows)} {noun} selected.")

    def _current_changed(self, *_args: Any) -> None:
        if self.preview is not None:
            self.preview.show_card(self.current_card_id())

    def current_card_id(self) -> int | None:
        index = self.view.currentIndex()
        rows = [index.row()] if index.isValid() else self.selected_rows()[:1]
        cids = self.table.card_ids(rows) if rows else []
        return cids[0] if cids else None

    # --- running operations ------------------------------------------------------------

    def status(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def _need_cards(self) -> list[int]:
        cids = self.selected_card_ids()
        if not cids:
            self.status("No cards selected.")
        return cids

    def _need_notes(self) -> list[int]:
        nids = self.selected_note_ids()
        if not nids:
            self.status("No notes selected.")
        return nids

    def run_op(self, func: Callable[[], Any], done: Callable[[Any], str] | None = None, *,
               search_again: bool = False) -> Any:
        """Run one operation on the collection (pending edits saved first), then refresh:
        the rows repaint (or, when rows may have gone, the search runs again), the editor
        shows the stored note, the main window hears of it. A refused operation is shown."""
        self.editor_pane.save()
        try:
            result = func()
        except RepetendError as exc:
            self.warn(str(exc))
            self.refresh()
            return None
        self.refresh(search_again=search_again)
        if done is not None:
            self.status(done(result))
        return result

    def refresh(self, *, search_again: bool = False) -> None:
        """Show the collection as it is now, keeping the selection."""
        if search_again:
            self.search(self.query)
        else:
            self.model.refresh_rows(None)
        self.editor_pane.reload()
        self.sidebar.refresh()
        self._current_changed()
        self._col_mod = self._collection_mod()
        self.update_undo_action()
        self.changed.emit()
        if self.on_change is not None:
            self.on_change()

    def _note_saved(self, _nid: int) -> None:
        self.model.refresh_rows(None)
        self._col_mod = self._collection_mod()
        self.update_undo_action()
        self.changed.emit()
        if self.on_change is not None:
            self.on_change()

    def _after_config_change(self) -> None:
        self._col_mod = self._collection_mod()
        self.update_undo_action()

    def _collection_mod(self) -> Any:
        return (self.col.db.execute("SELECT mod FROM col").fetchone()[0], self.col.undo_name(),
                self.col.redo_name())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        # Back from the main window, where an undo or a study session may have changed
        # cards: show them as they are now.
        if (event.type() == QEvent.Type.ActivationChange and self.isActiveWindow()
                and self._collection_mod() != self._col_mod):
            self._col_mod = self._collection_mod()
            self.search(self.query)
            self.editor_pane.reload()
            self.update_undo_action()
        super().changeEvent(event)

    def update_undo_action(self) -> None:
        """Name the steps Undo and Redo would reverse, as the main window does."""
        for key, name in (("undo", self.col.undo_name()), ("redo", self.col.redo_name())):
            action = self.actions_[key]
            action.setText(f"{key.capitalize()} {name}" if name else key.capitalize())
            action.setEnabled(name is not None)

    def undo(self) -> None:
        """Ctrl+Z: undo the collection's latest step (through the main window when open)."""
        self._reverse(redo=False)

    def redo(self) -> None:
        """Ctrl+Shift+Z: redo the step undone last."""
        self._reverse(redo=True)

    def _reverse(self, redo: bool) -> None:
        self.editor_pane.save()
        name = self.col.redo_name() if redo else self.col.undo_name()
        if name is None:
            self.status("Nothing to redo." if redo else "Nothing to undo.")
            return
        external = self._external_redo if redo else self._external_undo
        if external is not None:
            external()
        else:
            try:
                self.col.redo() if redo else self.col.undo()
            except RepetendError as exc:
                self.warn(str(exc))
        # Undo may bring back deleted rows or take away added ones: search again.
        self.search(self.query)
        self.editor_pane.reload()
        self.sidebar.refresh()
        self._col_mod = self._collection_mod()
        self.update_undo_action()
        self.changed.emit()
        self.status(f"{'Redid' if redo else 'Undid'}: {name}")

    # --- the operations ----------------------------------------------------------------

    def change_deck(self) -> None:
        """Ctrl+D: move the selected cards to a deck chosen in the deck chooser."""
        cids = self._need_cards()
        if not cids:
            return
        current = None
        try:
            current = self.col.decks.get(self.col.get_card(cids[0]).home_deck_id).name
        except RepetendError:
            pass
        dialog = DeckChooser(self.col, self, current)
        if not self._accepted(dialog) or dialog.chosen() is None:
            return
        deck = dialog.chosen()
        self.run_op(lambda: browser_ops.set_deck(self.col, cids, deck),
                    lambda n: f"{n} card{'s' if n != 1 else ''} moved to {deck}.")

    def _choose_merge_target(self, name: str) -> int | None:
        """The deck chooser for the sidebar's Merge Into…, without the deck being merged."""
        dialog = DeckChooser(self.col, self, title=f"Merge {name} Into", button="Merge",
                             exclude=name)
        if not self._accepted(dialog) or dialog.chosen() is None:
            return None
        return self.col.decks.by_name(dialog.chosen()).id

    def add_tags(self) -> None:
        nids = self._need_notes()
        if not nids:
            return
        tags = self.ask_text("Add Tags", "Tags to add (separated by spaces):", "")
        if tags:
            self.run_op(lambda: browser_ops.add_tags(self.col, nids, tags),
                        lambda n: f"Tags added to {n} note{'s' if n != 1 else ''}.")

    def remove_tags(self) -> None:
        nids = self._need_notes()
        if not nids:
            return
        tags = self.ask_text("Remove Tags", "Tags to remove (separated by spaces):", "")
        if tags:
            self.run_op(lambda: browser_ops.remove_tags(self.col, nids, tags),
                        lambda n: f"Tags removed from {n} note{'s' if n != 1 else ''}.")

    def toggle_mark(self) -> None:
        """Ctrl+K: tag the selected notes "marked", or untag them if the current one is."""
        nids = self._need_notes()
        if not nids:
            return
        cid = self.current_card_id()
        current = self.col.get_card(cid).nid if cid is not None else nids[0]
        if "marked" in {t.lower() for t in self.col.get_note(current).tags}:
            self.run_op(lambda: browser_ops.remove_tags(self.col, nids, "marked"),
                        lambda n: f"{n} note{'s' if n != 1 else ''} unmarked.")
        else:
            self.run_op(lambda: browser_ops.add_tags(self.col, nids, "marked"),
                        lambda n: f"{n} note{'s' if n != 1 else ''} marked.")

    def clear_unused_tags(self) -> None:
        self.run_op(lambda: browser_ops.clear_unused_tags(self.col),
                    lambda n: f"{n} unused tag{'s' if n != 1 else ''} removed.")

    def find_and_replace(self) -> None:
        """Ctrl+Alt+F: in all fields, one field or the tags of the selected (or all) notes."""
        nids = self.selected_note_ids()
        names = sorted({name for nt in self.col.notetypes.all() for name in nt.field_names()},
                       key=str.lower)
        dialog = FindReplaceDialog(names, self, has_selection=bool(nids))
        if not self._accepted(dialog):
            return
        find, replace = dialog.find.text(), dialog.replace.text()
        if not find:
            self.status("Nothing to find.")
            return
        if not dialog.selected_only.isChecked():
            nids = self.col.find_notes("")
        where = dialog.where.currentText()
        regex, case = dialog.regex.isChecked(), dialog.match_case.isChecked()
        if where == TAGS:
            def op() -> int:
                return browser_ops.find_and_replace_tags(self.col, nids, find, replace,
                                                         regex=regex, match_case=case)
        else:
            fields = None if where == ALL_FIELDS else [where]

            def op() -> int:
                return browser_ops.find_and_replace(self.col, nids, find, replace, regex=regex,
                                                    fields=fields, match_case=case)
        self.run_op(op, lambda n: f"{n} note{'s' if n != 1 else ''} updated.")

    def change_notetype(self) -> None:
        """Ctrl+Shift+M: the selected notes (of one note type) get another note type."""
        nids = self._need_notes()
        if not nids:
            return
        ntids = self._note_type_ids(nids)
        if len(ntids) != 1:
            self.warn("Please select notes from only one note type.")
            return
        dialog = ChangeNotetypeDialog(self.col, ntids.pop(), self)
        if not self._accepted(dialog):
            return
        gone = dialog.unmapped(nids)
        if gone and not self.ask_yes_no(
                f"The cards of {', '.join(gone)} will be deleted. Continue?"):
            return
        target, fmap, tmap = dialog.target.currentText(), dialog.field_map(), dialog.template_map()
        self.run_op(lambda: browser_ops.change_notetype(self.col, nids, target, fmap, tmap),
                    lambda n: f"{n} note{'s' if n != 1 else ''} changed to {target}.",
                    search_again=True)

    def delete_notes(self) -> None:
        """Ctrl+Delete: delete the selected notes with all their cards (undoable)."""
        nids = self._need_notes()
        if not nids:
            return
        rows = self.selected_rows()
        self.run_op(lambda: browser_ops.delete_notes(self.col, nids),
                    lambda n: f"{n} note{'s' if n != 1 else ''} deleted.", search_again=True)
        if rows and len(self.table):  # Anki selects the row after the deleted ones
            self.select_rows([min(rows[0], len(self.table) - 1)])

    def set_due_date(self) -> None:
        cids = self._need_cards()
        if not cids:
            return
        days = self.ask_text("Set Due Date",
                             "Show cards in how many days? (0 = today, 1! = tomorrow and set "
                             "the interval to 1, 3-7 = random choice of 3-7 days)", "0")
        if days is None:
            return
        self.run_op(lambda: cardops.set_due_date(self.col, cids, days, context="browser"),
                    lambda n: f"Due date set for {n} card{'s' if n != 1 else ''}.")

    def forget(self) -> None:
        cids = self._need_cards()
        if not cids:
            return
        dialog = ForgetDialog(self)
        if not self._accepted(dialog):
            return
        restore, reset = dialog.restore_position.isChecked(), dialog.reset_counts.isChecked()
        self.run_op(lambda: cardops.forget(self.col, cids, restore_position=restore,
                                           reset_counts=reset, context="browser"),
                    lambda n: f"{n} card{'s' if n != 1 else ''} reset to new.")

    def reposition(self) -> None:
        cids = self._need_cards()
        if not cids:
            return
        dialog = RepositionDialog(self)
        if not self._accepted(dialog):
            return
        start, step = dialog.start.value(), dialog.step.value()
        randomize, shift = dialog.randomize.isChecked(), dialog.shift.isChecked()
        self.run_op(lambda: cardops.reposition(self.col, cids, start=start, step=step,
                                               randomize=randomize, shift=shift),
                    lambda n: f"{n} new card{'s' if n != 1 else ''} repositioned.")

    def _current_queue(self, cids: list[int]) -> int:
        cid = self.current_card_id()
        if cid is None or cid not in cids:
            cid = cids[0]
        return self.col.db.execute("SELECT queue FROM cards WHERE id = ?", (cid,)).fetchone()[0]

    def toggle_suspend(self) -> None:
        """Ctrl+J: suspend the selected cards, or unsuspend them if the current one is."""
        cids = self._need_cards()
        if not cids:
            return
        if self._current_queue(cids) == _QUEUE_SUSPENDED:
            self.run_op(lambda: cardops.unsuspend(self.col, cids),
                        lambda n: f"{n} card{'s' if n != 1 else ''} unsuspended.")
        else:
            self.run_op(lambda: cardops.suspend(self.col, cids),
                        lambda n: f"{n} card{'s' if n != 1 else ''} suspended.")

    def toggle_bury(self) -> None:
        """Ctrl+Shift+J: bury the selected cards, or unbury them if the current one is."""
        cids = self._need_cards()
        if not cids:
            return
        if self._current_queue(cids) in _QUEUES_BURIED:
            self.run_op(lambda: cardops.unbury(self.col, cids),
                        lambda n: f"{n} card{'s' if n != 1 else ''} unburied.")
        else:
            self.run_op(lambda: cardops.bury(self.col, cids),
                        lambda n: f"{n} card{'s' if n != 1 else ''} buried.")

    def toggle_flag(self, flag: int) -> None:
        """Ctrl+1…7: give the selected cards this flag, or take it off if the current card
        has it already (Anki)."""
        cids = self._need_cards()
        if not cids:
            return
        cid = self.current_card_id()
        if cid is None or cid not in cids:
            cid = cids[0]
        flags = self.col.db.execute("SELECT flags FROM cards WHERE id = ?", (cid,)).fetchone()[0]
        new = 0 if flags & 0b111 == flag else flag
        self.run_op(lambda: cardops.set_flag(self.col, cids, new),
                    lambda n: (f"{FLAG_NAMES[new - 1]} flag" if new else "Flag removed")
                    + f" on {n} card{'s' if n != 1 else ''}.")

    def card_info(self) -> CardInfoDialog | None:
        """Ctrl+Shift+I: the current card's information and review history."""
        cid = self.current_card_id()
        if cid is None:
            self.status("No cards selected.")
            return None
        dialog = CardInfoDialog(browser_ops.card_info(self.col, cid), self,
                                today=self.col.sched.timing().today)
        dialog.show()
        return dialog

    def _note_type_ids(self, nids: Sequence[int]) -> set[int]:
        """The note types of these notes, in one query however many are selected."""
        return {r[0] for r in self.col.db.execute(
            "SELECT DISTINCT ntid FROM notes WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(nids)),))}

    def find_duplicates(self) -> DuplicatesDialog:
        """The fields offered are those of the selected notes' note types, as in Anki (every
        note type's when nothing is selected)."""
        nids = self.selected_note_ids()
        ntids = self._note_type_ids(nids) if nids else None
        names = sorted({name for nt in self.col.notetypes.all()
                        if ntids is None or nt.id in ntids for name in nt.field_names()},
                       key=str.lower)
        dialog = DuplicatesDialog(names, self)

        def run() -> None:
            try:
                groups = browser_ops.find_duplicates(self.col, dialog.field.currentText(),
                                                     dialog.search.text().strip())
            except RepetendError as exc:
                dialog.summary.setText(str(exc))
                return
            dialog.show_groups(groups)

        dialog.find_button.clicked.connect(run)
        dialog.results.itemClicked.connect(
            lambda item: self.search(item.data(Qt.ItemDataRole.UserRole)))
        dialog.show()
        return dialog

    def open_preview(self) -> Any:
        """Ctrl+Shift+P: a preview of the current card that follows the selection."""
        from repetend.plugins.browser.preview import PreviewDialog

        if self.preview is None:
            hook = getattr(self.plugins, "card_will_show", None)
            self.preview = PreviewDialog(self.col, self, card_will_show=hook)
            self.preview.destroyed.connect(self._preview_gone)
            self.preview.move_requested.connect(self._preview_move)
        self.preview.show_card(self.current_card_id())
        self.preview.show()
        self.preview.raise_()
        return self.preview

    def _preview_gone(self) -> None:
        self.preview = None

    def _preview_move(self, step: int) -> None:
        """The preview's Back/Next past a card's sides: the row before or after the current
        one becomes the only selected row (the preview follows it)."""
        index = self.view.currentIndex()
        row = (index.row() if index.isValid() else -1) + step
        if 0 <= row < len(self.table):
            self.select_rows([row])

    def run_addon_action(self, entry: Any) -> bool:
        """Run an add-on's browser action on the selected cards; True if it did not fail.

        A raising action is recorded against its add-on by the host (and shown there); its
        operation rolls back; the window says so and stays usable.
        """
        self.editor_pane.save()
        ok = run_browser_action(self.plugins, entry, self.col, self.selected_card_ids())
        self.refresh(search_again=True)
        if not ok:
            self.status(f"“{entry.label}” from {entry.plugin_name} failed; see Tools > "
                        "Add-ons for the error.")
        return ok

    # --- questions --------------------------------------------------------------------

    @staticmethod
    def _accepted(dialog: QDialog) -> bool:
        """Show a modal dialog; it is deleted once the caller has read it."""
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        QTimer.singleShot(0, dialog.deleteLater)
        return accepted

    def _ask_yes_no(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Browse", text)
        return answer == QMessageBox.StandardButton.Yes

    def _ask_text(self, title: str, label: str, text: str) -> str | None:
        dialog = QInputDialog(self)
        dialog.setObjectName("textPrompt")
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        if not self._accepted(dialog):
            return None
        value = dialog.textValue().strip()
        return value or None

    def closeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        self.editor_pane.save()
        self.save_state()
        if self.preview is not None:
            self.preview.close()
        super().closeEvent(event)
        self.closed.emit()
