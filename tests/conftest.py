"""Shared test setup: headless Qt for every test run."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where GUI tests save screenshots for a person to look at (test-output/screenshots)."""
    folder = Path(os.environ.get("REPETEND_TEST_OUTPUT", Path(__file__).parents[1] /
                                 "test-output")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
