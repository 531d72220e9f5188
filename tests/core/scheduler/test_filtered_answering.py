"""Answering inside filtered decks built by `filtered.add_or_update_filtered_deck`, end to end
through `col.sched` (ANKI-FACTS §1.4, §1.9, §1.10): rescheduling decks (early reviews, cards
that stay while learning and leave on graduating) and preview decks (the deck's own delays,
cards going home unchanged when a preview ends)."""

import pytest

from repetend.core.cards import QUEUE_DAY_LEARN, QUEUE_LEARN, QUEUE_NEW, QUEUE_REVIEW
from repetend.core.scheduler import filtered
from repetend.core.scheduler.filtered import (
    FilteredConfig,
    SearchTerm,
    add_or_update_filtered_deck,
    empty_filtered_deck,
)
from repetend.core.scheduler.states import (
    LearnState,
    PreviewState,
    ReschedulingFilterState,
    ReviewState,
)

PREVIEW_QUEUE = 4


def revlog(col, cid):
    return [tuple(r) for r in col.db.execute(
        "SELECT ease, ivl, last_ivl, factor, type FROM revlog WHERE cid = ? ORDER BY id",
        (cid,))]


def build(study, search="deck:Home", reschedule=True, **delays):
    config = FilteredConfig(terms=(SearchTerm(search, 100, filtered.ADDED),),
                            reschedule=reschedule, **delays)
    return add_or_update_filtered_deck(study.col, "Filtered", config).deck_id


def row(col, cid):
    return tuple(col.db.execute(
        "SELECT did, type, queue, due, ivl, factor, reps, lapses, left, odue, odid FROM cards "
        "WHERE id = ?", (cid,)).fetchone())


@pytest.fixture
def home(study):
    return study.deck("Home")


# --- rescheduling ----------------------------------------------------------------------------

def test_review_ahead_is_an_early_review_and_sends_the_card_home(study, home):
    col = study.col
    cid = study.review(home, due_in=5, ivl=10)
    fid = build(study)
    shown = col.sched.get_next_card(fid)
    assert shown.card.id == cid and shown.kind == "review"
    assert isinstance(shown.states.current, ReschedulingFilterState)
    # five of ten days elapsed: an early review
    assert shown.states.current.original_state == ReviewState(10, 5, 2.5, 0, False)
    result = col.sched.answer_card(shown.card, "good", shown.states)
    card = study.card(cid)
    assert (card.did, card.odid, card.odue, card.queue) == (home, 0, 0, QUEUE_REVIEW)
    assert card.ivl == result.state.scheduled_days and card.due == study.today + card.ivl
    assert card.reps == 4
    assert revlog(col, cid)[0][4] == 3  # logged as an early (filtered) review
    assert col.sched.get_next_card(fid) is None


def test_a_new_card_learns_inside_the_deck_and_leaves_when_it_graduates(study, home):
    col = study.col
    cid = study.new(home, position=9)
    fid = build(study)
    shown = col.sched.get_next_card(fid)
    assert shown.kind == "new" and shown.labels == ("<1m", "<6m", "<10m", "4d")
    col.sched.answer_card(shown.card, "good", shown.states)
    card = study.card(cid)
    # still in the filtered deck, on the second step; odue follows the new due
    assert (card.did, card.odid, card.type, card.queue, card.left) == \
        (fid, home, 1, QUEUE_LEARN, 1)
    assert card.due == card.odue == study.now + 600
    assert card.data["pos"] == 9
    assert col.sched.counts(fid).learn == 1
    study.advance(600)
    shown = col.sched.get_next_card(fid)
    assert shown.card.id == cid
    assert isinstance(shown.states.good, ReviewState)  # graduating leaves the wrapper
    col.sched.answer_card(shown.card, "good", shown.states)
    assert row(col, cid) == (home, 2, QUEUE_REVIEW, study.today + 1, 1, 2500, 2, 0, 0, 0, 0)
    assert [r[4] for r in revlog(col, cid)] == [0, 0]


def test_an_intraday_learning_card_is_due_at_once_and_a_lapse_stays_in_the_deck(study, home):
    col = study.col
    learning = study.learning(home, due_in_secs=900)
    lapse = study.review(home, due_in=0, ivl=20)
    fid = build(study)
    assert set(study.queue(fid)) == {learning, lapse}
    shown = col.sched.get_next_card(fid)
    assert shown.card.id == learning and shown.kind == "intraday"
    col.sched.answer_card(lapse, "again")
    card = study.card(lapse)
    assert (card.did, card.type, card.queue, card.lapses) == (fid, 3, QUEUE_LEARN, 1)
    assert card.odue == card.due == study.now + 600
    # emptying now sends the relearning card home as an intraday (re)learning card
    empty_filtered_deck(col, fid)
    card = study.card(lapse)
    assert (card.did, card.odid, card.queue, card.due) == (home, 0, QUEUE_LEARN,
                                                            study.now + 600)


def test_learning_that_runs_past_the_day_stays_in_the_deck_as_interday(study, home):
    col = study.col
    deck = study.deck("Slow", learn_steps=[1.0, 2880.0])
    cid = study.new(deck)
    fid = build(study, search="deck:Slow")
    col.sched.answer_card(cid, "good")
    card = study.card(cid)
    assert (card.did, card.queue, card.due, card.odue) == \
        (fid, QUEUE_DAY_LEARN, study.today + 2, study.today + 2)
    empty_filtered_deck(col, fid)
    assert (study.card(cid).did, study.card(cid).queue) == (deck, QUEUE_DAY_LEARN)


def test_the_home_decks_options_decide_the_intervals(study, home):
    col = study.col
    deck = study.deck("Steps", learn_steps=[5.0], graduating_interval_good=3)
    study.new(deck)
    fid = build(study, search="deck:Steps")
    shown = col.sched.get_next_card(fid)
    assert shown.states.good == ReviewState(3, 0, 2.5, 0, False)
    assert shown.states.again == ReschedulingFilterState(LearnState(1, 300, 0))


def test_undoing_an_answer_in_a_filtered_deck(study, home):
    col = study.col
    cid = study.review(home, due_in=2)
    fid = build(study)
    before = row(col, cid)
    col.sched.answer_card(cid, "easy")
    assert study.card(cid).did == home
    assert col.sched.undo() == "Answer Card"
    assert row(col, cid) == before
    assert col.sched.get_next_card(fid).card.id == cid


# --- preview --------------------------------------------------------------------------------

def test_preview_uses_the_decks_delays(study, home):
    col = study.col
    cid = study.new(home, position=4)
    fid = build(study, reschedule=False, preview_again_secs=30, preview_hard_secs=90,
                preview_good_secs=120)
    shown = col.sched.get_next_card(fid)
    assert shown.kind == "review"  # every card of a preview deck is in the review queue
    assert shown.states.current == PreviewState(30, False)
    assert (shown.states.again, shown.states.hard, shown.states.good, shown.states.easy) == (
        PreviewState(30, False), PreviewState(90, False), PreviewState(120, False),
        PreviewState(0, True))
    assert shown.labels == ("<30s", "<2m", "<2m", "(end)")
    col.sched.answer_card(shown.card, "hard", shown.states)
    card = study.card(cid)
    assert (card.did, card.queue, card.due, card.odue, card.reps) == \
        (fid, PREVIEW_QUEUE, study.now + 90, 4, 0)
    assert "lrt" not in card.data
    assert revlog(col, cid) == [(2, -90, -30, 0, 3)]
    study.advance(90)
    shown = col.sched.get_next_card(fid)
    assert shown.card.id == cid and shown.kind == "intraday"
    col.sched.answer_card(shown.card, "good", shown.states)
    assert study.card(cid).queue == PREVIEW_QUEUE
    study.advance(120)
    col.sched.answer_card(cid, "easy")
    # the preview ended: home, exactly as before, not rescheduled
    assert row(col, cid) == (home, 0, QUEUE_NEW, 4, 0, 0, 0, 0, 0, 0, 0)
    assert len(revlog(col, cid)) == 3


@pytest.mark.parametrize("button", ["good", "easy"])
def test_a_finished_preview_sends_every_kind_of_card_home_unchanged(study, home, button):
    col = study.col
    cards = [study.new(home, position=3), study.review(home, due_in=4, ivl=9),
             study.learning(home, due_in_secs=200), study.interday(home, due_in=1)]
    before = {cid: row(col, cid) for cid in cards}
    fid = build(study, reschedule=False)  # Good delay 0: Good ends the preview
    for cid in cards:
        state = col.sched.states_for(study.card(cid))
        assert state.good == PreviewState(0, True)
        col.sched.answer_card(cid, button, check_due=False)
        assert row(col, cid) == before[cid], cid
    assert col.sched.counts(fid).total() == 0


def test_preview_again_repeats_and_emptying_restores_the_card(study, home):
    col = study.col
    cid = study.review(home, due_in=6, ivl=12)
    before = row(col, cid)
    fid = build(study, reschedule=False)
    col.sched.answer_card(cid, "again", check_due=False)
    card = study.card(cid)
    assert (card.queue, card.due, card.odue, card.ivl, card.reps) == \
        (PREVIEW_QUEUE, study.now + 60, study.today + 6, 12, 3)
    empty_filtered_deck(col, fid)
    assert row(col, cid) == before


def test_changing_the_deck_to_preview_changes_how_answers_work(study, home):
    col = study.col
    cid = study.review(home, due_in=3)
    build(study)
    assert isinstance(col.sched.states_for(study.card(cid)).current, ReschedulingFilterState)
    build(study, reschedule=False, preview_again_secs=15)
    assert col.sched.states_for(study.card(cid)).current == PreviewState(15, False)
