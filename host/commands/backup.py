"""`repetend backup`, `repetend backups` and `repetend restore-backup`: Anki's automatic
backups from the command line (core/backups.py). The CLI makes no backup on its own: each
command opens and closes the collection, so only these commands (and the GUI) make them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from repetend.core.errors import InvalidInput
from repetend.host.cli import add_command, emit, open_host


def register(sub: argparse._SubParsersAction) -> None:
    add_command(sub, "backup", cmd_backup,
                "back up the collection now (without media) into the profile's backups "
                "folder, as File > Create Backup does; skipped if nothing changed")
    add_command(sub, "backups", cmd_backups,
                "list the profile's backups, newest first, with their dates and sizes")
    p = add_command(sub, "restore-backup", cmd_restore,
                    "replace the collection with a backup (the current one is backed up "
                    "first; undoable)")
    p.add_argument("file", metavar="FILE",
                   help="a backup's file name (see `repetend backups`) or a .colpkg path")
    p.add_argument("--yes", action="store_true", help="do not ask before replacing")


def cmd_backup(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        path, reason = host.backup_now()
        emit(args, {"file": str(path) if path else None, "skipped": reason},
             f"backed up to {path}" if path else f"no backup made: {reason}")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from repetend.core.backups import list_backups
    from repetend.core.sizes import format_size

    with open_host(args) as host:
        found = list_backups(host.backup_folder)
        rows = [{"file": b.path.name, "path": str(b.path),
                 "time": b.time.isoformat(sep=" "), "size": b.size} for b in found]
        text = "\n".join(f"{b.time:%Y-%m-%d %H:%M:%S}  {format_size(b.size):>9}  {b.path.name}"
                         for b in found) or f"no backups yet in {host.backup_folder}"
        emit(args, rows, text)
    return 0


def _confirm(args: argparse.Namespace, path: Path) -> None:
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise InvalidInput(f"restoring {path.name} replaces the whole collection; run again "
                           "with --yes to confirm")
    answer = input(f"Restoring {path.name} replaces everything in this profile's collection "
                   "(a backup of it is made first). Continue? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise InvalidInput("restore cancelled; the collection was not changed")


def cmd_restore(args: argparse.Namespace) -> int:
    from repetend.core.backups import resolve_backup, restore_backup

    with open_host(args) as host:
        assert host.col is not None
        path = resolve_backup(host.backup_folder, args.file)
        _confirm(args, path)
        summary = restore_backup(host.col, path, host.backup_folder)
        emit(args, {"restored": str(path), **summary.to_json()},
             f"restored {path.name}\n{summary.text()}")
    return 0
