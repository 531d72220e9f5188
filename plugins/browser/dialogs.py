"""The browser's dialogs: each asks what one operation needs, the window then runs it.

They only collect input (and show results); the changes are made by the window through
`repetend.core.browser_ops` and `repetend.core.scheduler.cardops`, one undo step each.
"""

from __future__ import annotations

import time
from html import escape
from typing import TYPE_CHECKING, Any

from repetend.host.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    Qt,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from repetend.core.collection import Collection

#: What the "In" chooser of Find and Replace means by its first two entries.
ALL_FIELDS = "All fields"
TAGS = "Tags"
NOTHING = "(nothing)"


def _buttons(dialog: QDialog, ok_text: str = "OK") -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                           | QDialogButtonBox.StandardButton.Cancel, dialog)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class DeckChooser(QDialog):
    """Change Deck: a filter box over every deck cards can be moved to (not filtered ones)."""

    def __init__(self, col: Collection, parent: QWidget | None = None,
                 current: str | None = None, *, title: str = "Change Deck",
                 button: str = "Move Cards", exclude: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("deckChooser")
        self.resize(360, 420)
        layout = QVBoxLayout(self)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("deckFilter")
        self.filter.setPlaceholderText("Filter")
        layout.addWidget(self.filter)
        self.list = QListWidget(self)
        self.list.setObjectName("deckList")
        layout.addWidget(self.list, 1)
        self.names = sorted((d.name for d in col.decks.all()
                             if not d.is_filtered and d.name != exclude), key=str.lower)
        self.buttons = _buttons(self, button)
        layout.addWidget(self.buttons)
        self.filter.textChanged.connect(self._fill)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self._fill("", current)

    def _fill(self, text: str, select: str | None = None) -> None:
        self.list.clear()
        words = text.casefold().split()
        for name in self.names:
            if all(w in name.casefold() for w in words):
                item = QListWidgetItem(name)
                self.list.addItem(item)
                if name == select:
                    self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.text() if item is not None else None


class FindReplaceDialog(QDialog):
    """Find and Replace in the selected notes' fields (all or one) or their tags."""

    def __init__(self, field_names: list[str], parent: QWidget | None = None,
                 has_selection: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("Find and Replace")
        self.setObjectName("findReplaceDialog")
        form = QFormLayout(self)
        self.find = QLineEdit(self)
        self.find.setObjectName("findText")
        self.replace = QLineEdit(self)
        self.replace.setObjectName("replaceText")
        self.where = QComboBox(self)
        self.where.setObjectName("findIn")
        self.where.addItems([ALL_FIELDS, TAGS, *field_names])
        self.selected_only = QCheckBox("Selected notes only", self)
        self.selected_only.setChecked(has_selection)
        self.selected_only.setEnabled(has_selection)
        self.regex = QCheckBox("Treat input as regular expression", self)
        self.match_case = QCheckBox("Match case", self)
        form.addRow("Find:", self.find)
        form.addRow("Replace With:", self.replace)
        form.addRow("In:", self.where)
        for box in (self.selected_only, self.regex, self.match_case):
            form.addRow(box)
        form.addRow(_buttons(self))


class ChangeNotetypeDialog(QDialog):
    """Change Note Type: the new type, and for each of its fields and templates, which old
    one it takes from (by position unless changed). Old templates left out lose their cards."""

    def __init__(self, col: Collection, old_ntid: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.col = col
        self.old = col.notetypes.get(old_ntid)
        self.setWindowTitle("Change Note Type")
        self.setObjectName("changeNotetypeDialog")
        self.layout_ = QVBoxLayout(self)
        top = QFormLayout()
        top.addRow("Current:", QLabel(self.old.name, self))
        self.target = QComboBox(self)
        self.target.setObjectName("targetNotetype")
        self.target.addItems(sorted((nt.name for nt in col.notetypes.all()), key=str.lower))
        self.target.setCurrentText(self.old.name)
        top.addRow("New:", self.target)
        self.layout_.addLayout(top)
        self.grid_widget = QWidget(self)
        self.layout_.addWidget(self.grid_widget)
        self.warning = QLabel("", self)
        self.warning.setObjectName("unmappedWarning")
        self.warning.setStyleSheet("color: #b00020;")
        self.warning.setWordWrap(True)
        self.layout_.addWidget(self.warning)
        self.layout_.addWidget(_buttons(self))
        self.field_boxes: dict[str, QComboBox] = {}
        self.template_boxes: dict[str, QComboBox] = {}
        self.target.currentTextChanged.connect(self._rebuild)
        self._rebuild()

    def _rebuild(self, _name: str = "") -> None:
        new = self.col.notetypes.by_name(self.target.currentText())
        old_fields = self.old.field_names()
        old_templates = [] if self.old.is_cloze else [t.name for t in self.old.templates]
        self.grid_widget.deleteLater()
        self.grid_widget = QWidget(self)
        grid = QGridLayout(self.grid_widget)
        self.layout_.insertWidget(1, self.grid_widget)
        self.field_boxes, self.template_boxes = {}, {}
        row = 0
        grid.addWidget(QLabel("<b>Fields</b>", self.grid_widget), row, 0)
        for i, name in enumerate(new.field_names()):
            row += 1
            self.field_boxes[name] = self._mapping_row(grid, row, name, old_fields, i)
        if not new.is_cloze and old_templates:
            row += 1
            grid.addWidget(QLabel("<b>Templates</b>", self.grid_widget), row, 0)
            for i, template in enumerate(new.templates):
                row += 1
                box = self._mapping_row(grid, row, template.name, old_templates, i)
                box.currentTextChanged.connect(self._warn_unmapped)
                self.template_boxes[template.name] = box
        self._warn_unmapped()

    def _mapping_row(self, grid: QGridLayout, row: int, new_name: str, old_names: list[str],
                     position: int) -> QComboBox:
        box = QComboBox(self.grid_widget)
        box.setObjectName(f"map_{new_name}")
        box.addItems([*old_names, NOTHING])
        box.setCurrentIndex(position if position < len(old_names) else len(old_names))
        grid.addWidget(box, row, 0)
        grid.addWidget(QLabel(f"→ {new_name}", self.grid_widget), row, 1)
        return box

    def field_map(self) -> dict[str, str | None]:
        return {new: (None if box.currentText() == NOTHING else box.currentText())
                for new, box in self.field_boxes.items()}

    def template_map(self) -> dict[str, str | None] | None:
        if not self.template_boxes:
            return None
        return {new: (None if box.currentText() == NOTHING else box.currentText())
                for new, box in self.template_boxes.items()}

    def unmapped(self, nids: list[int] | None = None) -> list[str]:
        """Old templates whose cards the change would delete (core's rule: from a cloze
        type, the clozes past the new templates, if one of `nids` has them)."""
        from repetend.core.browser_ops import unmapped_templates

        return unmapped_templates(self.col, self.old.id, self.target.currentText(),
                                  self.template_map(), nids)

    def _warn_unmapped(self, _text: str = "") -> None:
        gone = self.unmapped()
        self.warning.setText(
            f"The cards of {', '.join(gone)} will be deleted." if gone else "")


class ForgetDialog(QDialog):
    """Forget (Reset): the two switches Anki offers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Forget")
        self.setObjectName("forgetDialog")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Reset the selected cards to new cards.", self))
        self.restore_position = QCheckBox("Restore original position where possible", self)
        self.restore_position.setChecked(True)
        self.reset_counts = QCheckBox("Reset repetition and lapse counts", self)
        layout.addWidget(self.restore_position)
        layout.addWidget(self.reset_counts)
        layout.addWidget(_buttons(self))


class RepositionDialog(QDialog):
    """Reposition new cards: start, step, randomize, shift existing cards."""

    def __init__(self, parent: QWidget | None = None, start: int = 0) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reposition New Cards")
        self.setObjectName("repositionDialog")
        form = QFormLayout(self)
        self.start = QSpinBox(self)
        self.start.setRange(0, 2_000_000_000)
        self.start.setValue(start)
        self.step = QSpinBox(self)
        self.step.setRange(1, 10_000)
        self.randomize = QCheckBox("Randomize order", self)
        self.shift = QCheckBox("Shift position of existing cards", self)
        form.addRow("Start position:", self.start)
        form.addRow("Step:", self.step)
        form.addRow(self.randomize)
        form.addRow(self.shift)
        form.addRow(_buttons(self))


def _when(seconds: int | None) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(seconds)) if seconds else "—"


def _duration(ms: int | None) -> str:
    if ms is None:
        return "—"
    return f"{ms / 1000:.1f} s" if ms < 60_000 else f"{ms / 60_000:.1f} min"


def due_text(info: dict[str, Any], today: int) -> str:
    """When the card is due, as the browser's Due column says it (dates, "New #3")."""
    due, queue = info["due"], info["queue"]
    if info["type"] == 0 or queue == 0:
        text = f"New #{due}"
    elif queue in (1, 4) or due > 1_000_000_000:  # learning: a timestamp
        text = _when(due)
    else:
        text = _when(int(time.time()) + (due - today) * 86_400)
    return f"({text})" if queue < 0 else text


def card_info_html(info: dict[str, Any], today: int | None = None) -> str:
    """Card Info as Anki lays it out: the facts, then the review history."""
    facts = [
        ("Added", _when(info["added"])), ("First Review", _when(info["first_review"])),
        ("Latest Review", _when(info["latest_review"])),
        ("Interval", f"{info['interval']} days" if info["interval"] else "—"),
        ("Ease", f"{info['ease']:.0f}%" if info["ease"] else "—"),
        ("Due", due_text(info, today) if today is not None else str(info["due"])),
        ("Reviews", str(info["reviews"])),
        ("Lapses", str(info["lapses"])), ("Average Time", _duration(info["average_time_ms"])),
        ("Total Time", _duration(info["total_time_ms"])),
        ("Card Type", info["card_type"]), ("Note Type", info["note_type"]),
        ("Deck", info["deck"] + (f" ({info['original_deck']})" if info["original_deck"]
                                  else "")),
        ("Card ID", str(info["card_id"])), ("Note ID", str(info["note_id"])),
    ]
    rows = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>"
                   for k, v in facts)
    history = "".join(
        f"<tr><td>{time.strftime('%Y-%m-%d %H:%M', time.localtime(e['id'] // 1000))}</td>"
        f"<td>{escape(e['kind'])}</td><td>{e['ease']}</td><td>{e['ivl']}</td>"
        f"<td>{e['factor'] / 10:.0f}%</td><td>{e['time'] / 1000:.1f} s</td></tr>"
        for e in reversed(info["history"]))
    head = ("<tr><th>Date</th><th>Type</th><th>Rating</th><th>Interval</th><th>Ease</th>"
            "<th>Time</th></tr>")
    return (f"<h3>{escape(info['sort_field'])}</h3><table cellpadding=3>{rows}</table>"
            + (f"<h4>Review history</h4><table cellpadding=3>{head}{history}</table>"
               if history else "<p>No reviews yet.</p>"))


class CardInfoDialog(QDialog):
    """Card Info (Ctrl+Shift+I): the facts and review history of one card."""

    def __init__(self, info: dict[str, Any], parent: QWidget | None = None,
                 today: int | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Card Info")
        self.setObjectName("cardInfoDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.resize(520, 560)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser(self)
        self.text.setObjectName("cardInfoText")
        self.text.setHtml(card_info_html(info, today))
        layout.addWidget(self.text)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        layout.addWidget(close)


class DuplicatesDialog(QDialog):
    """Find Duplicates: a field and an optional search; groups listed, a click searches them."""

    def __init__(self, field_names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Find Duplicates")
        self.setObjectName("duplicatesDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.resize(520, 440)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.field = QComboBox(self)
        self.field.setObjectName("dupeField")
        self.field.addItems(field_names)
        self.search = QLineEdit(self)
        self.search.setObjectName("dupeSearch")
        self.search.setPlaceholderText("Optional limit (a search)")
        form.addRow("Search in:", self.field)
        form.addRow("", self.search)
        layout.addLayout(form)
        self.find_button = QPushButton("Search", self)
        self.find_button.setObjectName("dupeFind")
        layout.addWidget(self.find_button)
        self.summary = QLabel("", self)
        layout.addWidget(self.summary)
        self.results = QListWidget(self)
        self.results.setObjectName("dupeResults")
        layout.addWidget(self.results, 1)

    def show_groups(self, groups: list[dict[str, Any]]) -> None:
        self.results.clear()
        notes = sum(len(g["note_ids"]) for g in groups)
        self.summary.setText(f"{len(groups)} set{'s' if len(groups) != 1 else ''} of "
                             f"duplicates, {notes} notes." if groups else "No duplicates.")
        for group in groups:
            item = QListWidgetItem(f"{len(group['note_ids'])} notes: {group['value']}")
            item.setData(Qt.ItemDataRole.UserRole,
                         "nid:" + ",".join(str(n) for n in group["note_ids"]))
            self.results.addItem(item)
