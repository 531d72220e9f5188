"""Undo and redo of large imports (which take the bulk path of the undo log) are exact."""

from __future__ import annotations

import random

import pytest

from repetend.core.collection import Collection
from repetend.core.ids import new_guid
from repetend.core.importing.apkg_export import export_apkg
from repetend.core.importing.apkg_import import import_apkg
from repetend.core.importing.text_import import TextOptions, import_text
from repetend.core.text import field_checksum
from repetend.host.testing import collection_rows

NOTES = 10_000


def undo_log_size(col: Collection) -> int:
    return col.db.execute("SELECT count() FROM undo_log").fetchone()[0]


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    """A package of NOTES notes (two cards each, a third reviewed, tags, three decks)."""
    folder = tmp_path_factory.mktemp("source")
    rng = random.Random(7)
    with Collection(folder / "source.db") as src:
        nt = src.notetypes.by_name("Basic (and reversed card)")
        decks = [src.decks.id(n) for n in ("Big", "Big::A", "Big::B")]
        base = 1_600_000_000_000
        with src.op("Build"):
            for i in range(NOTES):
                front = f"word {i} <b>{rng.random():.4f}</b>"
                src.db.execute(
                    "INSERT INTO notes (id, guid, ntid, mtime, usn, tags, flds, sfld, csum) "
                    "VALUES (?, ?, ?, 1700000000, -1, ?, ?, ?, ?)",
                    (base + 3 * i, new_guid(), nt.id, f" big t{i % 9} ", f"{front}\x1fback",
                     front, field_checksum(front)))
                for ord_ in (0, 1):
                    cid = base + 5 * i + ord_
                    reviewed = rng.random() < 1 / 3
                    src.db.execute(
                        "INSERT INTO cards (id, nid, did, ord, mtime, type, queue, due, ivl, "
                        "factor, reps) VALUES (?, ?, ?, ?, 1700000000, ?, ?, ?, ?, ?, ?)",
                        (cid, base + 3 * i, decks[i % 3], ord_, 2 if reviewed else 0,
                         2 if reviewed else 0, rng.randint(0, 90) if reviewed else i + 1,
                         4 if reviewed else 0, 2500 if reviewed else 0, 2 if reviewed else 0))
                    if reviewed:
                        src.db.execute(
                            "INSERT INTO revlog (id, cid, ease, ivl, last_ivl, factor, time, "
                            "type) VALUES (?, ?, 3, 4, 1, 2500, 3000, 1)", (cid + 7, cid))
            src.db.execute("INSERT OR IGNORE INTO tags (tag) VALUES ('big')")
        path = folder / "big.apkg"
        export_apkg(src, path)
    return path


def test_undo_of_a_10000_note_import_is_exact_and_redo_reapplies_it(tmp_path, package):
    with Collection(tmp_path / "collection.db") as col:
        note = col.new_note("Basic")
        note.fields = ["mine", "kept"]
        note.tags = ["Big"]  # the package's tag 'big' matches it
        col.add_note(note, col.decks.id("Big::A"))
        before = collection_rows(col)
        log_before = undo_log_size(col)
        summary = import_apkg(col, package)
        assert len(summary.added) == NOTES and summary.cards_added == 2 * NOTES
        assert summary.revlog_added > 0
        after = collection_rows(col)
        # a handful of statements, not one per row
        assert undo_log_size(col) - log_before < 100

        assert col.undo() == "Import"
        assert collection_rows(col) == before
        assert col.redo() == "Import"
        assert collection_rows(col) == after
        assert col.undo() == "Import"
        assert collection_rows(col) == before
        assert col.redo() == "Import"
        assert collection_rows(col) == after

        # a later edit of an imported note undoes first, then the import
        nid = col.db.execute("SELECT max(id) FROM notes").fetchone()[0]
        edited = col.get_note(nid)
        edited.fields[1] = "changed"
        col.update_note(edited)
        assert col.undo() == "Update Note"
        assert collection_rows(col) == after
        assert col.undo() == "Import"
        assert collection_rows(col) == before


def test_undo_of_a_10000_line_text_import_is_exact(tmp_path):
    path = tmp_path / "big.tsv"
    lines = [f"front {i}\tback {i}\ttag{i % 20}" for i in range(NOTES)]
    path.write_text("#separator:Tab\n#html:false\n#notetype:Basic (and reversed card)\n"
                    "#deck:Text\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with Collection(tmp_path / "collection.db") as col:
        note = col.new_note("Basic (and reversed card)")
        note.fields = ["front 7", "old"]  # updated by line 8 (same first field)
        col.add_note(note, 1)
        before = collection_rows(col)
        summary = import_text(col, path, TextOptions())
        assert len(summary.added) == NOTES - 1 and summary.cards_added == 2 * (NOTES - 1)
        assert len(summary.updated) == 1
        after = collection_rows(col)
        assert col.undo() == "Import"
        assert collection_rows(col) == before
        assert col.redo() == "Import"
        assert collection_rows(col) == after
        assert col.undo() == "Import"
        assert collection_rows(col) == before


def test_text_import_with_updates_that_add_cards_between_new_notes(tmp_path):
    """An update can give a note new cards (ids and a position from the collection); the
    notes added after it must not clash with them."""
    with Collection(tmp_path / "collection.db") as col:
        note = col.new_note("Basic (and reversed card)")
        note.fields = ["front 3", ""]  # only the forward card until Back is filled
        col.add_note(note, 1)
        before = collection_rows(col)
        lines = [f"front {i}\tback {i}" for i in range(8)]
        path = tmp_path / "mixed.tsv"
        path.write_text("#separator:Tab\n#html:false\n#notetype:Basic (and reversed card)\n"
                        + "\n".join(lines) + "\n", encoding="utf-8")
        summary = import_text(col, path, TextOptions())
        assert (len(summary.added), len(summary.updated)) == (7, 1)
        assert col.db.execute("SELECT count() FROM cards").fetchone()[0] == 16
        positions = [r[0] for r in col.db.execute(
            "SELECT due FROM cards WHERE ord = 0 ORDER BY nid")]
        assert len(set(positions)) == 8  # every note its own position
        col.undo()
        assert collection_rows(col) == before


def test_undo_and_redo_of_a_colpkg_restore_are_exact(tmp_path, package):
    from repetend.core.importing.apkg_export import export_colpkg
    from repetend.core.importing.apkg_import import import_colpkg

    with Collection(tmp_path / "source.db") as source:
        import_apkg(source, package)
        export_colpkg(source, tmp_path / "backup.colpkg")
    with Collection(tmp_path / "collection.db") as col:
        note = col.new_note("Basic")
        note.fields = ["replaced", "soon"]
        col.add_note(note, col.decks.id("Mine"))
        col.set_config("rollover", 2)
        before = collection_rows(col)
        import_colpkg(col, tmp_path / "backup.colpkg")
        after = collection_rows(col)
        assert len(after["notes"]) == NOTES
        assert undo_log_size(col) < 2_000  # old rows saved as a few multi-row statements
        assert col.undo() == "Import Collection"
        assert collection_rows(col) == before
        assert col.redo() == "Import Collection"
        assert collection_rows(col) == after
        assert col.undo() == "Import Collection"
        assert collection_rows(col) == before


def test_index_rebuild_keeps_the_schema_and_planner_statistics(tmp_path, package):
    def schema(col):
        return col.db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                              "WHERE name != 'sqlite_stat1' ORDER BY name").fetchall()

    with Collection(tmp_path / "collection.db") as col:
        note = col.new_note("Basic")
        note.fields = ["a", "b"]
        col.add_note(note, 1)
        col.db.execute("ANALYZE")
        assert col.db.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'cards'").fetchone()
        before = schema(col)
        import_apkg(col, package)
        assert schema(col) == before
        stats = {r[0] for r in col.db.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'cards'")}
        assert {"ix_cards_sched", "ix_cards_type"} <= stats
