"""The study queues of a deck (ANKI-FACTS §3): what to show next and the due counts.

Building a queue for the selected deck and its descendants gathers, in this order:

1. intraday learning cards due before the next day starts (no limit; shown when due, or
   early within the learn-ahead limit `collapseTime` when nothing else is left),
2. interday learning cards due today (they use up the **review** limit),
3. reviews due today (review limit), in the preset's review order,
4. new cards (new limit, itself capped by the review limit unless
   `newCardsIgnoreReviewLimit`), in the preset's gather priority, then sorted.

Limits come from a `LimitTree` rooted at the selected deck (or at its top-level ancestor when
`applyAllParentLimits` is on). Siblings are skipped while gathering as the presets' bury
options say (§3.3). Interday learning is mixed into the reviews, then new cards into that,
as the "display order" options of the selected deck's preset say (§3.4).

Everything is done with indexed SQL that stops as soon as the limits are used up, so the
cost depends on the limits, not on the size of the collection.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

from repetend.core.deckconfig import DEFAULT_CONFIG_ID, DeckConfig
from repetend.core.decks import SEPARATOR, Deck
from repetend.core.scheduler.limits import LimitTree
from repetend.core.scheduler.timing import SchedTiming

if TYPE_CHECKING:
    import sqlite3

    from repetend.core.collection import Collection

__all__ = [
    "KIND_DAY_LEARN",
    "KIND_INTRADAY",
    "KIND_NEW",
    "KIND_REVIEW",
    "Counts",
    "QueueEntry",
    "StudyQueue",
    "build_queue",
    "mix_evenly",
    "subtree",
    "unbury_on_new_day",
]

KIND_INTRADAY, KIND_DAY_LEARN, KIND_REVIEW, KIND_NEW = "intraday", "interday", "review", "new"

# Display-order option values (Anki's enums, §3.4).
GATHER_DECK, GATHER_ASCENDING, GATHER_DESCENDING = 0, 1, 2
GATHER_RANDOM_NOTES, GATHER_RANDOM_CARDS, GATHER_DECK_RANDOM_NOTES = 3, 4, 5
SORT_TYPE_THEN_GATHERED, SORT_GATHERED, SORT_TYPE_THEN_RANDOM = 0, 1, 2
SORT_RANDOM_NOTE_THEN_TYPE, SORT_RANDOM = 3, 4
MIX_WITH_REVIEWS, MIX_AFTER_REVIEWS, MIX_BEFORE_REVIEWS = 0, 1, 2

T = TypeVar("T")

_HASH_MOD = 2_147_483_647  # a prime; keeps the SQL hash inside 64-bit integers


def day_salt(today: int) -> int:
    """Random orders change every day but are stable within one (Anki salts with the day)."""
    return (today * 2_654_435_761) % _HASH_MOD


def _sql_hash(column: str, salt: int) -> str:
    return f"((({column} % {_HASH_MOD}) * 48271 + {salt}) % {_HASH_MOD})"


def py_hash(value: int, salt: int) -> int:
    """The same pseudo-random key in Python (for sorting gathered new cards)."""
    return ((value % _HASH_MOD) * 48271 + salt) % _HASH_MOD


@dataclass(slots=True)
class QueueEntry:
    card_id: int
    note_id: int
    deck_id: int
    kind: str
    #: epoch seconds for intraday learning, else the stored due
    due: int
    ord: int = 0
    removed: bool = False


@dataclass(frozen=True)
class Counts:
    """The three numbers above the answer buttons: new, learning, review."""

    new: int = 0
    learn: int = 0
    review: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "learn": self.learn, "review": self.review}

    def total(self) -> int:
        return self.new + self.learn + self.review


@dataclass
class StudyQueue:
    """The cards one deck shows today, consumed as they are answered."""

    deck_id: int
    today: int
    next_day_at: int
    learn_ahead_secs: int
    #: the studied deck and its descendants
    deck_ids: frozenset[int] = frozenset()
    #: intraday learning cards due before the next day, by due time (`_learning_keys` holds
    #: their (due, card id) for bisecting)
    learning: list[QueueEntry] = field(default_factory=list)
    #: the main queue: ids in display order; answered ones are skipped as they come up
    main: deque[int] = field(default_factory=deque)
    _main_kind: dict[int, str] = field(default_factory=dict)
    _learning_keys: list[tuple[int, int]] = field(default_factory=list)
    _learning_by_id: dict[int, QueueEntry] = field(default_factory=dict)
    _main_counts: dict[str, int] = field(default_factory=lambda: {
        KIND_NEW: 0, KIND_REVIEW: 0, KIND_DAY_LEARN: 0})
    #: the main queue's first card, while the rest is still to be built (`set_main_later`)
    _head: tuple[int, str] | None = None
    _pending: Callable[[], tuple[list[int], dict[int, str]]] | None = None

    def set_main(self, ids: list[int], kinds: dict[int, str],
                 counts: dict[str, int] | None = None) -> None:
        """The main queue: `ids` in display order, each one's kind; `counts` (cards of each
        kind) may be given when the caller knows them."""
        self.main = deque(ids)
        self._main_kind = kinds
        self._head = self._pending = None
        if counts is None:
            counts = dict.fromkeys(self._main_counts, 0)
            for kind in kinds.values():
                counts[kind] += 1
        self._main_counts = {kind: counts.get(kind, 0) for kind in self._main_counts}

    def set_main_later(self, head: tuple[int, str],
                       build: Callable[[], tuple[list[int], dict[int, str]]],
                       counts: dict[str, int]) -> None:
        """The main queue's first card (id, kind) and the counts now; `build` gives what
        `set_main` takes when more than the first card is needed (issue 3: the first card
        is shown without reading every due review's id). `build` must read the collection
        as it was when the head was found: `materialize` is called before any change."""
        self.main = deque()
        self._main_kind = {}
        self._head, self._pending = head, build
        self._main_counts = {kind: counts.get(kind, 0) for kind in self._main_counts}

    def materialize(self) -> None:
        """Build the whole main queue if only its first card is known yet."""
        build = self._pending
        if build is not None:
            self._head = self._pending = None
            ids, kinds = build()
            self.main = deque(ids)
            self._main_kind = kinds

    def _pending_head(self, card_id: int) -> bool:
        """Whether `card_id` is the known head of a main queue still to be built (if it is
        another card, the queue is built now)."""
        if self._pending is None:
            return False
        if self._head is not None and self._head[0] == card_id:
            return True
        self.materialize()
        return False

    def add_learning(self, entry: QueueEntry) -> None:
        key = (entry.due, entry.card_id)
        index = bisect.bisect(self._learning_keys, key)
        self._learning_keys.insert(index, key)
        self.learning.insert(index, entry)
        self._learning_by_id[entry.card_id] = entry

    def _live_main_head(self) -> int | None:
        if self._head is not None:
            return self._head[0]
        main, live = self.main, self._main_kind
        while main and main[0] not in live:
            main.popleft()
        return main[0] if main else None

    def next_entry(self, now: int) -> tuple[int, str] | None:
        """(card id, kind) of the next card: learning cards due now, then the main queue,
        then learning within the learn-ahead limit; None when nothing is left for now."""
        if self.learning and self.learning[0].due <= now:
            return self.learning[0].card_id, KIND_INTRADAY
        if self._head is not None:
            return self._head
        head = self._live_main_head()
        if head is not None:
            return head, self._main_kind[head]
        if self.learning and self.learning[0].due <= now + self.learn_ahead_secs:
            return self.learning[0].card_id, KIND_INTRADAY
        return None

    def card_ids(self, now: int) -> list[int]:
        """Every card the queue would show from `now` on, in order (learning cards that come
        due later are placed by the time they are due now)."""
        self.materialize()
        cutoff = now + self.learn_ahead_secs
        due_now = [e.card_id for e in self.learning if e.due <= now]
        ahead = [e.card_id for e in self.learning if now < e.due <= cutoff]
        return due_now + [c for c in self.main if c in self._main_kind] + ahead

    def counts(self, now: int) -> Counts:
        intraday = bisect.bisect(self._learning_keys, (now + self.learn_ahead_secs, 1 << 63))
        return Counts(new=self._main_counts[KIND_NEW],
                      learn=intraday + self._main_counts[KIND_DAY_LEARN],
                      review=self._main_counts[KIND_REVIEW])

    def kind_of(self, card_id: int) -> str | None:
        """The card's kind if it is still queued (main queue or intraday learning)."""
        if self._pending_head(card_id):
            return self._head[1]  # type: ignore[index]
        if card_id in self._main_kind:
            return self._main_kind[card_id]
        return KIND_INTRADAY if card_id in self._learning_by_id else None

    def is_answerable(self, card_id: int, now: int) -> bool:
        """In the main queue, or an intraday learning card due within the learn-ahead limit."""
        if self._pending_head(card_id) or card_id in self._main_kind:
            return True
        entry = self._learning_by_id.get(card_id)
        return entry is not None and entry.due <= now + self.learn_ahead_secs

    def remove(self, card_id: int) -> bool:
        self.materialize()
        kind = self._main_kind.pop(card_id, None)
        if kind is not None:
            self._main_counts[kind] -= 1
            return True
        entry = self._learning_by_id.pop(card_id, None)
        if entry is None:
            return False
        index = bisect.bisect_left(self._learning_keys, (entry.due, entry.card_id))
        del self._learning_keys[index]
        del self.learning[index]
        return True

    def main_is_empty(self) -> bool:
        return self._live_main_head() is None

    def requeue_learning(self, card_id: int, note_id: int, deck_id: int, due: int,
                         now: int) -> None:
        """Put an answered card that is still in intraday learning back in the queue."""
        if due >= self.next_day_at:
            return
        entry = QueueEntry(card_id, note_id, deck_id, KIND_INTRADAY, due)
        # Do not show the same card twice in a row while another learning card is waiting:
        # with nothing else to do, it goes just behind the next one (as Anki does).
        if (self.main_is_empty() and self.learning and due <= self.learning[0].due
                and self.learning[0].due <= now + self.learn_ahead_secs):
            entry.due = self.learning[0].due + 1
        self.add_learning(entry)


def mix_evenly(first: list[T], second: list[T]) -> list[T]:
    """Spread `second` evenly through `first` (Anki's "mix with reviews").

    With `r = (len(first) + 1) / (len(second) + 1)`, the i-th item of `second` (from 0) comes
    right after the first `floor((i + 1) * r)` items of `first`.
    """
    if not second:
        return list(first)
    if not first:
        return list(second)
    ratio = (len(first) + 1) / (len(second) + 1)
    out: list[T] = []
    extend, append = out.extend, out.append
    taken = 0
    for index, item in enumerate(second, 1):
        upto = int(index * ratio)  # a slice past the end of `first` is just shorter
        if upto > taken:
            extend(first[taken:upto])
            taken = upto
        append(item)
    extend(first[taken:])
    return out


def _mix(mode: int, base: list[int], other: list[int]) -> list[int]:
    if mode == MIX_AFTER_REVIEWS:
        return base + other
    if mode == MIX_BEFORE_REVIEWS:
        return other + base
    return mix_evenly(base, other)


def subtree(decks: Iterable[Deck], deck: Deck) -> list[Deck]:
    """`deck` and its descendants, in the deck list's (preorder) order."""
    prefix = deck.name.casefold() + SEPARATOR
    return [d for d in decks if d.id == deck.id or d.name.casefold().startswith(prefix)]


def _ancestors(decks: Iterable[Deck], deck: Deck) -> list[Deck]:
    names = {SEPARATOR.join(deck.components[:i]).casefold()
             for i in range(1, len(deck.components))}
    return [d for d in decks if d.name.casefold() in names]


_UNREAD: Any = object()


def unbury_on_new_day(col: Collection, today: int, stored_last: Any = _UNREAD,
                      any_buried: bool | None = None) -> None:
    """Return buried cards to their queues at the first queue build of a new day (§3.3).

    Like Anki, this is bookkeeping rather than a user action: it is not an undo step (and does
    not mark cards modified). Inside an operation it joins that operation. A caller that read
    them under the collection's current state may pass the stored `lastUnburied`
    (`stored_last`) and whether any card of an existing deck is buried (`any_buried`).
    """
    if stored_last is _UNREAD or col.config_pending("lastUnburied"):
        stored_last = col.get_config("lastUnburied", None)
    if not isinstance(stored_last, int) or isinstance(stored_last, bool) or stored_last < 0:
        # Anki reads a missing (or not a day number) `lastUnburied` as day 0, so a collection
        # made today keeps its buried cards buried until tomorrow.
        stored_last = 0
    if stored_last >= today:
        return
    own_transaction = not col.db.in_transaction
    if own_transaction and (any_buried is False or any_buried is None and col.db.execute(
            "SELECT 1 FROM cards WHERE did IN (SELECT id FROM decks) AND queue IN (-2, -3) "
            "LIMIT 1").fetchone() is None):
        # Nothing to restore: the day is marked done with the next operation (anything that
        # buries a card is one), so showing the first card waits for no commit (issue 3).
        col.defer_config("lastUnburied", today)
        return
    if own_transaction:
        col.db.execute("BEGIN IMMEDIATE")
    try:
        col.db.execute(
            "UPDATE cards SET queue = CASE type WHEN 0 THEN 0 WHEN 2 THEN 2 ELSE "
            "(CASE WHEN due > 1000000000 THEN 1 ELSE 3 END) END "
            "WHERE did IN (SELECT id FROM decks) AND queue IN (-2, -3)")  # uses ix_cards_sched
        col._write_config("lastUnburied", today)
        if own_transaction:
            col.db.execute("COMMIT")
    except BaseException:
        if own_transaction:
            col.db.execute("ROLLBACK")
        raise


# Review orders (ReviewCardOrder, §3.4) as SQL ORDER BY terms; `{h}` is the random tiebreak,
# `{deck}` the deck's position in the deck list, `{today}` the day number.
_REVIEW_ORDERS = {
    0: "due, {h}",
    1: "due, {deck}, {h}",
    2: "{deck}, due, {h}",
    3: "ivl, {h}",
    4: "ivl DESC, {h}",
    5: "factor, {h}",
    6: "factor DESC, {h}",
    # SM-2 has no memory model; retrievability falls as the share of the interval elapsed
    # grows, so "ascending retrievability" shows the most overdue (relative) first.
    7: "(({today} - due + ivl) * 1.0 / max(ivl, 1)) DESC, {h}",
    11: "(({today} - due + ivl) * 1.0 / max(ivl, 1)), {h}",
    8: "{h}",
    9: "nid, ord",
    10: "nid DESC, ord",
    12: "(-(1 + ({today} - due + 0.001) / max(ivl, 1))), {h}",
}

_COLUMNS = "id, nid, did, odid, due, ord"
# Every gathering query picks cards of some decks by queue and due: the (did, queue, due)
# index answers it (from the index alone where possible). Named, because without statistics
# SQLite may prefer an index on (queue, due) and then visit every card of every deck.
_CARDS = "cards INDEXED BY ix_cards_sched"
# Reviews need no note, home deck or template unless siblings are buried: leaving them out
# lets SQLite answer from the (did, queue, due) index alone.
_INDEX_COLUMNS = "id, 0, did, 0, due, 0"


class _BuryModes:
    """Per note, which sibling kinds the first gathered card's preset says to hide (§3.3)."""

    def __init__(self, flags_for_deck: Callable[[int], tuple[bool, bool, bool]]) -> None:
        self._flags_for_deck = flags_for_deck
        self._modes: dict[int, tuple[bool, bool, bool]] = {}

    def skip(self, nid: int, kind: str) -> bool:
        mode = self._modes.get(nid)
        if mode is None:
            return False
        new, review, interday = mode
        return (kind == KIND_NEW and new) or (kind == KIND_REVIEW and review) or \
            (kind == KIND_DAY_LEARN and interday)

    def seen(self, nid: int, home_did: int) -> None:
        flags = self._flags_for_deck(home_did)
        old = self._modes.get(nid)
        self._modes[nid] = flags if old is None else tuple(  # type: ignore[assignment]
            a or b for a, b in zip(old, flags, strict=True))


@dataclass
class _Context:
    col: Collection
    timing: SchedTiming
    selected: Deck
    decks: list[Deck]
    deck_ids: list[int]
    configs: dict[int, DeckConfig]
    preset: DeckConfig
    tree: LimitTree
    #: None when no preset buries siblings (then nothing needs tracking)
    bury: _BuryModes | None
    salt: int

    @property
    def db(self) -> sqlite3.Connection:
        return self.col.db

    def in_decks(self) -> str:
        return ",".join(str(d) for d in self.deck_ids)

    def deck_order_sql(self) -> str:
        cases = " ".join(f"WHEN {did} THEN {i}" for i, did in enumerate(self.deck_ids))
        return f"(CASE did {cases} ELSE {len(self.deck_ids)} END)"


def _home_flags_lookup(col: Collection, decks: dict[int, Deck],
                       configs: dict[int, DeckConfig]) -> Callable[[int], tuple[bool, bool, bool]]:
    cache: dict[int, tuple[bool, bool, bool]] = {}

    def flags(did: int) -> tuple[bool, bool, bool]:
        if did not in cache:
            deck = decks.get(did)
            conf = configs.get(deck.config_id if deck is not None else DEFAULT_CONFIG_ID)
            conf = conf or configs.get(DEFAULT_CONFIG_ID) or DeckConfig()
            cache[did] = (conf.bury_new, conf.bury_reviews, conf.bury_interday_learning)
        return cache[did]

    return flags


def _rows(ctx: _Context, where: str, order: str, params: tuple = (),
          columns: str = _COLUMNS) -> Iterator[tuple]:
    sql = (f"SELECT {columns} FROM {_CARDS} WHERE did IN ({ctx.in_decks()}) AND {where} "
           f"ORDER BY {order}")
    return _tuples(ctx, sql, params)


def _tuples(ctx: _Context, sql: str, params: tuple) -> Iterator[tuple]:
    cursor = ctx.db.cursor()
    cursor.row_factory = None  # plain tuples are cheaper than sqlite3.Row
    return iter(cursor.execute(sql, params))


def _gather_intraday(ctx: _Context, queue: StudyQueue) -> None:
    for cid, nid, did, odid, due, ord_ in _rows(
            ctx, "queue IN (1, 4) AND due < ?", "due, id", (ctx.timing.next_day_at,)):
        if ctx.bury is not None:
            ctx.bury.seen(nid, odid or did)
        queue.add_learning(QueueEntry(cid, nid, did, KIND_INTRADAY, due, ord_))


#: A gathered card: a row of `_COLUMNS` (id, nid, did, odid, due, ord), kept as the plain
#: tuple SQLite gave (issue 3: an object per gathered card cost a fifth of gathering).
_Row = tuple[int, int, int, int, int, int]
_ID, _NID, _ORD = 0, 1, 5


def _gather_limited(ctx: _Context, rows: Iterable[tuple], kind: str, out: list[_Row],
                    new: bool) -> None:
    """Take rows in order while the limits allow; stop once the root's limit is used up."""
    tree, bury = ctx.tree, ctx.bury
    take = tree.take_new if new else tree.take_review
    exhausted = tree.root_exhausted
    append = out.append
    if exhausted(new):
        return
    for row in rows:
        _cid, nid, did, odid, _due, _ord = row
        if bury is not None:
            if bury.skip(nid, kind):
                continue
            if not take(did):
                if exhausted(new):
                    return
                continue
            bury.seen(nid, odid or did)
        elif not take(did):
            if exhausted(new):
                return
            continue
        append(row)
        if exhausted(new):
            return


def _gather_due(ctx: _Context, where: str, params: tuple, order: str, kind: str) -> list[int]:
    """Ids of the interday learning or review cards the review limits allow, in order.

    Without sibling burying, when every deck's limit has room for all of its due cards (the
    usual case), they are all taken straight from SQL; otherwise card by card.
    """
    tree = ctx.tree
    if tree.root_exhausted(False):
        return []
    if ctx.bury is None:
        counts = dict(_tuples(ctx, f"SELECT did, count() FROM {_CARDS} WHERE did IN "
                              f"({ctx.in_decks()}) AND {where} GROUP BY did", params))
        if tree.take_all_reviews(counts):
            return [row[0] for row in _rows(ctx, where, order, params, "id")]
        columns = _INDEX_COLUMNS
    else:
        columns = _COLUMNS
    entries: list[_Row] = []
    _gather_limited(ctx, _rows(ctx, where, order, params, columns), kind, entries, new=False)
    return [e[_ID] for e in entries]


@dataclass(frozen=True)
class _LaterIds:
    """Ids in order whose number and first one are known; `read()` gives them all."""

    count: int
    first: int
    read: Callable[[], list[int]]


def _gather_all_due(ctx: _Context, order: str) -> tuple[list[int], list[int] | _LaterIds] | None:
    """Interday learning and review cards due, in order, when no sibling is buried and the
    review limits have room for every one of them (the usual case): one count for both
    kinds, then the interday learning ids, and of the reviews only the first id (all of
    them are read when the queue needs more than its first card; issue 3). None: gather
    them kind by kind (the limits then decide card by card)."""
    if ctx.bury is not None or ctx.tree.root_exhausted(False):
        return None
    in_decks = ctx.in_decks()
    today = ctx.timing.today
    counts: dict[int, int] = {}
    found: dict[int, int] = {}
    for queue, did, count in _tuples(
            ctx, f"SELECT queue, did, count() FROM {_CARDS} WHERE did IN ({in_decks}) "
                 "AND queue IN (2, 3) AND due <= ? GROUP BY queue, did", (today,)):
        counts[did] = counts.get(did, 0) + count
        found[queue] = found.get(queue, 0) + count
    # Interday learning uses up the review limit first: when both kinds fit together, each
    # fits on its own in that order too, and no card of either is cut.
    if not ctx.tree.take_all_reviews(counts):
        return None
    # (A negative LIMIT is none; with LIMIT 1 SQLite keeps the least row instead of sorting.)
    sql = (f"SELECT id FROM {_CARDS} WHERE did IN ({in_decks}) AND queue = ? AND due <= ? "
           f"ORDER BY {order} LIMIT ?")

    def read(queue: int, limit: int = -1) -> list[int]:
        return [row[0] for row in _tuples(ctx, sql, (queue, today, limit))]

    interday = read(3) if found.get(3) else []
    reviews = found.get(2, 0)
    if not reviews:
        return interday, []
    return interday, _LaterIds(reviews, read(2, 1)[0], lambda: read(2))


def _review_order(ctx: _Context) -> str:
    template = _REVIEW_ORDERS.get(ctx.preset.review_order, _REVIEW_ORDERS[0])
    if ctx.selected.is_filtered:
        template = "due, id"
    return template.format(h=_sql_hash("id", ctx.salt), deck=ctx.deck_order_sql(),
                           today=ctx.timing.today)


def _gather_new(ctx: _Context) -> list[_Row]:
    out: list[_Row] = []
    priority = ctx.preset.new_card_gather_priority
    if ctx.selected.is_filtered:
        _gather_limited(ctx, _rows(ctx, "queue = 0", "due, id"), KIND_NEW, out, new=True)
        return out
    if priority in (GATHER_DECK, GATHER_DECK_RANDOM_NOTES):
        order = ("due, ord, id" if priority == GATHER_DECK
                 else f"{_sql_hash('nid', ctx.salt)}, nid, ord")
        for did in ctx.deck_ids:
            if ctx.tree.root_exhausted(True):
                break
            if ctx.tree.remaining(did).new <= 0:
                continue
            rows = _tuples(ctx, f"SELECT {_COLUMNS} FROM {_CARDS} WHERE did = ? AND queue = 0 "
                                f"ORDER BY {order}", (did,))
            if ctx.bury is None:
                # Nothing skips a card: the deck's room is taken in one go (issue 3: card by
                # card, the limit bookkeeping cost more than the query).
                room = ctx.tree.remaining(did).new
                taken = list(islice(rows, room))
                ctx.tree.take_new_many(did, len(taken))
                out += taken
                continue
            _gather_limited(ctx, rows, KIND_NEW, out, new=True)
        return out
    order = {
        GATHER_ASCENDING: "due, ord, id",
        GATHER_DESCENDING: "due DESC, ord, id",
        GATHER_RANDOM_NOTES: f"{_sql_hash('nid', ctx.salt)}, nid, ord",
        GATHER_RANDOM_CARDS: _sql_hash("id", ctx.salt),
    }.get(priority, "due, ord, id")
    _gather_limited(ctx, _rows(ctx, "queue = 0", order), KIND_NEW, out, new=True)
    return out


def _sort_new(ctx: _Context, cards: list[_Row]) -> list[_Row]:
    if ctx.selected.is_filtered:
        return cards
    salt = ctx.salt
    mode = ctx.preset.new_card_sort_order
    if mode == SORT_TYPE_THEN_GATHERED:
        return sorted(cards, key=itemgetter(_ORD))
    if mode == SORT_TYPE_THEN_RANDOM:
        return sorted(cards, key=lambda e: (e[_ORD], py_hash(e[_ID], salt)))
    if mode == SORT_RANDOM_NOTE_THEN_TYPE:
        return sorted(cards, key=lambda e: (py_hash(e[_NID], salt), e[_NID], e[_ORD]))
    if mode == SORT_RANDOM:
        return sorted(cards, key=lambda e: py_hash(e[_ID], salt))
    return cards


def build_queue(col: Collection, deck: Deck, timing: SchedTiming, learn_ahead_secs: int,
                all_decks: list[Deck] | None = None,
                configs: dict[int, DeckConfig] | None = None,
                new_ignores_review_limit: bool | None = None,
                limits_from_top: bool | None = None) -> StudyQueue:
    """Gather today's cards of `deck` and its descendants (see the module docstring).

    `all_decks` (in deck-list order), `configs` (presets by id) and the collection options
    `newCardsIgnoreReviewLimit` and `applyAllParentLimits` may be passed when the caller has
    them already.
    """
    all_decks = col.decks.all() if all_decks is None else all_decks
    decks = subtree(all_decks, deck)
    configs = {c.id: c for c in col.deck_configs()} if configs is None else configs
    default = configs.get(DEFAULT_CONFIG_ID) or DeckConfig()
    preset = default if deck.is_filtered else configs.get(deck.config_id, default)
    ignore_review = bool(col.get_config("newCardsIgnoreReviewLimit", False)
                         if new_ignores_review_limit is None else new_ignores_review_limit)
    if limits_from_top is None:
        limits_from_top = bool(col.get_config("applyAllParentLimits", False))
    root = deck
    limit_decks = decks
    if not deck.is_filtered and limits_from_top:
        ancestors = _ancestors(all_decks, deck)
        if ancestors:
            root = ancestors[0]
            limit_decks = ancestors + decks
    tree = LimitTree.build(root, limit_decks, configs, timing.today, ignore_review)
    by_id = {d.id: d for d in all_decks}
    ctx = _Context(col=col, timing=timing, selected=deck, decks=decks,
                   deck_ids=[d.id for d in decks], configs=configs, preset=preset, tree=tree,
                   bury=_BuryModes(_home_flags_lookup(col, by_id, configs)) if any(
                       c.bury_new or c.bury_reviews or c.bury_interday_learning
                       for c in configs.values()) else None,
                   salt=day_salt(timing.today))
    queue = StudyQueue(deck.id, timing.today, timing.next_day_at, learn_ahead_secs,
                       frozenset(ctx.deck_ids))
    _gather_intraday(ctx, queue)
    order = _review_order(ctx)
    both = _gather_all_due(ctx, order)
    if both is not None:
        interday, reviews = both
    else:
        interday = _gather_due(ctx, "queue = 3 AND due <= ?", (timing.today,), order,
                               KIND_DAY_LEARN)
        reviews = _gather_due(ctx, "queue = 2 AND due <= ?", (timing.today,), order,
                              KIND_REVIEW)
    new = [e[_ID] for e in _sort_new(ctx, _gather_new(ctx))]
    if isinstance(reviews, _LaterIds):
        later = reviews
        counts = {KIND_REVIEW: later.count, KIND_DAY_LEARN: len(interday), KIND_NEW: len(new)}
        first = _mix_first(preset.interday_learning_mix, later.count,
                           (later.first, KIND_REVIEW), interday, KIND_DAY_LEARN)
        first = _mix_first(preset.new_mix, later.count + len(interday), first, new, KIND_NEW)
        assert first is not None  # there is a review
        queue.set_main_later(first, lambda: _main_queue(preset, later.read(), interday, new),
                             counts)
        return queue
    queue.set_main(*_main_queue(preset, reviews, interday, new), {
        KIND_REVIEW: len(reviews), KIND_DAY_LEARN: len(interday), KIND_NEW: len(new)})
    return queue


def _main_queue(preset: DeckConfig, reviews: list[int], interday: list[int],
                new: list[int]) -> tuple[list[int], dict[int, str]]:
    """The main queue's ids in display order (§3.4) and each one's kind."""
    kinds = dict.fromkeys(reviews, KIND_REVIEW)
    kinds.update(dict.fromkeys(interday, KIND_DAY_LEARN))
    kinds.update(dict.fromkeys(new, KIND_NEW))
    main = _mix(preset.interday_learning_mix, reviews, interday)
    return _mix(preset.new_mix, main, new), kinds


def _mix_first(mode: int, base_count: int, base_first: tuple[int, str] | None,
               other: list[int], other_kind: str) -> tuple[int, str] | None:
    """The first card of `_mix(mode, base, other)` knowing only `base`'s length and first
    card."""
    other_first = (other[0], other_kind) if other else None
    if not other or mode == MIX_AFTER_REVIEWS:
        return base_first if base_count else other_first
    if not base_count or mode == MIX_BEFORE_REVIEWS:
        return other_first
    # mix_evenly: the base's first cards come first when its step is at least one card
    return base_first if int((base_count + 1) / (len(other) + 1)) >= 1 else other_first
