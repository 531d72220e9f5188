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
    # as Anki: the card moves to the new template that is not its own; Card 2's goes,
    # and Card 1 gets a new card
    assert now[1][0] == first and set(now) == {0, 1}
    assert second not in {c for c, _ in now.values()} and now[0][0] != first
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


def card_rows(col, nid):
    return {r["ord"]: (r["did"], r["odid"], r["due"], r["type"]) for r in col.db.execute(
        "SELECT * FROM cards WHERE nid = ? ORDER BY ord", (nid,))}


def test_a_new_template_gets_its_card_in_the_home_deck_at_the_siblings_position(col, add):
    from repetend.core.scheduler.filtered import (
        FilteredConfig,
        SearchTerm,
        add_or_update_filtered_deck,
    )

    plain = add("Basic", "plain", "x", deck="Home")
    pulled = add("Basic", "pulled", "y", deck="Home")
    add_or_update_filtered_deck(col, "F", FilteredConfig(terms=(SearchTerm(f"nid:{pulled.id}"),)))
    home = col.decks.id("Home", create=False)
    due = {n.id: col.get_card(col.find_cards(f"nid:{n.id}")[0]).due for n in (plain, pulled)}
    pulled_card = col.get_card(col.find_cards(f"nid:{pulled.id}")[0])
    assert pulled_card.odid == home
    next_pos = col.get_config("nextPos")
    ops.change_notetype(col, [plain.id, pulled.id], REVERSED)
    assert card_rows(col, plain.id)[1] == (home, 0, due[plain.id], 0)
    assert card_rows(col, pulled.id)[1] == (home, 0, pulled_card.odue, 0)
    assert col.get_config("nextPos") == next_pos


def test_a_template_that_would_show_nothing_gets_no_card(col, add):
    n = add("Basic", "front", "back")
    ops.change_notetype(col, [n.id], "Basic (optional reversed card)")
    assert set(cards(col, n.id)) == {0}
    ops.change_notetype(col, [n.id], "Basic (and reversed card)")
    assert set(cards(col, n.id)) == {0, 1}


def test_a_note_left_without_cards_gets_card_1_where_anki_puts_it(col, add):
    n = add("Cloze", "{{c2::b}} {{c3::c}}", "", deck="Home")
    next_pos = col.get_config("nextPos")
    old = set(col.find_cards(f"nid:{n.id}"))
    ops.change_notetype(col, [n.id], "Basic")
    (row,) = card_rows(col, n.id).items()
    assert row == (0, (1, 0, next_pos, 0))  # Default: no deck was last used for Basic
    assert not old & set(col.find_cards(f"nid:{n.id}"))
    col.undo()
    basic = col.notetypes.by_name("Basic").id
    col.set_config(f"_nt_{basic}_lastDeck", col.decks.id("Last"))
    ops.change_notetype(col, [n.id], "Basic")
    assert card_rows(col, n.id)[0][0] == col.decks.id("Last", create=False)


def three_templates(col):
    """"Three": Basic (and reversed card) plus a third template showing the front."""
    import copy

    from repetend.core.notetypes import Template

    nt = copy.deepcopy(col.notetypes.by_name(REVERSED))
    nt.id, nt.name = 0, "Three"
    nt.templates = [*nt.templates, Template("Card 3", "{{Front}} 3", "{{Back}}", ord=2)]
    return col.notetypes.add(nt)


def test_cards_in_two_home_decks_send_the_new_card_to_the_last_deck_used(col, add):
    n = add(REVERSED, "front", "back", deck="One")
    ops.set_deck(col, [cards(col, n.id)[1][0]], col.decks.id("Two"))
    three = three_templates(col)
    ops.change_notetype(col, [n.id], "Three")
    assert card_rows(col, n.id)[2][0] == 1  # Default: no deck was last used for Three
    col.undo()
    col.set_config(f"_nt_{three.id}_lastDeck", col.decks.id("Last"))
    ops.change_notetype(col, [n.id], "Three")
    assert card_rows(col, n.id)[2][0] == col.decks.id("Last", create=False)
    col.undo()
    ops.set_deck(col, [cards(col, n.id)[1][0]], "One")
    ops.change_notetype(col, [n.id], "Three")
    assert card_rows(col, n.id)[2][0] == col.decks.id("One", create=False)


def test_adding_cards_by_a_change_of_note_type_undoes_and_redoes_exactly(col, add):
    nids = [add("Basic", f"front {i}", "back").id for i in range(3)]
    nids.append(add("Cloze", "{{c3::only}}", "").id)
    assert_undo_redo_exact(col, lambda: ops.change_notetype(col, nids[:3], REVERSED))
    assert_undo_redo_exact(col, lambda: ops.change_notetype(col, nids[3:], "Basic"))
