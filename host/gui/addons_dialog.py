"""Tools > Add-ons (Ctrl+Shift+A, as in Anki): the list, install, enable, configure, remove.

The list joins two views of each add-on: what this run of Repetend did with it (the
loader's record: status, load time, the error it raised and hook errors since) and what
is saved on disk now (`AddonManager`: installed, enabled, version). Every change goes
through `AddonManager`, exactly as `repetend addons …` does, and like there it takes
effect at the next start (modules are not unloaded, ANKI-FACTS §8.6): the row says what
will change and a bar offers *Restart Now*, which reopens the profile in this window.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core.errors import RepetendError
from repetend.host.addons.meta import read_defaults, read_meta
from repetend.host.addons.package import PACKAGE_SUFFIXES
from repetend.host.gui.addon_errors import describe
from repetend.host.qt import (
    QAbstractItemView,
    QBrush,
    QColor,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    Qt,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from repetend.host.addons import AddonManager
    from repetend.host.addons.catalog import Installed
    from repetend.host.app import Host
    from repetend.host.gui.addons_ui import AddonsUi

COLUMNS = ("Name", "Package", "Version", "Status", "Load time", "Error")
PACKAGE_ROLE = Qt.ItemDataRole.UserRole
#: Statuses shown in red: the add-on wanted to run and could not.
PROBLEM_STATUSES = ("failed", "conflicting", "incompatible", "blocked", "quarantined")


@dataclass
class AddonRow:
    """One line of the list: this run's record joined with what is on disk now."""

    package: str
    name: str
    version: str
    #: This run's status ("loaded", "failed", …), or "not loaded" if installed since.
    status: str
    load_ms: float | None
    #: Why it is not loaded, or the error it raised; hook errors since start are counted.
    error: str
    #: The tracebacks behind `error` (load and hook errors), for "Show Error".
    details: str
    #: What changes at the next start, or "".
    pending: str
    #: The user's saved choice (meta.json), what Enable/Disable toggles.
    enabled: bool
    quarantined: bool
    installed: bool
    kind: str
    folder: Path | None
    has_config: bool


def addon_rows(host: Host, installed: dict[str, Installed]) -> list[AddonRow]:
    """The rows for `host` (this run) and `installed` (disk, now), sorted by name."""
    records = dict(host.addons.records) if host.addons is not None else {}
    plugin_package = {name: r.package for r in records.values() for name in r.plugin_names}
    hook_errors: dict[str, list[Any]] = {}
    for error in host.plugins.errors:
        package = plugin_package.get(error.plugin_name)
        if package is not None:
            hook_errors.setdefault(package, []).append(error)
    safe_mode = host.addons.safe_mode if host.addons is not None else host.safe_mode
    rows = []
    for package in set(records) | set(installed):
        record = records.get(package)
        addon = installed.get(package)
        meta = read_meta(addon.meta_path) if addon is not None else {}
        enabled = meta.get("disabled") is not True
        quarantined = bool(meta.get("quarantined"))
        status = record.status if record is not None else "not loaded"
        errors = hook_errors.get(package, [])
        error = ""
        if record is not None and record.status not in ("loaded", "safe-mode") and record.reason:
            error = record.reason  # why it is not loaded (the safe-mode banner says that)
        if errors:
            count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
            error = (f"{count} since start; latest {describe(errors[-1])}"
                     + (f" — {error}" if error else ""))
        details = "\n\n".join(
            [*([f"While loading:\n{record.traceback}"] if record and record.traceback else []),
             *(f"{describe(e)}\n{e.traceback_text}".rstrip() for e in errors)])
        if record is not None and not details and record.reason and status in PROBLEM_STATUSES:
            details = record.reason
        rows.append(AddonRow(
            package=package,
            name=(addon.name if addon is not None else record.name),  # type: ignore[union-attr]
            version=(addon.version if addon is not None else record.version),  # type: ignore[union-attr]
            status=status, load_ms=record.load_ms if record is not None else None,
            error=error, details=details,
            pending=_pending(record, addon, enabled, quarantined, safe_mode),
            enabled=enabled, quarantined=quarantined, installed=addon is not None,
            kind=addon.kind if addon is not None else record.kind,  # type: ignore[union-attr]
            folder=addon.folder if addon is not None else None,
            has_config=addon is not None and addon.folder is not None and (
                read_defaults(addon.folder) is not None or "config" in meta)))
    rows.sort(key=lambda r: (r.name.casefold(), r.package))
    return rows


def _pending(record: Any, addon: Installed | None, enabled: bool, quarantined: bool,
             safe_mode: bool) -> str:
    """What the next (normal) start will do differently from this run, for the user."""
    if addon is None:
        return "removed" + ("; it runs until Repetend restarts"
                            if record is not None and record.status == "loaded" else "")
    if record is None:
        return ("installed; it loads when Repetend restarts" if enabled
                else "installed, disabled")
    if safe_mode:
        return "" if enabled else "disabled by you"
    if record.version != addon.version and record.status == "loaded":
        return f"updated to {addon.version or '?'}; restart to load it"
    if not enabled and record.status not in ("disabled", "quarantined"):
        return "disabled; it stops when Repetend restarts"
    if enabled and (record.status == "quarantined" and not quarantined
                    or record.status == "disabled" and record.reason == "disabled by you"):
        return "enabled; it loads when Repetend restarts"
    return ""


class AddonsDialog(QDialog):
    """The add-ons of the open profile."""

    def __init__(self, ui: AddonsUi, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.rows: list[AddonRow] = []
        #: How messages and questions reach the user; tests replace them.
        self.warn = lambda text: QMessageBox.warning(self, "Add-ons", text)
        self.ask_yes_no = lambda text: (QMessageBox.question(self, "Add-ons", text)
                                        == QMessageBox.StandardButton.Yes)
        self.setObjectName("addonsDialog")
        self.setWindowTitle("Add-ons")
        self.setAcceptDrops(True)  # drop .repetend-addon files to install them
        self.resize(900, 480)
        layout = QVBoxLayout(self)
        self.safe_banner, self.safe_text, self.leave_safe = self._banner(
            "addonsSafeModeBanner", "Restart Normally", lambda: self.ui.restart(safe_mode=False))
        layout.addWidget(self.safe_banner)
        self.bisect_banner, self.bisect_text, _ = self._banner(
            "addonsBisectBanner", "Continue Bisect…", self.ui.open_bisect)
        layout.addWidget(self.bisect_banner)
        self.restart_bar, self.restart_text, self.restart_button = self._banner(
            "addonsRestartBar", "Restart Now", lambda: self.ui.restart())
        self.restart_text.setText("Some changes take effect when Repetend restarts.")
        layout.addWidget(self.restart_bar)

        body = QHBoxLayout()
        self.list = QTreeWidget(self)
        self.list.setObjectName("addonList")
        self.list.setColumnCount(len(COLUMNS))
        self.list.setHeaderLabels(list(COLUMNS))
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.list.header()
        header.setStretchLastSection(True)
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.list.itemDoubleClicked.connect(lambda *_: self.configure())
        body.addWidget(self.list, 1)
        side = QVBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
                ("install", "Install from File…", self.choose_package),
                ("install_folder", "Install from Folder…", self.choose_folder),
                (None, "", None),
                ("toggle", "Disable", self.toggle),
                ("config", "Config…", self.configure),
                ("files", "View Files", self.view_files),
                ("error", "Show Error…", self.show_error),
                ("remove", "Remove…", self.remove),
                (None, "", None),
                ("bisect", "Find Problem Add-on…", self.ui.open_bisect)):
            if key is None:
                side.addSpacing(12)
                continue
            button = QPushButton(text, self)
            button.setObjectName(f"addons_{key}")
            button.clicked.connect(lambda _checked=False, s=slot: s())
            side.addWidget(button)
            self.buttons[key] = button
        self.buttons["bisect"].setToolTip(
            "Bisect: turn add-ons off in rounds to find the one behind a problem")
        side.addStretch(1)
        body.addLayout(side)
        layout.addLayout(body, 1)
        self.message = QLabel("", self)
        self.message.setObjectName("addonsMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    def _banner(self, name: str, button_text: str, slot: Any) -> tuple[QFrame, QLabel,
                                                                        QPushButton]:
        frame = QFrame(self)
        frame.setObjectName(name)
        frame.setStyleSheet(f"#{name} {{ background: #fff3cd; border: 1px solid #e0c36a; }}")
        row = QHBoxLayout(frame)
        row.setContentsMargins(8, 4, 8, 4)
        text = QLabel("", frame)
        text.setObjectName(name + "Text")
        text.setWordWrap(True)
        row.addWidget(text, 1)
        button = QPushButton(button_text, frame)
        button.setObjectName(name + "Button")
        button.clicked.connect(lambda _checked=False: slot())
        row.addWidget(button)
        frame.hide()
        return frame, text, button

    # --- showing --------------------------------------------------------------------------

    @property
    def manager(self) -> AddonManager:
        return self.ui.manager()

    def refresh(self) -> None:
        """Rebuild the list from the open host and the disk, keeping the selection."""
        host = self.ui.host
        selected = self.current_package()
        self.rows = addon_rows(host, self.manager.installed())
        self.list.clear()
        red = QBrush(QColor("#b00020"))
        grey = QBrush(QColor("#777777"))
        for row in self.rows:
            status = row.status if row.status != "safe-mode" else "safe mode"
            if row.pending:
                status += f" → {row.pending}"
            took = f"{row.load_ms:.1f} ms" if row.load_ms is not None else ""
            item = QTreeWidgetItem([row.name, row.package, row.version or "", status, took,
                                    row.error.splitlines()[0] if row.error else ""])
            item.setData(0, PACKAGE_ROLE, row.package)
            item.setToolTip(3, status)
            item.setToolTip(5, row.error)
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if row.status in PROBLEM_STATUSES or row.error and row.status == "loaded":
                for column in (3, 5):
                    item.setForeground(column, red)
            if not row.enabled or not row.installed:
                for column in range(len(COLUMNS)):
                    if column not in (3, 5):
                        item.setForeground(column, grey)
            self.list.addTopLevelItem(item)
            if row.package == selected:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(0))
        if not self.rows:
            self.message.setText(f"No add-ons are installed. Install one from a "
                                 f".repetend-addon file, or drop it here. "
                                 f"(Folder: {host.profile.addons_folder})")
        safe = bool(host.safe_mode)
        self.safe_banner.setVisible(safe)
        self.safe_text.setText(
            "Safe mode: no add-on is loaded this time, and your add-on settings are "
            "unchanged. What you change here applies when Repetend starts normally.")
        self.leave_safe.setEnabled(safe)
        self._update_bisect_banner()
        self.restart_bar.setVisible(any(r.pending and r.pending != "installed, disabled"
                                        and r.pending != "disabled by you" for r in self.rows))
        self._update_buttons()

    def _update_bisect_banner(self) -> None:
        try:
            progress = self.ui.bisect().status()
        except RepetendError as exc:
            self.bisect_text.setText(str(exc))
            self.bisect_banner.show()
            return
        self.bisect_banner.setVisible(progress is not None)
        if progress is not None:
            self.bisect_text.setText(
                f"An add-on bisect is in progress (round {progress.round}): "
                f"{len(progress.disabled)} add-on(s) are turned off for this round, without "
                "changing your settings.")

    def current_package(self) -> str | None:
        item = self.list.currentItem()
        return item.data(0, PACKAGE_ROLE) if item is not None else None

    def current_row(self) -> AddonRow | None:
        package = self.current_package()
        return next((r for r in self.rows if r.package == package), None)

    def select(self, package: str) -> None:
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item.data(0, PACKAGE_ROLE) == package:
                self.list.setCurrentItem(item)
                return
        raise KeyError(package)

    def _update_buttons(self) -> None:
        row = self.current_row()
        on_disk = row is not None and row.installed
        toggle = self.buttons["toggle"]
        toggle.setEnabled(on_disk)
        toggle.setText("Enable" if row is not None and (not row.enabled or row.quarantined)
                       else "Disable")
        self.buttons["remove"].setEnabled(on_disk)
        config = self.buttons["config"]
        config.setEnabled(on_disk and row.has_config)  # type: ignore[union-attr]
        config.setToolTip("" if config.isEnabled() else "This add-on has no configuration.")
        files = self.buttons["files"]
        files.setEnabled(on_disk and row.folder is not None)  # type: ignore[union-attr]
        files.setToolTip("" if files.isEnabled() or not on_disk else
                         "Installed as a Python distribution: it has no add-on folder.")
        self.buttons["error"].setEnabled(row is not None and bool(row.details))

    def _done(self, messages: list[str], select: str | None = None) -> None:
        self.refresh()
        if select is not None:
            try:
                self.select(select)
            except KeyError:
                pass
        restart = (" Restart Repetend for the change to take effect."
                   if self.restart_bar.isVisible() else "")
        self.message.setText(" ".join(messages) + restart)

    # --- acting ---------------------------------------------------------------------------

    def choose_package(self) -> None:
        suffixes = " ".join(f"*{s}" for s in PACKAGE_SUFFIXES)
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Install Add-on", "", f"Repetend add-ons ({suffixes})")
        if paths:
            self.install([Path(p) for p in paths])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Install Add-on from Folder")
        if folder:
            self.install([Path(folder)])

    def install(self, paths: list[Path]) -> list[str]:
        """Install packages (.repetend-addon/.zip) or add-on folders; returns the packages.

        Each is checked whole before anything is written; a refused one is reported with
        the reason and the others still go in.
        """
        done: list[str] = []
        messages: list[str] = []
        for path in paths:
            try:
                if path.is_dir():
                    if not (path / "manifest.json").is_file():
                        raise RepetendError(f"{path} is not an add-on folder (it has no "
                                            "manifest.json)")
                    outcome = self.manager.install_folder(path)
                elif path.name.lower().endswith(PACKAGE_SUFFIXES):
                    outcome = self.manager.install_package(path)
                else:
                    raise RepetendError(f"{path.name} is not an add-on package (expected "
                                        f"{' or '.join(PACKAGE_SUFFIXES)})")
            except (RepetendError, OSError) as exc:
                self.warn(f"Cannot install {path.name}: {exc}")
                continue
            done += outcome.packages
            messages += outcome.messages
        if done:
            self._done(messages, done[-1])
        return done

    def toggle(self) -> None:
        row = self.current_row()
        if row is None or not row.installed:
            return
        self.set_enabled(row.package, not row.enabled or row.quarantined)

    def set_enabled(self, package: str, enabled: bool) -> None:
        try:
            outcome = (self.manager.enable(package) if enabled
                       else self.manager.disable(package))
        except RepetendError as exc:
            self.warn(str(exc))
            return
        self._done(outcome.messages, package)

    def remove(self, confirm: bool = True) -> None:
        row = self.current_row()
        if row is None or not row.installed:
            return
        if confirm and not self.ask_yes_no(
                f"Remove {row.name} ({row.package})? Its files"
                + (", settings and user files" if row.kind == "folder" else "")
                + " are deleted."):
            return
        try:
            outcome = self.manager.remove(row.package)
        except RepetendError as exc:
            self.warn(str(exc))
            return
        self._done(outcome.messages)

    def configure(self) -> ConfigDialog | None:
        row = self.current_row()
        if row is None or not row.installed or not row.has_config:
            return None
        dialog = ConfigDialog(self.manager, row.package, row.name, self)
        dialog.finished.connect(lambda result: self._configured(dialog, result))
        dialog.open()
        return dialog

    def _configured(self, dialog: ConfigDialog, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            loaded = any(r.package == dialog.package and r.status == "loaded"
                         for r in self.rows)
            self._done([f"Saved the configuration of {dialog.name}."
                        + (" An add-on may read it only when it starts: restart if the "
                           "change does not show." if loaded else "")], dialog.package)

    def view_files(self) -> None:
        row = self.current_row()
        if row is not None and row.folder is not None:
            self.ui.view_files(row.folder)

    def show_error(self) -> QDialog | None:
        row = self.current_row()
        if row is None or not row.details:
            return None
        dialog = QDialog(self)
        dialog.setObjectName("addonErrorDialog")
        dialog.setWindowTitle(f"{row.name}: error")
        dialog.resize(700, 400)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel(f"{row.name} ({row.package}) — {row.status}", dialog))
        text = QPlainTextEdit(dialog)
        text.setObjectName("addonErrorTraceback")
        text.setReadOnly(True)
        text.setPlainText(row.details)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    # --- drag and drop --------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        if _dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        paths = _dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.install(paths)


def _dropped_paths(mime: Any) -> list[Path]:
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()
            and (url.toLocalFile().lower().endswith(PACKAGE_SUFFIXES)
                 or Path(url.toLocalFile(), "manifest.json").is_file())]


class ConfigDialog(QDialog):
    """An add-on's configuration as JSON text, with its `config.md` beside it (as Anki).

    Text that is not a JSON object is refused with the parser's message, and the cursor
    goes to the place it points at. *Restore Defaults* puts the add-on's own `config.json`
    in the editor; saving that forgets the user's values, so later default changes reach
    them again.
    """

    def __init__(self, manager: AddonManager, package: str, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.package = package
        self.name = name
        self.setObjectName("addonConfigDialog")
        self.setWindowTitle(f"Configure {name}")
        self.resize(820, 480)
        addon = manager.get(package)
        self.defaults = read_defaults(addon.folder)
        self._restored_text: str | None = None
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.editor = QPlainTextEdit(splitter)
        self.editor.setObjectName("configEditor")
        font = self.editor.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.editor.setFont(font)
        self.editor.setPlainText(_json_text(manager.config(package) or {}))
        self.editor.textChanged.connect(lambda: self.error.setText(""))
        splitter.addWidget(self.editor)
        self.help = QTextBrowser(splitter)
        self.help.setObjectName("configHelp")
        self.help.setOpenExternalLinks(True)
        help_file = manager.config_help(package)
        if help_file is not None:
            try:
                self.help.setMarkdown(help_file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                self.help.setPlainText(f"config.md cannot be read: {exc}")
        else:
            self.help.hide()
        splitter.addWidget(self.help)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.error = QLabel("", self)
        self.error.setObjectName("configError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button = buttons.addButton("Restore Defaults",
                                                QDialogButtonBox.ButtonRole.ResetRole)
        self.restore_button.setObjectName("restoreDefaults")
        self.restore_button.setEnabled(self.defaults is not None)
        self.restore_button.clicked.connect(self.restore_defaults)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveConfig")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def restore_defaults(self) -> None:
        if self.defaults is None:
            return
        self._restored_text = _json_text(self.defaults)
        self.editor.setPlainText(self._restored_text)

    def save(self) -> bool:
        """Save the text; False (with the reason shown) if it is not a JSON object."""
        text = self.editor.toPlainText()
        try:
            json.loads(text)
        except ValueError as exc:
            line, column = getattr(exc, "lineno", 0), getattr(exc, "colno", 0)
            if line:
                block = self.editor.document().findBlockByLineNumber(line - 1)
                cursor = self.editor.textCursor()
                cursor.setPosition(block.position() + max(column - 1, 0))
                self.editor.setTextCursor(cursor)
        try:
            if self._restored_text is not None and text == self._restored_text:
                self.manager.reset_config(self.package)
            else:
                self.manager.set_config(self.package, text)
        except RepetendError as exc:
            self.error.setText(f"Not saved: {exc}")
            self.editor.setFocus()
            return False
        return True

    def accept(self) -> None:
        if self.save():
            super().accept()


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=4, sort_keys=False)
