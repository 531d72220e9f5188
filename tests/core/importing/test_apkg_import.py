"""Importing .apkg: bad input, all-or-nothing, media clashes, dry run, undo, policies."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from repetend.core.errors import RepetendError
from repetend.core.importing import apkg_import, package
from repetend.core.importing.apkg_import import ImportOptions, import_apkg

DATA = Path(__file__).resolve().parents[2] / "data" / "anki"


def snapshot(col) -> tuple[str, list[tuple[str, str]]]:
    dump = "\n".join(col.db.iterdump())
    folder = col.media_folder
    files = sorted((p.name, hashlib.sha1(p.read_bytes()).hexdigest())
                   for p in folder.iterdir()) if folder.exists() else []
    siblings = sorted(p.name for p in folder.parent.iterdir())
    return dump, files + [("siblings", ",".join(siblings))]


def make_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def legacy1_entries() -> dict[str, bytes]:
    with zipfile.ZipFile(DATA / "content-legacy1.apkg") as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def sqlite_bytes(tmp_path: Path, mutate) -> bytes:
    db_path = tmp_path / "mutated.anki2"
    db_path.write_bytes(legacy1_entries()["collection.anki2"])
    db = sqlite3.connect(db_path)
    mutate(db)
    db.commit()
    db.close()
    return db_path.read_bytes()


def bad_packages(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, a phrase the error message must contain)."""
    out: dict[str, tuple[Path, str]] = {}
    p = tmp_path / "notes.apkg"
    p.write_text("just some text, not a zip")
    out["not a zip"] = (p, "not a zip file")
    p = tmp_path / "truncated.apkg"
    data = (DATA / "content-modern.apkg").read_bytes()
    p.write_bytes(data[: len(data) // 2])
    out["truncated"] = (p, "damaged or incomplete")
    out["no collection"] = (make_zip(tmp_path / "nocol.apkg", {"media": b"{}", "0": b"x"}),
                            "contains no collection")
    entries = legacy1_entries()
    entries["collection.anki2"] = b"this is not a database at all" * 10
    out["not sqlite"] = (make_zip(tmp_path / "notsqlite.apkg", entries),
                         "is not an SQLite database")
    entries = legacy1_entries()
    entries["collection.anki2"] = sqlite_bytes(tmp_path, lambda db: db.execute(
        "UPDATE col SET ver = 25"))
    out["unknown schema"] = (make_zip(tmp_path / "schema25.apkg", entries),
                             "schema version 25")
    entries = legacy1_entries()
    entries["collection.anki2"] = sqlite_bytes(tmp_path, lambda db: db.execute(
        "DROP TABLE cards"))
    out["not anki"] = (make_zip(tmp_path / "nocards.apkg", entries), "no cards table")
    entries = legacy1_entries()
    entries["../evil.txt"] = b"x"
    out["dot-dot entry"] = (make_zip(tmp_path / "dotdot.apkg", entries), "unsafe name")
    entries = legacy1_entries()
    entries["/etc/evil"] = b"x"
    out["absolute entry"] = (make_zip(tmp_path / "absolute.apkg", entries), "unsafe name")
    entries = legacy1_entries()
    entries["media"] = json.dumps({**json.loads(entries["media"]), "7": "ghost.mp3"}).encode()
    out["missing media entry"] = (make_zip(tmp_path / "ghost.apkg", entries),
                                  "has no such entry")
    entries = legacy1_entries()
    entries["media"] = json.dumps({"0": "../../etc/passwd"}).encode()
    out["unsafe media name"] = (make_zip(tmp_path / "medianame.apkg", entries),
                                "unsafe file name")
    entries = legacy1_entries()
    entries["media"] = b"{not json"
    out["bad media map"] = (make_zip(tmp_path / "badmap.apkg", entries), "not valid JSON")
    entries = legacy1_entries()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in entries.items():
            zf.writestr(name, body)
        with pytest.warns(UserWarning):
            zf.writestr("0", b"another file under the same entry name")
    p = tmp_path / "dupe.apkg"
    p.write_bytes(buf.getvalue())
    out["duplicate entry"] = (p, "appears twice")
    with zipfile.ZipFile(DATA / "content-modern.apkg") as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    entries["meta"] = b"\x08\x09"
    out["newer package"] = (make_zip(tmp_path / "v9.apkg", entries), "newer Anki")
    return out


CASES = ["not a zip", "truncated", "no collection", "not sqlite", "unknown schema", "not anki",
         "dot-dot entry", "absolute entry", "missing media entry", "unsafe media name",
         "bad media map", "duplicate entry", "newer package"]


@pytest.mark.parametrize("case", CASES)
def test_bad_package_is_refused_with_a_clear_message_and_changes_nothing(fresh, tmp_path, case):
    col = fresh()
    import_apkg(col, DATA / "update-v1.apkg")
    before = snapshot(col)
    path, phrase = bad_packages(tmp_path)[case]
    with pytest.raises(RepetendError) as info:
        import_apkg(col, path)
    message = str(info.value)
    assert phrase in message
    assert path.name in message
    assert snapshot(col) == before


def test_huge_entry_is_refused(fresh, monkeypatch):
    col = fresh()
    before = snapshot(col)
    monkeypatch.setattr(package.limits, "max_entry_bytes", 20_000)
    with pytest.raises(RepetendError, match="more than the limit|more than 20,000 bytes"):
        import_apkg(col, DATA / "content-modern.apkg")
    assert snapshot(col) == before


def test_zstd_bomb_is_stopped_while_unpacking(fresh, tmp_path, monkeypatch):
    import zstandard

    col = fresh()
    before = snapshot(col)
    with zipfile.ZipFile(DATA / "content-modern.apkg") as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    # 64 MiB of zeros compress to a few KiB, and the frame does not declare its size.
    cctx = zstandard.ZstdCompressor(write_content_size=False)
    entries["collection.anki21b"] = cctx.compress(b"\0" * (64 << 20))
    bomb = make_zip(tmp_path / "bomb.apkg", entries)
    monkeypatch.setattr(package.limits, "max_entry_bytes", 8 << 20)
    with pytest.raises(RepetendError, match="unpacks to more than 8,388,608 bytes"):
        import_apkg(col, bomb)
    assert snapshot(col) == before


def test_media_that_does_not_match_its_sha1_is_refused(fresh, tmp_path):
    col = fresh()
    with zipfile.ZipFile(DATA / "content-modern.apkg") as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    import zstandard

    entries["0"] = zstandard.ZstdCompressor().compress(b"tampered bytes")
    path = make_zip(tmp_path / "tampered.apkg", entries)
    before = snapshot(col)
    with pytest.raises(RepetendError, match="does not match the SHA-1"):
        import_apkg(col, path)
    assert snapshot(col) == before


@pytest.mark.parametrize("stage", ["_import_revlog", "_copy_media"])
def test_failure_late_in_the_import_leaves_collection_and_media_as_before(fresh, monkeypatch,
                                                                           stage):
    col = fresh()
    before = snapshot(col)
    original = getattr(apkg_import._Importer, stage)

    def fail(self, *args):
        if stage == "_copy_media":
            original(self, *args)  # every file moved in, then the failure
            assert self.moved
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(apkg_import._Importer, stage, fail)
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_apkg(col, DATA / "content-modern.apkg")
    assert snapshot(col) == before


def test_failure_while_moving_media_takes_moved_files_back_out(fresh, monkeypatch):
    col = fresh()
    before = snapshot(col)
    real_replace = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("no space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(apkg_import.os, "replace", flaky)
    with pytest.raises(OSError, match="no space"):
        import_apkg(col, DATA / "content-modern.apkg")
    assert snapshot(col) == before


def test_dry_run_reports_everything_and_changes_nothing(fresh):
    col = fresh()
    before = snapshot(col)
    dry = import_apkg(col, DATA / "content-modern.apkg", ImportOptions(dry_run=True))
    assert snapshot(col) == before
    real = import_apkg(col, DATA / "content-modern.apkg")
    assert dry.dry_run and not real.dry_run
    assert dry.counts() == real.counts()
    assert sorted(dry.media_added) == sorted(real.media_added) == ["cat.png", "neko.wav",
                                                                   "ping.mp3"]


def test_import_is_one_undo_step(fresh):
    col = fresh()
    import_apkg(col, DATA / "content-modern.apkg")
    assert col.undo_name() == "Import"
    assert col.undo() == "Import"
    assert col.db.execute("SELECT count() FROM notes").fetchone()[0] == 0
    assert col.db.execute("SELECT count() FROM revlog").fetchone()[0] == 0


def test_reimport_is_all_unchanged_and_copies_no_media(fresh):
    col = fresh()
    import_apkg(col, DATA / "content-modern.apkg")
    again = import_apkg(col, DATA / "content-modern.apkg")
    assert len(again.duplicate) == 15 and not again.added and not again.updated
    assert again.media_added == [] and again.media_unchanged == 3
    assert again.cards_added == 0 and again.revlog_added == 0


def test_media_name_clash_renames_the_file_and_rewrites_fields(fresh):
    col = fresh()
    (col.media_folder / "cat.png").write_bytes(b"a different cat")
    summary = import_apkg(col, DATA / "content-modern.apkg")
    sha1 = "77310f8969d2b78c6cf5ec69c8ff2a1aa04f883b"
    new_name = f"cat-{sha1}.png"
    assert summary.media_renamed == {"cat.png": new_name}
    assert (col.media_folder / "cat.png").read_bytes() == b"a different cat"
    assert hashlib.sha1((col.media_folder / new_name).read_bytes()).hexdigest() == sha1
    flds = col.db.execute("SELECT flds FROM notes WHERE guid = 'rpt-basic-001'").fetchone()[0]
    assert f'<img src="{new_name}">' in flds and 'src="cat.png"' not in flds


def test_same_media_already_present_is_reused(fresh):
    col = fresh()
    import_apkg(col, DATA / "content-legacy.apkg")
    names = sorted(p.name for p in col.media_folder.iterdir())
    summary = import_apkg(col, DATA / "content-modern.apkg")
    assert sorted(p.name for p in col.media_folder.iterdir()) == names
    assert summary.media_unchanged == 3 and not summary.media_renamed


def test_update_policy_always_and_never(fresh):
    col = fresh()
    import_apkg(col, DATA / "update-v2.apkg")
    never = import_apkg(col, DATA / "update-v1.apkg", ImportOptions(update_notes="always"))
    assert sorted(never.updated) == ["rpt-up-002", "rpt-up-004"]
    back = col.db.execute("SELECT flds FROM notes WHERE guid = 'rpt-up-002'").fetchone()[0]
    assert back == "beta\x1fsecond letter"


def test_deck_option_puts_every_card_in_one_deck(fresh):
    col = fresh()
    summary = import_apkg(col, DATA / "content-modern.apkg", ImportOptions(deck="Inbox::New"))
    did = col.decks.id("Inbox::New", create=False)
    assert tuple(col.db.execute("SELECT count(), count(DISTINCT did) FROM cards").fetchone()) \
        == (24, 1)
    assert col.db.execute("SELECT did FROM cards LIMIT 1").fetchone()[0] == did
    assert "Languages" not in summary.decks_added


def test_invalid_update_policy_is_refused(fresh):
    with pytest.raises(RepetendError, match="update notes must be one of"):
        import_apkg(fresh(), DATA / "update-v1.apkg", ImportOptions(update_notes="sometimes"))


def test_filtered_normal_name_clash_renames_the_imported_deck(fresh):
    from repetend.core.decks import DECK_FILTERED

    col = fresh()
    with col.op("Add filtered"):
        col.decks._create("Shared Deck", kind=DECK_FILTERED)
    summary = import_apkg(col, DATA / "update-v1.apkg", ImportOptions(now=1_800_000_000))
    assert summary.decks_renamed == {"Shared Deck": "Shared Deck 1800000000"}
    names = {d.name for d in col.decks.all()}
    assert "Shared Deck 1800000000::Update Test" in names


def test_merging_note_types_adds_the_new_template_and_its_cards(fresh):
    col = fresh()
    up = DATA / "upstream"
    import_apkg(col, up / "diffmodels2-1.apkg")
    summary = import_apkg(col, up / "diffmodels2-2.apkg", ImportOptions(merge_notetypes=True))
    assert summary.notetypes_updated and not summary.notetypes_added
    ntid = col.db.execute("SELECT ntid FROM notes").fetchone()[0]
    assert [t.name for t in col.notetypes.get(ntid).templates] == ["Card 1", "Card 2"]
    assert col.db.execute("SELECT count() FROM cards").fetchone()[0] == 2
    without = fresh("without")
    import_apkg(without, up / "diffmodels2-1.apkg")
    summary = import_apkg(without, up / "diffmodels2-2.apkg")
    assert summary.conflicting and len(summary.notetypes_added) == 1
