"""The browser's editor pane: the editor plugin's field editor for the selected note.

Edits are saved ("Update Note", one undo step) when another note is selected, before an
operation runs and when the window closes — as Anki's browser does. After an operation
the pane reloads the note without saving, so it never writes back stale fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from repetend.core.errors import NotFoundError
from repetend.host.qt import QLabel, QStackedWidget, Qt, QVBoxLayout, QWidget, Signal

if TYPE_CHECKING:
    from repetend.core.collection import Collection
    from repetend.core.notes import Note


class EditorPane(QWidget):
    """Fields and tags of one note, or a line saying why no note is shown."""

    saved = Signal(object)  # note ids exceed a C++ int
    """sig_note_saved: the pane stored the user's edits of this note id."""

    def __init__(self, col: Collection, parent: QWidget | None = None,
                 before_load: Callable[[Note], None] | None = None) -> None:
        super().__init__(parent)
        from repetend.plugins.editor.dialog import FieldEditor, TagEdit

        self.col = col
        self.before_load = before_load
        self.setObjectName("browserEditor")
        self.note_id: int | None = None
        self._original: tuple[list[str], list[str]] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)
        self.empty = QLabel("", self)
        self.empty.setObjectName("editorEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.empty)
        box = QWidget(self)
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        self.editor = FieldEditor(col, box)
        box_layout.addWidget(self.editor, 1)
        known = [r[0] for r in col.db.execute("SELECT tag FROM tags")]
        self.tags = TagEdit(known, box)
        box_layout.addWidget(self.tags)
        self.stack.addWidget(box)
        self.show_nothing("No note selected.")

    def show_nothing(self, text: str) -> None:
        """Save pending edits, then show `text` instead of a note."""
        self.save()
        self.note_id = None
        self._original = None
        self.empty.setText(text)
        self.stack.setCurrentIndex(0)

    def load(self, note_id: int, *, save: bool = True) -> None:
        """Show `note_id` (saving the note shown before, unless `save` is False)."""
        if save:
            self.save()
        if note_id == self.note_id and save:
            return
        try:
            note = self.col.get_note(note_id)
        except NotFoundError:
            self.note_id = None
            self._original = None
            self.empty.setText("The note was deleted.")
            self.stack.setCurrentIndex(0)
            return
        if self.before_load is not None:
            self.before_load(note)
        self.note_id = note_id
        # Taken after the plugins' changes, which are saved only with the user's own.
        self._original = (list(note.fields), list(note.tags))
        self.tags.set_tags(note.tags)
        self.editor.set_note(note, focus=None)
        self.stack.setCurrentIndex(1)

    def reload(self) -> None:
        """Show the stored note again (an operation or undo changed it), dropping nothing:
        the caller saved before the change."""
        if self.note_id is not None:
            self.load(self.note_id, save=False)

    def dirty(self) -> bool:
        note = self.editor.note
        if self.note_id is None or note is None or self._original is None:
            return False
        return (note.fields, self.tags.tags()) != self._original

    def save(self) -> bool:
        """Store the edits of the shown note, if any; True if it changed."""
        if not self.dirty():
            return False
        note = self.editor.note
        assert note is not None and self.note_id is not None
        note.tags = self.tags.tags()
        try:
            self.col.update_note(note)
        except NotFoundError:  # deleted meanwhile (e.g. by undo)
            return False
        self._original = (list(note.fields), list(note.tags))
        self.saved.emit(self.note_id)
        return True
