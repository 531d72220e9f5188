"""examples/interval_cap: a scheduling transformer capping review intervals."""

import pytest

from repetend.core.scheduler import (
    FilteredDeckSettings,
    LearnState,
    RelearnState,
    ReschedulingFilterState,
    ReviewState,
    SchedulingConfig,
    StateContext,
    next_states,
)

CONFIG = SchedulingConfig(lapse_multiplier=0.5)


def states_for(current, filtered=None):
    return next_states(current, StateContext(CONFIG, secs_until_rollover=3600,
                                             filtered=filtered))


@pytest.fixture
def capped(example, host, register_plugin, collection):
    register_plugin(example("interval_cap"), "interval_cap")

    def capped(states):
        return host.scheduling_will_answer(states, card=None, col=collection)

    return capped


def test_long_intervals_are_capped_at_180_days(capped, host):
    states = states_for(ReviewState(300, 300, 2.5, 0))
    assert states.good.scheduled_days > 180
    out = capped(states)
    assert [out.hard.scheduled_days, out.good.scheduled_days, out.easy.scheduled_days] == [
        180, 180, 180]
    assert out.current == states.current
    assert out.good.ease_factor == states.good.ease_factor  # only the interval changes
    assert host.errors == []


def test_short_intervals_and_learning_states_are_left_alone(capped):
    states = states_for(ReviewState(10, 10, 2.5, 0))
    assert capped(states) == states
    learning = states_for(LearnState(2, 60, 0))
    assert capped(learning) == learning


def test_the_cap_comes_from_the_collection(capped, collection):
    collection.set_config("interval_cap_days", 30)
    out = capped(states_for(ReviewState(100, 100, 2.5, 0)))
    assert out.good.scheduled_days == out.easy.scheduled_days == 30


def test_relearning_and_filtered_deck_states_are_capped_inside(capped, collection):
    collection.set_config("interval_cap_days", 30)
    # Keeping half the interval on a lapse: relearning leads back to a 150-day interval.
    current = ReschedulingFilterState(ReviewState(300, 300, 2.5, 0))
    states = states_for(current, filtered=FilteredDeckSettings())
    assert states.again.original_state.review.scheduled_days == 150
    out = capped(states)
    assert out.current == current
    again = out.again
    assert isinstance(again, ReschedulingFilterState)
    assert isinstance(again.original_state, RelearnState)
    assert again.original_state.review.scheduled_days == 30
    assert again.original_state.learning == states.again.original_state.learning
    assert out.good.scheduled_days == 30  # a review result leaves the filtered deck unwrapped


def test_answering_a_mature_card_in_the_collection_stores_the_capped_interval(
        example, register_plugin, collection):
    """End to end: the collection fixture is wired to the host as the app wires it, so
    `col.sched.answer_card` runs the add-on before it commits."""
    register_plugin(example("interval_cap"), "interval_cap")
    note = collection.new_note("Basic")
    note.fields = ["der Baum", "the tree"]
    [card] = collection.add_note(note, deck_id=1)
    today = collection.sched.timing().today
    card.type, card.queue, card.ivl, card.due, card.factor = 2, 2, 300, today, 2500
    collection.update_card(card)

    result = collection.sched.answer_card(collection.get_card(card.id), "good")
    assert result.states_error is None
    assert collection.get_card(card.id).ivl == 180
