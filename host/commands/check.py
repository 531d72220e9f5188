"""Tools → Check Database and Check Media, headless.

`check-database` makes a backup (as Anki does), repairs the collection in one undoable step
(`repetend undo` reverts it) and prints Anki's report; `check-media` prints the media
report and runs the actions the dialog's buttons run.
"""

from __future__ import annotations

import argparse
import sys

from repetend.host.cli import add_command, emit, open_host


def register(sub: argparse._SubParsersAction) -> None:
    add_command(sub, "check-database", cmd_check_database,
                "find and fix problems in the collection (one undoable step), then "
                "rebuild and optimize the file")
    p = add_command(sub, "check-media", cmd_check_media,
                    "compare the media folder with the files the notes use; renames "
                    "incompatible names and extracts inline images")
    p.add_argument("--delete-unused", action="store_true",
                   help="move the unused files to the trash folder (media.trash)")
    p.add_argument("--empty-trash", action="store_true",
                   help="delete the files in the trash folder for good")
    p.add_argument("--restore-trash", action="store_true",
                   help="move the files in the trash folder back into the media folder")
    p.add_argument("--tag-missing", action="store_true",
                   help="tag notes that use missing files 'missing-media' (one undoable step)")


def cmd_check_database(args: argparse.Namespace) -> int:
    from repetend.core.dbcheck import check_database

    with open_host(args) as host:
        backup, failed = host.backup_before_repair()
        if failed:
            print(f"repetend: the backup before checking failed: {failed}", file=sys.stderr)
        result = check_database(host.col)
        data = {**result.to_json(), "backup": str(backup) if backup else None}
        emit(args, data, result.text)
    return 0


def cmd_check_media(args: argparse.Namespace) -> int:
    from repetend.core import mediacheck

    with open_host(args) as host:
        col = host.col
        done: dict[str, int] = {}
        if args.restore_trash:
            done["restored"] = mediacheck.restore_trash(col)
        if args.empty_trash:
            done["trash_emptied"] = mediacheck.empty_trash(col)
        result = mediacheck.check_media(col)
        if args.delete_unused:
            done["deleted"] = mediacheck.delete_unused(col, result.unused)
        if args.tag_missing:
            done["tagged"] = mediacheck.tag_missing(col, result)
        messages = {"restored": "Restored {n} file(s) from the trash.",
                    "trash_emptied": "Deleted {n} file(s) from the trash for good.",
                    "deleted": "Moved {n} unused file(s) to the trash.",
                    "tagged": "Tagged {n} note(s) missing-media."}
        text = "\n".join([result.report(), *(
            ["", *(messages[k].format(n=v) for k, v in done.items())] if done else [])])
        emit(args, {**result.to_json(), "actions": done}, text)
    return 0
