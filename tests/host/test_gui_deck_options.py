"""Deck options dialog: options change what the scheduler offers, refused values are named,
presets are added/cloned/deleted, applied to subdecks, and the custom scheduling page saves
the preset's script and dry-runs it on the due cards (pytest-qt, offscreen)."""

import pytest

from repetend.core.deckconfig import DEFAULT_CONFIG_ID
from repetend.host.app import Host
from repetend.host.gui.deck_options import DeckOptionsDialog, format_steps, parse_steps

DOUBLE_GOOD = ("if (states.easy.normal?.review) states.easy.normal.review.scheduledDays *= 2;\n"
               "console.log('doubled');\n")


@pytest.fixture
def col(tmp_path):
    host = Host(tmp_path / "base").open()
    col = host.col
    did = col.decks.id("Spanish")
    for front in ("perro", "gato"):
        note = col.new_note("Basic")
        note.fields = [front, "x"]
        col.add_note(note, did)
    col.decks.id("Spanish::Verbs")
    col.decks.id("Spanish::Verbs::Irregular")
    yield col
    host.close() if hasattr(host, "close") else None


def dialog_for(qtbot, col, name="Spanish"):
    dialog = DeckOptionsDialog(col, col.decks.id(name))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_steps_are_written_as_anki_writes_them():
    assert parse_steps("1m 10m") == parse_steps("1 10") == [1.0, 10.0]
    assert parse_steps("30s 1h 1d") == [0.5, 60.0, 1440.0]
    assert format_steps([1.0, 10.0, 1440.0]) == "1m 10m 1d"


def test_changing_the_graduating_interval_changes_the_next_interval(qtbot, col, screenshot_dir):
    did = col.decks.id("Spanish")
    before = col.sched.get_next_card(did)
    assert before.labels[2] == "<10m"
    assert not hasattr(before.states.good, "scheduled_days")
    dialog = dialog_for(qtbot, col)
    dialog.widgets["learn_steps"][1].setText("1m")
    dialog.widgets["graduating_interval_good"][1].setValue(30)
    dialog.widgets["graduating_interval_easy"][1].setValue(90)
    dialog.tabs.setCurrentIndex(1)
    dialog.grab().save(str(screenshot_dir / "deck_options.png"))
    assert dialog.save()
    assert col.undo_name() == "Update Deck Options"
    after = col.sched.get_next_card(did)
    # Graduating intervals are fuzzed as in Anki: within a few days of the option.
    assert 25 <= after.states.good.scheduled_days <= 35
    assert 80 <= after.states.easy.scheduled_days <= 100
    assert after.labels[2] != "<10m" and after.labels[3].endswith("mo")
    assert col.config_for_deck(did).learn_steps == [1.0]
    col.undo()
    assert col.sched.get_next_card(did).labels[2] == "<10m"


def test_an_invalid_value_is_refused_and_named(qtbot, col):
    dialog = dialog_for(qtbot, col)
    dialog.widgets["graduating_interval_good"][1].setValue(0)
    assert not dialog.save()
    assert "graduating interval good" in dialog.last_error
    assert "graduating interval good" in dialog.error_label.text()
    assert col.config_for_deck(col.decks.id("Spanish")).graduating_interval_good == 1
    dialog.widgets["graduating_interval_good"][1].setValue(2)
    dialog.widgets["learn_steps"][1].setText("1m ten")
    assert not dialog.save()
    assert "learn steps" in dialog.last_error


def test_presets_add_clone_rename_delete(qtbot, col):
    did = col.decks.id("Spanish")
    dialog = dialog_for(qtbot, col)
    dialog.widgets["new_per_day"][1].setValue(35)
    dialog.clone_preset("Languages")
    assert dialog.widgets["new_per_day"][1].value() == 35
    dialog.add_preset("Fresh")
    assert dialog.widgets["new_per_day"][1].value() == 20
    dialog.rename_preset("Fresh start")
    assert dialog.save()
    names = {c.name for c in col.deck_configs()}
    assert {"Default", "Languages", "Fresh start"} <= names
    assert col.config_for_deck(did).name == "Fresh start"
    # Default cannot be deleted; deleting the deck's preset sends the deck back to Default.
    dialog = dialog_for(qtbot, col)
    dialog.delete_preset()
    assert dialog.save()
    assert col.decks.get(did).config_id == DEFAULT_CONFIG_ID
    assert "Fresh start" not in {c.name for c in col.deck_configs()}
    dialog = dialog_for(qtbot, col)
    assert not dialog.preset_menu_buttons["delete"].isEnabled()
    dialog.delete_preset()
    assert "cannot be deleted" in dialog.last_error
    dialog.select_preset("Languages")
    assert dialog.widgets["new_per_day"][1].value() == 35


def test_save_to_all_subdecks(qtbot, col):
    dialog = dialog_for(qtbot, col)
    conf = dialog.add_preset("Spanish preset")
    assert dialog.save(subdecks=True)
    ids = {col.decks.get(col.decks.id(n)).config_id
           for n in ("Spanish", "Spanish::Verbs", "Spanish::Verbs::Irregular")}
    assert ids == {conf.id}
    assert col.decks.get(col.decks.id("Default")).config_id == DEFAULT_CONFIG_ID


def test_script_editor_saves_the_preset_script_and_tests_it(qtbot, col, screenshot_dir):
    from repetend.plugins.scripts.store import preset_script

    did = col.decks.id("Spanish")
    dialog = dialog_for(qtbot, col)
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    dialog.script_editor.setPlainText(DOUBLE_GOOD)
    result = dialog.test_script()
    assert result["summary"]["cards"] == 2 and result["summary"]["changed"] == 2
    assert "→" in dialog.results.item(0, 4).text()
    assert "doubled" in dialog.console.toPlainText()
    dialog.grab().save(str(screenshot_dir / "deck_options_script.png"))
    assert dialog.save()
    script = preset_script(col.config_for_deck(did))
    assert script is not None and "scheduledDays *= 2" in script.code
    assert col.undo_name() == "Update Deck Options"


def test_the_main_window_opens_the_dialog_from_the_overview_and_the_deck_menu(qtbot, tmp_path):
    from repetend.host.gui import MainWindow

    host = Host(tmp_path / "win").open()
    win = MainWindow(host)
    qtbot.addWidget(win)
    win.show()
    did = win.col.decks.id("Spanish")
    win.refresh()
    win.select_deck(did)
    assert win.overview.options_button.isEnabled()
    win.overview.options_button.click()
    dialog = win.findChild(DeckOptionsDialog)
    assert dialog is not None and dialog.isVisible() and dialog.deck.id == did
    dialog.widgets["new_per_day"][1].setValue(7)
    assert dialog.save()
    assert win.col.config_for_deck(did).new_per_day == 7
    assert "Update Deck Options" in win.actions_["undo"].text()
    menu = win.build_deck_menu()
    action = next(a for a in menu.actions() if a.text() == "Options")
    assert action.isEnabled()
    action.trigger()
    win.close()


def test_the_console_shows_what_the_script_logged_while_studying(qtbot, col):
    did = col.decks.id("Spanish")
    dialog = dialog_for(qtbot, col)
    assert "No runs" in dialog.console.toPlainText()
    dialog.script_editor.setPlainText(DOUBLE_GOOD)
    assert dialog.save()
    col.sched.get_next_card(did)  # the stored script runs, as when the reviewer shows a card
    dialog = dialog_for(qtbot, col)
    text = dialog.console.toPlainText()
    assert "preset:Default" in text and "doubled" in text
