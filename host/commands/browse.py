"""The browser's operations from the command line: change deck, find and replace, tags,
delete notes, card info and the duplicate finder.

Each command takes an Anki search QUERY (`repetend search` shows what it selects), runs one
undoable operation (`repetend undo` reverts it) and says "nothing to do" when the search
selects nothing.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from typing import Any

from repetend.host.cli import add_command, emit, open_host

QUERY_HELP = ("an Anki search selecting the cards/notes (quote it for the shell; deck:* "
              "selects everything)")


def checked_query(query: str, what: str) -> str:
    """`query`, unless it is empty: for a command that changes the collection, an empty
    search (an unset shell variable, say) would select every card, so it is refused."""
    from repetend.core.errors import InvalidInput

    if not query.strip():
        raise InvalidInput(f"the search is empty, which would select every {what} in the "
                           "collection; to mean that, search for deck:*")
    return query


def register(sub: argparse._SubParsersAction) -> None:
    command = functools.partial(add_command, sub)
    p = command("set-deck", cmd_set_deck, "move the cards matching QUERY to an existing DECK "
                "(Change Deck)")
    p.add_argument("query", metavar="QUERY", help=QUERY_HELP)
    p.add_argument("deck", metavar="DECK")

    p = command("find-replace", cmd_find_replace, "find and replace in the fields (or tags) "
                "of the notes matching QUERY")
    p.add_argument("query", metavar="QUERY", help=QUERY_HELP)
    p.add_argument("--find", required=True, help="text (or with --regex a regular expression)")
    p.add_argument("--replace", required=True, help="replacement; with --regex $1 or \\1 "
                   "insert groups")
    p.add_argument("--regex", action="store_true", help="--find is a regular expression")
    p.add_argument("--field", action="append", metavar="F",
                   help="only in this field (repeatable; default all fields)")
    p.add_argument("--tags", action="store_true", help="replace in the tags, not the fields")
    p.add_argument("--match-case", action="store_true", help="case-sensitive matching")

    p = sub.add_parser("tags", help="add, remove, rename, delete tags; clear unused tags",
                       description="add, remove, rename, delete tags; clear unused tags")
    tsub = p.add_subparsers(dest="tags_command", metavar="ACTION", required=True)
    tcommand = functools.partial(add_command, tsub)
    p = tcommand("add", cmd_tags_add, "add space-separated TAGS to the notes matching QUERY")
    p.add_argument("query", metavar="QUERY", help=QUERY_HELP)
    p.add_argument("tags", metavar="TAGS")
    p = tcommand("remove", cmd_tags_remove, "remove TAGS from the notes matching QUERY")
    p.add_argument("query", metavar="QUERY", help=QUERY_HELP)
    p.add_argument("tags", metavar="TAGS")
    p = tcommand("rename", cmd_tags_rename, "rename tag OLD (and its children) to NEW")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p = tcommand("delete", cmd_tags_delete, "take tag TAG (and its children) off every note "
                 "and out of the tag list")
    p.add_argument("tag", metavar="TAG")
    tcommand("clear-unused", cmd_tags_clear_unused, "forget tags that no note uses")

    p = command("delete-notes", cmd_delete_notes,
                "delete the notes matching QUERY with all their cards")
    p.add_argument("query", metavar="QUERY", help=QUERY_HELP)

    p = command("change-notetype", cmd_change_notetype, "give the notes matching QUERY (all "
                "of one note type) the note type NOTETYPE; cards of old templates no new "
                "template takes are deleted")
    p.add_argument("query", metavar="QUERY", help=QUERY_HELP)
    p.add_argument("notetype", metavar="NOTETYPE")
    p.add_argument("--field", action="append", default=[], metavar="NEW=OLD",
                   help="new field NEW takes old field OLD (OLD empty: nothing); repeatable; "
                   "default: by position")
    p.add_argument("--template", action="append", default=[], metavar="NEW=OLD",
                   help="new template NEW takes the cards of old template OLD; repeatable")

    p = command("card-info", cmd_card_info, "a card's dates, scheduling and review history")
    p.add_argument("card_id", type=int, metavar="CID")

    p = command("dupes", cmd_dupes, "notes sharing the value of FIELD (its name in any case; the "
                "value with HTML stripped, case and spaces as typed), as Anki finds them")
    p.add_argument("field", metavar="FIELD")
    p.add_argument("--search", default="", metavar="Q", help="only among notes matching Q")


def _run(args: argparse.Namespace, name: str, what: str, done: str, select: str,
         operation: Callable[[Any, list[int]], int]) -> int:
    """Select ids with the search (`select`: "cards" or "notes"), run `operation(col, ids)`
    and report."""
    query = checked_query(args.query, select[:-1])
    with open_host(args) as host:
        col = host.col
        ids = (col.find_cards if select == "cards" else col.find_notes)(query)
        changed = operation(col, ids)
        if not ids:
            text = f"No {select} match {args.query!r}; nothing to do."
        elif changed == 0:
            text = f"Nothing to do: none of the {len(ids)} {select} needed it."
        else:
            text = f"{done} {changed} {what}."
        emit(args, {"operation": name, "selected": len(ids), "changed": changed}, text)
    return 0


def cmd_set_deck(args: argparse.Namespace) -> int:
    from repetend.core import browser_ops as ops

    return _run(args, ops.OP_CHANGE_DECK, "card(s)", f"Moved to {args.deck!r}:", "cards",
                lambda col, ids: ops.set_deck(col, ids, args.deck))


def cmd_find_replace(args: argparse.Namespace) -> int:
    from repetend.core import browser_ops as ops
    from repetend.core.errors import InvalidInput

    if args.tags and args.field:
        raise InvalidInput("--tags and --field cannot be combined")
    if args.tags:
        def operation(col: Any, ids: list[int]) -> int:
            return ops.find_and_replace_tags(col, ids, args.find, args.replace,
                                             regex=args.regex, match_case=args.match_case)
    else:
        def operation(col: Any, ids: list[int]) -> int:
            return ops.find_and_replace(col, ids, args.find, args.replace, regex=args.regex,
                                        fields=args.field, match_case=args.match_case)
    return _run(args, ops.OP_FIND_REPLACE, "note(s)", "Replaced in", "notes", operation)


def cmd_tags_add(args: argparse.Namespace) -> int:
    from repetend.core import browser_ops as ops

    return _run(args, ops.OP_ADD_TAGS, "note(s)", "Added tags to", "notes",
                lambda col, ids: ops.add_tags(col, ids, args.tags))


def cmd_tags_remove(args: argparse.Namespace) -> int:
    from repetend.core import browser_ops as ops

    return _run(args, ops.OP_REMOVE_TAGS, "note(s)", "Removed tags from", "notes",
                lambda col, ids: ops.remove_tags(col, ids, args.tags))


def cmd_tags_rename(args: argparse.Namespace) -> int:
    from repetend.core import browser_ops as ops

    with open_host(args) as host:
        changed = ops.rename_tag(host.col, args.old, args.new)
        text = (f"Renamed {args.old!r} to {args.new!r} on {changed} note(s)." if changed
                else f"No note has the tag {args.old!r}; nothing to do.")
        emit(args, {"operation": ops.OP_RENAME_TAG, "changed": changed}, text)
    return 0


def cmd_tags_delete(args: argparse.Namespace) -> int:
    from repetend.core import browser_ops as ops

    with open_host(args) as host:
        changed = ops.delete_tag(host.col, args.tag)
        text = (f"Deleted {args.tag!r} from {changed} note(s)." if changed
                else f"No note has the tag {args.tag!r}; the tag list is up to date.")
        emit(args, {"operation": ops.OP_DELETE_TAG, "changed": changed}, text)
    return 0


def cmd_tags_clear_unused(args: argparse.Namespace) -> int:
    from repetend.core import browser_ops as ops

    with open_host(args) as host:
        changed = ops.clear_unused_tags(host.col)
        text = (f"Cleared {changed} unused tag(s)." if changed
                else "No unused tags; nothing to do.")
        emit(args, {"operation": ops.OP_CLEAR_UNUSED_TAGS, "changed": changed}, text)
    return 0


def cmd_delete_notes(args: argparse.Namespace) -> int:
    from repetend.core import browser_ops as ops

    return _run(args, ops.OP_DELETE_NOTE, "note(s)", "Deleted", "notes", ops.delete_notes)


def _pairs(items: list[str]) -> dict[str, str | None]:
    from repetend.core.errors import InvalidInput

    out: dict[str, str | None] = {}
    for item in items:
        if "=" not in item:
            raise InvalidInput(f"expected NEW=OLD, got {item!r}")
        new, old = item.split("=", 1)
        out[new] = old or None
    return out


def cmd_change_notetype(args: argparse.Namespace) -> int:
    from repetend.core import browser_ops as ops

    fields, templates = _pairs(args.field), _pairs(args.template)
    query = checked_query(args.query, "note")
    with open_host(args) as host:
        col = host.col
        nids = col.find_notes(query)
        lost: list[str] = []
        if nids:
            old = col.get_note(nids[0]).ntid
            lost = ops.unmapped_templates(col, old, args.notetype, templates, nids)
        changed = ops.change_notetype(col, nids, args.notetype, fields, templates)
        if not nids:
            text = f"No notes match {args.query!r}; nothing to do."
        else:
            text = f"Changed the note type of {changed} note(s) to {args.notetype!r}."
            if lost:
                text += f" Deleted the cards of: {', '.join(lost)}."
        emit(args, {"operation": ops.OP_CHANGE_NOTETYPE, "selected": len(nids),
                     "changed": changed, "deleted_templates": lost}, text)
    return 0


def cmd_card_info(args: argparse.Namespace) -> int:
    import time

    from repetend.core import browser_ops as ops

    def day(ts: int | None) -> str:
        return time.strftime("%Y-%m-%d", time.localtime(ts)) if ts else "-"

    with open_host(args) as host:
        info = ops.card_info(host.col, args.card_id)
        lines = [f"Card {info['card_id']} ({info['note_type']}, {info['card_type']}) in "
                 f"{info['deck']}: {info['sort_field']}",
                 f"Added {day(info['added'])}, first review {day(info['first_review'])}, "
                 f"latest review {day(info['latest_review'])}",
                 f"Interval {info['interval']} d, ease {info['ease'] or '-'}%, due "
                 f"{info['due']}, reviews {info['reviews']}, lapses {info['lapses']}",
                 f"Average time {(info['average_time_ms'] or 0) / 1000:.1f} s, total "
                 f"{info['total_time_ms'] / 1000:.1f} s"]
        for e in info["history"]:
            lines.append(f"  {day(e['id'] // 1000)} {e['kind']:<11} ease {e['ease']} "
                         f"ivl {e['ivl']} factor {e['factor']} time {e['time'] / 1000:.1f} s")
        emit(args, info, "\n".join(lines))
    return 0


def cmd_dupes(args: argparse.Namespace) -> int:
    from repetend.core import browser_ops as ops

    with open_host(args) as host:
        groups = ops.find_duplicates(host.col, args.field, args.search)
        if not groups:
            text = f"No duplicates in {args.field!r}; nothing to do."
        else:
            text = "\n".join(f"{len(g['note_ids'])}x {g['value']}: "
                             + " ".join(map(str, g["note_ids"])) for g in groups)
        emit(args, {"field": args.field, "duplicates": groups}, text)
    return 0
