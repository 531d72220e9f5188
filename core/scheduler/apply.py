"""Writing a chosen next state to the card row, and the revlog values of an answer (§1.9).

Pure: returns the new column values plus what the caller must do besides (tag the note as a
leech, remember a new card's position), so answering code stores exactly this.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from repetend.core.errors import InvalidInput
from repetend.core.scheduler.card import CardQueue, CardSchedulingFields, CardType, queue_from_type
from repetend.core.scheduler.config import LeechAction
from repetend.core.scheduler.context import StateContext
from repetend.core.scheduler.evolve import replace
from repetend.core.scheduler.floats import f32, round_half_away, to_u32
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
from repetend.core.scheduler.steps import DAY_SECS

__all__ = ["AppliedState", "RevlogKind", "RevlogValues", "apply_state", "interval_secs_or_days",
           "is_leeched", "revlog_values"]


@dataclass(frozen=True)
class AppliedState:
    """The card after answering and the side effects answering code must carry out."""

    card: CardSchedulingFields
    #: the answer made the card a leech: add the `leech` tag to its note
    leeched: bool = False
    #: the leech action suspended it (already reflected in `card.queue`)
    suspended: bool = False
    #: a new card left the new queue: keep this as `data.pos` so "Forget" can restore it
    original_position: int | None = None
    #: the card went back to its home deck (review result or finished preview)
    returned_home: bool = False


def is_leeched(state: CardState) -> bool:
    """Whether applying `state` marks the card as a leech."""
    if isinstance(state, ReschedulingFilterState):
        return is_leeched(state.original_state)
    if isinstance(state, ReviewState):
        return state.leeched
    if isinstance(state, RelearnState):
        return state.review.leeched
    return False


def _factor(ease: float) -> int:
    return to_u32(round_half_away(f32(ease * 1000.0)))


def interval_secs_or_days(secs: int, secs_until_rollover: int) -> tuple[int, str]:
    """A learning delay stays in seconds until it reaches the next day cutoff; from there it
    counts in days (a 6 h step with the day ending in 5 h is due tomorrow)."""
    if secs >= secs_until_rollover:
        return (secs - secs_until_rollover) // DAY_SECS + 1, "days"
    return secs, "secs"


def _schedule_learning(card: CardSchedulingFields, secs: int,
                       ctx: StateContext) -> CardSchedulingFields:
    amount, unit = interval_secs_or_days(secs, ctx.secs_until_rollover)
    if unit == "days":
        return replace(card, queue=CardQueue.DAY_LEARN, due=ctx.today + amount)
    return replace(card, queue=CardQueue.LEARN,
                   due=ctx.now + learning_fuzz_secs(amount, ctx.fuzz_seed))


def _leave_filtered_deck(card: CardSchedulingFields) -> CardSchedulingFields:
    if not card.in_filtered_deck:
        return card
    return replace(card, did=card.odid, odid=0, odue=0)


def _apply_normal(card: CardSchedulingFields, current: CardState, state: NormalState,
                  ctx: StateContext) -> tuple[CardSchedulingFields, int | None]:
    if isinstance(state, NewState):
        return replace(card, type=CardType.NEW, queue=CardQueue.NEW, due=state.position), None
    if isinstance(state, LearnState):
        card = replace(card, type=CardType.LEARN, left=state.remaining_steps)
        position = _new_position(current)
        return _schedule_learning(card, state.scheduled_secs, ctx), position
    if isinstance(state, ReviewState):
        card = _leave_filtered_deck(card)
        return replace(card, type=CardType.REVIEW, queue=CardQueue.REVIEW,
                       ivl=state.scheduled_days, due=ctx.today + state.scheduled_days,
                       factor=_factor(state.ease_factor), lapses=state.lapses, left=0), None
    if isinstance(state, RelearnState):
        card = replace(card, type=CardType.RELEARN, ivl=state.review.scheduled_days,
                       left=state.learning.remaining_steps, lapses=state.review.lapses,
                       factor=_factor(state.review.ease_factor))
        return _schedule_learning(card, state.learning.scheduled_secs, ctx), None
    raise InvalidInput(f"not a normal scheduling state: {state!r}")


def _new_position(current: CardState) -> int | None:
    if isinstance(current, ReschedulingFilterState):
        current = current.original_state
    return current.position if isinstance(current, NewState) else None


def _return_home_restoring_queue(card: CardSchedulingFields) -> CardSchedulingFields:
    if not card.in_filtered_deck:
        return card
    # A card's odue of 0 means the filtered deck left its due alone when it was pulled in.
    due = card.odue if card.odue != 0 else card.due
    queue = queue_from_type(card.type, due) if card.queue >= 0 else card.queue
    return replace(card, did=card.odid, odid=0, odue=0, due=due, queue=queue)


def apply_state(card: CardSchedulingFields, current: CardState, next_state: CardState,
                ctx: StateContext) -> AppliedState:
    """The card after answering with the button that leads to `next_state`.

    `ctx` must be the context the states were computed with: its `now`, `today`,
    `secs_until_rollover` and fuzz seed place (re)learning dues, its options give the leech
    action.
    """
    if isinstance(next_state, PreviewState):
        if next_state.finished:
            return AppliedState(_return_home_restoring_queue(card),
                                returned_home=card.in_filtered_deck)
        # Preview repeats stay in seconds however long (no conversion to days).
        due = ctx.now + learning_fuzz_secs(next_state.scheduled_secs, ctx.fuzz_seed)
        return AppliedState(replace(card, queue=CardQueue.PREVIEW, due=due))

    was_filtered = card.in_filtered_deck
    card = replace(card, reps=card.reps + 1)
    if isinstance(next_state, ReschedulingFilterState):
        card, position = _apply_normal(card, current, next_state.original_state, ctx)
        # The card stays in the filtered deck; its home due follows the new due.
        card = replace(card, odue=card.due)
    else:
        card, position = _apply_normal(card, current, next_state, ctx)

    leeched = is_leeched(next_state)
    suspended = leeched and ctx.config.leech_action == LeechAction.SUSPEND
    if suspended:
        card = replace(card, queue=CardQueue.SUSPENDED)
    return AppliedState(card, leeched=leeched, suspended=suspended, original_position=position,
                        returned_home=was_filtered and not card.in_filtered_deck)


class RevlogKind(IntEnum):
    """The revlog `type` column."""

    LEARNING = 0
    REVIEW = 1
    RELEARNING = 2
    FILTERED = 3
    MANUAL = 4
    RESCHEDULED = 5


@dataclass(frozen=True)
class RevlogValues:
    """The scheduling columns of the revlog row an answer writes."""

    ease: int
    ivl: int
    last_ivl: int
    factor: int
    type: RevlogKind


def _revlog_interval(state: CardState, secs_until_rollover: int) -> int:
    """Days positive, seconds negative; delays reaching the next day are logged as days."""
    if isinstance(state, ReschedulingFilterState):
        return _revlog_interval(state.original_state, secs_until_rollover)
    if isinstance(state, NewState):
        return 0
    if isinstance(state, ReviewState):
        return state.scheduled_days
    secs = state.learning.scheduled_secs if isinstance(state, RelearnState) else \
        state.scheduled_secs
    amount, unit = interval_secs_or_days(secs, secs_until_rollover)
    return amount if unit == "days" else -amount


def _revlog_kind(current: CardState) -> RevlogKind:
    if isinstance(current, ReschedulingFilterState):
        return _revlog_kind(current.original_state)
    if isinstance(current, (NewState, LearnState)):
        return RevlogKind.LEARNING
    if isinstance(current, ReviewState):
        # Early reviews (filtered decks only) are logged as filtered/cram answers.
        return RevlogKind.FILTERED if current.days_late < 0 else RevlogKind.REVIEW
    if isinstance(current, RelearnState):
        return RevlogKind.RELEARNING
    return RevlogKind.FILTERED


def _review_part(state: CardState) -> ReviewState | None:
    if isinstance(state, ReschedulingFilterState):
        return _review_part(state.original_state)
    if isinstance(state, ReviewState):
        return state
    if isinstance(state, RelearnState):
        return state.review
    return None


def revlog_values(button: int, current: CardState, next_state: CardState,
                  secs_until_rollover: int) -> RevlogValues:
    """Revlog `ease`, `ivl`, `lastIvl`, `factor` and `type` for answering `button` (1–4)."""
    if button not in (1, 2, 3, 4):
        raise InvalidInput(f"answer button must be 1–4 (got {button})")
    review = _review_part(next_state)
    return RevlogValues(
        ease=button,
        ivl=_revlog_interval(next_state, secs_until_rollover),
        last_ivl=_revlog_interval(current, secs_until_rollover),
        factor=0 if review is None else _factor(review.ease_factor),
        type=_revlog_kind(current),
    )
