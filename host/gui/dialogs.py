"""Small dialogs of the main window: profiles, moving a deck, preferences, empty cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from repetend.core.backups import BackupLimits, get_limits, set_limits
from repetend.core.decks import DEFAULT_DECK_ID, SEPARATOR
from repetend.core.errors import InvalidInput
from repetend.host.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from repetend.core.collection import Collection
    from repetend.core.emptycards import EmptyCardsReport
    from repetend.host.profiles import ProfileManager

ID_ROLE = Qt.ItemDataRole.UserRole


class ProfilesDialog(QDialog):
    """Pick the profile to open, or add one (File > Switch Profile, Ctrl+Shift+P)."""

    def __init__(self, profiles: ProfileManager, current: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Profiles")
        self.setObjectName("profilesDialog")
        self.profiles = profiles
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Profiles", self))
        self.list = QListWidget(self)
        self.list.setObjectName("profileList")
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(self)
        self.open_button = buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button = buttons.addButton("Add…", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.add_button.clicked.connect(self._add)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(buttons)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        self._fill(current)

    def _fill(self, select: str) -> None:
        self.list.clear()
        for name in self.profiles.names():
            item = QListWidgetItem(name)
            self.list.addItem(item)
            if name == select:
                self.list.setCurrentItem(item)

    def _add(self) -> None:
        from repetend.core.errors import RepetendError
        from repetend.host.qt import QInputDialog

        name, ok = QInputDialog.getText(self, "Add Profile", "Name:")
        if not ok or not name.strip():
            return
        try:
            self.profiles.create(name.strip())
        except RepetendError as exc:
            self.error.setText(str(exc))
            return
        self._fill(name.strip())

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.text() if item is not None else None


class MoveDeckDialog(QDialog):
    """Choose the deck to move a deck under (or the top level)."""

    TOP = 0

    def __init__(self, col: Collection, deck_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        deck = col.decks.get(deck_id)
        self.setWindowTitle(f"Move {deck.name}")
        self.setObjectName("moveDeckDialog")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Move “{deck.name}” and its subdecks under:", self))
        self.list = QListWidget(self)
        self.list.setObjectName("moveTargets")
        top = QListWidgetItem("(top level)")
        top.setData(ID_ROLE, self.TOP)
        self.list.addItem(top)
        own = deck.name.casefold()
        for other in col.decks.all():
            name = other.name.casefold()
            if (other.is_filtered or name == own or name.startswith(own + SEPARATOR.casefold())
                    or (deck_id == DEFAULT_DECK_ID)):
                continue
            item = QListWidgetItem(other.name)
            item.setData(ID_ROLE, other.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def select(self, deck_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == deck_id:
                self.list.setCurrentRow(row)
                return
        raise KeyError(deck_id)

    def target(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None


#: Collection settings the minimal Preferences dialog edits (Anki's config keys).
PREFERENCES = (
    ("rollover", "Next day starts at (hours past midnight)", int, 4),
    ("collapseTime", "Learn ahead limit (minutes)", int, 20),
    ("dueCounts", "Show remaining card count", bool, True),
    ("estTimes", "Show next review time above answer buttons", bool, True),
    ("addToCur", "Add new cards to the current deck", bool, True),
)


BACKUP_FIELDS = (
    ("daily", "Daily backups to keep:"),
    ("weekly", "Weekly backups to keep:"),
    ("monthly", "Monthly backups to keep:"),
    ("minimum_interval_mins", "Minutes between automatic backups:"),
)


class PreferencesDialog(QDialog):
    """The few collection settings that exist so far; saved as one "Change Preferences" step."""

    def __init__(self, col: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.col = col
        self.setWindowTitle("Preferences")
        self.setObjectName("preferencesDialog")
        form = QFormLayout(self)
        self.widgets: dict[str, QSpinBox | QCheckBox] = {}
        for key, label, kind, default in PREFERENCES:
            value = col.get_config(key, default)
            if key == "collapseTime":
                value = int(value) // 60
            if kind is int:
                box = QSpinBox(self)
                box.setRange(0, 23 if key == "rollover" else 1440)
                box.setValue(int(value))
                form.addRow(label, box)
            else:
                box = QCheckBox(label, self)
                box.setChecked(bool(value))
                form.addRow(box)
            box.setObjectName(f"pref_{key}")
            self.widgets[key] = box
        self._add_backup_fields(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _add_backup_fields(self, form: QFormLayout) -> None:
        """Anki's four backup settings (config `backups`, core/backups.py)."""
        try:
            self.backup_limits = get_limits(self.col)
        except InvalidInput:  # a bad stored value: offer the defaults
            self.backup_limits = BackupLimits()
        self.backup_boxes: dict[str, QSpinBox] = {}
        for key, label in BACKUP_FIELDS:
            box = QSpinBox(self)
            box.setRange(0, 9999)
            box.setValue(getattr(self.backup_limits, key))
            box.setObjectName(f"pref_backups_{key}")
            form.addRow(label, box)
            self.backup_boxes[key] = box

    def chosen_backup_limits(self) -> BackupLimits:
        return BackupLimits(**{k: box.value() for k, box in self.backup_boxes.items()})

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, _label, kind, _default in PREFERENCES:
            box = self.widgets[key]
            if kind is int:
                value = box.value()  # type: ignore[union-attr]
                out[key] = value * 60 if key == "collapseTime" else value
            else:
                out[key] = box.isChecked()  # type: ignore[union-attr]
        return out

    def save(self) -> bool:
        """Store the changed settings in one undoable step; returns True if any changed."""
        changed = {k: v for k, v in self.values().items()
                   if self.col.get_config(k) != v}
        limits = self.chosen_backup_limits()
        if not changed and limits == self.backup_limits:
            return False
        with self.col.op("Change Preferences"):
            for key, value in changed.items():
                self.col.set_config(key, value)
            if limits != self.backup_limits:
                set_limits(self.col, limits)
        return True

    def accept(self) -> None:
        self.save()
        super().accept()


class EmptyCardsDialog(QDialog):
    """Tools > Empty Cards: the report, and deleting the cards in one undoable step."""

    def __init__(self, col: Collection, report: EmptyCardsReport,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.col = col
        self.report = report
        self.deleted: int | None = None
        self.setWindowTitle("Empty Cards")
        self.setObjectName("emptyCardsDialog")
        self.resize(560, 380)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("emptyCardsReport")
        self.text.setReadOnly(True)
        self.text.setPlainText(report.text())
        layout.addWidget(self.text)
        self.keep_notes = QCheckBox("Keep notes with no valid cards", self)
        self.keep_notes.setObjectName("keepNotes")
        self.keep_notes.setChecked(True)
        layout.addWidget(self.keep_notes)
        buttons = QDialogButtonBox(self)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setObjectName("deleteEmptyCards")
        self.delete_button.setEnabled(bool(report.card_ids))
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.delete_button.clicked.connect(self.delete)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def delete(self) -> None:
        self.deleted = self.col.remove_empty_cards(self.report,
                                                   keep_notes=self.keep_notes.isChecked())
        self.accept()
