"""Card operations outside answering: suspend, bury, flags, Forget, Set Due Date, Reposition.

Each function takes the collection and card ids, runs as one transaction and one undo step
named as Anki names the operation (ANKI-FACTS §12, Anki's `Op` labels), and returns how many
cards it changed. Bad input (a flag above 7, a malformed due date, a negative start, a card id
that does not exist, a card that is not new for Reposition) raises `InvalidInput` or
`NotFoundError` before anything is written; an empty selection changes nothing and returns 0.

Suspending and burying are kept apart: `unsuspend` only touches suspended cards and `unbury`
only buried ones (manually buried, buried as siblings, or both), while Anki's single
"Unbury/Unsuspend" operation restores either kind. Both restore the queue from the card type
(ANKI-FACTS §1.1). Set Due Date follows the SM-2 rules; FSRS intervals are not modelled.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from repetend.core import rows
from repetend.core.cards import (
    QUEUE_NEW,
    QUEUE_REVIEW,
    QUEUE_SCHED_BURIED,
    QUEUE_SUSPENDED,
    QUEUE_USER_BURIED,
    TYPE_NEW,
    TYPE_RELEARN,
    TYPE_REVIEW,
    Card,
)
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.ids import intTime, next_id
from repetend.core.scheduler.apply import RevlogKind
from repetend.core.scheduler.card import queue_from_type
from repetend.core.scheduler.floats import f32, round_half_away
from repetend.core.scheduler.queues import unbury_on_new_day

if TYPE_CHECKING:
    from repetend.core.collection import Collection

__all__ = [
    "OP_BURY",
    "OP_FORGET",
    "OP_REPOSITION",
    "OP_SET_DUE_DATE",
    "OP_SET_FLAG",
    "OP_SUSPEND",
    "OP_UNBURY_UNSUSPEND",
    "UNBURY_ALL",
    "UNBURY_MANUAL",
    "UNBURY_SIBLING",
    "DueDateSpec",
    "bury",
    "describe",
    "forget",
    "parse_due_date",
    "reposition",
    "set_due_date",
    "set_flag",
    "suspend",
    "unbury",
    "unsuspend",
]

# The undo labels Anki 26.08 shows for these operations (its `Op` enum and English strings).
OP_SUSPEND = "Suspend"
OP_BURY = "Bury"
OP_UNBURY_UNSUSPEND = "Unbury/Unsuspend"
OP_SET_FLAG = "Set Flag"
OP_FORGET = "Reset Card"  # Anki's "Forget" action; its undo label is "Reset Card"
OP_SET_DUE_DATE = "Set Due Date"
OP_REPOSITION = "Reposition"

UNBURY_ALL, UNBURY_MANUAL, UNBURY_SIBLING = "all", "manual", "sibling"
_UNBURY_QUEUES = {
    UNBURY_ALL: (QUEUE_SCHED_BURIED, QUEUE_USER_BURIED),
    UNBURY_MANUAL: (QUEUE_USER_BURIED,),
    UNBURY_SIBLING: (QUEUE_SCHED_BURIED,),
}

#: Where Forget and Set Due Date remember the options last used, as Anki does.
CONTEXTS = ("browser", "reviewer")

#: Card `data` keys holding FSRS memory, cleared by Forget.
_FSRS_MEMORY_KEYS = ("s", "d", "dr", "decay")

_I32_MAX = 2**31 - 1
_U16_MAX = 2**16 - 1
_DUE_DATE_RE = re.compile(r"([0-9]+)(?:-([0-9]+))?(!)?")
_DUE_DATE_HELP = ("use a number of days (0 = today), a range such as 3-7 for a random day "
                  "in it, optionally followed by ! to also set the interval (e.g. 1!)")


# --- loading and saving ------------------------------------------------------------------

def _unique_ids(cids: Iterable[int]) -> list[int]:
    seen: dict[int, None] = {}
    for cid in cids:
        if isinstance(cid, bool) or not isinstance(cid, int):
            raise InvalidInput(f"card ids must be whole numbers, not {cid!r}")
        seen.setdefault(cid, None)
    return list(seen)


def _load(col: Collection, cids: Iterable[int]) -> list[Card]:
    """The cards in the order given (each once); refuses ids that do not exist."""
    ids = _unique_ids(cids)
    cards, missing = [], []
    for cid in ids:
        try:
            cards.append(col.get_card(cid))
        except NotFoundError:
            missing.append(cid)
    if missing:
        listed = ", ".join(str(c) for c in missing)
        raise NotFoundError(f"no card with id {listed}" if len(missing) == 1
                            else f"no cards with ids {listed}")
    return cards


def _save(col: Collection, card: Card, touch: bool = True) -> None:
    """Store a changed card; `touch=False` keeps its modification time (as Set Flag does)."""
    if touch:
        card.mtime = intTime()
    card.usn = -1
    rows.update(col.db, "cards", rows.to_row(card))


def _log_manual(col: Collection, card: Card, last_ivl: int) -> None:
    """The revlog row of a manual reschedule (ANKI-FACTS §6.1): type 4, button 0, no time;
    `factor` is the card's ease afterwards (0 after Forget, the ease after Set Due Date)."""
    rows.insert(col.db, "revlog", {
        "id": next_id(col.db, "revlog"), "cid": card.id, "usn": -1, "ease": 0,
        "ivl": min(card.ivl, _I32_MAX), "last_ivl": min(last_ivl, _I32_MAX),
        "factor": card.factor, "time": 0, "type": int(RevlogKind.MANUAL)})


def _leave_filtered_deck(card: Card) -> None:
    """Before rescheduling: back to the home deck; the due is about to be replaced."""
    if card.odid:
        card.did, card.odid, card.odue = card.odid, 0, 0


def _last_position(card: Card) -> int | None:
    """A new card's current position, else the position it had when it was new (if known)."""
    if card.type == TYPE_NEW:
        return card.odue if card.odid else card.due
    pos = card.data.get("pos")
    return pos if isinstance(pos, int) and not isinstance(pos, bool) else None


def _check_context(context: str | None) -> None:
    if context is not None and context not in CONTEXTS:
        raise InvalidInput(f"context must be one of {', '.join(CONTEXTS)}, not {context!r}")


# --- suspend, bury, flags ---------------------------------------------------------------

def suspend(col: Collection, cids: Iterable[int]) -> int:
    """Move cards to the suspended queue (-1); returns how many were not suspended before."""
    cards = _load(col, cids)
    with col.op(OP_SUSPEND):
        changed = 0
        for card in cards:
            if card.queue != QUEUE_SUSPENDED:
                card.queue = QUEUE_SUSPENDED
                _save(col, card)
                changed += 1
        return changed


def unsuspend(col: Collection, cids: Iterable[int]) -> int:
    """Return suspended cards to the queue their type implies; other cards are left alone."""
    return _restore(col, _load(col, cids), (QUEUE_SUSPENDED,))


def bury(col: Collection, cids: Iterable[int], sibling: bool = False) -> int:
    """Bury cards until the next day: manually (-3), or as buried siblings (-2) if asked.

    Burying a suspended card does nothing (it would otherwise unsuspend it), as in Anki.
    """
    cards = _load(col, cids)
    if cards:
        # Cards buried on an earlier day come back first and the day is marked done, so a
        # card buried now is not restored by today's first queue build (in any process).
        unbury_on_new_day(col, col.sched.timing().today)
        cards = _load(col, [c.id for c in cards])
    queue = QUEUE_SCHED_BURIED if sibling else QUEUE_USER_BURIED
    with col.op(OP_BURY):
        changed = 0
        for card in cards:
            if card.queue not in (queue, QUEUE_SUSPENDED):
                card.queue = queue
                _save(col, card)
                changed += 1
        return changed


def unbury(col: Collection, cids: Iterable[int], mode: str = UNBURY_ALL) -> int:
    """Return buried cards to their queue: `mode` "manual" (-3 only), "sibling" (-2 only)
    or "all"; cards in other queues are left alone."""
    if mode not in _UNBURY_QUEUES:
        raise InvalidInput(f"unbury mode must be one of {', '.join(_UNBURY_QUEUES)}, "
                           f"not {mode!r}")
    return _restore(col, _load(col, cids), _UNBURY_QUEUES[mode])


def _restore(col: Collection, cards: list[Card], from_queues: tuple[int, ...]) -> int:
    with col.op(OP_UNBURY_UNSUSPEND):
        changed = 0
        for card in cards:
            if card.queue in from_queues:
                card.queue = queue_from_type(card.type, card.due)
                _save(col, card)
                changed += 1
        return changed


def set_flag(col: Collection, cids: Iterable[int], flag: int) -> int:
    """Set the user flag (0 none, 1 red … 7 purple) in the low three bits of `flags`; the
    higher bits are kept. Like Anki, the cards' modification time is left alone."""
    if isinstance(flag, bool) or not isinstance(flag, int) or not 0 <= flag <= 7:
        raise InvalidInput(f"flag must be 0 (no flag) to 7, not {flag!r}")
    cards = _load(col, cids)
    with col.op(OP_SET_FLAG):
        changed = 0
        for card in cards:
            flags = (card.flags & ~0b111) | flag
            if flags != card.flags:
                card.flags = flags
                _save(col, card, touch=False)
                changed += 1
        return changed


# --- Forget ------------------------------------------------------------------------------

def forget(col: Collection, cids: Iterable[int], restore_position: bool = True,
           reset_counts: bool = False, context: str | None = None) -> int:
    """Reset cards to new (Anki's "Forget", ANKI-FACTS §12.2); returns how many were reset.

    Each card leaves any filtered deck and becomes type 0 / queue 0 with no interval, ease or
    FSRS memory. Its position is the one it had as a new card (`data.pos`, or its current
    one if still new) when `restore_position` is set and that is known, else the collection's
    next position (`nextPos`, advanced per card that takes one). `reset_counts` zeroes reps
    and lapses. Every card gets a manual revlog row (type 4, ease 0, factor 0). With a
    `context` ("browser"/"reviewer") the two options are remembered as Anki remembers them.
    """
    _check_context(context)
    cards = _load(col, cids)
    if not cards:
        return 0
    with col.op(OP_FORGET):
        position = int(col.get_config("nextPos", 1))
        next_position = position
        for card in cards:
            last_ivl = card.ivl
            restored = _last_position(card) if restore_position else None
            _leave_filtered_deck(card)
            if restored is None:
                card.due = next_position
                next_position += 1
            else:
                card.due = restored
            card.type, card.queue, card.ivl, card.factor = TYPE_NEW, QUEUE_NEW, 0, 0
            card.data.pop("pos", None)
            for key in _FSRS_MEMORY_KEYS:
                card.data.pop(key, None)
            if reset_counts:
                card.reps = card.lapses = 0
            _log_manual(col, card, last_ivl)
            _save(col, card)
        if next_position != position:
            col.set_config("nextPos", next_position)
        if context is not None:
            suffix = context.capitalize()
            col.set_config(f"restorePosition{suffix}", bool(restore_position))
            col.set_config(f"resetCounts{suffix}", bool(reset_counts))
        return len(cards)


# --- Set Due Date ------------------------------------------------------------------------

@dataclass(frozen=True)
class DueDateSpec:
    """A parsed Set Due Date entry: a day in `min_days..max_days` from today (inclusive),
    and whether the interval is set to that many days too (the trailing `!`)."""

    min_days: int
    max_days: int
    set_interval: bool


def parse_due_date(text: str) -> DueDateSpec:
    """Parse `N`, `A-B` (either order) with an optional trailing `!` (ANKI-FACTS §12.1)."""
    if not isinstance(text, str):
        raise InvalidInput(f"due date must be text such as '0', '1-7' or '3!', not {text!r}")
    match = _DUE_DATE_RE.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(f"due date {text!r} is not valid: {_DUE_DATE_HELP}")
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) is not None else low
    low, high = min(low, high), max(low, high)
    if high > _I32_MAX:
        raise InvalidInput(f"due date {text!r} is too far in the future")
    return DueDateSpec(low, high, match.group(3) is not None)


def set_due_date(col: Collection, cids: Iterable[int], days: str,
                 rng: random.Random | None = None, context: str | None = None) -> int:
    """Make cards review cards due `days` from today (ANKI-FACTS §12.1); returns the count.

    `days` is `0` (today), `N`, `A-B` (a random day in the range, drawn per card from `rng`),
    with `!` also setting the interval to that many days. Without `!`, review and relearning
    cards keep their interval (at least 1); other cards get `max(days, 1)`. Cards leave any
    filtered deck; a card without an ease gets its home preset's starting ease; a new card's
    position is kept in `data.pos`. Each card gets a manual revlog row (type 4, ease 0,
    factor = the card's ease). With a `context` the entry is remembered as Anki does.
    """
    _check_context(context)
    spec = parse_due_date(days)
    cards = _load(col, cids)
    if not cards:
        return 0
    today = _today(col)
    if today + spec.max_days > _I32_MAX:
        raise InvalidInput(f"due date {days!r} is too far in the future")
    rng = rng or random.Random()
    eases: dict[int, int] = {}
    with col.op(OP_SET_DUE_DATE):
        for card in cards:
            home = card.odid or card.did
            if home not in eases:
                eases[home] = _starting_ease(col, home)
            offset = rng.randint(spec.min_days, spec.max_days)
            last_ivl = card.ivl
            if spec.set_interval or card.type not in (TYPE_REVIEW, TYPE_RELEARN):
                ivl = max(offset, 1)
            else:
                ivl = max(card.ivl, 1)
            position = _last_position(card)
            if position is not None:
                card.data["pos"] = position
            _leave_filtered_deck(card)
            card.ivl, card.due = ivl, today + offset
            card.type, card.queue = TYPE_REVIEW, QUEUE_REVIEW
            if card.factor == 0:
                card.factor = eases[home]
            _log_manual(col, card, last_ivl)
            _save(col, card)
        if context is not None:
            col.set_config(f"setDue{context.capitalize()}", days)
        return len(cards)


def _starting_ease(col: Collection, home_did: int) -> int:
    """The home preset's starting ease ×1000, rounded as Anki rounds its f32 value."""
    deck = col.decks.get(home_did)
    if deck.is_filtered:
        raise InvalidInput(f"the home deck of a card, {deck.name!r}, is a filtered deck")
    ease = f32(col.deck_config(deck.config_id).initial_ease)
    return int(min(max(round_half_away(f32(ease * 1000.0)), 0), _U16_MAX))


def _today(col: Collection) -> int:
    """Today's day number (ANKI-FACTS §1.2), at the scheduler's clock (`col.sched`)."""
    return col.sched.timing().today


# --- Reposition --------------------------------------------------------------------------

def reposition(col: Collection, cids: Iterable[int], start: int = 0, step: int = 1,
               randomize: bool = False, shift: bool = False,
               rng: random.Random | None = None) -> int:
    """Give new cards new positions (ANKI-FACTS §12.3); returns how many were repositioned.

    Positions go per note (siblings share one): `start`, `start + step`, … for the notes in
    the order their cards are given, or shuffled with `randomize`. With `shift`, every new
    card already at `start` or later first moves back by `step ×` the number of cards given.
    A new card in a filtered deck gets its home position (`odue`) changed. Anki's dialog
    defaults are start 0, step 1; the two switches are remembered as Anki remembers them.
    """
    for name, value, low in (("start position", start, 0), ("step", step, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InvalidInput(f"{name} must be a whole number of at least {low}, "
                               f"not {value!r}")
    cards = _load(col, cids)
    not_new = [c.id for c in cards if c.type != TYPE_NEW and c.queue != QUEUE_NEW]
    if not_new:
        listed = ", ".join(str(c) for c in not_new)
        raise InvalidInput(f"only new cards can be repositioned; not new: {listed}")
    if not cards:
        return 0
    nids = list(dict.fromkeys(c.nid for c in cards))
    if randomize:
        (rng or random.Random()).shuffle(nids)
    if start + (len(nids) - 1) * step > _I32_MAX:
        raise InvalidInput("the positions would run past the largest position")
    positions = {nid: start + i * step for i, nid in enumerate(nids)}
    with col.op(OP_REPOSITION):
        col.set_config("randomOrderReposition", bool(randomize))
        col.set_config("shiftPositionOfExistingCards", bool(shift))
        if shift:
            by = step * len(cards)
            for (cid,) in col.db.execute("SELECT id FROM cards WHERE due >= ? AND type = ?",
                                         (start, TYPE_NEW)).fetchall():
                card = col.get_card(cid)
                if card.due + by > _I32_MAX:
                    raise InvalidInput("shifting would move cards past the largest position")
                _set_new_position(card, card.due + by)
                _save(col, card)
        for card in _load(col, [c.id for c in cards]):
            _set_new_position(card, positions[card.nid])
            _save(col, card)
        return len(cards)


def _set_new_position(card: Card, position: int) -> None:
    if card.type == TYPE_NEW and card.odid:
        card.odue = position
    else:
        card.due = position


def describe(col: Collection, cids: Iterable[int]) -> list[dict[str, Any]]:
    """The scheduling fields of the given cards, for reports (`--json`)."""
    return [{"id": c.id, "type": c.type, "queue": c.queue, "due": c.due, "ivl": c.ivl,
             "factor": c.factor, "reps": c.reps, "lapses": c.lapses, "flag": c.user_flag,
             "did": c.did, "odid": c.odid, "odue": c.odue}
            for c in _load(col, cids)]
