"""Backups in the main window: File → Create Backup, the 5-minute timer, Open Backup…,
the backup on closing the profile, and the four preferences (pytest-qt, offscreen)."""


from repetend.core.backups import BackupLimits, get_limits, list_backups
from repetend.host.app import Host
from repetend.host.gui import MainWindow
from repetend.host.gui.backups import PERIODIC_MS, RESTORED
from repetend.host.gui.dialogs import BACKUP_FIELDS
from repetend.host.qt import QKeySequence, QLabel, Qt


def backups_of(window):
    return list_backups(window.host.backup_folder)


def test_file_menu_has_create_and_open_backup_with_ankis_shortcut(window, qtbot):
    file_menu = window.menus["file"]
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index("Create Backup") < texts.index("Open Backup…") < texts.index("Exit")
    action = window.actions_["create_backup"]
    assert action.shortcut() == QKeySequence("Ctrl+Alt+B")
    window.activateWindow()
    qtbot.keyClick(window.deck_tree, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.AltModifier)
    assert len(backups_of(window)) == 1
    assert "Backup created" in window.statusBar().currentMessage()
    action.trigger()  # nothing changed since: no second backup, and it says why
    assert len(backups_of(window)) == 1
    assert "unchanged" in window.statusBar().currentMessage()
    window.create_deck("After")
    action.trigger()  # forced: even seconds after the last one
    assert len(backups_of(window)) == 2


def test_timer_backs_up_every_five_minutes_unless_recent_or_unchanged(window):
    timer = window.backups_ui.timer
    assert timer.isActive() and timer.interval() == PERIODIC_MS == 300_000
    assert window.backups_ui.periodic_backup() is not None  # the sample deck is a change
    window.create_deck("Spanish")
    assert window.backups_ui.periodic_backup() is None  # younger than 30 minutes
    window.col.set_config("backups", {"minimum_interval_mins": 0})
    assert window.backups_ui.periodic_backup() is not None
    assert window.backups_ui.periodic_backup() is None  # unchanged
    assert len(backups_of(window)) == 2


def test_closing_the_window_backs_up_the_profile(qtbot, tmp_path):
    host = Host(tmp_path).open()
    win = MainWindow(host)
    qtbot.addWidget(win)
    win.create_deck("Made in the GUI")
    folder = host.backup_folder
    win.close()
    assert len(list_backups(folder)) == 1
    # The command line opens and closes the collection per command: no backup there.
    with Host(tmp_path) as cli:
        cli.col.decks.id("Made by the CLI")
    assert len(list_backups(folder)) == 1


def test_open_backup_restores_the_chosen_one_and_pauses_automatic_backups(window):
    window.create_deck("Before")
    first = window.backups_ui.create_backup()
    window.create_deck("After")
    asked = []
    window.choose = lambda title, label, items: asked.append(items) or items[0]
    window.ask_yes_no = lambda text: asked.append(text) or True
    summary = window.backups_ui.open_backup()
    assert summary is not None
    assert asked[0][0].startswith(first.name[7:17])  # the list shows the backup's date
    assert "replaces everything" in asked[1]
    assert "Before" in window.deck_names() and "After" not in window.deck_names()
    assert window.infos == [RESTORED]
    assert len(backups_of(window)) == 2  # the collection before the restore was saved
    window.create_deck("Changed after restoring")
    assert window.backups_ui.periodic_backup() is None  # paused until the profile reopens
    window.undo()
    window.undo()
    assert "After" in window.deck_names()  # the restore is one undoable step


def test_open_backup_with_no_backups_says_so(window):
    assert window.backups_ui.open_backup() is None
    assert "no backups yet" in window.infos[0]


def test_declining_the_restore_changes_nothing(window):
    window.backups_ui.create_backup()
    window.create_deck("Kept")
    window.choose = lambda title, label, items: items[0]
    window.ask_yes_no = lambda text: False
    assert window.backups_ui.open_backup() is None
    assert "Kept" in window.deck_names()


def test_preferences_have_the_four_backup_fields(window):
    dialog = window.preferences()
    labels = {w.text() for w in dialog.findChildren(QLabel)}
    for _key, label in BACKUP_FIELDS:
        assert label in labels
    boxes = dialog.backup_boxes
    assert [boxes[k].value() for k in ("daily", "weekly", "monthly",
                                       "minimum_interval_mins")] == [12, 10, 9, 30]
    boxes["daily"].setValue(20)
    boxes["minimum_interval_mins"].setValue(5)
    assert boxes["weekly"].minimum() == 0  # negative numbers cannot be entered
    dialog.accept()
    assert get_limits(window.col) == BackupLimits(daily=20, minimum_interval_mins=5)
    assert window.actions_["undo"].text() == "Undo Change Preferences"


def test_open_backup_lists_sizes_as_the_command_line_does(window):
    """A backup over 1 MB reads "1.5 MB" in the dialog, as in `repetend backups`."""
    folder = window.host.backup_folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "backup-2026-01-02-03.04.05.colpkg").write_bytes(b"\0" * (3 * 1024 * 1024 // 2))
    (folder / "backup-2026-01-01-03.04.05.colpkg").write_bytes(b"\0" * 3 * 1024)
    asked = []
    window.choose = lambda title, label, items: asked.append(items)  # and cancel
    assert window.backups_ui.open_backup() is None
    assert asked == [["2026-01-02 03:04:05  (1.5 MB)", "2026-01-01 03:04:05  (3 KB)"]]
