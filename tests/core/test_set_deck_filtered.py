"""Change Deck on cards in a filtered deck takes them out first, as Anki does (the
e2e test against the real `anki` package is in tests/test_e2e_anki_user.py)."""

from repetend.core import browser_ops as ops
from repetend.core.scheduler import cardops
from repetend.core.scheduler.filtered import (
    FilteredConfig,
    SearchTerm,
    add_or_update_filtered_deck,
)
from repetend.host.testing import assert_undo_redo_exact


def _filtered(col, add, count=4):
    notes = [add("Basic", f"q{i}", "a", deck="Home") for i in range(count)]
    positions = {col.find_cards(f"nid:{n.id}")[0]: col.get_card(
        col.find_cards(f"nid:{n.id}")[0]).due for n in notes}
    add_or_update_filtered_deck(col, "F", FilteredConfig(terms=(SearchTerm("deck:Home"),)))
    return positions


def test_cards_leave_the_filtered_deck_with_their_due_and_queue_restored(col, add):
    positions = _filtered(col, add)
    cids = sorted(positions)
    cardops.suspend(col, [cids[0]])
    cardops.bury(col, [cids[1]])
    target = col.decks.id("Target")
    assert ops.set_deck(col, cids[:3], "Target") == 3
    for cid in cids[:3]:
        card = col.get_card(cid)
        assert (card.did, card.odid, card.odue, card.due) == (target, 0, 0, positions[cid])
    assert [col.get_card(c).queue for c in cids[:3]] == [-1, -3, 0]
    left = col.get_card(cids[3])
    assert left.odid == col.decks.id("Home", create=False) and left.did != target
    assert col.find_cards("deck:Target is:suspended") == [cids[0]]
    assert col.find_cards("deck:F") == [cids[3]]


def test_a_card_whose_home_is_the_target_still_leaves_the_filtered_deck(col, add):
    positions = _filtered(col, add, count=1)
    (cid,) = positions
    assert ops.set_deck(col, [cid], "Home") == 1
    card = col.get_card(cid)
    assert (card.did, card.odid, card.due) == (col.decks.id("Home", create=False), 0,
                                               positions[cid])


def test_change_deck_out_of_a_filtered_deck_undoes_and_redoes_exactly(col, add):
    positions = _filtered(col, add)
    add("Basic", "plain", "card", deck="Home")
    cids = col.find_cards("deck:*")
    col.decks.id("Target")
    assert len(cids) == len(positions) + 1
    assert_undo_redo_exact(col, lambda: ops.set_deck(col, cids, "Target"))
