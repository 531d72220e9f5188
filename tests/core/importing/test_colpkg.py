"""Restoring a .colpkg: replaces everything, backup first, all or nothing, undoable."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from repetend.core.errors import RepetendError
from repetend.core.importing.apkg_export import export_colpkg
from repetend.core.importing.apkg_import import import_apkg, import_colpkg

DATA = Path(__file__).resolve().parents[2] / "data" / "anki"


@pytest.fixture
def content(fresh):
    col = fresh("content")
    import_apkg(col, DATA / "content-modern.apkg")
    col.set_config("cardStateCustomizer", "/* custom */")
    return col


@pytest.mark.parametrize("legacy", [False, True], ids=["modern", "legacy"])
def test_colpkg_round_trip_replaces_everything(content, fresh, manifest_of, tmp_path, legacy):
    out = tmp_path / "all.colpkg"
    export_colpkg(content, out, legacy=legacy)
    target = fresh("target")
    import_apkg(target, DATA / "update-v1.apkg")  # something to be replaced
    summary = import_colpkg(target, out, backup_folder=tmp_path / "backups")
    assert len(summary.added) == 15
    assert manifest_of(target) == manifest_of(content)
    assert target.get_config("cardStateCustomizer") == "/* custom */"
    assert target.crt == content.crt
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("backup-")
    with zipfile.ZipFile(backups[0]) as zf:
        assert "collection.anki21b" in zf.namelist()


def test_restore_is_one_undo_step(content, fresh, manifest_of, tmp_path):
    out = tmp_path / "all.colpkg"
    export_colpkg(content, out)
    target = fresh("target")
    import_apkg(target, DATA / "update-v1.apkg")
    before = manifest_of(target)
    import_colpkg(target, out)
    assert target.undo() == "Import Collection"
    after = manifest_of(target)
    before["media"] = after["media"]  # media written by a restore stay, as in Anki
    before["counts"]["media"] = after["counts"]["media"]
    assert after == before


def test_bad_colpkg_changes_nothing_and_makes_no_backup(content, tmp_path):
    bad = tmp_path / "bad.colpkg"
    bad.write_bytes(b"PK\x03\x04 definitely not a whole zip")
    before = "\n".join(content.db.iterdump())
    with pytest.raises(RepetendError, match="bad.colpkg"):
        import_colpkg(content, bad, backup_folder=tmp_path / "backups")
    assert "\n".join(content.db.iterdump()) == before
    assert not (tmp_path / "backups").exists()


def test_dry_run_changes_nothing(content, fresh, tmp_path):
    out = tmp_path / "all.colpkg"
    export_colpkg(content, out)
    target = fresh("target")
    before = "\n".join(target.db.iterdump())
    summary = import_colpkg(target, out, backup_folder=tmp_path / "b", dry_run=True)
    assert summary.dry_run and len(summary.added) == 15
    assert "\n".join(target.db.iterdump()) == before
    assert list(target.media_folder.iterdir()) == []
