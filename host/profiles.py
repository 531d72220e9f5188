"""Profiles: one folder each under a base folder, holding a collection and its media.

    BASE/profiles.json          {"last": "User 1"}
    BASE/User 1/collection.db   the collection (SQLite)
    BASE/User 1/collection.media/
    BASE/User 1/addons/         add-ons (a later issue)

The first run with no profile at all creates "User 1" with the sample deck.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from repetend.core.errors import InvalidInput, NotFoundError

DEFAULT_PROFILE = "User 1"
COLLECTION_FILE = "collection.db"
PROFILES_FILE = "profiles.json"
BASE_ENV = "REPETEND_BASE"


def default_base() -> Path:
    """`$REPETEND_BASE`, else the platform's per-user data folder."""
    if os.environ.get(BASE_ENV):
        return Path(os.environ[BASE_ENV])
    import platformdirs

    return platformdirs.user_data_path("Repetend", appauthor=False)


@dataclass(frozen=True)
class Profile:
    name: str
    folder: Path

    @property
    def collection_path(self) -> Path:
        return self.folder / COLLECTION_FILE

    @property
    def addons_folder(self) -> Path:
        return self.folder / "addons"


class ProfileManager:
    def __init__(self, base: Path) -> None:
        self.base = Path(base)

    def names(self) -> list[str]:
        if not self.base.is_dir():
            return []
        return sorted(p.name for p in self.base.iterdir()
                      if (p / COLLECTION_FILE).exists())

    def get(self, name: str) -> Profile:
        if name not in self.names():
            known = ", ".join(repr(n) for n in self.names()) or "none"
            raise NotFoundError(f"no profile called {name!r} in {self.base} "
                                f"(profiles: {known})")
        return Profile(name, self.base / name)

    def create(self, name: str, with_sample: bool = True) -> Profile:
        """Make a new profile folder with a new collection (and the sample deck)."""
        if not name.strip() or any(c in name for c in '/\\:*?"<>|') or name.startswith("."):
            raise InvalidInput(f"profile name {name!r} is not allowed")
        if name in self.names():
            raise InvalidInput(f"profile {name!r} already exists")
        from repetend.core.collection import Collection
        from repetend.host.sample import add_sample_deck

        profile = Profile(name, self.base / name)
        profile.folder.mkdir(parents=True, exist_ok=True)
        partial = profile.folder / (COLLECTION_FILE + ".creating")
        with Collection(partial) as col:
            if with_sample:
                add_sample_deck(col)
            col.history.clear()
            col.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        # Only a complete collection gets the real name, so a crash leaves no half profile.
        for suffix in ("-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        partial.with_name(partial.stem + ".media").rename(
            profile.folder / "collection.media")
        partial.rename(profile.collection_path)
        return profile

    def last(self) -> str | None:
        try:
            data = json.loads((self.base / PROFILES_FILE).read_text())
        except (OSError, ValueError):
            return None
        last = data.get("last") if isinstance(data, dict) else None
        return last if isinstance(last, str) else None

    def set_last(self, name: str) -> None:
        (self.base / PROFILES_FILE).write_text(json.dumps({"last": name}))

    def default(self) -> Profile:
        """The profile to open when none is named: the last used, else "User 1" (created)."""
        names = self.names()
        last = self.last()
        if last in names:
            return self.get(last)
        if names:
            return self.get(names[0])
        return self.create(DEFAULT_PROFILE)
