"""Exports with scheduling copy rows into the package in SQL: the package must be exactly
what the row-by-row path writes."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from repetend.core.collection import Collection
from repetend.core.importing import apkg_export
from repetend.core.importing.ankidb import unicase
from repetend.core.importing.apkg_export import ExportOptions, export_apkg, export_colpkg
from repetend.core.importing.apkg_import import import_apkg
from repetend.core.importing.package import open_package

DATA = Path(__file__).resolve().parents[2] / "data" / "anki"


@pytest.fixture(scope="module")
def col(tmp_path_factory):
    folder = tmp_path_factory.mktemp("col")
    collection = Collection(folder / "collection.db")
    for name in ("content-modern.apkg", "update-v1.apkg", "conflict-stock-basic.apkg"):
        import_apkg(collection, DATA / name)
    yield collection
    collection.close()


def package_contents(path: Path, tmp: Path) -> dict[str, object]:
    """Every table of the package's collection (col's timestamps left out), the zip's
    entry names and the media map."""
    with open_package(path) as pkg:
        db_path = tmp / f"{path.stem}.db"
        pkg.extract_collection(db_path)
        names = sorted(pkg.zip.namelist())
        media = [(e.index, e.name, e.size, e.sha1) for e in pkg.media]
    db = sqlite3.connect(db_path)
    db.create_collation("unicase", unicase)
    out: dict[str, object] = {"entries": names, "media": media}
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                               "ORDER BY name").fetchall():
        rows = db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        if table == "col":
            rows = [r[:2] + r[4:] for r in rows]  # mod, scm: the time of the export
        out[table] = rows
    db.close()
    return out


CASES = {
    "whole apkg": ({}, False),
    "legacy": ({"legacy": True}, False),
    "one deck": ({"deck": "(of the first card)"}, False),
    "no media": ({"with_media": False}, False),
    "colpkg": ({}, True),
}


@pytest.mark.parametrize("case", CASES)
def test_sql_export_writes_what_the_row_path_writes(col, tmp_path, monkeypatch, case):
    options, colpkg = dict(CASES[case][0]), CASES[case][1]
    if "deck" in options:
        did = col.db.execute("SELECT did FROM cards ORDER BY id LIMIT 1").fetchone()[0]
        options["deck"] = col.decks.get(did).name.split("::")[0]

    def export(out: Path):
        if colpkg:
            return export_colpkg(col, out, legacy=options.get("legacy", False))
        return export_apkg(col, out, ExportOptions(**options))

    fast = export(tmp_path / "sql.apkg")
    with monkeypatch.context() as m:
        m.setattr(apkg_export, "_SqlGather", apkg_export._Gather)
        slow = export(tmp_path / "rows.apkg")
    assert fast.notes > 0 and fast.cards > 0 and fast.revlog > 0
    fast.file = slow.file = ""
    assert fast == slow
    assert package_contents(tmp_path / "sql.apkg", tmp_path) == \
        package_contents(tmp_path / "rows.apkg", tmp_path)


def test_sql_export_of_chosen_cards(col, tmp_path, monkeypatch):
    cids = [r[0] for r in col.db.execute("SELECT id FROM cards ORDER BY id DESC LIMIT 5")]
    fast = export_apkg(col, tmp_path / "sql.apkg", ExportOptions(card_ids=cids))
    with monkeypatch.context() as m:
        m.setattr(apkg_export, "_SqlGather", apkg_export._Gather)
        slow = export_apkg(col, tmp_path / "rows.apkg", ExportOptions(card_ids=cids))
    assert fast.cards == 5
    fast.file = slow.file = ""
    assert fast == slow
    assert package_contents(tmp_path / "sql.apkg", tmp_path) == \
        package_contents(tmp_path / "rows.apkg", tmp_path)
    with pytest.raises(Exception, match="no card with id 7"):
        export_apkg(col, tmp_path / "x.apkg", ExportOptions(card_ids=[*cids, 7, 8]))
    assert not col.db.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'export_cards'"
                              ).fetchone()


def test_export_inside_an_operation_takes_the_row_path(col, tmp_path):
    with col.op("Export"):  # no ATTACH inside a transaction
        summary = export_apkg(col, tmp_path / "in-op.apkg")
    assert summary.cards > 0
    with zipfile.ZipFile(tmp_path / "in-op.apkg") as zf:
        assert "collection.anki21b" in zf.namelist()
