"""The day's unburying check costs no commit of its own when nothing is buried, yet cards
buried later that day stay buried, in this process and in the next one (issue 3)."""

from repetend.core.collection import Collection
from repetend.core.scheduler import cardops

from .conftest import NOW, Study


def file_value(col, key):
    row = col.db.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
    return None if row is None else int(row[0])


def test_first_card_of_the_day_writes_nothing_when_nothing_is_buried(study):
    did = study.deck("Deck")
    study.new(did)
    changes = study.col.db.total_changes
    assert study.col.sched.get_next_card(did) is not None
    assert study.col.db.total_changes == changes  # no write, so no commit to wait for
    assert study.col.get_config("lastUnburied") == study.today
    study.col.set_config("k", 1)  # the next operation records the day
    assert file_value(study.col, "lastUnburied") == study.today


def test_a_card_buried_later_that_day_stays_buried_after_reopening(tmp_path):
    path = tmp_path / "c.db"
    with Collection(path) as col:
        study = Study(col)
        did = study.deck("Deck")
        first, third = study.new(did), study.new(did)
        assert study.counts(did) == (2, 0, 0)  # the day's check: nothing buried
        cardops.bury(col, [third])
        study.col.sched.answer_card(first, "good")
        today = study.today
    with Collection(path) as col:
        col.sched.tz = study.col.sched.tz
        col.sched.fuzz = False
        col.sched.set_now(NOW + 60)
        assert col.sched.timing().today == today
        assert col.sched.counts(did).new == 0
        assert col.get_card(third).queue == -3
        col.sched.set_now(NOW + 86_400)
        assert col.sched.counts(did).new == 1
        assert col.get_card(third).queue == 0


def test_buried_cards_are_restored_at_once(study):
    did = study.deck("Deck")
    card = study.new(did)
    cardops.bury(study.col, [card])
    study.advance(86_400)
    assert study.counts(did) == (1, 0, 0)
    assert file_value(study.col, "lastUnburied") == study.today + 1


def test_a_card_buried_before_the_first_queue_build_of_the_day_stays_buried(study):
    did = study.deck("Deck")
    old, new = study.new(did), study.new(did)
    cardops.bury(study.col, [old])
    study.advance(86_400)  # next day; no queue built yet (e.g. `repetend bury` first)
    cardops.bury(study.col, [new])
    assert study.card(old).queue == 0  # yesterday's burial is over
    assert study.counts(did) == (1, 0, 0)
    assert study.card(new).queue == -3
