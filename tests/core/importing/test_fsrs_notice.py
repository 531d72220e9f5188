"""A collection that used FSRS in Anki is scheduled here with SM-2 (ANKI-FACTS §1.11: FSRS
is not modelled). Restoring one must say so, or the user sees other intervals than Anki
showed without knowing why."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki_oracle import AnkiCollection

from repetend.core.collection import Collection
from repetend.core.importing.apkg_import import import_colpkg


def _anki_colpkg(tmp_path: Path, fsrs: bool) -> Path:
    source = AnkiCollection(str(tmp_path / f"src{fsrs}.anki2"))
    try:
        note = source.new_note(source.models.by_name("Basic"))
        note["Front"] = "q"
        source.add_note(note, 1)
        source.set_config("fsrs", fsrs)
        out = tmp_path / f"fsrs-{fsrs}.colpkg"
        source.export_collection_package(str(out), include_media=True, legacy=False)
        return out
    finally:
        source.close()


@pytest.mark.parametrize("dry_run", [False, True])
def test_restoring_a_collection_with_fsrs_on_says_it_is_scheduled_with_sm2(tmp_path, dry_run):
    col = Collection(tmp_path / "ours.db")
    try:
        summary = import_colpkg(col, _anki_colpkg(tmp_path, True), dry_run=dry_run)
        assert any("FSRS" in w and "SM-2" in w for w in summary.warnings)
        assert "FSRS" in summary.text()
    finally:
        col.close()


def test_restoring_a_collection_without_fsrs_says_nothing_of_it(tmp_path):
    col = Collection(tmp_path / "ours.db")
    try:
        summary = import_colpkg(col, _anki_colpkg(tmp_path, False))
        assert not any("FSRS" in w for w in summary.warnings)
    finally:
        col.close()
