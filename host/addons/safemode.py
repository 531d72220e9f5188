"""Safe mode: start with the built-in plugins only, changing nothing the user saved.

Entered by `--safe-mode`, by `REPETEND_SAFE_MODE=1`, or by holding Shift while the desktop
app starts (Anki's and Firefox's gesture, PEERS.md §3.1 and §3.3). In safe mode no add-on is
imported, each is listed with status "safe-mode", and no enable, disable or quarantine
state is written, so leaving safe mode restores exactly the set-up the user had.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

SAFE_MODE_ENV = "REPETEND_SAFE_MODE"


def safe_mode_reason(flag: bool = False, environ: Mapping[str, str] = os.environ,
                     shift: bool = False) -> str | None:
    """Why this start is in safe mode, for the banner; None when it is not."""
    if flag:
        return "started with --safe-mode"
    if environ.get(SAFE_MODE_ENV) == "1":
        return f"{SAFE_MODE_ENV}=1 is set"
    if shift:
        return "Shift was held down while Repetend started"
    return None


def shift_held() -> bool:
    """Whether Shift is held right now; for the desktop app to call as it starts.

    Needs a QApplication (Qt reads the keyboard state through it) and imports Qt, so only
    GUI code calls it; headless commands never do.
    """
    from repetend.host.qt import QApplication, Qt

    if QApplication.instance() is None:
        return False
    return bool(QApplication.queryKeyboardModifiers() & Qt.KeyboardModifier.ShiftModifier)
