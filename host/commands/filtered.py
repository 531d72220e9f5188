"""Filtered decks and custom study: `filtered create|rebuild|empty`, `custom-study`.

    repetend filtered create "Cram" --search "deck:French is:due" --limit 50 --order order-due
    repetend filtered create "Preview" --search "is:new" --no-reschedule --preview-again 30
    repetend filtered rebuild "Cram"
    repetend filtered empty "Cram"
    repetend custom-study French --forgotten 2

Each command is one undoable operation (`repetend undo` reverts it); `--json` prints what
was done.
"""

from __future__ import annotations

import argparse
import functools
from typing import Any

from repetend.core.errors import InvalidInput
from repetend.host.cli import add_command, emit, open_host

_ORDER_HELP = ("oldest-seen-first, random, increasing-intervals, decreasing-intervals, "
               "most-lapses, order-added, order-due, latest-added-first, "
               "retrievability-ascending, retrievability-descending, relative-overdueness "
               "(or Anki's number 0-10)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("filtered", help="build, rebuild and empty filtered decks",
                       description="Filtered decks gather cards from a search to study them "
                       "outside their decks; emptying or deleting one sends them home.")
    fsub = p.add_subparsers(dest="filtered_command", metavar="ACTION", required=True)
    command = functools.partial(add_command, fsub)
    p = command("create", cmd_create, "create (or update) a filtered deck and build it")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--search", required=True, metavar="Q",
                   help="the cards to gather (Anki's search syntax)")
    p.add_argument("--limit", type=int, default=100, metavar="N",
                   help="at most this many cards (default 100)")
    p.add_argument("--order", default="random", metavar="ORDER",
                   help=f"which cards first (default random): {_ORDER_HELP}")
    p.add_argument("--search2", metavar="Q", help="a second filter, gathered after the first")
    p.add_argument("--limit2", type=int, metavar="N", help="limit of the second filter "
                   "(default 20)")
    p.add_argument("--order2", metavar="ORDER", help="order of the second filter "
                   "(default order-due)")
    p.add_argument("--no-reschedule", action="store_true",
                   help="preview only: answers do not change the cards' scheduling")
    for button, default in (("again", 60), ("hard", 600), ("good", 0)):
        p.add_argument(f"--preview-{button}", type=int, metavar="S",
                       help=f"with --no-reschedule: seconds until a card answered "
                       f"{button.capitalize()} comes back (default {default}; 0 = it goes "
                       "home)")
    p = command("rebuild", cmd_rebuild, "send a filtered deck's cards home and gather again")
    p.add_argument("name", metavar="NAME")
    p = command("empty", cmd_empty, "send every card of a filtered deck back to its deck")
    p.add_argument("name", metavar="NAME")

    p = add_command(sub, "custom-study", cmd_custom_study,
                    "Anki's custom study presets for a deck: raise today's limits, or study "
                    "in the \"Custom Study Session\" filtered deck")
    p.add_argument("deck", metavar="DECK")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--new-limit", type=int, metavar="N",
                       help="increase today's new card limit by N")
    which.add_argument("--review-limit", type=int, metavar="N",
                       help="increase today's review limit by N")
    which.add_argument("--forgotten", type=int, metavar="DAYS",
                       help="review cards forgotten (answered Again) in the last DAYS days")
    which.add_argument("--ahead", type=int, metavar="DAYS",
                       help="review ahead: cards due in the next DAYS days")
    which.add_argument("--preview-new", type=int, metavar="DAYS",
                       help="preview new cards added in the last DAYS days")
    which.add_argument("--state", choices=["new", "due", "review", "all"],
                       help="study by card state or tag: new cards, due cards, review "
                       "(every card but new ones), or all cards without rescheduling")
    p.add_argument("--limit", type=int, metavar="N",
                   help="with --state: at most N cards (default 100)")
    p.add_argument("--tags", nargs="*", default=[], metavar="TAG",
                   help="with --state: only cards with any of these tags")
    p.add_argument("--exclude-tags", nargs="*", default=[], metavar="TAG",
                   help="with --state: no cards with any of these tags")


# --- filtered decks ---------------------------------------------------------------------

def _config(args: argparse.Namespace) -> Any:
    from repetend.core.scheduler import filtered

    if args.search2 is None and (args.limit2 is not None or args.order2 is not None):
        raise InvalidInput("--limit2 and --order2 need --search2")
    delays = {b: getattr(args, f"preview_{b}") for b in ("again", "hard", "good")}
    if not args.no_reschedule and any(v is not None for v in delays.values()):
        raise InvalidInput("preview delays apply only with --no-reschedule (a deck that "
                           "reschedules uses the deck options' steps)")
    terms = [filtered.SearchTerm(args.search, args.limit, filtered.parse_order(args.order))]
    if args.search2 is not None:
        terms.append(filtered.SearchTerm(
            args.search2, 20 if args.limit2 is None else args.limit2,
            filtered.parse_order("order-due" if args.order2 is None else args.order2)))
    defaults = filtered.FilteredConfig()
    return filtered.FilteredConfig(
        terms=tuple(terms), reschedule=not args.no_reschedule,
        preview_again_secs=defaults.preview_again_secs if delays["again"] is None
        else delays["again"],
        preview_hard_secs=defaults.preview_hard_secs if delays["hard"] is None
        else delays["hard"],
        preview_good_secs=defaults.preview_good_secs if delays["good"] is None
        else delays["good"]).validate()


def cmd_create(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import filtered

    config = _config(args)  # refuse bad options before opening the collection
    with open_host(args) as host:
        result = filtered.add_or_update_filtered_deck(host.col, args.name, config)
    verb = "Created" if result.created else "Updated"
    mode = "rescheduling" if config.reschedule else (
        f"preview only; Again {config.preview_again_secs}s, Hard {config.preview_hard_secs}s,"
        f" Good {config.preview_good_secs}s")
    emit(args, {"operation": filtered.OP_BUILD, **result.as_dict(), **config.as_dict()},
         f"{verb} filtered deck {result.name!r} with {result.count} card(s) ({mode}).")
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import filtered

    with open_host(args) as host:
        result = filtered.rebuild_filtered_deck(host.col, filtered.find_filtered_deck(
            host.col, args.name))
    text = (f"Rebuilt filtered deck {result.name!r}: {result.count} card(s)." if result.count
            else f"Rebuilt filtered deck {result.name!r}: no cards matched its search now; "
            "it is empty.")
    emit(args, {"operation": filtered.OP_REBUILD, **result.as_dict()}, text)
    return 0


def cmd_empty(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import filtered

    with open_host(args) as host:
        deck = filtered.find_filtered_deck(host.col, args.name)
        count = filtered.empty_filtered_deck(host.col, deck)
    emit(args, {"operation": filtered.OP_EMPTY, "deck_id": deck.id, "name": deck.name,
                "returned": count},
         f"Emptied filtered deck {deck.name!r}: {count} card(s) went back to their decks.")
    return 0


# --- custom study -------------------------------------------------------------------------

def cmd_custom_study(args: argparse.Namespace) -> int:
    from repetend.core.scheduler import customstudy

    if args.state is None and (args.tags or args.exclude_tags or args.limit is not None):
        raise InvalidInput("--limit, --tags and --exclude-tags go with --state")
    with open_host(args) as host:
        col = host.col
        deck = col.decks.by_name(args.deck)
        if args.new_limit is not None:
            result = customstudy.increase_new_limit(col, deck, args.new_limit)
            text = _limit_text("new card", args.new_limit, deck.name)
        elif args.review_limit is not None:
            result = customstudy.increase_review_limit(col, deck, args.review_limit)
            text = _limit_text("review", args.review_limit, deck.name)
        else:
            if args.forgotten is not None:
                result = customstudy.review_forgotten(col, deck, args.forgotten)
            elif args.ahead is not None:
                result = customstudy.review_ahead(col, deck, args.ahead)
            elif args.preview_new is not None:
                result = customstudy.preview_new(col, deck, args.preview_new)
            else:
                result = customstudy.study_by_state(col, deck, args.state,
                                                    100 if args.limit is None else args.limit,
                                                    args.tags, args.exclude_tags)
            text = (f"Built {customstudy.CUSTOM_STUDY_SESSION!r} with {result.cards} card(s) "
                    f"from {result.search!r}"
                    + ("" if result.reschedule else " (preview only, no rescheduling)") + ".")
    emit(args, {"operation": customstudy.OP_CUSTOM_STUDY, **result.as_dict()}, text)
    return 0


def _limit_text(kind: str, by: int, deck: str) -> str:
    change = f"increased by {by}" if by > 0 else f"decreased by {-by}"
    return f"Today's {kind} limit of {deck!r} {change}."
