"""Checking scheduling states that come from outside the scheduler before they are committed.

Add-ons and user scripts may replace the next states (ARCHITECTURE.md, "The path of an
answer"). Whatever they return is checked here: right types, whole non-negative numbers where
Anki has unsigned integers, finite non-negative floats, known state kinds, an unchanged
`current`, and Anki's rules for filtered states (§2.3). A state that fails is never stored.
"""

from __future__ import annotations

import json
import math
from typing import Any

from repetend.core.errors import InvalidInput
from repetend.core.scheduler.evolve import replace
from repetend.core.scheduler.floats import U32_MAX
from repetend.core.scheduler.states import (
    CardState,
    LearnState,
    MemoryState,
    NewState,
    PreviewState,
    RelearnState,
    ReschedulingFilterState,
    ReviewState,
    SchedulingStates,
)

__all__ = ["StatesInvalid", "check_custom_data", "check_states", "without_elapsed"]

_BUTTONS = ("again", "hard", "good", "easy")


class StatesInvalid(InvalidInput):
    """Replacement states that cannot be committed; the message says which field is wrong."""


def _uint(value: Any, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise StatesInvalid(f"{where} must be a whole number, not {value!r}")
    if not 0 <= value <= U32_MAX:
        raise StatesInvalid(f"{where} must be between 0 and {U32_MAX}, not {value}")


def _float(value: Any, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise StatesInvalid(f"{where} must be a number, not {value!r}")
    if not math.isfinite(value) or value < 0:
        raise StatesInvalid(f"{where} must be a finite number of at least 0, not {value!r}")


def _bool(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise StatesInvalid(f"{where} must be true or false, not {value!r}")


def _memory(value: Any, where: str) -> None:
    if value is None:
        return
    if not isinstance(value, MemoryState):
        raise StatesInvalid(f"{where}.memoryState is not a memory state: {value!r}")
    _float(value.stability, f"{where}.memoryState.stability")
    _float(value.difficulty, f"{where}.memoryState.difficulty")


def _learning(state: Any, where: str) -> None:
    if not isinstance(state, LearnState):
        raise StatesInvalid(f"{where} must be a learning state, not {state!r}")
    _uint(state.remaining_steps, f"{where}.remainingSteps")
    _uint(state.scheduled_secs, f"{where}.scheduledSecs")
    _uint(state.elapsed_secs, f"{where}.elapsedSecs")
    _memory(state.memory_state, where)


def _review(state: Any, where: str) -> None:
    if not isinstance(state, ReviewState):
        raise StatesInvalid(f"{where} must be a review state, not {state!r}")
    _uint(state.scheduled_days, f"{where}.scheduledDays")
    _uint(state.elapsed_days, f"{where}.elapsedDays")
    _float(state.ease_factor, f"{where}.easeFactor")
    _uint(state.lapses, f"{where}.lapses")
    _bool(state.leeched, f"{where}.leeched")
    _memory(state.memory_state, where)


def _normal(state: Any, where: str) -> None:
    if isinstance(state, NewState):
        _uint(state.position, f"{where}.position")
    elif isinstance(state, LearnState):
        _learning(state, where)
    elif isinstance(state, ReviewState):
        _review(state, where)
    elif isinstance(state, RelearnState):
        _learning(state.learning, f"{where}.learning")
        _review(state.review, f"{where}.review")
    else:
        raise StatesInvalid(f"{where} is not a known scheduling state: {state!r}")


def _state(state: Any, where: str) -> None:
    if isinstance(state, PreviewState):
        _uint(state.scheduled_secs, f"{where}.scheduledSecs")
        _bool(state.finished, f"{where}.finished")
    elif isinstance(state, ReschedulingFilterState):
        _normal(state.original_state, f"{where}.originalState")
    else:
        _normal(state, where)


def without_elapsed(state: CardState) -> CardState:
    """`state` with the time-dependent seconds since the last answer zeroed, for comparing a
    current state computed when a card was shown with one computed when it is answered."""
    if isinstance(state, LearnState):
        return replace(state, elapsed_secs=0)
    if isinstance(state, RelearnState):
        return replace(state, learning=replace(state.learning, elapsed_secs=0))
    if isinstance(state, ReschedulingFilterState):
        return ReschedulingFilterState(without_elapsed(state.original_state))  # type: ignore[arg-type]
    return state


def check_custom_data(text: Any, where: str = "customData") -> str:
    """Anki's rules for the custom data an answer stores (ANKI-FACTS §2.3, checked against
    Anki 26.9): a JSON object with keys of at most 8 bytes, at most 100 bytes as stored.
    Returns the text to store: "" for an empty object."""
    if not isinstance(text, str):
        raise StatesInvalid(f"{where} must be a string of JSON, not {text!r}")
    if text == "":
        return ""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise StatesInvalid(f"{where} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise StatesInvalid(f"{where} must be a JSON object, not {text!r}")
    for key in value:
        if len(key.encode("utf-8", "surrogatepass")) > 8:
            raise StatesInvalid(f"{where}: key {key!r} is longer than 8 bytes")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > 100:
        raise StatesInvalid(f"{where} is {size} bytes; at most 100 can be stored")
    return text if value else ""


def check_states(value: Any, current: CardState) -> SchedulingStates:
    """`value` as states ready to commit for a card whose current state is `current`.

    Accepts `SchedulingStates` or their camelCase JSON; raises `StatesInvalid` naming the
    first problem.
    """
    if isinstance(value, dict):
        try:
            value = SchedulingStates.from_json(value)
        except (InvalidInput, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise StatesInvalid(f"states JSON cannot be read: {exc}") from exc
    if not isinstance(value, SchedulingStates):
        raise StatesInvalid(f"expected scheduling states, got {type(value).__name__}")
    _state(value.current, "current")
    if without_elapsed(value.current) != without_elapsed(current):
        raise StatesInvalid("current must not be changed")
    for name in _BUTTONS:
        state = getattr(value, name)
        _state(state, name)
        if isinstance(current, PreviewState) and not isinstance(state, PreviewState):
            raise StatesInvalid(f"{name}: a card being previewed can only get a preview state "
                                "(set finished to return it)")
        if not isinstance(current, PreviewState | ReschedulingFilterState) and \
                isinstance(state, PreviewState | ReschedulingFilterState):
            raise StatesInvalid(f"{name}: a card outside a filtered deck cannot get a "
                                "filtered state")
        if isinstance(current, ReschedulingFilterState) and isinstance(state, PreviewState):
            raise StatesInvalid(f"{name}: a rescheduling filtered deck cannot preview")
    custom = getattr(value, "custom_data", None)
    if not isinstance(custom, dict):
        raise StatesInvalid(f"custom data must be a dict of button name to text, not {custom!r}")
    cleaned = {}
    for name, text in custom.items():
        if name not in _BUTTONS:
            raise StatesInvalid(f"custom data for {name!r}: not an answer button")
        cleaned[name] = check_custom_data(text, f"{name}.customData")
    if cleaned != custom:
        value = replace(value, custom_data=cleaned)
    return value
