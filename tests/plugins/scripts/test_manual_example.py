"""The example in Anki's manual (Deck Options → Custom Scheduling), written here from its
description (ANKI-FACTS §2.4): log the states; Hard on a learning card waits 123 minutes, in a
normal deck and in a rescheduling filtered deck; Easy on a review card gets Good's ease + 0.2.
"""

import json

import pytest

from repetend.core.scheduler import FilteredDeckSettings, LearnState, StateContext, next_states
from repetend.core.scheduler.answering import scheduling_config
from repetend.core.scheduler.states import ReschedulingFilterState
from repetend.plugins.scripts import store
from repetend.plugins.scripts.runner import runner_for
from repetend.plugins.scripts.sandbox import evaluate

MANUAL_EXAMPLE = """\
// Print the states, to see what the scheduler proposes.
console.log(JSON.stringify(states));

// A learning card answered Hard comes back after 123 minutes…
if (states.hard.normal?.learning) {
  states.hard.normal.learning.scheduledSecs = 123 * 60;
}
// …also in a filtered deck that reschedules cards.
if (states.hard.filtered?.rescheduling?.originalState?.learning) {
  states.hard.filtered.rescheduling.originalState.learning.scheduledSecs = 123 * 60;
}

// Easy on a review card: the ease of Good plus 0.2.
if (states.good.normal?.review) {
  states.easy.normal.review.easeFactor = states.good.normal.review.easeFactor + 0.2;
}
"""


def test_hard_on_a_learning_card_waits_123_minutes(new_states):
    ev = evaluate(MANUAL_EXAMPLE, new_states, "", {"deckName": "Default", "seed": 1})
    assert ev.ok
    assert ev.states["hard"]["normal"]["learning"]["scheduledSecs"] == 7380
    for button in ("again", "good", "easy"):
        assert ev.states[button] == new_states[button]
    [line] = ev.log
    assert json.loads(line.text) == new_states  # the states as the script saw them


def test_easy_gets_goods_ease_plus_point_two_on_review_cards(review_states):
    ev = evaluate(MANUAL_EXAMPLE, review_states, "", {"deckName": "Default", "seed": 1})
    assert ev.ok
    assert ev.states["easy"]["normal"]["review"]["easeFactor"] == pytest.approx(2.7)
    assert ev.states["easy"]["normal"]["review"]["scheduledDays"] == 33
    assert ev.states["hard"] == review_states["hard"]


def test_in_a_rescheduling_filtered_deck_hard_waits_123_minutes_too(col):
    config = scheduling_config(col.deck_config(1))
    ctx = StateContext(config, secs_until_rollover=80000, filtered=FilteredDeckSettings())
    states = next_states(ReschedulingFilterState(LearnState(2, 60, 0)), ctx)
    ev = evaluate(MANUAL_EXAMPLE, states.to_json(), "", {"deckName": "Filtered", "seed": 1})
    assert ev.ok
    learning = ev.states["hard"]["filtered"]["rescheduling"]["originalState"]["learning"]
    assert learning["scheduledSecs"] == 7380


def test_answering_with_the_manual_example_stores_its_effects(col, review_card):
    store.set_global(col, MANUAL_EXAMPLE)
    card = review_card()
    col.sched.answer_card(card, "easy")
    stored = col.get_card(card.id)
    assert stored.factor == 2700  # 2.5 + 0.2 (Anki stores the ease in permille)

    note = col.new_note("Basic")
    note.fields = ["new", "card"]
    [new] = col.add_note(note, deck_id=1)
    queued = col.sched.get_next_card()
    assert queued.card.id == new.id and queued.labels[1] == "2.1h"  # 123 minutes
    now = col.sched.now()
    col.sched.answer_card(queued.card, "hard", states=queued.states)
    assert col.get_card(new.id).due == now + 7380
    assert runner_for(col).journal.records["global"].failures == 0
