"""Answering through `col.sched` (ANKI-FACTS §1.7, §1.9, §2.3, §3.5): the next card, button
labels, the review log, leeches, undo, the state-replacement extension point, bad answers
and fuzz."""

from dataclasses import replace

import pytest

from repetend.core.cards import QUEUE_LEARN, QUEUE_NEW, QUEUE_REVIEW, QUEUE_SUSPENDED
from repetend.core.decks import DECK_FILTERED
from repetend.core.errors import InvalidInput
from repetend.core.scheduler.answering import parse_button
from repetend.core.scheduler.fuzz import constrained_fuzz_bounds
from repetend.core.scheduler.states import (
    LearnState,
    PreviewState,
    RelearnState,
    ReschedulingFilterState,
    ReviewState,
    SchedulingStates,
)


def revlog(col, cid):
    return [dict(r) for r in col.db.execute(
        "SELECT ease, ivl, last_ivl, factor, time, type FROM revlog WHERE cid = ? ORDER BY id",
        (cid,))]


def test_next_card_comes_with_states_labels_and_counts(study):
    did = study.deck("Deck")
    cid = study.new(did)
    study.review(did)
    shown = study.col.sched.get_next_card(did)
    assert shown.card.id != cid  # reviews come before new cards (mixed evenly)
    shown = study.col.sched.get_next_card(did)
    assert shown.counts.as_dict() == {"new": 1, "learn": 0, "review": 1}
    new_card = study.col.sched.states_for(study.card(cid))
    assert study.col.sched.labels_for(new_card) == ("<1m", "<6m", "<10m", "4d")
    assert shown.labels == ("<10m", "12d", "25d", "1.1mo")
    assert shown.kind == "review"
    assert isinstance(shown.states.good, ReviewState)


def test_answering_writes_card_and_revlog_in_one_undoable_step(study):
    did = study.deck("Deck")
    cid = study.new(did, position=7)
    col = study.col
    before = col.db.execute("SELECT * FROM cards WHERE id = ?", (cid,)).fetchone()
    shown = col.sched.get_next_card(did)
    result = col.sched.answer_card(shown.card, 3, states=shown.states, time_taken_ms=4321)
    card = study.card(cid)
    assert (card.type, card.queue, card.left, card.reps) == (1, QUEUE_LEARN, 1, 1)
    assert card.due == study.now + 600
    assert card.data["pos"] == 7 and card.data["lrt"] == study.now
    assert result.revlog_id == study.now * 1000
    assert revlog(col, cid) == [
        {"ease": 3, "ivl": -600, "last_ivl": 0, "factor": 0, "time": 4321, "type": 0}]
    assert col.undo_name() == "Answer Card"
    assert col.sched.undo() == "Answer Card"
    assert tuple(col.db.execute("SELECT * FROM cards WHERE id = ?", (cid,)).fetchone()) == \
        tuple(before)
    assert revlog(col, cid) == []
    assert "newToday" not in col.decks.get(did).extra
    # the undone card is shown again first
    assert col.sched.get_next_card(did).card.id == cid


def test_undo_puts_the_card_back_at_the_front_of_the_queue(study):
    did = study.deck("Deck")
    cards = [study.review(did, due_in=-i) for i in (3, 2, 1)]
    sched = study.col.sched
    first = sched.get_next_card(did)
    assert first.card.id == cards[0]
    sched.answer_card(first.card, "good")
    assert sched.get_next_card(did).card.id == cards[1]
    sched.answer_card(cards[1], "good")
    sched.undo()
    sched.undo()
    assert sched.get_next_card(did).card.id == cards[0]
    assert study.counts(did) == (0, 0, 3)
    assert study.col.db.execute("SELECT count() FROM revlog").fetchone()[0] == 0


def test_revlog_type_codes(study):
    did = study.deck("Deck", relearn_steps=[10.0])
    col = study.col
    review = study.review(did, ivl=10)
    col.sched.answer_card(review, "again")  # review -> relearning
    relearn_card = study.card(review)
    assert (relearn_card.type, relearn_card.queue, relearn_card.ivl) == (3, QUEUE_LEARN, 1)
    col.sched.answer_card(review, "good", check_due=False)  # relearning -> review
    rows = revlog(col, review)
    assert [(r["type"], r["ease"]) for r in rows] == [(1, 1), (2, 3)]
    assert rows[0]["ivl"] == -600 and rows[0]["last_ivl"] == 10 and rows[0]["factor"] == 2300
    assert rows[1]["ivl"] == 1 and rows[1]["last_ivl"] == -600
    learning = study.learning(did)
    col.sched.answer_card(learning, "easy")
    assert revlog(col, learning)[0]["type"] == 0


def test_revlog_of_filtered_decks(study):
    home = study.deck("Home")
    early = study.review(home, due_in=6, ivl=10)
    previewed = study.new(home)
    col = study.col
    with col.op("Build Filtered Deck"):
        fid = col.decks._create("Ahead", kind=DECK_FILTERED)
        pid = col.decks._create("Preview", kind=DECK_FILTERED)
        for deck_id, extra in ((fid, {"resched": True}), (pid, {"resched": False})):
            deck = col.decks.get(deck_id)
            deck.extra = extra
            col.decks.save(deck)
        col.db.execute("UPDATE cards SET did = ?, odid = ?, odue = due, due = -100000 "
                       "WHERE id = ?", (fid, home, early))
        col.db.execute("UPDATE cards SET did = ?, odid = ?, odue = due, due = -100000 "
                       "WHERE id = ?", (pid, home, previewed))
    shown = col.sched.get_next_card(fid)
    assert isinstance(shown.states.current, ReschedulingFilterState)
    result = col.sched.answer_card(shown.card, "good", shown.states)
    assert (result.card.did, result.card.odid, result.card.ivl) == (home, 0, 10)
    assert revlog(col, early)[0]["type"] == 3  # early review
    shown = col.sched.get_next_card(pid)
    assert shown.states.again == PreviewState(60, False)
    assert shown.labels == ("<1m", "<10m", "(end)", "(end)")
    col.sched.answer_card(shown.card, "again")
    card = study.card(previewed)
    assert (card.queue, card.reps, card.did) == (4, 0, pid)
    assert revlog(col, previewed)[0]["type"] == 3
    col.sched.answer_card(previewed, "good", check_due=False)
    card = study.card(previewed)
    assert (card.queue, card.did, card.odid, card.type) == (QUEUE_NEW, home, 0, 0)


def test_answer_time_is_capped_by_the_preset(study):
    did = study.deck("Deck", cap_answer_time_to_secs=10)
    cid = study.review(did)
    study.col.sched.answer_card(cid, "hard", time_taken_ms=25_000)
    assert revlog(study.col, cid)[0]["time"] == 10_000
    assert study.col.decks.get(did).extra["timeToday"] == [study.today, 10_000]


@pytest.mark.parametrize("action, queue", [(1, QUEUE_LEARN), (0, QUEUE_SUSPENDED)])
def test_leeches_are_tagged_and_maybe_suspended(study, action, queue):
    did = study.deck("Deck", leech_threshold=8, leech_action=action)
    cid = study.review(did, lapses=7)
    study.review(did)  # another card, so the session is not empty after suspending
    result = study.col.sched.answer_card(cid, "again")
    assert result.leeched and result.suspended == (action == 0)
    card = study.card(cid)
    assert (card.type, card.queue, card.lapses) == (3, queue, 8)
    assert "leech" in study.col.get_note(card.nid).tags
    assert cid not in study.queue(did) or action == 1
    study.col.sched.undo()
    assert "leech" not in study.col.get_note(card.nid).tags
    assert study.card(cid).queue == QUEUE_REVIEW


def test_a_near_miss_is_not_a_leech(study):
    did = study.deck("Deck", leech_threshold=8)
    cid = study.review(did, lapses=5)
    assert not study.col.sched.answer_card(cid, "again").leeched
    assert "leech" not in study.col.get_note(study.card(cid).nid).tags


# --- bad answers ----------------------------------------------------------------------------


def test_answering_twice_is_refused(study):
    did = study.deck("Deck")
    study.review(did)
    shown = study.col.sched.get_next_card(did)
    study.col.sched.answer_card(shown.card, "good", shown.states)
    with pytest.raises(InvalidInput, match="changed since it was shown"):
        study.col.sched.answer_card(shown.card, "good", shown.states)
    with pytest.raises(InvalidInput, match="not due: it is due in 25 day"):
        study.col.sched.answer_card(shown.card.id, "good")
    assert len(revlog(study.col, shown.card.id)) == 1


def test_cards_not_due_in_the_session_are_refused(study):
    did = study.deck("Deck", new_per_day=1)
    other = study.deck("Other")
    first, second = study.new(did, position=1), study.new(did, position=2)
    elsewhere = study.review(other)
    later = study.learning(did, due_in_secs=3600)
    sched = study.col.sched
    assert sched.get_next_card(did).card.id == first
    with pytest.raises(InvalidInput, match="not due in today's session of deck 'Deck'"):
        sched.answer_card(second, "good")
    with pytest.raises(InvalidInput, match="not due in today's session of deck 'Deck'"):
        sched.answer_card(elsewhere, "good")
    with pytest.raises(InvalidInput, match=r"due in 1\.0h|due in 1h"):
        sched.answer_card(later, "good")
    cardops_suspended = study.review(did)
    study.set(cardops_suspended, queue=QUEUE_SUSPENDED)
    with pytest.raises(InvalidInput, match="is suspended"):
        sched.answer_card(cardops_suspended, "good")
    # Grade Now: any card, as it stands
    assert sched.answer_card(second, "good", check_due=False).card.queue == QUEUE_LEARN


def test_bad_buttons_and_states_are_refused(study):
    did = study.deck("Deck")
    cid = study.review(did)
    sched = study.col.sched
    with pytest.raises(InvalidInput, match="1–4 or again/hard/good/easy"):
        sched.answer_card(cid, 5)
    assert parse_button("Easy") == 4 and parse_button("2") == 2
    states = sched.states_for(study.card(cid))
    broken = replace(states, good=replace(states.good, scheduled_days=-3))
    with pytest.raises(InvalidInput, match=r"good.scheduledDays must be between 0"):
        sched.answer_card(cid, "good", broken)
    assert revlog(study.col, cid) == []


# --- the extension point --------------------------------------------------------------------


def test_replacement_states_are_committed(study):
    did = study.deck("Deck")
    cid = study.review(did)

    def longer_good(col, card, states):
        data = states.to_json()
        data["good"]["normal"]["review"]["scheduledDays"] = 99
        data["good"]["normal"]["review"]["easeFactor"] = 9.0  # applied as is, like Anki
        return data

    study.col.callbacks.scheduling_states_will_commit = longer_good
    result = study.col.sched.answer_card(cid, "good")
    assert result.states_error is None
    card = study.card(cid)
    assert (card.ivl, card.due, card.factor) == (99, study.today + 99, 9000)


@pytest.mark.parametrize("mutate, message", [
    (lambda s: replace(s, good=replace(s.good, scheduled_days=-1)), "scheduledDays"),
    (lambda s: replace(s, good=replace(s.good, ease_factor=float("nan"))), "easeFactor"),
    (lambda s: replace(s, good=replace(s.good, lapses=True)), "lapses"),
    (lambda s: replace(s, good=replace(s.good, scheduled_days=2.5)), "whole number"),
    (lambda s: replace(s, current=replace(s.current, scheduled_days=1)), "current"),
    (lambda s: replace(s, good=ReschedulingFilterState(s.good)), "filtered state"),
    (lambda s: replace(s, good="25 days"), "not a known scheduling state"),
    (lambda s: replace(s, again=RelearnState(LearnState(1, -60), s.again.review)),
     "scheduledSecs"),
    (lambda s: {"current": s.current.to_json()}, "cannot be read"),
    (lambda s: 42, "expected scheduling states"),
])
def test_invalid_replacement_states_are_never_stored(study, mutate, message):
    did = study.deck("Deck")
    cid = study.review(did)
    expected = study.col.sched.states_for(study.card(cid)).good
    study.col.callbacks.scheduling_states_will_commit = lambda col, card, states: mutate(states)
    result = study.col.sched.answer_card(cid, "good")
    assert message in result.states_error
    assert result.state == expected
    assert study.card(cid).ivl == expected.scheduled_days == 25
    assert study.col.sched.state_errors[-1].startswith(f"card {cid}: replacement states")


def test_a_failing_extension_falls_back_to_the_computed_states(study):
    did = study.deck("Deck")
    cid = study.review(did)

    def broken(col, card, states):
        raise RuntimeError("script crashed")

    study.col.callbacks.scheduling_states_will_commit = broken
    result = study.col.sched.answer_card(cid, "easy")
    assert "RuntimeError: script crashed" in result.states_error
    assert study.card(cid).ivl == 33


def test_the_extension_sees_the_card_and_the_states(study):
    did = study.deck("Deck")
    cid = study.review(did)
    seen = []
    study.col.callbacks.scheduling_states_will_commit = \
        lambda col, card, states: seen.append((col, card.id, states)) or states
    study.col.sched.answer_card(cid, "good")
    assert seen[0][0] is study.col and seen[0][1] == cid
    assert isinstance(seen[0][2], SchedulingStates)


# --- fuzz -------------------------------------------------------------------------------------


@pytest.fixture
def fuzz_env(monkeypatch):
    monkeypatch.delenv("REPETEND_NO_FUZZ", raising=False)
    monkeypatch.delenv("ANKI_TEST_MODE", raising=False)
    return monkeypatch


def test_fuzz_is_on_by_default_and_deterministic_per_card(study, fuzz_env):
    study.col.sched.fuzz = None
    did = study.deck("Deck")
    cids = [study.review(did, ivl=100) for _ in range(40)]
    goods = []
    for cid in cids:
        states = study.col.sched.states_for(study.card(cid))
        assert states == study.col.sched.states_for(study.card(cid))
        goods.append(states.good.scheduled_days)
    low, high = constrained_fuzz_bounds(250.0, 101, 36500)
    assert all(low <= g <= high for g in goods)
    assert len(set(goods)) > 5
    result = study.col.sched.answer_card(cids[0], "good")
    assert result.card.ivl == goods[0]


@pytest.mark.parametrize("switch", ["config", "REPETEND_NO_FUZZ", "ANKI_TEST_MODE"])
def test_fuzz_can_be_switched_off(study, fuzz_env, switch):
    study.col.sched.fuzz = None
    if switch == "config":
        study.col.set_config("fuzz", False)
    else:
        fuzz_env.setenv(switch, "1")
    assert not study.col.sched.fuzz_enabled()
    did = study.deck("Deck")
    cids = [study.review(did, ivl=100) for _ in range(10)]
    assert {study.col.sched.states_for(study.card(c)).good.scheduled_days for c in cids} == {250}


def test_learning_fuzz_is_undone_when_working_out_elapsed_time(study, fuzz_env):
    study.col.sched.fuzz = None
    did = study.deck("Deck")
    cid = study.new(did)
    result = study.col.sched.answer_card(cid, "good")
    assert study.now + 600 <= result.card.due <= study.now + 750
    study.advance(300)
    current = study.col.sched.current_state(study.card(cid))
    assert current == LearnState(1, 600, 300)


def test_listeners_are_told_after_the_answer_is_committed(study):
    did = study.deck("Deck")
    cid = study.review(did)
    told = []

    def listener(col, card, button):
        told.append((card.id, card.ivl, button, col.undo_name()))
        raise RuntimeError("listener broke")

    study.col.callbacks.scheduling_did_answer = listener
    result = study.col.sched.answer_card(cid, "good")
    assert told == [(cid, 25, 3, "Answer Card")]
    assert result.card.ivl == 25
    assert "RuntimeError: listener broke" in study.col.sched.callback_errors[-1]


def test_looking_at_other_decks_keeps_the_study_session(study):
    did = study.deck("Deck")
    other = study.deck("Other")
    card = study.review(did)
    elsewhere = study.review(other)
    sched = study.col.sched
    shown = sched.get_next_card(did)
    assert study.counts(other) == (0, 0, 1)
    assert [(r.name, r.review) for r in sched.due_tree()] == [
        ("Deck", 1), ("Default", 0), ("Other", 1)]
    sched.answer_card(shown.card, "good", shown.states)
    with pytest.raises(InvalidInput, match="session of deck 'Deck'"):
        sched.answer_card(elsewhere, "good")
    assert sched.open_session(other).review == 1
    assert sched.answer_card(elsewhere, "good").card.ivl == 25
    assert study.card(card).ivl == 25
