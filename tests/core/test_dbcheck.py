"""Check Database: each corruption built with raw SQL on a real file, fixed, reported in
Anki's words, and undone exactly by one undo step."""

import pytest

from repetend.core import dbcheck
from repetend.core.errors import CollectionError
from repetend.core.search.timing import today

TABLES = ["notetypes", "fields", "templates", "decks", "notes", "cards", "revlog", "tags",
          "graves", "config"]


def dump(col):
    """Every row of the user's tables, as SQLite holds them (types included)."""
    out = {}
    for table in TABLES:
        cols = [r[1] for r in col.db.execute(f"PRAGMA table_info({table})")]
        exprs = ", ".join(f"typeof({c}), {c}" for c in cols)
        out[table] = sorted(tuple(r) for r in col.db.execute(f"SELECT {exprs} FROM {table}"))
    return out


def raw(col, *statements):
    """Write past the engine, as a broken tool or a damaged sync would."""
    col.db.execute("PRAGMA foreign_keys = OFF")
    try:
        for sql, *params in statements:
            col.db.execute(sql, *params)
    finally:
        col.db.execute("PRAGMA foreign_keys = ON")


def check_and_undo(col):
    """Run the check; undo must bring back the corrupt rows exactly; redo the fix."""
    before = dump(col)
    result = dbcheck.check_database(col)
    fixed = dump(col)
    assert col.undo_name() == "Check Database"
    assert col.undo() == "Check Database"
    assert dump(col) == before
    col.redo()
    assert dump(col) == fixed
    return result


@pytest.fixture
def note(add):
    return add("Basic (and reversed card)", "front", "back", tags=["t"])


def test_healthy_collection_reports_nothing_and_is_unchanged(col, add, note):
    add("Cloze", "{{c1::a}} {{c2::b}}", "")
    before = dump(col)
    undo_before = col.undo_name()
    result = dbcheck.check_database(col)
    assert result.ok
    assert result.text == "Database rebuilt and optimized."
    assert dump(col) == before
    assert col.undo_name() == undo_before


def test_cards_with_missing_note_are_deleted(col, note):
    cid = col.cards_of_note(note.id)[0].id
    raw(col, ("UPDATE cards SET nid = 424242 WHERE id = ?", (cid,)))
    result = check_and_undo(col)
    assert result.problems() == ["Deleted 1 card with missing note."]
    assert col.db.execute("SELECT count() FROM cards WHERE id = ?", (cid,)).fetchone()[0] == 0
    # as in Anki, the note gets its card 1 back, as a new card
    cards = col.cards_of_note(note.id)
    assert [c.ord for c in cards] == [0, 1] and cards[0].type == 0


def test_wrong_field_count_is_padded_or_joined(col, note, add):
    other = add("Basic", "one", "two")
    raw(col, ("UPDATE notes SET flds = 'only' WHERE id = ?", (note.id,)),
        ("UPDATE notes SET flds = 'a' || char(31) || 'b' || char(31) || 'c' WHERE id = ?",
         (other.id,)))
    result = check_and_undo(col)
    assert result.problems() == ["Fixed 2 notes with wrong field count."]
    assert col.get_note(note.id).fields == ["only", ""]
    assert col.get_note(other.id).fields == ["a", "b; c"]  # joined as Anki joins them


def test_cards_beyond_templates_are_deleted(col, note):
    first, second = col.cards_of_note(note.id)
    raw(col, ("UPDATE cards SET ord = 5 WHERE id = ?", (second.id,)))
    result = check_and_undo(col)
    assert result.problems() == ["Deleted 1 card with missing template."]
    cards = col.cards_of_note(note.id)
    assert cards[0].id == first.id and second.id not in [c.id for c in cards]
    assert [c.ord for c in cards] == [0, 1]  # card 2 made again, as Anki does


def test_cloze_cards_keep_high_ordinals(col, add):
    cloze = add("Cloze", "{{c1::a}} {{c7::b}}", "")
    assert dbcheck.check_database(col).ok
    assert sorted(c.ord for c in col.cards_of_note(cloze.id)) == [0, 6]


def test_cards_in_missing_deck_get_a_recovered_deck(col, note):
    cid = col.cards_of_note(note.id)[0].id
    raw(col, ("UPDATE cards SET did = 777 WHERE id = ?", (cid,)))
    result = check_and_undo(col)
    assert result.problems() == ["Fixed 1 missing deck."]
    assert col.decks.get(777).name == "recovered777"
    assert col.get_card(cid).did == 777


def test_note_with_missing_notetype_gets_a_db_check_notetype(col, note):
    raw(col, ("UPDATE notes SET ntid = 5555 WHERE id = ?", (note.id,)))
    result = check_and_undo(col)
    assert result.problems() == [dbcheck.RECOVERED_NOTETYPES]
    nt = col.notetypes.get(col.get_note(note.id).ntid)
    assert nt.name.startswith("db-check-") and nt.name.endswith("-2")
    assert nt.field_names() == ["Front", "Back"] and len(nt.templates) == 2
    assert len(col.cards_of_note(note.id)) == 2


def test_note_without_cards_gets_cards_again(col, note):
    raw(col, ("DELETE FROM cards WHERE nid = ?", (note.id,)))
    result = check_and_undo(col)
    assert result.text == "Database rebuilt and optimized."  # Anki says nothing either
    assert sorted(c.ord for c in col.cards_of_note(note.id)) == [0, 1]


def test_invalid_card_properties_are_fixed_as_anki_fixes_them(col, note, add):
    a, b = col.cards_of_note(note.id)
    c = col.cards_of_note(add("Basic", "x", "").id)[0]
    raw(col, ("UPDATE cards SET type = 2, queue = 2, ivl = 0, factor = 0, due = 2000000 "
              "WHERE id = ?", (a.id,)),
        ("UPDATE cards SET due = 3.5, ivl = 2.0 WHERE id = ?", (b.id,)),
        ("UPDATE cards SET queue = 9 WHERE id = ?", (c.id,)))
    result = check_and_undo(col)
    assert result.text == "Fixed 2 invalid card properties.\nDatabase rebuilt and optimized."
    fixed = col.get_card(a.id)
    assert fixed.due == today(col, col.now()).today  # due today instead of in 5,000 years
    assert (fixed.ivl, fixed.factor) == (0, 0)  # left alone, as Anki leaves them
    assert col.db.execute("SELECT typeof(due), due, typeof(ivl) FROM cards WHERE id = ?",
                          (b.id,)).fetchone()[:] == ("integer", 4, "integer")
    assert col.get_card(c.id).queue == 9  # Anki does not touch a strange queue either


def test_card_in_normal_deck_with_original_deck_is_cleared(col, note):
    home = col.decks.id("Home")
    first, second = col.cards_of_note(note.id)
    raw(col, ("UPDATE cards SET odid = ?, odue = 12 WHERE id = ?", (home, first.id)),
        ("UPDATE cards SET odid = 8888, odue = 3 WHERE id = ?", (second.id,)))
    result = check_and_undo(col)
    assert result.problems() == ["Fixed 2 invalid card properties."]  # no deck 8888 made
    for card in (col.get_card(first.id), col.get_card(second.id)):
        assert (card.did, card.odid, card.odue) == (1, 0, 0)
    assert col.get_card(first.id).due == first.due


def test_filtered_card_without_a_home_deck_gets_default(col, note):
    first, second = col.cards_of_note(note.id)
    raw(col, ("INSERT INTO decks (id, name, kind, mtime) VALUES (50, 'Filtered', 1, 0)",),
        ("UPDATE cards SET did = 50, odid = 0, odue = 5 WHERE id = ?", (first.id,)),
        ("UPDATE cards SET did = 50, odid = 8888, odue = 6 WHERE id = ?", (second.id,)))
    result = check_and_undo(col)
    assert result.problems() == ["Fixed 2 invalid card properties."]
    for card in (col.get_card(first.id), col.get_card(second.id)):
        assert (card.did, card.odid) == (50, 1)


def test_new_cards_with_huge_position_are_folded_and_reported(col, note):
    first, second = col.cards_of_note(note.id)
    raw(col, ("UPDATE cards SET due = 3000000 WHERE id = ?", (first.id,)),
        ("UPDATE cards SET due = 2000001 WHERE id = ?", (second.id,)))
    result = check_and_undo(col)
    assert result.problems() == [
        "Found 2 new cards with a due number >= 1,000,000 - consider repositioning them "
        "in the Browse screen."]
    assert [c.due for c in col.cards_of_note(note.id)] == [1_000_000, 1_000_001]


def test_new_positions_just_above_a_million_are_left(col, note):
    raw(col, ("UPDATE cards SET due = 1500000 WHERE nid = ?", (note.id,)))
    before = dump(col)
    assert dbcheck.check_database(col).ok
    assert dump(col) == before


def test_revlog_with_invalid_fields_is_fixed(col, note):
    cid = col.cards_of_note(note.id)[0].id
    raw(col, ("INSERT INTO revlog (id, cid, ease, ivl, last_ivl, factor, time, type) "
              "VALUES (1, ?, 3, 2.6, 'x', 2500, 1200.4, 1)", (cid,)))
    result = check_and_undo(col)
    assert result.problems() == ["Fixed 1 review entry with invalid properties."]
    row = col.db.execute("SELECT ivl, last_ivl, time FROM revlog WHERE id = 1").fetchone()
    assert tuple(row) == (3, 0, 1200)


def test_tags_and_sort_fields_are_rebuilt_silently(col, note):
    raw(col, ("DELETE FROM tags",), ("INSERT INTO tags (tag) VALUES ('unused')",),
        ("UPDATE notes SET sfld = 'stale', csum = 1 WHERE id = ?", (note.id,)))
    result = check_and_undo(col)
    assert result.ok and result.text == "Database rebuilt and optimized."
    assert [r[0] for r in col.db.execute("SELECT tag FROM tags")] == ["t"]
    row = col.db.execute("SELECT sfld, csum FROM notes WHERE id = ?", (note.id,)).fetchone()
    assert row["sfld"] == "front" and row["csum"] != 1


def test_corrupt_file_is_refused_unchanged(tmp_path):
    from repetend.core.collection import Collection

    path = tmp_path / "collection.db"
    with Collection(path) as col:
        for i in range(300):
            note = col.new_note("Basic")
            note.fields = [f"front {i} " + "x" * 200, "back"]
            col.add_note(note, 1)
        col.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = col.db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'notes'"
                              ).fetchone()[0]
        page = col.db.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page
    data[start + 8:start + 40] = b"\xff" * 32  # garble the notes table's root page
    path.write_bytes(bytes(data))
    with Collection(path) as col:
        before = path.read_bytes()
        with pytest.raises(CollectionError, match="corrupt.*Nothing was changed"):
            dbcheck.check_database(col)
        assert col.undo_name() != "Check Database"
    assert path.read_bytes() == before


@pytest.mark.parametrize("package", ["content-modern.apkg", "content-legacy.apkg",
                                     "text-headers.csv"])
def test_imported_collections_are_healthy_and_unchanged(col, package):
    from pathlib import Path

    from repetend.core.importing.apkg_import import import_apkg
    from repetend.core.importing.text_import import import_text

    path = Path(__file__).resolve().parents[1] / "data" / "anki" / package
    (import_text if package.endswith(".csv") else import_apkg)(col, path)
    before, step = dump(col), col.undo_name()
    result = dbcheck.check_database(col)
    assert (result.text, result.silent) == ("Database rebuilt and optimized.", {})
    assert dump(col) == before and col.undo_name() == step
