"""The browser's sidebar: saved searches, decks, note types, tags, flags and card states.

Each item carries the search it stands for. A click searches for it; with Ctrl the term is
added to the current search (and), with Shift it is an alternative (or), with Alt it is
negated — Anki's modifiers. Saved searches live in the collection config `savedFilters`
(name → search), where Anki keeps them, so a synced or copied collection keeps them too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from repetend.core.decks import SEPARATOR
from repetend.host.qt import (
    QMenu,
    QPoint,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    Signal,
)

if TYPE_CHECKING:
    from repetend.core.collection import Collection

SAVED_FILTERS = "savedFilters"
#: The role holding an item's search text.
SEARCH_ROLE = Qt.ItemDataRole.UserRole
#: The role holding a saved search's name (only on saved-search items).
SAVED_ROLE = Qt.ItemDataRole.UserRole + 1

FLAGS = [(1, "Red"), (2, "Orange"), (3, "Green"), (4, "Blue"), (5, "Pink"), (6, "Turquoise"),
         (7, "Purple")]
CARD_STATES = [("New", "is:new"), ("Learning", "is:learn"), ("Review", "is:review"),
               ("Due", "is:due"), ("Suspended", "is:suspended"), ("Buried", "is:buried")]


def quote_term(key: str, value: str) -> str:
    """`"key:value"` with the search language's special characters escaped (ANKI-FACTS §9.1),
    so a deck called `a_b*` or `"x"` finds only itself."""
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("*", "\\*")
               .replace("_", "\\_"))
    return f'"{key}:{escaped}"'


def combine(current: str, term: str, *, and_: bool = False, or_: bool = False,
            negate: bool = False) -> str:
    """The search a sidebar click makes from the `current` one (Anki's Ctrl/Shift/Alt)."""
    if negate:
        term = f"-{term}" if " " not in term or term.startswith('"') else f"-({term})"
    current = current.strip()
    if not current or not (and_ or or_):
        return term
    if or_:
        return f"({current}) or {term}"
    return f"({current}) {term}"


class Sidebar(QTreeWidget):
    """The tree beside the table; `search_requested` carries the search an item asks for."""

    search_requested = Signal(str, object)
    """sig_search_requested: an item was clicked; its search and the keyboard modifiers."""

    saved_searches_changed = Signal()
    """sig_saved_searches_changed: a saved search was added or deleted."""

    def __init__(self, col: Collection, parent: object = None) -> None:
        super().__init__(parent)
        self.col = col
        self.setObjectName("browserSidebar")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.itemClicked.connect(self._clicked)
        #: Returns the browser's current search (for "Save Current Search"); set by the window.
        self.current_search = lambda: ""
        #: Asks for a name (title, label) -> str | None; tests replace it.
        self.ask_name = lambda _title, _label: None
        self.roots: dict[str, QTreeWidgetItem] = {}
        self.refresh()

    # --- building ---

    def refresh(self) -> None:
        """Rebuild from the collection, keeping which sections are expanded."""
        expanded = {key for key, item in self.roots.items() if item.isExpanded()}
        # Deeper levels (a deck's subdecks, a tag's children) are known by their search.
        open_searches = {item.data(0, SEARCH_ROLE) for item in self._all_items()
                         if item.isExpanded() and item.parent() is not None}
        first = not self.roots
        self.clear()
        self.roots = {}
        self._root("saved", "Saved Searches", None)
        for name, search in sorted(self.saved_searches().items(), key=lambda kv: kv[0].lower()):
            item = self._child(self.roots["saved"], name, search)
            item.setData(0, SAVED_ROLE, name)
        self._root("today", "Today", None)
        for label, search in [("Added Today", "added:1"), ("Edited Today", "edited:1"),
                              ("Studied Today", "rated:1"), ("Again Today", "rated:1:1")]:
            self._child(self.roots["today"], label, search)
        self._root("flags", "Flags", "-flag:0")
        for number, name in FLAGS:
            self._child(self.roots["flags"], name, f"flag:{number}")
        self._child(self.roots["flags"], "No Flag", "flag:0")
        self._root("states", "Card State", None)
        for label, search in CARD_STATES:
            self._child(self.roots["states"], label, search)
        self._root("decks", "Decks", "deck:*")
        self._tree(self.roots["decks"], sorted(d.name for d in self.col.decks.all()), "deck")
        self._root("notetypes", "Note Types", None)
        for nt in sorted(self.col.notetypes.all(), key=lambda n: n.name.lower()):
            nt_term = quote_term("note", nt.name)
            item = self._child(self.roots["notetypes"], nt.name, nt_term)
            if not nt.is_cloze:
                for template in nt.templates:
                    self._child(item, template.name,
                                f"{nt_term} {quote_term('card', template.name)}")
        self._root("tags", "Tags", "-tag:none")
        tags = [r[0] for r in self.col.db.execute("SELECT tag FROM tags")]
        self._tree(self.roots["tags"], sorted(tags, key=str.lower), "tag")
        for key, item in self.roots.items():
            item.setExpanded(key in expanded or (first and key in ("saved", "decks")))
        for item in self._all_items():
            if item.parent() is not None and item.data(0, SEARCH_ROLE) in open_searches:
                item.setExpanded(True)

    def _all_items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            out.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return out

    def _root(self, key: str, label: str, search: str | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [label])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setData(0, SEARCH_ROLE, search)
        self.roots[key] = item
        return item

    @staticmethod
    def _child(parent: QTreeWidgetItem, label: str, search: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [label])
        item.setData(0, SEARCH_ROLE, search)
        item.setToolTip(0, search)
        return item

    def _tree(self, root: QTreeWidgetItem, names: list[str], key: str) -> None:
        """Names with `::` as a hierarchy (decks, tags); parents made for missing levels."""
        made: dict[str, QTreeWidgetItem] = {}
        for name in names:
            parts = name.split(SEPARATOR)
            for depth in range(1, len(parts) + 1):
                path = SEPARATOR.join(parts[:depth])
                folded = path.casefold()
                if folded in made:
                    continue
                parent = made.get(SEPARATOR.join(parts[:depth - 1]).casefold(), root)
                made[folded] = self._child(parent, parts[depth - 1], quote_term(key, path))

    # --- saved searches ---

    def saved_searches(self) -> dict[str, str]:
        value = self.col.get_config(SAVED_FILTERS, {})
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def save_search(self, name: str, search: str) -> None:
        """Store `search` under `name` (one undoable step, "Change Preferences")."""
        saved = self.saved_searches()
        saved[name] = search
        self.col.set_config(SAVED_FILTERS, saved)
        self.refresh()
        self.saved_searches_changed.emit()

    def delete_saved_search(self, name: str) -> None:
        saved = self.saved_searches()
        if saved.pop(name, None) is None:
            return
        self.col.set_config(SAVED_FILTERS, saved)
        self.refresh()
        self.saved_searches_changed.emit()

    # --- finding and clicking ---

    def find_item(self, *labels: str) -> QTreeWidgetItem | None:
        """The item under the path of labels, e.g. ("Decks", "Sample Deck")."""
        items = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        found = None
        for label in labels:
            found = next((i for i in items if i.text(0) == label), None)
            if found is None:
                return None
            items = [found.child(i) for i in range(found.childCount())]
        return found

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        search = item.data(0, SEARCH_ROLE)
        if search is None:
            return
        from repetend.host.qt import QApplication

        self.search_requested.emit(search, QApplication.keyboardModifiers())

    def _menu(self, pos: QPoint) -> None:
        menu = self.build_menu(self.itemAt(pos))
        menu.exec(self.viewport().mapToGlobal(pos))

    def build_menu(self, item: QTreeWidgetItem | None) -> QMenu:
        """The context menu: save the current search; delete a saved one."""
        menu = QMenu(self)
        menu.setObjectName("sidebarMenu")
        menu.addAction("Save Current Search…", self._save_current)
        name = item.data(0, SAVED_ROLE) if item is not None else None
        if name:
            menu.addAction("Delete Saved Search", lambda: self.delete_saved_search(name))
        return menu

    def _save_current(self) -> None:
        search = self.current_search().strip()
        name = self.ask_name("Save Current Search", "Name:")
        if name:
            self.save_search(name, search)
