"""The user's saved state for each add-on (`meta.json`) and its configuration.

Designed like Anki's `meta.json` (ANKI-FACTS §8.3–8.4): Repetend writes it, the add-on's
package never ships it, and an update keeps it. Keys:

    disabled      bool, the user's own choice; safe mode and --disable-addon never write it
    quarantined   null, or {"reason": str, "at": epoch seconds} after a crash while loading
    config        the user's edited configuration (absent = the add-on's defaults)
    installed_at  epoch seconds of the last install or update
    source        where it was installed from ("zip: …", "folder: …", "pip: …")

Unknown keys are kept, and an unreadable file counts as `{}` (as in Anki), so a damaged
meta.json never stops an add-on from being listed or re-enabled.

Folder add-ons keep it at `<addons>/<package>/meta.json`. Add-ons installed as Python
distributions have no folder, so theirs is `<addons>/.meta/<package>.json`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from repetend.core.errors import InvalidInput

META_FILE = "meta.json"
CONFIG_DEFAULTS_FILE = "config.json"
CONFIG_HELP_FILE = "config.md"
#: Where distribution add-ons keep their meta (a dot folder: never mistaken for an add-on).
ENTRY_POINT_META_DIR = ".meta"


def read_meta(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_meta(path: Path, meta: dict[str, Any]) -> None:
    """Replace `path` atomically, so a crash mid-write leaves the old state, never half."""
    write_json_atomic(path, meta)


def update_meta(path: Path, **changes: Any) -> dict[str, Any]:
    """Set keys (a value of None deletes the key) and save; returns the new meta."""
    meta = read_meta(path)
    for key, value in changes.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    write_meta(path, meta)
    return meta


def write_json_atomic(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_defaults(folder: Path | None) -> dict[str, Any] | None:
    """The add-on's own `config.json`, or None when it has none (or it is not an object)."""
    if folder is None:
        return None
    try:
        data = json.loads((folder / CONFIG_DEFAULTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def merged_config(defaults: dict[str, Any] | None, meta: dict[str, Any]) -> dict[str, Any] | None:
    """Defaults updated (shallowly) with the user's saved config, as Anki's getConfig.

    A changed default therefore reaches users who never edited that key, and never
    overrides one they did (ANKI-FACTS §8.4).
    """
    user = meta.get("config")
    if not isinstance(user, dict):
        user = None
    if defaults is None and user is None:
        return None
    return {**(defaults or {}), **(user or {})}


def parse_config(text: str) -> dict[str, Any]:
    """A configuration given as JSON text: it must be an object (as Anki's config editor)."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(f"the configuration is not valid JSON: {exc}") from None
    return check_config(value)


def check_config(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput("the configuration must be a JSON object ({...})")
    try:
        json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"the configuration cannot be saved as JSON: {exc}") from None
    return value
