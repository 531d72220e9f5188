"""A collection without `lastUnburied` (made today, or imported from a file that never had
it): Anki reads the missing key as day 0, so buried cards stay buried on the collection's
first day and come back on any later one."""

import pytest

from repetend.core.cards import QUEUE_NEW, QUEUE_USER_BURIED

from .conftest import CRT, Study


def buried_card_without_last_unburied(study: Study, value: object) -> tuple[int, int]:
    did = study.deck("Deck")
    cid = study.new(did)
    study.set(cid, queue=QUEUE_USER_BURIED)
    with study.col.op("Test Setup"):
        study.col.db.execute("DELETE FROM config WHERE key = 'lastUnburied'")
        if value is not None:
            study.col._write_config("lastUnburied", value)
    return did, cid


@pytest.mark.parametrize("value", [None, "x", True, -5])
def test_a_buried_card_stays_buried_on_the_collections_first_day(study, value):
    did, cid = buried_card_without_last_unburied(study, value)
    study.now = CRT + 8 * 3600
    study.col.sched.set_now(study.now)
    assert study.col.sched.timing().today == 0
    assert study.counts(did) == (0, 0, 0)
    assert study.card(cid).queue == QUEUE_USER_BURIED
    # The next day it comes back.
    study.advance(86_400)
    assert study.counts(did) == (1, 0, 0)
    assert study.card(cid).queue == QUEUE_NEW


@pytest.mark.parametrize("value", [None, "x"])
def test_a_buried_card_comes_back_on_a_later_day_without_the_key(study, value):
    did, cid = buried_card_without_last_unburied(study, value)
    assert study.col.sched.timing().today == study.today > 0
    assert study.counts(did) == (1, 0, 0)
    assert study.card(cid).queue == QUEUE_NEW
    assert study.col.get_config("lastUnburied") == study.today
