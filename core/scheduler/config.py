"""The deck options the SM-2 state machine reads, and their validation.

Names and units follow Anki's `DeckConfig.Config` protobuf message (camelCase in JSON), and the
defaults are Anki's. Floats are stored as float32 so arithmetic on them matches Anki's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from repetend.core.errors import InvalidInput
from repetend.core.scheduler.floats import f32, f32_json

__all__ = ["FSRS_NOTICE", "FilteredDeckSettings", "LeechAction", "SchedulingConfig"]

#: Said where a collection that has Anki's FSRS switch (config `fsrs`) on is restored or
#: studied: only SM-2 is modelled here (ANKI-FACTS §1.11), so its intervals are SM-2's.
FSRS_NOTICE = ("FSRS is turned on for this collection (Anki's setting); Repetend schedules "
               "with SM-2, so intervals will differ from the ones FSRS gives in Anki")


class LeechAction(IntEnum):
    """What happens to a card that becomes a leech (Anki's numbers)."""

    SUSPEND = 0
    TAG_ONLY = 1

    @property
    def json_name(self) -> str:
        return f"LEECH_ACTION_{self.name}"

    @classmethod
    def parse(cls, value: Any) -> LeechAction:
        """Accept the protobuf enum name, the bare name or the number."""
        if isinstance(value, str):
            name = value.upper().removeprefix("LEECH_ACTION_")
            if name in cls.__members__:
                return cls[name]
        elif isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
            return cls(value)
        raise InvalidInput(f"Leech action must be suspend or tag only (got {value!r})")


def _steps(values: Any) -> tuple[float, ...]:
    return tuple(f32(float(v)) for v in values)


@dataclass(frozen=True)
class SchedulingConfig:
    """Deck options that decide the next states. Build with `from_json`, check with `validate`."""

    learn_steps: tuple[float, ...] = (1.0, 10.0)
    relearn_steps: tuple[float, ...] = (10.0,)
    graduating_interval_good: int = 1
    graduating_interval_easy: int = 4
    initial_ease: float = 2.5
    easy_multiplier: float = 1.3
    hard_multiplier: float = 1.2
    lapse_multiplier: float = 0.0
    interval_multiplier: float = 1.0
    maximum_review_interval: int = 36500
    minimum_lapse_interval: int = 1
    leech_threshold: int = 8
    leech_action: LeechAction = LeechAction.TAG_ONLY

    def __post_init__(self) -> None:
        # Keep every float a float32, whatever the caller passed, so `==` and the arithmetic
        # behave like Anki's.
        object.__setattr__(self, "learn_steps", _steps(self.learn_steps))
        object.__setattr__(self, "relearn_steps", _steps(self.relearn_steps))
        for name in ("initial_ease", "easy_multiplier", "hard_multiplier", "lapse_multiplier",
                     "interval_multiplier"):
            object.__setattr__(self, name, f32(float(getattr(self, name))))
        object.__setattr__(self, "leech_action", LeechAction.parse(self.leech_action))

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> SchedulingConfig:
        """Read `DeckConfig.Config` camelCase JSON; missing keys take Anki's defaults."""
        d = cls()
        try:
            return cls(
                learn_steps=obj.get("learnSteps", d.learn_steps),
                relearn_steps=obj.get("relearnSteps", d.relearn_steps),
                graduating_interval_good=int(obj.get("graduatingIntervalGood",
                                                     d.graduating_interval_good)),
                graduating_interval_easy=int(obj.get("graduatingIntervalEasy",
                                                     d.graduating_interval_easy)),
                initial_ease=obj.get("initialEase", d.initial_ease),
                easy_multiplier=obj.get("easyMultiplier", d.easy_multiplier),
                hard_multiplier=obj.get("hardMultiplier", d.hard_multiplier),
                lapse_multiplier=obj.get("lapseMultiplier", d.lapse_multiplier),
                interval_multiplier=obj.get("intervalMultiplier", d.interval_multiplier),
                maximum_review_interval=int(obj.get("maximumReviewInterval",
                                                    d.maximum_review_interval)),
                minimum_lapse_interval=int(obj.get("minimumLapseInterval",
                                                   d.minimum_lapse_interval)),
                leech_threshold=int(obj.get("leechThreshold", d.leech_threshold)),
                leech_action=obj.get("leechAction", d.leech_action),
            )
        except (TypeError, ValueError) as exc:
            raise InvalidInput(f"deck options are malformed: {exc}") from exc

    def to_json(self) -> dict[str, Any]:
        return {
            "learnSteps": [f32_json(s) for s in self.learn_steps],
            "relearnSteps": [f32_json(s) for s in self.relearn_steps],
            "graduatingIntervalGood": self.graduating_interval_good,
            "graduatingIntervalEasy": self.graduating_interval_easy,
            "initialEase": f32_json(self.initial_ease),
            "easyMultiplier": f32_json(self.easy_multiplier),
            "hardMultiplier": f32_json(self.hard_multiplier),
            "lapseMultiplier": f32_json(self.lapse_multiplier),
            "intervalMultiplier": f32_json(self.interval_multiplier),
            "maximumReviewInterval": self.maximum_review_interval,
            "minimumLapseInterval": self.minimum_lapse_interval,
            "leechThreshold": self.leech_threshold,
            "leechAction": self.leech_action.json_name,
        }

    def validate(self) -> SchedulingConfig:
        """Refuse options Anki would not keep, naming the option; returns self when valid.

        The ranges are those Anki enforces when it loads a preset (values outside are reset
        there; we refuse them so the user learns about the mistake).
        """
        for label, steps in (("Learning steps", self.learn_steps),
                             ("Relearning steps", self.relearn_steps)):
            for step in steps:
                if not math.isfinite(step) or step <= 0:
                    raise InvalidInput(
                        f"{label} must be positive numbers of minutes (got {step:g})")
                if step * 60 > 0xFFFF_FFFF:
                    raise InvalidInput(f"{label} are too long (got {step:g} minutes)")
        _int_range("Graduating interval", self.graduating_interval_good, 1, 36500)
        _int_range("Easy interval", self.graduating_interval_easy, 1, 36500)
        _float_range("Starting ease", self.initial_ease, 1.31, 5.0)
        _float_range("Easy bonus", self.easy_multiplier, 1.0, 5.0)
        _float_range("Hard interval", self.hard_multiplier, 0.5, 1.3)
        _float_range("Interval modifier", self.interval_multiplier, 0.5, 2.0)
        _float_range("New interval", self.lapse_multiplier, 0.0, 1.0)
        _int_range("Maximum interval", self.maximum_review_interval, 1, 36500)
        _int_range("Minimum interval", self.minimum_lapse_interval, 1, 36500)
        _int_range("Leech threshold", self.leech_threshold, 1, 9999)
        return self


def _int_range(label: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidInput(f"{label} must be between {low} and {high} (got {value})")


def _float_range(label: str, value: float, low: float, high: float) -> None:
    if not (math.isfinite(value) and f32(low) <= value <= f32(high)):
        raise InvalidInput(f"{label} must be between {low:g} and {high:g} (got {value:g})")


@dataclass(frozen=True)
class FilteredDeckSettings:
    """What a filtered deck changes about answering (Anki's defaults)."""

    reschedule: bool = True
    preview_again_secs: int = 60
    preview_hard_secs: int = 600
    preview_good_secs: int = 0

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> FilteredDeckSettings:
        d = cls()
        return cls(
            reschedule=bool(obj.get("reschedule", d.reschedule)),
            preview_again_secs=int(obj.get("previewAgainSecs", d.preview_again_secs)),
            preview_hard_secs=int(obj.get("previewHardSecs", d.preview_hard_secs)),
            preview_good_secs=int(obj.get("previewGoodSecs", d.preview_good_secs)),
        )

    def to_json(self) -> dict[str, Any]:
        return {"reschedule": self.reschedule, "previewAgainSecs": self.preview_again_secs,
                "previewHardSecs": self.preview_hard_secs,
                "previewGoodSecs": self.preview_good_secs}

    def validate(self) -> FilteredDeckSettings:
        """Refuse negative preview delays, naming the option."""
        for label, value in (("Again delay", self.preview_again_secs),
                             ("Hard delay", self.preview_hard_secs),
                             ("Good delay", self.preview_good_secs)):
            if not 0 <= value <= 0xFFFF_FFFF:
                raise InvalidInput(f"{label} must be zero or more seconds (got {value})")
        return self

