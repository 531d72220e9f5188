"""Check Database against the real Anki (the `anki` package, test-only): the same damage,
made with raw SQL in both files, gives the same report and the same repaired values."""

import pytest

from repetend.core import dbcheck

anki_collection = pytest.importorskip("anki.collection")

# name: (SQL for Anki's schema, SQL for ours, a query whose answer must agree after)
CASES = {
    "field count": (
        ["UPDATE notes SET flds = 'only' WHERE id = {n0}",
         "UPDATE notes SET flds = 'a' || char(31) || 'b' || char(31) || 'c' WHERE id = {n1}"],
        None, "SELECT flds FROM notes ORDER BY id"),
    "card without note": (["UPDATE cards SET nid = 424242 WHERE nid = {n0} AND ord = 0"],
                          None, "SELECT nid, ord FROM cards ORDER BY nid, ord"),
    "missing template": (["UPDATE cards SET ord = 5 WHERE nid = {n0} AND ord = 1"], None,
                         "SELECT nid, ord FROM cards ORDER BY nid, ord"),
    "missing deck": (["UPDATE cards SET did = 777 WHERE nid = {n0} AND ord = 0"], None,
                     "SELECT name FROM decks WHERE id = 777"),
    "card values": (
        ["UPDATE cards SET type = 2, queue = 2, ivl = 0, factor = 0, due = 2000000 "
         "WHERE nid = {n0} AND ord = 0",
         "UPDATE cards SET due = 3.5 WHERE nid = {n0} AND ord = 1",
         "UPDATE cards SET queue = 9 WHERE nid = {n1} AND ord = 0",
         "UPDATE cards SET odid = 1, odue = 12 WHERE nid = {n2} AND ord = 0",
         "UPDATE cards SET odid = 8888, odue = 3 WHERE nid = {n2} AND ord = 1"],
        None, "SELECT nid, ord, did, odid, type, queue, ivl, factor, odue, typeof(due) "
              "FROM cards ORDER BY nid, ord"),
    "high new positions": (["UPDATE cards SET due = 3000000 WHERE nid = {n0} AND ord = 0",
                            "UPDATE cards SET due = 2000001 WHERE nid = {n0} AND ord = 1",
                            "UPDATE cards SET due = 1500000 WHERE nid = {n1}"],
                           None, "SELECT due FROM cards ORDER BY nid, ord"),
    "review log": (
        ["INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) VALUES "
         "(1, (SELECT min(id) FROM cards), 0, 3, 2.6, 'x', 2500, 1200.4, 1)"],
        ["INSERT INTO revlog (id, cid, usn, ease, ivl, last_ivl, factor, time, type) VALUES "
         "(1, (SELECT min(id) FROM cards), 0, 3, 2.6, 'x', 2500, 1200.4, 1)"],
        "SELECT ivl, time, factor FROM revlog"),
    "missing note type": (["UPDATE notes SET mid = 5555 WHERE id = {n0}"],
                          ["UPDATE notes SET ntid = 5555 WHERE id = {n0}"],
                          "SELECT count() FROM cards"),
    "note without cards": (["DELETE FROM cards WHERE nid = {n0}"], None,
                           "SELECT ord FROM cards ORDER BY nid, ord"),
    "stale sort field": (["UPDATE notes SET sfld = 'stale', csum = 1 WHERE id = {n0}"], None,
                         "SELECT sfld, csum FROM notes ORDER BY id"),
    "nothing wrong": ([], None, "SELECT count() FROM cards"),
}


def plain(text):
    """Anki's Fluent strings wrap numbers in Unicode isolation marks."""
    return text.replace("\u2068", "").replace("\u2069", "")


def fill_anki(path):
    col = anki_collection.Collection(str(path))
    nt = col.models.by_name("Basic (and reversed card)")
    nids = []
    for i in range(3):
        note = col.new_note(nt)
        note["Front"], note["Back"] = f"front {i}", "back"
        col.add_note(note, 1)
        nids.append(note.id)
    return col, nids


@pytest.mark.parametrize("case", list(CASES))
def test_same_report_and_repair_as_anki(case, tmp_path, col):
    anki_sql, our_sql, query = CASES[case]
    (tmp_path / "anki").mkdir()
    anki, anki_nids = fill_anki(tmp_path / "anki" / "collection.anki2")
    try:
        ids = {f"n{i}": nid for i, nid in enumerate(anki_nids)}
        for sql in anki_sql:
            anki.db.execute(sql.format(**ids))
        expected, _ok = anki.fix_integrity()
        # compare by position: ids differ between the two files
        anki_answer = [tuple(r) for r in anki.db.all(query.replace("nid, ord", "ord"))]
    finally:
        anki.close()

    nids = []
    for i in range(3):
        note = col.new_note("Basic (and reversed card)")
        note.fields = [f"front {i}", "back"]
        col.add_note(note, 1)
        nids.append(note.id)
    ids = {f"n{i}": nid for i, nid in enumerate(nids)}
    col.db.execute("PRAGMA foreign_keys = OFF")
    for sql in our_sql or anki_sql:
        col.db.execute(sql.format(**ids))
    col.db.execute("PRAGMA foreign_keys = ON")
    result = dbcheck.check_database(col)
    assert result.text == plain(expected)
    ours = [tuple(r) for r in col.db.execute(query.replace("nid, ord", "ord"))]
    if case == "card values":  # Anki's card ids are ours in the same order; nids differ
        ours = [r[2:] for r in ours]
        anki_answer = [r[2:] for r in anki_answer]
    assert sorted(ours, key=repr) == sorted(anki_answer, key=repr)
