"""Anki's v3 SM-2 scheduler as a pure state machine: states, transitions, card mapping.

Nothing here touches storage or the clock: callers pass the card's columns, the deck options
and a `StateContext`, and get back states (JSON-compatible with Anki's custom scheduling) and
the column values to store.
"""

from repetend.core.scheduler.apply import (
    AppliedState,
    RevlogKind,
    RevlogValues,
    apply_state,
    is_leeched,
    revlog_values,
)
from repetend.core.scheduler.card import (
    CardQueue,
    CardSchedulingFields,
    CardType,
    current_state_from_card,
    queue_from_type,
)
from repetend.core.scheduler.config import FilteredDeckSettings, LeechAction, SchedulingConfig
from repetend.core.scheduler.context import StateContext, fuzz_seed_for
from repetend.core.scheduler.labels import answer_button_label, describe_next_states
from repetend.core.scheduler.states import (
    CardState,
    FilteredState,
    LearnState,
    MemoryState,
    NewState,
    NormalState,
    PreviewState,
    RelearnState,
    ReschedulingFilterState,
    ReviewState,
    SchedulingStates,
    state_from_json,
    state_to_json,
)
from repetend.core.scheduler.transitions import is_leech, next_states

__all__ = [
    "AppliedState",
    "CardQueue",
    "CardSchedulingFields",
    "CardState",
    "CardType",
    "FilteredDeckSettings",
    "FilteredState",
    "LearnState",
    "LeechAction",
    "MemoryState",
    "NewState",
    "NormalState",
    "PreviewState",
    "RelearnState",
    "ReschedulingFilterState",
    "ReviewState",
    "RevlogKind",
    "RevlogValues",
    "SchedulingConfig",
    "SchedulingStates",
    "StateContext",
    "answer_button_label",
    "apply_state",
    "current_state_from_card",
    "describe_next_states",
    "fuzz_seed_for",
    "is_leech",
    "is_leeched",
    "next_states",
    "queue_from_type",
    "revlog_values",
    "state_from_json",
    "state_to_json",
]
