"""Tools → Check Database and Tools → Check Media: their report dialogs.

Check Database has already run when its dialog opens (one undoable step, Edit → Undo
reverts it); Check Media's dialog shows the report and runs the actions of Anki's buttons,
checking again after each so the report stays true.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from repetend.core import mediacheck
from repetend.core.errors import RepetendError
from repetend.host.qt import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from repetend.core.collection import Collection


class ReportDialog(QDialog):
    """A read-only report with a Close button (Check Database's result)."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("checkReportDialog")
        self.resize(560, 320)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("checkReport")
        self.text.setReadOnly(True)
        self.text.setPlainText(text)
        layout.addWidget(self.text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


class MediaCheckDialog(ReportDialog):
    """Check Media: the report and Delete Unused / Tag Missing / Empty Trash / Restore
    Deleted. Delete Unused moves files to the trash, which Restore Deleted undoes."""

    def __init__(self, col: Collection, parent: QWidget | None = None,
                 on_change: Callable[[], None] | None = None) -> None:
        self.col = col
        self.on_change = on_change
        self.result = mediacheck.check_media(col)
        super().__init__("Check Media", self.result.report(), parent)
        self.setObjectName("mediaCheckDialog")
        self.buttons_ = {}
        for key, label, slot in (("delete_unused", "Delete Unused", self.delete_unused),
                                 ("tag_missing", "Tag Missing", self.tag_missing),
                                 ("empty_trash", "Empty Trash", self.empty_trash),
                                 ("restore_trash", "Restore Deleted", self.restore_trash)):
            button = QPushButton(label, self)
            button.setObjectName(key)
            button.clicked.connect(lambda _checked=False, s=slot, t=label: self._run(t, s))
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
            self.buttons_[key] = button
        self.status = ""
        self._update_buttons()

    def _update_buttons(self) -> None:
        r = self.result
        self.buttons_["delete_unused"].setEnabled(bool(r.unused))
        self.buttons_["tag_missing"].setEnabled(bool(r.missing_note_ids))
        self.buttons_["empty_trash"].setEnabled(bool(r.trash_count))
        self.buttons_["restore_trash"].setEnabled(bool(r.trash_count))

    def _run(self, label: str, action: Callable[[], None]) -> None:
        """Run a button's action; a file that cannot be moved or a refused change is
        reported in the dialog (a Qt slot's exception would only reach stderr)."""
        try:
            action()
        except (OSError, RepetendError) as exc:
            self.status = f"{label} failed: {exc}"
            self.text.setPlainText(f"{self.status}\n\n{self.result.report()}")

    def _recheck(self, status: str) -> None:
        self.status = status
        self.result = mediacheck.check_media(self.col)
        self.text.setPlainText(f"{status}\n\n{self.result.report()}")
        self._update_buttons()
        if self.on_change is not None:
            self.on_change()

    def delete_unused(self) -> None:
        moved = mediacheck.delete_unused(self.col, self.result.unused)
        self._recheck(f"Moved {moved} unused file(s) to the trash.")

    def tag_missing(self) -> None:
        tagged = mediacheck.tag_missing(self.col, self.result)
        self._recheck(f"Tagged {tagged} note(s) missing-media.")

    def empty_trash(self) -> None:
        removed = mediacheck.empty_trash(self.col)
        self._recheck(f"Deleted {removed} file(s) from the trash for good.")

    def restore_trash(self) -> None:
        restored = mediacheck.restore_trash(self.col)
        self._recheck(f"Restored {restored} file(s) from the trash.")
