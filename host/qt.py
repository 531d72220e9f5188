"""The one place Repetend imports Qt from.

GUI code everywhere (host and built-in plugins) imports `repetend.host.qt`, never
PySide6 directly, and only lazily, so headless commands never load Qt (a test checks).
"""

from PySide6.QtCore import QSettings, Qt, QTimer, Signal  # noqa: F401
from PySide6.QtGui import QAction, QFont, QKeySequence  # noqa: F401
from PySide6.QtWidgets import (  # noqa: F401
    QApplication,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
