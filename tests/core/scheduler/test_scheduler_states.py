"""States convert losslessly to and from Anki's SchedulingState JSON."""

import json

import pytest

from repetend.core.errors import InvalidInput
from repetend.core.scheduler import (
    LearnState,
    MemoryState,
    NewState,
    PreviewState,
    RelearnState,
    ReschedulingFilterState,
    ReviewState,
    SchedulingStates,
    state_from_json,
)
from repetend.core.scheduler.floats import f32, f32_json

REVIEW = ReviewState(scheduled_days=10, elapsed_days=12, ease_factor=f32(2.5), lapses=1)
LEARN = LearnState(remaining_steps=2, scheduled_secs=600, elapsed_secs=30)

EXAMPLES = [
    (NewState(7), {"normal": {"new": {"position": 7}}}),
    (LEARN, {"normal": {"learning": {"remainingSteps": 2, "scheduledSecs": 600,
                                     "elapsedSecs": 30}}}),
    (REVIEW, {"normal": {"review": {"scheduledDays": 10, "elapsedDays": 12, "easeFactor": 2.5,
                                    "lapses": 1, "leeched": False}}}),
    (RelearnState(LEARN, REVIEW),
     {"normal": {"relearning": {
         "review": {"scheduledDays": 10, "elapsedDays": 12, "easeFactor": 2.5, "lapses": 1,
                    "leeched": False},
         "learning": {"remainingSteps": 2, "scheduledSecs": 600, "elapsedSecs": 30}}}}),
    (PreviewState(60), {"filtered": {"preview": {"scheduledSecs": 60, "finished": False}}}),
    (ReschedulingFilterState(NewState(3)),
     {"filtered": {"rescheduling": {"originalState": {"new": {"position": 3}}}}}),
]


@pytest.mark.parametrize(("state", "expected"), EXAMPLES,
                         ids=[type(s).__name__ for s, _ in EXAMPLES])
def test_state_json_includes_defaults_and_round_trips(state, expected):
    assert state.to_json() == expected
    assert state_from_json(expected) == state
    assert type(state).from_json(expected) == state


def test_float32_eases_are_written_as_shortest_float32_decimals():
    eased = ReviewState(1, 0, f32(f32(1.3) + f32(0.15)), 0)
    assert json.dumps(eased.to_json()["normal"]["review"]["easeFactor"]) == "1.4499999"
    assert f32_json(f32(1.52) - f32(0.2)) == 1.3199999


def test_memory_state_is_kept_when_present():
    state = LearnState(1, 60, 0, MemoryState(f32(3.2), f32(5.5)))
    obj = state.to_json()
    assert obj["normal"]["learning"]["memoryState"] == {"stability": 3.2, "difficulty": 5.5}
    assert state_from_json(obj) == state


def test_scheduling_states_round_trip_and_lookup_by_button():
    states = SchedulingStates(NewState(1), LEARN, LEARN, LEARN, REVIEW)
    assert SchedulingStates.from_json(states.to_json()) == states
    assert states.for_button(4) == REVIEW
    assert states.for_button("again") == LEARN
    with pytest.raises(InvalidInput):
        states.for_button(0)


@pytest.mark.parametrize("bad", [
    {}, {"normal": {"cram": {}}}, {"filtered": {"other": {}}}, {"normal": {}, "filtered": {}},
])
def test_malformed_state_json_is_refused(bad):
    with pytest.raises(InvalidInput):
        state_from_json(bad)


def test_from_json_of_one_class_refuses_another_kind():
    with pytest.raises(InvalidInput, match="expected a ReviewState"):
        ReviewState.from_json({"normal": {"new": {"position": 1}}})


def test_states_are_immutable():
    with pytest.raises(AttributeError):
        REVIEW.lapses = 3  # type: ignore[misc]
