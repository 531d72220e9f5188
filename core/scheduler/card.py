"""The scheduling columns of a card row, and the state they describe (§1.1, §1.4)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from repetend.core.errors import InvalidInput
from repetend.core.scheduler.config import FilteredDeckSettings, SchedulingConfig
from repetend.core.scheduler.context import fuzz_seed_for
from repetend.core.scheduler.floats import f32
from repetend.core.scheduler.fuzz import learning_fuzz_secs
from repetend.core.scheduler.states import (
    CardState,
    LearnState,
    NewState,
    NormalState,
    PreviewState,
    RelearnState,
    ReschedulingFilterState,
    ReviewState,
)
from repetend.core.scheduler.steps import DAY_SECS, LearningSteps

__all__ = ["CardQueue", "CardSchedulingFields", "CardType", "current_state_from_card",
           "queue_from_type"]

# Anki tells an intraday learning due (epoch seconds) from a day number by its size.
TIMESTAMP_THRESHOLD = 1_000_000_000


class CardType(IntEnum):
    NEW = 0
    LEARN = 1
    REVIEW = 2
    RELEARN = 3


class CardQueue(IntEnum):
    NEW = 0
    LEARN = 1
    REVIEW = 2
    DAY_LEARN = 3
    PREVIEW = 4
    SUSPENDED = -1
    SIBLING_BURIED = -2
    MANUALLY_BURIED = -3


@dataclass(frozen=True)
class CardSchedulingFields:
    """The columns answering reads and writes. `odid != 0` means the card is in a filtered
    deck (`did`), with `odid`/`odue` its home deck and home due."""

    type: int
    queue: int
    due: int
    ivl: int = 0
    factor: int = 0
    reps: int = 0
    lapses: int = 0
    left: int = 0
    odue: int = 0
    odid: int = 0
    did: int = 1
    id: int = 0

    @property
    def in_filtered_deck(self) -> bool:
        return self.odid != 0

    @property
    def remaining_steps(self) -> int:
        # v2 clients stored `steps_today * 1000 + remaining`; only the remainder counts.
        return self.left % 1000

    @property
    def ease_factor(self) -> float:
        return f32(f32(float(self.factor)) / 1000.0)


def queue_from_type(card_type: int, due: int) -> int:
    """The queue a card returns to (unburying, unsuspending, leaving a filtered deck)."""
    if card_type == CardType.NEW:
        return CardQueue.NEW
    if card_type == CardType.REVIEW:
        return CardQueue.REVIEW
    return CardQueue.LEARN if due > TIMESTAMP_THRESHOLD else CardQueue.DAY_LEARN


def _learning_elapsed_secs(card: CardSchedulingFields, due: int, delay_secs: int, today: int,
                           now: int, fuzz: bool) -> int:
    if card.queue == CardQueue.DAY_LEARN:
        intraday = False
    elif card.queue in (CardQueue.LEARN, CardQueue.PREVIEW):
        intraday = True
    else:  # suspended, buried, or pulled into a preview deck: tell by the due's size
        intraday = due > TIMESTAMP_THRESHOLD
    if intraday:
        # The due was `previous answer + delay (+ learning fuzz drawn with the seed of that
        # answer)`, so undo that to find when the card was last answered.
        seed = fuzz_seed_for(card.id, card.reps - 1) if fuzz else None
        last_answer = due - learning_fuzz_secs(delay_secs, seed)
        # Anki casts the difference to u32, so a card answered before its due wraps around
        # (the conformance vectors contain such a case: 2**32 - 206).
        return (now - last_answer) & 0xFFFF_FFFF
    delay_days = max(delay_secs // DAY_SECS, 1)
    return ((today - due + delay_days) * DAY_SECS) & 0xFFFF_FFFF


def _normal_state(card: CardSchedulingFields, config: SchedulingConfig, due: int, today: int,
                  now: int, fuzz: bool) -> NormalState:
    if card.type == CardType.NEW:
        return NewState(position=max(due, 0))
    if card.type in (CardType.LEARN, CardType.RELEARN):
        steps = LearningSteps(
            config.learn_steps if card.type == CardType.LEARN else config.relearn_steps)
        remaining = card.remaining_steps
        delay = steps.current_delay_secs(remaining)
        learning = LearnState(remaining, delay,
                              _learning_elapsed_secs(card, due, delay, today, now, fuzz))
        if card.type == CardType.LEARN:
            return learning
        review = ReviewState(card.ivl, card.ivl, card.ease_factor, card.lapses, False)
        return RelearnState(learning, review)
    if card.type == CardType.REVIEW:
        elapsed = max(card.ivl - (due - today), 0)
        return ReviewState(card.ivl, elapsed, card.ease_factor, card.lapses, False)
    raise InvalidInput(f"unknown card type {card.type}")


def current_state_from_card(card: CardSchedulingFields, config: SchedulingConfig, today: int,
                            now: int, filtered: FilteredDeckSettings | None = None,
                            fuzz: bool = False) -> CardState:
    """The state a stored card is in, as Anki derives it before answering.

    `filtered` must be given for a card in a filtered deck (the deck's settings); `fuzz`
    says whether learning fuzz was on when the card was last answered (it is undone when
    computing the seconds elapsed since).
    """
    if card.in_filtered_deck:
        if filtered is None:
            raise InvalidInput("the card is in a filtered deck: pass the deck's settings")
        if not filtered.reschedule:
            return PreviewState(scheduled_secs=filtered.preview_again_secs, finished=False)
        due = card.odue if card.odue != 0 else card.due
    elif card.type == CardType.REVIEW:
        # A review card answered before its due date in a normal deck (e.g. "Grade Now") is
        # treated as exactly on time; early reviews exist only in filtered decks.
        due = min(card.due, today)
    else:
        due = card.due
    state = _normal_state(card, config, due, today, now, fuzz)
    return ReschedulingFilterState(state) if card.in_filtered_deck else state
