"""Backups in the main window, as Anki makes them: a check every 5 minutes (skipped while
nothing changed or a backup is younger than the preferences' interval), File → Create
Backup (Ctrl+Alt+B), File → Open Backup… (restore), and one on closing the profile
(`Host.close(backup=True)`). The rules themselves live in core/backups.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from repetend.core.backups import list_backups, restore_backup
from repetend.core.errors import RepetendError
from repetend.core.sizes import format_size
from repetend.host.qt import QTimer

if TYPE_CHECKING:
    from repetend.core.importing.summary import ImportSummary
    from repetend.host.gui.main import MainWindow

#: How often the window checks whether an automatic backup is due (Anki: 5 minutes).
PERIODIC_MS = 5 * 60 * 1000
RESTORED = ("Backup successfully restored. Automatic backups have been disabled for now. "
            "To enable them again, close the profile or restart Repetend.")


class BackupsUi:
    """The window's backup timer and menu entries."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.timer = QTimer(window)
        self.timer.setObjectName("backupTimer")
        self.timer.setInterval(PERIODIC_MS)
        self.timer.timeout.connect(self.periodic_backup)
        self.timer.start()

    def periodic_backup(self) -> Path | None:
        """The timer's slot: an automatic (non-forced) backup if one is due."""
        try:
            path = self.window.host.backup(force=False)
        except (OSError, RepetendError) as exc:
            self.window.status(f"Automatic backup failed: {exc}")
            return None
        if path is not None:
            self.window.status("Backup created.")
        return path

    def create_backup(self) -> Path | None:
        """File → Create Backup: now, however recent the last one, unless nothing changed."""
        try:
            path, reason = self.window.host.backup_now()
        except (OSError, RepetendError) as exc:
            self.window.warn(f"The backup failed: {exc}")
            return None
        if path is None:
            self.window.status(f"No backup made: {reason}.")
        else:
            self.window.status(f"Backup created: {path.name}")
        return path

    def open_backup(self) -> ImportSummary | None:
        """File → Open Backup…: pick one of the profile's backups, confirm, restore it."""
        folder = self.window.host.backup_folder
        found = list_backups(folder)
        if not found:
            self.window.inform(f"There are no backups yet in {folder}.")
            return None
        items = [f"{b.time:%Y-%m-%d %H:%M:%S}  ({format_size(b.size)})" for b in found]
        choice = self.window.choose("Open Backup", "Restore which backup?", items)
        if choice is None:
            return None
        path = found[items.index(choice)].path
        if not self.window.ask_yes_no(
                f"Restoring {path.name} replaces everything in this profile's collection "
                "(the current collection is backed up first). Continue?"):
            return None
        return self.restore(path)

    def restore(self, path: Path) -> ImportSummary | None:
        """Replace the collection with the backup at `path` and show it."""
        window = self.window
        # The reviewer and browser show the collection being replaced.
        if not window._close_dialogs():
            return None  # the user kept the Add window's input
        try:
            summary = window.run_op(
                lambda: restore_backup(window.col, path, window.host.backup_folder))
        except OSError as exc:
            window.warn(f"Restoring {path.name} failed, nothing was changed: {exc}")
            return None
        if summary is not None:
            window.host.backups_paused = True
            window.inform(RESTORED)
        return summary
