"""The first card of a freshly opened collection (issue 3: its settings, decks and presets
are read in fewer statements): what it reads must still be what the file says."""

import pytest

from repetend.core.collection import Collection
from repetend.core.errors import InvalidInput, NotFoundError
from repetend.core.scheduler import cardops, filtered
from repetend.core.scheduler.filtered import (
    FilteredConfig,
    SearchTerm,
    add_or_update_filtered_deck,
)
from repetend.core.scheduler.queues import day_salt, py_hash

from .conftest import NOW, Study


def reopened(path, study):
    """The collection at `path` opened again, on the study's clock and time zone."""
    col = Collection(path)
    col.sched.tz = study.col.sched.tz
    col.sched.fuzz = False
    col.sched.set_now(study.now)
    return col


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "c.db"
    col = Collection(path)
    yield path, Study(col)
    col.close()


def test_a_deck_named_in_other_ascii_letter_case_is_the_same_deck(saved):
    path, study = saved
    did = study.deck("Spanish::Verbs")
    cid = study.new(did)
    with reopened(path, study) as col:
        queued = col.sched.get_next_card("spanish :: VERBS")
        assert queued.card.id == cid
        assert col.sched.counts("SPANISH::verbs").new == 1


def test_a_name_differing_in_other_letters_case_is_the_same_deck_as_in_anki(saved):
    path, study = saved
    did = study.deck("Été")
    study.new(did)
    with reopened(path, study) as col:
        assert col.decks.by_name("été").id == did  # Unicode case folded, as Anki's unicase
        assert col.sched.get_next_card("été") is not None
        assert col.sched.get_next_card("ÉTé") is not None
        with pytest.raises(NotFoundError, match="Hiver"):
            col.sched.get_next_card("Hiver")
        with pytest.raises(InvalidInput):
            col.sched.get_next_card(" :: ")


def test_stored_settings_are_used_from_the_first_card_on(saved):
    path, study = saved
    did = study.deck("Deck")
    study.learning(did, due_in_secs=600)
    study.col.set_config("collapseTime", 0)
    with reopened(path, study) as col:
        assert col.sched.learn_ahead_secs() == 0
        assert col.sched.get_next_card(did) is None  # not due yet, and no learning ahead
    study.col.set_config("collapseTime", 900)
    with reopened(path, study) as col:
        assert col.sched.get_next_card(did) is not None
        assert col.sched.learn_ahead_secs() == 900


def test_a_setting_stored_as_invalid_json_counts_as_its_default(saved):
    path, study = saved
    did = study.deck("Deck")
    study.learning(did, due_in_secs=600)
    study.col.set_config("rollover", 4)
    study.col.db.execute("UPDATE config SET value = 'not json' WHERE key = 'collapseTime'")
    study.col.db.execute("UPDATE config SET value = '{' WHERE key = 'rollover'")
    with reopened(path, study) as col:
        assert col.sched.learn_ahead_secs() == 1200  # the default learn-ahead limit
        assert col.sched.timing().today == study.today  # the default 4 o'clock rollover
        assert col.sched.get_next_card(did) is not None


def test_cards_buried_yesterday_come_back_with_the_first_card_after_reopening(saved):
    path, study = saved
    did = study.deck("Deck")
    first, second = study.new(did), study.new(did)
    cardops.bury(study.col, [second])
    assert study.counts(did) == (1, 0, 0)
    study.advance(86_400)
    with reopened(path, study) as col:
        assert col.sched.counts(did).new == 2
        assert col.get_card(second).queue == 0
    with reopened(path, study) as col:  # a card buried today stays buried
        cardops.bury(col, [first])
    with reopened(path, study) as col:
        assert col.sched.counts(did).new == 1
        assert col.get_card(first).queue == -3


def test_the_first_card_sees_a_change_made_by_another_connection_before_it(saved):
    path, study = saved
    did = study.deck("Deck")
    study.new(did)
    study.col.set_config("k", 1)
    with reopened(path, study) as col:
        assert col.sched.counts(did).new == 1
        with reopened(path, study) as other:
            deck = other.decks.get(did)
            deck.extra["newLimit"] = 0
            other.decks.save(deck)
        assert col.sched.get_next_card(did) is None
        assert NOW <= col.sched.now()


@pytest.mark.parametrize("oldest_due", [-3, -(1 << 31)])
def test_due_reviews_come_by_due_date_then_the_days_random_order(study, oldest_due):
    """The default review order, also for cards overdue since before the collection began
    (imported ones) and with interday learning cards of several decks in the same session."""
    parent = study.deck("P")
    child = study.deck("P::C")
    dues = [oldest_due, -1, 0, study.today - 2, study.today - 2, study.today, study.today]
    reviews = [study.review(did, due_in=due - study.today)
               for did in (parent, child) for due in dues]
    interday = [study.interday(child, due_in=-d) for d in (0, 1, 1)]
    salt = day_salt(study.today)

    def by_due_then_random(cids):
        return sorted(cids, key=lambda c: (study.card(c).due, py_hash(c, salt)))

    queue = study.queue(parent)
    assert [c for c in queue if c in reviews] == by_due_then_random(reviews)
    assert [c for c in queue if c in interday] == by_due_then_random(interday)
    assert study.counts(parent) == (0, 3, len(reviews))


@pytest.mark.parametrize("new_mix", [0, 1, 2])
@pytest.mark.parametrize("interday_mix", [0, 1, 2])
@pytest.mark.parametrize("sizes", [(1, 0, 0), (1, 1, 0), (1, 0, 3), (2, 5, 1), (6, 1, 2),
                                   (1, 3, 9), (4, 4, 4)])
def test_the_first_card_is_the_head_of_the_whole_queue(study, new_mix, interday_mix, sizes):
    """The first card is found before the rest of the queue is built (issue 3): it must be
    the card the whole queue starts with, for every display order mix."""
    reviews, interday, new = sizes
    did = study.deck("D", new_mix=new_mix, interday_learning_mix=interday_mix)
    for i in range(reviews):
        study.review(did, due_in=-i)
    for i in range(interday):
        study.interday(did, due_in=-i)
    for _ in range(new):
        study.new(did)
    shown = study.col.sched.get_next_card(did)
    whole = study.queue(did)
    assert shown.card.id == whole[0]
    assert len(whole) == reviews + interday + new
    assert study.counts(did) == (new, interday, reviews)
    # the same queue as a session that never stopped at its first card
    study.col.sched._queue = None
    assert study.queue(did) == whole


def test_a_card_coming_home_after_the_first_card_was_shown_joins_no_open_session(study):
    """The rest of a session is read as the collection was when its first card was shown,
    even if an answer outside the session brings a due card home meanwhile."""
    home = study.deck("Home")
    reviews = [study.review(home, due_in=-i) for i in range(3)]
    visitor = study.review(home, due_in=-5)
    config = FilteredConfig(terms=(SearchTerm(f"cid:{visitor}", 10, filtered.ADDED),),
                            reschedule=False)
    fid = add_or_update_filtered_deck(study.col, "Preview", config).deck_id
    assert study.card(visitor).did == fid
    shown = study.col.sched.get_next_card(home)
    assert shown.card.id in reviews
    study.col.sched.answer_card(visitor, "easy", check_due=False)
    assert study.card(visitor).did == home  # back home, due
    assert sorted(study.queue(home)) == sorted(reviews)
    study.col.sched.answer_card(shown.card, "good", shown.states)
    assert len(study.queue(home)) == 2
