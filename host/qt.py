"""The one place Repetend imports Qt from.

GUI code everywhere (host and built-in plugins) imports `repetend.host.qt`, never
PySide6 directly, and only lazily, so headless commands never load Qt (a test checks).

QtWebEngine is imported here too, before any QApplication exists: Qt requires the web
engine to be loaded before the application object is created.

PySide6 6.12 on Python 3.11: see `_immortal_singletons` below.
"""

import sys

import PySide6
from PySide6.QtCore import (  # noqa: F401
    Q_ARG,
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QFile,
    QIODevice,
    QItemSelection,
    QItemSelectionModel,
    QLoggingCategory,
    QMetaObject,
    QMimeData,
    QModelIndex,
    QObject,
    QPoint,
    QPointF,
    QRegularExpression,
    QSettings,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (  # noqa: F401
    QAction,
    QActionGroup,
    QBrush,
    QColor,
    QDesktopServices,
    QDropEvent,
    QFont,
    QIcon,
    QImage,
    QKeySequence,
    QShortcut,
    QSyntaxHighlighter,
    QTextCharFormat,
)
from PySide6.QtWebChannel import QWebChannel  # noqa: F401
from PySide6.QtWebEngineCore import (  # noqa: F401
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401
from PySide6.QtWidgets import (  # noqa: F401
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QStyle,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QTreeWidgetItemIterator,
    QVBoxLayout,
    QWidget,
)

# Sound: QtMultimedia needs system audio libraries (libpulse on Linux) that a headless
# machine may lack; without them the GUI still runs and sounds are reported, not played.
# Its optional-backend probe (PipeWire) is not an error: keep it off the console.
QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver.warning=false")
try:
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer  # noqa: F401

    MULTIMEDIA_ERROR: str | None = None
except ImportError as _exc:  # pragma: no cover - depends on the machine
    QAudioOutput = QMediaPlayer = None  # type: ignore[assignment,misc]
    MULTIMEDIA_ERROR = f"sound is unavailable: {_exc}"
# The reviewer has Qt create its audio output through QML (see SoundPlayer); optional.
try:
    from PySide6.QtQml import QQmlComponent, QQmlEngine  # noqa: F401
except ImportError:  # pragma: no cover - depends on the machine
    QQmlComponent = QQmlEngine = None  # type: ignore[assignment,misc]


def _immortal_singletons() -> None:
    """Keep None, True and False alive under PySide6 6.12+ on Python 3.11.

    Those wheels count on Python 3.12's immortal singletons: on 3.11 every call of a Qt
    method that returns nothing drops one reference to None, and emitting a signal with a
    bool drops one to True or False, until the interpreter aborts ("Fatal Python error:
    none_dealloc" / "bool_dealloc"), mid-session or at exit. Giving the three a reference
    count no program can use up is what 3.12 does. Installing PySide6 < 6.12 on 3.11
    avoids the problem; this keeps the app alive where 6.12 is installed anyway.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    if tuple(PySide6.__version_info__[:2]) < (6, 12):
        return
    import ctypes

    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object; these three are static.
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40


_immortal_singletons()


def qt_resource_text(path: str) -> str:
    """The text of a file compiled into Qt's resources (e.g. ':/qtwebchannel/qwebchannel.js')."""
    f = QFile(path)
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(path)
    try:
        return bytes(f.readAll().data()).decode("utf-8")
    finally:
        f.close()
