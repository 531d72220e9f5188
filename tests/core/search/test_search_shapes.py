"""The SQL a search becomes depends on the collection (how many notes a negation leaves
out, how many cards match in notes mode) and on the text (LIKE needs an ESCAPE only for a
backslash); whichever is chosen, the same cards and notes come back."""

from __future__ import annotations

import pytest

from repetend.core.collection import Collection
from repetend.core.scheduler.cardops import suspend
from repetend.core.search import build_sql, sample


@pytest.fixture
def col(tmp_path):  # type: ignore[no-untyped-def]
    col = Collection(tmp_path / "c.db")
    for i in range(40):
        note = col.new_note("Basic (and reversed card)" if i % 3 == 0 else "Basic")
        note.fields = [f"word{i}", "the house" if i % 10 == 0 else "back"]
        note.tags = ["rare"] if i % 8 == 0 else [] if i % 8 == 1 else ["common"]
        if i % 20 == 0:
            note.tags.append("other::child")
        col.add_note(note, 1)
    yield col
    col.close()


def _cards_of_notes_where(col: Collection, keep) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(cid for cid, tags, flds in col.db.execute(
        "SELECT c.id, n.tags, n.flds FROM cards c JOIN notes n ON n.id = c.nid")
        if keep(tags.split(), flds))


@pytest.mark.parametrize("query, keep, few", [
    ("-tag:rare", lambda tags, flds: "rare" not in tags, True),
    ("-tag:other", lambda tags, flds: "other::child" not in tags, True),
    ("-tag:rare -tag:other", lambda tags, flds: not {"rare", "other::child"} & set(tags), True),
    ('-"the house"', lambda tags, flds: "the house" not in flds, True),
    ("-tag:common", lambda tags, flds: "common" not in tags, False),
    ("-tag:none", lambda tags, flds: bool(tags), True),
    ("-tag:c*", lambda tags, flds: "common" not in tags, False),
])
def test_a_negated_note_search_finds_the_cards_of_every_other_note(col, query, keep, few):  # type: ignore[no-untyped-def]
    expected = _cards_of_notes_where(col, keep)
    assert expected and len(expected) < len(col.find_cards(""))
    assert sorted(col.find_cards(query)) == expected
    # Both ways of reading it are in use: a few notes left out, or most of them.
    sql, _params = build_sql(col, query)
    assert ("NOT IN" in sql) is few, sql


def test_negations_with_card_terms_or_an_order_are_unchanged(col):  # type: ignore[no-untyped-def]
    everything = sorted(col.find_cards(""))
    rare = set(col.find_cards("tag:rare"))
    assert sorted(col.find_cards("-tag:rare", order="noteFld")) == \
        sorted(set(everything) - rare)
    new_not_rare = sorted(col.find_cards("-tag:rare is:new"))
    assert new_not_rare == sorted(set(everything) - rare)
    suspend(col, everything[:3])
    assert sorted(col.find_cards("-tag:rare -is:suspended")) == \
        sorted(set(everything[3:]) - rare)


def test_notes_mode_finds_the_same_notes_however_many_cards_match(col):  # type: ignore[no-untyped-def]
    # Few matching cards are found through an index, many by reading every card.
    everything = col.find_cards("")
    few, many = everything[:1], everything[: len(everything) // 2]
    for cids in (few, many):
        query = f"cid:{','.join(map(str, cids))}"
        nids = {nid for (nid,) in col.db.execute(
            f"SELECT nid FROM cards WHERE id IN ({','.join(map(str, cids))})")}
        assert sorted(col.find_notes(query)) == sorted(nids)
    assert "NOT INDEXED" not in build_sql(col, f"cid:{few[0]}", notes=True)[0]
    assert "NOT INDEXED" in build_sql(col, f"cid:{','.join(map(str, many))}", notes=True)[0]


def test_a_sample_of_a_small_table_is_the_whole_table(col):  # type: ignore[no-untyped-def]
    tagged = col.db.execute("SELECT avg(tags LIKE '% rare %') FROM notes").fetchone()[0]
    assert sample.share(col, "notes", "n", "n.tags LIKE ?1", ["% rare %"]) == tagged
    col.db.execute("DELETE FROM revlog")
    assert sample.share(col, "revlog", "r", "r.ease = 1", []) is None


def test_text_in_the_sort_field_is_found_with_its_html_stripped(tmp_path):  # type: ignore[no-untyped-def]
    col = Collection(tmp_path / "s.db")
    try:
        nids = []
        for front in ["do<b>g</b>s", "a &amp; b", "plain dogs", "50%_off\\now"]:
            note = col.new_note("Basic")
            note.fields = [front, "back"]
            col.add_note(note, 1)
            nids.append(note.id)
        assert sorted(col.find_notes("dogs")) == [nids[0], nids[2]]
        assert col.find_notes('"a & b"') == [nids[1]]
        assert sorted(col.find_notes("-dogs")) == [nids[1], nids[3]]
        assert col.find_notes("50%\\_off\\\\now") == [nids[3]]  # % is plain; \_ and \\
        assert col.find_notes("5_%") == [nids[3]]  # any one character, then a %
        assert col.find_notes("5%") == []
    finally:
        col.close()
