"""The main window on a fresh profile, shared by the GUI tests of this folder."""

import pytest

from repetend.host.app import Host
from repetend.host.gui import MainWindow


@pytest.fixture
def window(qtbot, tmp_path):
    """The real main window, shown offscreen. Warnings and information messages are kept
    in `window.warnings` / `window.infos` instead of opening modal boxes."""
    host = Host(tmp_path).open()
    win = MainWindow(host)
    qtbot.addWidget(win)
    win.warnings, win.infos = [], []
    win.warn = win.warnings.append
    win.inform = win.infos.append
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.host.col is not None:
        win.close()
