"""Automatic backups as Anki makes them: `backup-%Y-%m-%d-%H.%M.%S.colpkg` files (local time,
a modern .colpkg without media) in the profile's `backups/` folder, thinned after each new one.

Why each rule (see README "Backups"):
- a backup is skipped when the collection has not changed since the newest backup (its
  collection's `mod` is kept in the package's zip comment, so this holds across processes);
  a non-forced one also when a backup is younger than `minimum_interval_mins`;
- a backup is written to a temporary name and renamed, so a crash never leaves half a backup
  under a backup's name;
- thinning keeps today's and yesterday's backups, then the newest of each day for `daily`
  days, of each week (from Monday) for `weekly` weeks, of each month for `monthly` months.
"""

from __future__ import annotations

import os
import re
import time
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repetend.core.errors import InvalidInput

if TYPE_CHECKING:
    from repetend.core.collection import Collection
    from repetend.core.importing.summary import ImportSummary

CONFIG_KEY = "backups"
NAME_FORMAT = "backup-%Y-%m-%d-%H.%M.%S.colpkg"
NAME_RE = re.compile(r"^backup-(\d{4})-(\d\d)-(\d\d)-(\d\d)\.(\d\d)\.(\d\d)\.colpkg$")
#: Written first, then renamed to the backup's name; left-overs of a crash are removed.
TEMP_PREFIX = ".partial-"
COMMENT_PREFIX = b"repetend-mod:"
STALE_SECONDS = 3600


@dataclass(frozen=True)
class BackupLimits:
    """How many backups thinning keeps, and how often automatic ones are made (Anki's
    defaults: 2 days + 12 days + 10 weeks + 9 months, about a year)."""

    daily: int = 12
    weekly: int = 10
    monthly: int = 9
    minimum_interval_mins: int = 30

    def check(self) -> BackupLimits:
        for key, value in asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidInput(f"backups: {key} must be a whole number, not {value!r}")
            if value < 0:
                raise InvalidInput(f"backups: {key} cannot be negative ({value})")
        return self


@dataclass(frozen=True)
class BackupFile:
    """One backup in the folder: its file, when it was made (from its name) and its size."""

    path: Path
    time: datetime
    size: int


def get_limits(col: Collection) -> BackupLimits:
    """The collection's `backups` config with Anki's defaults for missing keys."""
    stored = col.get_config(CONFIG_KEY) or {}
    if not isinstance(stored, dict):
        raise InvalidInput(f"backups: the stored setting is not an object: {stored!r}")
    known = {k: stored[k] for k in asdict(BackupLimits()) if k in stored}
    return BackupLimits(**known).check()


def set_limits(col: Collection, limits: BackupLimits) -> None:
    """Store the limits (refusing negative numbers) as one "Change Preferences" step,
    keeping any other keys Anki may have stored there."""
    limits.check()
    stored = col.get_config(CONFIG_KEY) or {}
    merged = {**(stored if isinstance(stored, dict) else {}), **asdict(limits)}
    if merged != stored:
        col.set_config(CONFIG_KEY, merged)


# --- the folder ------------------------------------------------------------------------


def backup_time(name: str) -> datetime | None:
    """The local time in a backup's file name, or None for any other file."""
    m = NAME_RE.match(name)
    if m is None:
        return None
    try:
        return datetime(*(int(g) for g in m.groups()))  # type: ignore[misc]
    except ValueError:
        return None


def list_backups(folder: str | Path) -> list[BackupFile]:
    """The backups in `folder`, newest first (other files are ignored)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    out = []
    for path in folder.iterdir():
        when = backup_time(path.name)
        if when is not None and path.is_file():
            out.append(BackupFile(path, when, path.stat().st_size))
    return sorted(out, key=lambda b: b.time, reverse=True)


def obsolete(times: Iterable[datetime], limits: BackupLimits, today: date) -> set[datetime]:
    """The backup times thinning deletes, given `today` (pure: names and dates only)."""
    kept_days: set[date] = set()
    kept_weeks: set[tuple[int, int]] = set()
    kept_months: set[tuple[int, int]] = set()
    daily, weekly, monthly = limits.daily, limits.weekly, limits.monthly
    drop: set[datetime] = set()
    yesterday = today - timedelta(days=1)
    for when in sorted(set(times), reverse=True):
        day = when.date()
        week = tuple(day.isocalendar())[:2]  # ISO weeks start on Monday
        month = (day.year, day.month)
        if day >= yesterday:
            pass
        elif daily and day not in kept_days:
            daily -= 1
        elif weekly and week not in kept_weeks:
            weekly -= 1
        elif monthly and month not in kept_months:
            monthly -= 1
        else:
            drop.add(when)
            continue
        kept_days.add(day)
        kept_weeks.add(week)  # type: ignore[arg-type]
        kept_months.add(month)
    return drop


def thin(folder: str | Path, limits: BackupLimits, now: datetime | None = None) -> list[Path]:
    """Delete the backups thinning does not keep; returns the deleted files."""
    now = now or datetime.now()
    backups = list_backups(folder)
    drop = obsolete((b.time for b in backups), limits, now.date())
    deleted = []
    for b in backups:
        if b.time in drop:
            b.path.unlink(missing_ok=True)
            deleted.append(b.path)
    return deleted


# --- making one -------------------------------------------------------------------------


def collection_mod(col: Collection) -> int:
    """When the collection last changed (epoch ms; every operation with changes sets it,
    undo puts back the value from before)."""
    return int(col.db.execute("SELECT mod FROM col").fetchone()[0])


def backup_mod(path: Path) -> int | None:
    """The collection `mod` a backup was made at (from its zip comment), if recorded."""
    try:
        with zipfile.ZipFile(path) as zf:
            comment = zf.comment
    except (OSError, zipfile.BadZipFile):
        return None
    if comment.startswith(COMMENT_PREFIX):
        try:
            return int(comment[len(COMMENT_PREFIX):])
        except ValueError:
            return None
    return None


def skip_reason(col: Collection, folder: str | Path, *, force: bool = False,
                now: datetime | None = None) -> str | None:
    """Why a backup would not be made now, or None if it would."""
    now = now or datetime.now()
    backups = list_backups(folder)
    if backups and backup_mod(backups[0].path) == collection_mod(col):
        return f"unchanged since the last backup ({backups[0].path.name})"
    if not force:
        interval = get_limits(col).minimum_interval_mins
        for b in backups:
            age = now - b.time
            if timedelta(0) <= age < timedelta(minutes=interval):
                minutes = int(age.total_seconds() // 60)
                return (f"a backup was made {minutes} minute{'s' if minutes != 1 else ''} "
                        f"ago ({b.path.name}); automatic backups are at least {interval} "
                        "minutes apart")
    return None


def create_backup(col: Collection, folder: str | Path, *, force: bool = False,
                  now: datetime | None = None) -> Path | None:
    """Save the collection (without media) as a new backup in `folder` and thin the
    folder; None when skipped (`skip_reason` says why). `force` is File → Create Backup:
    made even right after another one, though never for an unchanged collection."""
    from repetend.core.importing.apkg_export import export_colpkg

    now = now or datetime.now()
    folder = Path(folder)
    if skip_reason(col, folder, force=force, now=now) is not None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_files(folder)
    stamp = now
    while (folder / stamp.strftime(NAME_FORMAT)).exists():  # two in one second
        stamp += timedelta(seconds=1)
    final = folder / stamp.strftime(NAME_FORMAT)
    temp = folder / f"{TEMP_PREFIX}{os.getpid()}-{final.name}"
    try:
        export_colpkg(col, temp, with_media=False)
        with zipfile.ZipFile(temp, "a") as zf:
            zf.comment = COMMENT_PREFIX + str(collection_mod(col)).encode()
        with open(temp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)
    thin(folder, get_limits(col), now)
    return final


def _remove_stale_temp_files(folder: Path) -> None:
    """Left-overs of a crash (ours, and the exporter's own `.part`), once old enough not
    to be another process's backup in progress."""
    for stale in folder.glob(f"*{TEMP_PREFIX}*"):
        try:
            if time.time() - stale.stat().st_mtime > STALE_SECONDS:
                stale.unlink()
        except OSError:
            pass


def latest_backup(folder: str | Path) -> Path | None:
    """The newest backup in `folder` (the one an unchanged collection is already in)."""
    backups = list_backups(folder)
    return backups[0].path if backups else None


def resolve_backup(folder: str | Path, name: str | Path) -> Path:
    """A backup given by path or by its name in `folder`; refused if it is not there."""
    path = Path(name)
    if not path.exists() and not path.is_absolute():
        path = Path(folder) / path
    if not path.is_file():
        raise InvalidInput(f"{name}: no such backup (see `repetend backups`)")
    if path.suffix.lower() != ".colpkg":
        raise InvalidInput(f"{path.name}: a backup is a .colpkg file")
    return path


def restore_backup(col: Collection, backup: str | Path, folder: str | Path,
                   **kwargs: Any) -> ImportSummary:
    """Replace the collection with `backup` (like importing a .colpkg: one undoable
    "Import Collection" step); the current collection is backed up into `folder` first."""
    from repetend.core.importing.apkg_import import import_colpkg

    path = resolve_backup(folder, backup)
    return import_colpkg(col, path, backup_folder=folder, **kwargs)
