"""Transitions against the probes of the facts sheet (§1.5–1.7), fuzz off."""

import pytest

from repetend.core.scheduler import (
    FilteredDeckSettings,
    LearnState,
    NewState,
    PreviewState,
    RelearnState,
    ReschedulingFilterState,
    ReviewState,
    SchedulingConfig,
    StateContext,
    is_leech,
    next_states,
)
from repetend.core.scheduler.floats import f32


def ctx(**options) -> StateContext:
    return StateContext(config=SchedulingConfig(**options), secs_until_rollover=50_000)


def review(ivl: int, elapsed: int | None = None, ease: float = 2.5, lapses: int = 0):
    return ReviewState(ivl, ivl if elapsed is None else elapsed, f32(ease), lapses)


def days(states) -> tuple[int, int, int]:
    return states.hard.scheduled_days, states.good.scheduled_days, states.easy.scheduled_days


@pytest.mark.parametrize(("steps", "again", "hard", "good"), [
    ((1.0, 10.0), 60, 330, 600),
    ((10.0,), 600, 900, None),
    ((4320.0,), 259_200, 345_600, None),  # 1.5x capped at one day longer
    ((0.25,), 15, 22, None),
])
def test_first_step_delays(steps, again, hard, good):
    states = next_states(NewState(0), ctx(learn_steps=steps))
    assert states.again == LearnState(len(steps), again, 0)
    assert states.hard == LearnState(len(steps), hard, 0)
    if good is None:
        assert isinstance(states.good, ReviewState)
    else:
        assert states.good == LearnState(len(steps) - 1, good, 0)


def test_hard_on_a_later_step_repeats_it():
    states = next_states(LearnState(1, 86_400, 0), ctx(learn_steps=(1.0, 10.0, 1440.0)))
    assert states.hard.scheduled_secs == 86_400


def test_graduation_uses_initial_ease_and_easy_ignores_good():
    states = next_states(LearnState(1, 600, 0),
                         ctx(graduating_interval_good=15, graduating_interval_easy=3))
    assert states.good == ReviewState(15, 0, f32(2.5), 0)
    assert states.easy.scheduled_days == 3


def test_no_learning_steps_graduates_on_every_button():
    states = next_states(NewState(0), ctx(learn_steps=()))
    assert [s.scheduled_days for s in (states.again, states.hard, states.good)] == [1, 1, 1]


@pytest.mark.parametrize(("state", "options", "expected"), [
    (review(10), {}, (12, 25, 33)),
    (review(10, elapsed=14), {}, (12, 30, 46)),
    (review(1, ease=1.3), {}, (2, 3, 4)),
    (review(10), {"interval_multiplier": 0.8, "maximum_review_interval": 20}, (11, 20, 20)),
    (review(10, elapsed=4), {}, (6, 10, 12)),  # early review (filtered decks only)
])
def test_review_intervals(state, options, expected):
    assert days(next_states(state, ctx(**options))) == expected


def test_hard_multiplier_of_one_drops_the_hard_floor():
    states = next_states(review(10), ctx(hard_multiplier=1.0))
    assert (states.hard.scheduled_days, states.good.scheduled_days) == (10, 25)


def test_eases_change_in_float32_and_stop_at_130_percent():
    states = next_states(review(10, ease=1.3), ctx())
    assert states.hard.ease_factor == f32(1.3)
    assert states.easy.ease_factor == f32(f32(1.3) + f32(0.15))
    assert states.again.review.ease_factor == f32(1.3)


def test_lapse_goes_to_relearning_with_the_lapse_interval():
    states = next_states(review(100), ctx(lapse_multiplier=0.5, minimum_lapse_interval=3))
    assert states.again == RelearnState(LearnState(1, 600, 0), ReviewState(50, 0, f32(2.3), 1))
    again_again = next_states(states.again, ctx(lapse_multiplier=0.5, minimum_lapse_interval=3))
    assert again_again.again.review.scheduled_days == 25  # compounds


def test_relearning_buttons():
    current = RelearnState(LearnState(1, 600, 120), ReviewState(50, 50, f32(2.3), 1))
    states = next_states(current, ctx())
    assert states.hard == RelearnState(LearnState(1, 900, 120), ReviewState(50, 0, f32(2.3), 1))
    assert states.good == current.review
    assert states.easy == ReviewState(51, 0, f32(2.3), 1)


def test_lapse_without_relearning_steps_is_a_review():
    states = next_states(review(10), ctx(relearn_steps=()))
    assert states.again == ReviewState(1, 0, f32(2.3), 1)


@pytest.mark.parametrize(("threshold", "leeches", "not_leeches"), [
    (8, [8, 12, 16, 20], [7, 9, 10, 11, 13]),
    (1, [1, 2, 3], [0]),
    (5, [5, 8, 11], [6, 7, 9]),
    (0, [], [1, 8]),
])
def test_leech_threshold_then_every_half_threshold(threshold, leeches, not_leeches):
    assert all(is_leech(n, threshold) for n in leeches)
    assert not any(is_leech(n, threshold) for n in not_leeches)


def test_lapse_reaching_the_threshold_is_leeched():
    states = next_states(review(10, lapses=7), ctx())
    assert states.again.review.leeched


def test_preview_deck_delays_and_finishes():
    context = StateContext(SchedulingConfig(), 50_000,
                           filtered=FilteredDeckSettings(False, 60, 600, 0))
    states = next_states(PreviewState(60), context)
    assert (states.again, states.hard) == (PreviewState(60), PreviewState(600))
    assert states.good == states.easy == PreviewState(0, True)


def test_rescheduling_deck_wraps_all_but_reviews():
    states = next_states(ReschedulingFilterState(NewState(4)), ctx())
    assert states.again == ReschedulingFilterState(LearnState(2, 60, 0))
    assert isinstance(states.easy, ReviewState)
