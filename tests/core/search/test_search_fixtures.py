"""Searches agree with Anki on the Anki-made fixture packages (tests/data/anki), each
imported into a fresh twin: Anki with its own importer, Repetend with its importer."""

from pathlib import Path

import pytest

anki_collection = pytest.importorskip("anki.collection")

from repetend.core.importing.apkg_import import import_apkg  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "data" / "anki"

QUERIES = [
    "", "deck:Languages", "deck:Languages::*", "deck:Default", "deck:current", "-deck:Default",
    "deck:filtered", "note:Basic*", "note:Cloze", "card:1", "card:2", "card:3",
    "is:new", "is:due", "is:review", "is:learn", "is:suspended", "is:buried", "flag:1",
    "-flag:0", "tag:*", "tag:none", "-tag:none", "tag:marked", "tag:leech", "tag:re:.",
    "prop:ivl>1", "prop:ease>2", "prop:reps>0", "prop:lapses>0", "prop:due<5",
    "prop:due>-100", "prop:pos<100", "added:100000", "rated:100000", "introduced:100000",
    "edited:100000", "re:.", "re:<img", "w:the", "nc:a", "a", "the", "*:*", "front:_*",
    "text:*{{c1::*", "sc:a", "(is:new or is:due) -is:suspended", "preset:Default",
    "has-cd:x", "prop:s>0", "prop:r<0.95",
]


@pytest.mark.parametrize("fixture", ["content-modern.apkg", "content-legacy.apkg",
                                     "update-v2.apkg"])
def test_fixture_collections(tmp_path, make_twin, fixture):
    twin = make_twin(tmp_path)
    try:
        options = anki_collection.ImportAnkiPackageOptions(
            merge_notetypes=False, with_scheduling=True, with_deck_configs=True,
            update_notes=0, update_notetypes=0)
        twin.anki.import_anki_package(anki_collection.ImportAnkiPackageRequest(
            package_path=str(DATA / fixture), options=options))
        import_apkg(twin.rep, DATA / fixture)
        all_anki = twin.outcome("").anki
        assert all_anki and all_anki == twin.outcome("").rep
        names = [d.name for d in twin.anki.decks.all_names_and_ids()]
        queries = QUERIES + [f'"deck:{n}"' for n in names] + ["deck:Science\x1fChemistry"]
        queries += [f'"tag:{t}"' for t in twin.anki.tags.all()]
        queries += [f'"note:{m["name"]}"' for m in twin.anki.models.all()]
        bad = twin.disagreements(queries)
        assert not bad, "\n" + "\n".join(o.describe() for o in bad)
    finally:
        twin.close()
