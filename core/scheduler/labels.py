"""Answer-button labels ("<1m", "10m", "1.5h", "4d", "1.2mo", "1.5y") as Anki shows them."""

from __future__ import annotations

from functools import lru_cache

from repetend.core.scheduler.apply import interval_secs_or_days
from repetend.core.scheduler.floats import f32, f32_json, round_half_away
from repetend.core.scheduler.states import (
    CardState,
    LearnState,
    NewState,
    PreviewState,
    RelearnState,
    ReschedulingFilterState,
    ReviewState,
    SchedulingStates,
)
from repetend.core.scheduler.steps import DAY_SECS

__all__ = ["DEFAULT_LEARN_AHEAD_SECS", "answer_button_label", "describe_next_states",
           "format_interval", "state_delay_secs"]

DEFAULT_LEARN_AHEAD_SECS = 1200  # collection config `collapseTime`

# (upper bound in seconds, suffix, seconds per unit, decimals shown)
_MINUTE, _HOUR = 60.0, 3600.0
_MONTH = DAY_SECS * 365.0 / 12.0
_YEAR = DAY_SECS * 365.0
_UNITS = (
    (_MINUTE, "s", 1.0, 0),
    (_HOUR, "m", _MINUTE, 0),
    (float(DAY_SECS), "h", _HOUR, 1),
    (_MONTH, "d", float(DAY_SECS), 0),
    (_YEAR, "mo", _MONTH, 1),
    (float("inf"), "y", _YEAR, 1),
)
#: The same with bound and unit already rounded to float32 (as every use rounds them).
_UNITS_F32 = tuple((f32(bound), suffix, f32(unit), decimals)
                   for bound, suffix, unit, decimals in _UNITS)


@lru_cache(maxsize=4096)
def format_interval(secs: float) -> str:
    """Interval in its natural unit: whole seconds/minutes/days, hours/months/years to one
    decimal (a trailing `.0` dropped, as Anki's number formatting does)."""
    secs = abs(f32(secs))
    for bound, suffix, unit_secs, decimals in _UNITS_F32:
        if secs < bound:
            amount = f32(secs / unit_secs)
            if decimals:
                amount = f32(round_half_away(f32(amount * 10.0)) / 10.0)
            else:
                amount = round_half_away(amount)
            return f"{_number(amount)}{suffix}"
    raise AssertionError("unreachable: the last unit has no upper bound")


def _number(amount: float) -> str:
    if amount == int(amount):
        return str(int(amount))
    return repr(f32_json(amount))


def state_delay_secs(state: CardState, secs_until_rollover: int) -> int:
    """How long until the card is due after choosing `state`; learning delays that reach the
    next day cutoff count as whole days."""
    if isinstance(state, ReschedulingFilterState):
        return state_delay_secs(state.original_state, secs_until_rollover)
    if isinstance(state, NewState):
        return 0
    if isinstance(state, ReviewState):
        return state.scheduled_days * DAY_SECS
    if isinstance(state, RelearnState):
        secs = state.learning.scheduled_secs
    elif isinstance(state, LearnState | PreviewState):
        secs = state.scheduled_secs
    else:
        raise TypeError(f"not a scheduling state: {state!r}")
    amount, unit = interval_secs_or_days(secs, secs_until_rollover)
    return amount * DAY_SECS if unit == "days" else amount


def answer_button_label(state: CardState, secs_until_rollover: int,
                        learn_ahead_secs: int = DEFAULT_LEARN_AHEAD_SECS) -> str:
    """Label above one answer button. Delays inside the learn-ahead window get "<" because
    the card may come back sooner than shown; a delay of 0 (finished preview) is "(end)"."""
    secs = state_delay_secs(state, secs_until_rollover)
    if secs == 0:
        return "(end)"
    label = format_interval(secs)
    return f"<{label}" if secs < learn_ahead_secs else label


def describe_next_states(states: SchedulingStates, secs_until_rollover: int,
                         learn_ahead_secs: int = DEFAULT_LEARN_AHEAD_SECS) -> list[str]:
    """Labels for Again, Hard, Good and Easy, in that order."""
    return [answer_button_label(s, secs_until_rollover, learn_ahead_secs)
            for s in (states.again, states.hard, states.good, states.easy)]
