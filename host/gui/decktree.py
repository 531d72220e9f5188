"""The deck list widget: a tree with counts, collapse state and drag-and-drop moving."""

from __future__ import annotations

from repetend.host.gui.decklist import DeckRow
from repetend.host.qt import (
    QAbstractItemView,
    QBrush,
    QColor,
    QDropEvent,
    QHeaderView,
    Qt,
    QTimer,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QWidget,
    Signal,
)

DECK_ID_ROLE = Qt.ItemDataRole.UserRole
#: The drop target meaning "make it a top-level deck".
TOP_LEVEL = 0


class DeckTree(QTreeWidget):
    """Decks as a tree. It changes nothing itself: it asks through its signals."""

    deck_dropped = Signal(object, object)
    """sig_deck_dropped: (deck id, new parent deck id or 0 for top level) from a drag."""

    deck_collapsed = Signal(object, bool)
    """sig_deck_collapsed: (deck id, collapsed) when the user folds or unfolds a deck."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deckTree")
        self.with_due = False
        self.setHeaderLabels(["Deck", "Cards"])
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._filling = False
        self.itemExpanded.connect(lambda item: self._on_fold(item, False))
        self.itemCollapsed.connect(lambda item: self._on_fold(item, True))

    def fill(self, rows: list[DeckRow], with_due: bool, selected: int | None) -> None:
        """Show `rows`; keeps the scroll position and selects `selected` if it is shown."""
        self._filling = True
        scroll = self.verticalScrollBar().value()
        try:
            self.clear()
            self.with_due = with_due
            labels = ["Deck", "New", "Learn", "Due"] if with_due else ["Deck", "Cards"]
            self.setColumnCount(len(labels))
            self.setHeaderLabels(labels)
            for row in rows:
                self.addTopLevelItem(self._item(row))
            self._apply_folds(rows)
            header = self.header()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for col in range(1, len(labels)):
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
            item = self.item_for(selected) if selected is not None else None
            if item is not None:
                self.setCurrentItem(item)
        finally:
            self._filling = False
        self.verticalScrollBar().setValue(scroll)

    def _item(self, row: DeckRow) -> QTreeWidgetItem:
        if row.due is not None:
            values = [row.basename, *(str(n) for n in row.due)]
        else:
            values = [row.basename, str(row.card_count)]
        item = QTreeWidgetItem(values)
        item.setData(0, DECK_ID_ROLE, row.id)
        item.setToolTip(0, row.name)
        for col in range(1, len(values)):
            item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if row.due is not None:  # Anki's colours; a zero is greyed out
            for col, count, color in zip((1, 2, 3), row.due, ("#1f6fd0", "#c0392b", "#2e8b3e"),
                                         strict=True):
                item.setForeground(col, _brush(color if count else "#b0b0b0"))
        if row.filtered:
            item.setForeground(0, _brush("#1f6fd0"))
            flags = item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled  # no subdecks in filtered
            item.setFlags(flags)
        for child in row.children:
            item.addChild(self._item(child))
        return item

    def _apply_folds(self, rows: list[DeckRow]) -> None:
        for row in rows:
            item = self.item_for(row.id)
            if item is not None and row.children:
                item.setExpanded(not row.collapsed)
            self._apply_folds(row.children)

    def _on_fold(self, item: QTreeWidgetItem, collapsed: bool) -> None:
        if not self._filling:
            self.deck_collapsed.emit(item.data(0, DECK_ID_ROLE), collapsed)

    # --- lookups ---

    def items(self) -> list[QTreeWidgetItem]:
        out = []
        iterator = QTreeWidgetItemIterator(self)
        while iterator.value():
            out.append(iterator.value())
            iterator += 1
        return out

    def item_for(self, deck_id: int) -> QTreeWidgetItem | None:
        for item in self.items():
            if item.data(0, DECK_ID_ROLE) == deck_id:
                return item
        return None

    def current_deck_id(self) -> int | None:
        item = self.currentItem()
        return item.data(0, DECK_ID_ROLE) if item is not None else None

    @staticmethod
    def full_name(item: QTreeWidgetItem) -> str:
        return item.toolTip(0)

    # --- drag and drop ---

    def drop_target(self, event: QDropEvent) -> int | None:
        """The deck a drop would move the dragged deck under (TOP_LEVEL for none)."""
        target = self.itemAt(event.position().toPoint())
        position = self.dropIndicatorPosition()
        indicator = QAbstractItemView.DropIndicatorPosition
        if target is None or position == indicator.OnViewport:
            return TOP_LEVEL
        if position == indicator.OnItem:
            return target.data(0, DECK_ID_ROLE)
        parent = target.parent()
        return parent.data(0, DECK_ID_ROLE) if parent is not None else TOP_LEVEL

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        dragged = self.current_deck_id()
        if event.source() is not self or dragged is None:
            event.ignore()
            return
        target = self.drop_target(event)
        # The tree is rebuilt from the collection afterwards; Qt must not move items itself.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if target is not None and target != dragged:
            # After Qt's drag loop has returned: the handler rebuilds the tree, and the items
            # the drag started from must outlive it.
            QTimer.singleShot(0, lambda: self.deck_dropped.emit(dragged, target))


def _brush(color: str) -> QBrush:
    return QBrush(QColor(color))
