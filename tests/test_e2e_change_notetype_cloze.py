"""Change Note Type from a cloze type and with a template map to a cloze type, on an
Anki-made collection, with the real `anki` package (test-only) as the judge."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("ANKI_TEST_MODE", "1")
anki_collection = pytest.importorskip("anki.collection")

from repetend.core import browser_ops  # noqa: E402
from repetend.core.collection import Collection  # noqa: E402
from repetend.core.importing.apkg_import import import_apkg  # noqa: E402

REVERSED = "Basic (and reversed card)"
NEXT_POS = 50


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cloze-anki")
    col = anki_collection.Collection(str(folder / "collection.anki2"))
    try:
        deck = col.decks.id("Top")
        for text, tag in (("{{c1::a}} {{c2::b}} {{c3::c}}", "three"),
                          ("only {{c2::two}} and {{c5::five}}", "late"),
                          ("", "reversed")):
            kind = REVERSED if tag == "reversed" else "Cloze"
            note = col.new_note(col.models.by_name(kind))
            note.fields[0], note.fields[1] = text or "front", "back" if not text else ""
            note.tags = [tag]
            col.add_note(note, deck)
        for cid in col.find_cards("tag:three", order="c.ord")[1:]:
            card = col.get_card(cid)
            card.start_timer()
            col.sched.answerCard(card, 3)
        out = folder / "cloze.apkg"
        col.export_anki_package(out_path=str(out), limit=None,
                                options=anki_collection.ExportAnkiPackageOptions(
                                    with_scheduling=True, with_deck_configs=True,
                                    with_media=False, legacy=False))
    finally:
        col.close()
    return out


def anki_col(folder: Path, package: Path) -> Any:
    col = anki_collection.Collection(str(folder / "collection.anki2"))
    col.import_anki_package(anki_collection.ImportAnkiPackageRequest(
        package_path=str(package), options=anki_collection.ImportAnkiPackageOptions(
            merge_notetypes=False, with_scheduling=True, with_deck_configs=True)))
    return col


def cards(rows: Any, decks: dict[int, str]) -> dict[tuple[str, int], tuple[Any, ...]]:
    return {(guid, ord_): (decks[did], ctype, reps, due)
            for guid, ord_, did, ctype, reps, due in rows}


SQL = ("SELECT n.guid, c.ord, c.did, c.type, c.reps, c.due FROM cards c "
       "JOIN notes n ON n.id = c.nid")


@pytest.mark.parametrize("tag, target, templates", [
    ("three", REVERSED, None),
    ("late", "Basic", None),
    ("reversed", "Cloze", ["Card 2"]),
    ("reversed", "Cloze", [None]),
], ids=["cloze-to-reversed", "cloze-without-c1-to-basic", "map-card-2-to-c1",
        "map-nothing-to-c1"])
def test_change_notetype_with_clozes_gives_anki_cards(tmp_path, package, tag, target,
                                                      templates):
    (tmp_path / "anki").mkdir()
    a = anki_col(tmp_path / "anki", package)
    try:
        a.set_config("nextPos", NEXT_POS)  # imports leave it differently; not tested here
        nids = a.find_notes(f"tag:{tag}")
        source = a.get_note(nids[0]).note_type()
        new = a.models.by_name(target + "+") or a.models.by_name(target)
        request = a.models.change_notetype_info(old_notetype_id=source["id"],
                                                new_notetype_id=new["id"]).input
        names = [t["name"] for t in source["tmpls"]]
        if templates is not None:
            del request.new_templates[:]
            request.new_templates.extend(names.index(t) if t else -1 for t in templates)
        request.note_ids.extend(nids)
        a.models.change_notetype_of_notes(request)
        theirs = cards(a.db.all(SQL), {d["id"]: d["name"] for d in a.decks.all()})
    finally:
        a.close()
    col = Collection(tmp_path / "ours.db")
    try:
        import_apkg(col, package)
        col.set_config("nextPos", NEXT_POS)
        tmap = None if templates is None else {"Cloze": templates[0]}
        new_id = new["id"] if any(nt.id == new["id"] for nt in col.notetypes.all()) else \
            col.notetypes.by_name(target).id
        browser_ops.change_notetype(col, col.find_notes(f"tag:{tag}"), new_id, None, tmap)
        mine = cards(col.db.execute(SQL).fetchall(), {d.id: d.name for d in col.decks.all()})
    finally:
        col.close()
    assert mine == theirs
