"""The main window on a fresh profile, shared by the GUI tests of this folder."""

import pytest

from repetend.host.app import Host
from repetend.host.gui import MainWindow


@pytest.fixture
def make_window(qtbot):
    """`make_window(host) -> MainWindow`: the real main window on an open host, shown
    offscreen. Warnings and information messages are kept in `window.warnings` /
    `window.infos` instead of opening modal boxes; every window still open is closed at
    the end of the test."""
    windows = []

    def make(host: Host) -> MainWindow:
        win = MainWindow(host)
        qtbot.addWidget(win)
        win.warnings, win.infos = [], []
        win.warn = win.warnings.append
        win.inform = win.infos.append
        win.show()
        qtbot.waitExposed(win)
        windows.append(win)
        return win

    yield make
    for win in windows:
        if win.host.col is not None:
            win.close()


@pytest.fixture
def window(make_window, tmp_path):
    """The main window (see `make_window`) on a fresh profile in `tmp_path`."""
    return make_window(Host(tmp_path).open())
