"""The real Anki (the `anki` package, test-only) as the oracle for our packages.

* Anki → Repetend → Anki: a fixture imported into Anki directly, and the same fixture
  imported into Repetend, exported, then imported into Anki, give the same collection
  (notes by guid, note types, cards by guid + ord with scheduling, presets, decks,
  review-log counts, media by SHA-1) — in the modern and the legacy layout.
* Repetend → Anki → Repetend: what Anki exports again imports back unchanged.
* Without scheduling, by deck, by card ids, and .colpkg.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("ANKI_TEST_MODE", "1")
anki_collection = pytest.importorskip("anki.collection")

from anki_oracle import anki_restore  # noqa: E402

from repetend.core.importing.apkg_export import (  # noqa: E402
    ExportOptions,
    export_apkg,
    export_colpkg,
)
from repetend.core.importing.apkg_import import import_apkg  # noqa: E402

AnkiCollection = anki_collection.Collection
DATA = Path(__file__).resolve().parents[2] / "data" / "anki"


# --- the oracle side: Anki's collection in the manifest format -----------------------------


def anki_import(col: Any, path: Path, with_scheduling: bool = True) -> Any:
    options = anki_collection.ImportAnkiPackageOptions(
        merge_notetypes=False, with_scheduling=with_scheduling,
        with_deck_configs=with_scheduling, update_notes=0, update_notetypes=0)
    return col.import_anki_package(anki_collection.ImportAnkiPackageRequest(
        package_path=str(path), options=options)).log


def _r(x: Any) -> Any:
    return round(x, 4) if isinstance(x, float) else x


def anki_manifest(col: Any) -> dict[str, Any]:
    models = {m["id"]: m for m in col.models.all()}
    out: dict[str, Any] = {"notetypes": [
        {"name": m["name"], "kind": "cloze" if m["type"] == 1 else "normal",
         "fields": [f["name"] for f in m["flds"]], "templates": [t["name"] for t in m["tmpls"]],
         "sortField": m["sortf"], "noteCount": col.models.use_count(m),
         "templateFormats": [{"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]}
                             for t in m["tmpls"]], "css": m["css"]}
        for m in sorted(models.values(), key=lambda m: m["name"])]}
    confs = col.decks.all_config()
    conf_names = {c["id"]: c["name"] for c in confs}
    out["deckConfigs"] = sorted(({
        "name": c["name"], "newPerDay": c["new"]["perDay"], "reviewsPerDay": c["rev"]["perDay"],
        "learnSteps": [_r(x) for x in c["new"]["delays"]],
        "relearnSteps": [_r(x) for x in c["lapse"]["delays"]],
        "ints": c["new"]["ints"][:2], "initialEase": _r(c["new"]["initialFactor"] / 1000),
        "easy": _r(c["rev"]["ease4"]), "hard": _r(c["rev"]["hardFactor"]),
        "lapse": _r(c["lapse"]["mult"]), "ivlFct": _r(c["rev"]["ivlFct"]),
        "maxIvl": c["rev"]["maxIvl"], "minInt": c["lapse"]["minInt"],
        "leech": [c["lapse"]["leechFails"], c["lapse"]["leechAction"]],
        "bury": [c["new"]["bury"], c["rev"]["bury"], c.get("buryInterdayLearning")],
        "fsrs": [c.get("desiredRetention"), c.get("fsrsParams6")],
        "display": [c.get("newMix"), c.get("reviewOrder"), c.get("newSortOrder"),
                    c.get("newGatherPriority")]} for c in confs), key=lambda c: c["name"])
    decks = col.decks.all()
    names = {d["id"]: d["name"] for d in decks}
    out["decks"] = sorted(({"name": d["name"], "filtered": bool(d["dyn"]),
                            "config": None if d["dyn"] else conf_names.get(d["conf"]),
                            "description": d.get("desc", "")} for d in decks),
                          key=lambda d: d["name"])
    guid: dict[int, str] = {}
    notes = []
    for nid, g, mid, flds, tags in col.db.all("SELECT id, guid, mid, flds, tags FROM notes"):
        m = models[mid]
        guid[nid] = g
        notes.append({"guid": g, "notetype": m["name"],
                      "fields": dict(zip([f["name"] for f in m["flds"]], flds.split("\x1f"),
                                         strict=True)), "tags": tags.split()})
    out["notes"] = sorted(notes, key=lambda n: n["guid"])
    today = col.sched.today
    revlog = dict(col.db.all("SELECT cid, count() FROM revlog GROUP BY cid"))
    cards = []
    for (cid, nid, did, ord_, ctype, queue, due, ivl, factor, reps, lapses, left, flags, data,
         mid) in col.db.all("SELECT c.id, nid, did, ord, type, queue, due, ivl, factor, reps, "
                            "lapses, left, c.flags, c.data, n.mid FROM cards c "
                            "JOIN notes n ON n.id = c.nid"):
        m = models[mid]
        if ctype == 0:
            shown, unit = due, "position"
        elif queue in (1, 4) or (ctype in (1, 3) and due > 1_000_000_000):
            shown, unit = None, "timestamp"
        else:
            shown, unit = due - today, "days"
        cards.append({"note": guid[nid], "ord": ord_,
                      "template": m["tmpls"][0 if m["type"] == 1 else ord_]["name"],
                      "deck": names[did], "type": ctype, "queue": queue, "due": shown,
                      "dueUnit": unit, "ivl": ivl, "factor": factor, "reps": reps,
                      "lapses": lapses, "left": left, "flags": flags, "data": data,
                      "revlogCount": revlog.get(cid, 0)})
    out["cards"] = sorted(cards, key=lambda c: (c["note"], c["ord"]))
    out["revlog"] = sorted(tuple(r) for r in col.db.all(
        "SELECT r.id, n.guid, c.ord, ease, r.ivl, lastIvl, r.factor, time, r.type FROM revlog r "
        "JOIN cards c ON c.id = r.cid JOIN notes n ON n.id = c.nid"))
    folder = Path(col.media.dir())
    out["media"] = sorted(({"name": p.name, "sha1": hashlib.sha1(p.read_bytes()).hexdigest()}
                           for p in folder.iterdir() if p.is_file()), key=lambda x: x["name"])
    return out


@pytest.fixture
def anki_col(tmp_path: Path):
    """A factory of fresh Anki collections."""
    made: list[Any] = []

    def make(name: str) -> Any:
        folder = tmp_path / f"anki-{name}"
        folder.mkdir()
        col = AnkiCollection(str(folder / "collection.anki2"))
        made.append(col)
        return col

    yield make
    for col in made:
        col.close()


def assert_same(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    for key in expected:
        assert actual[key] == expected[key], key


# --- Anki → Repetend → Anki --------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["content-modern.apkg", "content-legacy.apkg",
                                     "content-legacy1.apkg", "update-v2.apkg",
                                     "conflict-basic-extra-field.apkg"])
@pytest.mark.parametrize("legacy", [False, True], ids=["modern", "legacy"])
def test_anki_repetend_anki_round_trip_keeps_everything(fresh, anki_col, tmp_path, fixture,
                                                        legacy):
    direct = anki_col("direct")
    anki_import(direct, DATA / fixture)
    expected = anki_manifest(direct)

    col = fresh()
    import_apkg(col, DATA / fixture)
    out = tmp_path / "ours.apkg"
    export_apkg(col, out, ExportOptions(legacy=legacy))
    via_us = anki_col("via")
    log = anki_import(via_us, out)
    assert len(log.new) == len(expected["notes"])
    assert_same(expected, anki_manifest(via_us))


def test_collection_compressed_on_all_cpus_imports_into_anki(fresh, anki_col, tmp_path,
                                                             monkeypatch):
    from repetend.core.importing import apkg_export

    monkeypatch.setattr(apkg_export, "MULTITHREAD_MIN_BYTES", 0)  # as for a big collection
    direct = anki_col("direct")
    anki_import(direct, DATA / "content-modern.apkg")
    col = fresh()
    import_apkg(col, DATA / "content-modern.apkg")
    out = tmp_path / "ours.apkg"
    export_apkg(col, out)
    via_us = anki_col("via")
    anki_import(via_us, out)
    assert_same(anki_manifest(direct), anki_manifest(via_us))


def test_export_without_scheduling_matches_ankis_own(fresh, anki_col, tmp_path):
    source = anki_col("source")
    anki_import(source, DATA / "content-modern.apkg")
    theirs = tmp_path / "theirs.apkg"
    source.export_anki_package(
        out_path=str(theirs), limit=None, options=anki_collection.ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=True, legacy=False))
    a = anki_col("a")
    anki_import(a, theirs)

    col = fresh()
    import_apkg(col, DATA / "content-modern.apkg")
    ours = tmp_path / "ours.apkg"
    export_apkg(col, ours, ExportOptions(with_scheduling=False))
    b = anki_col("b")
    anki_import(b, ours)
    expected, actual = anki_manifest(a), anki_manifest(b)
    for card in expected["cards"] + actual["cards"]:
        card.pop("data")  # Anki keeps FSRS/`lrt` leftovers in reset cards' data; we drop them
    assert_same(expected, actual)
    assert actual["revlog"] == [] and all(c["type"] == 0 for c in actual["cards"])


def test_export_one_deck_and_chosen_cards(fresh, anki_col, tmp_path):
    col = fresh()
    import_apkg(col, DATA / "content-modern.apkg")
    out = tmp_path / "chem.apkg"
    summary = export_apkg(col, out, ExportOptions(deck="Science"))
    assert (summary.notes, summary.cards) == (5, 9)
    a = anki_col("deck")
    anki_import(a, out)
    m = anki_manifest(a)
    assert {c["deck"] for c in m["cards"]} == {"Science::Chemistry"}
    assert {d["name"] for d in m["decks"]} >= {"Science", "Science::Chemistry"}
    assert "Chemistry preset" in {c["name"] for c in m["deckConfigs"]}

    cid = col.db.execute("SELECT c.id FROM cards c JOIN notes n ON n.id = c.nid "
                         "WHERE n.guid = 'rpt-basic-001'").fetchone()[0]
    out2 = tmp_path / "one.apkg"
    summary = export_apkg(col, out2, ExportOptions(card_ids=[cid]))
    assert (summary.notes, summary.cards, summary.media) == (1, 1, ["cat.png"])
    b = anki_col("card")
    anki_import(b, out2)
    m = anki_manifest(b)
    assert [n["guid"] for n in m["notes"]] == ["rpt-basic-001"]
    assert m["cards"][0]["flags"] == 4 and m["cards"][0]["revlogCount"] == 3
    assert [x["name"] for x in m["media"]] == ["cat.png"]


# --- Repetend → Anki → Repetend ------------------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["modern", "legacy"])
def test_repetend_anki_repetend_round_trip(fresh, anki_col, manifest_of, tmp_path, legacy):
    col = fresh("first")
    import_apkg(col, DATA / "content-modern.apkg")
    first = tmp_path / "first.apkg"
    export_apkg(col, first)
    a = anki_col("middle")
    anki_import(a, first)
    again = tmp_path / "again.apkg"
    a.export_anki_package(
        out_path=str(again), limit=None, options=anki_collection.ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy))
    back = fresh("back")
    summary = import_apkg(back, again)
    assert len(summary.added) == 15
    ours, theirs = manifest_of(col), manifest_of(back)
    assert_same(ours, theirs)


# --- .colpkg -----------------------------------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["modern", "legacy"])
def test_colpkg_opens_in_anki_with_everything(fresh, anki_col, tmp_path, legacy):
    col = fresh()
    import_apkg(col, DATA / "content-modern.apkg")
    out = tmp_path / "all.colpkg"
    summary = export_colpkg(col, out, legacy=legacy)
    assert summary.notes == 15 and summary.revlog == 23 and len(summary.media) == 3

    restored = anki_restore(out, tmp_path / "restored")
    try:
        m = anki_manifest(restored)
    finally:
        restored.close()
    direct = anki_col("direct")
    anki_import(direct, DATA / "content-modern.apkg")
    expected = anki_manifest(direct)
    # A colpkg is our whole collection: our own stock note types come along, unused.
    expected_used = [nt for nt in expected["notetypes"] if nt["noteCount"]]
    assert [nt for nt in m["notetypes"] if nt["noteCount"]] == expected_used
    for key in ("notes", "cards", "revlog", "media"):
        assert m[key] == expected[key], key
    assert {d["name"] for d in m["decks"]} == {d["name"] for d in expected["decks"]}


@pytest.mark.parametrize("legacy", [False, True], ids=["modern", "legacy"])
def test_colpkg_written_by_anki_restores_everything(fresh, anki_col, tmp_path, legacy):
    from repetend.core.importing.apkg_import import import_colpkg

    source = anki_col("source")
    anki_import(source, DATA / "content-modern.apkg")
    source.set_config("cardStateCustomizer", "states.good.normal.review.scheduledDays = 2;")
    expected = anki_manifest(source)
    out = tmp_path / "anki.colpkg"
    source.export_collection_package(str(out), include_media=True, legacy=legacy)

    col = fresh()
    summary = import_colpkg(col, out, backup_folder=tmp_path / "backups")
    assert len(summary.added) == 15 and summary.revlog_added == 23
    assert col.get_config("cardStateCustomizer") == \
        "states.good.normal.review.scheduledDays = 2;"
    # Back into a fresh Anki as a colpkg of ours: the same collection Anki had.
    again = tmp_path / "ours.colpkg"
    export_colpkg(col, again)
    restored = anki_restore(again, tmp_path / "restored")
    try:
        actual = anki_manifest(restored)
        assert restored.get_config("cardStateCustomizer") == \
            "states.good.normal.review.scheduledDays = 2;"
    finally:
        restored.close()
    assert_same(expected, actual)
