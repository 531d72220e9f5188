"""Custom data carried by states, and replacement states on the buttons and at commit.

`SchedulingStates.custom_data` is Anki's per-button `customData` (ANKI-FACTS §2.3): the chosen
button's replaces the card's when the answer is committed. `col.callbacks.
scheduling_states_will_commit` runs when a card is shown (so the buttons show its states) and,
when the caller does not pass the shown states back, at commit.
"""

from dataclasses import replace

import pytest

from repetend.core.collection import Collection
from repetend.core.errors import InvalidInput
from repetend.core.scheduler import ReviewState, SchedulingStates
from repetend.core.scheduler.labels import format_interval
from repetend.core.scheduler.validation import StatesInvalid, check_custom_data, check_states


@pytest.fixture
def col(tmp_path):
    col = Collection(tmp_path / "collection.db")
    col.sched.fuzz = False
    yield col
    col.close()


def review_card(col, data=None):
    note = col.new_note("Basic")
    note.fields = ["q", "a"]
    [card] = col.add_note(note, deck_id=1)
    today = col.sched.timing().today
    card.type, card.queue, card.ivl, card.due, card.factor = 2, 2, 10, today, 2500
    card.data = dict(data or {})
    col.update_card(card)
    return col.get_card(card.id)


def test_custom_data_round_trips_through_json():
    states = SchedulingStates.from_json({
        "current": {"normal": {"new": {"position": 1}}, "customData": '{"old":1}'},
        "again": {"normal": {"new": {"position": 1}}, "customData": '{"a":1}'},
        "hard": {"normal": {"new": {"position": 1}}},
        "good": {"normal": {"new": {"position": 1}}, "customData": ""},
        "easy": {"normal": {"new": {"position": 1}}},
    })
    assert states.custom_data == {"again": '{"a":1}', "good": ""}
    assert states.custom_data_for(1) == '{"a":1}' and states.custom_data_for("hard") is None
    assert SchedulingStates.from_json(states.to_json()) == states
    assert "customData" not in states.to_json()["current"]


@pytest.mark.parametrize("text, message", [
    ("[]", "object"), ("5", "object"), ("{", "not JSON"),
    ('{"abcdefghi":1}', "8 bytes"), ('{"é1234567":1}', "8 bytes"),
    ('{"a":"' + "x" * 93 + '"}', "101 bytes"),
])
def test_custom_data_that_anki_refuses_is_refused(text, message):
    with pytest.raises(StatesInvalid, match=message):
        check_custom_data(text)


def test_custom_data_anki_accepts():
    assert check_custom_data('{"abcdefgh":1}') == '{"abcdefgh":1}'
    assert check_custom_data('{"a":"' + "x" * 92 + '"}')  # exactly 100 bytes
    assert check_custom_data("{}") == "" and check_custom_data("") == ""


def test_check_states_checks_custom_data(col):
    card = review_card(col)
    states = col.sched.states_for(card)
    with pytest.raises(StatesInvalid, match="good.customData"):
        check_states(replace(states, custom_data={"good": "[1]"}), states.current)
    with pytest.raises(StatesInvalid, match="not an answer button"):
        check_states(replace(states, custom_data={"current": "{}"}), states.current)
    assert check_states(replace(states, custom_data={"good": "{}"}),
                        states.current).custom_data == {"good": ""}


def test_the_chosen_buttons_custom_data_replaces_the_cards(col):
    card = review_card(col, {"cd": '{"keep":1}'})
    states = col.sched.states_for(card)
    chosen = replace(states, custom_data={"good": '{"n":2}', "easy": '{"n":3}'})
    col.sched.answer_card(card, "good", states=chosen, check_due=False)
    assert col.get_card(card.id).data["cd"] == '{"n":2}'


def test_a_button_without_custom_data_keeps_the_cards_and_empty_clears_it(col):
    card = review_card(col, {"cd": '{"keep":1}'})
    states = col.sched.states_for(card)
    col.sched.answer_card(card, "hard", states=replace(states, custom_data={"good": "{}"}),
                          check_due=False)
    card = col.get_card(card.id)
    assert card.data["cd"] == '{"keep":1}'
    states = col.sched.states_for(card)
    col.sched.answer_card(card, "good", states=replace(states, custom_data={"good": "{}"}),
                          check_due=False)
    assert "cd" not in col.get_card(card.id).data


def test_given_states_with_bad_custom_data_are_refused_and_nothing_changes(col):
    card = review_card(col, {"cd": '{"keep":1}'})
    states = col.sched.states_for(card)
    with pytest.raises(InvalidInput, match="8 bytes"):
        col.sched.answer_card(card, "good", check_due=False,
                              states=replace(states, custom_data={"good": '{"toolongkey":1}'}))
    assert col.get_card(card.id) == card


def test_the_buttons_show_replaced_states_and_those_are_committed_once(col):
    calls = []

    def double_good(col_, card, states):
        calls.append(card.id)
        good = states.good
        return replace(states, good=replace(good, scheduled_days=good.scheduled_days * 2),
                       custom_data={"good": '{"x":1}'})

    col.callbacks.scheduling_states_will_commit = double_good
    card = review_card(col)
    plain = col.sched.states_for(card).good.scheduled_days
    queued = col.sched.get_next_card()
    assert queued.states.good.scheduled_days == 2 * plain
    assert queued.labels[2] == format_interval(2 * plain * 86400)
    assert queued.labels[2] != format_interval(plain * 86400)
    # The shown states go back as they are: the hook does not run a second time.
    col.sched.answer_card(queued.card, "good", states=queued.states)
    stored = col.get_card(card.id)
    assert stored.ivl == 2 * plain and stored.data["cd"] == '{"x":1}'
    assert calls == [card.id]


def test_without_shown_states_the_hook_runs_at_commit(col):
    def to_99(col_, card, states):
        return replace(states, good=ReviewState(99, 0, states.good.ease_factor, 0))

    col.callbacks.scheduling_states_will_commit = to_99
    card = review_card(col)
    result = col.sched.answer_card(card, "good", check_due=False)
    assert result.states_error is None and col.get_card(card.id).ivl == 99


def test_invalid_replacement_custom_data_commits_the_original_states(col):
    col.callbacks.scheduling_states_will_commit = (
        lambda c, card, states: replace(states, custom_data={"good": '{"waytoolong":1}'}))
    card = review_card(col, {"cd": '{"keep":1}'})
    plain = col.sched.states_for(card).good.scheduled_days
    result = col.sched.answer_card(card, "good", check_due=False)
    assert "8 bytes" in result.states_error
    stored = col.get_card(card.id)
    assert stored.ivl == plain and stored.data["cd"] == '{"keep":1}'
