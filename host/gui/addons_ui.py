"""The add-on manager's part of the main window: Tools > Add-ons, error notices, bisect.

`AddonsUi` is made by the main window and outlives its hosts: switching profile or
restarting after an add-on change replaces `window.host`, and the add-ons dialog, the
bisect wizard and the error notices always work on the host that is open now.

Errors reach it from `host.plugins.errors` (every hook failure, named by `PluginHost`
from the call itself) and `host.addons.errors` (add-ons that failed to import). They are
read on a short timer rather than from `PluginHost`'s `on_error` callback, because that
callback runs inside the failing hook call — in the middle of drawing a card, say — where
opening a window is unsafe; the timer shows the notice right after, from the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from repetend.host.addons import AddonManager
from repetend.host.addons.bisect import AddonBisect, BisectError
from repetend.host.gui.addon_errors import Blame, ErrorNotice, blame_for
from repetend.host.qt import QDesktopServices, QObject, QTimer, QUrl

if TYPE_CHECKING:
    from repetend.host.app import Host
    from repetend.host.gui.addons_dialog import AddonsDialog
    from repetend.host.gui.bisect_wizard import BisectWizard
    from repetend.host.gui.main import MainWindow
    from repetend.host.plugins import PluginError

#: How often new plugin errors are looked for (milliseconds).
POLL_MS = 300


class AddonsUi(QObject):
    """Owns the add-ons dialog, the bisect wizard and the error notices of one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: AddonsDialog | None = None
        self.wizard: BisectWizard | None = None
        #: Open notices by who is to blame (an add-on's package, or a built-in's name).
        self.notices: dict[str, ErrorNotice] = {}
        #: Notices the user dismissed: not shown again until the next restart.
        self.muted: set[str] = set()
        #: How folders are opened ("View Files"); tests replace it to see the URL.
        self.open_url: Any = QDesktopServices.openUrl
        self._host: Host | None = None
        self._seen_plugin_errors = 0
        self._seen_load_errors = 0
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        # After the window is shown: start-up errors, and a bisect to continue.
        QTimer.singleShot(0, self._first_poll)

    # --- the host of the moment ---------------------------------------------------------

    @property
    def host(self) -> Host:
        return self.window.host

    def manager(self) -> AddonManager:
        return AddonManager(self.host.profile.addons_folder)

    def bisect(self) -> AddonBisect:
        return AddonBisect(self.host.profile.addons_folder)

    def _first_poll(self) -> None:
        self.poll()
        try:
            progress = self.bisect().status()
        except BisectError:
            progress = None  # the wizard shows the damaged state when it is opened
        if progress is not None and progress.mode == "interactive":
            self.open_bisect()  # a bisect started before the last quit goes on

    def poll(self) -> None:
        """Notice a new host (restart, profile switch) and show new errors."""
        host = self.window.host
        if host is not self._host:
            self._host = host
            self._seen_plugin_errors = self._seen_load_errors = 0
            self.host_changed()
        if host.col is None:
            return
        new: list[PluginError] = []
        if host.addons is not None:
            new += host.addons.errors[self._seen_load_errors:]
            self._seen_load_errors = len(host.addons.errors)
        new += host.plugins.errors[self._seen_plugin_errors:]
        self._seen_plugin_errors = len(host.plugins.errors)
        for error in new:
            self.show_error(error)

    def host_changed(self) -> None:
        """A new host runs: the old one's notices are about add-ons that have restarted."""
        for notice in list(self.notices.values()):
            notice.close_quietly()
        self.notices.clear()
        self.muted.clear()
        if self.dialog is not None:
            self.dialog.refresh()
        if self.wizard is not None:
            self.wizard.refresh()

    # --- errors ---------------------------------------------------------------------------

    def show_error(self, error: PluginError) -> ErrorNotice | None:
        """Show (or update) the notice of the add-on that raised `error`; never modal."""
        blame = blame_for(error, self.host)
        if blame.key in self.muted:
            return None
        notice = self.notices.get(blame.key)
        if notice is None:
            notice = ErrorNotice(blame, self.window)
            notice.disable_requested.connect(self.disable_and_restart)
            notice.bisect_requested.connect(lambda _key: self.open_bisect())
            notice.dismissed.connect(self._dismissed)
            self.notices[blame.key] = notice
        notice.add(error)
        notice.show_at(list(self.notices).index(blame.key))
        return notice

    def _dismissed(self, key: str) -> None:
        self.muted.add(key)
        self.notices.pop(key, None)
        for index, notice in enumerate(self.notices.values()):
            notice.show_at(index)  # close the gap

    def disable_and_restart(self, package: str) -> None:
        """Disable an add-on in the user's saved settings, then restart without it."""
        try:
            outcome = self.manager().disable(package)
        except Exception as exc:  # noqa: BLE001 - shown to the user, who can still restart
            self.window.warn(f"Could not disable {package}: {exc}")
            return
        self.restart()
        self.window.status(" ".join(outcome.messages))

    # --- restarting -----------------------------------------------------------------------

    def restart(self, safe_mode: bool | None = None) -> None:
        """Reopen the profile in this window, so add-on changes take effect."""
        self.window.reopen(safe_mode=safe_mode)
        self.poll()

    # --- windows --------------------------------------------------------------------------

    def open_dialog(self) -> AddonsDialog:
        """Tools > Add-ons (Ctrl+Shift+A): one dialog, raised if already open."""
        from repetend.host.gui.addons_dialog import AddonsDialog

        if self.dialog is None:
            self.dialog = AddonsDialog(self, self.window)
            self.dialog.finished.connect(self._dialog_closed)
        self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def _dialog_closed(self, _result: int = 0) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def open_bisect(self) -> BisectWizard:
        """The bisect wizard: a window of its own that stays open across restarts."""
        from repetend.host.gui.bisect_wizard import BisectWizard

        if self.wizard is None:
            self.wizard = BisectWizard(self, self.window)
            self.wizard.destroyed.connect(self._wizard_gone)
        self.wizard.refresh()
        self.wizard.show()
        self.wizard.raise_()
        return self.wizard

    def _wizard_gone(self) -> None:
        self.wizard = None

    def view_files(self, folder: Any) -> bool:
        """Open an add-on's folder in the file manager."""
        return bool(self.open_url(QUrl.fromLocalFile(str(folder))))

    def close_all(self) -> None:
        """The window is closing: stop looking for errors and close our windows."""
        self.timer.stop()
        for notice in list(self.notices.values()):
            notice.close_quietly()
        self.notices.clear()
        if self.dialog is not None:
            self.dialog.close()
        if self.wizard is not None:
            self.wizard.quitting = True
            self.wizard.close()


__all__ = ["AddonsUi", "Blame"]
