"""Interval fuzz (§1.8): spreads reviews so cards added together do not stay together.

All arithmetic is float32, as in Anki. With no seed (fuzz off) an interval is just rounded and
clamped, which is what the conformance vectors were generated with.
"""

from __future__ import annotations

import math
from functools import lru_cache

from repetend.core.scheduler.floats import f32, round_half_away, to_u32
from repetend.core.scheduler.rng import StdRng, first_unit_f32

__all__ = [
    "constrained_fuzz_bounds",
    "fuzz_bounds",
    "fuzz_delta",
    "fuzz_factor",
    "learning_fuzz_secs",
    "with_review_fuzz",
]

# (start, end, factor): the spread grows by `factor` per day of interval inside each range.
_FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


def _range_delta(interval: float) -> float:
    """The definition: each range adds `factor` per day of the interval inside it."""
    delta = 1.0
    for start, end, factor in _FUZZ_RANGES:
        span = max(f32(min(interval, f32(end)) - f32(start)), 0.0)
        delta = f32(delta + f32(f32(factor) * span))
    return delta


# A range the interval lies wholly above adds a constant and one below adds exactly 0.0, so
# only the range holding the interval needs computing: the same float32 steps, fewer of them.
_FULL_1, _FULL_2 = _range_delta(7.0), _range_delta(20.0)
_F1, _F2, _F3 = f32(0.15), f32(0.1), f32(0.05)
#: Intervals below this take the fast path of `constrained_fuzz_bounds` (far from u32 limits).
_FAST_BELOW = 1e9


def fuzz_delta(interval: float) -> float:
    """How many days an interval may move either way; none below 2.5 days."""
    if interval < 2.5:
        return 0.0
    if interval >= 20.0:
        return f32(_FULL_2 + f32(_F3 * f32(interval - 20.0)))
    if interval >= 7.0:
        return f32(_FULL_1 + f32(_F2 * f32(interval - 7.0)))
    return f32(1.0 + f32(_F1 * f32(interval - 2.5)))


def fuzz_bounds(interval: float) -> tuple[int, int]:
    delta = fuzz_delta(interval)
    return (to_u32(round_half_away(f32(interval - delta))),
            to_u32(round_half_away(f32(interval + delta))))


@lru_cache(maxsize=8192)  # a pure function of few distinct values, run for every card shown
def constrained_fuzz_bounds(interval: float, minimum: int, maximum: int) -> tuple[int, int]:
    """Fuzz range kept inside [minimum, maximum]; a range of one day above 2 days is widened
    to two so fuzz still does something unless the maximum forbids it."""
    minimum = min(minimum, maximum)
    interval = min(max(f32(interval), float(minimum)), float(maximum))
    if 0.0 <= interval < _FAST_BELOW:
        # fuzz_bounds for a finite interval that is not negative: both ends are then too
        # (delta < interval from 2.5 days on), so Rust's round() and `as u32` are a floor
        # of x + 0.5 (exact in double). Each card shown misses this cache about twice.
        delta = fuzz_delta(interval)
        lower = math.floor(f32(interval - delta) + 0.5)
        upper = math.floor(f32(interval + delta) + 0.5)
    else:
        lower, upper = fuzz_bounds(interval)
    lower = min(max(lower, minimum), maximum)
    upper = min(max(upper, minimum), maximum)
    if upper == lower and 2 < upper < maximum:
        upper = lower + 1
    return lower, upper


def fuzz_factor(seed: int | None) -> float | None:
    """The card's uniform draw in [0, 1), shared by all four buttons; None when fuzz is off."""
    return None if seed is None else first_unit_f32(seed)


def with_review_fuzz(interval: float, minimum: int, maximum: int, factor: float | None) -> int:
    """A review interval in days: fuzzed within its bounds, or rounded and clamped."""
    if factor is None:
        return min(max(to_u32(round_half_away(f32(interval))), minimum), maximum)
    lower, upper = constrained_fuzz_bounds(interval, minimum, maximum)
    spread = f32(factor * float(1 + upper - lower))
    return to_u32(math.floor(f32(float(lower) + spread)))


def learning_fuzz_secs(secs: int, seed: int | None) -> int:
    """An intraday (re)learning or preview delay plus up to 25 % (at most 5 minutes) of fuzz."""
    if seed is None:
        return secs
    upper_exclusive = secs + to_u32(math.floor(min(f32(float(secs) * 0.25), 300.0)))
    if secs >= upper_exclusive:
        return secs
    return StdRng(seed).range_u32(secs, upper_exclusive)
