"""Change Note Type as Anki does it: template maps that swap cards, cloze types that keep
every card, new templates that get their cards (the comparisons with the real `anki`
package are in tests/test_e2e_anki_user.py)."""

import pytest

from repetend.core import browser_ops as ops
from repetend.core.errors import InvalidInput
from repetend.host.testing import assert_undo_redo_exact

REVERSED = "Basic (and reversed card)"


def cards(col, nid):
    """ord -> (card id, reps) of the note's cards."""
    return {r[0]: (r[1], r[2]) for r in col.db.execute(
        "SELECT ord, id, reps FROM cards WHERE nid = ? ORDER BY ord", (nid,))}


def studied(col, cid, reps):
    col.db.execute("UPDATE cards SET reps = ?, type = 2, queue = 2, ivl = 3 WHERE id = ?",
                   (reps, cid))


def test_swapping_two_templates_swaps_the_cards_with_their_history(col, add):
    notes = [add(REVERSED, f"front {i}", f"back {i}") for i in range(3)]
    before = {n.id: cards(col, n.id) for n in notes}
    studied(col, before[notes[0].id][1][0], 7)
    assert ops.change_notetype(col, [n.id for n in notes], REVERSED,
                               template_map={"Card 1": "Card 2", "Card 2": "Card 1"}) == 3
    for n in notes:
        now = cards(col, n.id)
        assert now[0][0] == before[n.id][1][0] and now[1][0] == before[n.id][0][0]
    assert cards(col, notes[0].id)[0] == (before[notes[0].id][1][0], 7)


def test_a_template_swap_undoes_and_redoes_exactly(col, add):
    nids = [add(REVERSED, f"front {i}", f"back {i}").id for i in range(3)]
    assert_undo_redo_exact(col, lambda: ops.change_notetype(
        col, nids, REVERSED, template_map={"Card 1": "Card 2", "Card 2": "Card 1"}))


def test_an_old_template_given_to_two_new_ones_moves_to_the_one_not_its_own(col, add):
    n = add(REVERSED, "front", "back")
    first, second = cards(col, n.id)[0][0], cards(col, n.id)[1][0]
    ops.change_notetype(col, [n.id], REVERSED,
                        template_map={"Card 1": "Card 1", "Card 2": "Card 1"})
    now = cards(col, n.id)
    # as Anki: the card moves to the new template that is not its own; Card 2's goes
    assert now[1][0] == first and second not in {c for c, _ in now.values()}
    assert col.db.execute("SELECT 1 FROM graves WHERE oid = ?", (second,)).fetchone()


def test_a_template_map_naming_nothing_real_changes_nothing(col, add):
    n = add(REVERSED, "front", "back")
    before = col.undo_name()
    with pytest.raises(InvalidInput, match="old note type has no template called 'Nope'"):
        ops.change_notetype(col, [n.id], REVERSED, template_map={"Card 1": "Nope"})
    assert col.undo_name() == before


def test_changing_to_cloze_keeps_every_card_and_its_history(col, add):
    n = add(REVERSED, "front", "back")
    before = cards(col, n.id)
    studied(col, before[1][0], 5)
    assert ops.unmapped_templates(col, REVERSED, "Cloze") == []
    ops.change_notetype(col, [n.id], "Cloze")
    assert cards(col, n.id) == {0: (before[0][0], 0), 1: (before[1][0], 5)}
    assert col.get_note(n.id).fields == ["front", "back"]


def test_changing_to_cloze_undoes_and_redoes_exactly(col, add):
    nids = [add(REVERSED, f"front {i}", "back").id for i in range(2)]
    assert_undo_redo_exact(col, lambda: ops.change_notetype(col, nids, "Cloze"))


def test_a_template_map_to_cloze_names_the_cards_that_become_c1(col, add):
    n = add(REVERSED, "front", "back")
    before = cards(col, n.id)
    assert ops.unmapped_templates(col, REVERSED, "Cloze", {"Cloze": "Card 2"}) == ["Card 1"]
    ops.change_notetype(col, [n.id], "Cloze", template_map={"Cloze": "Card 2"})
    assert cards(col, n.id) == {0: before[1]}


def test_changing_from_cloze_keeps_the_first_clozes_and_deletes_the_rest(col, add):
    three = add("Cloze", "{{c1::a}} {{c2::b}} {{c3::c}}", "")
    one = add("Cloze", "{{c1::a}}", "")
    studied(col, cards(col, three.id)[1][0], 4)
    before = cards(col, three.id)
    assert ops.unmapped_templates(col, "Cloze", REVERSED) == ["c3 and above"]
    assert ops.unmapped_templates(col, "Cloze", REVERSED, nids=[one.id]) == []
    assert ops.unmapped_templates(col, "Cloze", REVERSED, nids=[one.id, three.id]) == [
        "c3 and above"]
    ops.change_notetype(col, [three.id], REVERSED)
    assert cards(col, three.id) == {0: before[0], 1: before[1]}
    assert col.db.execute("SELECT 1 FROM graves WHERE oid = ?", (before[2][0],)).fetchone()


def test_changing_from_cloze_undoes_and_redoes_exactly(col, add):
    nids = [add("Cloze", f"{{{{c1::a}}}} {{{{c3::{i}}}}}", "").id for i in range(2)]
    assert_undo_redo_exact(col, lambda: ops.change_notetype(col, nids, "Basic"))


def test_a_cloze_note_type_takes_no_template_map(col, add):
    n = add("Cloze", "{{c1::a}}", "")
    before = col.undo_name()
    with pytest.raises(InvalidInput, match="'Cloze' is a cloze note type"):
        ops.change_notetype(col, [n.id], "Basic", template_map={"Card 1": "Cloze"})
    assert col.undo_name() == before and len(cards(col, n.id)) == 1
