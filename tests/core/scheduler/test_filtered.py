"""Filtered decks (ANKI-FACTS §1.10): building with each order, limits, the second filter,
emptying, rebuilding and deleting (cards back exactly as they were), undo, bad input."""

import pytest

from repetend.core.cards import (
    QUEUE_DAY_LEARN,
    QUEUE_LEARN,
    QUEUE_NEW,
    QUEUE_REVIEW,
    QUEUE_SCHED_BURIED,
    QUEUE_SUSPENDED,
    QUEUE_USER_BURIED,
)
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.scheduler import cardops, filtered
from repetend.core.scheduler.filtered import (
    NO_CARDS_MATCHED,
    FilteredConfig,
    SearchTerm,
    add_or_update_filtered_deck,
    empty_filtered_deck,
    rebuild_filtered_deck,
)

FIELDS = "did, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data"


def fields(col, cid):
    return tuple(col.db.execute(f"SELECT {FIELDS} FROM cards WHERE id = ?", (cid,)).fetchone())


def snapshot(col):
    return {r[0]: tuple(r[1:]) for r in col.db.execute(f"SELECT id, {FIELDS} FROM cards")}


def config(search="deck:Home", limit=100, order=filtered.ADDED, **kwargs):
    return FilteredConfig(terms=(SearchTerm(search, limit, order),), **kwargs)


def build(study, search="deck:Home", limit=100, order=filtered.ADDED, name="Cram", **kwargs):
    return add_or_update_filtered_deck(study.col, name, config(search, limit, order, **kwargs))


def positions(col, fid):
    """The cards of the filtered deck in the order they were gathered."""
    return [r[0] for r in col.db.execute("SELECT id FROM cards WHERE did = ? ORDER BY due",
                                         (fid,))]


@pytest.fixture
def home(study):
    return study.deck("Home")


# --- building ------------------------------------------------------------------------------

def test_building_moves_cards_in_keeping_their_home_and_due(study, home):
    col = study.col
    new = study.new(home, position=7)
    review = study.review(home, due_in=3, ivl=10)
    learning = study.learning(home, due_in_secs=300)
    interday = study.interday(home, due_in=-1)
    result = build(study)
    assert result.count == 4 and result.created and result.name == "Cram"
    fid = result.deck_id
    assert col.undo_name() == "Build Deck"
    # in the order gathered (order added), positions from -100000
    assert positions(col, fid) == [new, review, learning, interday]
    card = study.card(new)
    assert (card.did, card.odid, card.odue, card.due, card.queue) == \
        (fid, home, 7, -100000, QUEUE_NEW)
    card = study.card(review)
    assert (card.odue, card.due, card.queue, card.ivl) == \
        (study.today + 3, -99999, QUEUE_REVIEW, 10)
    # an intraday learning card is due at once; its timestamp is kept in odue
    card = study.card(learning)
    assert (card.odue, card.due, card.queue) == (study.now + 300, -99998, QUEUE_LEARN)
    card = study.card(interday)
    assert (card.odue, card.due, card.queue) == (study.today - 1, -99997, QUEUE_DAY_LEARN)
    assert col.get_config("curDeck") == fid
    deck = col.decks.get(fid)
    assert deck.is_filtered
    assert deck.extra == {"resched": True, "terms": [["deck:Home", 100, 5]],
                          "separate": True, "delays": None, "previewDelay": 0,
                          "previewAgainSecs": 60, "previewHardSecs": 600,
                          "previewGoodSecs": 0}
    assert filtered.filtered_config(deck) == config()


def test_a_due_of_zero_or_below_is_kept_and_the_position_still_advances(study, home):
    first = study.review(home, ivl=3)
    second = study.new(home, position=5)
    study.set(first, due=0)
    build(study)
    assert (study.card(first).due, study.card(first).odue) == (0, 0)
    assert study.card(second).due == -99999


def test_suspended_buried_and_already_filtered_cards_are_left_out(study, home):
    col = study.col
    cards = [study.new(home, position=i) for i in range(5)]
    cardops.suspend(col, [cards[0]])
    cardops.bury(col, [cards[1]])
    cardops.bury(col, [cards[2]], sibling=True)
    other = build(study, search=f"cid:{cards[3]}", name="Other").deck_id
    fid = build(study).deck_id
    assert positions(col, fid) == [cards[4]]
    assert study.card(cards[3]).did == other
    for cid, queue in zip(cards[:3], (QUEUE_SUSPENDED, QUEUE_USER_BURIED, QUEUE_SCHED_BURIED),
                          strict=True):
        assert (study.card(cid).did, study.card(cid).queue) == (home, queue)


def test_without_rescheduling_every_card_goes_to_the_review_queue(study, home):
    new = study.new(home)
    learning = study.learning(home)
    review = study.review(home)
    fid = build(study, reschedule=False, preview_again_secs=30).deck_id
    for cid in (new, learning, review):
        assert study.card(cid).queue == QUEUE_REVIEW
    assert study.card(new).type == 0 and study.card(learning).type == 1
    assert study.col.decks.get(fid).extra["resched"] is False
    assert study.counts(fid) == (0, 0, 3)


def test_the_limit_takes_the_first_cards_in_order(study, home):
    cards = [study.new(home, position=i + 1) for i in range(10)]
    fid = build(study, limit=3).deck_id
    assert positions(study.col, fid) == cards[:3]


def test_the_second_filter_gathers_after_the_first(study, home):
    col = study.col
    new = [study.new(home, position=i + 1) for i in range(4)]
    due = [study.review(home, due_in=-i, ivl=10 + i) for i in range(3)]
    result = add_or_update_filtered_deck(col, "Two", FilteredConfig(terms=(
        SearchTerm("deck:Home is:due", 2, filtered.DUE),
        SearchTerm("deck:Home", 3, filtered.ADDED))))
    # the second search matches everything, but cards the first took are already filtered
    assert positions(col, result.deck_id) == [due[2], due[1], *new[:3]]
    assert result.count == 5
    assert col.decks.get(result.deck_id).extra["terms"] == [
        ["deck:Home is:due", 2, 6], ["deck:Home", 3, 5]]


# --- orders --------------------------------------------------------------------------------

def test_order_intervals_lapses_and_added(study, home):
    col = study.col
    cards = [study.review(home, ivl=ivl, lapses=lapses)
             for ivl, lapses in ((30, 1), (5, 7), (60, 0), (12, 3))]
    expected = {
        filtered.INTERVALS_ASCENDING: [cards[1], cards[3], cards[0], cards[2]],
        filtered.INTERVALS_DESCENDING: [cards[2], cards[0], cards[3], cards[1]],
        filtered.MOST_LAPSES: [cards[1], cards[3], cards[0], cards[2]],
        filtered.ADDED: cards,
        filtered.LATEST_ADDED_FIRST: cards[::-1],
    }
    for order, ids in expected.items():
        fid = build(study, order=order, name=f"Order {order}").deck_id
        assert positions(col, fid) == ids, order
        empty_filtered_deck(col, fid)


def test_order_added_keeps_a_notes_cards_together_by_template(study, home):
    col = study.col
    first = study.note(home, notetype="Basic (and reversed card)")
    second = study.note(home, notetype="Basic (and reversed card)")
    fid = build(study, order=filtered.ADDED).deck_id
    assert positions(col, fid) == [*first, *second]
    empty_filtered_deck(col, fid)
    fid = build(study, order=filtered.LATEST_ADDED_FIRST).deck_id
    assert positions(col, fid) == [*second, *first]


def test_order_oldest_seen_first_puts_never_answered_cards_first(study, home):
    col = study.col
    cards = [study.review(home) for _ in range(3)]
    never = study.new(home)
    with col.op("Test Setup"):
        for cid, when in ((cards[0], 300), (cards[1], 100), (cards[2], 200)):
            col.db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, last_ivl, factor, "
                           "time, type) VALUES (?, ?, -1, 3, 1, 1, 2500, 0, 1)",
                           (study.now * 1000 - when * 1000, cid))
    fid = build(study, order=filtered.OLDEST_SEEN_FIRST).deck_id
    # newest review first in the log is cards[0] (300 s ago is the oldest)
    assert positions(col, fid) == [never, cards[0], cards[2], cards[1]]


def test_order_due_compares_learning_timestamps_and_day_numbers(study, home):
    col = study.col
    tomorrow = study.review(home, due_in=1)
    overdue = study.review(home, due_in=-2)
    learning_soon = study.learning(home, due_in_secs=60)
    learning_later = study.learning(home, due_in_secs=3600)
    today = study.review(home, due_in=0)
    fid = build(study, order=filtered.DUE).deck_id
    # day numbers count as the same time of day as now: today's review before learning due
    # in a minute
    assert positions(col, fid) == [overdue, today, learning_soon, learning_later, tomorrow]


def test_order_relative_overdueness(study, home):
    col = study.col
    # days overdue relative to the interval: 5/10, 1/50, 9/3, 0/20
    half = study.review(home, due_in=-5, ivl=10)
    little = study.review(home, due_in=-1, ivl=50)
    much = study.review(home, due_in=-9, ivl=3)
    on_time = study.review(home, due_in=0, ivl=20)
    fid = build(study, order=filtered.RELATIVE_OVERDUENESS).deck_id
    assert positions(col, fid) == [much, half, little, on_time]


@pytest.mark.parametrize("order", [filtered.RANDOM, filtered.RETRIEVABILITY_ASCENDING,
                                   filtered.RETRIEVABILITY_DESCENDING])
def test_random_orders_take_the_limit_from_all_matching_cards(study, home, order):
    cards = {study.new(home, position=i) for i in range(20)}
    fid = build(study, order=order, limit=5).deck_id
    taken = positions(study.col, fid)
    assert len(taken) == 5 and set(taken) <= cards


def test_orders_by_name_and_number():
    assert filtered.parse_order("order-due") == filtered.DUE
    assert filtered.parse_order("Relative overdueness") == filtered.RELATIVE_OVERDUENESS
    assert filtered.parse_order("7") == filtered.LATEST_ADDED_FIRST
    assert filtered.parse_order(0) == filtered.OLDEST_SEEN_FIRST
    for bad in ("sideways", 11, -1, True, "12"):
        with pytest.raises(InvalidInput, match="unknown order"):
            filtered.parse_order(bad)


# --- emptying, rebuilding, deleting ----------------------------------------------------------

def mixed_cards(study, home):
    """One card of every kind, some in odd states, as (ids, snapshot of them)."""
    cards = [
        study.new(home, position=3),
        study.review(home, due_in=4, ivl=9, lapses=2),
        study.review(home, due_in=-3, ivl=9),
        study.learning(home, due_in_secs=120),
        study.interday(home, due_in=0),
    ]
    relearn = study.review(home)
    study.set(relearn, type=3, queue=1, due=study.now + 50, left=1)
    cards.append(relearn)
    return cards


@pytest.mark.parametrize("reschedule", [True, False])
def test_emptying_returns_cards_exactly_as_they_were(study, home, reschedule):
    col = study.col
    cards = mixed_cards(study, home)
    before = snapshot(col)
    fid = build(study, reschedule=reschedule).deck_id
    assert snapshot(col) != before
    assert empty_filtered_deck(col, fid) == len(cards)
    assert col.undo_name() == "Empty"
    after = snapshot(col)
    for cid in cards:
        assert after[cid] == before[cid], cid
    assert col.decks.get(fid).is_filtered  # the deck stays, empty
    assert positions(col, fid) == []


def test_a_card_suspended_or_buried_inside_the_deck_stays_so_when_it_goes_home(study, home):
    col = study.col
    suspended, buried, plain = (study.review(home, due_in=2) for _ in range(3))
    fid = build(study).deck_id
    cardops.suspend(col, [suspended])
    cardops.bury(col, [buried])
    empty_filtered_deck(col, fid)
    assert (study.card(suspended).queue, study.card(suspended).due) == \
        (QUEUE_SUSPENDED, study.today + 2)
    assert study.card(buried).queue == QUEUE_USER_BURIED
    assert (study.card(plain).queue, study.card(plain).did, study.card(plain).odid) == \
        (QUEUE_REVIEW, home, 0)


def test_rebuilding_empties_then_gathers_again(study, home):
    col = study.col
    cards = [study.new(home, position=i) for i in range(3)]
    note = col.get_note(study.card(cards[0]).nid)
    note.tags = ["cram"]
    col.update_note(note)
    fid = build(study, search="deck:Home tag:cram").deck_id
    assert positions(col, fid) == [cards[0]]
    for cid in cards[1:]:
        note = col.get_note(study.card(cid).nid)
        note.tags = ["cram"]
        col.update_note(note)
    note = col.get_note(study.card(cards[0]).nid)
    note.tags = []
    col.update_note(note)
    result = rebuild_filtered_deck(col, fid)
    assert (result.count, result.created, result.deck_id) == (2, False, fid)
    assert col.undo_name() == "Build Deck"
    assert positions(col, fid) == cards[1:]
    assert (study.card(cards[0]).did, study.card(cards[0]).due) == (home, 0)


def test_rebuilding_when_nothing_matches_leaves_the_deck_empty(study, home):
    col = study.col
    cid = study.new(home, position=4)
    fid = build(study, search=f"cid:{cid}").deck_id
    col.remove_cards([cid])
    other = study.new(home)
    result = rebuild_filtered_deck(col, fid)
    assert result.count == 0
    assert study.card(other).did == home


def test_deleting_a_filtered_deck_returns_its_cards(study, home):
    col = study.col
    cards = mixed_cards(study, home)
    before = snapshot(col)
    fid = build(study).deck_id
    col.decks.remove([fid])
    assert snapshot(col) == before
    with pytest.raises(NotFoundError):
        col.decks.get(fid)
    assert col.undo() == "Delete Deck"
    assert {study.card(c).did for c in cards} == {fid}


def test_updating_an_existing_filtered_deck_by_name(study, home):
    col = study.col
    new = study.new(home)
    review = study.review(home)
    first = build(study, search="deck:Home is:new")
    assert positions(col, first.deck_id) == [new]
    second = build(study, search="deck:Home is:review", reschedule=False)
    assert (second.deck_id, second.created) == (first.deck_id, False)
    assert positions(col, first.deck_id) == [review]
    assert study.card(new).did == home
    assert col.decks.get(first.deck_id).extra["resched"] is False
    # and by id, with a new name
    third = add_or_update_filtered_deck(col, "Renamed", config("deck:Home"), first.deck_id)
    assert third.deck_id == first.deck_id and col.decks.get(first.deck_id).name == "Renamed"


def test_a_filtered_deck_can_sit_under_a_normal_deck(study, home):
    study.new(home)
    result = build(study, name="Home::Cram")
    assert study.col.decks.get(result.deck_id).name == "Home::Cram"


# --- undo ------------------------------------------------------------------------------------

def test_each_operation_is_one_undoable_step(study, home):
    col = study.col
    mixed_cards(study, home)
    col.history.clear()
    start = snapshot(col)
    decks = {d.id for d in col.decks.all()}
    fid = build(study).deck_id
    built = snapshot(col)
    rebuild_filtered_deck(col, fid)
    empty_filtered_deck(col, fid)
    assert col.undo() == "Empty"
    assert snapshot(col) == built
    assert col.undo() == "Build Deck"  # the rebuild
    assert snapshot(col) == built
    assert col.undo() == "Build Deck"  # the creation
    assert snapshot(col) == start
    assert {d.id for d in col.decks.all()} == decks
    assert col.redo() == "Build Deck"
    assert snapshot(col) == built


# --- bad input ---------------------------------------------------------------------------------

def unchanged(study, attempt, match):
    col = study.col
    before = snapshot(col)
    decks = [(d.id, d.name, d.extra) for d in col.decks.all()]
    steps = col.undo_name()
    with pytest.raises(InvalidInput, match=match):
        attempt()
    assert snapshot(col) == before
    assert [(d.id, d.name, d.extra) for d in col.decks.all()] == decks
    assert col.undo_name() == steps


@pytest.mark.parametrize("search, limit, order, match", [
    ("", 100, 1, "the search is empty"),
    ("   ", 100, 1, "the search is empty"),
    ("deck:Home", 0, 1, "limit must be a whole number of cards from 1 to 99999"),
    ("deck:Home", -5, 1, "limit must be"),
    ("deck:Home", 100_000, 1, "limit must be"),
    ("deck:Home", True, 1, "limit must be"),
    ("deck:Home", 10, 11, "unknown order"),
    ("deck:Home (", 10, 1, "Invalid search"),
    ("deck:Nowhere", 10, 1, "Invalid search"),
])
def test_bad_filters_change_nothing(study, home, search, limit, order, match):
    study.new(home)
    unchanged(study, lambda: add_or_update_filtered_deck(
        study.col, "Cram", FilteredConfig(terms=(SearchTerm(search, limit, order),))), match)


def test_a_search_matching_nothing_says_so_and_creates_nothing(study, home):
    cid = study.new(home)
    cardops.suspend(study.col, [cid])
    unchanged(study, lambda: build(study), "No cards matched the provided search")
    assert NO_CARDS_MATCHED.startswith("No cards matched the provided search. Some cards may")


def test_updating_to_a_search_matching_nothing_keeps_the_deck_as_it_was(study, home):
    cid = study.new(home)
    fid = build(study).deck_id
    unchanged(study, lambda: build(study, search="deck:Home is:review"), "No cards matched")
    assert study.card(cid).did == fid


def test_bad_settings_change_nothing(study, home):
    col = study.col
    study.new(home)
    fid = build(study).deck_id
    cases = [
        (lambda: build(study, name="Cram::Sub"), "Filtered decks can not have child decks"),
        (lambda: build(study, name="Home"), "a normal deck called 'Home' already exists"),
        (lambda: build(study, name=" :: "), "is empty"),
        (lambda: add_or_update_filtered_deck(col, "X", FilteredConfig()), "needs a search"),
        (lambda: add_or_update_filtered_deck(col, "X", FilteredConfig(
            terms=(SearchTerm("a"),) * 3)), "at most two"),
        (lambda: build(study, name="X", reschedule=False, preview_again_secs=-1),
         "preview delay for Again"),
        (lambda: build(study, name="X", preview_good_secs=2**32), "preview delay for Good"),
        (lambda: add_or_update_filtered_deck(col, "X", config(), home),
         "'Home' is not a filtered deck"),
        (lambda: add_or_update_filtered_deck(col, "Other", config(), fid * 0 + 1),
         "'Default' is not a filtered deck"),
        (lambda: rebuild_filtered_deck(col, home), "not a filtered deck"),
        (lambda: empty_filtered_deck(col, "Home"), "not a filtered deck"),
    ]
    for attempt, match in cases:
        unchanged(study, attempt, match)
    with pytest.raises(NotFoundError):
        empty_filtered_deck(col, "Missing")


def test_renaming_onto_another_deck_is_refused(study, home):
    col = study.col
    a = study.new(home)
    b = study.new(home)
    first = build(study, search=f"cid:{a}", name="A").deck_id
    build(study, search=f"cid:{b}", name="B")
    unchanged(study, lambda: add_or_update_filtered_deck(col, "B", config(f"cid:{a}"), first),
              "a filtered deck called 'B' already exists")
    # a normal deck cannot be created under a filtered deck either
    with pytest.raises(InvalidInput):
        col.decks.id("A::Child")


def test_a_filtered_deck_cannot_be_the_home_of_new_cards(study, home):
    col = study.col
    study.new(home)
    fid = build(study).deck_id
    note = col.new_note("Basic")
    note.fields = ["front", "back"]
    unchanged(study, lambda: col.add_note(note, fid),
              "deck 'Cram' is a filtered deck: new cards need a normal deck")
    assert col.db.execute("SELECT count() FROM notes").fetchone()[0] == 1
    # with the filtered deck current (building selects it), new notes still get a home
    assert col.get_config("curDeck") == fid
    assert col.add_note(note, home)[0].did == home
