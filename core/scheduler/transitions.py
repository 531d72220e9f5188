"""`next_states`: what each answer button does to a card's state (SM-2, FSRS off).

Every rule here is one of §1.5–1.10 of the Anki facts sheet; arithmetic is float32 with
half-away-from-zero rounding where Anki uses Rust `f32`. Pure: no clock, no storage.
"""

from __future__ import annotations

from repetend.core.errors import InvalidInput
from repetend.core.scheduler.context import StateContext
from repetend.core.scheduler.evolve import replace
from repetend.core.scheduler.floats import f32, round_half_away, to_u32
from repetend.core.scheduler.fuzz import fuzz_factor, with_review_fuzz
from repetend.core.scheduler.states import (
    CardState,
    LearnState,
    MemoryState,
    NewState,
    NormalState,
    PreviewState,
    RelearnState,
    ReschedulingFilterState,
    ReviewState,
    SchedulingStates,
)
from repetend.core.scheduler.steps import learning_steps

__all__ = ["is_leech", "next_states"]

EASE_AGAIN_DELTA = f32(-0.2)
EASE_HARD_DELTA = f32(-0.15)
EASE_EASY_DELTA = f32(0.15)
MINIMUM_EASE = f32(1.3)


def is_leech(lapses: int, threshold: int) -> bool:
    """A leech at the threshold and again every half threshold (rounded up) after it."""
    if threshold <= 0:
        return False
    half = max(-(-threshold // 2), 1)
    return lapses >= threshold and (lapses - threshold) % half == 0


class _Machine:
    """The context, with the derived values every transition needs computed once."""

    def __init__(self, ctx: StateContext) -> None:
        self.ctx = ctx
        self.config = ctx.config
        self.learn = learning_steps(ctx.config.learn_steps)
        self.relearn = learning_steps(ctx.config.relearn_steps)
        self.factor = fuzz_factor(ctx.fuzz_seed)

    def bounds(self, minimum: int) -> tuple[int, int]:
        """Any review interval lies in [minimum, maximum]; the maximum is at least 1 and wins
        over the minimum (so a minimum lapse interval above the maximum gives the maximum)."""
        maximum = max(self.config.maximum_review_interval, 1)
        return min(max(minimum, 1), maximum), maximum

    def fuzzed(self, interval: float, minimum: int) -> int:
        low, high = self.bounds(minimum)
        return with_review_fuzz(interval, low, high, self.factor)

    def passing(self, interval: float, minimum: int, fuzz: bool) -> int:
        """A Hard/Good/Easy review interval: the interval modifier, then bounds (and fuzz)."""
        interval = f32(interval * self.config.interval_multiplier)
        if fuzz:
            return self.fuzzed(interval, minimum)
        low, high = self.bounds(minimum)
        return min(max(to_u32(round_half_away(interval)), low), high)

    # -- new and learning ------------------------------------------------------------------

    def graduate_good(self, memory: MemoryState | None) -> ReviewState:
        days = self.fuzzed(float(max(self.config.graduating_interval_good, 1)), 1)
        return ReviewState(days, 0, self.config.initial_ease, 0, False, memory)

    def learning(self, state: LearnState) -> tuple[CardState, CardState, CardState, CardState]:
        steps, memory = self.learn, state.memory_state
        delay = steps.again_delay_secs()
        again: CardState = (
            LearnState(steps.remaining_for_failed(), delay, 0, memory) if delay is not None
            else self.graduate_good(memory))
        delay = steps.hard_delay_secs(state.remaining_steps)
        hard: CardState = (
            replace(state, scheduled_secs=delay, elapsed_secs=0) if delay is not None
            else self.graduate_good(memory))
        delay = steps.good_delay_secs(state.remaining_steps)
        good: CardState = (
            LearnState(steps.remaining_for_good(state.remaining_steps), delay, 0, memory)
            if delay is not None else self.graduate_good(memory))
        # No rule makes Easy longer than Good in SM-2: it is simply the easy interval.
        easy_days = self.fuzzed(float(self.config.graduating_interval_easy), 1)
        easy = ReviewState(easy_days, 0, self.config.initial_ease, 0, False, memory)
        return again, hard, good, easy

    # -- review ----------------------------------------------------------------------------

    def lapse_interval(self, review: ReviewState) -> int:
        interval = f32(float(max(review.scheduled_days, 1)) * self.config.lapse_multiplier)
        return self.fuzzed(interval, self.config.minimum_lapse_interval)

    def passing_intervals(self, review: ReviewState) -> tuple[int, int, int]:
        if review.days_late < 0:
            return self.early_intervals(review)
        cfg = self.config
        current = float(max(review.scheduled_days, 1))
        late = float(max(review.days_late, 0))
        hard_factor = cfg.hard_multiplier
        # "Each button at least a day longer": only when Hard really lengthens the interval
        # does it get the ivl+1 floor, and Good then has to beat Hard instead of the old ivl.
        hard_min = review.scheduled_days + 1 if hard_factor > 1.0 else 0
        hard = self.passing(f32(current * hard_factor), hard_min, True)
        good_min = hard + 1 if hard_factor > 1.0 else review.scheduled_days + 1
        good = self.passing(f32(f32(current + f32(late / 2.0)) * review.ease_factor),
                            good_min, True)
        easy = self.passing(
            f32(f32(f32(current + late) * review.ease_factor) * cfg.easy_multiplier),
            good + 1, True)
        return hard, good, easy

    def early_intervals(self, review: ReviewState) -> tuple[int, int, int]:
        # Port of Anki's early-review formulas, which it inherited from the Python scheduler
        # (known to over-penalise); no fuzz and no +1 rules, only [1, max] after rounding.
        cfg = self.config
        scheduled = float(max(review.scheduled_days, 1))
        elapsed = float(review.elapsed_days)
        hard_factor = cfg.hard_multiplier
        hard = self.passing(max(f32(elapsed * hard_factor),
                                f32(scheduled * f32(hard_factor / 2.0))), 0, False)
        good_base = max(f32(elapsed * review.ease_factor), scheduled)
        good = self.passing(good_base, 0, False)
        reduced_bonus = f32(cfg.easy_multiplier - f32(f32(cfg.easy_multiplier - 1.0) / 2.0))
        easy = self.passing(f32(good_base * reduced_bonus), 0, False)
        return hard, good, easy

    def review(self, state: ReviewState) -> tuple[CardState, CardState, CardState, CardState]:
        hard_days, good_days, easy_days = self.passing_intervals(state)
        lapses = state.lapses + 1
        again_review = ReviewState(
            scheduled_days=self.lapse_interval(state),
            elapsed_days=0,
            ease_factor=max(f32(state.ease_factor + EASE_AGAIN_DELTA), MINIMUM_EASE),
            lapses=lapses,
            leeched=is_leech(lapses, self.config.leech_threshold),
            memory_state=state.memory_state,
        )
        delay = self.relearn.again_delay_secs()
        again: CardState = again_review if delay is None else RelearnState(
            LearnState(self.relearn.remaining_for_failed(), delay, 0, state.memory_state),
            again_review)
        hard = replace(state, scheduled_days=hard_days, elapsed_days=0,
                       ease_factor=max(f32(state.ease_factor + EASE_HARD_DELTA), MINIMUM_EASE))
        good = replace(state, scheduled_days=good_days, elapsed_days=0)
        easy = replace(state, scheduled_days=easy_days, elapsed_days=0,
                       ease_factor=f32(state.ease_factor + EASE_EASY_DELTA))
        return again, hard, good, easy

    # -- relearning ------------------------------------------------------------------------

    def relearning(self, state: RelearnState) -> tuple[CardState, CardState, CardState,
                                                      CardState]:
        steps, learning, review = self.relearn, state.learning, state.review
        # Steps removed since the lapse: the stored review state is returned as it is.
        delay = steps.again_delay_secs()
        again: CardState = review if delay is None else RelearnState(
            LearnState(steps.remaining_for_failed(), delay, 0, learning.memory_state),
            # Again during relearning re-applies the lapse multiplier (it compounds).
            replace(review, scheduled_days=self.lapse_interval(review), elapsed_days=0))
        delay = steps.hard_delay_secs(learning.remaining_steps)
        # Anki keeps elapsed_secs on Hard here (unlike Hard on a learning card).
        hard: CardState = review if delay is None else RelearnState(
            replace(learning, scheduled_secs=delay), replace(review, elapsed_days=0))
        delay = steps.good_delay_secs(learning.remaining_steps)
        good: CardState = review if delay is None else RelearnState(
            LearnState(steps.remaining_for_good(learning.remaining_steps), delay, 0,
                       learning.memory_state),
            replace(review, elapsed_days=0))
        easy = replace(review, scheduled_days=review.scheduled_days + 1, elapsed_days=0)
        return again, hard, good, easy

    # -- dispatch --------------------------------------------------------------------------

    def normal(self, state: NormalState) -> tuple[CardState, CardState, CardState, CardState]:
        if isinstance(state, NewState):
            # A new card answers exactly like a learning card on its first step.
            first = LearnState(self.learn.remaining_for_failed(), 0, 0)
            return self.learning(first)
        if isinstance(state, LearnState):
            return self.learning(state)
        if isinstance(state, ReviewState):
            return self.review(state)
        if isinstance(state, RelearnState):
            return self.relearning(state)
        raise InvalidInput(f"not a normal scheduling state: {state!r}")

    def preview(self) -> tuple[CardState, CardState, CardState, CardState]:
        filtered = self.ctx.filtered
        if filtered is None:
            raise InvalidInput("a preview state needs the filtered deck's settings")

        def delay_or_return(secs: int) -> PreviewState:
            return PreviewState(0, True) if secs == 0 else PreviewState(secs, False)

        return (delay_or_return(filtered.preview_again_secs),
                delay_or_return(filtered.preview_hard_secs),
                delay_or_return(filtered.preview_good_secs),
                PreviewState(0, True))


def _keep_in_filtered_deck(state: CardState) -> CardState:
    """Rescheduling decks keep every result but a review, which sends the card home."""
    if isinstance(state, ReviewState):
        return state
    return ReschedulingFilterState(state)  # type: ignore[arg-type]


def next_states(current: CardState, ctx: StateContext) -> SchedulingStates:
    """The state each of Again, Hard, Good and Easy would lead to from `current`."""
    machine = _Machine(ctx)
    if isinstance(current, PreviewState):
        buttons = machine.preview()
    elif isinstance(current, ReschedulingFilterState):
        buttons = tuple(_keep_in_filtered_deck(s)
                        for s in machine.normal(current.original_state))
    else:
        buttons = machine.normal(current)
    again, hard, good, easy = buttons
    return SchedulingStates(current, again, hard, good, easy)
