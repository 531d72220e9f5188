""".apkg import copies cards and review log in SQL when it can: the result must be exactly
what the row-by-row path gives, and anything unusual must fall back to that path."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from repetend.core.collection import Collection
from repetend.core.importing import apkg_import
from repetend.core.importing.apkg_import import ImportOptions, import_apkg

DATA = Path(__file__).resolve().parents[2] / "data" / "anki"
UP = DATA / "upstream"
NOW = 1_790_000_000

SEQUENCES = {
    "modern": [DATA / "content-modern.apkg"],
    "modern twice": [DATA / "content-modern.apkg", DATA / "content-modern.apkg"],
    "modern nosched": [DATA / "content-modern-nosched.apkg"],
    "legacy": [DATA / "content-legacy.apkg"],
    "legacy1": [DATA / "content-legacy1.apkg"],
    "update": [DATA / "update-v1.apkg", DATA / "update-v2.apkg"],
    "conflict": [DATA / "conflict-stock-basic.apkg", DATA / "conflict-basic-extra-field.apkg"],
    "diffmodels": [UP / "diffmodels2-1.apkg", UP / "diffmodels2-2.apkg"],
    "diffmodeltemplates": [UP / "diffmodeltemplates-1.apkg", UP / "diffmodeltemplates-2.apkg"],
    "upstream update": [UP / "update1.apkg", UP / "update2.apkg"],
    "media": [UP / "media.apkg"],
}
OPTIONS = {
    "default": {},
    "no scheduling": {"with_scheduling": False},
    "one deck": {"deck": "Everything::Here"},
    "merge": {"merge_notetypes": True},
    "always": {"update_notes": "always", "update_notetypes": "always"},
}


def rows(col: Collection) -> dict[str, list[tuple[object, ...]]]:
    """Notes, cards, review log, decks and tags, with ids of decks and note types (which
    the import makes from the clock) replaced by names."""
    def dump(sql: str) -> list[tuple[object, ...]]:
        return [tuple(r) for r in col.db.execute(sql)]

    deck = "(SELECT name FROM decks WHERE id = {})"
    notetype = "(SELECT name FROM notetypes WHERE id = notes.ntid)"
    cards = [r[1] for r in col.db.execute("PRAGMA table_info(cards)")]
    card_cols = ", ".join(deck.format("cards." + c) if c in ("did", "odid") else f"quote({c})"
                          for c in cards)
    return {
        "notes": dump(f"SELECT id, guid, {notetype}, mtime, usn, tags, flds, quote(sfld), "
                      "csum, flags, data FROM notes ORDER BY id"),
        "cards": dump(f"SELECT {card_cols} FROM cards ORDER BY id"),
        "revlog": dump("SELECT * FROM revlog ORDER BY id"),
        "decks": dump("SELECT name, kind, config_id, description, extra FROM decks "
                      "ORDER BY name"),
        "tags": dump("SELECT * FROM tags ORDER BY tag"),
        "nextPos": [(col.get_config("nextPos"),)],
    }


def run(folder: Path, files: list[Path], options: dict, sql: bool, monkeypatch) -> tuple:
    with monkeypatch.context() as m:
        if not sql:
            m.setattr(apkg_import._Importer, "_cards_in_sql", lambda self, shift: False)
        folder.mkdir()
        with Collection(folder / "collection.db") as col:
            summaries = []
            for path in files:
                summary = import_apkg(col, path, ImportOptions(now=NOW, **options))
                summaries.append(summary.counts())
            return rows(col), summaries


@pytest.mark.parametrize("opts", OPTIONS, ids=list(OPTIONS))
@pytest.mark.parametrize("seq", SEQUENCES, ids=list(SEQUENCES))
def test_sql_path_gives_exactly_what_the_row_path_gives(tmp_path, monkeypatch, seq, opts):
    fast = run(tmp_path / "sql", SEQUENCES[seq], OPTIONS[opts], True, monkeypatch)
    slow = run(tmp_path / "rows", SEQUENCES[seq], OPTIONS[opts], False, monkeypatch)
    assert fast == slow


def in_filtered_deck(db: sqlite3.Connection) -> None:
    db.execute("UPDATE cards SET odid = did, odue = due + 3 WHERE id % 3 = 0")


def data_empty_or_odd(db: sqlite3.Connection) -> None:
    db.execute("UPDATE cards SET data = '' WHERE id % 2 = 0")


def data_odd(db: sqlite3.Connection) -> None:
    db.execute("UPDATE cards SET data = ' {\"pos\": 3}' WHERE id % 3 = 0")
    db.execute("UPDATE cards SET data = 'junk' WHERE id % 3 = 1")


@pytest.mark.parametrize("opts", OPTIONS, ids=list(OPTIONS))
@pytest.mark.parametrize("mutate, sql", [(in_filtered_deck, False), (data_empty_or_odd, True),
                                         (data_odd, False)],
                         ids=["filtered", "empty data", "odd data"])
def test_unusual_cards(tmp_path, monkeypatch, mutate, sql, opts):
    package = repack(DATA / "content-legacy.apkg", tmp_path / "p.apkg", tmp_path, mutate)
    taken = spy_sql_path(monkeypatch)
    fast = run(tmp_path / "sql", [package], OPTIONS[opts], True, monkeypatch)
    slow = run(tmp_path / "rows", [package], OPTIONS[opts], False, monkeypatch)
    assert fast == slow
    assert taken == [sql and opts != "no scheduling"]


def spy_sql_path(monkeypatch) -> list[bool]:
    taken: list[bool] = []
    original = apkg_import._Importer._cards_in_sql

    def spy(self, shift):
        result = original(self, shift)
        taken.append(result)
        return result

    monkeypatch.setattr(apkg_import._Importer, "_cards_in_sql", spy)
    return taken


def test_the_sql_path_is_taken_for_a_plain_package(tmp_path, monkeypatch):
    taken = spy_sql_path(monkeypatch)
    with Collection(tmp_path / "collection.db") as col:
        import_apkg(col, DATA / "update-v1.apkg")
    assert taken == [True]


def repack(src: Path, dest: Path, tmp_path: Path, mutate) -> Path:
    """A copy of a legacy package whose collection `mutate(db)` changed."""
    with zipfile.ZipFile(src) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    name = "collection.anki21" if "collection.anki21" in entries else "collection.anki2"
    db_path = tmp_path / "work.anki2"
    db_path.write_bytes(entries[name])
    db = sqlite3.connect(db_path)
    mutate(db)
    db.commit()
    db.close()
    entries[name] = db_path.read_bytes()
    with zipfile.ZipFile(dest, "w") as zf:
        for n, data in entries.items():
            zf.writestr(n, data)
    return dest


def second_card_for_an_ordinal(db: sqlite3.Connection) -> None:
    cid, nid, ord_ = db.execute("SELECT id, nid, ord FROM cards ORDER BY id LIMIT 1").fetchone()
    db.execute("INSERT INTO cards SELECT id + 77, nid, did, ord, mod, usn, type, queue, due, "
               "ivl, factor, reps, lapses, left, odue, odid, flags, data FROM cards WHERE id = ?",
               (cid,))


@pytest.mark.parametrize("case", ["second card for an ordinal", "card id we have"])
def test_clashes_fall_back_to_the_row_path_and_undo_cleanly(tmp_path, monkeypatch, case):
    package = DATA / "content-legacy.apkg"
    files = []
    if case == "second card for an ordinal":
        files = [repack(package, tmp_path / "dup.apkg", tmp_path, second_card_for_an_ordinal)]
    else:
        files = [package]
    results = []
    for sql in (True, False):
        with monkeypatch.context() as m:
            if sql:
                taken = spy_sql_path(m)
            else:
                m.setattr(apkg_import._Importer, "_cards_in_sql", lambda self, shift: False)
            folder = tmp_path / ("sql" if sql else "rows")
            folder.mkdir()
            with Collection(folder / "collection.db") as col:
                if case == "card id we have":
                    # a card of ours holds the id of one of the package's cards
                    with zipfile.ZipFile(package) as zf, \
                            (tmp_path / "peek.anki2").open("wb") as out:
                        out.write(zf.read("collection.anki21"))
                    peek = sqlite3.connect(tmp_path / "peek.anki2")
                    taken_id = peek.execute("SELECT min(id) FROM cards").fetchone()[0]
                    peek.close()
                    note = col.new_note("Basic")
                    note.fields = ["ours", ""]
                    col.add_note(note, 1)
                    with col.op("Move"):  # (fixed ids and times: both runs alike)
                        col.db.execute("UPDATE cards SET id = ?, nid = 42, mtime = 1 "
                                       "WHERE nid = ?", (taken_id, note.id))
                        col.db.execute("UPDATE notes SET id = 42, guid = 'ours', mtime = 1 "
                                       "WHERE id = ?", (note.id,))
                before = rows(col)
                summary = import_apkg(col, files[0], ImportOptions(now=NOW))
                results.append((rows(col), summary.counts()))
                col.undo()
                assert rows(col) == before
    assert results[0] == results[1]
    assert taken == [False]  # it was tried and gave way
