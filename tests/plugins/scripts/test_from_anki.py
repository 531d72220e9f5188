"""A collection coming from Anki brings its script: `cardStateCustomizer` travels in a
.colpkg, and Repetend runs it (checked with the real `anki` package)."""

import pytest

from repetend.core.importing.apkg_import import import_colpkg
from repetend.plugins.scripts import store
from repetend.plugins.scripts.runner import runner_for

anki_collection = pytest.importorskip("anki.collection")

SCRIPT = "if (states.good.normal?.review) states.good.normal.review.scheduledDays = 77;"


def test_anki_s_global_script_comes_with_a_collection_package(col, tmp_path):
    (tmp_path / "anki").mkdir()
    source = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        source.set_config("cardStateCustomizer", SCRIPT)
        note = source.newNote()
        note["Front"], note["Back"] = "q", "a"
        source.addNote(note)
        out = tmp_path / "from-anki.colpkg"
        source.export_collection_package(str(out), include_media=False, legacy=False)
    finally:
        source.close()

    import_colpkg(col, out, backup_folder=tmp_path / "backups")
    [script] = store.resolve(col, store.load_config(col), col.deck_config(1))
    assert (script.name, script.code) == ("global", SCRIPT)
    [cid] = col.card_ids()
    card = col.get_card(cid)
    today = col.sched.timing().today
    card.type, card.queue, card.ivl, card.due, card.factor = 2, 2, 10, today, 2500
    col.update_card(card)
    col.sched.fuzz = False
    col.sched.answer_card(col.get_card(cid), "good")
    assert col.get_card(cid).ivl == 77
    assert runner_for(col).journal.records["global"].failures == 0
