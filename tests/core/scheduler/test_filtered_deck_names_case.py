"""Filtered decks name decks as Anki compares names (`unicase`: any case,
any Unicode form): "DÉJÀ VU" is the deck "Déjà Vu", never a second deck beside it."""

from __future__ import annotations

import re

import pytest

from repetend.core.decks import DECK_FILTERED
from repetend.core.errors import InvalidInput
from repetend.core.scheduler import customstudy, filtered
from repetend.core.scheduler.filtered import FilteredConfig, SearchTerm, add_or_update_filtered_deck


def _config(search: str) -> FilteredConfig:
    return FilteredConfig(terms=(SearchTerm(search, 100, filtered.ADDED),))


def _decks(col) -> list[tuple[int, str, int]]:
    return sorted((d.id, d.name, d.kind) for d in col.decks.all())


def _refused(col, attempt, match: str) -> None:
    before = _decks(col)
    with pytest.raises(InvalidInput, match=match):
        attempt()
    assert _decks(col) == before


def test_a_filtered_deck_named_as_a_normal_deck_in_other_case_is_refused(study):
    col = study.col
    study.new(study.deck("Déjà Vu"))
    _refused(col, lambda: add_or_update_filtered_deck(col, "DÉJÀ VU", _config("deck:*")),
             "a normal deck called 'Déjà Vu' already exists")
    _refused(col, lambda: add_or_update_filtered_deck(col, "de\u0301ja\u0300 vu",
                                                      _config("deck:*")),
             "a normal deck called 'Déjà Vu' already exists")


def test_naming_an_existing_filtered_deck_in_other_case_updates_it(study):
    col = study.col
    home = study.deck("Home")
    first = study.new(home, front="one")
    second = study.new(home, front="two")
    fid = add_or_update_filtered_deck(col, "Révision", _config(f"cid:{first}")).deck_id
    again = add_or_update_filtered_deck(col, "RÉVISION", _config(f"cid:{second}"))
    assert again.deck_id == fid
    assert [d for d in _decks(col) if d[2] == DECK_FILTERED] == [(fid, "RÉVISION",
                                                                  DECK_FILTERED)]
    assert study.card(second).did == fid and study.card(first).did == home


def test_a_filtered_deck_under_a_filtered_deck_named_in_other_case_is_refused(study):
    col = study.col
    home = study.deck("Home")
    study.new(home)
    add_or_update_filtered_deck(col, "Filtré", _config("deck:Home"))
    _refused(col, lambda: add_or_update_filtered_deck(col, "FILTRÉ::Sub", _config("deck:*")),
             "Filtered decks can not have child decks")


def test_renaming_a_filtered_deck_onto_another_in_other_case_is_refused(study):
    col = study.col
    home = study.deck("Home")
    a, b = study.new(home), study.new(home)
    first = add_or_update_filtered_deck(col, "A", _config(f"cid:{a}")).deck_id
    add_or_update_filtered_deck(col, "Été", _config(f"cid:{b}"))
    _refused(col, lambda: add_or_update_filtered_deck(col, "ÉTÉ", _config(f"cid:{a}"), first),
             "a filtered deck called 'Été' already exists")



def test_custom_study_refuses_a_normal_deck_that_anki_reads_as_its_session_deck(study):
    # 'ſ' (long s) case-folds to 's', so Anki's unicase reads this as "Custom Study Session".
    col = study.col
    study.new(study.deck("Cuſtom Study Seſſion"))
    _refused(col, lambda: customstudy.study_by_state(col, "Cuſtom Study Seſſion", "new"),
             re.escape(customstudy.EXISTING_DECK))


def _statements(col, action) -> int:
    seen: list[str] = []
    col.db.set_trace_callback(seen.append)
    try:
        action()
    finally:
        col.db.set_trace_callback(None)
    return len(seen)


def test_studying_a_deck_named_in_other_unicode_case_reads_no_more_than_its_own_name(study):
    # The scheduler's cached deck names fold as Anki does: "ÉTÉ" is found without the
    # lookup through every deck that an ASCII-only key fell back to.
    col = study.col
    did = study.deck("Été::Plage")
    study.new(did)
    col.sched.get_next_card("Été::Plage")
    own = _statements(col, lambda: col.sched.get_next_card("Été::Plage"))
    assert col.sched.get_next_card("ÉTÉ::PLAGE").card.did == did
    assert _statements(col, lambda: col.sched.get_next_card("ÉTÉ::PLAGE")) == own
    assert _statements(col, lambda: col.sched.get_next_card("e\u0301te\u0301::plage")) == own


def test_two_decks_an_older_version_stored_under_one_folded_name_resolve_as_by_name(study):
    col = study.col
    older = study.deck("Été")
    newer = study.deck("Hiver")
    study.new(older)
    study.new(newer)
    with col.op("Test"):  # as a version that compared names ASCII-only could leave them
        col.db.execute("UPDATE decks SET name = 'ÉTÉ' WHERE id = ?", (newer,))
    for name in ("ÉTÉ", "été", "Été"):
        assert col.sched.get_next_card(name).card.did == col.decks.by_name(name).id
