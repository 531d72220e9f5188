"""The desktop shell opens on the default profile and shows its decks (offscreen)."""

from repetend.host.app import Host
from repetend.host.gui import MainWindow
from repetend.host.qt import QLabel


def test_main_window_lists_the_sample_deck(qtbot, tmp_path, screenshot_dir):
    host = Host(tmp_path).open()
    window = MainWindow(host)
    qtbot.addWidget(window)
    window.show()
    assert "Sample Deck" in window.deck_names()
    assert "Sample Deck::Arabic Vocabulary" in window.deck_names()
    assert window.windowTitle() == "User 1 - Repetend"
    out = screenshot_dir / "main-window.png"
    assert window.grab().save(str(out))
    window.close()
    assert host.col is None


def test_safe_mode_is_shown(qtbot, tmp_path):
    host = Host(tmp_path, safe_mode=True).open()
    window = MainWindow(host)
    qtbot.addWidget(window)
    banner = window.findChild(QLabel, "safeModeBanner")
    assert banner is not None and "Safe mode" in banner.text()
    window.close()
