"""Tools > Add-ons, the add-on error notice and the bisect wizard, driven through the real
widgets offscreen (pytest-qt). Restarts reopen the profile's Host in the same window."""

import json
import textwrap
import zipfile

import pytest

from repetend.host.addons import AddonManager
from repetend.host.app import Host
from repetend.host.qt import QApplication, QLabel, QPushButton, Qt


def addon_zip(path, package, code="", *, version="1.0", extra=None, **manifest):
    data = {"package": package, "name": package.replace("_", " ").title(), "version": version,
            **manifest}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(data))
        zf.writestr("__init__.py", textwrap.dedent(code))
        for name, content in (extra or {}).items():
            zf.writestr(name, content)
    return path


def write_addon(addons_folder, package, code="", **manifest):
    folder = addons_folder / package
    folder.mkdir(parents=True)
    data = {"package": package, "name": package.replace("_", " ").title(), "version": "1.0",
            **manifest}
    (folder / "manifest.json").write_text(json.dumps(data))
    (folder / "__init__.py").write_text(textwrap.dedent(code))
    return folder


RAISES_AT_WINDOW = """
from repetend.hooks import hookimpl

@hookimpl
def main_window_did_init(window):
    raise RuntimeError("{message}")
"""


@pytest.fixture
def base(tmp_path):
    """A base folder whose default profile exists (Host creates it with the sample deck)."""
    Host(tmp_path).open().close()
    return tmp_path


def addons_folder(base):
    return Host(base).profile.addons_folder


@pytest.fixture
def make_window(make_window, base):
    """`make_window(safe_mode=False)`: the shared main window (tests/host/conftest.py) on
    `base`; its information messages are `window.messages` here."""

    def make(safe_mode=False):
        win = make_window(Host(base, safe_mode=safe_mode).open())
        win.messages = win.infos
        return win

    return make


def open_dialog(window):
    window.actions_["addons"].trigger()
    dialog = window.addons_ui.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.warnings = []
    dialog.warn = dialog.warnings.append
    dialog.ask_yes_no = lambda text: True
    return dialog


def row(dialog, package):
    return next(r for r in dialog.rows if r.package == package)


def notices(window):
    return dict(window.addons_ui.notices)


# --- the dialog ------------------------------------------------------------------------


def test_tools_menu_opens_the_addons_dialog_with_ctrl_shift_a(make_window):
    window = make_window()
    action = window.actions_["addons"]
    assert action.isEnabled()
    assert action.shortcut().toString() == "Ctrl+Shift+A"
    assert action in window.menus["tools"].actions()
    dialog = open_dialog(window)
    assert dialog.windowTitle() == "Add-ons"
    assert dialog.rows == []
    assert "No add-ons are installed" in dialog.message.text()
    assert dialog.safe_banner.isHidden()


def test_install_a_zip_through_the_dialog_then_disable_it(make_window, tmp_path,
                                                           screenshot_dir):
    window = make_window()
    write_addon(addons_folder(window.host.profiles.base), "already_there",
                "from repetend.hooks import hookimpl\n", version="2.1")
    window.addons_ui.restart()  # loads the one already installed
    dialog = open_dialog(window)
    package = addon_zip(tmp_path / "night_mode.repetend-addon", "night_mode",
                        "from repetend.hooks import hookimpl\n", version="1.2")
    assert dialog.install([package]) == ["night_mode"]
    assert dialog.current_package() == "night_mode"
    night = row(dialog, "night_mode")
    assert (night.name, night.version, night.status) == ("Night Mode", "1.2", "not loaded")
    assert "loads when Repetend restarts" in night.pending
    assert dialog.restart_bar.isVisibleTo(dialog)
    assert "Installed Night Mode 1.2 (night_mode)." in dialog.message.text()
    assert "Restart Repetend" in dialog.message.text()

    # Restart now: the new host loads it, with a load time.
    dialog.restart_button.click()
    night = row(dialog, "night_mode")
    assert night.status == "loaded" and night.load_ms is not None and night.pending == ""
    assert not dialog.restart_bar.isVisibleTo(dialog)
    item = dialog.list.currentItem()
    assert [item.text(c) for c in range(4)] == ["Night Mode", "night_mode", "1.2", "loaded"]
    assert item.text(4).endswith(" ms")
    assert dialog.list.topLevelItemCount() == 2
    dialog.resize(900, 420)
    assert dialog.grab().save(str(screenshot_dir / "addons-dialog.png"))

    # Disable: saved in meta.json, effective at the next start.
    assert dialog.buttons["toggle"].text() == "Disable"
    dialog.buttons["toggle"].click()
    assert json.loads((addons_folder(window.host.profiles.base) / "night_mode" /
                       "meta.json").read_text())["disabled"] is True
    night = row(dialog, "night_mode")
    assert night.status == "loaded" and night.pending.startswith("disabled")
    assert dialog.buttons["toggle"].text() == "Enable"
    assert dialog.restart_bar.isVisibleTo(dialog)
    dialog.restart_button.click()
    assert window.host.addons.records["night_mode"].status == "disabled"
    assert row(dialog, "night_mode").pending == ""
    assert dialog.list.currentItem().text(3) == "disabled"


def test_refused_packages_are_reported_and_nothing_is_installed(make_window, tmp_path):
    window = make_window()
    dialog = open_dialog(window)
    bad = tmp_path / "evil.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"package": "evil", "name": "Evil"}))
        zf.writestr("../escape.py", "")
        zf.writestr("__init__.py", "")
    assert dialog.install([bad, tmp_path / "notes.txt"]) == []
    assert len(dialog.warnings) == 2
    assert dialog.warnings[0].startswith("Cannot install evil.zip")
    assert "not an add-on package" in dialog.warnings[1]
    assert AddonManager(addons_folder(window.host.profiles.base)).installed() == {}


def test_install_from_a_folder_remove_and_view_files(make_window, tmp_path):
    window = make_window()
    dialog = open_dialog(window)
    source = write_addon(tmp_path / "work", "dev_addon", "")
    assert dialog.install([source]) == ["dev_addon"]
    opened = []
    window.addons_ui.open_url = lambda url: opened.append(url) or True
    dialog.buttons["files"].click()
    installed = addons_folder(window.host.profiles.base) / "dev_addon"
    assert [url.toLocalFile() for url in opened] == [str(installed)]
    assert opened[0].scheme() == "file"
    asked = []
    dialog.ask_yes_no = lambda text: asked.append(text) or False
    dialog.buttons["remove"].click()
    assert installed.is_dir() and "Remove Dev Addon (dev_addon)?" in asked[0]
    dialog.ask_yes_no = lambda text: True
    dialog.buttons["remove"].click()
    assert not installed.exists()
    assert "Removed Dev Addon (dev_addon)." in dialog.message.text()
    assert dialog.rows == []


def test_failed_addon_shows_its_error_and_traceback(make_window):
    window = make_window()
    write_addon(addons_folder(window.host.profiles.base), "broken",
                "raise ImportError('needs numpy')\n")
    window.addons_ui.restart()
    dialog = open_dialog(window)
    broken = row(dialog, "broken")
    assert broken.status == "failed"
    assert broken.error == "ImportError: needs numpy"
    item = dialog.list.currentItem()
    assert item.text(3) == "failed" and item.text(5) == "ImportError: needs numpy"
    assert dialog.buttons["error"].isEnabled()
    shown = dialog.show_error()
    text = shown.findChild(type(shown.layout().itemAt(1).widget()), "addonErrorTraceback")
    assert "Traceback" in text.toPlainText() and "needs numpy" in text.toPlainText()
    shown.close()


# --- configuration ---------------------------------------------------------------------


def test_config_editor_validates_json_and_restores_defaults(make_window, tmp_path,
                                                            screenshot_dir):
    window = make_window()
    dialog = open_dialog(window)
    package = addon_zip(tmp_path / "cfg.zip", "configurable", "", extra={
        "config.json": json.dumps({"colour": "blue", "size": 3}),
        "config.md": "# Configurable\n\n*colour*: the colour of the card.\n"})
    dialog.install([package])
    manager = AddonManager(addons_folder(window.host.profiles.base))
    assert dialog.buttons["config"].isEnabled()
    editor = dialog.configure()
    assert json.loads(editor.editor.toPlainText()) == {"colour": "blue", "size": 3}
    assert not editor.help.isHidden()
    assert "the colour of the card" in editor.help.toPlainText()
    assert editor.grab().save(str(screenshot_dir / "addon-config.png"))

    # Invalid JSON: refused with the parser's message, nothing saved, cursor on the spot.
    editor.editor.setPlainText('{"colour": "red",\n "size": }')
    editor.save_button.click()
    assert editor.isVisible()
    assert editor.error.text().startswith("Not saved: the configuration is not valid JSON")
    assert "line 2" in editor.error.text()
    assert editor.editor.textCursor().blockNumber() == 1
    assert manager.config("configurable") == {"colour": "blue", "size": 3}
    editor.editor.setPlainText("[1, 2]")
    editor.save_button.click()
    assert "must be a JSON object" in editor.error.text()

    editor.editor.setPlainText('{"colour": "red", "size": 3}')
    editor.save_button.click()
    assert not editor.isVisible()
    assert manager.config("configurable") == {"colour": "red", "size": 3}
    assert "Saved the configuration of Configurable" in dialog.message.text()

    # Restore Defaults: the user's values are forgotten (not saved as a copy of defaults).
    editor = dialog.configure()
    editor.restore_button.click()
    assert json.loads(editor.editor.toPlainText()) == {"colour": "blue", "size": 3}
    editor.save_button.click()
    meta = json.loads((addons_folder(window.host.profiles.base) / "configurable" /
                       "meta.json").read_text())
    assert "config" not in meta
    assert manager.config("configurable") == {"colour": "blue", "size": 3}


def test_addon_without_configuration_has_config_disabled(make_window, tmp_path):
    window = make_window()
    dialog = open_dialog(window)
    dialog.install([addon_zip(tmp_path / "plain.zip", "plain", "")])
    assert not dialog.buttons["config"].isEnabled()
    assert dialog.configure() is None


# --- safe mode -------------------------------------------------------------------------


def test_safe_mode_banner_in_the_dialog_and_restart_normally(base, make_window, screenshot_dir):
    write_addon(addons_folder(base), "kept", "")
    window = make_window(safe_mode=True)
    dialog = open_dialog(window)
    assert dialog.safe_banner.isVisibleTo(dialog)
    assert "Safe mode" in dialog.safe_text.text()
    kept = row(dialog, "kept")
    assert kept.status == "safe-mode" and kept.pending == ""
    assert dialog.list.currentItem().text(3) == "safe mode"
    assert kept.error == "" and not dialog.buttons["error"].isEnabled()
    assert not dialog.restart_bar.isVisibleTo(dialog)
    assert dialog.grab().save(str(screenshot_dir / "addons-dialog-safe-mode.png"))
    dialog.leave_safe.click()
    assert not window.host.safe_mode
    assert window.banner.isHidden()
    assert not dialog.safe_banner.isVisibleTo(dialog)
    assert row(dialog, "kept").status == "loaded"


# --- errors ----------------------------------------------------------------------------


def test_addon_raising_in_a_hook_shows_a_notice_naming_it(base, make_window, qtbot,
                                                          screenshot_dir):
    write_addon(addons_folder(base), "fragile",
                RAISES_AT_WINDOW.format(message="no screen for me"), version="0.3")
    window = make_window()
    qtbot.waitUntil(lambda: "fragile" in notices(window))
    notice = notices(window)["fragile"]
    assert notice.isVisible() and not notice.isWindow()
    text = notice.text.text()
    assert "The add-on “Fragile” (fragile) raised an error in the hook main_window_did_init" \
        in text
    assert "RuntimeError: no screen for me" in text
    assert notice.disable_button.isVisible() and notice.bisect_button.isVisible()
    notice.details_button.click()
    assert "Traceback" in notice.details.toPlainText()
    assert notice.grab().save(str(screenshot_dir / "addon-error-notice.png"))
    assert window.grab().save(str(screenshot_dir / "main-window-addon-error.png"))
    # The window still works: the deck list is there.
    assert "Sample Deck" in window.deck_names()

    # The same add-on failing again updates the notice instead of opening another.
    window.host.plugins.main_window_did_init(window)
    window.addons_ui.poll()
    assert list(notices(window)) == ["fragile"]
    assert "2 errors so far" in notice.text.text()

    notice.disable_button.click()
    meta = json.loads((addons_folder(base) / "fragile" / "meta.json").read_text())
    assert meta["disabled"] is True
    assert window.host.addons.records["fragile"].status == "disabled"
    assert window.host.plugins.errors == []
    window.addons_ui.poll()
    assert notices(window) == {}
    assert "Disabled Fragile (fragile)" in window.statusBar().currentMessage()


def test_errors_from_builtins_are_shown_without_the_disable_button(make_window):
    window = make_window()
    host = window.host
    host.plugins._record("builtin.reviewer", "card_will_show", ValueError("bad card"))
    window.addons_ui.poll()
    notice = notices(window)["builtin.reviewer"]
    assert "The built-in plugin reviewer raised an error in the hook card_will_show" \
        in notice.text.text()
    assert notice.disable_button.isHidden()
    assert not notice.bisect_button.isHidden()
    notice.dismiss_button.click()
    host.plugins._record("builtin.reviewer", "card_will_show", ValueError("again"))
    window.addons_ui.poll()
    assert notices(window) == {}  # dismissed until the next restart


def test_a_notice_does_not_take_the_focus(base, make_window, qtbot):
    write_addon(addons_folder(base), "noisy", RAISES_AT_WINDOW.format(message="x"))
    window = make_window()
    window.activateWindow()
    window.deck_tree.setFocus()
    qtbot.waitUntil(lambda: "noisy" in notices(window))
    assert QApplication.focusWidget() is window.deck_tree


def test_start_bisect_from_a_notice_opens_the_wizard(base, make_window, qtbot):
    write_addon(addons_folder(base), "noisy", RAISES_AT_WINDOW.format(message="x"))
    window = make_window()
    qtbot.waitUntil(lambda: "noisy" in notices(window))
    notices(window)["noisy"].bisect_button.click()
    wizard = window.addons_ui.wizard
    assert wizard is not None and wizard.isVisible() and wizard.page() == "start"
    wizard.close()


# --- bisect ----------------------------------------------------------------------------


def three_addons(base, culprit="beta"):
    folder = addons_folder(base)
    for package in ("alpha", "beta", "gamma"):
        code = (RAISES_AT_WINDOW.format(message=f"{package} breaks the window")
                if package == culprit else "from repetend.hooks import hookimpl\n")
        write_addon(folder, package, code)
    return folder


def problem_shows(window):
    """The user's check: did the broken window error appear after this restart?"""
    window.addons_ui.poll()
    return any("breaks the window" in str(e) for e in window.host.plugins.errors)


def test_bisect_wizard_finds_the_culprit_among_three(base, make_window, qtbot, screenshot_dir):
    folder = three_addons(base, culprit="beta")
    window = make_window()
    assert problem_shows(window)
    wizard = window.addons_ui.open_bisect()
    assert wizard.page() == "start"
    assert [wizard.participants.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(wizard.participants.count())] == ["alpha", "beta", "gamma"]
    assert wizard.estimate.text().startswith("This takes about ")
    qtbot.wait(20)  # let the layout catch up with the new texts
    assert wizard.grab().save(str(screenshot_dir / "bisect-start.png"))
    wizard.start_button.click()
    assert wizard.page() == "round"
    assert (folder / ".bisect.json").is_file()
    assert wizard.round_title.text() == "Round 1: every add-on disabled"
    assert wizard.restarts.text().startswith("About ") and "restart" in wizard.restarts.text()
    qtbot.wait(20)  # let the layout catch up with the new texts
    assert wizard.grab().save(str(screenshot_dir / "bisect-round.png"))
    rounds = 0
    while wizard.page() == "round":
        rounds += 1
        assert rounds <= 6
        loaded = {p for p, r in window.host.addons.records.items() if r.status == "loaded"}
        disabled = wizard.ui.bisect().status().disabled
        assert loaded == {"alpha", "beta", "gamma"} - set(disabled)
        button = wizard.bad_button if problem_shows(window) else wizard.good_button
        button.click()
    assert wizard.page() == "result"
    assert wizard.verdict.verdict == "addon" and wizard.verdict.culprits == ("beta",)
    assert "Responsible: Beta (beta)." in wizard.result_text.text()
    assert wizard.keep_button.isVisible()
    assert not (folder / ".bisect.json").exists()  # the overlay is gone
    qtbot.wait(20)  # let the layout catch up with the new texts
    assert wizard.grab().save(str(screenshot_dir / "bisect-result.png"))
    assert wizard.finish(keep_disabled=True) == ["beta"]
    assert json.loads((folder / "beta" / "meta.json").read_text())["disabled"] is True
    records = window.host.addons.records
    assert {p: r.status for p, r in records.items()} == {
        "alpha": "loaded", "beta": "disabled", "gamma": "loaded"}
    assert not problem_shows(window)
    assert window.addons_ui.wizard is None or not window.addons_ui.wizard.isVisible()


def test_bisect_pins_stay_enabled_and_stop_restores_everything(base, make_window, qtbot):
    folder = three_addons(base, culprit="gamma")
    window = make_window()
    wizard = window.addons_ui.open_bisect()
    wizard.set_pinned("alpha")
    wizard.start_button.click()
    assert window.host.addons.records["alpha"].status == "loaded"
    assert window.host.addons.records["gamma"].status == "disabled"
    assert "kept on: alpha" in wizard.round_addons.text()
    # The add-ons dialog shows the bisect, and the wizard can be continued from it.
    dialog = open_dialog(window)
    assert dialog.bisect_banner.isVisibleTo(dialog)
    assert "round 1" in dialog.bisect_text.text()
    # A skip on the first round is refused with the reason.
    wizard.skip_button.click()
    assert "must be answered good or bad" in wizard.error.text()
    wizard.reset_button.click()
    assert not (folder / ".bisect.json").exists()
    assert wizard.page() == "start"
    assert {r.status for r in window.host.addons.records.values()} == {"loaded"}
    assert not dialog.bisect_banner.isVisibleTo(dialog)
    assert not any((folder / p / "meta.json").exists()
                   and json.loads((folder / p / "meta.json").read_text()).get("disabled")
                   for p in ("alpha", "beta", "gamma"))
    wizard.close()


def test_a_bisect_in_progress_reopens_its_wizard_at_start(base, make_window, qtbot):
    three_addons(base)
    from repetend.host.addons.bisect import AddonBisect

    AddonBisect(addons_folder(base)).start()
    window = make_window()
    qtbot.waitUntil(lambda: window.addons_ui.wizard is not None)
    wizard = window.addons_ui.wizard
    assert wizard.page() == "round"
    assert {r.status for r in window.host.addons.records.values()} == {"disabled"}
    # Answered from the wizard, as the CLI would.
    wizard.good_button.click()
    assert wizard.round_title.text().startswith("Round 2")
    wizard.reset_button.click()


def test_bisect_without_addons_says_so(make_window):
    window = make_window()
    wizard = window.addons_ui.open_bisect()
    assert "no enabled add-ons to bisect" in wizard.error.text()
    assert not wizard.start_button.isEnabled()
    assert isinstance(wizard.findChild(QLabel, "bisectIntro"), QLabel)
    assert isinstance(wizard.findChild(QPushButton, "bisectCancel"), QPushButton)
