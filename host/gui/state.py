"""Per-profile window state: a small JSON file in the profile folder.

Window geometry, splitter positions and the selected deck belong to the profile (two
profiles on one computer keep their own layout), so they are not kept in QSettings, which
is global to the user account.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

STATE_FILE = "gui-state.json"


class GuiState:
    """Sections of plain JSON values, read once and written back by `save()`."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / STATE_FILE
        self.data: dict[str, Any] = {}
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            loaded = {}
        if isinstance(loaded, dict):
            self.data = loaded

    def section(self, name: str) -> dict[str, Any]:
        """A mutable dict kept under `name` (created empty when missing)."""
        value = self.data.get(name)
        if not isinstance(value, dict):
            value = self.data[name] = {}
        return value

    def save(self) -> None:
        """Write the file atomically (a crash leaves the old file, never half a file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".tmp")
        partial.write_text(json.dumps(self.data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(partial, self.path)
