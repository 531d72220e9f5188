"""Card operations: suspend, bury, flags, forget, set due date, reposition.

Each command takes card ids or `--search Q` (the cards a search finds), runs one undoable
operation (`repetend undo` reverts it) and reports how many cards changed; `--json` prints
that with the cards' scheduling fields.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable

from repetend.host.cli import add_command, emit, open_host
from repetend.host.commands.browse import checked_query

CARDS_HELP = "ids of the cards (see `repetend cards`)"


def register(sub: argparse._SubParsersAction) -> None:
    command = functools.partial(add_command, sub)
    p = command("suspend", cmd_suspend, "suspend cards (they are not shown until unsuspended)")
    _card_ids(p)
    p = command("unsuspend", cmd_unsuspend, "unsuspend cards")
    _card_ids(p)
    p = command("bury", cmd_bury, "bury cards until the next day")
    _card_ids(p)
    p = command("unbury", cmd_unbury,
                "unbury cards (both manually buried and buried siblings unless told)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--manual", action="store_true", help="only manually buried cards")
    which.add_argument("--sibling", action="store_true", help="only buried siblings")
    _card_ids(p)
    p = command("flag", cmd_flag, "set the flag of cards: 0 none, 1 red, 2 orange, 3 green, "
                "4 blue, 5 pink, 6 turquoise, 7 purple")
    p.add_argument("flag", type=int, metavar="N")
    _card_ids(p)
    p = command("forget", cmd_forget, "reset cards to new cards")
    p.add_argument("--restore-position", action="store_true",
                   help="put them back where they were in the new queue, where known")
    p.add_argument("--reset-counts", action="store_true",
                   help="set their review and lapse counts to 0")
    _card_ids(p)
    p = command("set-due", cmd_set_due, "make cards review cards due in DAYS: 0 = today, "
                "3-7 = a random day in that range, a trailing ! also sets the interval")
    p.add_argument("days", metavar="DAYS")
    _card_ids(p)
    p = command("reposition", cmd_reposition, "change the position of new cards in the "
                "new queue (cards of one note share a position)")
    p.add_argument("--start", type=int, default=0, help="first position (default 0)")
    p.add_argument("--step", type=int, default=1, help="gap between notes (default 1)")
    p.add_argument("--randomize", action="store_true", help="shuffle the notes")
    p.add_argument("--shift", action="store_true",
                   help="move new cards at START or later back to make room")
    _card_ids(p)


def _card_ids(p: argparse.ArgumentParser) -> None:
    p.add_argument("card_ids", type=int, nargs="*", metavar="CARD_ID", help=CARDS_HELP)
    p.add_argument("--search", metavar="Q",
                   help="the cards this search finds (Anki's search language), with or "
                   "instead of CARD_IDs")


def _run(args: argparse.Namespace, name: str, done: str,
         operation: Callable[..., int]) -> int:
    """Open the collection, run `operation(col, ids)` and report what changed."""
    from repetend.core.scheduler import cardops

    query = None if args.search is None else checked_query(args.search, "card")
    with open_host(args) as host:
        col = host.col
        ids = list(args.card_ids)
        if query is not None:
            given = set(ids)
            ids += [cid for cid in col.find_cards(query, order=True) if cid not in given]
        changed = operation(col, ids)
        if not ids:
            text = ("No cards match the search; nothing changed." if args.search is not None
                    else "No cards given; nothing changed.")
        elif changed == 0:
            text = f"Nothing changed: none of the {len(ids)} card(s) needed it."
        else:
            text = f"{done} {changed} card(s)."
        emit(args, {"operation": name, "changed": changed,
                     "cards": cardops.describe(col, ids)}, text)
    return 0


def cmd_suspend(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import cardops

    return _run(args, cardops.OP_SUSPEND, "Suspended", cardops.suspend)


def cmd_unsuspend(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import cardops

    return _run(args, cardops.OP_UNBURY_UNSUSPEND, "Unsuspended", cardops.unsuspend)


def cmd_bury(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import cardops

    return _run(args, cardops.OP_BURY, "Buried", cardops.bury)


def cmd_unbury(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import cardops

    mode = (cardops.UNBURY_MANUAL if args.manual else
            cardops.UNBURY_SIBLING if args.sibling else cardops.UNBURY_ALL)
    return _run(args, cardops.OP_UNBURY_UNSUSPEND, "Unburied",
                lambda col, ids: cardops.unbury(col, ids, mode))


def cmd_flag(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import cardops

    done = f"Set flag {args.flag} on" if args.flag else "Removed the flag from"
    return _run(args, cardops.OP_SET_FLAG, done,
                lambda col, ids: cardops.set_flag(col, ids, args.flag))


def cmd_forget(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import cardops

    return _run(args, cardops.OP_FORGET, "Reset to new:",
                lambda col, ids: cardops.forget(col, ids,
                                                restore_position=args.restore_position,
                                                reset_counts=args.reset_counts))


def cmd_set_due(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import cardops

    cardops.parse_due_date(args.days)  # refuse a bad entry before opening the collection
    return _run(args, cardops.OP_SET_DUE_DATE, f"Set the due date ({args.days}) of",
                lambda col, ids: cardops.set_due_date(col, ids, args.days))


def cmd_reposition(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import cardops

    return _run(args, cardops.OP_REPOSITION, "Repositioned",
                lambda col, ids: cardops.reposition(col, ids, start=args.start,
                                                    step=args.step,
                                                    randomize=args.randomize,
                                                    shift=args.shift))
