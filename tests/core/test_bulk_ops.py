"""Browser operations on many notes at once: the same rows as the one-note-at-a-time
paths of the collection, and exact undo and redo."""

from __future__ import annotations

import sqlite3

import pytest
from undo_cases import TRICKY, batch_path  # noqa: F401 (autouse)

from repetend.core import browser_ops as ops
from repetend.core import undo
from repetend.core.collection import Collection
from repetend.core.errors import NotFoundError
from repetend.host.testing import assert_undo_redo_exact, collection_rows


@pytest.fixture
def filled(col, add):
    """Notes of three note types in two decks, with tricky text and tags, one card in a
    filtered deck."""
    col.decks.id("Other")
    notes = []
    for i, text in enumerate(TRICKY * 3):
        kind = ("Basic", "Basic (and reversed card)", "Cloze")[i % 3]
        front = f"{{{{c1::{text}}}}} a" if kind == "Cloze" else f"A {text} {i}"
        notes.append(add(kind, front, f"back {text}", deck="Other" if i % 2 else "Default",
                         tags=[f"Tag{i % 4}", "shared"]))
    return notes


def twin(col, tmp_path) -> Collection:
    """A second collection with the same rows (SQLite's backup of the file)."""
    target = sqlite3.connect(tmp_path / "twin.db")
    col.db.backup(target)
    target.close()
    return Collection(tmp_path / "twin.db")


def content(col) -> dict[str, list[str]]:
    """Every undoable row but the collection's modification time."""
    out = collection_rows(col)
    out.pop("col")
    return out


def test_find_and_replace_writes_what_update_note_writes(col, filled, tmp_path):
    other = twin(col, tmp_path)
    try:
        nids = [n.id for n in filled]
        changed = ops.find_and_replace(col, nids, "a", "b'")
        expected = 0
        with other.op("Find and Replace"):
            for nid in nids:
                note = other.get_note(nid)
                new = [f.replace("a", "b'").replace("A", "b'") for f in note.fields]
                if new != note.fields:
                    note.fields = new
                    other.update_note(note)
                    expected += 1
        assert changed == expected > 0
        rows = lambda c: c.db.execute(  # noqa: E731
            "SELECT id, flds, sfld, csum, tags, usn FROM notes ORDER BY id").fetchall()
        assert [tuple(r) for r in rows(col)] == [tuple(r) for r in rows(other)]
    finally:
        other.close()


def test_find_and_replace_adds_the_cards_an_edit_makes_possible(col, add):
    note = add("Basic (optional reversed card)", "front", "back", "")
    assert len(col.find_cards(f"nid:{note.id}")) == 1
    assert ops.find_and_replace(col, [note.id], "^$", "yes", regex=True,
                                fields=["Add Reverse"]) == 1
    assert len(col.find_cards(f"nid:{note.id}")) == 2
    cloze = add("Cloze", "{{c1::a}} b", "")
    assert ops.find_and_replace(col, [cloze.id], "b", "{{c2::b}}") == 1
    assert sorted(c.ord for c in col.cards_of_note(cloze.id)) == [0, 1]
    col.undo()
    assert [c.ord for c in col.cards_of_note(cloze.id)] == [0]


def test_find_and_replace_of_a_missing_note_changes_nothing(col, filled):
    before = collection_rows(col)
    with pytest.raises(NotFoundError, match="no note with id 12345"):
        ops.find_and_replace(col, [filled[0].id, 12345], "a", "b")
    assert collection_rows(col) == before


def test_bulk_operations_undo_and_redo_exactly(col, filled):
    nids = [n.id for n in filled]
    cids = col.find_cards("")
    assert_undo_redo_exact(col, lambda: ops.set_deck(col, cids, "Other"))
    assert_undo_redo_exact(col, lambda: ops.add_tags(col, nids, "new tag::Child"))
    assert_undo_redo_exact(col, lambda: ops.remove_tags(col, nids, "shared"))
    assert_undo_redo_exact(col, lambda: ops.find_and_replace(col, nids, "'", "\"x,'"))
    assert_undo_redo_exact(col, lambda: ops.delete_notes(col, nids[::3]))


def test_set_deck_takes_a_filtered_card_out_as_anki_does(col, filled):
    from repetend.core.scheduler import filtered

    home = col.decks.id("Other", create=False)
    fid = filtered.add_or_update_filtered_deck(col, "Filt", filtered.FilteredConfig(
        terms=(filtered.SearchTerm("deck:Other", 1000, filtered.ADDED),))).deck_id
    moved = col.find_cards(f"did:{fid}")
    assert moved
    all_cards = col.find_cards("")
    target = col.decks.id("Target")
    assert ops.set_deck(col, all_cards, "Target") == len(all_cards)
    for cid in moved:
        card = col.get_card(cid)
        assert (card.did, card.odid, card.odue) == (target, 0, 0)
    assert ops.set_deck(col, all_cards, target) == 0
    col.undo()
    assert {col.get_card(c).odid for c in moved} == {home}


def test_add_tags_registers_new_tags_once_in_the_known_case(col, filled):
    nids = [n.id for n in filled]
    assert ops.add_tags(col, nids, "SHARED brandnew") == len(nids)
    tags = [r[0] for r in col.db.execute("SELECT tag FROM tags ORDER BY rowid")]
    assert tags.count("brandnew") == 1 and "SHARED" not in tags
    assert col.get_note(nids[0]).tags == ["brandnew", "shared", "Tag0"]


def test_delete_notes_leaves_the_rows_and_graves_remove_notes_leaves(col, filled, tmp_path):
    other = twin(col, tmp_path)
    try:
        nids = [n.id for n in filled[1::2]] + [999]
        assert ops.delete_notes(col, nids) == len(nids) - 1
        with other.op("Delete Note"):
            other.remove_notes(nids[:-1])
        assert content(col) == content(other)
    finally:
        other.close()


def test_a_plain_replacement_is_taken_literally(col, add):
    note = add("Basic", "a cat", "cat")
    text = r"\1 \g<0> $1 \\ \n"
    assert ops.find_and_replace(col, [note.id], "cat", text) == 1
    assert col.get_note(note.id).fields == ["a " + text, text]


def test_the_checksum_of_a_stripped_sort_field_is_the_field_checksum():
    from repetend.core.importing import fieldtext
    from repetend.core.text import field_checksum, strip_html_preserving_media_filenames

    for field in ["", "plain", "<b>bold</b> &amp;lt; x", '<img src="a b.png"> word',
                  "&nbsp;spaced&nbsp;", "ünï<br>cödé", *TRICKY]:
        stripped = fieldtext.stripped(field)
        assert stripped == strip_html_preserving_media_filenames(field)
        assert fieldtext.checksum_of_stripped(stripped) == field_checksum(field)


def test_a_bulk_change_is_undone_and_redone_after_reopening(col, filled, tmp_path):
    path = col.path
    before = collection_rows(col)
    assert ops.set_deck(col, col.find_cards(""), "Other") > 0
    assert ops.add_tags(col, [n.id for n in filled], "reopened") == len(filled)
    after = collection_rows(col)
    col.close()
    again = Collection(path)
    try:
        assert again.undo() == "Add Tags"
        assert again.undo() == "Change Deck"
        assert collection_rows(again) == before
        again.redo()
        again.redo()
        assert collection_rows(again) == after
    finally:
        again.close()


def test_delete_notes_keeps_an_earlier_grave_and_undoes_exactly(col, filled, tmp_path):
    """A note whose id already has a grave (synced with usn 7) gets usn -1 on it, as
    remove_notes does; the new graves are one bulk step; undo and redo are exact."""
    victim = filled[2]
    cid = col.find_cards(f"nid:{victim.id}")[0]
    with col.op("seed graves"):
        col.db.execute("INSERT INTO graves (oid, type, usn) VALUES (?, 1, 7), (?, 0, 7)",
                       (victim.id, cid))
    other = twin(col, tmp_path)
    try:
        nids = [n.id for n in filled[::2]]
        with other.op("Delete Note"):
            other.remove_notes(nids)
        assert_undo_redo_exact(col, lambda: ops.delete_notes(col, nids))
        assert content(col) == content(other)
        assert col.db.execute("SELECT usn FROM graves WHERE oid = ?",
                              (victim.id,)).fetchone()[0] == -1
    finally:
        other.close()


def test_an_update_of_most_notes_rebuilds_the_indexes_it_touches(col, filled, monkeypatch):
    """Adding a tag to every note recreates the tags and mtime indexes instead of
    updating them row by row; they hold the right entries afterwards, and after undo."""
    monkeypatch.setattr(undo, "REBUILD_MIN", 1)
    statements: list[str] = []
    col.db.set_trace_callback(statements.append)
    assert ops.add_tags(col, [n.id for n in filled], "rebuilt") == len(filled)
    col.db.set_trace_callback(None)
    created = {s.split()[2] for s in statements if s.startswith("CREATE INDEX")}
    assert created == {"ix_notes_tags", "ix_notes_mtime"}
    for _ in range(2):
        assert col.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        by_index = col.db.execute("SELECT id FROM notes INDEXED BY ix_notes_tags "
                                  "WHERE tags >= ' rebuilt' COLLATE NOCASE ORDER BY id")
        plain = col.db.execute("SELECT id FROM notes NOT INDEXED "
                               "WHERE tags >= ' rebuilt' COLLATE NOCASE ORDER BY id")
        assert by_index.fetchall() == plain.fetchall()
        col.undo()


def test_rebuilt_indexes_keep_their_planner_statistics(col, filled, monkeypatch):
    monkeypatch.setattr(undo, "REBUILD_MIN", 1)
    col.db.execute("ANALYZE main.notes")
    stats = "SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx"
    before = col.db.execute(stats).fetchall()
    assert any(r[1] == "ix_notes_tags" for r in before)
    ops.add_tags(col, [n.id for n in filled], "stats")
    assert col.db.execute(stats).fetchall() == before


def test_find_and_replace_saves_fields_as_update_note_does(col, add):
    """Decomposed accents are composed and control characters dropped, in the replaced
    field and in the other fields of a changed note (stored raw, as an old file may hold
    them), as saving the note in the editor does; an unchanged note keeps its text."""
    note = add("Basic", "x", "y")
    plain = add("Basic", "no match", "y")
    raw = ["cafe\u0301 zz\u0007", "x\u0007y\ty e\u0301"]
    with col.op("raw"):
        col.db.execute("UPDATE notes SET flds = ? WHERE id IN (?, ?)",
                       ("\x1f".join(raw), note.id, plain.id))
        col.db.execute("UPDATE notes SET flds = replace(flds, 'zz', '') WHERE id = ?",
                       (plain.id,))
    assert ops.find_and_replace(col, [note.id, plain.id], "ZZ", "b") == 1
    assert col.get_note(note.id).fields == ["caf\u00e9 b", "xy\ty \u00e9"]
    assert col.get_note(plain.id).fields == ["cafe\u0301 \u0007", raw[1]]


def test_a_bulk_update_works_while_a_query_is_still_reading(col, filled, monkeypatch):
    """An index cannot be dropped while a statement of the connection is reading (SQLite
    says "locked"): the update then maintains the indexes row by row instead, and the
    indexes and their planner statistics stay as they were."""
    monkeypatch.setattr(undo, "REBUILD_MIN", 1)
    col.db.execute("ANALYZE main.notes")
    stats = "SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx"
    before = col.db.execute(stats).fetchall(), collection_rows(col)["indexes"]
    reading = col.db.execute("SELECT id FROM notes")
    reading.fetchone()
    assert ops.add_tags(col, [n.id for n in filled], "busy") == len(filled)
    reading.close()
    assert col.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert (col.db.execute(stats).fetchall(), collection_rows(col)["indexes"]) == before


def test_tag_operations_on_the_whole_collection_undo_and_redo_exactly(col, filled):
    nids = [n.id for n in filled]
    ops.add_tags(col, nids[::2], "family family::child::grand")
    assert_undo_redo_exact(col, lambda: ops.rename_tag(col, "FAMILY", "kin'"))
    assert_undo_redo_exact(col, lambda: ops.rename_tag(col, "tag1", "Tag1::now,child"))
    assert_undo_redo_exact(col, lambda: ops.delete_tag(col, "kin'::child"))
    assert_undo_redo_exact(col, lambda: ops.remove_tags(col, nids[1:], "tag2 shared"))
    assert_undo_redo_exact(col, lambda: ops.find_and_replace_tags(col, nids, "tag", "T'"))


def test_tag_operations_change_only_the_notes_holding_the_tag(col, filled):
    """The other notes keep their rows (mtime and usn too); the changed ones get usn -1
    and a new mtime, as saving them would."""
    with col.op("synced"):
        col.db.execute("UPDATE notes SET usn = 5, mtime = 1")
    holding = set(col.find_notes("tag:tag1"))
    assert 0 < len(holding) < len(filled)
    before = {r[0]: r for r in col.db.execute("SELECT id, tags, mtime, usn FROM notes")}
    for change, count in ((lambda: ops.rename_tag(col, "TAG1", "one"), len(holding)),
                          (lambda: ops.delete_tag(col, "one"), len(holding)),
                          (lambda: ops.remove_tags(col, [n.id for n in filled], "one"), 0)):
        assert change() == count
        for nid, tags, mtime, usn in col.db.execute("SELECT id, tags, mtime, usn FROM notes"):
            if nid in holding:
                assert usn == -1 and mtime > 1
            else:
                assert (nid, tags, mtime, usn) == tuple(before[nid])


def test_find_and_replace_gives_raw_stored_tags_the_form_update_note_gives(col, add, tmp_path):
    """Tags as an old or imported file may hold them (registered or not, unsorted, a
    duplicate in other case, an empty part) are saved as the editor saves them; tags
    already in their saved form stay as they are."""
    raw = [" zeta a:: Beta beta ", " a:: ", " Beta zeta ", " beta zeta "]
    notes = [add("Basic", f"find {i}", "x", tags=["beta", "zeta"]) for i in range(len(raw))]
    with col.op("raw tags"):
        col.db.execute("INSERT INTO tags (tag) VALUES ('a::')")
        for note, text in zip(notes, raw, strict=True):
            col.db.execute("UPDATE notes SET tags = ? WHERE id = ?", (text, note.id))
    other = twin(col, tmp_path)
    try:
        nids = [n.id for n in notes]
        assert ops.find_and_replace(col, nids, "find", "found") == len(nids)
        with other.op("Find and Replace"):
            for nid in nids:
                note = other.get_note(nid)
                note.fields = [f.replace("find", "found") for f in note.fields]
                other.update_note(note)
        tags = lambda c: c.db.execute("SELECT tags FROM notes ORDER BY id").fetchall()  # noqa: E731
        assert [tuple(r) for r in tags(col)] == [tuple(r) for r in tags(other)]
        assert tags(col)[3][0] == " beta zeta "
    finally:
        other.close()


def test_find_and_replace_with_another_sort_field_writes_what_update_note_writes(
        col, add, tmp_path):
    """The sort field is the second one: its stripped text is the sort column, the first
    field's the checksum, for plain ASCII notes and others alike."""
    nt = col.notetypes.by_name("Basic")
    nt.sort_field = 1
    col.notetypes.update(nt)
    notes = [add("Basic", "<b>cat</b> one", "a cat"), add("Basic", "cat", "ünï cat"),
             add("Basic", "x", "<i>cat</i>\tcat")]
    other = twin(col, tmp_path)
    try:
        nids = [n.id for n in notes]
        assert ops.find_and_replace(col, nids, "cat", "dog") == 3
        with other.op("Find and Replace"):
            for nid in nids:
                note = other.get_note(nid)
                note.fields = [f.replace("cat", "dog") for f in note.fields]
                other.update_note(note)
        rows = lambda c: c.db.execute(  # noqa: E731
            "SELECT id, flds, sfld, csum, tags, usn FROM notes ORDER BY id").fetchall()
        assert [tuple(r) for r in rows(col)] == [tuple(r) for r in rows(other)]
        assert rows(col)[0][2] == "a dog"
    finally:
        other.close()
