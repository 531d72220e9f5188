"""Filtered decks (ANKI-FACTS §1.10): build from searches, rebuild, empty, delete.

A filtered deck holds up to two search terms (search, limit, order), a reschedule switch and,
for decks that do not reschedule, the Again/Hard/Good preview delays. Its settings live in
`Deck.extra` under Anki's schema-11 names (`resched`, `terms` = `[[search, limit, order]]`,
`previewAgainSecs`, `previewHardSecs`, `previewGoodSecs`, `previewDelay`, `separate`,
`delays`), so they travel unchanged through .apkg/.colpkg files and the scheduler reads them
when a card of the deck is answered (`answering.filtered_settings`).

Building runs each term's search as `(search) -is:suspended -is:buried -deck:filtered`, in
the term's order (Anki's SQL, with Anki's pseudo-random tiebreak on card id and modification
time) up to its limit, and moves every matching card in: `odid` = home deck, `did` = the
filtered deck, `odue` = its due; a due above 0 is replaced by a running position from
-100000 (so reviews, learning and new cards come up in the order gathered, and an intraday
learning card is due at once); when the deck does not reschedule, every card goes to the
review queue. Emptying returns every card: home deck, due from `odue` (if set), queue from
the card type unless suspended or buried. Rebuilding empties, then builds.

Operations (one transaction and one undo step each, Anki's names): `add_or_update_filtered_deck`
and `rebuild_filtered_deck` ("Build Deck"), `empty_filtered_deck` ("Empty"). Bad input is
refused before anything is written; a search that matches nothing leaves the collection as
it was, with Anki's message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from repetend.core.decks import DECK_FILTERED, SEPARATOR, Deck, normalize_name
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.ids import intTime
from repetend.core.scheduler.config import FilteredDeckSettings
from repetend.core.scheduler.timing import SchedTiming

if TYPE_CHECKING:
    from repetend.core.collection import Collection

__all__ = [
    "DEFAULT_PREVIEW_AGAIN_SECS",
    "DEFAULT_PREVIEW_GOOD_SECS",
    "DEFAULT_PREVIEW_HARD_SECS",
    "MAX_LIMIT",
    "NO_CARDS_MATCHED",
    "OP_BUILD",
    "OP_EMPTY",
    "OP_REBUILD",
    "ORDER_NAMES",
    "BuildResult",
    "FilteredConfig",
    "SearchTerm",
    "add_or_update_filtered_deck",
    "build_search",
    "empty_filtered_deck",
    "filtered_config",
    "order_sql",
    "parse_order",
    "rebuild_filtered_deck",
    "return_cards",
]

#: Anki labels building and rebuilding the same way, and emptying "Empty".
OP_BUILD = OP_REBUILD = "Build Deck"
OP_EMPTY = "Empty"

NO_CARDS_MATCHED = ("No cards matched the provided search. Some cards may have been excluded "
                    "because they are in a different filtered deck, or suspended.")

#: The largest number of cards a term may take (Anki's dialog maximum).
MAX_LIMIT = 99_999
#: Built cards get positions from here up, in the order gathered.
FIRST_POSITION = -100_000

DEFAULT_PREVIEW_AGAIN_SECS = 60
DEFAULT_PREVIEW_HARD_SECS = 600
DEFAULT_PREVIEW_GOOD_SECS = 0

# Anki's FilteredSearchOrder values.
OLDEST_SEEN_FIRST, RANDOM, INTERVALS_ASCENDING, INTERVALS_DESCENDING = 0, 1, 2, 3
MOST_LAPSES, ADDED, DUE, LATEST_ADDED_FIRST = 4, 5, 6, 7
RETRIEVABILITY_ASCENDING, RETRIEVABILITY_DESCENDING, RELATIVE_OVERDUENESS = 8, 9, 10

#: Names of the orders (Anki's labels, as command-line words) → Anki's numbers.
ORDER_NAMES: dict[str, int] = {
    "oldest-seen-first": OLDEST_SEEN_FIRST,
    "random": RANDOM,
    "increasing-intervals": INTERVALS_ASCENDING,
    "decreasing-intervals": INTERVALS_DESCENDING,
    "most-lapses": MOST_LAPSES,
    "order-added": ADDED,
    "order-due": DUE,
    "latest-added-first": LATEST_ADDED_FIRST,
    "retrievability-ascending": RETRIEVABILITY_ASCENDING,
    "retrievability-descending": RETRIEVABILITY_DESCENDING,
    "relative-overdueness": RELATIVE_OVERDUENESS,
}
_ORDER_ALIASES = {"oldest-seen": OLDEST_SEEN_FIRST, "intervals-ascending": INTERVALS_ASCENDING,
                  "intervals-descending": INTERVALS_DESCENDING, "lapses": MOST_LAPSES,
                  "added": ADDED, "due": DUE, "latest-added": LATEST_ADDED_FIRST,
                  "reverse-added": LATEST_ADDED_FIRST, "overdueness": RELATIVE_OVERDUENESS}

# A learning card's due is an epoch timestamp; everything else is a day number or position.
_TIMESTAMP = 1_000_000_000
_U32_MAX = 0xFFFF_FFFF


def parse_order(value: int | str) -> int:
    """An order from its number (0–10) or its name (see `ORDER_NAMES`, case-insensitive,
    spaces or dashes)."""
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "-").replace("_", "-")
        if text.isdigit():
            value = int(text)
        elif text in ORDER_NAMES:
            return ORDER_NAMES[text]
        elif text in _ORDER_ALIASES:
            return _ORDER_ALIASES[text]
    if isinstance(value, int) and not isinstance(value, bool) and \
            OLDEST_SEEN_FIRST <= value <= RELATIVE_OVERDUENESS:
        return value
    raise InvalidInput(f"unknown order {value!r}: use one of {', '.join(ORDER_NAMES)} "
                       "(or Anki's number 0–10)")


@dataclass(frozen=True)
class SearchTerm:
    """One filter of a filtered deck: a search, how many cards it takes, in which order."""

    search: str
    limit: int = 100
    order: int = RANDOM

    def to_json(self) -> list[Any]:
        return [self.search, self.limit, self.order]


@dataclass(frozen=True)
class FilteredConfig:
    """A filtered deck's settings. Defaults are Anki's for a new filtered deck."""

    terms: tuple[SearchTerm, ...] = ()
    reschedule: bool = True
    preview_again_secs: int = DEFAULT_PREVIEW_AGAIN_SECS
    preview_hard_secs: int = DEFAULT_PREVIEW_HARD_SECS
    preview_good_secs: int = DEFAULT_PREVIEW_GOOD_SECS
    #: Anki's v1/v2 preview delay (minutes), kept for files old clients read
    preview_delay: int = 0
    #: keys of the deck's `extra` that were not ours (kept as they were)
    other: dict[str, Any] = field(default_factory=dict, compare=False)

    def validate(self) -> FilteredConfig:
        """Refuse settings Anki would not build from, naming the problem; returns self."""
        if not self.terms:
            raise InvalidInput("a filtered deck needs a search")
        if len(self.terms) > 2:
            raise InvalidInput("a filtered deck has at most two filters")
        for number, term in enumerate(self.terms, 1):
            label = "the search" if number == 1 else "the second search"
            if not isinstance(term.search, str) or not term.search.strip():
                raise InvalidInput(f"{label} is empty: give a search such as 'deck:French "
                                   "is:due' (or 'deck:*' for every deck)")
            limit = term.limit
            if isinstance(limit, bool) or not isinstance(limit, int) or \
                    not 1 <= limit <= MAX_LIMIT:
                which = "limit" if number == 1 else "second limit"
                raise InvalidInput(f"the {which} must be a whole number of cards from 1 to "
                                   f"{MAX_LIMIT} (got {limit!r})")
            parse_order(term.order)
        for label, value in (("Again", self.preview_again_secs),
                             ("Hard", self.preview_hard_secs),
                             ("Good", self.preview_good_secs)):
            if isinstance(value, bool) or not isinstance(value, int) or \
                    not 0 <= value <= _U32_MAX:
                raise InvalidInput(f"the preview delay for {label} must be a whole number of "
                                   f"seconds, 0 or more (got {value!r}); 0 returns the card "
                                   "to its deck")
        return self

    def settings(self) -> FilteredDeckSettings:
        """What answering in the deck reads."""
        return FilteredDeckSettings(self.reschedule, self.preview_again_secs,
                                    self.preview_hard_secs, self.preview_good_secs)

    def to_extra(self) -> dict[str, Any]:
        """The deck's `extra` (schema-11 names), keeping unknown keys and counters."""
        extra = dict(self.other)
        extra.update({
            "resched": self.reschedule,
            "terms": [t.to_json() for t in self.terms],
            "separate": True,
            "delays": None,
            "previewDelay": self.preview_delay,
            "previewAgainSecs": self.preview_again_secs,
            "previewHardSecs": self.preview_hard_secs,
            "previewGoodSecs": self.preview_good_secs,
        })
        return extra

    def as_dict(self) -> dict[str, Any]:
        """For reports (`--json`)."""
        return {"terms": [{"search": t.search, "limit": t.limit, "order": t.order,
                           "order_name": _order_name(t.order)} for t in self.terms],
                "reschedule": self.reschedule,
                "preview_again_secs": self.preview_again_secs,
                "preview_hard_secs": self.preview_hard_secs,
                "preview_good_secs": self.preview_good_secs}


_OURS = ("resched", "terms", "separate", "delays", "previewDelay", "previewAgainSecs",
         "previewHardSecs", "previewGoodSecs")


def _order_name(order: int) -> str:
    return next((name for name, value in ORDER_NAMES.items() if value == order), str(order))


def _int(value: Any, default: int) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    return default


def filtered_config(deck: Deck) -> FilteredConfig:
    """The settings of filtered deck `deck`, read leniently (files from other clients)."""
    if not deck.is_filtered:
        raise InvalidInput(f"deck {deck.name!r} is not a filtered deck")
    extra = deck.extra
    terms = []
    raw_terms = extra.get("terms")
    for raw in raw_terms if isinstance(raw_terms, list) else []:
        if isinstance(raw, list | tuple) and len(raw) >= 3:
            order = _int(raw[2], RANDOM)
            terms.append(SearchTerm(str(raw[0]), _int(raw[1], 100),
                                    order if 0 <= order <= RELATIVE_OVERDUENESS else RANDOM))
    settings = FilteredDeckSettings()
    return FilteredConfig(
        terms=tuple(terms[:2]),
        reschedule=bool(extra.get("resched", extra.get("reschedule", True))),
        preview_again_secs=_int(extra.get("previewAgainSecs"), settings.preview_again_secs),
        preview_hard_secs=_int(extra.get("previewHardSecs"), settings.preview_hard_secs),
        preview_good_secs=_int(extra.get("previewGoodSecs"), settings.preview_good_secs),
        preview_delay=_int(extra.get("previewDelay"), 0),
        other={k: v for k, v in extra.items() if k not in _OURS})


@dataclass(frozen=True)
class BuildResult:
    deck_id: int
    name: str
    #: cards moved into the deck
    count: int
    #: False when an existing filtered deck was updated or rebuilt
    created: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"deck_id": self.deck_id, "name": self.name, "cards": self.count,
                "created": self.created}


# --- order ----------------------------------------------------------------------------------

def order_sql(order: int, timing: SchedTiming) -> str:
    """The ORDER BY terms of a filter's order, over `cards c` joined with `notes n` (Anki's
    SQL for SM-2; every order ends with a pseudo-random tiebreak on id and modification time).
    """
    today, now = timing.today, timing.now
    if order == OLDEST_SEEN_FIRST:
        # Never-answered cards (NULL) come first.
        key = "(SELECT max(r.id) FROM revlog r WHERE r.cid = c.id)"
    elif order == RANDOM:
        key = "random()"
    elif order == INTERVALS_ASCENDING:
        key = "c.ivl"
    elif order == INTERVALS_DESCENDING:
        key = "c.ivl DESC"
    elif order == MOST_LAPSES:
        key = "c.lapses DESC"
    elif order == ADDED:
        key = "n.id, c.ord"
    elif order == LATEST_ADDED_FIRST:
        key = "n.id DESC, c.ord ASC"
    elif order == DUE:
        # Learning dues are timestamps, others day numbers (new cards: positions): both as
        # a moment in seconds.
        key = (f"(CASE WHEN c.due > {_TIMESTAMP} THEN c.due "
               f"ELSE (c.due - {today}) * 86400 + {now} END), c.ord")
    elif order in (RETRIEVABILITY_ASCENDING, RETRIEVABILITY_DESCENDING):
        # Retrievability needs FSRS memory states; without them Anki falls back to random.
        key = "random()"
    elif order == RELATIVE_OVERDUENESS:
        # SM-2 (no memory state): -(whole days since the last review + 0.001) / interval,
        # the most overdue relative to its interval first. A learning due is a timestamp;
        # a last review "before day 0" counts as no time elapsed (Anki's unsigned maths).
        due = "(CASE WHEN c.odue != 0 THEN c.odue ELSE c.due END)"
        elapsed = (f"(CASE WHEN {due} > 365000 THEN max({now} - {due}, 0) / 86400 "
                   f"WHEN {due} - c.ivl < 0 THEN 0 "
                   f"ELSE max({today} - ({due} - c.ivl), 0) END)")
        key = f"(-({elapsed} + 0.001) / max(c.ivl, 1.0))"
    else:
        raise InvalidInput(f"unknown order {order!r}")
    return f"{key}, rp_fnvhash(c.id, c.mtime)"


def _fnvhash(*values: int) -> int:
    """64-bit FNV-1a over each value's 8 little-endian bytes, as a signed integer."""
    h = 0xCBF2_9CE4_8422_2325
    for value in values:
        for byte in int(value or 0).to_bytes(8, "little", signed=True):
            h = ((h ^ byte) * 0x100_0000_01B3) & 0xFFFF_FFFF_FFFF_FFFF
    return h - (1 << 64) if h >= 1 << 63 else h


def build_search(search: str) -> str:
    """A filter's search as it is run: no suspended, buried or already filtered cards."""
    return f"({search}) -is:suspended -is:buried -deck:filtered"


# --- building and emptying -----------------------------------------------------------------

def _timing(col: Collection) -> SchedTiming:
    return col.sched.timing()


def return_cards(col: Collection, did: int) -> int:
    """Send every card of filtered deck `did` home, restoring due and queue (Anki's
    `remove_from_filtered_deck_restoring_queue`); call inside an operation. Returns how many.

    The due comes back from `odue` when that is set; suspended and buried cards stay so,
    the others get the queue their type implies (learning: intraday if the due is a
    timestamp, else interday).
    """
    restored_due = "(CASE WHEN odue != 0 THEN odue ELSE due END)"
    cursor = col.db.execute(
        f"UPDATE cards SET did = odid, odid = 0, due = {restored_due}, "
        f"queue = CASE WHEN queue < 0 THEN queue WHEN type = 0 THEN 0 WHEN type = 2 THEN 2 "
        f"WHEN {restored_due} > {_TIMESTAMP} THEN 1 ELSE 3 END, "
        "odue = 0, mtime = ?, usn = -1 WHERE did = ? AND odid != 0", (intTime(), did))
    return cursor.rowcount


def _matching(col: Collection, term: SearchTerm, timing: SchedTiming) -> list[int]:
    from repetend.core.search import find_cards

    col.db.create_function("rp_fnvhash", -1, _fnvhash, deterministic=True)
    order = f"{order_sql(term.order, timing)} LIMIT {int(term.limit)}"
    return find_cards(col, build_search(term.search), order=order, now=timing.now)


def _build(col: Collection, deck: Deck, config: FilteredConfig, timing: SchedTiming) -> int:
    """Move the cards the terms find into `deck` (already emptied); returns how many."""
    position = FIRST_POSITION
    to_review = 1 if not config.reschedule else 0
    now = intTime()
    for term in config.terms[:2]:
        ids = _matching(col, term, timing)
        rows = []
        for cid in ids:
            rows.append((deck.id, position, to_review, now, cid))
            position += 1
        # Cards already carrying an original due would lose it: left alone (as Anki does).
        col.db.executemany(
            "UPDATE cards SET odid = did, did = ?, odue = due, "
            "due = CASE WHEN due > 0 THEN ? ELSE due END, "
            "queue = CASE WHEN ? THEN 2 ELSE queue END, mtime = ?, usn = -1 "
            "WHERE id = ? AND odue = 0 AND odid = 0", rows)
    return position - FIRST_POSITION


def _rebuild(col: Collection, deck: Deck, config: FilteredConfig,
             timing: SchedTiming) -> int:
    return_cards(col, deck.id)
    return _build(col, deck, config, timing)


def _filtered_deck(col: Collection, deck: Deck | int | str) -> Deck:
    if isinstance(deck, Deck):
        deck = deck.id
    found = col.decks.get(deck) if isinstance(deck, int) else col.decks.by_name(deck)
    if not found.is_filtered:
        raise InvalidInput(f"deck {found.name!r} is not a filtered deck")
    return found


def _check_name(col: Collection, name: str, own_id: int) -> None:
    """A filtered deck may not sit under a filtered deck, nor take a normal deck's name
    (names compared as Anki compares them: "DÉJÀ" is the deck "Déjà")."""
    parts = name.split(SEPARATOR)
    for depth in range(1, len(parts)):
        found = col.decks.find(SEPARATOR.join(parts[:depth]))
        if found is not None and found[2] == DECK_FILTERED:
            raise InvalidInput(f"Filtered decks can not have child decks: {found[1]!r} is a "
                               f"filtered deck, so {name!r} cannot be created under it")
    found = col.decks.find(name)
    if found is not None and found[0] != own_id:
        if found[2] != DECK_FILTERED:
            raise InvalidInput(f"a normal deck called {found[1]!r} already exists; choose "
                               "another name for the filtered deck")
        raise InvalidInput(f"a filtered deck called {found[1]!r} already exists")


def add_or_update_filtered_deck(col: Collection, name: str, config: FilteredConfig,
                                deck_id: int = 0) -> BuildResult:
    """Create (or, with `deck_id` or the name of an existing filtered deck, update) a filtered
    deck and build it, as one step "Build Deck"; the deck becomes the current deck.

    Refused, with nothing changed: an empty search, a limit outside 1–99999, a bad order or
    delay, a name under a filtered deck or of a normal deck, and searches that match no card
    (Anki's message `NO_CARDS_MATCHED`).
    """
    config.validate()
    name = normalize_name(name)
    if not deck_id:
        found = col.decks.find(name)
        if found is not None and found[2] == DECK_FILTERED:
            deck_id = found[0]
    existing = _filtered_deck(col, deck_id) if deck_id else None
    _check_name(col, name, deck_id)
    # Anki normalizes each search first: a malformed one is refused before anything changes.
    from repetend.core.search import parse

    for term in config.terms:
        parse(term.search, col.search_terms)
    timing = _timing(col)
    with col.op(OP_BUILD):
        if existing is not None:
            deck = existing
            if deck.name != name:
                col.decks.rename(deck.id, name)
            old = filtered_config(deck)
            config = FilteredConfig(config.terms, config.reschedule, config.preview_again_secs,
                                    config.preview_hard_secs, config.preview_good_secs,
                                    config.preview_delay, {**old.other, **config.other})
        else:
            deck = col.decks.get(col.decks._create(name, kind=DECK_FILTERED))
        deck = col.decks.get(deck.id)
        deck.extra = config.to_extra()
        col.decks.save(deck)
        count = _rebuild(col, deck, config, timing)
        if count == 0:
            raise InvalidInput(NO_CARDS_MATCHED)
        col._write_config("curDeck", deck.id)
    return BuildResult(deck.id, deck.name, count, created=not deck_id)


def rebuild_filtered_deck(col: Collection, deck: Deck | int | str) -> BuildResult:
    """Return the deck's cards, then gather again with its searches ("Build Deck"). A
    search that now matches nothing leaves the deck empty (as in Anki)."""
    found = _filtered_deck(col, deck)
    config = filtered_config(found)
    if not config.terms:
        raise InvalidInput(f"filtered deck {found.name!r} has no search")
    timing = _timing(col)
    with col.op(OP_REBUILD):
        count = _rebuild(col, found, config, timing)
    return BuildResult(found.id, found.name, count)


def empty_filtered_deck(col: Collection, deck: Deck | int | str) -> int:
    """Send every card of the filtered deck home, as it was before ("Empty"); returns how
    many cards went back."""
    found = _filtered_deck(col, deck)
    with col.op(OP_EMPTY):
        return return_cards(col, found.id)


def filtered_decks(col: Collection) -> list[Deck]:
    return [d for d in col.decks.all() if d.is_filtered]


def deck_card_count(col: Collection, did: int) -> int:
    return col.db.execute("SELECT count() FROM cards WHERE did = ?", (did,)).fetchone()[0]


def find_filtered_deck(col: Collection, name: str) -> Deck:
    """The filtered deck called `name` (NotFoundError / InvalidInput otherwise)."""
    try:
        return _filtered_deck(col, name)
    except NotFoundError:
        raise NotFoundError(f"no filtered deck called {name!r}") from None

