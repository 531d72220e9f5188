"""Studying a collection: `col.sched` gives the next card and commits answers (§1.9, §3).

`Scheduler.get_next_card(deck)` returns the card to show, its four next states and the
labels for the answer buttons; `answer_card(card, button)` writes the chosen state to the
card, a review-log row, the leech tag, sibling burying and today's counters in ONE
operation ("Answer Card"), so one undo restores all of it.

Between computing the states and committing them, `col.callbacks.scheduling_states_will_commit`
(filled by the host with add-on hooks and user scripts) may replace them: `get_next_card`
passes them through it, so the buttons show the intervals that will be stored, and
`answer_card` commits those (when called without states it computes them and passes them
through it itself). A replacement is checked (`validation.check_states`); if it fails, the
original states are used and the failure is recorded in `Scheduler.state_errors` (and on
the answer's result). After the commit `col.callbacks.scheduling_did_answer` is told.

Fuzz is on unless switched off (config `fuzz: false`, env REPETEND_NO_FUZZ=1 or
ANKI_TEST_MODE=1); Anki's load balancer is not modelled, so fuzzed intervals are uniform
within Anki's fuzz range. The clock is `Scheduler.clock` (a callable returning epoch
seconds) and the time zone `Scheduler.tz` (None = the system's), so tests can put the
scheduler at any moment.
"""

from __future__ import annotations

import json
import operator
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from repetend.core.cards import Card
from repetend.core.deckconfig import DEFAULT_CONFIG_ID, DeckConfig
from repetend.core.decks import SEPARATOR, Deck, fold, name_key, normalize_name
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.notes import canonical_tags, str_to_tags, tags_to_str
from repetend.core.scheduler.apply import AppliedState, apply_state, revlog_values
from repetend.core.scheduler.card import (
    CardQueue,
    CardSchedulingFields,
    current_state_from_card,
    queue_from_type,
)
from repetend.core.scheduler.config import FilteredDeckSettings, SchedulingConfig
from repetend.core.scheduler.context import StateContext, fuzz_seed_for
from repetend.core.scheduler.evolve import replace
from repetend.core.scheduler.labels import (
    DEFAULT_LEARN_AHEAD_SECS,
    describe_next_states,
    format_interval,
    state_delay_secs,
)
from repetend.core.scheduler.limits import (
    NEW_TODAY,
    REVIEW_TODAY,
    TIME_TODAY,
    bump_studied,
)
from repetend.core.scheduler.queues import (
    Counts,
    StudyQueue,
    build_queue,
    subtree,
    unbury_on_new_day,
)
from repetend.core.scheduler.states import CardState, PreviewState, SchedulingStates
from repetend.core.scheduler.timing import DEFAULT_ROLLOVER, SchedTiming, sched_timing
from repetend.core.scheduler.transitions import next_states
from repetend.core.scheduler.validation import StatesInvalid, check_states, without_elapsed

if TYPE_CHECKING:
    from repetend.core.collection import Collection

__all__ = ["BUTTON_NAMES", "NO_FUZZ_ENV", "AnswerResult", "DeckDueCounts", "QueuedCard",
           "Scheduler", "parse_button"]

BUTTON_NAMES = ("again", "hard", "good", "easy")
#: Compact JSON for the card and deck columns an answer writes (one encoder, made once).
_compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _reused_c_encoder() -> Callable[[dict[str, Any]], str]:
    """`_compact_json` for dicts, with CPython's C encoder made once instead of at every call
    (`JSONEncoder.encode` makes one each time: 1.4 of 2 µs for a deck's counters; an answer
    writes four such objects, issue 3). Falls back to `_compact_json` where that encoder is
    missing or does not write exactly what `_compact_json` writes."""
    try:
        from json.encoder import c_make_encoder, encode_basestring

        chunks = c_make_encoder(None, json.JSONEncoder().default, encode_basestring, None,
                                ":", ",", False, False, True)
        sample = {"lrt": 1795694468, "cd": "é\"\n", "s": 2.3065, "x": [1, None, True],
                  "deck": {"revToday": [69, 12]}, "n": float("nan")}
        if "".join(chunks(sample, 0)) != _compact_json(sample):
            return _compact_json
    except Exception:  # not CPython, or another signature
        return _compact_json
    return lambda obj: "".join(chunks(obj, 0))


_object_json = _reused_c_encoder()
#: Either variable set to 1 switches fuzz off (the second is the one Anki's tests use).
NO_FUZZ_ENV = ("REPETEND_NO_FUZZ", "ANKI_TEST_MODE")
LEECH_TAG = "leech"

# Sibling burying reaches only queues gathered no earlier than the answered card's (§3.3):
# intraday learning, then interday learning, then reviews, then new cards.
_GATHER_RANK = {CardQueue.LEARN: 0, CardQueue.PREVIEW: 0, CardQueue.DAY_LEARN: 1,
                CardQueue.REVIEW: 2, CardQueue.NEW: 3}


def parse_button(button: int | str) -> int:
    """1–4, or again/hard/good/easy (any case)."""
    if isinstance(button, str):
        name = button.strip().lower()
        if name in BUTTON_NAMES:
            return BUTTON_NAMES.index(name) + 1
        if name.isdigit():
            button = int(name)
    if isinstance(button, int) and not isinstance(button, bool) and 1 <= button <= 4:
        return button
    raise InvalidInput(f"answer must be 1–4 or again/hard/good/easy, not {button!r}")


@dataclass(frozen=True)
class QueuedCard:
    """The card to show, what each button would do, and the counts before answering it."""

    card: Card
    states: SchedulingStates
    #: Again, Hard, Good, Easy labels ("<1m", "10m", "4d", "1.2mo")
    labels: tuple[str, str, str, str]
    #: "new", "intraday", "interday" or "review"
    kind: str
    counts: Counts


@dataclass(frozen=True)
class AnswerResult:
    card: Card
    button: int
    state: CardState
    revlog_id: int
    #: the delay until the card is due again, in seconds, and as Anki would write it
    interval_secs: int
    interval: str
    leeched: bool = False
    suspended: bool = False
    buried_siblings: tuple[int, ...] = ()
    #: why replacement states from `scheduling_states_will_commit` were refused, if they were
    states_error: str | None = None


@dataclass(frozen=True)
class DeckDueCounts:
    id: int
    name: str
    depth: int
    new: int
    learn: int
    review: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "depth": self.depth, "new": self.new,
                "learn": self.learn, "review": self.review}


#: Card columns answering may change (besides mtime, usn and data).
_ANSWER_COLUMNS = ("did", "type", "queue", "due", "ivl", "factor", "reps", "lapses", "left",
                   "odue", "odid")

_CARD_COLUMNS = ("nid, did, ord, id, mtime, usn, type, queue, due, ivl, factor, reps, lapses, "
                 "left, odue, odid, flags, data")


def load_card(col: Collection, cid: int) -> Card:
    """A card straight from its row (the scheduler reads one for every card shown)."""
    return _card_from_row(_card_row(col, cid))


def _card_row(col: Collection, cid: int) -> tuple[Any, ...]:
    row = col.db.execute(f"SELECT {_CARD_COLUMNS} FROM cards WHERE id = ?", (cid,)).fetchone()
    if row is None:
        raise NotFoundError(f"no card with id {cid}")
    return row


def _card_from_row(row: tuple[Any, ...]) -> Card:
    """A fresh Card (its own `data` dict) from a row of `_CARD_COLUMNS`."""
    try:
        data = json.loads(row[17]) if row[17] else {}
    except ValueError:
        data = {}
    return Card(*row[:17], data=data if isinstance(data, dict) else {})


#: A card's scheduling fields as one tuple, in `CardSchedulingFields` order (a cheap
#: comparison of two cards).
_sched_key = operator.attrgetter(*(f.name for f in fields(CardSchedulingFields)))


def _sched_fields(card: Card) -> CardSchedulingFields:
    return CardSchedulingFields(*_sched_key(card))


def scheduling_config(conf: DeckConfig) -> SchedulingConfig:
    """The options of a preset the state machine reads."""
    return SchedulingConfig(
        learn_steps=tuple(conf.learn_steps), relearn_steps=tuple(conf.relearn_steps),
        graduating_interval_good=conf.graduating_interval_good,
        graduating_interval_easy=conf.graduating_interval_easy,
        initial_ease=conf.initial_ease, easy_multiplier=conf.easy_multiplier,
        hard_multiplier=conf.hard_multiplier, lapse_multiplier=conf.lapse_multiplier,
        interval_multiplier=conf.interval_multiplier,
        maximum_review_interval=conf.maximum_review_interval,
        minimum_lapse_interval=conf.minimum_lapse_interval,
        leech_threshold=conf.leech_threshold, leech_action=conf.leech_action)


def filtered_settings(deck: Deck) -> FilteredDeckSettings:
    """A filtered deck's answering settings from its `extra` (Anki's schema-11 names, with
    the modern names accepted too)."""
    extra = deck.extra
    default = FilteredDeckSettings()

    def secs(*keys: str, fallback: int) -> int:
        for key in keys:
            value = extra.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return max(int(value), 0)
        return fallback

    reschedule = extra.get("resched", extra.get("reschedule", default.reschedule))
    return FilteredDeckSettings(
        reschedule=bool(reschedule),
        preview_again_secs=secs("previewAgainSecs", "preview_again_secs",
                                fallback=default.preview_again_secs),
        preview_hard_secs=secs("previewHardSecs", "preview_hard_secs",
                               fallback=default.preview_hard_secs),
        preview_good_secs=secs("previewGoodSecs", "preview_good_secs",
                               fallback=default.preview_good_secs))


@lru_cache(maxsize=16)
def _counters_sql(decks: int) -> str:
    """The one UPDATE writing today's counters of `decks` decks (a deck and its parents)."""
    cases = " ".join("WHEN ? THEN ?" for _ in range(decks))
    return (f"UPDATE decks SET extra = CASE id {cases} END, mtime = ?, usn = -1 "
            f"WHERE id IN ({','.join('?' * decks)})")


@lru_cache(maxsize=256)
def _card_update_sql(columns: tuple[str, ...], check_key: bool = False) -> str:
    """The answered card's row update; `check_key` adds the change key's condition."""
    check = " AND (SELECT mod FROM col) = ? AND (SELECT max(id) FROM undo_steps) IS ?" \
        if check_key else ""
    return f"UPDATE cards SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?{check}"


class _Stale(Exception):
    """The collection changed since the change key an answer was computed under."""


@dataclass(frozen=True)
class _Issued:
    """What `get_next_card` read and derived for the card it gave out. Answering that card
    under the same change key reads no row and derives no state again (issue 3)."""

    #: the collection's change key when the row was read
    key: tuple[Any, ...]
    #: the card's row (`_CARD_COLUMNS` first), and our own copy of the card given out
    row: Any
    card: Card
    #: the states given out (held, so that their id stays theirs while issued)
    states: SchedulingStates
    #: the card's scheduling fields, current state and the context of its states, as then
    fields: CardSchedulingFields
    current: CardState
    ctx: StateContext


#: The card row and the change key (`Scheduler._change_key`) in one statement: the next card
#: of an open session is read this way, and the key says whether the session still holds.
_ROW_AND_KEY_SQL = (f"SELECT {_CARD_COLUMNS}, (SELECT mod FROM col), "
                    "(SELECT max(id) FROM undo_steps) FROM cards WHERE id = ?")


#: `Scheduler._first_read`: the change key, `crt`, the config values the scheduler reads (as
#: one JSON object, an invalid value as null) and whether any card is buried (for the day's
#: unburying; by the (queue, due) index: two lookups instead of two per deck).
_FIRST_READ_SQL = (
    "SELECT (SELECT mod FROM col), (SELECT max(id) FROM undo_steps), (SELECT crt FROM col), "
    "(SELECT json_group_object(key, json(CASE WHEN json_valid(value) THEN value "
    "ELSE 'null' END)) FROM config WHERE key IN (?, ?, ?, ?, ?, ?, ?)), "
    "EXISTS (SELECT 1 FROM cards INDEXED BY ix_cards_queue_due WHERE queue IN (-2, -3) "
    "AND did IN (SELECT id FROM decks))")


@dataclass
class _Caches:
    """Decks and presets read during one state of the collection (dropped on any change)."""

    key: tuple[Any, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    deck_list: list[Deck] = field(default_factory=list)
    decks: dict[int, Deck] = field(default_factory=dict)
    deck_names: dict[str, Deck] = field(default_factory=dict)
    #: by name as Anki compares deck names (`decks.name_key`); None where an older version
    #: stored two decks under one such name (`DeckManager.by_name` then picks)
    deck_folded: dict[str, Deck | None] = field(default_factory=dict)
    all_configs: bool = False
    configs: dict[int, DeckConfig] = field(default_factory=dict)
    sched_configs: dict[int, SchedulingConfig] = field(default_factory=dict)
    #: deck id -> ids of the deck and its parents (whose counters an answer bumps)
    lineages: dict[int, list[int]] = field(default_factory=dict)


class Scheduler:
    """Anki's v3 study session over a collection (`col.sched`)."""

    def __init__(self, col: Collection, clock: Callable[[], float] | None = None,
                 tz: tzinfo | None = None) -> None:
        self.col = col
        #: epoch seconds now; replace to move the scheduler in time (tests, simulations)
        self.clock: Callable[[], float] = clock or time.time
        #: time zone of the day cutoff; None = the system's local zone
        self.tz = tz
        #: force fuzz on/off; None = collection config `fuzz` unless switched off by env
        self.fuzz: bool | None = None
        #: messages for replacement states that were refused (newest last)
        self.state_errors: list[str] = []
        #: messages for `scheduling_did_answer` listeners that raised
        self.callback_errors: list[str] = []
        self._queue: StudyQueue | None = None
        self._queue_key: tuple[Any, ...] = ()
        self._caches = _Caches()
        self._answer_steps: dict[int, int] = {}
        self._front_card: int | None = None
        self._day: tuple[Any, int, SchedTiming] | None = None
        self._issued: _Issued | None = None
        self._last_revlog_id = 0

    # --- clock, day and options ---------------------------------------------------------

    def set_now(self, now: float) -> None:
        """Stop the clock at `now` (epoch seconds)."""
        self.clock = lambda: now

    def now(self) -> int:
        return int(self.clock())

    def timing(self) -> SchedTiming:
        """Today's day number and the next day cutoff for the collection, at the clock's now."""
        self._refresh()
        return self._timing()

    def _timing(self) -> SchedTiming:
        now = self.now()
        settings = self._setting("timing")
        cached = self._day
        # The day number only changes at the cutoff: reuse it between then and the moment it
        # was computed (a clock moved backwards recomputes it).
        if cached is not None and cached[0] == (settings, self.tz) and \
                cached[1] <= now < cached[2].next_day_at:
            return SchedTiming(now, cached[2].today, cached[2].next_day_at)
        rollover, offset, crt = settings
        timing = sched_timing(crt, now, rollover, offset, self.tz)
        self._day = ((settings, self.tz), now, timing)
        return timing

    def fuzz_enabled(self) -> bool:
        """Fuzz is on unless `fuzz` is false in the collection config, an environment variable
        of NO_FUZZ_ENV is 1, or `Scheduler.fuzz` says otherwise."""
        self._refresh()
        return self._fuzz_on()

    def _fuzz_on(self) -> bool:
        if self.fuzz is not None:
            return self.fuzz
        environ = os.environ  # (no generator: this runs for every card shown and answered)
        if environ.get(NO_FUZZ_ENV[0]) == "1" or environ.get(NO_FUZZ_ENV[1]) == "1":
            return False
        return bool(self._setting("fuzz"))

    def learn_ahead_secs(self) -> int:
        """The learn-ahead limit in seconds (collection config `collapseTime`)."""
        self._refresh()
        return self._setting("collapseTime")

    #: Collection config keys the scheduler reads, with their defaults.
    _CONFIG_KEYS = {"rollover": DEFAULT_ROLLOVER, "creationOffset": None,
                    "collapseTime": DEFAULT_LEARN_AHEAD_SECS, "fuzz": True,
                    "newCardsIgnoreReviewLimit": False, "applyAllParentLimits": False,
                    "lastUnburied": None}

    def _setting(self, name: str) -> Any:
        """Collection settings the scheduler reads, cached until the collection changes."""
        settings = self._caches.settings
        if not settings:
            raw = dict(self._CONFIG_KEYS)
            marks = ",".join("?" for _ in raw)
            for key, value in self.col.db.execute(
                    f"SELECT key, value FROM config WHERE key IN ({marks})", tuple(raw)):
                try:
                    raw[key] = json.loads(value)
                except ValueError:
                    continue
            self._fill_settings(raw, self.col.crt, None)
        return settings[name]

    def _fill_settings(self, raw: dict[str, Any], crt: int, any_buried: bool | None) -> None:
        """The cached settings from the stored config values (`raw`, defaults for missing
        ones) and the collection's creation time."""

        def whole(value: Any, default: Any) -> Any:
            ok = isinstance(value, int) and not isinstance(value, bool)
            return value if ok else default

        collapse = whole(raw["collapseTime"], DEFAULT_LEARN_AHEAD_SECS)
        self._caches.settings.update({
            "timing": (whole(raw["rollover"], DEFAULT_ROLLOVER),
                       whole(raw["creationOffset"], None), crt),
            "collapseTime": collapse if collapse >= 0 else DEFAULT_LEARN_AHEAD_SECS,
            "fuzz": raw["fuzz"] is not False,
            "newCardsIgnoreReviewLimit": bool(raw["newCardsIgnoreReviewLimit"]),
            "applyAllParentLimits": bool(raw["applyAllParentLimits"]),
            "lastUnburied": raw["lastUnburied"],
            "anyBuried": any_buried,
        })

    def _unbury_on_new_day(self, today: int) -> None:
        """`unbury_on_new_day` with what the cached settings know already."""
        last = self._setting("lastUnburied")
        unbury_on_new_day(self.col, today, last, self._caches.settings["anyBuried"])

    def _change_key(self) -> tuple[Any, ...]:
        """Changes whenever an operation (here or in another process) or an undo changed the
        collection: its modification time and the newest undo step. (Writes made outside
        `col.op` are seen after the next operation.)"""
        row = self.col.db.execute(
            "SELECT (SELECT mod FROM col), (SELECT max(id) FROM undo_steps)").fetchone()
        return (row[0], row[1])

    def _refresh(self) -> tuple[Any, ...]:
        """Drop cached decks, presets and settings if the collection changed; the key."""
        if not self._caches.key:
            return self._first_read()
        key = self._change_key()
        if self._caches.key != key:
            self._caches = _Caches(key=key)
        return key

    def _first_read(self) -> tuple[Any, ...]:
        """The change key, the settings and whether any card is buried, in one statement:
        what a freshly opened collection reads before its first card (issue 3: four
        statements were one tenth of the time to the first card)."""
        row = self.col.db.execute(_FIRST_READ_SQL, tuple(self._CONFIG_KEYS)).fetchone()
        key = (row[0], row[1])
        self._caches = _Caches(key=key)
        raw = dict(self._CONFIG_KEYS)
        if row[3]:
            raw.update(json.loads(row[3]))  # invalid values came back as null: defaults
        self._fill_settings(raw, row[2], bool(row[4]))
        return key

    def _all_decks(self) -> list[Deck]:
        """Every deck in deck-list order (cached)."""
        caches = self._caches
        if not caches.deck_list:
            caches.deck_list = self.col.decks.all()
            for deck in caches.deck_list:
                caches.decks[deck.id] = deck
                caches.deck_names[deck.name.casefold()] = deck
                key = name_key(deck.name)
                caches.deck_folded[key] = None if key in caches.deck_folded else deck
        return caches.deck_list

    def _all_presets(self) -> dict[int, DeckConfig]:
        caches = self._caches
        if not caches.all_configs:
            caches.configs.update(
                (r[0], DeckConfig.from_options(r[0], r[1], r[2], r[3], json.loads(r[4])))
                for r in self.col.db.execute(
                    "SELECT id, name, mtime, usn, config FROM deck_configs"))
            caches.all_configs = True
        return caches.configs

    def _deck(self, did: int) -> Deck:
        self._all_decks()
        deck = self._caches.decks.get(did)
        if deck is None:
            raise NotFoundError(f"no deck with id {did}")
        return deck

    def _parents(self, deck: Deck) -> list[Deck]:
        self._deck(deck.id)
        names = self._caches.deck_names
        found = (names.get(SEPARATOR.join(deck.components[:depth]).casefold())
                 for depth in range(1, len(deck.components)))
        return [d for d in found if d is not None]

    def _preset(self, did: int) -> DeckConfig:
        """The preset of the normal deck `did` (the default preset if it is gone)."""
        caches = self._caches
        try:
            conf_id = self._deck(did).config_id
        except NotFoundError:
            conf_id = DEFAULT_CONFIG_ID
        conf = caches.configs.get(conf_id)
        if conf is None:
            conf = caches.configs[conf_id] = self.col.deck_config(conf_id)
        return conf

    def _sched_config(self, did: int) -> SchedulingConfig:
        caches = self._caches
        conf = self._preset(did)
        sc = caches.sched_configs.get(conf.id)
        if sc is None:
            sc = caches.sched_configs[conf.id] = scheduling_config(conf)
        return sc

    def _context(self, card: Card, timing: SchedTiming) -> StateContext:
        filtered = filtered_settings(self._deck(card.did)) if card.odid else None
        seed = fuzz_seed_for(card.id, card.reps) if self._fuzz_on() else None
        return StateContext(config=self._sched_config(card.odid or card.did),
                            secs_until_rollover=timing.secs_until_rollover, today=timing.today,
                            now=timing.now, fuzz_seed=seed, filtered=filtered)

    # --- states -----------------------------------------------------------------------

    def _current(self, fields: CardSchedulingFields, timing: SchedTiming,
                 ctx: StateContext) -> CardState:
        """The current state of a card with scheduling `fields`, under `ctx`."""
        return current_state_from_card(fields, ctx.config, timing.today, timing.now,
                                       ctx.filtered, fuzz=ctx.fuzz_seed is not None)

    def current_state(self, card: Card) -> CardState:
        """The state the card is in now, as answering derives it."""
        self._refresh()
        timing = self._timing()
        return self._current(_sched_fields(card), timing, self._context(card, timing))

    def _states(self, card: Card, timing: SchedTiming) -> SchedulingStates:
        ctx = self._context(card, timing)
        return next_states(self._current(_sched_fields(card), timing, ctx), ctx)

    def states_for(self, card: Card) -> SchedulingStates:
        """The card's current state and the four next states, at the clock's now."""
        self._refresh()
        return self._states(card, self._timing())

    def _labels(self, states: SchedulingStates,
                timing: SchedTiming) -> tuple[str, str, str, str]:
        a, h, g, e = describe_next_states(states, timing.secs_until_rollover,
                                          self._setting("collapseTime"))
        return a, h, g, e

    def labels_for(self, states: SchedulingStates) -> tuple[str, str, str, str]:
        """Labels of the Again, Hard, Good and Easy buttons for `states`."""
        self._refresh()
        return self._labels(states, self._timing())

    # --- queues -----------------------------------------------------------------------

    def resolve_deck(self, deck: Deck | int | str | None) -> Deck:
        """A deck from an id, a name or None (the current deck, config `curDeck`)."""
        if isinstance(deck, Deck):
            return deck
        if deck is None:
            current = self.col.get_config("curDeck", 1)
            try:
                return self.col.decks.get(int(current))
            except (NotFoundError, TypeError, ValueError):
                return self.col.decks.get(1)
        if isinstance(deck, int):
            return self.col.decks.get(deck)
        return self.col.decks.by_name(deck)

    def _resolve(self, deck: Deck | int | str | None) -> Deck:
        """`resolve_deck` from the cached decks where it can (issue 3: one statement less
        before the first card). The deck is the cache's own: only read it."""
        if isinstance(deck, Deck):
            return deck
        if isinstance(deck, str):
            self._all_decks()
            found = self._caches.deck_folded.get(fold(normalize_name(deck)))
        elif isinstance(deck, int):
            self._all_decks()
            found = self._caches.decks.get(deck)
        else:
            found = None
        return found if found is not None else self.resolve_deck(deck)

    def _session(self, deck: Deck, timing: SchedTiming, key: tuple[Any, ...],
                 keep: bool = True) -> StudyQueue:
        """The study queue of `deck`, rebuilt when the deck, the day or the collection changed
        (`key` is the collection's current change key). With `keep` it becomes the session
        answers are checked against; without, another deck's session stays open."""
        queue = self._queue
        if queue is not None and queue.deck_id == deck.id and queue.today == timing.today \
                and self._queue_key == key:
            return queue
        self._unbury_on_new_day(timing.today)
        queue = build_queue(self.col, deck, timing, self._setting("collapseTime"),
                            self._all_decks(),
                            self._all_presets(), self._setting("newCardsIgnoreReviewLimit"),
                            self._setting("applyAllParentLimits"))
        if keep or self._queue is None or self._queue.deck_id == deck.id:
            self._queue, self._queue_key = queue, key
        return queue

    def open_session(self, deck: Deck | int | str | None = None) -> Counts:
        """Start studying `deck` (answers are then checked against its queue); its counts."""
        key = self._refresh()
        deck = self._resolve(deck)
        timing = self._timing()
        return self._session(deck, timing, key).counts(timing.now)

    def get_next_card(self, deck: Deck | int | str | None = None) -> QueuedCard | None:
        """The next card of `deck` (default: the current deck) and its next states, or None
        when nothing is due now (learning cards may still be waiting: see `counts`)."""
        queued = self._next_in_open_session(deck)
        if queued is not None:
            return queued
        key = self._refresh()
        deck = self._resolve(deck)
        timing = self._timing()
        queue = self._session(deck, timing, key)
        entry = None
        if self._front_card is not None:
            kind = queue.kind_of(self._front_card)
            entry = (self._front_card, kind) if kind is not None else None
            self._front_card = None
        if entry is None:
            entry = queue.next_entry(timing.now)
        if entry is None:
            return None
        return self._issue(queue, entry[1], _card_row(self.col, entry[0]), key, timing)

    def _next_in_open_session(self, deck: Deck | int | str | None) -> QueuedCard | None:
        """The next card of the open session, read with the change key in one statement
        (issue 3: one statement less per answer). None when the full path must decide: the
        key moved since the session last looked, another deck or day, a card put back in
        front by undo, nothing due, or a deck given by name or not at all."""
        queue = self._queue
        if queue is None or self._front_card is not None or \
                self._queue_key != self._caches.key:
            return None
        deck_id = deck.id if isinstance(deck, Deck) else deck
        if type(deck_id) is not int or deck_id != queue.deck_id:
            return None
        timing = self._timing()
        if queue.today != timing.today:
            return None
        entry = queue.next_entry(timing.now)
        if entry is None:
            return None
        row = self.col.db.execute(_ROW_AND_KEY_SQL, (entry[0],)).fetchone()
        if row is None or (row[18], row[19]) != self._queue_key:
            return None  # changed meanwhile (or the card is gone): the full path rebuilds
        return self._issue(queue, entry[1], row, self._queue_key, timing)

    def _issue(self, queue: StudyQueue, kind: str, row: Any, key: tuple[Any, ...],
               timing: SchedTiming) -> QueuedCard:
        """Give out the card of `row` (read under `key`) with its states and labels."""
        card = _card_from_row(row)
        ctx = self._context(card, timing)
        fields = _sched_fields(card)
        current = self._current(fields, timing, ctx)
        # The buttons show the states that will be committed: after add-ons and scripts.
        states, _ = self._commit_states(card, next_states(current, ctx))
        self._issued = _Issued(key, row, replace(card, data=dict(card.data)), states, fields,
                               current, ctx)
        return QueuedCard(card=card, states=states, labels=self._labels(states, timing),
                          kind=kind, counts=queue.counts(timing.now))

    def counts(self, deck: Deck | int | str | None = None) -> Counts:
        """New, learning and review counts of `deck`'s session right now."""
        key = self._refresh()
        deck = self._resolve(deck)
        timing = self._timing()
        return self._session(deck, timing, key, keep=False).counts(timing.now)

    def queued_card_ids(self, deck: Deck | int | str | None = None) -> list[int]:
        """The ids of the cards `deck`'s session would show from now on, in order."""
        key = self._refresh()
        deck = self._resolve(deck)
        timing = self._timing()
        return self._session(deck, timing, key, keep=False).card_ids(timing.now)

    def next_learning_due(self, deck: Deck | int | str | None = None) -> int | None:
        """When the next intraday learning card of `deck`'s session is due (epoch seconds),
        or None if none is left today; for "come back in N minutes"."""
        key = self._refresh()
        deck = self._resolve(deck)
        queue = self._session(deck, self._timing(), key, keep=False)
        return queue.learning[0].due if queue.learning else None

    def due_tree(self, deck: Deck | int | str | None = None) -> list[DeckDueCounts]:
        """Counts for every deck (or `deck` and its descendants), each as if it were the deck
        being studied, in deck-list order."""
        self._refresh()
        timing = self._timing()
        self._unbury_on_new_day(timing.today)
        all_decks = self._all_decks()
        decks = all_decks if deck is None else subtree(all_decks, self._resolve(deck))
        ahead = self._setting("collapseTime")
        out = []
        for d in decks:
            counts = build_queue(self.col, d, timing, ahead, all_decks, self._all_presets(),
                                 self._setting("newCardsIgnoreReviewLimit"),
                                 self._setting("applyAllParentLimits")).counts(timing.now)
            out.append(DeckDueCounts(d.id, d.name, d.name.count(SEPARATOR), counts.new,
                                     counts.learn, counts.review))
        return out

    # --- answering --------------------------------------------------------------------

    def _not_due_reason(self, card: Card, timing: SchedTiming, deck: Deck) -> str:
        if card.queue == CardQueue.SUSPENDED:
            return f"card {card.id} is suspended"
        if card.queue in (CardQueue.SIBLING_BURIED, CardQueue.MANUALLY_BURIED):
            return f"card {card.id} is buried"
        if card.queue in (CardQueue.REVIEW, CardQueue.DAY_LEARN) and card.due > timing.today \
                and not card.odid:
            return (f"card {card.id} is not due: it is due in {card.due - timing.today} "
                    "day(s)")
        if card.queue in (CardQueue.LEARN, CardQueue.PREVIEW) and \
                card.due > timing.now + self._setting("collapseTime"):
            return (f"card {card.id} is not due: it is due in "
                    f"{format_interval(card.due - timing.now)}")
        return (f"card {card.id} is not due in today's session of deck {deck.name!r} (not in "
                "the deck, or held back by a daily limit or sibling burying)")

    def _answerable_in(self, card: Card, timing: SchedTiming,
                       key: tuple[Any, ...]) -> StudyQueue:
        """The session the card is answered in: the open one, else one for its own deck."""
        deck_id = self._queue.deck_id if self._queue is not None else card.did
        try:
            deck = self._deck(deck_id)
        except NotFoundError:
            deck = self._deck(card.did)
        queue = self._session(deck, timing, key)
        if not queue.is_answerable(card.id, timing.now):
            raise InvalidInput(self._not_due_reason(card, timing, deck))
        return queue

    def _commit_states(self, card: Card, states: SchedulingStates) -> tuple[SchedulingStates,
                                                                            str | None]:
        hook = self.col.callbacks.scheduling_states_will_commit
        if hook is None:
            return states, None
        try:
            replaced = hook(self.col, card, states)
        except Exception as exc:  # an extension point must not break answering
            error = f"replacing the states failed: {type(exc).__name__}: {exc}"
        else:
            if replaced is None or replaced is states:
                return states, None
            try:
                return check_states(replaced, states.current), None
            except StatesInvalid as exc:
                error = f"replacement states refused: {exc}"
        self.state_errors.append(f"card {card.id}: {error}")
        return states, error

    def answer_card(self, card: Card | int, button: int | str,
                    states: SchedulingStates | dict[str, Any] | None = None,
                    time_taken_ms: int = 0, check_due: bool = True) -> AnswerResult:
        """Answer `card` with button 1–4 (Again, Hard, Good, Easy) as one undoable step.

        `card` must be as it was shown (a stale copy means it was answered already) and, with
        `check_due`, due in the current study session (`get_next_card`'s deck, or the card's
        own deck when no session is open). `states` are the states shown (`get_next_card`'s,
        which already went through `scheduling_states_will_commit`), possibly changed by the
        caller; they must pass validation and are committed as they are. Without them the
        states are computed now and passed through `scheduling_states_will_commit`. The
        chosen button's custom data (`SchedulingStates.custom_data`), if set, replaces the
        card's. `time_taken_ms` is capped by the preset's
        maximum answer seconds. Without `check_due` any card can be answered as it stands
        (Anki's "Grade Now").
        """
        button = parse_button(button)
        key = self._unchanged_key(card, states)
        if key is not None:
            # Both exceptions come before anything is committed or any hook runs: the
            # quick path commits the states given out (no `scheduling_states_will_commit`),
            # and `scheduling_did_answer` is told only after the commit. So a retry runs
            # each hook once.
            try:
                return self._answer(card, button, states, time_taken_ms, check_due, key, True)
            except _Stale:
                pass  # another connection wrote meanwhile: the full way (which may refuse)
            except InvalidInput:
                # The refusal was reached from the rows read when the card was shown, under
                # a change key not read again. If it still holds, the full way would read
                # the same rows and refuse the same; if not, the card may have changed
                # elsewhere (a caller passing it as it is now), and the full way decides.
                if self._change_key() == key:
                    raise
        return self._answer(card, button, states, time_taken_ms, check_due, self._refresh(),
                            False)

    def _unchanged_key(self, card: Card | int, states: Any) -> tuple[Any, ...] | None:
        """The change key to answer the shown card under without reading it first (issue 3:
        one statement less per answer): the key the card was shown under, if nothing else
        has been seen to change since. The card's row update then checks, inside the
        operation, that the key still holds (`_Stale` otherwise). None: check first."""
        shown = self._issued
        if shown is None or states is None or states is not shown.states or \
                self.col.in_operation:
            return None
        cid = card if isinstance(card, int) else card.id
        key = self._caches.key
        if shown.row[3] != cid or shown.key != key or self._queue_key != key:
            return None
        return key

    def _answer(self, card: Card | int, button: int,
                states: SchedulingStates | dict[str, Any] | None, time_taken_ms: int,
                check_due: bool, key: tuple[Any, ...], verify: bool) -> AnswerResult:
        """`answer_card` under the change `key` (`verify`: not read yet, checked in the op)."""
        timing = self._timing()
        cid = card if isinstance(card, int) else card.id
        shown = self._issued
        if shown is not None and shown.row[3] != cid:
            shown = None
        # Unchanged since get_next_card read it (same change key): no need to read it again.
        issued = shown if shown is not None and shown.key == key else None
        stored = issued.card if issued is not None else load_card(self.col, cid)
        if not isinstance(card, int) and _sched_key(card) != _sched_key(stored):
            raise InvalidInput(f"card {cid} changed since it was shown (was it answered "
                               "already?); fetch it again")
        queue = self._answerable_in(stored, timing, key) if check_due else None
        if issued is not None and issued.ctx.today == timing.today and \
                (issued.ctx.fuzz_seed is not None) == self._fuzz_on():
            # The same row, day and options: the state derived when it was shown differs
            # from one derived now only in the seconds elapsed, which neither applying it
            # nor the review log reads; the context only needs the clock of now.
            fields, current = issued.fields, issued.current
            ctx = replace(issued.ctx, now=timing.now,
                          secs_until_rollover=timing.secs_until_rollover)
        else:
            ctx = self._context(stored, timing)
            fields = _sched_fields(stored)
            current = self._current(fields, timing, ctx)
        if states is not None and shown is not None and states is shown.states and \
                (states.current is current or  # type: ignore[union-attr]
                 without_elapsed(states.current) == without_elapsed(current)):  # type: ignore[union-attr]
            chosen, states_error = states, None  # the very states get_next_card gave out
        elif states is not None:
            try:
                chosen = check_states(states, current)
            except StatesInvalid as exc:
                raise InvalidInput(f"card {cid}: the given states are invalid: {exc}") from exc
            states_error = None
        else:
            chosen, states_error = self._commit_states(stored, next_states(current, ctx))
        next_state = chosen.for_button(button)
        applied = apply_state(fields, current, next_state, ctx)
        taken = min(max(int(time_taken_ms), 0),
                    self._preset(stored.odid or stored.did).cap_answer_time_to_secs * 1000)

        for session in (queue, self._queue):
            if session is not None:  # a queue known only to its first card reads the rest
                session.materialize()  # now, while the collection is as it was shown
        with self.col.op("Answer Card"):
            updated = self._write_card(stored, applied, next_state, timing,
                                       chosen.custom_data_for(button), key if verify else None)
            revlog_id = self._write_revlog(stored, button, current, next_state, timing, taken)
            if applied.leeched:
                self._tag_leech(stored.nid)
            buried = self._bury_siblings(stored)
            counters = self._count_answer(stored, timing, taken)
        change = self.col.last_change
        # The key the operation just committed (read back only inside an enclosing op).
        new_key = change if change is not None and not self.col.in_operation \
            else self._change_key()
        self._answer_steps[new_key[1]] = cid
        # Our own write: keep the caches (with the new counters) and the session.
        if self._caches.key == key:
            self._caches.key = new_key
            for deck_id, extra in counters.items():
                self._caches.decks[deck_id].extra = extra
        if queue is None and self._queue is not None and self._queue_key == key:
            queue = self._queue
        if queue is not None and self._queue_key == key:
            self._update_queue(queue, updated, buried, timing)
            self._queue_key = new_key

        told = self.col.callbacks.scheduling_did_answer
        if told is not None:
            try:
                told(self.col, updated, button)
            except Exception as exc:  # the answer is committed; a listener cannot undo it
                self.callback_errors.append(
                    f"scheduling_did_answer failed for card {cid}: {type(exc).__name__}: {exc}")

        delay = state_delay_secs(next_state, timing.secs_until_rollover)
        return AnswerResult(card=updated, button=button, state=next_state, revlog_id=revlog_id,
                            interval_secs=delay, interval=format_interval(delay) if delay
                            else "(end)", leeched=applied.leeched, suspended=applied.suspended,
                            buried_siblings=tuple(buried), states_error=states_error)

    def _write_card(self, card: Card, applied: AppliedState, next_state: CardState,
                    timing: SchedTiming, custom_data: str | None = None,
                    expect_key: tuple[Any, ...] | None = None) -> Card:
        """Store the answered card; with `expect_key`, only if the collection's change key is
        still that (else `_Stale`, and the operation rolls back)."""
        new = applied.card
        data = dict(card.data)
        if custom_data is not None:  # already checked: "" clears it (ANKI-FACTS §2.3)
            if custom_data:
                data["cd"] = custom_data
            else:
                data.pop("cd", None)
        if applied.original_position is not None:
            data["pos"] = applied.original_position
        if not isinstance(next_state, PreviewState):
            data["lrt"] = timing.now
        updated = Card(nid=card.nid, did=new.did, ord=card.ord, id=card.id, mtime=timing.now,
                       usn=-1, type=new.type, queue=new.queue, due=new.due, ivl=new.ivl,
                       factor=new.factor, reps=new.reps, lapses=new.lapses, left=new.left,
                       odue=new.odue, odid=new.odid, flags=card.flags, data=data)
        # Only the columns that change: SQLite then leaves alone the indexes of the others.
        changes: dict[str, Any] = {"mtime": updated.mtime, "usn": -1,
                                   "data": _object_json(data)}
        for column in _ANSWER_COLUMNS:
            value = getattr(updated, column)
            if value != getattr(card, column):
                changes[column] = value
        if expect_key is None:
            self.col.db.execute(_card_update_sql(tuple(changes)), (*changes.values(), card.id))
        elif self.col.db.execute(_card_update_sql(tuple(changes), True),
                                 (*changes.values(), card.id, *expect_key)).rowcount != 1:
            raise _Stale
        return updated

    def _write_revlog(self, card: Card, button: int, current: CardState, next_state: CardState,
                      timing: SchedTiming, taken_ms: int) -> int:
        """The review-log row; its id is the answer time in ms, moved on until it is free."""
        values = revlog_values(button, current, next_state, timing.secs_until_rollover)
        revlog_id = max(int(self.clock() * 1000), self._last_revlog_id + 1)
        while True:
            try:
                self.col.db.execute(
                    "INSERT INTO revlog (id, cid, usn, ease, ivl, last_ivl, factor, time, "
                    "type) VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                    (revlog_id, card.id, values.ease, values.ivl, values.last_ivl,
                     values.factor, taken_ms, int(values.type)))
                self._last_revlog_id = revlog_id
                return revlog_id
            except sqlite3.IntegrityError:
                revlog_id += 1

    def _tag_leech(self, nid: int) -> None:
        row = self.col.db.execute("SELECT tags FROM notes WHERE id = ?", (nid,)).fetchone()
        if row is None:
            return
        tags = str_to_tags(row[0])
        if any(t.casefold() == LEECH_TAG for t in tags):
            return
        known = {r[0].casefold(): r[0] for r in self.col.db.execute("SELECT tag FROM tags")}
        tags = canonical_tags([*tags, LEECH_TAG], known)
        self.col.db.execute("INSERT OR IGNORE INTO tags (tag) VALUES (?)", (LEECH_TAG,))
        self.col.db.execute("UPDATE notes SET tags = ?, mtime = ?, usn = -1 WHERE id = ?",
                            (tags_to_str(tags), self.now(), nid))

    def _bury_siblings(self, card: Card) -> list[int]:
        """Bury the note's other cards as the card's preset says (§3.3); their ids."""
        conf = self._preset(card.odid or card.did)
        if not (conf.bury_new or conf.bury_reviews or conf.bury_interday_learning):
            return []
        rank = _GATHER_RANK.get(card.queue)
        if rank is None:  # answered while suspended or buried: go by its type
            rank = _GATHER_RANK[CardQueue(queue_from_type(card.type, card.due))]
        queues = [q for q, enabled in ((CardQueue.DAY_LEARN, conf.bury_interday_learning),
                                       (CardQueue.REVIEW, conf.bury_reviews),
                                       (CardQueue.NEW, conf.bury_new))
                  if enabled and _GATHER_RANK[q] >= rank]
        if not queues:
            return []
        marks = ",".join(str(int(q)) for q in queues)
        ids = [r[0] for r in self.col.db.execute(
            f"SELECT id FROM cards WHERE nid = ? AND id != ? AND queue IN ({marks})",
            (card.nid, card.id))]
        if ids:
            self.col.db.executemany(
                "UPDATE cards SET queue = ?, mtime = ?, usn = -1 WHERE id = ?",
                [(int(CardQueue.SIBLING_BURIED), self.now(), i) for i in ids])
        return ids

    def _count_answer(self, card: Card, timing: SchedTiming,
                      taken_ms: int) -> dict[int, dict[str, Any]]:
        """Today's counters of the card's deck and its parents (they feed the limits): an
        answer from the new queue counts as new, from the review or interday learning queue
        as a review. Returns the decks' new `extra`."""
        key: str | None = None  # intraday learning counts as neither (Anki leaves lrnToday)
        if card.queue == CardQueue.NEW:
            key = NEW_TODAY
        elif card.queue in (CardQueue.REVIEW, CardQueue.DAY_LEARN):
            key = REVIEW_TODAY
        caches = self._caches
        lineage = caches.lineages.get(card.did)
        if lineage is None:
            try:
                deck = self._deck(card.did)
            except NotFoundError:
                return {}
            lineage = caches.lineages[card.did] = [deck.id, *(d.id for d in
                                                              self._parents(deck))]
        decks = caches.decks
        today = timing.today
        written = {}
        values: list[Any] = []
        for did in lineage:
            extra = dict(decks[did].extra)
            if key is not None:
                bump_studied(extra, key, today, 1)
            bump_studied(extra, TIME_TODAY, today, taken_ms)
            written[did] = extra
            values += (did, _object_json(extra))
        self.col.db.execute(_counters_sql(len(lineage)), (*values, timing.now, *lineage))
        return written

    def _update_queue(self, queue: StudyQueue, card: Card, buried: list[int],
                      timing: SchedTiming) -> None:
        queue.remove(card.id)
        for sibling in buried:
            queue.remove(sibling)
        if card.queue in (CardQueue.LEARN, CardQueue.PREVIEW) and card.did in queue.deck_ids:
            queue.requeue_learning(card.id, card.nid, card.did, card.due, timing.now)

    # --- undo -------------------------------------------------------------------------

    def undo(self) -> str:
        """Undo the latest step; an undone answer puts its card back at the front of the
        queue, as in Anki."""
        top = self.col.db.execute("SELECT max(id) FROM undo_steps WHERE redo = 0").fetchone()[0]
        name = self.col.undo()
        card_id = self._answer_steps.pop(top, None) if top is not None else None
        if card_id is not None:
            self._front_card = card_id
        return name
