"""Shared test setup: headless Qt and the anki oracle without fuzz, for every test run."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
# The anki package (the test oracle) reads this once, at the first collection it opens, so
# it is set for every test, whichever runs first; tests of fuzz itself unset it.
os.environ.setdefault("ANKI_TEST_MODE", "1")


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where GUI tests save screenshots for a person to look at (test-output/screenshots)."""
    folder = Path(os.environ.get("REPETEND_TEST_OUTPUT", Path(__file__).parents[1] /
                                 "test-output")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_exit_status = {"code": 0}


def pytest_sessionfinish(session, exitstatus):  # noqa: ANN001, ANN201 - pytest's hook
    _exit_status["code"] = int(exitstatus)
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    from repetend.host.qt import QApplication

    app = QApplication.instance()
    if app is None:
        return
    # Web pages must go before their WebEngine profile, or Chromium aborts at exit.
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    for _ in range(3):
        app.processEvents()
    import gc

    gc.collect()


def pytest_unconfigure(config):  # noqa: ANN001, ANN201 - pytest's hook
    """End the process before Python tears Qt down in an arbitrary order.

    After GUI tests, interpreter shutdown destroys the QApplication and QtWebEngine's
    global profile in whatever order the garbage collector picks, and Chromium can then
    crash (SIGSEGV) *after* every test has passed and the summary was printed. Exiting
    here, with pytest's own exit status, keeps a green run green and a red run red.
    """
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status["code"])
