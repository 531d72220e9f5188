"""The browser's table: a Qt model over `repetend.core.browser_table.BrowserTable`.

Qt asks a model only for the cells it paints, so the model answers `rowCount` with the
number of results and fetches a row's cells from the table (which caches them by page)
when Qt asks for it: 100,000 results cost one id list, not 100,000 rows. Rows have one
fixed height, so the view never measures rows it does not show.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from repetend.host.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QBrush,
    QColor,
    QHeaderView,
    QMenu,
    QModelIndex,
    QPoint,
    Qt,
    QTableView,
    Signal,
)

if TYPE_CHECKING:
    from repetend.core.browser_table import BrowserTable

WIDE_COLUMNS = frozenset({"noteFld", "question", "answer", "deck", "noteTags"})
WIDE, NARROW = 240, 110
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
#: Row colours as Anki's browser gives them: a flag's colour first, then marked notes,
#: then suspended, then buried cards.
FLAG_COLOURS = {1: "#ffb3b3", 2: "#ffd0a0", 3: "#b8e6b8", 4: "#b3d4ff", 5: "#ffc4ec",
                6: "#b0ece6", 7: "#dcc4f2"}
MARKED_COLOUR, SUSPENDED_COLOUR, BURIED_COLOUR = "#ece4f7", "#fff5b8", "#e4e4e4"
_STATE_PAGE = 128


class BrowserModel(QAbstractTableModel):
    """Rows and shown columns of a `BrowserTable`, fetched only when Qt paints them."""

    def __init__(self, table: BrowserTable, parent: Any = None) -> None:
        super().__init__(parent)
        self.table = table
        #: Every row index Qt asked to paint since the last reset (tests check it stays small).
        self.rows_asked: set[int] = set()
        self._labels: dict[str, str] = {}
        self._sortable: dict[str, bool] = {}
        self._colours: dict[int, str | None] = {}
        self._read_columns()

    def _read_columns(self) -> None:
        available = self.table.available_columns()
        self._labels = {c.key: c.label for c in available}
        self._sortable = {c.key: bool(c.sortable) for c in available}

    # --- Qt's model interface ---

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.table)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.table.columns)

    def data(self, index: QModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        if role == _BACKGROUND:
            colour = self.row_colour(index.row())
            return QBrush(QColor(colour)) if colour else None
        if role not in (_DISPLAY, _TOOLTIP):
            return None
        row = index.row()
        if role == _DISPLAY:
            self.rows_asked.add(row)
        cells = self.table.row(row)
        column = index.column()
        return cells[column] if column < len(cells) else ""

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != _DISPLAY:
            return None
        columns = self.table.columns
        if not 0 <= section < len(columns):
            return None
        return self._labels.get(columns[section], columns[section])

    def row_colour(self, row: int) -> str | None:
        """The row's background colour (flag, marked, suspended, buried), or None."""
        if row not in self._colours:
            self._fetch_colours(row - row % _STATE_PAGE)
        return self._colours.get(row)

    def _fetch_colours(self, start: int) -> None:
        """One query for a page of rows, as the table fetches its cells."""
        ids = list(self.table.ids[start:start + _STATE_PAGE])
        col = self.table.col
        found: dict[int, tuple[int, int, str]] = {}
        if self.table.notes_mode:
            for nid, tags in col.db.execute(
                    "SELECT id, tags FROM notes WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(ids),)):
                found[nid] = (0, 0, tags)
        else:
            for cid, queue, flags, tags in col.db.execute(
                    "SELECT c.id, c.queue, c.flags, n.tags FROM cards c JOIN notes n "
                    "ON n.id = c.nid WHERE c.id IN (SELECT value FROM json_each(?))",
                    (json.dumps(ids),)):
                found[cid] = (queue, flags, tags)
        for offset, item in enumerate(ids):
            queue, flags, tags = found.get(item, (0, 0, ""))
            colour = None
            if flags & 0b111:
                colour = FLAG_COLOURS.get(flags & 0b111)
            elif " marked " in f" {tags.lower()} ":
                colour = MARKED_COLOUR
            elif queue == -1:
                colour = SUSPENDED_COLOUR
            elif queue in (-2, -3):
                colour = BURIED_COLOUR
            self._colours[start + offset] = colour

    # --- what the window calls ---

    def key_of(self, section: int) -> str | None:
        columns = self.table.columns
        return columns[section] if 0 <= section < len(columns) else None

    def sortable(self, key: str) -> bool:
        return self._sortable.get(key, False)

    def label(self, key: str) -> str:
        return self._labels.get(key, key)

    def reset(self) -> None:
        """After a search, a mode switch or new columns: everything may have changed."""
        self.beginResetModel()
        self._read_columns()
        self.rows_asked = set()
        self._colours = {}
        self.endResetModel()

    def refresh_rows(self, ids: list[int] | None = None) -> None:
        """After an operation: drop cached cells (of `ids`, or all) and repaint what shows.

        Rows stay where they are (and selected) even if they no longer match the search, as
        in Anki; searching again removes them.
        """
        self.table.invalidate(ids)
        self._colours = {}
        if len(self.table) and self.table.columns:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.table) - 1, len(self.table.columns) - 1))


class BrowserTableView(QTableView):
    """The table: whole-row selection, fixed row height, sortable headers, column menu."""

    sort_requested = Signal(str, bool)
    """sig_sort_requested: a sortable header was clicked; the column key and `reverse`."""

    columns_requested = Signal(list)
    """sig_columns_requested: the user chose other columns in the header menu (keys)."""

    not_sortable = Signal(str)
    """sig_not_sortable_clicked: a header that cannot sort was clicked; its label."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("browserTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.verticalHeader()
        rows.hide()
        # One height for every row: Qt never sizes rows it does not paint.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSectionsMovable(False)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sortIndicatorChanged.connect(self._sort_clicked)
        header.sectionResized.connect(self._resized)
        self._showing_sort = False
        self._applying_widths = False
        #: Width of each column the user sized, by key; kept across searches and modes.
        self.widths: dict[str, int] = {}

    def setModel(self, model: BrowserModel) -> None:  # noqa: N802 - Qt's name
        super().setModel(model)
        model.modelReset.connect(self.apply_widths)
        self.apply_widths()

    def apply_widths(self) -> None:
        """Give each shown column its remembered width (wide text columns by default)."""
        model = self.model()
        self._applying_widths = True
        try:
            for section, key in enumerate(model.table.columns):
                width = self.widths.get(key, WIDE if key in WIDE_COLUMNS else NARROW)
                self.horizontalHeader().resizeSection(section, width)
        finally:
            self._applying_widths = False

    def _resized(self, section: int, _old: int, new: int) -> None:
        key = self.model().key_of(section) if self.model() is not None else None
        last = section == self.horizontalHeader().count() - 1  # stretched, not chosen
        if key is not None and not self._applying_widths and not last:
            self.widths[key] = new

    def model(self) -> BrowserModel:  # narrowed for type checkers
        return super().model()  # type: ignore[return-value]

    def show_sort(self, key: str | None, reverse: bool) -> None:
        """Put the header's sort arrow on `key` without asking for a new sort."""
        model = self.model()
        section = model.table.columns.index(key) if key in model.table.columns else -1
        order = Qt.SortOrder.DescendingOrder if reverse else Qt.SortOrder.AscendingOrder
        self._showing_sort = True
        try:
            self.horizontalHeader().setSortIndicator(section, order)
        finally:
            self._showing_sort = False

    def _sort_clicked(self, section: int, order: Qt.SortOrder) -> None:
        if self._showing_sort:
            return
        model = self.model()
        key = model.key_of(section)
        if key is None:
            return
        if not model.sortable(key):
            # Put the arrow back where the rows' real order is.
            self.show_sort(model.table.sort_column, model.table.reverse)
            self.not_sortable.emit(model.label(key))
            return
        self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)

    def _header_menu(self, pos: QPoint) -> None:
        self.build_header_menu().exec(self.horizontalHeader().viewport().mapToGlobal(pos))

    def build_header_menu(self) -> QMenu:
        """A check box per available column; the last shown column cannot be removed."""
        menu = QMenu(self)
        menu.setObjectName("columnsMenu")
        model = self.model()
        shown = list(model.table.columns)
        for column in model.table.available_columns():
            action = menu.addAction(column.label)
            action.setCheckable(True)
            action.setChecked(column.key in shown)
            action.setEnabled(not (column.key in shown and len(shown) == 1))
            action.toggled.connect(
                lambda on, key=column.key: self._toggle_column(key, on))
        return menu

    def _toggle_column(self, key: str, on: bool) -> None:
        columns = list(self.model().table.columns)
        if on and key not in columns:
            columns.append(key)
        elif not on and key in columns and len(columns) > 1:
            columns.remove(key)
        else:
            return
        self.columns_requested.emit(columns)

    def selected_rows(self) -> list[int]:
        """Selected row numbers, in table order."""
        selection = self.selectionModel()
        if selection is None:
            return []
        rows: set[int] = set()
        for span in selection.selection():  # ranges: cheap even when 100,000 rows are selected
            rows.update(range(span.top(), span.bottom() + 1))
        return sorted(rows)

    def visible_rows(self) -> range:
        """The rows the viewport shows now."""
        first = self.rowAt(0)
        if first < 0:
            return range(0)
        last = self.rowAt(self.viewport().height() - 1)
        if last < 0:
            last = self.model().rowCount() - 1
        return range(first, last + 1)
