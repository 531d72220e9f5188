"""Writing states to the card, deriving states from cards, and revlog values (§1.4, §1.9)."""

import pytest

from repetend.core.errors import InvalidInput
from repetend.core.scheduler import (
    CardSchedulingFields,
    FilteredDeckSettings,
    LearnState,
    LeechAction,
    NewState,
    PreviewState,
    RelearnState,
    ReschedulingFilterState,
    ReviewState,
    RevlogKind,
    SchedulingConfig,
    StateContext,
    apply_state,
    current_state_from_card,
    fuzz_seed_for,
    next_states,
    revlog_values,
)
from repetend.core.scheduler.floats import f32

NOW, TODAY = 1_750_000_000, 400
CONFIG = SchedulingConfig()


def ctx(**kw) -> StateContext:
    return StateContext(**{"config": CONFIG, "secs_until_rollover": 30_000, "today": TODAY,
                           "now": NOW, **kw})


def test_new_card_learning_step_is_intraday_and_remembers_position():
    card = CardSchedulingFields(type=0, queue=0, due=17)
    current = current_state_from_card(card, CONFIG, TODAY, NOW)
    assert current == NewState(17)
    applied = apply_state(card, current, next_states(current, ctx()).good, ctx())
    assert applied.card == CardSchedulingFields(type=1, queue=1, due=NOW + 600, reps=1, left=1)
    assert applied.original_position == 17


def test_learning_delay_past_the_cutoff_becomes_days():
    card = CardSchedulingFields(type=1, queue=1, due=NOW, left=1)
    applied = apply_state(card, LearnState(1, 600, 0), LearnState(1, 100_000, 0), ctx())
    assert (applied.card.queue, applied.card.due) == (3, TODAY + 1 + (100_000 - 30_000) // 86_400)


def test_review_result_sets_interval_due_factor():
    card = CardSchedulingFields(type=2, queue=2, due=TODAY, ivl=10, factor=2500, reps=5)
    current = current_state_from_card(card, CONFIG, TODAY, NOW)
    applied = apply_state(card, current, next_states(current, ctx()).easy, ctx())
    assert applied.card == CardSchedulingFields(type=2, queue=2, due=TODAY + 33, ivl=33,
                                                factor=2650, reps=6)


def test_not_yet_due_review_in_normal_deck_counts_as_on_time():
    card = CardSchedulingFields(type=2, queue=2, due=TODAY + 5, ivl=10, factor=2500)
    assert current_state_from_card(card, CONFIG, TODAY, NOW) == ReviewState(10, 10, f32(2.5), 0)


def test_leech_with_suspend_action_suspends_and_reports_the_tag():
    card = CardSchedulingFields(type=2, queue=2, due=TODAY, ivl=10, factor=2500, lapses=7)
    context = ctx(config=SchedulingConfig(leech_action=LeechAction.SUSPEND))
    current = current_state_from_card(card, context.config, TODAY, NOW)
    applied = apply_state(card, current, next_states(current, context).again, context)
    assert applied.leeched and applied.suspended
    assert (applied.card.type, applied.card.queue, applied.card.lapses) == (3, -1, 8)


def test_rescheduling_deck_keeps_learning_cards_and_sends_reviews_home():
    filtered = FilteredDeckSettings()
    card = CardSchedulingFields(type=0, queue=0, due=-100_000, odue=4, odid=1, did=2)
    context = ctx(filtered=filtered)
    current = current_state_from_card(card, CONFIG, TODAY, NOW, filtered)
    assert current == ReschedulingFilterState(NewState(4))
    states = next_states(current, context)
    kept = apply_state(card, current, states.again, context).card
    assert (kept.did, kept.odid, kept.due, kept.odue) == (2, 1, NOW + 60, NOW + 60)
    home = apply_state(card, current, states.easy, context)
    assert home.returned_home
    assert (home.card.did, home.card.odid, home.card.odue) == (1, 0, 0)


def test_preview_deck_repeats_then_returns_home_untouched():
    filtered = FilteredDeckSettings(reschedule=False)
    card = CardSchedulingFields(type=2, queue=2, due=-100_000, ivl=10, factor=2500, reps=3,
                                odue=TODAY + 4, odid=1, did=2)
    context = ctx(filtered=filtered)
    current = current_state_from_card(card, CONFIG, TODAY, NOW, filtered)
    assert current == PreviewState(60)
    repeat = apply_state(card, current, PreviewState(600), context).card
    assert (repeat.queue, repeat.due, repeat.reps) == (4, NOW + 600, 3)
    done = apply_state(card, current, PreviewState(0, True), context).card
    assert done == CardSchedulingFields(type=2, queue=2, due=TODAY + 4, ivl=10, factor=2500,
                                        reps=3)


def test_filtered_card_needs_the_deck_settings():
    card = CardSchedulingFields(type=0, queue=0, due=0, odid=1, did=2)
    with pytest.raises(InvalidInput, match="filtered deck"):
        current_state_from_card(card, CONFIG, TODAY, NOW)


def test_elapsed_time_undoes_the_learning_fuzz_of_the_previous_answer():
    card = CardSchedulingFields(type=0, queue=0, due=3, id=1_600_000_000_123)
    seed = fuzz_seed_for(card.id, card.reps)
    context = ctx(fuzz_seed=seed)
    current = current_state_from_card(card, CONFIG, TODAY, NOW)
    after = apply_state(card, current, next_states(current, context).good, context).card
    assert NOW + 600 <= after.due < NOW + 750
    later = current_state_from_card(after, CONFIG, TODAY, NOW + 700, fuzz=True)
    assert later == LearnState(1, 600, 700)


def test_interday_learning_elapsed_counts_whole_days():
    card = CardSchedulingFields(type=1, queue=3, due=TODAY - 2, left=1)
    config = SchedulingConfig(learn_steps=(1.0, 1440.0))
    assert current_state_from_card(card, config, TODAY, NOW) == LearnState(1, 86_400,
                                                                            3 * 86_400)


@pytest.mark.parametrize(("button", "current", "chosen", "expected"), [
    (3, NewState(0), LearnState(1, 600, 0), (-600, 0, 0, RevlogKind.LEARNING)),
    (3, LearnState(1, 600, 0), LearnState(1, 100_000, 0), (1, -600, 0, RevlogKind.LEARNING)),
    (3, ReviewState(10, 10, f32(2.5), 0), ReviewState(25, 0, f32(2.5), 0),
     (25, 10, 2500, RevlogKind.REVIEW)),
    (2, ReviewState(10, 4, f32(2.5), 0), ReviewState(6, 0, f32(2.35), 0),
     (6, 10, 2350, RevlogKind.FILTERED)),
    (1, RelearnState(LearnState(1, 600, 0), ReviewState(5, 5, f32(2.3), 1)),
     RelearnState(LearnState(1, 600, 0), ReviewState(1, 0, f32(2.3), 1)),
     (-600, -600, 2300, RevlogKind.RELEARNING)),
    (4, PreviewState(60), PreviewState(0, True), (0, -60, 0, RevlogKind.FILTERED)),
    (1, ReschedulingFilterState(ReviewState(10, 10, f32(2.5), 0)),
     ReschedulingFilterState(RelearnState(LearnState(1, 600, 0), ReviewState(1, 0, f32(2.3),
                                                                             1))),
     (-600, 10, 2300, RevlogKind.REVIEW)),
])
def test_revlog_values(button, current, chosen, expected):
    values = revlog_values(button, current, chosen, secs_until_rollover=30_000)
    assert values.ease == button
    assert (values.ivl, values.last_ivl, values.factor, values.type) == expected


def test_revlog_refuses_unknown_buttons():
    with pytest.raises(InvalidInput):
        revlog_values(5, NewState(0), NewState(0), 30_000)
