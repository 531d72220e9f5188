"""Deck option presets ("deck configs"): every option Anki has, with Anki's defaults.

Names follow Anki's `DeckConfig.Config` protobuf fields (ANKI-FACTS §1.3). Values
outside an option's valid range are replaced with the default when a preset is
loaded, as Anki does; `validate()` instead refuses them when a user sets them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from typing import Any

from repetend.core.errors import InvalidInput

DEFAULT_CONFIG_ID = 1

# New-card insertion order and leech action, as Anki numbers them.
INSERT_SEQUENTIAL, INSERT_RANDOM = 0, 1
LEECH_SUSPEND, LEECH_TAG_ONLY = 0, 1

# (min, max) for options Anki range-checks when loading a preset.
VALID_RANGES: dict[str, tuple[float, float]] = {
    "graduating_interval_good": (1, 36500),
    "graduating_interval_easy": (1, 36500),
    "new_per_day": (0, 9999),
    "reviews_per_day": (0, 9999),
    "initial_ease": (1.31, 5.0),
    "easy_multiplier": (1.0, 5.0),
    "hard_multiplier": (0.5, 1.3),
    "interval_multiplier": (0.5, 2.0),
    "maximum_review_interval": (1, 36500),
    "lapse_multiplier": (0.0, 1.0),
    "minimum_lapse_interval": (1, 36500),
    "leech_threshold": (1, 9999),
    "cap_answer_time_to_secs": (1, 9999),
    "desired_retention": (0.7, 0.99),
}


@dataclass
class DeckConfig:
    """One preset. `extra` keeps options from imported files that we do not model."""

    id: int = 0
    name: str = "Default"
    mtime: int = 0
    usn: int = -1
    # new cards
    learn_steps: list[float] = field(default_factory=lambda: [1.0, 10.0])
    graduating_interval_good: int = 1
    graduating_interval_easy: int = 4
    new_card_insert_order: int = INSERT_SEQUENTIAL
    new_per_day: int = 20
    initial_ease: float = 2.5
    # reviews
    reviews_per_day: int = 200
    easy_multiplier: float = 1.3
    hard_multiplier: float = 1.2
    interval_multiplier: float = 1.0
    maximum_review_interval: int = 36500
    # lapses
    relearn_steps: list[float] = field(default_factory=lambda: [10.0])
    lapse_multiplier: float = 0.0
    minimum_lapse_interval: int = 1
    leech_threshold: int = 8
    leech_action: int = LEECH_TAG_ONLY
    # burying
    bury_new: bool = False
    bury_reviews: bool = False
    bury_interday_learning: bool = False
    # display order
    new_card_gather_priority: int = 0
    new_card_sort_order: int = 0
    new_mix: int = 0
    interday_learning_mix: int = 0
    review_order: int = 0
    # timer, audio, auto-advance
    cap_answer_time_to_secs: int = 60
    show_timer: bool = False
    stop_timer_on_answer: bool = False
    disable_autoplay: bool = False
    skip_question_when_replaying_answer: bool = False
    seconds_to_show_question: float = 0.0
    seconds_to_show_answer: float = 0.0
    question_action: int = 0
    answer_action: int = 0
    wait_for_audio: bool = True
    # FSRS
    fsrs_params_4: list[float] = field(default_factory=list)
    fsrs_params_5: list[float] = field(default_factory=list)
    fsrs_params_6: list[float] = field(default_factory=list)
    desired_retention: float = 0.9
    historical_retention: float = 0.9
    ignore_revlogs_before_date: str = ""
    param_search: str = ""
    easy_days_percentages: list[float] = field(default_factory=lambda: [1.0] * 7)
    # per-preset custom scheduling script (Repetend extension; see the scripts issue)
    extra: dict[str, Any] = field(default_factory=dict)

    def options(self) -> dict[str, Any]:
        """The options alone, as stored in the `config` column."""
        data = asdict(self)
        for key in ("id", "name", "mtime", "usn"):
            data.pop(key)
        return data

    @classmethod
    def from_options(cls, id: int, name: str, mtime: int, usn: int,
                     options: dict[str, Any]) -> DeckConfig:
        """Load a stored preset; unknown keys go to `extra`, invalid values to defaults."""
        known = _option_names(cls)
        values = {k: v for k, v in options.items() if k in known}
        extra = dict(values.pop("extra", {}))
        extra.update({k: v for k, v in options.items() if k not in known})
        conf = cls(id=id, name=name, mtime=mtime, usn=usn, extra=extra, **values)
        conf.replace_invalid_with_defaults()
        return conf

    def replace_invalid_with_defaults(self) -> None:
        for name, (low, high) in VALID_RANGES.items():
            value = getattr(self, name)
            if not _in_range(value, low, high):
                setattr(self, name, _RANGE_DEFAULTS[name])

    def validate(self) -> None:
        """Refuse options a user must not set, naming the option."""
        for name in ("learn_steps", "relearn_steps"):
            for step in getattr(self, name):
                if not isinstance(step, int | float) or math.isnan(step) or step <= 0:
                    raise InvalidInput(f"{name.replace('_', ' ')}: every step must be a "
                                       f"positive number of minutes, not {step!r}")
        for name, (low, high) in VALID_RANGES.items():
            value = getattr(self, name)
            if not _in_range(value, low, high):
                raise InvalidInput(f"{name.replace('_', ' ')} must be between {low:g} and "
                                   f"{high:g}, not {value!r}")


#: The defaults of the range-checked options (all numbers, so they can be shared).
_RANGE_DEFAULTS: dict[str, Any] = {name: getattr(DeckConfig(), name) for name in VALID_RANGES}


@lru_cache(maxsize=8)
def _option_names(cls: type[DeckConfig]) -> frozenset[str]:
    """The option fields of a preset class (looked up once: presets are loaded whenever a
    collection's first card is shown, issue 3)."""
    return frozenset(f.name for f in fields(cls)) - {"id", "name", "mtime", "usn"}


def _in_range(value: Any, low: float, high: float) -> bool:
    if type(value) is int or type(value) is float:  # the usual case, checked first
        return low <= value <= high  # (NaN fails both comparisons)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return not math.isnan(value) and low <= value <= high
