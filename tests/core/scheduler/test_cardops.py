"""Card operations (ANKI-FACTS §12): stored fields, revlog rows, undo, and refused input."""

import random
import re
import time
from datetime import datetime, timedelta

import pytest

from repetend.core.cards import (
    QUEUE_DAY_LEARN,
    QUEUE_LEARN,
    QUEUE_NEW,
    QUEUE_REVIEW,
    QUEUE_SCHED_BURIED,
    QUEUE_SUSPENDED,
    QUEUE_USER_BURIED,
    TYPE_LEARN,
    TYPE_NEW,
    TYPE_RELEARN,
    TYPE_REVIEW,
)
from repetend.core.decks import DECK_FILTERED
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.scheduler import cardops
from repetend.core.scheduler.cardops import DueDateSpec, parse_due_date

TODAY = 10
NOW_ISH = 1_795_000_000  # an epoch-seconds due (intraday learning)


@pytest.fixture
def col(col):
    """A collection whose day number is TODAY: created at noon TODAY days ago, day starting
    at midnight (so the rollover hour has always passed)."""
    created = datetime.now().astimezone().replace(hour=12, minute=0, second=0,
                                                  microsecond=0) - timedelta(days=TODAY)
    with col.op("Test Setup"):
        col.db.execute("UPDATE col SET crt = ?", (int(created.timestamp()),))
        col.set_config("creationOffset", -int(created.utcoffset().total_seconds() // 60))
        col.set_config("rollover", 0)
    col.history.clear()
    return col


@pytest.fixture
def cards(col, add):
    """cards(n, notetype="Basic") -> ids of the cards of n new notes, added in order."""

    def _cards(n=1, notetype="Basic", deck="Default"):
        ids = []
        for i in range(n):
            note = add(notetype, f"front {i}", f"back {i}", deck=deck)
            ids += [c.id for c in col.cards_of_note(note.id)]
        return ids

    return _cards


def set_fields(col, cid, **fields):
    card = col.get_card(cid)
    mtime = fields.pop("mtime", None)
    for name, value in fields.items():
        setattr(card, name, value)
    col.update_card(card)
    if mtime is not None:
        with col.op("Test Setup"):
            col.db.execute("UPDATE cards SET mtime = ? WHERE id = ?", (mtime, cid))
    col.history.clear()
    return col.get_card(cid)


def revlog(col, cid):
    return [tuple(r) for r in col.db.execute(
        "SELECT ease, ivl, last_ivl, factor, time, type FROM revlog WHERE cid = ? ORDER BY id",
        (cid,))]


def snapshot(col):
    return ([tuple(r) for r in col.db.execute("SELECT * FROM cards ORDER BY id")],
            [tuple(r) for r in col.db.execute("SELECT * FROM revlog ORDER BY id")],
            [tuple(r) for r in col.db.execute("SELECT key, value FROM config ORDER BY key")])


def filtered_deck(col, name="Filtered"):
    with col.op("Test Setup"):
        did = col.decks._create(name, kind=DECK_FILTERED)
    col.history.clear()
    return did


def test_the_fixture_day_is_ten_days_after_creation(col):
    assert col.sched.timing().today == TODAY


# --- suspend / unsuspend ---------------------------------------------------------------

def test_suspend_sets_queue_minus_one_and_counts_only_changed_cards(col, cards):
    a, b = cards(2)
    set_fields(col, b, queue=QUEUE_SUSPENDED, mtime=5)
    assert cardops.suspend(col, [a, b]) == 1
    card = col.get_card(a)
    assert (card.type, card.queue, card.due, card.usn) == (TYPE_NEW, QUEUE_SUSPENDED, 1, -1)
    assert col.get_card(b).mtime == 5  # untouched
    assert col.undo_name() == "Suspend"
    assert col.undo() == "Suspend"
    assert col.get_card(a).queue == QUEUE_NEW


@pytest.mark.parametrize(("ctype", "due", "queue"), [
    (TYPE_NEW, 3, QUEUE_NEW),
    (TYPE_REVIEW, TODAY + 4, QUEUE_REVIEW),
    (TYPE_LEARN, NOW_ISH, QUEUE_LEARN),
    (TYPE_LEARN, TODAY + 1, QUEUE_DAY_LEARN),
    (TYPE_RELEARN, NOW_ISH, QUEUE_LEARN),
    (TYPE_RELEARN, TODAY, QUEUE_DAY_LEARN),
])
def test_unsuspend_restores_the_queue_from_the_type(col, cards, ctype, due, queue):
    (cid,) = cards()
    set_fields(col, cid, type=ctype, queue=QUEUE_SUSPENDED, due=due)
    assert cardops.unsuspend(col, [cid]) == 1
    assert (col.get_card(cid).queue, col.get_card(cid).due) == (queue, due)
    assert col.undo() == "Unbury/Unsuspend"
    assert col.get_card(cid).queue == QUEUE_SUSPENDED


def test_unsuspend_leaves_buried_and_active_cards_alone(col, cards):
    a, b, c = cards(3)
    set_fields(col, a, queue=QUEUE_USER_BURIED)
    set_fields(col, b, queue=QUEUE_SCHED_BURIED)
    assert cardops.unsuspend(col, [a, b, c]) == 0
    assert [col.get_card(i).queue for i in (a, b, c)] == [
        QUEUE_USER_BURIED, QUEUE_SCHED_BURIED, QUEUE_NEW]
    assert col.undo_name() is None  # nothing changed, no undo step


# --- bury / unbury ---------------------------------------------------------------------

def test_bury_is_manual_by_default_and_sibling_on_request(col, cards):
    a, b = cards(2)
    assert cardops.bury(col, [a]) == 1
    assert col.get_card(a).queue == QUEUE_USER_BURIED
    assert col.undo_name() == "Bury"
    assert cardops.bury(col, [b], sibling=True) == 1
    assert col.get_card(b).queue == QUEUE_SCHED_BURIED
    assert cardops.bury(col, [a, b]) == 1  # b becomes manually buried; a already was
    assert col.get_card(b).queue == QUEUE_USER_BURIED
    col.undo()
    assert col.get_card(b).queue == QUEUE_SCHED_BURIED


def test_burying_a_suspended_card_does_nothing(col, cards):
    (cid,) = cards()
    set_fields(col, cid, queue=QUEUE_SUSPENDED)
    assert cardops.bury(col, [cid]) == 0
    assert col.get_card(cid).queue == QUEUE_SUSPENDED


@pytest.mark.parametrize(("mode", "restored"), [
    ("manual", {"manual"}), ("sibling", {"sibling"}), ("all", {"manual", "sibling"})])
def test_unbury_targets_manual_sibling_or_both(col, cards, mode, restored):
    manual, sibling, suspended = cards(3)
    set_fields(col, manual, type=TYPE_REVIEW, due=TODAY, queue=QUEUE_USER_BURIED, ivl=3)
    set_fields(col, sibling, type=TYPE_LEARN, due=NOW_ISH, queue=QUEUE_SCHED_BURIED)
    set_fields(col, suspended, queue=QUEUE_SUSPENDED)
    assert cardops.unbury(col, [manual, sibling, suspended], mode) == len(restored)
    expected = {
        manual: QUEUE_REVIEW if "manual" in restored else QUEUE_USER_BURIED,
        sibling: QUEUE_LEARN if "sibling" in restored else QUEUE_SCHED_BURIED,
        suspended: QUEUE_SUSPENDED,
    }
    assert {cid: col.get_card(cid).queue for cid in expected} == expected
    assert col.undo() == "Unbury/Unsuspend"
    assert col.get_card(manual).queue == QUEUE_USER_BURIED
    assert col.get_card(sibling).queue == QUEUE_SCHED_BURIED


def test_unbury_refuses_an_unknown_mode(col, cards):
    (cid,) = cards()
    with pytest.raises(InvalidInput, match="unbury mode must be one of all, manual, sibling"):
        cardops.unbury(col, [cid], "everything")


# --- flags -----------------------------------------------------------------------------

def test_set_flag_changes_only_the_low_three_bits_and_keeps_mtime(col, cards):
    a, b = cards(2)
    set_fields(col, a, flags=0b1010_0101, mtime=1234)
    set_fields(col, b, flags=3)
    assert cardops.set_flag(col, [a, b], 3) == 1  # b already has flag 3
    card = col.get_card(a)
    assert (card.flags, card.user_flag, card.mtime, card.usn) == (0b1010_0011, 3, 1234, -1)
    assert col.undo_name() == "Set Flag"
    assert cardops.set_flag(col, [a, b], 0) == 2
    assert [col.get_card(i).flags for i in (a, b)] == [0b1010_0000, 0]
    col.undo()
    col.undo()
    assert col.get_card(a).flags == 0b1010_0101


@pytest.mark.parametrize("flag", [8, 9, -1, True, "1", 2.0])
def test_set_flag_refuses_flags_outside_0_to_7(col, cards, flag):
    (cid,) = cards()
    before = snapshot(col)
    with pytest.raises(InvalidInput, match=r"flag must be 0 \(no flag\) to 7, not"):
        cardops.set_flag(col, [cid], flag)
    assert snapshot(col) == before


# --- common behaviour --------------------------------------------------------------------

@pytest.mark.parametrize(("operation", "extra"), [
    (cardops.suspend, {}), (cardops.unsuspend, {}), (cardops.bury, {}),
    (cardops.unbury, {}), (cardops.set_flag, {"flag": 2}), (cardops.forget, {}),
    (cardops.set_due_date, {"days": "1"}), (cardops.reposition, {}),
])
def test_unknown_card_ids_are_refused_and_nothing_changes(col, cards, operation, extra):
    (cid,) = cards()
    set_fields(col, cid, queue=QUEUE_SUSPENDED)
    before = snapshot(col)
    with pytest.raises(NotFoundError, match="no card with id 42$"):
        operation(col, [cid, 42], **extra)
    with pytest.raises(NotFoundError, match="no cards with ids 42, 43$"):
        operation(col, [42, cid, 43], **extra)
    assert snapshot(col) == before
    assert col.undo_name() is None


@pytest.mark.parametrize(("operation", "extra"), [
    (cardops.suspend, {}), (cardops.unsuspend, {}), (cardops.bury, {}),
    (cardops.unbury, {}), (cardops.set_flag, {"flag": 2}), (cardops.forget, {}),
    (cardops.set_due_date, {"days": "1"}), (cardops.reposition, {"shift": True}),
])
def test_an_empty_selection_changes_nothing(col, cards, operation, extra):
    cards(2)
    before = snapshot(col), col.undo_name()
    assert operation(col, [], **extra) == 0
    assert (snapshot(col), col.undo_name()) == before


def test_card_ids_must_be_integers(col):
    with pytest.raises(InvalidInput, match="card ids must be whole numbers, not '12'"):
        cardops.suspend(col, ["12"])


def test_a_card_given_twice_is_changed_once(col, cards):
    (cid,) = cards()
    assert cardops.forget(col, [cid, cid]) == 1
    assert len(revlog(col, cid)) == 1


# --- Forget --------------------------------------------------------------------------------

def test_forget_resets_a_review_card_to_its_original_position(col, cards):
    (cid,) = cards()
    home = col.get_card(cid).did
    fdid = filtered_deck(col)
    set_fields(col, cid, type=TYPE_REVIEW, queue=QUEUE_REVIEW, due=-100_000, odue=TODAY + 3,
               did=fdid, odid=home, ivl=20, factor=2350, reps=6, lapses=2, left=0,
               data={"pos": 7, "s": 3.1, "d": 5.0, "dr": 0.9, "decay": 0.2, "lrt": 99})
    next_pos = col.get_config("nextPos")
    assert cardops.forget(col, [cid]) == 1
    card = col.get_card(cid)
    assert (card.type, card.queue, card.due, card.ivl, card.factor) == (TYPE_NEW, QUEUE_NEW,
                                                                        7, 0, 0)
    assert (card.did, card.odid, card.odue) == (home, 0, 0)
    assert (card.reps, card.lapses) == (6, 2)  # counts kept unless asked
    assert card.data == {"lrt": 99}  # position and FSRS memory gone
    assert revlog(col, cid) == [(0, 0, 20, 0, 0, 4)]
    assert col.get_config("nextPos") == next_pos  # no fresh position was used
    assert col.undo_name() == "Reset Card"

    col.undo()
    card = col.get_card(cid)
    assert (card.type, card.due, card.ivl, card.did, card.data["pos"]) == (TYPE_REVIEW, -100_000,
                                                                           20, fdid, 7)
    assert revlog(col, cid) == []


def test_forget_takes_fresh_positions_where_none_is_known_or_restoring_is_off(col, cards):
    new_card, unknown, known = cards(3)
    set_fields(col, new_card, due=2)
    set_fields(col, unknown, type=TYPE_REVIEW, queue=QUEUE_REVIEW, due=TODAY, ivl=5,
               factor=2500, reps=3, lapses=1)
    set_fields(col, known, type=TYPE_RELEARN, queue=QUEUE_LEARN, due=NOW_ISH, ivl=1,
               factor=1300, reps=9, lapses=4, left=1, data={"pos": 1})
    next_pos = col.get_config("nextPos")

    assert cardops.forget(col, [known, unknown, new_card], reset_counts=True) == 3
    got = {cid: col.get_card(cid) for cid in (new_card, unknown, known)}
    assert got[new_card].due == 2  # a new card keeps its current position
    assert got[known].due == 1
    assert got[unknown].due == next_pos
    assert col.get_config("nextPos") == next_pos + 1
    assert all((c.type, c.queue, c.reps, c.lapses) == (0, 0, 0, 0) for c in got.values())
    assert revlog(col, known) == [(0, 0, 1, 0, 0, 4)]
    assert revlog(col, new_card) == [(0, 0, 0, 0, 0, 4)]
    col.undo()
    assert col.get_config("nextPos") == next_pos
    assert col.get_card(known).reps == 9

    assert cardops.forget(col, [known, unknown, new_card], restore_position=False) == 3
    assert [col.get_card(c).due for c in (known, unknown, new_card)] == [
        next_pos, next_pos + 1, next_pos + 2]
    assert col.get_config("nextPos") == next_pos + 3
    assert col.get_card(known).reps == 9


def test_forget_a_new_card_in_a_filtered_deck_restores_its_home_position(col, cards):
    (cid,) = cards()
    home = col.get_card(cid).did
    set_fields(col, cid, did=filtered_deck(col), odid=home, due=-100_000, odue=4)
    cardops.forget(col, [cid])
    card = col.get_card(cid)
    assert (card.did, card.odid, card.odue, card.due) == (home, 0, 0, 4)


def test_forget_remembers_its_options_for_a_context(col, cards):
    (cid,) = cards()
    cardops.forget(col, [cid], restore_position=False, reset_counts=True, context="browser")
    assert col.get_config("restorePositionBrowser") is False
    assert col.get_config("resetCountsBrowser") is True
    with pytest.raises(InvalidInput, match="context must be one of browser, reviewer"):
        cardops.forget(col, [cid], context="editor")


# --- Set Due Date ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "spec"), [
    ("0", DueDateSpec(0, 0, False)),
    ("5", DueDateSpec(5, 5, False)),
    ("1!", DueDateSpec(1, 1, True)),
    ("1-7", DueDateSpec(1, 7, False)),
    ("70-50!", DueDateSpec(50, 70, True)),
    (" 3 ", DueDateSpec(3, 3, False)),
    ("007", DueDateSpec(7, 7, False)),
])
def test_parse_due_date(text, spec):
    assert parse_due_date(text) == spec


@pytest.mark.parametrize("text", [
    "", "x", "-5", "1-", "-", "1-2-3", "3!!", "!", "1.5", "1 - 3", "3 !", "\u0663", "+2",
])
def test_parse_due_date_refuses_malformed_entries(text):
    with pytest.raises(InvalidInput,
                       match=re.escape(f"due date {text!r} is not valid: use a number")):
        parse_due_date(text)


def test_set_due_date_refuses_bad_input_without_changing_anything(col, cards):
    (cid,) = cards()
    before = snapshot(col)
    with pytest.raises(InvalidInput, match="due date '1-x' is not valid"):
        cardops.set_due_date(col, [cid], "1-x")
    with pytest.raises(InvalidInput, match="too far in the future"):
        cardops.set_due_date(col, [cid], "99999999999")
    assert snapshot(col) == before


def test_set_due_date_makes_a_new_card_a_review_card(col, cards):
    conf = col.deck_config(1)
    conf.initial_ease = 2.35
    col.save_deck_config(conf)
    (cid,) = cards()
    position = col.get_card(cid).due
    assert cardops.set_due_date(col, [cid], "3") == 1
    card = col.get_card(cid)
    assert (card.type, card.queue, card.due, card.ivl, card.factor) == (
        TYPE_REVIEW, QUEUE_REVIEW, TODAY + 3, 3, 2350)
    assert card.data["pos"] == position
    assert revlog(col, cid) == [(0, 3, 0, 2350, 0, 4)]
    assert col.undo_name() == "Set Due Date"
    col.undo()
    assert (col.get_card(cid).type, col.get_card(cid).due) == (TYPE_NEW, position)
    assert revlog(col, cid) == []


def test_set_due_date_today_gives_a_new_card_an_interval_of_one_day(col, cards):
    (cid,) = cards()
    cardops.set_due_date(col, [cid], "0")
    card = col.get_card(cid)
    assert (card.due, card.ivl, card.factor) == (TODAY, 1, 2500)


def test_set_due_date_keeps_a_review_interval_unless_told_with_a_bang(col, cards):
    review, relearn, learn = cards(3)
    set_fields(col, review, type=TYPE_REVIEW, queue=QUEUE_REVIEW, due=TODAY - 2, ivl=20,
               factor=2700, data={"pos": 3})
    set_fields(col, relearn, type=TYPE_RELEARN, queue=QUEUE_LEARN, due=NOW_ISH, ivl=4,
               factor=1900, left=1)
    set_fields(col, learn, type=TYPE_LEARN, queue=QUEUE_DAY_LEARN, due=TODAY, left=1)
    assert cardops.set_due_date(col, [review, relearn, learn], "5") == 3
    got = {cid: col.get_card(cid) for cid in (review, relearn, learn)}
    assert [(c.type, c.queue, c.due, c.ivl, c.factor) for c in got.values()] == [
        (TYPE_REVIEW, QUEUE_REVIEW, TODAY + 5, 20, 2700),
        (TYPE_REVIEW, QUEUE_REVIEW, TODAY + 5, 4, 1900),
        (TYPE_REVIEW, QUEUE_REVIEW, TODAY + 5, 5, 2500),
    ]
    assert got[review].data["pos"] == 3
    assert "pos" not in got[learn].data  # not known for a card that already left the new queue
    assert revlog(col, review) == [(0, 20, 20, 2700, 0, 4)]
    assert revlog(col, relearn) == [(0, 4, 4, 1900, 0, 4)]

    cardops.set_due_date(col, [review], "5!")
    assert col.get_card(review).ivl == 5
    assert revlog(col, review)[-1] == (0, 5, 20, 2700, 0, 4)


def test_set_due_date_counts_from_the_schedulers_today(col, cards):
    (cid,) = cards()
    col.sched.set_now(time.time() + 3 * 86_400)
    cardops.set_due_date(col, [cid], "2")
    assert col.get_card(cid).due == TODAY + 3 + 2


def test_set_due_date_range_draws_a_day_per_card(col, cards):
    ids = cards(12)
    cardops.set_due_date(col, ids, "7-3", rng=random.Random(1))
    dues = [col.get_card(cid).due - TODAY for cid in ids]
    assert all(3 <= d <= 7 for d in dues)
    assert len(set(dues)) > 1
    assert [col.get_card(cid).ivl for cid in ids] == dues


def test_set_due_date_takes_a_card_out_of_its_filtered_deck(col, cards):
    (cid,) = cards()
    conf = col.deck_config(1)
    conf.id, conf.name, conf.initial_ease = 0, "Hard deck", 1.31
    conf = col.save_deck_config(conf)
    home = col.decks.get(col.decks.id("Home"))
    home.config_id = conf.id
    col.decks.save(home)
    set_fields(col, cid, did=filtered_deck(col), odid=home.id, due=-100_000, odue=2)
    cardops.set_due_date(col, [cid], "1")
    card = col.get_card(cid)
    assert (card.did, card.odid, card.odue, card.due, card.factor) == (home.id, 0, 0,
                                                                       TODAY + 1, 1310)
    assert card.data["pos"] == 2


def test_set_due_date_remembers_the_entry_for_a_context(col, cards):
    (cid,) = cards()
    cardops.set_due_date(col, [cid], "2-4!", context="reviewer")
    assert col.get_config("setDueReviewer") == "2-4!"


# --- Reposition ----------------------------------------------------------------------------

def test_reposition_numbers_notes_in_the_given_order_siblings_sharing(col, cards):
    first = cards(1, "Basic (and reversed card)")
    second = cards(1, "Basic (and reversed card)")
    third = cards(1)
    assert cardops.reposition(col, third + first + second, start=10, step=5) == 5
    assert [col.get_card(c).due for c in third + first + second] == [10, 15, 15, 20, 20]
    assert col.undo_name() == "Reposition"
    assert col.get_config("randomOrderReposition") is False
    assert col.get_config("shiftPositionOfExistingCards") is False
    col.undo()
    assert [col.get_card(c).due for c in first + second + third] == [1, 1, 2, 2, 3]


def test_reposition_shift_moves_later_new_cards_out_of_the_way(col, cards):
    ids = cards(5)  # positions 1..5
    review = cards(1)[0]
    set_fields(col, review, type=TYPE_REVIEW, queue=QUEUE_REVIEW, due=TODAY + 2, ivl=2,
               factor=2500)
    moved = ids[4]
    assert cardops.reposition(col, [moved], start=2, step=3, shift=True) == 1
    # cards at position 2 or later move by step x 1 card = 3; the review card stays
    assert [col.get_card(c).due for c in ids] == [1, 5, 6, 7, 2]
    assert col.get_card(review).due == TODAY + 2
    assert col.get_config("shiftPositionOfExistingCards") is True
    col.undo()
    assert [col.get_card(c).due for c in ids] == [1, 2, 3, 4, 5]


def test_reposition_randomize_shuffles_notes(col, cards):
    ids = cards(8)
    cardops.reposition(col, ids, start=1, randomize=True, rng=random.Random(3))
    dues = [col.get_card(c).due for c in ids]
    assert sorted(dues) == list(range(1, 9))
    assert dues != list(range(1, 9))
    assert col.get_config("randomOrderReposition") is True


def test_reposition_a_new_card_in_a_filtered_deck_changes_its_home_position(col, cards):
    (cid,) = cards()
    set_fields(col, cid, did=filtered_deck(col), odid=1, due=-100_000, odue=1)
    cardops.reposition(col, [cid], start=40)
    card = col.get_card(cid)
    assert (card.due, card.odue) == (-100_000, 40)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"start": -1}, "start position must be a whole number of at least 0, not -1"),
    ({"step": 0}, "step must be a whole number of at least 1, not 0"),
    ({"start": 1.5}, "start position must be a whole number of at least 0, not 1.5"),
    ({"start": 2**31}, "the positions would run past the largest position"),
])
def test_reposition_refuses_bad_numbers(col, cards, kwargs, message):
    ids = cards(2)
    before = snapshot(col)
    with pytest.raises(InvalidInput, match=message):
        cardops.reposition(col, ids, **kwargs)
    assert snapshot(col) == before


def test_reposition_refuses_cards_that_are_not_new(col, cards):
    new, review, learn = cards(3)
    set_fields(col, review, type=TYPE_REVIEW, queue=QUEUE_REVIEW, due=TODAY, ivl=1,
               factor=2500)
    set_fields(col, learn, type=TYPE_LEARN, queue=QUEUE_LEARN, due=NOW_ISH)
    before = snapshot(col)
    with pytest.raises(InvalidInput, match=f"only new cards can be repositioned; not new: "
                                           f"{review}, {learn}$"):
        cardops.reposition(col, [new, review, learn], start=5, shift=True)
    assert snapshot(col) == before


def test_a_suspended_new_card_can_be_repositioned(col, cards):
    (cid,) = cards()
    set_fields(col, cid, queue=QUEUE_SUSPENDED)
    assert cardops.reposition(col, [cid], start=9) == 1
    assert (col.get_card(cid).due, col.get_card(cid).queue) == (9, QUEUE_SUSPENDED)
