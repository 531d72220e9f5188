"""A new collection, note types, notes and card generation."""

import sqlite3

import pytest

from repetend.core.collection import Collection
from repetend.core.errors import CollectionError, InvalidInput, NotFoundError
from repetend.core.ids import GUID_ALPHABET
from repetend.core.storage import SCHEMA_VERSION


def test_new_collection_has_anki_stock_notetypes_in_order(col):
    names = [nt.name for nt in sorted(col.notetypes.all(), key=lambda nt: nt.id)]
    assert names == ["Basic", "Basic (and reversed card)", "Basic (optional reversed card)",
                     "Basic (type in the answer)", "Cloze"]
    assert col.get_config("curModel") == col.notetypes.by_name("Basic").id


def test_stock_notetype_fields_and_templates(col):
    optional = col.notetypes.by_name("Basic (optional reversed card)")
    assert optional.field_names() == ["Front", "Back", "Add Reverse"]
    assert [t.name for t in optional.templates] == ["Card 1", "Card 2"]
    assert optional.templates[1].front == "{{#Add Reverse}}{{Back}}{{/Add Reverse}}"
    assert optional.templates[0].back == "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}"
    typing = col.notetypes.by_name("Basic (type in the answer)")
    assert typing.templates[0].front == "{{Front}}\n\n{{type:Back}}"
    assert typing.templates[0].back == "{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}"
    cloze = col.notetypes.by_name("Cloze")
    assert cloze.is_cloze and cloze.field_names() == ["Text", "Back Extra"]
    assert cloze.templates[0].name == "Cloze"
    assert ".cloze" in cloze.css and "font-family: arial" in cloze.css


def test_default_deck_and_preset_exist(col):
    assert [d.name for d in col.decks.all()] == ["Default"]
    assert col.decks.by_name("default").id == 1
    conf = col.config_for_deck(1)
    assert (conf.name, conf.learn_steps, conf.new_per_day, conf.initial_ease) == \
        ("Default", [1.0, 10.0], 20, 2.5)


def test_basic_note_gets_one_card_and_anki_columns(col, add):
    note = add("Basic", "Hello world", "<b>back</b>", tags=["b", "A::x", "a::x"])
    cards = col.cards_of_note(note.id)
    assert [c.ord for c in cards] == [0]
    row = col.db.execute("SELECT * FROM notes WHERE id = ?", (note.id,)).fetchone()
    assert row["csum"] == 2068851770
    assert row["sfld"] == "Hello world"
    assert row["tags"] == " A::x b "
    assert row["flds"] == "Hello world\x1f<b>back</b>"
    assert len(note.guid) <= 11 and set(note.guid) <= set(GUID_ALPHABET)
    assert abs(note.id - cards[0].id) < 10_000  # both epoch milliseconds


@pytest.mark.parametrize("notetype,values,ords", [
    ("Basic (and reversed card)", ["f", "b"], [0, 1]),
    ("Basic (optional reversed card)", ["f", "b", ""], [0]),
    ("Basic (optional reversed card)", ["f", "b", "y"], [0, 1]),
    ("Basic (optional reversed card)", ["f", "", "y"], [0]),
    ("Basic (type in the answer)", ["f", "b"], [0]),
    ("Cloze", ["{{c1::a}} {{c3::b}} {{c1::c}}", ""], [0, 2]),
    ("Cloze", ["{{c1,2::x}}", "{{c5::in extra}}"], [0, 1, 4]),
])
def test_card_generation_per_stock_notetype(col, add, notetype, values, ords):
    note = add(notetype, *values)
    assert [c.ord for c in col.cards_of_note(note.id)] == ords


def test_note_that_generates_nothing_still_gets_card_zero(col, add):
    note = add("Basic", "", "back only")
    assert [c.ord for c in col.cards_of_note(note.id)] == [0]


def test_siblings_share_new_position_and_positions_increase(col, add):
    first = add("Basic (and reversed card)", "a", "b")
    second = add("Basic", "c", "d")
    assert {c.due for c in col.cards_of_note(first.id)} == {1}
    assert [c.due for c in col.cards_of_note(second.id)] == [2]


def test_editing_adds_missing_cards_only(col, add):
    note = add("Basic (optional reversed card)", "f", "b", "")
    note["Add Reverse"] = "yes"
    added = col.update_note(note)
    assert [c.ord for c in added] == [1]
    note["Add Reverse"] = ""
    col.update_note(note)
    assert [c.ord for c in col.cards_of_note(note.id)] == [0, 1]


def test_empty_cards_report_and_cleanup(col, add):
    note = add("Basic (optional reversed card)", "front", "b", "yes")
    note["Add Reverse"] = ""
    col.update_note(note)
    report = col.empty_cards()
    assert report.card_ids == [col.cards_of_note(note.id)[1].id]
    assert "Empty cards for" in report.text() and "1 of 2 cards empty (Card 2)" in report.text()
    assert col.remove_empty_cards(report) == 1
    assert [c.ord for c in col.cards_of_note(note.id)] == [0]
    assert col.empty_cards().card_ids == []
    assert col.undo() == "Empty Cards"
    assert len(col.cards_of_note(note.id)) == 2


def test_empty_cards_keeps_notes_whose_every_card_is_empty(col, add):
    note = add("Cloze", "{{c1::a}} {{c2::b}}", "")
    note["Text"] = "no clozes left"
    col.update_note(note)
    report = col.empty_cards()
    assert len(report.card_ids) == 2
    assert col.remove_empty_cards(report) == 1
    assert len(col.cards_of_note(note.id)) == 1


def test_wrong_field_count_is_refused_and_nothing_saved(col):
    note = col.new_note("Basic")
    note.fields = ["only one"]
    with pytest.raises(InvalidInput, match="has 2 fields \\(Front, Back\\), but 1 values"):
        col.add_note(note, 1)
    assert col.note_ids() == []


def test_unknown_names_are_reported(col):
    with pytest.raises(NotFoundError, match="no note type called 'Nope'"):
        col.new_note("Nope")
    with pytest.raises(NotFoundError, match="no deck called 'Missing'"):
        col.decks.id("Missing", create=False)


def test_fields_are_nfc_normalized_and_control_chars_dropped(col, add):
    note = add("Basic", "e\u0301\x07", "x\ty")
    assert col.get_note(note.id).fields == ["\u00e9", "x\ty"]


def test_failed_operation_rolls_back_everything(col):
    before = col.note_ids()

    def explode(col_, note, deck_id):
        raise RuntimeError("add-on broke")

    col.callbacks.note_will_be_added = explode
    note = col.new_note("Basic")
    note.fields = ["a", "b"]
    with pytest.raises(RuntimeError):
        col.add_note(note, 1)
    assert col.note_ids() == before
    assert col.get_config("nextPos") == 1


def test_reopening_keeps_data(tmp_path):
    path = tmp_path / "c.db"
    with Collection(path) as col:
        note = col.new_note("Basic")
        note.fields = ["kept", ""]
        col.add_note(note, col.decks.id("Persisted"))
    with Collection(path) as col:
        assert col.get_note(note.id)["Front"] == "kept"
        assert col.decks.by_name("Persisted")
        assert len(col.notetypes.all()) == 5


def test_non_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "c.db"
    path.write_bytes(b"not a database at all")
    with pytest.raises(CollectionError, match="not an SQLite database"):
        Collection(path)
    assert path.read_bytes() == b"not a database at all"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.db"]


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "c.db"
    Collection(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(CollectionError, match="newer Repetend"):
        Collection(path)
    assert path.read_bytes() == before


def test_foreign_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE x (y)")
    db.close()
    with pytest.raises(CollectionError, match="not a Repetend collection"):
        Collection(path)


def test_file_uses_wal_and_foreign_keys(col):
    assert col.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert col.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert col.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_version_2_file_gains_the_sort_field_index_and_keeps_its_notes(tmp_path):
    path = tmp_path / "old.db"
    col = Collection(path)
    note = col.new_note("Basic")
    note.fields = ["b", "x"]
    col.add_note(note, deck_id=1)
    other = col.new_note("Basic")
    other.fields = ["A", "y"]
    col.add_note(other, deck_id=1)
    col.close()
    db = sqlite3.connect(path)
    for index in ("ix_notes_sfld", "ix_notes_mtime", "ix_notes_tags"):
        db.execute(f"DROP INDEX {index}")
    db.execute("PRAGMA user_version = 2")
    db.close()
    col = Collection(path)
    assert col.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert col.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'ix_notes_sfld'").fetchone()
    assert col.find_notes("", order="noteFld") == [other.id, note.id]
    assert col.undo_name() == "Add Note"  # a migration is not an undo step
    col.close()


def test_a_version_3_file_gains_the_tags_and_modified_indexes(tmp_path):
    path = tmp_path / "old.db"
    col = Collection(path)
    ids = []
    for tags in (["b"], ["A"], ["c"]):
        note = col.new_note("Basic")
        note.fields = ["x", "y"]
        note.tags = tags
        col.add_note(note, deck_id=1)
        ids.append(note.id)
    col.close()
    db = sqlite3.connect(path)
    db.execute("DROP INDEX ix_notes_mtime")
    db.execute("DROP INDEX ix_notes_tags")
    db.execute(f"UPDATE notes SET mtime = mtime - (id = {ids[2]}) * 60")
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    col = Collection(path)
    indexes = {r[0] for r in col.db.execute("SELECT name FROM sqlite_master")}
    assert col.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert {"ix_notes_mtime", "ix_notes_tags"} <= indexes
    assert col.find_notes("", order="noteTags") == [ids[1], ids[0], ids[2]]
    assert col.find_notes("", order="noteMod") == [ids[2], ids[0], ids[1]]
    assert col.undo_name() == "Add Note"
    col.close()


def test_a_deferred_config_value_is_pending_until_an_operation_writes_it(col):
    def in_file():
        return col.db.execute("SELECT 1 FROM config WHERE key = 'bookkeeping'").fetchone()

    col.defer_config("bookkeeping", 7)
    assert col.config_pending("bookkeeping") and not col.config_pending("curDeck")
    assert col.get_config("bookkeeping") == 7 and in_file() is None
    with pytest.raises(RuntimeError), col.op("Fails"):
        raise RuntimeError("boom")
    assert col.config_pending("bookkeeping") and in_file() is None  # rolled back with it
    col.set_config("other", 1)
    assert not col.config_pending("bookkeeping")
    assert in_file() is not None and col.get_config("bookkeeping") == 7
