"""The desktop app: the main window and the dialogs it opens (imports Qt).

`run_app` is what `repetend` with no command starts; the CLI imports it lazily so
headless commands never load Qt.
"""

from repetend.host.gui.main import MainWindow, run_app

__all__ = ["MainWindow", "run_app"]
