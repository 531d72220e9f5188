"""Deck management from the command line: create, rename, move, merge and delete decks.

`repetend decks` lists them (host/commands/collection.py). Each command here is one
undoable step (`repetend undo` reverts it); decks are named by their full name
("Languages::Spanish"), any case.
"""

from __future__ import annotations

import argparse
import functools
import shlex
import sys

from repetend.host.cli import add_command, emit, open_host


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("deck", help="create, rename, move, merge or delete a deck",
                       description="create, rename, move, merge or delete a deck")
    dsub = p.add_subparsers(dest="deck_command", metavar="ACTION", required=True)
    command = functools.partial(add_command, dsub)
    p = command("create", cmd_create, "create deck NAME (and its missing parents)")
    p.add_argument("name", metavar="NAME")
    p = command("rename", cmd_rename, "rename deck OLD (with its subdecks) to NEW; a name "
                "that is taken gets '+' appended, as in Anki (use merge to combine decks)")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p = command("move", cmd_move, "move deck NAME (with its subdecks) under PARENT, or to "
                "the top level with --top")
    p.add_argument("name", metavar="NAME")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("parent", metavar="PARENT", nargs="?")
    where.add_argument("--top", action="store_true", help="make it a top-level deck")
    p = command("merge", cmd_merge, "move every card and subdeck of SOURCE into TARGET and "
                "delete SOURCE (subdecks with the same name are merged too)")
    p.add_argument("source", metavar="SOURCE")
    p.add_argument("target", metavar="TARGET")
    p = command("delete", cmd_delete, "delete deck NAME with its subdecks and their cards "
                "(cards in a filtered deck go home instead)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--yes", action="store_true", help="delete without asking even when the "
                   "deck holds cards")


def _cards(n: int) -> str:
    return f"{n} card{'' if n == 1 else 's'}"


def cmd_create(args: argparse.Namespace) -> int:
    from repetend.core.errors import InvalidInput, NotFoundError

    with open_host(args) as host:
        decks = host.col.decks
        try:
            existing = decks.by_name(args.name)
        except NotFoundError:
            pass
        else:
            raise InvalidInput(f"a deck called {existing.name!r} already exists")
        did = decks.id(args.name)
        name = decks.get(did).name
        emit(args, {"operation": "Add Deck", "id": did, "name": name},
             f"Created deck {name!r} (id {did}).")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    from repetend.core.decks import normalize_name

    with open_host(args) as host:
        decks = host.col.decks
        deck = decks.by_name(args.old)
        name = decks.rename(deck.id, args.new)
        text = f"Renamed {deck.name!r} to {name!r}."
        if name.casefold() != normalize_name(args.new).casefold():  # taken: "+" appended
            wanted = decks.by_name(args.new).name
            text = (f"A deck called {wanted!r} already exists, so {deck.name!r} became "
                    f"{name!r} (as in Anki). To combine the two decks: repetend deck merge "
                    f"{shlex.quote(name)} {shlex.quote(wanted)}")
        emit(args, {"operation": "Rename Deck", "id": deck.id, "old": deck.name, "new": name},
             text)
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        decks = host.col.decks
        deck = decks.by_name(args.name)
        parent = None if args.top else decks.by_name(args.parent).id
        name = decks.move(deck.id, parent)
        text = (f"Moved {deck.name!r} to {name!r}." if name != deck.name
                else f"{deck.name!r} is already there; nothing to do.")
        emit(args, {"operation": "Move Deck", "id": deck.id, "old": deck.name, "new": name},
             text)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    with open_host(args) as host:
        decks = host.col.decks
        source, target = decks.by_name(args.source), decks.by_name(args.target)
        result = decks.merge(source.id, target.id)
        lines = [f"Merged {result.source!r} into {result.target!r}: moved "
                 f"{_cards(result.cards)}."]
        lines += [f"  {old} -> {new}" for old, new in result.subdecks.items()]
        emit(args, {"operation": "Merge Decks", "source": result.source,
                     "target": result.target, "cards": result.cards,
                     "subdecks": result.subdecks}, "\n".join(lines))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from repetend.core.errors import InvalidInput

    with open_host(args) as host:
        decks = host.col.decks
        deck = decks.by_name(args.name)
        subdecks = len(decks.descendants(deck.id))
        count = decks.card_count(deck.id)
        what = f"{deck.name!r}" + (f" and its {subdecks} subdeck(s)" if subdecks else "")
        if count and not args.yes:
            if not (sys.stdin.isatty() and not args.json):
                raise InvalidInput(f"deleting {what} deletes {_cards(count)}; add --yes to "
                                   "delete them (repetend undo brings them back)")
            answer = input(f"Delete {what} with {_cards(count)}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return 0
        removed = decks.remove([deck.id])
        emit(args, {"operation": "Delete Deck", "deck": deck.name, "subdecks": subdecks,
                     "cards": removed}, f"Deleted {what}: {_cards(removed)} gone.")
    return 0
