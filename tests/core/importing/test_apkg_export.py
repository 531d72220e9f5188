"""Exporting packages without the oracle: layouts, round trips, errors."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from repetend.core.errors import NotFoundError
from repetend.core.importing import apkg_export
from repetend.core.importing.apkg_export import ExportOptions, export_apkg, export_colpkg
from repetend.core.importing.apkg_import import import_apkg

DATA = Path(__file__).resolve().parents[2] / "data" / "anki"


@pytest.fixture
def content(fresh):
    col = fresh("content")
    import_apkg(col, DATA / "content-modern.apkg")
    return col


def test_modern_layout(content, tmp_path):
    out = tmp_path / "x.apkg"
    export_apkg(content, out)
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert zf.read("meta") == b"\x08\x03"
        assert zf.read("collection.anki21b")[:4] == b"\x28\xb5\x2f\xfd"
        assert zf.getinfo("collection.anki21b").compress_type == zipfile.ZIP_STORED
    assert names == {"meta", "collection.anki21b", "collection.anki2", "media", "0", "1", "2"}


def test_legacy_layout(content, tmp_path):
    out = tmp_path / "x.apkg"
    export_apkg(content, out, ExportOptions(legacy=True))
    with zipfile.ZipFile(out) as zf:
        assert zf.read("meta") == b"\x08\x02"
        assert sorted(json.loads(zf.read("media")).values()) == ["cat.png", "neko.wav",
                                                                  "ping.mp3"]
        assert zf.read("collection.anki21")[:16] == b"SQLite format 3\x00"


@pytest.mark.parametrize("legacy", [False, True])
def test_repetend_round_trip_keeps_everything(content, fresh, manifest_of, tmp_path, legacy):
    out = tmp_path / "x.apkg"
    export_apkg(content, out, ExportOptions(legacy=legacy))
    back = fresh("back")
    summary = import_apkg(back, out)
    assert len(summary.added) == 15 and summary.revlog_added == 23
    assert manifest_of(back) == manifest_of(content)


def test_without_media_and_scheduling(content, fresh, tmp_path):
    out = tmp_path / "x.apkg"
    summary = export_apkg(content, out, ExportOptions(with_media=False, with_scheduling=False))
    assert summary.media == [] and summary.revlog == 0
    back = fresh("back")
    import_apkg(back, out)
    assert back.db.execute("SELECT count() FROM cards WHERE type != 0 OR flags != 0 "
                           "OR queue != 0").fetchone()[0] == 0
    assert list(back.media_folder.iterdir()) == []
    assert {c.name for c in back.deck_configs()} == {"Default"}


def test_unknown_deck_or_card_is_refused_and_nothing_written(content, tmp_path):
    out = tmp_path / "x.apkg"
    with pytest.raises(NotFoundError, match="no deck called 'Nope'"):
        export_apkg(content, out, ExportOptions(deck="Nope"))
    with pytest.raises(NotFoundError, match="no card with id 42"):
        export_apkg(content, out, ExportOptions(card_ids=[42]))
    assert list(tmp_path.iterdir()) == [tmp_path / "content"]


def test_failed_export_leaves_no_file(content, tmp_path, monkeypatch):
    out = tmp_path / "x.apkg"
    out.write_bytes(b"previous export")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(apkg_export, "_fill_zip", boom)
    with pytest.raises(OSError, match="disk full"):
        export_apkg(content, out)
    assert out.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "x.apkg"]


def test_colpkg_carries_config_and_all_note_types(content, tmp_path):
    content.set_config("cardStateCustomizer", "states.good.normal.review.scheduledDays = 3;")
    out = tmp_path / "all.colpkg"
    summary = export_colpkg(content, out)
    assert summary.notetypes == len(content.notetypes.all())
    import sqlite3

    import zstandard

    with zipfile.ZipFile(out) as zf:
        raw = zstandard.ZstdDecompressor().stream_reader(zf.read("collection.anki21b")).read()
    db_path = tmp_path / "c.db"
    db_path.write_bytes(raw)
    db = sqlite3.connect(db_path)
    value = db.execute("SELECT val FROM config WHERE KEY = 'cardStateCustomizer'").fetchone()
    db.close()
    assert json.loads(value[0]) == "states.good.normal.review.scheduledDays = 3;"
