"""Everything besides the card that decides its next states: options, clock, fuzz, filtered deck."""

from __future__ import annotations

from dataclasses import dataclass

from repetend.core.scheduler.config import FilteredDeckSettings, SchedulingConfig

__all__ = ["StateContext", "fuzz_seed_for"]

_U64 = (1 << 64) - 1


def fuzz_seed_for(card_id: int, reps: int) -> int:
    """Anki seeds a card's fuzz with `card_id + reps` (wrapping u64), so previews equal results."""
    return (card_id + reps) & _U64


@dataclass(frozen=True)
class StateContext:
    """The moment of answering and the options in force.

    `today` is the scheduler day number (days since collection creation, §1.2), `now` the answer
    time in epoch seconds and `secs_until_rollover` the seconds until the next day starts, which
    decides whether a (re)learning delay is kept in seconds or turned into days. `fuzz_seed`
    None switches fuzz off (Anki's test mode). `filtered` is set when the card sits in a
    filtered deck.
    """

    config: SchedulingConfig
    secs_until_rollover: int
    today: int = 0
    now: int = 0
    fuzz_seed: int | None = None
    filtered: FilteredDeckSettings | None = None

    @classmethod
    def at(cls, config: SchedulingConfig, *, now: int, next_day_at: int, today: int,
           fuzz_seed: int | None = None,
           filtered: FilteredDeckSettings | None = None) -> StateContext:
        """Build from the wall clock and the collection's next day cutoff (epoch seconds)."""
        return cls(config=config, secs_until_rollover=max(0, next_day_at - now), today=today,
                   now=now, fuzz_seed=fuzz_seed, filtered=filtered)

    @property
    def in_filtered_deck(self) -> bool:
        return self.filtered is not None
