"""Learning-step arithmetic (Anki's `states/steps.rs` rules, §1.5 of the facts sheet)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from repetend.core.scheduler.floats import f32, round_half_away, to_u32

__all__ = ["LearningSteps", "learning_steps", "step_secs"]

DAY_SECS = 86_400


def step_secs(minutes: float) -> int:
    """A step of `m` minutes lasts `trunc(m * 60)` seconds, multiplied in float32."""
    return to_u32(f32(minutes * 60.0))


def _round_to_days(secs: int) -> int:
    # Hard delays longer than a day are rounded to whole days so the card is not shown at an
    # odd hour; the division and rounding are float32 in Anki.
    if secs <= DAY_SECS:
        return secs
    days = round_half_away(f32(f32(float(secs)) / DAY_SECS))
    return to_u32(f32(days * DAY_SECS))


class LearningSteps:
    """The (re)learning steps of a preset, answering "what delay for which button"."""

    def __init__(self, minutes: Sequence[float]) -> None:
        self._secs = [step_secs(m) for m in minutes]

    def __len__(self) -> int:
        return len(self._secs)

    def index(self, remaining: int) -> int:
        """Current step: counted from the end, clamped into the list (old `left` encodings
        store `today*1000 + remaining`, so only `remaining % 1000` counts)."""
        total = len(self._secs)
        return min(max(total - remaining % 1000, 0), max(total - 1, 0))

    def secs_at(self, index: int) -> int | None:
        return self._secs[index] if 0 <= index < len(self._secs) else None

    def current_delay_secs(self, remaining: int) -> int:
        """Delay of the step the card waits on; 0 when the steps were emptied meanwhile."""
        return self.secs_at(self.index(remaining)) or 0

    def again_delay_secs(self) -> int | None:
        return self.secs_at(0)

    def remaining_for_failed(self) -> int:
        return len(self._secs)

    def hard_delay_secs(self, remaining: int) -> int | None:
        """First step: average of steps 1 and 2, or 1.5x capped at +1 day for a single step
        (both rounded to days past one day); later steps repeat the current delay."""
        idx = self.index(remaining)
        current = self.secs_at(idx)
        if current is None:
            return None
        if idx > 0:
            return current
        following = self.secs_at(1)
        if following is not None:
            delay = (current + following) // 2
        else:
            delay = min(current * 3 // 2, current + DAY_SECS)
        return _round_to_days(delay)

    def good_delay_secs(self, remaining: int) -> int | None:
        """Delay of the next step, or None when Good graduates the card."""
        return self.secs_at(self.index(remaining) + 1)

    def remaining_for_good(self, remaining: int) -> int:
        return max(len(self._secs) - (self.index(remaining) + 1), 0)


@lru_cache(maxsize=64)
def learning_steps(minutes: tuple[float, ...]) -> LearningSteps:
    """The (read-only) LearningSteps of a preset's steps, made once per distinct steps: every
    card shown needs its preset's learning and relearning steps."""
    return LearningSteps(minutes)
