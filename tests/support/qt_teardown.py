"""`delete_widgets_at_teardown`: an autouse fixture for GUI test modules that open web
pages; a module uses it by importing it (`from qt_teardown import delete_widgets_at_teardown`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from repetend.host.qt import QApplication, QEvent


@pytest.fixture(autouse=True)
def delete_widgets_at_teardown(qtbot: object) -> Iterator[None]:
    """pytest-qt closes a test's widgets and schedules their deletion; delete them now, so
    no card page outlives its test (Qt warns when one outlives the web profile at exit)."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # And free their Python wrappers now, while Qt is alive: left to the interpreter's last
    # garbage collection, after QApplication is gone, PySide6 may crash the process at exit.
    gc.collect()
