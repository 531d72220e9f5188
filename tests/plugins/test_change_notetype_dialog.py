"""The browser's Change Note Type dialog warns about the cards core would delete, cloze
types included (real Qt, offscreen)."""

import pytest

from repetend.core.collection import Collection


@pytest.fixture
def col(tmp_path):
    collection = Collection(tmp_path / "collection.db")
    yield collection
    collection.close()


def add(col, notetype, *values):
    note = col.new_note(notetype)
    note.fields = list(values)
    col.add_note(note, 1)
    return note


def dialog_for(col, notetype, qtbot):
    from repetend.plugins.browser.dialogs import ChangeNotetypeDialog

    dialog = ChangeNotetypeDialog(col, col.notetypes.by_name(notetype).id)
    qtbot.addWidget(dialog)
    return dialog


def test_cloze_to_basic_warns_about_the_clozes_past_the_templates(col, qtbot):
    three = add(col, "Cloze", "{{c1::a}} {{c3::c}}", "")
    one = add(col, "Cloze", "{{c1::a}}", "")
    dialog = dialog_for(col, "Cloze", qtbot)
    dialog.target.setCurrentText("Basic (and reversed card)")
    assert dialog.template_map() is None  # cloze numbers are not templates, as in Anki
    assert "c3 and above" in dialog.warning.text()
    assert dialog.unmapped([three.id]) == ["c3 and above"]
    assert dialog.unmapped([one.id]) == []


def test_basic_to_cloze_keeps_every_card_so_nothing_is_warned(col, qtbot):
    add(col, "Basic (and reversed card)", "front", "back")
    dialog = dialog_for(col, "Basic (and reversed card)", qtbot)
    dialog.target.setCurrentText("Cloze")
    assert dialog.template_map() is None and dialog.warning.text() == ""
    dialog.target.setCurrentText("Basic")
    assert dialog.unmapped() == ["Card 2"] and "Card 2" in dialog.warning.text()
