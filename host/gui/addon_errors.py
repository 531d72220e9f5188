"""The notice shown when a plugin raises: who is to blame, and what the user can do.

The blame comes from the `PluginError` itself (`PluginHost` names the plugin from the hook
call, never from traceback paths), mapped to the add-on that registered that plugin.
A notice is a small panel floating over the main window's bottom right corner (not a
window: it never takes the focus, so keys meant for the reviewer never land on it, and
it blocks nothing) — the hook's
other plugins ran and the app goes on (ARCHITECTURE.md, "Add-ons cannot take the app
down"). Its buttons: *Disable and Restart* (add-ons only: a built-in cannot be disabled
from here), *Start Bisect* (when the add-on named is not the real cause, or the problem
shows without an error), *Details* (the traceback), and dismiss.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from repetend.host.plugins import BUILTIN_PREFIX
from repetend.host.qt import (
    QEvent,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

if TYPE_CHECKING:
    from repetend.host.app import Host
    from repetend.host.plugins import PluginError


@dataclass(frozen=True)
class Blame:
    """Who an error belongs to, as the user knows them."""

    #: The add-on's package, or the built-in plugin's name ("builtin.reviewer").
    key: str
    #: "the add-on “Night Mode” (night_mode)" or "the built-in plugin reviewer".
    title: str
    #: The package the add-on manager can disable; None for built-ins (and plugins that
    #: were registered by code, not installed).
    package: str | None
    builtin: bool


def blame_for(error: PluginError, host: Host) -> Blame:
    """The add-on (or built-in) responsible for `error`, from the plugin name it carries."""
    name = error.plugin_name
    if name.startswith(BUILTIN_PREFIX):
        short = name.removeprefix(BUILTIN_PREFIX)
        return Blame(name, f"the built-in plugin {short}", None, True)
    records = host.addons.records if host.addons is not None else {}
    # An add-on's plugins are `<package>`, then `<package>:2`… (loader._plugin_objects).
    package = next((r.package for r in records.values() if name in r.plugin_names),
                   name.split(":", 1)[0])
    record = records.get(package)
    if record is None:
        return Blame(package, f"the plugin {name}", None, False)
    return Blame(package, f"the add-on “{record.name}” ({package})", package, False)


def describe(error: PluginError) -> str:
    """Where it failed and the exception, in one line."""
    where = (f"in the hook {error.hook_name}" if error.hook_name
             else "while loading")
    if error.detail:
        where += f" ({error.detail})"
    return f"{where}: {type(error.exception).__name__}: {error.exception}"


class ErrorNotice(QFrame):
    """A non-blocking notice for one add-on's errors; later errors update its count."""

    #: The package to disable before restarting.
    disable_requested = Signal(str)
    #: The blame key of the notice that asked for a bisect.
    bisect_requested = Signal(str)
    #: The user dismissed it (its blame key).
    dismissed = Signal(str)

    def __init__(self, blame: Blame, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blame = blame
        self.errors: list[PluginError] = []
        self.index = 0
        self.setObjectName("addonErrorNotice")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFixedWidth(460)
        self.setStyleSheet("#addonErrorNotice { background: #fff3cd; border: 1px solid #e0c36a;"
                           " border-radius: 4px; }")
        if parent is not None:
            parent.installEventFilter(self)  # follow the window's size
        layout = QVBoxLayout(self)
        self.text = QLabel("", self)
        self.text.setObjectName("addonErrorText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("addonErrorDetails")
        self.details.setReadOnly(True)
        self.details.setFixedHeight(150)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.hide()
        layout.addWidget(self.details)
        row = QHBoxLayout()
        self.details_button = QPushButton("Details", self)
        self.details_button.setObjectName("addonErrorShowDetails")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        row.addWidget(self.details_button)
        row.addStretch(1)
        self.disable_button = QPushButton("Disable and Restart", self)
        self.disable_button.setObjectName("addonErrorDisable")
        self.disable_button.setToolTip("Turn this add-on off in your settings and reopen the "
                                       "profile without it")
        self.disable_button.clicked.connect(self._disable)
        self.disable_button.setVisible(blame.package is not None)
        row.addWidget(self.disable_button)
        self.bisect_button = QPushButton("Start Bisect…", self)
        self.bisect_button.setObjectName("addonErrorBisect")
        self.bisect_button.setToolTip("Find the add-on behind a problem by turning add-ons "
                                      "off in rounds; your settings are not changed")
        self.bisect_button.clicked.connect(lambda: self.bisect_requested.emit(self.blame.key))
        row.addWidget(self.bisect_button)
        self.dismiss_button = QPushButton("Dismiss", self)
        self.dismiss_button.setObjectName("addonErrorDismiss")
        self.dismiss_button.setToolTip("Hide this notice until Repetend restarts")
        self.dismiss_button.clicked.connect(self.close)
        row.addWidget(self.dismiss_button)
        layout.addLayout(row)
        for button in (self.details_button, self.disable_button, self.bisect_button,
                       self.dismiss_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.details.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._closing_quietly = False

    def add(self, error: PluginError) -> None:
        self.errors.append(error)
        count = len(self.errors)
        times = "" if count == 1 else f" ({count} errors so far; the latest is shown)"
        lead = self.blame.title[0].upper() + self.blame.title[1:]
        after = ("Repetend kept working without it for that call."
                 if error.hook_name else "It was not loaded; the rest of Repetend started.")
        self.text.setText(f"{lead} raised an error {describe(error)}{times}\n\n{after}")
        self.details.setPlainText("\n\n".join(
            f"{describe(e)}\n{e.traceback_text}".rstrip() for e in reversed(self.errors)))

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self._place()

    def _disable(self) -> None:
        assert self.blame.package is not None
        self.close_quietly()
        self.disable_requested.emit(self.blame.package)

    def close_quietly(self) -> None:
        """Close without counting as dismissed (a restart, or the window closing)."""
        self._closing_quietly = True
        self.close()

    def show_at(self, index: int) -> None:
        """Show over the window's bottom right corner, stacked above earlier notices."""
        self.index = index
        self.show()
        self.raise_()
        self._place()

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.adjustSize()
        bottom = parent.height() - 36  # above the status bar
        x = parent.width() - self.width() - 12
        y = bottom - (self.height() + 8) * (self.index + 1)
        self.move(max(0, x), max(0, y))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802, ANN001 - Qt's name
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def closeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        if not self._closing_quietly:
            self.dismissed.emit(self.blame.key)
        super().closeEvent(event)
