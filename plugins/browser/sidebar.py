"""The browser's sidebar: saved searches, decks, note types, tags, flags and card states.

Each item carries the search it stands for. A click searches for it; with Ctrl the term is
added to the current search (and), with Shift it is an alternative (or), with Alt it is
negated — Anki's modifiers. Saved searches live in the collection config `savedFilters`
(name → search), where Anki keeps them, so a synced or copied collection keeps them too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from repetend.core import browser_ops
from repetend.core.decks import SEPARATOR
from repetend.host.qt import (
    QLineEdit,
    QMenu,
    QPoint,
    Qt,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)

if TYPE_CHECKING:
    from repetend.core.collection import Collection

SAVED_FILTERS = "savedFilters"
#: The role holding an item's search text.
SEARCH_ROLE = Qt.ItemDataRole.UserRole
#: The role holding a saved search's name (only on saved-search items).
SAVED_ROLE = Qt.ItemDataRole.UserRole + 1
#: What an item is ("deck", "tag", "notetype") and what it names (a deck's or tag's full
#: name, a note type's id): the context menu's operations work on these.
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
NAME_ROLE = Qt.ItemDataRole.UserRole + 3

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
        self.current_search: Callable[[], str] = lambda: ""
        #: Asks for a text (title, label, default) -> str | None; set by the window.
        self.ask_text: Callable[[str, str, str], str | None] = lambda _t, _l, _d: None
        #: Asks for a deck to merge the deck called `name` into -> its id | None.
        self.choose_deck: Callable[[str], int | None] = lambda _name: None
        #: Runs one collection operation then refreshes the browser (the window's `run_op`:
        #: func, message from its result, search_again); alone, it runs and rebuilds.
        self.run_op: Callable[..., Any] = self._run_alone
        self.roots: dict[str, QTreeWidgetItem] = {}
        self._filter = ""
        self._expanded_before_filter: set[tuple[str, ...]] | None = None
        self.refresh()

    def _run_alone(self, func: Callable[[], Any], done: Any = None, *,
                   search_again: bool = False) -> Any:
        result = func()
        self.refresh()
        return result

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
            item.setData(0, KIND_ROLE, "notetype")
            item.setData(0, NAME_ROLE, nt.id)
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
        if self._filter:
            self._apply_filter()

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
                made[folded] = item = self._child(parent, parts[depth - 1],
                                                  quote_term(key, path))
                item.setData(0, KIND_ROLE, key)
                item.setData(0, NAME_ROLE, path)

    # --- filtering ---

    def set_filter(self, text: str) -> None:
        """Show only items whose label contains every word of `text` (any case), with their
        parents, opened so they can be seen; empty text shows everything as it was."""
        text = text.strip()
        if text and self._expanded_before_filter is None:
            self._expanded_before_filter = {self._path(i) for i in self._all_items()
                                            if i.isExpanded()}
        self._filter = text
        if text:
            self._apply_filter()
            return
        before = self._expanded_before_filter or set()
        self._expanded_before_filter = None
        for item in self._all_items():
            item.setHidden(False)
            item.setExpanded(self._path(item) in before)

    @staticmethod
    def _path(item: QTreeWidgetItem) -> tuple[str, ...]:
        """The labels from the top to `item` (items are rebuilt on refresh; paths stay)."""
        labels: list[str] = []
        node: QTreeWidgetItem | None = item
        while node is not None:
            labels.append(node.text(0))
            node = node.parent()
        return tuple(reversed(labels))

    def _apply_filter(self) -> None:
        words = self._filter.casefold().split()

        def show(item: QTreeWidgetItem) -> bool:
            children = [show(item.child(i)) for i in range(item.childCount())]
            label = item.text(0).casefold()
            match = all(w in label for w in words)
            visible = match or any(children)
            item.setHidden(not visible)
            item.setExpanded(any(children))
            return visible

        for i in range(self.topLevelItemCount()):
            show(self.topLevelItem(i))

    def visible_labels(self) -> list[str]:
        """Labels of the items not hidden by the filter, depth-first (tests, screenshots)."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            if item.isHidden():
                return
            out.append("  " * depth + item.text(0))
            for i in range(item.childCount()):
                walk(item.child(i), depth + 1)

        for i in range(self.topLevelItemCount()):
            walk(self.topLevelItem(i), 0)
        return out

    # --- saved searches ---

    def saved_searches(self) -> dict[str, str]:
        value = self.col.get_config(SAVED_FILTERS, {})
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def save_search(self, name: str, search: str) -> None:
        """Store `search` under `name` (one undoable step, "Save Search")."""
        saved = self.saved_searches()
        saved[name] = search

        def op() -> None:
            with self.col.op("Save Search"):
                self.col.set_config(SAVED_FILTERS, saved)

        self.run_op(op, lambda _r: f"Search saved as “{name}”.")
        self.saved_searches_changed.emit()

    def delete_saved_search(self, name: str) -> None:
        saved = self.saved_searches()
        if saved.pop(name, None) is None:
            return

        def op() -> None:
            with self.col.op("Delete Saved Search"):
                self.col.set_config(SAVED_FILTERS, saved)

        self.run_op(op, lambda _r: f"Saved search “{name}” deleted.")
        self.saved_searches_changed.emit()

    # --- decks, tags and note types (context menu) ---

    def rename_deck(self, name: str) -> None:
        new = self.ask_text("Rename Deck", "New deck name:", name)
        if not new or new == name:
            return
        did = self.col.decks.by_name(name).id
        self.run_op(lambda: self.col.decks.rename(did, new),
                    lambda got: f"Deck renamed to {got}.")

    def delete_deck(self, name: str) -> None:
        """Delete the deck with its subdecks and cards at once (undoable, so no question, as in
        Anki); says how many cards went."""
        did = self.col.decks.by_name(name).id
        self.run_op(lambda: self.col.decks.remove([did]),
                    lambda n: f"Deck {name} deleted with {n} card{'s' if n != 1 else ''}.",
                    search_again=True)

    def merge_deck(self, name: str) -> None:
        """Move every card of the deck into another chosen deck, then delete it."""
        target = self.choose_deck(name)
        if target is None:
            return
        source = self.col.decks.by_name(name).id
        self.run_op(lambda: self.col.decks.merge(source, target),
                    lambda r: f"{r.cards} card{'s' if r.cards != 1 else ''} of {r.source} "
                              f"merged into {r.target}.", search_again=True)

    def rename_tag(self, tag: str) -> None:
        new = self.ask_text("Rename Tag", "New tag name:", tag)
        if not new or new == tag:
            return
        self.run_op(lambda: browser_ops.rename_tag(self.col, tag, new),
                    lambda n: f"Tag renamed on {n} note{'s' if n != 1 else ''}.")

    def delete_tag(self, tag: str) -> None:
        self.run_op(lambda: browser_ops.delete_tag(self.col, tag),
                    lambda n: f"Tag {tag} removed from {n} note{'s' if n != 1 else ''}.",
                    search_again=True)

    def rename_notetype(self, ntid: int) -> None:
        current = self.col.notetypes.get(ntid).name
        new = self.ask_text("Rename Note Type", "New name:", current)
        if not new or new == current:
            return
        self.run_op(lambda: self.col.notetypes.rename(ntid, new),
                    lambda got: f"Note type renamed to {got}.")

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
        """The context menu, as in Anki: "Save Current Search" first, then what the item
        under the mouse offers (a deck, a tag, a note type, a saved search)."""
        menu = QMenu(self)
        menu.setObjectName("sidebarMenu")
        menu.addAction("Save Current Search…", self._save_current)
        if item is None:
            return menu
        saved = item.data(0, SAVED_ROLE)
        kind, name = item.data(0, KIND_ROLE), item.data(0, NAME_ROLE)
        entries: list[tuple[str, Callable[[], None]]] = []
        if saved:
            entries = [("Delete", lambda: self.delete_saved_search(saved))]
        elif kind == "deck":
            entries = [("Rename…", lambda: self.rename_deck(name)),
                       ("Delete", lambda: self.delete_deck(name)),
                       ("Merge Into…", lambda: self.merge_deck(name))]
        elif kind == "tag":
            entries = [("Rename…", lambda: self.rename_tag(name)),
                       ("Delete", lambda: self.delete_tag(name))]
        elif kind == "notetype":
            entries = [("Rename…", lambda: self.rename_notetype(name))]
        if entries:
            menu.addSeparator()
        for label, slot in entries:
            menu.addAction(label, slot)
        return menu

    def _save_current(self) -> None:
        search = self.current_search().strip()
        name = self.ask_text("Save Current Search", "Name:", "")
        if name:
            self.save_search(name, search)


class SidebarPane(QWidget):
    """The sidebar with its filter box above it (typing narrows the tree)."""

    def __init__(self, col: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("browserSidebarPane")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("sidebarFilter")
        self.filter.setPlaceholderText("Filter the sidebar")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.tree = Sidebar(col, self)
        layout.addWidget(self.tree, 1)
        self.filter.textChanged.connect(self.tree.set_filter)
