"""Immutable scheduling states, mirroring Anki's `SchedulingState` protobuf messages.

They are what custom scheduling JavaScript sees as `states.current`, `states.again`, …, so
each converts losslessly to and from that camelCase JSON (with default values included, as
Anki's protobuf JSON writer does). Floats are float32 values; see `floats.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from repetend.core.errors import InvalidInput
from repetend.core.scheduler.floats import f32, f32_json

__all__ = [
    "CardState",
    "FilteredState",
    "LearnState",
    "MemoryState",
    "NewState",
    "NormalState",
    "PreviewState",
    "RelearnState",
    "ReschedulingFilterState",
    "ReviewState",
    "SchedulingStates",
    "state_from_json",
    "state_to_json",
]


@dataclass(frozen=True)
class MemoryState:
    """FSRS memory (stability, difficulty); carried through unchanged by the SM-2 machine."""

    stability: float
    difficulty: float

    def to_json(self) -> dict[str, Any]:
        return {"stability": f32_json(self.stability), "difficulty": f32_json(self.difficulty)}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> MemoryState:
        return cls(f32(obj.get("stability", 0.0)), f32(obj.get("difficulty", 0.0)))


def _memory_from(obj: dict[str, Any]) -> MemoryState | None:
    raw = obj.get("memoryState")
    return None if raw is None else MemoryState.from_json(raw)


def _with_memory(body: dict[str, Any], memory: MemoryState | None) -> dict[str, Any]:
    if memory is not None:
        body["memoryState"] = memory.to_json()
    return body


@dataclass(frozen=True)
class NewState:
    """A card never answered; `position` is its order in the new queue."""

    position: int

    def normal_json(self) -> dict[str, Any]:
        return {"new": {"position": self.position}}

    def to_json(self) -> dict[str, Any]:
        return {"normal": self.normal_json()}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> NewState:
        return _expect(state_from_json(obj), cls)


@dataclass(frozen=True)
class LearnState:
    """A card in (re)learning steps; `remaining_steps` counts the current step."""

    remaining_steps: int
    scheduled_secs: int
    elapsed_secs: int = 0
    memory_state: MemoryState | None = None

    def body_json(self) -> dict[str, Any]:
        body = {
            "remainingSteps": self.remaining_steps,
            "scheduledSecs": self.scheduled_secs,
            "elapsedSecs": self.elapsed_secs,
        }
        return _with_memory(body, self.memory_state)

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> LearnState:
        return cls(
            remaining_steps=int(body.get("remainingSteps", 0)),
            scheduled_secs=int(body.get("scheduledSecs", 0)),
            elapsed_secs=int(body.get("elapsedSecs", 0)),
            memory_state=_memory_from(body),
        )

    def normal_json(self) -> dict[str, Any]:
        return {"learning": self.body_json()}

    def to_json(self) -> dict[str, Any]:
        return {"normal": self.normal_json()}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> LearnState:
        return _expect(state_from_json(obj), cls)


@dataclass(frozen=True)
class ReviewState:
    """A graduated card; `ease_factor` is a float32 (2.5 = 250 %)."""

    scheduled_days: int
    elapsed_days: int
    ease_factor: float
    lapses: int
    leeched: bool = False
    memory_state: MemoryState | None = None

    @property
    def days_late(self) -> int:
        """Negative when answered early (only possible in a rescheduling filtered deck)."""
        return self.elapsed_days - self.scheduled_days

    def body_json(self) -> dict[str, Any]:
        body = {
            "scheduledDays": self.scheduled_days,
            "elapsedDays": self.elapsed_days,
            "easeFactor": f32_json(self.ease_factor),
            "lapses": self.lapses,
            "leeched": self.leeched,
        }
        return _with_memory(body, self.memory_state)

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> ReviewState:
        return cls(
            scheduled_days=int(body.get("scheduledDays", 0)),
            elapsed_days=int(body.get("elapsedDays", 0)),
            ease_factor=f32(float(body.get("easeFactor", 0.0))),
            lapses=int(body.get("lapses", 0)),
            leeched=bool(body.get("leeched", False)),
            memory_state=_memory_from(body),
        )

    def normal_json(self) -> dict[str, Any]:
        return {"review": self.body_json()}

    def to_json(self) -> dict[str, Any]:
        return {"normal": self.normal_json()}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> ReviewState:
        return _expect(state_from_json(obj), cls)


@dataclass(frozen=True)
class RelearnState:
    """A lapsed card in relearning steps; `review` already holds the post-lapse interval."""

    learning: LearnState
    review: ReviewState

    def normal_json(self) -> dict[str, Any]:
        return {"relearning": {"review": self.review.body_json(),
                               "learning": self.learning.body_json()}}

    def to_json(self) -> dict[str, Any]:
        return {"normal": self.normal_json()}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> RelearnState:
        return _expect(state_from_json(obj), cls)


NormalState = NewState | LearnState | ReviewState | RelearnState


@dataclass(frozen=True)
class PreviewState:
    """A card in a filtered deck with rescheduling off; `finished` returns it home untouched."""

    scheduled_secs: int
    finished: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"filtered": {"preview": {"scheduledSecs": self.scheduled_secs,
                                         "finished": self.finished}}}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> PreviewState:
        return _expect(state_from_json(obj), cls)


@dataclass(frozen=True)
class ReschedulingFilterState:
    """A card in a filtered deck with rescheduling on: the normal state, kept in the deck."""

    original_state: NormalState

    def to_json(self) -> dict[str, Any]:
        return {"filtered": {"rescheduling": {
            "originalState": self.original_state.normal_json()}}}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> ReschedulingFilterState:
        return _expect(state_from_json(obj), cls)


FilteredState = PreviewState | ReschedulingFilterState
CardState = NormalState | FilteredState


def _normal_from_json(obj: dict[str, Any]) -> NormalState:
    if not isinstance(obj, dict) or len(obj) != 1:
        raise InvalidInput(f"a normal state needs exactly one kind, got {obj!r}")
    kind, body = next(iter(obj.items()))
    if kind == "new":
        return NewState(position=int(body.get("position", 0)))
    if kind == "learning":
        return LearnState.from_body(body)
    if kind == "review":
        return ReviewState.from_body(body)
    if kind == "relearning":
        return RelearnState(learning=LearnState.from_body(body.get("learning", {})),
                            review=ReviewState.from_body(body.get("review", {})))
    raise InvalidInput(f"unknown normal state kind {kind!r}")


def state_from_json(obj: dict[str, Any]) -> CardState:
    """Parse `{"normal": {...}}` or `{"filtered": {...}}` (Anki's SchedulingState JSON)."""
    if not isinstance(obj, dict) or len(obj) != 1:
        raise InvalidInput(f"a scheduling state needs exactly one of normal/filtered, got {obj!r}")
    kind, body = next(iter(obj.items()))
    if kind == "normal":
        return _normal_from_json(body)
    if kind == "filtered":
        if not isinstance(body, dict) or len(body) != 1:
            raise InvalidInput(f"a filtered state needs exactly one kind, got {body!r}")
        sub, inner = next(iter(body.items()))
        if sub == "preview":
            return PreviewState(scheduled_secs=int(inner.get("scheduledSecs", 0)),
                                finished=bool(inner.get("finished", False)))
        if sub == "rescheduling":
            return ReschedulingFilterState(_normal_from_json(inner.get("originalState", {})))
        raise InvalidInput(f"unknown filtered state kind {sub!r}")
    raise InvalidInput(f"unknown scheduling state kind {kind!r}")


def state_to_json(state: CardState) -> dict[str, Any]:
    """The camelCase JSON of any state (same as `state.to_json()`)."""
    return state.to_json()


def _expect(state: CardState, cls: type) -> Any:
    if not isinstance(state, cls):
        raise InvalidInput(f"expected a {cls.__name__}, got {type(state).__name__}")
    return state


_BUTTONS = ("again", "hard", "good", "easy")


@dataclass(frozen=True)
class SchedulingStates:
    """The current state and the state each answer button would lead to.

    `custom_data` is what Anki carries as each button state's `customData` (set by custom
    scheduling scripts, ANKI-FACTS §2.3): button name → the JSON object text the card's
    custom data becomes when that button is pressed ("" clears it). A button not listed
    leaves the card's custom data as it is. In the JSON it is each button's `customData`.
    """

    current: CardState
    again: CardState
    hard: CardState
    good: CardState
    easy: CardState
    custom_data: dict[str, str] = field(default_factory=dict, hash=False)

    def for_button(self, button: int | str) -> CardState:
        """State for button 1–4 or "again"/"hard"/"good"/"easy"."""
        return getattr(self, _button_name(button))

    def custom_data_for(self, button: int | str) -> str | None:
        """The custom data button 1–4 (or its name) stores, or None to keep the card's."""
        return self.custom_data.get(_button_name(button))

    def to_json(self) -> dict[str, Any]:
        out = {name: getattr(self, name).to_json() for name in ("current", *_BUTTONS)}
        for name, text in self.custom_data.items():
            out[name]["customData"] = text
        return out

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> SchedulingStates:
        """Parse Anki's JSON; a button state's `customData` goes to `custom_data` (the
        current state's, the card's stored custom data, is not kept)."""
        states: dict[str, Any] = {}
        custom: dict[str, str] = {}
        for name in ("current", *_BUTTONS):
            raw = obj[name]
            if isinstance(raw, dict) and "customData" in raw:
                raw = dict(raw)
                text = raw.pop("customData")
                if name != "current":
                    if not isinstance(text, str):
                        raise InvalidInput(f"{name}.customData must be a string, not {text!r}")
                    custom[name] = text
            states[name] = state_from_json(raw)
        return cls(**states, custom_data=custom)


def _button_name(button: int | str) -> str:
    name = _BUTTONS[button - 1] if isinstance(button, int) and 1 <= button <= 4 else button
    if name not in _BUTTONS:
        raise InvalidInput(f"unknown answer button {button!r}")
    return name  # type: ignore[return-value]
