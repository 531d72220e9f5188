"""The Add and Edit note dialogs and the "Cards…" preview (GUI; imports Qt).

Loaded only when a dialog opens (`repetend.plugins.editor.open_add_dialog`). The rules
(cloze numbers, duplicates, media names, preview rendering) are in the headless
`repetend.plugins.editor` module.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from copy import deepcopy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core.decks import DEFAULT_DECK_ID
from repetend.core.errors import NotFoundError, RepetendError
from repetend.core.notes import Note
from repetend.core.template import cloze_numbers_in_string
from repetend.host.qt import (
    QByteArray,
    QColorDialog,
    QComboBox,
    QCompleter,
    QDialog,
    QEvent,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QObject,
    QPushButton,
    QShortcut,
    QSplitter,
    Qt,
    QToolButton,
    QUrl,
    QVBoxLayout,
    QWebChannel,
    QWebEnginePage,
    QWebEngineView,
    QWidget,
    Signal,
    Slot,
    qt_resource_text,
)
from repetend.plugins import editor as rules
from repetend.plugins.cardview import CardRequestGuard, CardView, js_string
from repetend.plugins.editor.page import page_html

if TYPE_CHECKING:
    from repetend.core.collection import Collection
    from repetend.core.notetypes import NoteType


# --- the field editor ---------------------------------------------------------------------


class _Bridge(QObject):
    """What the editor page may call in Python (QWebChannel object `editorBridge`)."""

    def __init__(self, editor: FieldEditor) -> None:
        super().__init__()
        self._editor = editor

    @Slot()
    def pageReady(self) -> None:  # noqa: N802 - called from JavaScript
        self._editor._on_bridge_ready()

    @Slot(int, int, str)
    def fieldChanged(self, generation: int, ord_: int, html: str) -> None:  # noqa: N802
        self._editor._on_field_changed(generation, ord_, html)

    @Slot(int)
    def fieldFocused(self, ord_: int) -> None:  # noqa: N802
        self._editor.current_field = ord_

    @Slot(int, bool)
    def sourceToggled(self, ord_: int, shown: bool) -> None:  # noqa: N802
        self._editor._on_source_toggled(ord_, shown)

    @Slot(str, str, result=str)
    def saveMedia(self, name: str, data_url: str) -> str:  # noqa: N802
        return self._editor._save_media(name, data_url)


class FieldEditor(QWidget):
    """A formatting toolbar over one web page holding an editor per field of a note."""

    field_changed = Signal(int)
    """sig_field_changed: the user changed a field; carries its index."""

    note_loaded = Signal()
    """sig_note_loaded: the page shows the note given to `set_note`."""

    status = Signal(str)
    """sig_status_changed: a short message for the dialog's status line."""

    def __init__(self, col: Collection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.col = col
        self.note: Note | None = None
        self.notetype: NoteType | None = None
        self.current_field = 0
        self.source_shown: set[int] = set()
        self._generation = 0
        self._loaded = False
        self._bridge_ready = False
        self._pending: list[tuple[str, Callable[[], None] | None]] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.toolbar = QHBoxLayout()
        self.toolbar.setSpacing(2)
        layout.addLayout(self.toolbar)
        self.buttons: dict[str, QToolButton] = {}
        for key, text, tip, slot in [
            ("bold", "B", "Bold (Ctrl+B)", lambda: self.exec_command("bold")),
            ("italic", "I", "Italic (Ctrl+I)", lambda: self.exec_command("italic")),
            ("underline", "U", "Underline (Ctrl+U)", lambda: self.exec_command("underline")),
            ("bullets", "•", "Bulleted list", lambda: self.exec_command("insertUnorderedList")),
            ("numbers", "1.", "Numbered list", lambda: self.exec_command("insertOrderedList")),
            ("color", "A", "Text colour", self.choose_color),
            ("link", "Link", "Link", self.insert_link),
            ("media", "Media", "Attach pictures/audio/video (F3)", self.attach_media),
            ("cloze", "[…]", "Cloze deletion (Ctrl+Shift+C)", lambda: self.cloze()),
            ("html", "</>", "HTML editor of the current field (Ctrl+Shift+X)",
             lambda: self.toggle_source()),
        ]:
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setObjectName(f"editor_{key}")
            # The web page keeps the keyboard focus (and its selection) when a button is hit.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            self.toolbar.addWidget(button)
            self.buttons[key] = button
        font = self.buttons["bold"].font()
        font.setBold(True)
        self.buttons["bold"].setFont(font)
        font = self.buttons["italic"].font()
        font.setItalic(True)
        self.buttons["italic"].setFont(font)
        font = self.buttons["underline"].font()
        font.setUnderline(True)
        self.buttons["underline"].setFont(font)
        self.toolbar.addStretch(1)

        self.web = QWebEngineView(self)
        self.web.setObjectName("editorWeb")
        page = QWebEnginePage(self.web)
        self.guard = CardRequestGuard(col.media_folder, page)
        page.setUrlRequestInterceptor(self.guard)
        self._bridge = _Bridge(self)
        self._channel = QWebChannel(page)
        self._channel.registerObject("editorBridge", self._bridge)
        page.setWebChannel(self._channel)
        self.web.setPage(page)
        self.web.loadFinished.connect(self._on_load_finished)
        layout.addWidget(self.web, 1)
        self.web.setHtml(page_html(qt_resource_text(":/qtwebchannel/qwebchannel.js")),
                         QUrl.fromLocalFile(str(col.media_folder.resolve()) + "/"))

        for keys, slot in [
            ("Ctrl+Shift+C", lambda: self.cloze()),
            ("Ctrl+Shift+Alt+C", lambda: self.cloze(same=True)),
            ("Ctrl+Shift+X", lambda: self.toggle_source()),
            ("F3", self.attach_media),
        ]:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # --- loading ---

    @property
    def ready(self) -> bool:
        """The page is loaded and connected, and shows the current note."""
        return self._loaded and self._bridge_ready and not self._pending

    def set_note(self, note: Note, focus: int | None = 0) -> None:
        """Show `note` (it is edited in place: `self.note` is the same object)."""
        self.note = note
        self.notetype = self.col.notetypes.get(note.ntid)
        self._generation += 1
        self.current_field = focus if focus is not None else 0
        self.source_shown = {f.ord for f in self.notetype.fields if f.plain_text}
        fields = [{"name": f.name, "html": note.fields[i], "rtl": f.rtl, "font": f.font,
                   "size": f.size, "source": f.plain_text}
                  for i, f in enumerate(self.notetype.fields)]
        focus_arg = "null" if focus is None else str(int(focus))
        self._run(f"setFields({self._generation}, {json.dumps(fields)}, {focus_arg});")
        self._run("void 0;", then=self.note_loaded.emit)

    def _run(self, code: str, then: Callable[[], None] | None = None) -> None:
        """Run JavaScript in the page once it is loaded and connected, in call order."""
        if not (self._loaded and self._bridge_ready) or self._pending:
            self._pending.append((code, then))
            self._flush_pending()
            return
        if then is None:
            self.web.page().runJavaScript(code, 0)
        else:
            self.web.page().runJavaScript(code, 0, lambda _result: then())

    def _on_load_finished(self, ok: bool) -> None:
        self._loaded = ok
        self._flush_pending()

    def _on_bridge_ready(self) -> None:
        self._bridge_ready = True
        self._flush_pending()

    def _flush_pending(self) -> None:
        if not (self._loaded and self._bridge_ready):
            return
        pending, self._pending = self._pending, []
        for code, then in pending:
            self._run(code, then)

    # --- edits coming from the page ---

    def _on_field_changed(self, generation: int, ord_: int, html: str) -> None:
        if self.note is None or generation != self._generation:
            return  # a late message about a note the editor no longer shows
        if 0 <= ord_ < len(self.note.fields):
            value = rules.munge_field_html(html)
            if self.note.fields[ord_] != value:
                self.note.fields[ord_] = value
                self.field_changed.emit(ord_)

    def _on_source_toggled(self, ord_: int, shown: bool) -> None:
        (self.source_shown.add if shown else self.source_shown.discard)(ord_)

    def _save_media(self, name: str, data_url: str) -> str:
        try:
            stored = rules.add_data_url(self.col, data_url, name)
        except (ValueError, OSError) as exc:
            self.status.emit(f"Could not add the file: {exc}")
            return ""
        return rules.media_reference(stored)

    def flush(self, callback: Callable[[], None]) -> None:
        """Read every field from the page into `self.note`, then call `callback`."""
        if not self.ready or self.note is None:
            self._run("void 0;", then=lambda: self.flush(callback))
            return

        def done(result: Any) -> None:
            if isinstance(result, dict) and result.get("generation") == self._generation:
                for i, html in enumerate(result.get("fields") or []):
                    if self.note is not None and i < len(self.note.fields):
                        value = rules.munge_field_html(str(html))
                        if self.note.fields[i] != value:
                            self.note.fields[i] = value
                            self.field_changed.emit(i)
            callback()

        self.web.page().runJavaScript("getFields()", 0, done)

    # --- commands ---

    def exec_command(self, command: str, argument: str | None = None) -> None:
        """Run a rich-text command (`bold`, `insertOrderedList`, …) on the current field."""
        arg = "undefined" if argument is None else js_string(argument)
        self._run(f"exec({js_string(command)}, {arg});")

    def insert_html(self, html: str) -> None:
        self._run(f"current = {self.current_field}; insertHtml({js_string(html)});")

    def focus_field(self, ord_: int) -> None:
        self.web.setFocus()
        self._run(f"focusField({int(ord_)});")

    def set_duplicate(self, flag: bool) -> None:
        self._run(f"setDupe({'true' if flag else 'false'});")

    def toggle_source(self, ord_: int | None = None) -> None:
        """Show or hide the HTML editor of a field (the current one by default)."""
        target = self.current_field if ord_ is None else ord_
        self._run(f"current = {int(target)}; toggleSource({int(target)});")

    def cloze(self, same: bool = False) -> None:
        """Wrap the selection in `{{cN::…}}` with the next free number (Anki's Ctrl+Shift+C)."""
        if self.notetype is not None and not self.notetype.is_cloze:
            self.status.emit("Cloze deletions will only work on a Cloze note type.")

        def wrap() -> None:
            fields = self.note.fields if self.note else []
            number = rules.next_cloze_number(fields, same=same)
            opening = "{{c" + str(number) + "::"
            self._run(f"wrap({js_string(opening)}, {js_string('}}')});")

        # Read the fields first, so a number typed a moment ago counts (Anki saves first too).
        self.flush(wrap)

    def choose_color(self) -> None:
        color = QColorDialog.getColor(parent=self, title="Text colour")
        if color.isValid():
            self.exec_command("foreColor", color.name())

    def insert_link(self) -> None:
        url, ok = QInputDialog.getText(self, "Link", "Link address (URL):")
        if ok and url.strip():
            self.exec_command("createLink", url.strip())

    def attach_media(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Add Media", "",
            "Media (*.png *.jpg *.jpeg *.gif *.webp *.svg *.bmp *.mp3 *.ogg *.wav *.m4a "
            "*.webm *.mp4);;All files (*)")
        for path in paths:
            self.add_media_file(Path(path))

    def add_media_file(self, path: Path) -> str:
        """Copy a file into the media folder and insert its reference in the current field."""
        name = rules.add_media_bytes(self.col, path.name, path.read_bytes())
        self.insert_html(rules.media_reference(name))
        return name


# --- tags ------------------------------------------------------------------------------


class TagEdit(QLineEdit):
    """Space-separated tags, completing the word under the cursor from the collection's tags."""

    def __init__(self, known: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagEdit")
        self.setPlaceholderText("tags, separated by spaces")
        self.completer_ = QCompleter(sorted(known, key=str.casefold), self)
        self.completer_.setWidget(self)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer_.activated.connect(self.insert_completion)
        self.textEdited.connect(self._update_completions)

    def _word_bounds(self) -> tuple[int, int]:
        text, pos = self.text(), self.cursorPosition()
        start = text.rfind(" ", 0, pos) + 1
        end = text.find(" ", pos)
        return start, len(text) if end == -1 else end

    def current_word(self) -> str:
        start, _ = self._word_bounds()
        return self.text()[start:self.cursorPosition()]

    def _update_completions(self, _text: str = "") -> None:
        prefix = self.current_word()
        if not prefix:
            self.completer_.popup().hide()
            return
        self.completer_.setCompletionPrefix(prefix)
        if self.completer_.completionCount():
            self.completer_.complete()
        else:
            self.completer_.popup().hide()

    def insert_completion(self, completion: str) -> None:
        start, end = self._word_bounds()
        text = self.text()
        new = text[:start] + completion + " " + text[end:].lstrip(" ")
        self.setText(new)
        self.setCursorPosition(start + len(completion) + 1)

    def tags(self) -> list[str]:
        return self.text().split()

    def set_tags(self, tags: list[str]) -> None:
        self.setText(" ".join(tags))


# --- dialogs ---------------------------------------------------------------------------


def _restore_geometry(widget: QWidget, state: dict[str, Any] | None, key: str) -> None:
    raw = (state or {}).get(key)
    if isinstance(raw, str):
        widget.restoreGeometry(QByteArray.fromBase64(raw.encode("ascii")))


def _save_geometry(widget: QWidget, state: dict[str, Any] | None, key: str) -> None:
    if state is not None:
        state[key] = bytes(widget.saveGeometry().toBase64().data()).decode("ascii")


class _NoteDialog(QDialog):
    """What the Add and Edit dialogs share: the field editor, tags, duplicate warning."""

    geometry_key = "editor_geometry"

    def __init__(self, col: Collection, parent: QWidget | None,
                 on_change: Callable[[], None] | None, state: dict[str, Any] | None,
                 before_load: Callable[[Note], None] | None) -> None:
        super().__init__(parent)
        self.col = col
        self.on_change = on_change
        self.state = state
        #: Called with each note about to be shown (the host's `editor_will_load_note`).
        self.before_load = before_load
        # Web pages must be gone before Qt's web profile is released at exit.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.resize(620, 560)
        self.layout_ = QVBoxLayout(self)
        self.top = QHBoxLayout()
        self.layout_.addLayout(self.top)
        self.editor = FieldEditor(col, self)
        self.editor.field_changed.connect(self._on_field_changed)
        self.editor.status.connect(self.show_status)
        self.layout_.addWidget(self.editor, 1)
        self.duplicate_label = QLabel("", self)
        self.duplicate_label.setObjectName("duplicateWarning")
        self.duplicate_label.setStyleSheet("color: #b00020;")
        self.duplicate_label.hide()
        self.layout_.addWidget(self.duplicate_label)
        tags_row = QHBoxLayout()
        tags_row.addWidget(QLabel("Tags", self))
        known = [r[0] for r in col.db.execute("SELECT tag FROM tags")]
        self.tags = TagEdit(known, self)
        tags_row.addWidget(self.tags, 1)
        self.layout_.addLayout(tags_row)
        self.buttons = QHBoxLayout()
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("statusLabel")
        self.buttons.addWidget(self.status_label, 1)
        self.layout_.addLayout(self.buttons)
        self.cards_button = QPushButton("Cards…", self)
        self.cards_button.setObjectName("cardsButton")
        self.cards_button.setToolTip("Preview the cards this note makes (Ctrl+L)")
        self.cards_button.clicked.connect(self.show_cards)
        self.top.addWidget(self.cards_button)
        for keys, slot in [("Ctrl+L", self.show_cards),
                           ("Ctrl+Shift+T", self.tags.setFocus)]:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        self.preview: CardsPreviewDialog | None = None
        _restore_geometry(self, state, self.geometry_key)

    @property
    def note(self) -> Note:
        assert self.editor.note is not None
        return self.editor.note

    def load_note(self, note: Note) -> None:
        """Show `note`, after plugins had their say (they change it in place)."""
        if self.before_load is not None:
            self.before_load(note)
        self.editor.set_note(note)

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def _on_field_changed(self, ord_: int) -> None:
        if ord_ == 0:
            self.check_first_field()

    def check_first_field(self) -> str | None:
        """Mark the first field when another note of this type has it (Anki's red field)."""
        if self.editor.note is None:
            return None
        problem = rules.first_field_problem(self.col, self.note)
        duplicate = problem == "duplicate"
        self.editor.set_duplicate(duplicate)
        if duplicate:
            nt = self.col.notetypes.get(self.note.ntid)
            self.duplicate_label.setText(
                f"Duplicate: another “{nt.name}” note has the same first field.")
        self.duplicate_label.setVisible(duplicate)
        return problem

    def deck_for_preview(self) -> int | None:
        return None

    def show_cards(self) -> None:
        """Flush the fields, then open the preview of every card the note makes."""
        def open_preview() -> None:
            note = deepcopy(self.note)
            note.tags = self.tags.tags()
            if self.preview is not None:
                self.preview.close()
            self.preview = CardsPreviewDialog(self.col, note, self.deck_for_preview(), self)
            self.preview.show()

        self.editor.flush(open_preview)

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        _save_geometry(self, self.state, self.geometry_key)
        super().done(result)


class AddCardsDialog(_NoteDialog):
    """Anki's Add window: note type and deck choosers, fields, tags; "Add" is one undo step."""

    geometry_key = "add_geometry"

    note_added = Signal(object)
    """sig_note_added: a note was added; carries its id."""

    def __init__(self, col: Collection, parent: QWidget | None = None, *,
                 deck_id: int | None = None, on_change: Callable[[], None] | None = None,
                 state: dict[str, Any] | None = None,
                 before_load: Callable[[Note], None] | None = None) -> None:
        super().__init__(col, parent, on_change, state, before_load)
        self.setWindowTitle("Add")
        self.setObjectName("addDialog")
        self.added_note_ids: list[int] = []
        #: Asked before adding a cloze note without clozes; tests replace it.
        self.confirm: Callable[[str], bool] = self._ask

        self.notetype_box = QComboBox(self)
        self.notetype_box.setObjectName("notetypeChooser")
        self.deck_box = QComboBox(self)
        self.deck_box.setObjectName("deckChooser")
        self._fill_choosers()
        self.top.insertWidget(0, QLabel("Type", self))
        self.top.insertWidget(1, self.notetype_box, 1)
        self.top.insertWidget(2, QLabel("Deck", self))
        self.top.insertWidget(3, self.deck_box, 1)

        self.add_button = QPushButton("Add", self)
        self.add_button.setObjectName("addButton")
        self.add_button.setToolTip("Add (Ctrl+Enter)")
        self.add_button.setDefault(False)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_current)
        self.close_button = QPushButton("Close", self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.buttons.addWidget(self.add_button)
        self.buttons.addWidget(self.close_button)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.add_current)

        current_nt = col.get_config("curModel")
        index = self.notetype_box.findData(current_nt)
        self.notetype_box.setCurrentIndex(max(index, 0))
        self.select_deck(deck_id or col.get_config("curDeck", DEFAULT_DECK_ID))
        self.notetype_box.currentIndexChanged.connect(self._on_notetype_changed)
        fresh = col.new_note(self.notetype_box.currentData())
        self.load_note(fresh)
        #: The form's fields before the user typed: empty, the sticky ones kept, or what
        #: an add-on filled in (`editor_will_load_note`).
        self._blank_fields = list(fresh.fields)

    def _fill_choosers(self) -> None:
        """List the note types and decks as they are now, keeping the ones chosen."""
        for box, items in (
                (self.notetype_box, [(nt.name, nt.id) for nt in self.col.notetypes.all()]),
                (self.deck_box, [(d.name, d.id) for d in self.col.decks.all()
                                 if not d.is_filtered])):
            if [(box.itemText(i), box.itemData(i)) for i in range(box.count())] == items:
                continue
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            for name, item_id in items:
                box.addItem(name, item_id)
            box.setCurrentIndex(max(box.findData(chosen), 0))
            box.blockSignals(False)
            if box is self.notetype_box and chosen is not None and box.currentData() != chosen:
                self._on_notetype_changed(box.currentIndex())  # its note type was deleted

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        # Back from the main window or the browser, where decks or note types may have
        # been added, renamed or deleted: offer them as they are (a deleted deck chosen
        # here gave "no deck with id …" on Add).
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self._fill_choosers()
        super().changeEvent(event)

    def select_deck(self, deck_id: int) -> None:
        index = self.deck_box.findData(deck_id)
        self.deck_box.setCurrentIndex(max(index, 0))

    def select_notetype(self, name: str) -> None:
        index = self.notetype_box.findText(name)
        if index < 0:
            raise NotFoundError(f"no note type called {name!r}")
        self.notetype_box.setCurrentIndex(index)

    def deck_for_preview(self) -> int | None:
        return self.deck_box.currentData()

    def _on_notetype_changed(self, _index: int) -> None:
        old = self.editor.note

        def switch() -> None:
            new = self.col.new_note(self.notetype_box.currentData())
            if old is not None:  # carry the contents over field by field, as Anki does
                for i in range(min(len(old.fields), len(new.fields))):
                    new.fields[i] = old.fields[i]
            blank = self.col.new_note(new.ntid)
            if self.before_load is not None:
                self.before_load(blank)
            self._blank_fields = list(blank.fields)
            self.load_note(new)
            self.check_first_field()

        if old is None:
            switch()
        else:
            self.editor.flush(switch)

    @staticmethod
    def _ask(text: str) -> bool:
        return QMessageBox.question(None, "Add", text) == QMessageBox.StandardButton.Yes

    def has_input(self) -> bool:
        """Something typed that was not added yet (sticky fields kept from the last note
        do not count, as in Anki)."""
        note = self.editor.note
        if note is None:
            return False
        return note.fields != self._blank_fields and any(f.strip() for f in note.fields)

    def reject(self) -> None:
        """Escape, Close, the window's close button, the main window closing: ask before
        typed text is thrown away (Anki's "Discard current input?")."""
        if self.has_input() and not self.confirm("Discard current input?"):
            return
        super().reject()

    def add_current(self) -> None:
        """Read the fields, check them and add the note (Anki's Add button, Ctrl+Enter)."""
        self.editor.flush(self._add_flushed)

    def _add_flushed(self) -> None:
        note = self.note
        note.tags = self.tags.tags()
        nt = self.col.notetypes.get(note.ntid)
        if rules.first_field_problem(self.col, note) == "empty":
            self.show_status("The first field is empty.")
            self.editor.focus_field(0)
            return
        if nt.is_cloze and not any(cloze_numbers_in_string(v) for v in note.fields):
            if not self.confirm("You have a cloze note type but have not made any cloze "
                                "deletions. Proceed?"):
                return
        deck_id = self.deck_box.currentData()
        try:
            with self.col.op("Add Note"):
                self.col.add_note(note, deck_id)
                if self.col.get_config("curModel") != nt.id:
                    self.col.set_config("curModel", nt.id)
        except RepetendError as exc:
            self.show_status(str(exc))
            return
        self.added_note_ids.append(note.id)
        self._start_next_note(note, nt)
        self.show_status("Added.")
        self.note_added.emit(note.id)
        if self.on_change is not None:
            self.on_change()

    def _start_next_note(self, added: Note, nt: NoteType) -> None:
        """A fresh note of the same type; sticky fields and the tags are kept (Anki)."""
        fresh = self.col.new_note(nt)
        for f in nt.fields:
            if f.sticky:
                fresh.fields[f.ord] = added.fields[f.ord]
        self.tags.set_tags(added.tags)
        self.duplicate_label.hide()
        self.load_note(fresh)
        self._blank_fields = list(fresh.fields)


class EditNoteDialog(_NoteDialog):
    """Edit one existing note; changes are saved (as "Update Note") when it closes."""

    geometry_key = "edit_geometry"

    def __init__(self, col: Collection, note_id: int, parent: QWidget | None = None, *,
                 on_change: Callable[[], None] | None = None,
                 state: dict[str, Any] | None = None,
                 before_load: Callable[[Note], None] | None = None) -> None:
        super().__init__(col, parent, on_change, state, before_load)
        self.setWindowTitle("Edit Current")
        self.setObjectName("editDialog")
        note = col.get_note(note_id)
        if before_load is not None:
            before_load(note)
        # Taken after the plugins' changes: those are saved only along with the user's own.
        self._original = (list(note.fields), list(note.tags))
        nt = col.notetypes.get(note.ntid)
        self.top.insertWidget(0, QLabel(f"Type: {nt.name}", self), 1)
        self.tags.set_tags(note.tags)
        self.save_button = QPushButton("Close", self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip("Save the changes and close (Ctrl+Enter)")
        self.save_button.clicked.connect(self.accept)
        self.buttons.addWidget(self.save_button)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.accept)
        self._saved = False
        self.editor.set_note(note)  # plugins already saw it, before `_original` was taken
        self.editor.note_loaded.connect(self.check_first_field)

    def deck_for_preview(self) -> int | None:
        cards = self.col.cards_of_note(self.note.id)
        return cards[0].home_deck_id if cards else None

    def save(self) -> bool:
        """Store the edits if there are any; returns True if the note changed."""
        note = self.note
        note.tags = self.tags.tags()
        if (note.fields, note.tags) == self._original:
            return False
        self.col.update_note(note)
        self._original = (list(note.fields), list(note.tags))
        if self.on_change is not None:
            self.on_change()
        return True

    def close_now(self) -> str | None:
        """Save the fields as last typed and close at once, without waiting for the page:
        the collection is about to close (main window closed, profile switched). Returns
        why the edits could not be saved, if they could not."""
        problem = None
        if not self._saved:
            try:
                self.save()
            except RepetendError as exc:
                problem = f"The edited note was not saved: {exc}"
            self._saved = True
        self.done(QDialog.DialogCode.Accepted)
        return problem

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        if self._saved:
            super().done(result)
            return

        def finish() -> None:
            try:
                self.save()
            except RepetendError as exc:
                self.show_status(str(exc))
                return
            self._saved = True
            self.done(result)

        self.editor.flush(finish)


# --- the "Cards…" preview ------------------------------------------------------------------


class CardsPreviewDialog(QDialog):
    """Every card a note makes, each shown front and back through the card view."""

    def __init__(self, col: Collection, note: Note, deck_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Card Preview")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setObjectName("cardsPreview")
        self.resize(900, 520)
        self.cards = rules.preview_cards(col, note, deck_id)
        layout = QHBoxLayout(self)
        self.card_list = QListWidget(self)
        self.card_list.setObjectName("previewCardList")
        self.card_list.setMaximumWidth(180)
        for card in self.cards:
            self.card_list.addItem(card.name)
        layout.addWidget(self.card_list)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.views: dict[str, CardView] = {}
        for side, title in (("question", "Front Preview"), ("answer", "Back Preview")):
            box = QWidget(splitter)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            box_layout.addWidget(QLabel(title, box))
            view = CardView(col.media_folder, box)
            view.setObjectName(f"preview_{side}")
            box_layout.addWidget(view, 1)
            self.views[side] = view
        layout.addWidget(splitter, 1)
        self.card_list.currentRowChanged.connect(self.show_card)
        self.card_list.setCurrentRow(0)

    def show_card(self, row: int) -> None:
        if not 0 <= row < len(self.cards):
            return
        card = self.cards[row]
        self.views["question"].show_card(card.question, card.css, card.ord)
        self.views["answer"].show_card(card.answer, card.css, card.ord)
