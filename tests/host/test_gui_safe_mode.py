"""Holding Shift while the desktop app starts enters safe mode for that run only.

Each start runs in its own process, as a real start does (run_app owns the event loop).
"""

import json
import subprocess
import sys

START = """
import json, sys
import repetend.host.addons.safemode as safemode
safemode.shift_held = lambda: {shift}
from repetend.host.gui import main as gui_main
from repetend.host.qt import QApplication, QTimer

def report():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, gui_main.MainWindow) and widget.isVisible():
            print(json.dumps({{"safe_mode": widget.host.safe_mode,
                              "banner": widget.banner.isVisibleTo(widget)}}))
            widget.close()
    QApplication.instance().quit()

QTimer.singleShot(0, report)
sys.exit(gui_main.run_app({base!r}, None, False))
"""


def start(tmp_path, shift: bool) -> dict:
    proc = subprocess.run([sys.executable, "-c", START.format(shift=shift, base=str(tmp_path))],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_shift_held_at_start_enters_safe_mode(tmp_path):
    assert start(tmp_path, shift=True) == {"safe_mode": True, "banner": True}


def test_without_shift_the_app_starts_normally(tmp_path):
    assert start(tmp_path, shift=False) == {"safe_mode": False, "banner": False}
