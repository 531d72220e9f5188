"""The note editor: its rules headless, and the Add/Edit dialogs driven offscreen."""

import base64

import pytest

from repetend.core.collection import Collection
from repetend.core.decks import DEFAULT_DECK_ID
from repetend.host.app import Host
from repetend.plugins import editor as rules

# A 1x1 red PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


@pytest.fixture
def col(tmp_path):
    with Collection(tmp_path / "collection.db") as c:
        yield c


def add(col, notetype, *values, deck=DEFAULT_DECK_ID, tags=()):
    note = col.new_note(notetype)
    note.fields = list(values)
    note.tags = list(tags)
    col.add_note(note, deck)
    return note


# --- rules, headless -------------------------------------------------------------------


def test_next_cloze_number_is_one_above_the_highest_in_any_field():
    assert rules.next_cloze_number(["", ""]) == 1
    assert rules.next_cloze_number(["{{c1::a}} {{c3::b}}", "{{c2::c}}"]) == 4
    assert rules.next_cloze_number(["{{c1::a}} {{c3::b}}"], same=True) == 3
    assert rules.next_cloze_number([""], same=True) == 1


def test_duplicates_compare_the_stripped_first_field_within_the_note_type(col):
    first = add(col, "Basic", "<b>Paris</b>", "France")
    add(col, "Basic (and reversed card)", "Paris", "other type")
    note = col.new_note("Basic")
    note.fields = ["Paris", ""]
    assert rules.duplicate_note_ids(col, note) == [first.id]
    assert rules.first_field_problem(col, note) == "duplicate"
    # A note is not its own duplicate.
    assert rules.duplicate_note_ids(col, first) == []
    note.fields = ["Paris!", ""]
    assert rules.first_field_problem(col, note) is None
    note.fields = ["<br>", ""]
    assert rules.first_field_problem(col, note) == "empty"


def test_an_emptied_field_is_stored_empty():
    assert rules.munge_field_html("<br>") == ""
    assert rules.munge_field_html("<div><br></div>") == ""
    assert rules.munge_field_html("a<br>") == "a<br>"


def test_media_files_get_safe_names_and_never_overwrite(col):
    assert rules.add_media_bytes(col, "../../evil:name?.png", PNG) == "evilname.png"
    assert (col.media_folder / "evilname.png").read_bytes() == PNG
    assert rules.add_media_bytes(col, "evilname.png", PNG) == "evilname.png"  # same content
    other = rules.add_media_bytes(col, "evilname.png", b"different")
    assert other.startswith("evilname-") and other.endswith(".png")
    assert (col.media_folder / "evilname.png").read_bytes() == PNG
    pasted = rules.add_data_url(col, "data:image/png;base64," + base64.b64encode(PNG).decode())
    assert pasted.startswith("paste-") and pasted.endswith(".png")
    assert rules.media_reference(pasted) == f'<img src="{pasted}">'
    assert rules.media_reference("a.mp3") == "[sound:a.mp3]"


def test_preview_lists_every_card_the_note_would_make(col):
    note = col.new_note("Cloze")
    note.fields = ["{{c1::Paris}} is in {{c2::France}}", ""]
    cards = rules.preview_cards(col, note, DEFAULT_DECK_ID)
    assert [c.name for c in cards] == ["Cloze 1", "Cloze 2"]
    assert "[...]" in cards[0].question and "France" in cards[0].question
    assert ".cloze" in cards[0].css
    note = col.new_note("Basic (optional reversed card)")
    note.fields = ["front", "back", ""]
    assert [c.name for c in rules.preview_cards(col, note)] == ["Card 1"]


def test_the_editor_module_loads_no_qt():
    import subprocess
    import sys

    code = ("import sys, repetend.plugins.editor\n"
            "assert not [m for m in sys.modules if m.startswith('PySide6')]\n")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# --- the dialogs, offscreen ---------------------------------------------------------------

from repetend.host.qt import QApplication, Qt  # noqa: E402
from repetend.plugins.editor.dialog import AddCardsDialog, EditNoteDialog  # noqa: E402

WAIT = 8000


def js(qtbot, view, code):
    """Run JavaScript in a web view and wait for its result."""
    box = []
    view.page().runJavaScript(code, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT)
    return box[0]


def select_text(qtbot, dialog, ord_, start, end):
    js(qtbot, dialog.editor.web,
       f"(function(){{ var ed = editable({ord_}); ed.focus(); current = {ord_};"
       f" var r = document.createRange(); r.setStart(ed.firstChild, {start});"
       f" r.setEnd(ed.firstChild, {end}); var s = getSelection(); s.removeAllRanges();"
       " s.addRange(r); return s.toString(); })()")


@pytest.fixture
def host(tmp_path):
    with Host(tmp_path) as h:
        yield h


@pytest.fixture
def add_dialog(qtbot, host):
    dialog = AddCardsDialog(host.col)
    # Closed at the end with text typed: discard it without asking in a box.
    qtbot.addWidget(dialog, before_close_func=lambda d: setattr(d, "confirm", lambda _t: True))
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.editor.ready, timeout=WAIT)
    return dialog


def type_into_field(qtbot, dialog, ord_, text):
    dialog.activateWindow()
    dialog.editor.focus_field(ord_)
    qtbot.waitUntil(lambda: js(qtbot, dialog.editor.web, "current") == ord_, timeout=WAIT)
    qtbot.keyClicks(dialog.editor.web.focusProxy(), text)
    qtbot.waitUntil(lambda: text in dialog.editor.note.fields[ord_], timeout=WAIT)


def press(qtbot, dialog, key, modifiers=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(dialog.editor.web.focusProxy(), key, modifiers)


CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_adding_a_cloze_note_with_ctrl_shift_c(qtbot, host, add_dialog, screenshot_dir):
    col = host.col
    dialog = add_dialog
    changes = []
    dialog.on_change = lambda: changes.append(1)
    dialog.select_notetype("Cloze")
    qtbot.waitUntil(lambda: dialog.editor.ready and dialog.editor.notetype.name == "Cloze",
                    timeout=WAIT)
    spanish = col.decks.id("Spanish")
    dialog.deck_box.addItem("Spanish", spanish)
    dialog.select_deck(spanish)

    type_into_field(qtbot, dialog, 0, "Paris is the capital of France")
    select_text(qtbot, dialog, 0, 0, 5)
    press(qtbot, dialog, Qt.Key.Key_C, CTRL_SHIFT)
    qtbot.waitUntil(lambda: dialog.editor.note.fields[0].startswith("{{c1::Paris}}"),
                    timeout=WAIT)
    select_text(qtbot, dialog, 0, len("{{c1::Paris}} is the capital of "),
                len("{{c1::Paris}} is the capital of France"))
    dialog.editor.buttons["cloze"].click()
    qtbot.waitUntil(lambda: "{{c2::France}}" in dialog.editor.note.fields[0], timeout=WAIT)
    assert dialog.grab().save(str(screenshot_dir / "add-cloze.png"))

    type_into_field(qtbot, dialog, 1, "extra")
    dialog.tags.setText("geo europe")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.added_note_ids), timeout=WAIT)

    note = col.get_note(dialog.added_note_ids[0])
    assert note.fields == ["{{c1::Paris}} is the capital of {{c2::France}}", "extra"]
    assert note.tags == ["europe", "geo"]
    cards = col.cards_of_note(note.id)
    assert sorted(c.ord for c in cards) == [0, 1] and {c.did for c in cards} == {spanish}
    assert col.undo_name() == "Add Note"
    assert dialog.status_label.text() == "Added."
    assert changes == [1]
    # The form is ready for the next note; the tags stay, as in Anki.
    qtbot.waitUntil(lambda: dialog.editor.note.fields == ["", ""], timeout=WAIT)
    assert dialog.tags.tags() == ["europe", "geo"]
    col.undo()
    assert note.id not in col.note_ids()


def test_duplicate_first_field_is_flagged(qtbot, host, add_dialog, screenshot_dir):
    col = host.col
    add(col, "Basic", "bonjour", "hello")
    dialog = add_dialog
    dialog.select_notetype("Basic")
    qtbot.waitUntil(lambda: dialog.editor.ready and dialog.editor.notetype.name == "Basic",
                    timeout=WAIT)
    type_into_field(qtbot, dialog, 0, "bonjour")
    qtbot.waitUntil(lambda: dialog.duplicate_label.isVisible(), timeout=WAIT)
    assert "Duplicate" in dialog.duplicate_label.text()
    qtbot.waitUntil(lambda: js(qtbot, dialog.editor.web,
                               "box(0).classList.contains('dupe')"), timeout=WAIT)
    assert dialog.grab().save(str(screenshot_dir / "add-duplicate.png"))
    press(qtbot, dialog, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: not dialog.duplicate_label.isVisible(), timeout=WAIT)


def test_an_empty_first_field_is_not_added(qtbot, host, add_dialog):
    add_dialog.add_current()
    qtbot.waitUntil(lambda: add_dialog.status_label.text() == "The first field is empty.",
                    timeout=WAIT)
    assert add_dialog.added_note_ids == []


def test_cards_preview_renders_every_card(qtbot, host, add_dialog, screenshot_dir):
    dialog = add_dialog
    dialog.select_notetype("Basic (and reversed card)")
    qtbot.waitUntil(lambda: dialog.editor.ready and len(dialog.editor.note.fields) == 2,
                    timeout=WAIT)
    type_into_field(qtbot, dialog, 0, "gato")
    type_into_field(qtbot, dialog, 1, "cat")
    qtbot.mouseClick(dialog.cards_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=WAIT)
    preview = dialog.preview
    qtbot.waitExposed(preview)
    assert [preview.card_list.item(i).text() for i in range(preview.card_list.count())] == [
        "Card 1", "Card 2"]
    front, back = preview.views["question"], preview.views["answer"]
    for view in (front, back):
        qtbot.waitUntil(lambda v=view: "gato" in v.last_html, timeout=WAIT)
    qtbot.waitUntil(lambda: js(qtbot, front, "document.body.innerText").strip() == "gato",
                    timeout=WAIT)
    qtbot.waitUntil(lambda: js(qtbot, back, "document.body.innerText").split() == [
        "gato", "cat"], timeout=WAIT)
    assert js(qtbot, front, "document.body.className") == "card card1"
    assert js(qtbot, front, "getComputedStyle(document.body).textAlign") == "center"
    assert preview.grab().save(str(screenshot_dir / "cards-preview.png"))
    preview.card_list.setCurrentRow(1)
    qtbot.waitUntil(lambda: js(qtbot, front, "document.body.className") == "card card2"
                    and js(qtbot, front, "document.body.innerText").strip() == "cat",
                    timeout=WAIT)


def test_rich_text_formatting_and_html_source_toggle(qtbot, host, add_dialog,
                                                     screenshot_dir):
    dialog = add_dialog
    type_into_field(qtbot, dialog, 0, "bold word")
    select_text(qtbot, dialog, 0, 0, 4)
    dialog.editor.buttons["bold"].click()
    qtbot.waitUntil(lambda: dialog.editor.note.fields[0] == "<b>bold</b> word", timeout=WAIT)
    press(qtbot, dialog, Qt.Key.Key_X, CTRL_SHIFT)
    qtbot.waitUntil(lambda: 0 in dialog.editor.source_shown, timeout=WAIT)
    assert js(qtbot, dialog.editor.web, "source(0).value") == "<b>bold</b> word"
    assert dialog.grab().save(str(screenshot_dir / "add-html-source.png"))
    js(qtbot, dialog.editor.web,
       "source(0).value = '<i>typed</i> html'; source(0).dispatchEvent(new Event('input'))")
    qtbot.waitUntil(lambda: dialog.editor.note.fields[0] == "<i>typed</i> html", timeout=WAIT)
    dialog.editor.toggle_source(0)
    qtbot.waitUntil(lambda: 0 not in dialog.editor.source_shown, timeout=WAIT)
    assert js(qtbot, dialog.editor.web, "editable(0).innerHTML") == "<i>typed</i> html"


def test_lists_colour_and_links(qtbot, host, add_dialog):
    dialog = add_dialog
    type_into_field(qtbot, dialog, 0, "item")
    dialog.editor.buttons["bullets"].click()
    qtbot.waitUntil(lambda: "<ul><li>item" in dialog.editor.note.fields[0], timeout=WAIT)
    select_text(qtbot, dialog, 1, 0, 0)  # park in field 2, then format a selection there
    type_into_field(qtbot, dialog, 1, "red")
    js(qtbot, dialog.editor.web,
       "(function(){ var ed = editable(1); var r = document.createRange();"
       " r.selectNodeContents(ed); var s = getSelection(); s.removeAllRanges();"
       " s.addRange(r); })()")
    dialog.editor.exec_command("foreColor", "#ff0000")
    qtbot.waitUntil(lambda: "color" in dialog.editor.note.fields[1], timeout=WAIT)
    js(qtbot, dialog.editor.web,
       "(function(){ var ed = editable(1); var r = document.createRange();"
       " r.selectNodeContents(ed); var s = getSelection(); s.removeAllRanges();"
       " s.addRange(r); })()")
    dialog.editor.exec_command("createLink", "https://example.org/")
    qtbot.waitUntil(lambda: 'href="https://example.org/"' in dialog.editor.note.fields[1],
                    timeout=WAIT)


def test_pasted_image_is_saved_into_the_media_folder(qtbot, host, add_dialog):
    dialog = add_dialog
    dialog.editor.focus_field(0)
    data = base64.b64encode(PNG).decode()
    js(qtbot, dialog.editor.web, f"""(function(){{
        var bytes = Uint8Array.from(atob("{data}"), c => c.charCodeAt(0));
        var dt = new DataTransfer();
        dt.items.add(new File([bytes], "image.png", {{type: "image/png"}}));
        editable(0).dispatchEvent(new ClipboardEvent("paste", {{clipboardData: dt,
            bubbles: true, cancelable: true}}));
    }})()""")
    qtbot.waitUntil(lambda: "<img" in dialog.editor.note.fields[0], timeout=WAIT)
    files = [p.name for p in host.col.media_folder.iterdir()]
    assert len(files) == 1 and files[0].startswith("paste-") and files[0].endswith(".png")
    assert (host.col.media_folder / files[0]).read_bytes() == PNG
    assert f'<img src="{files[0]}">' in dialog.editor.note.fields[0]
    # The editor shows it from the media folder.
    qtbot.waitUntil(lambda: js(qtbot, dialog.editor.web,
                               "editable(0).querySelector('img').naturalWidth") == 1,
                    timeout=WAIT)


def test_dropped_file_keeps_its_name(qtbot, host, add_dialog):
    dialog = add_dialog
    data = base64.b64encode(PNG).decode()
    js(qtbot, dialog.editor.web, f"""(function(){{
        var bytes = Uint8Array.from(atob("{data}"), c => c.charCodeAt(0));
        var dt = new DataTransfer();
        dt.items.add(new File([bytes], "dropped dot.png", {{type: "image/png"}}));
        editable(1).dispatchEvent(new DragEvent("drop", {{dataTransfer: dt, bubbles: true,
            cancelable: true}}));
    }})()""")
    qtbot.waitUntil(lambda: '<img src="dropped dot.png">' in dialog.editor.note.fields[1],
                    timeout=WAIT)
    assert (host.col.media_folder / "dropped dot.png").exists()


def test_right_to_left_fields_are_shown_right_to_left(qtbot, host, add_dialog,
                                                     screenshot_dir):
    dialog = add_dialog
    dialog.select_notetype("Arabic Vocabulary")
    qtbot.waitUntil(lambda: dialog.editor.ready
                    and dialog.editor.notetype.name == "Arabic Vocabulary", timeout=WAIT)
    qtbot.waitUntil(lambda: js(qtbot, dialog.editor.web, "fieldCount()") == 2, timeout=WAIT)
    assert js(qtbot, dialog.editor.web, "getComputedStyle(editable(0)).direction") == "rtl"
    assert js(qtbot, dialog.editor.web, "getComputedStyle(editable(1)).direction") == "ltr"
    js(qtbot, dialog.editor.web, "editable(0).innerHTML = 'كتاب'; send(0)")
    qtbot.waitUntil(lambda: dialog.editor.note.fields[0] == "كتاب", timeout=WAIT)
    qtbot.wait(100)  # let the page paint before the screenshot
    assert dialog.grab().save(str(screenshot_dir / "add-rtl.png"))


def test_tags_complete_from_the_collection(qtbot, host, add_dialog):
    tags = add_dialog.tags
    tags.setFocus()
    qtbot.keyClicks(tags, "geo sam")
    assert tags.completer_.completionCount() == 1
    assert tags.completer_.currentCompletion() == "sample"
    tags.insert_completion(tags.completer_.currentCompletion())
    assert tags.text() == "geo sample "
    assert tags.tags() == ["geo", "sample"]


def test_edit_dialog_saves_with_update_note(qtbot, host, screenshot_dir):
    col = host.col
    note = add(col, "Basic", "question", "answer", tags=["old"])
    dialog = EditNoteDialog(col, note.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.editor.ready, timeout=WAIT)
    assert js(qtbot, dialog.editor.web, "editable(1).innerHTML") == "answer"
    type_into_field(qtbot, dialog, 1, " more")
    dialog.tags.setText("old new")
    qtbot.wait(100)  # let the page paint before the screenshot
    assert dialog.grab().save(str(screenshot_dir / "edit-note.png"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: col.undo_name() == "Update Note", timeout=WAIT)
    saved = col.get_note(note.id)
    assert saved.fields == ["question", "answer more"]
    assert saved.tags == ["new", "old"]


def test_notetype_change_carries_field_contents_over(qtbot, host, add_dialog):
    dialog = add_dialog
    dialog.select_notetype("Basic")
    qtbot.waitUntil(lambda: dialog.editor.ready and dialog.editor.notetype.name == "Basic",
                    timeout=WAIT)
    type_into_field(qtbot, dialog, 0, "kept")
    dialog.select_notetype("Basic (type in the answer)")
    qtbot.waitUntil(lambda: dialog.editor.notetype.name == "Basic (type in the answer)",
                    timeout=WAIT)
    assert dialog.editor.note.fields[0] == "kept"
    qtbot.waitUntil(lambda: js(qtbot, dialog.editor.web, "editable(0).innerHTML") == "kept",
                    timeout=WAIT)


def test_main_window_add_shortcut_opens_the_editor_for_the_selected_deck(qtbot, tmp_path):
    from repetend.host.gui import MainWindow

    window = MainWindow(Host(tmp_path).open())
    qtbot.addWidget(window)
    window.show()
    arabic = window.col.decks.id("Sample Deck::Arabic Vocabulary", create=False)
    window.select_deck(arabic)
    window.actions_["add"].trigger()
    dialog = window.add_dialog
    assert dialog.deck_box.currentData() == arabic
    assert window.open_add() is dialog  # one Add window
    qtbot.waitUntil(lambda: dialog.editor.ready, timeout=WAIT)
    dialog.close()
    qtbot.waitUntil(lambda: window.add_dialog is None, timeout=WAIT)
    assert not [w for w in QApplication.topLevelWidgets()
                if w.objectName() == "addDialog" and w.isVisible()]
    window.close()
