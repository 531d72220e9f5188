"""Automatic backups (core/backups.py): names, thinning, skip rules, atomic writes, restore,
and the backup opening in the real Anki."""

from __future__ import annotations

import os
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from repetend.core import backups
from repetend.core.backups import (
    BackupLimits,
    create_backup,
    get_limits,
    list_backups,
    obsolete,
    restore_backup,
    set_limits,
    skip_reason,
    thin,
)
from repetend.core.collection import Collection
from repetend.core.errors import InvalidInput
from repetend.core.importing.apkg_import import import_apkg

DATA = Path(__file__).resolve().parents[1] / "data" / "anki"
NOW = datetime(2026, 11, 26, 10, 0, 0)  # a Thursday


def name(when: datetime) -> str:
    return when.strftime("backup-%Y-%m-%d-%H.%M.%S.colpkg")


def touch_all(folder: Path, times: list[datetime]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for when in times:
        (folder / name(when)).write_bytes(b"x")


def remaining(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def content(tmp_path):
    (tmp_path / "profile").mkdir()
    col = Collection(tmp_path / "profile" / "collection.anki2")
    import_apkg(col, DATA / "content-modern.apkg")
    yield col
    col.close()


def snapshot(col: Collection) -> dict[str, list[tuple]]:
    out = {table: [tuple(r) for r in col.db.execute(f"SELECT * FROM {table} ORDER BY id")]
           for table in ("notes", "cards", "revlog", "notetypes")}
    # A deck's `extra` gains Anki's default keys on the way through a package.
    out["decks"] = [tuple(r) for r in col.db.execute("SELECT id, name FROM decks ORDER BY id")]
    return out


# --- thinning: hand-worked examples ---------------------------------------------------------


def test_todays_and_yesterdays_backups_are_all_kept():
    times = [NOW - timedelta(hours=h) for h in range(0, 34, 2)]  # back to Wed 00:00
    assert obsolete(times, BackupLimits(0, 0, 0), NOW.date()) == set()
    older = datetime(2026, 11, 24, 23, 0)  # Tuesday: with no slots left, deleted
    assert obsolete([*times, older], BackupLimits(0, 0, 0), NOW.date()) == {older}


def test_one_per_day_keeps_the_newest_of_each_day():
    # Three backups on each of Sat 21, Sun 22 and Mon 23; daily=2 keeps the newest of
    # Mon and of Sun; everything else goes.
    times = [datetime(2026, 11, d, h) for d in (21, 22, 23) for h in (9, 13, 20)]
    drop = obsolete(times, BackupLimits(daily=2, weekly=0, monthly=0), NOW.date())
    kept = sorted(set(times) - drop)
    assert kept == [datetime(2026, 11, 22, 20), datetime(2026, 11, 23, 20)]


def test_weeks_start_on_monday():
    # daily=1 keeps Tue 24. Mon 23 is the same week (kept already), so the weekly slot goes
    # to Sun 22, the newest of the week before; Sat 21 shares that week and goes.
    times = [datetime(2026, 11, d, 12) for d in (21, 22, 23, 24)]
    drop = obsolete(times, BackupLimits(daily=1, weekly=1, monthly=0), NOW.date())
    assert sorted(set(times) - drop) == [datetime(2026, 11, 22, 12), datetime(2026, 11, 24, 12)]


def test_months_after_weeks_across_a_year_boundary():
    times = [datetime(2026, 1, 5, 8), datetime(2025, 12, 31, 8), datetime(2025, 12, 1, 8),
             datetime(2025, 11, 30, 8), datetime(2025, 11, 2, 8), datetime(2025, 10, 1, 8)]
    limits = BackupLimits(daily=1, weekly=1, monthly=2)
    drop = obsolete(times, limits, NOW.date())
    # daily: Jan 5 (a Monday, ISO week 2026-W02); weekly: Wed Dec 31 (ISO week 2026-W01).
    # Monthly: Dec 1's month is kept already (Dec 31), so the two slots go to November
    # (Nov 30, its newest; Nov 2 goes) and October.
    assert sorted(set(times) - drop) == [datetime(2025, 10, 1, 8), datetime(2025, 11, 30, 8),
                                         datetime(2025, 12, 31, 8), datetime(2026, 1, 5, 8)]


def test_defaults_keep_about_a_year_of_hourly_backups():
    times = [NOW - timedelta(hours=h) for h in range(0, 24 * 400, 6)]
    kept = sorted(set(times) - obsolete(times, BackupLimits(), NOW.date()), reverse=True)
    recent = [t for t in kept if t.date() >= NOW.date() - timedelta(days=1)]
    assert len(recent) == 4 + 2  # 10:00, 04:00 today; all four of yesterday
    older = kept[len(recent):]
    assert len(older) == 12 + 10 + 9
    days = [t.date() for t in older]
    assert len(set(days)) == len(days)  # never two of one day
    assert older[:12] == [datetime.combine(NOW.date() - timedelta(days=d), datetime.min.time())
                          .replace(hour=22) for d in range(2, 14)]  # newest of each day
    assert older[-1].date() > NOW.date() - timedelta(days=366)


def test_thin_deletes_files_and_ignores_other_files(tmp_path):
    folder = tmp_path / "backups"
    keep = [NOW, NOW - timedelta(days=1)]
    gone = [NOW - timedelta(days=5), NOW - timedelta(days=9)]
    touch_all(folder, keep + gone)
    (folder / "notes.txt").write_text("mine")
    deleted = thin(folder, BackupLimits(0, 0, 0), NOW)
    assert sorted(p.name for p in deleted) == sorted(name(t) for t in gone)
    assert remaining(folder) == sorted([name(t) for t in keep] + ["notes.txt"])


def test_list_backups_newest_first_with_sizes(tmp_path):
    folder = tmp_path / "b"
    touch_all(folder, [NOW - timedelta(days=3), NOW, NOW - timedelta(days=1)])
    (folder / "backup-2026-13-40-99.99.99.colpkg").write_bytes(b"not a date")
    listed = list_backups(folder)
    assert [b.time for b in listed] == [NOW, NOW - timedelta(days=1), NOW - timedelta(days=3)]
    assert all(b.size == 1 for b in listed)
    assert list_backups(tmp_path / "missing") == []


# --- limits ---------------------------------------------------------------------------------


def test_limits_default_to_ankis_and_refuse_negative_numbers(content):
    assert get_limits(content) == BackupLimits(12, 10, 9, 30)
    set_limits(content, BackupLimits(daily=3, weekly=2, monthly=1, minimum_interval_mins=5))
    assert content.undo_name() == "Change Preferences"
    assert get_limits(content) == BackupLimits(3, 2, 1, 5)
    assert content.get_config("backups") == {"daily": 3, "weekly": 2, "monthly": 1,
                                             "minimum_interval_mins": 5}
    with pytest.raises(InvalidInput, match="weekly cannot be negative"):
        set_limits(content, BackupLimits(weekly=-1))
    assert get_limits(content) == BackupLimits(3, 2, 1, 5)
    content.set_config("backups", {"daily": "many"})
    with pytest.raises(InvalidInput, match="daily must be a whole number"):
        get_limits(content)


# --- making backups -------------------------------------------------------------------------


def test_backup_is_named_by_local_time_and_has_no_media(content, tmp_path):
    folder = tmp_path / "profile" / "backups"
    path = create_backup(content, folder, now=NOW)
    assert path == folder / "backup-2026-11-26-10.00.00.colpkg"
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert "collection.anki21b" in names and "meta" in names
        assert not any(n.isdigit() for n in names)  # media files are stored as 0, 1, …
    assert list(folder.iterdir()) == [path]


def test_unchanged_collection_is_not_backed_up_again_even_when_forced(content, tmp_path):
    folder = tmp_path / "backups"
    assert create_backup(content, folder, now=NOW) is not None
    later = NOW + timedelta(hours=2)
    assert create_backup(content, folder, force=True, now=later) is None
    assert "unchanged" in skip_reason(content, folder, force=True, now=later)
    # Across processes too: the newest backup records what it holds.
    path = content.path
    content.close()
    with Collection(path) as again:
        assert create_backup(again, folder, now=later) is None
        nid = again.note_ids()[0]
        note = again.get_note(nid)
        note.fields[0] += " changed"
        again.update_note(note)
        assert create_backup(again, folder, now=later) is not None
        # Undo brings back the content of the first backup's collection, not the second's.
        again.undo()
        assert create_backup(again, folder, now=later + timedelta(hours=1)) is not None
    assert len(list_backups(folder)) == 3


def test_automatic_backups_wait_the_minimum_interval_forced_ones_do_not(content, tmp_path):
    folder = tmp_path / "backups"
    create_backup(content, folder, now=NOW)
    content.decks.id("Changed")  # creates a deck: a change
    soon = NOW + timedelta(minutes=29)
    assert create_backup(content, folder, now=soon) is None
    assert "29 minutes ago" in skip_reason(content, folder, now=soon)
    assert create_backup(content, folder, now=NOW + timedelta(minutes=30)) is not None
    content.decks.id("Changed again")
    set_limits(content, BackupLimits(minimum_interval_mins=0))
    assert create_backup(content, folder, now=NOW + timedelta(minutes=31)) is not None
    content.decks.id("Third")
    assert create_backup(content, folder, force=True,
                         now=NOW + timedelta(minutes=31, seconds=5)) is not None
    assert len(list_backups(folder)) == 4


def test_creating_a_backup_thins_the_folder(content, tmp_path):
    folder = tmp_path / "backups"
    old = [NOW - timedelta(days=d) for d in (3, 4, 5)]
    touch_all(folder, old)
    set_limits(content, BackupLimits(daily=1, weekly=0, monthly=0))
    made = create_backup(content, folder, now=NOW)
    assert remaining(folder) == sorted([made.name, name(old[0])])


def test_a_crash_never_leaves_a_backup_with_a_final_name(content, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    # What a crash while writing leaves: only the temporary name, which nothing lists.
    (folder / f"{backups.TEMP_PREFIX}123-{name(NOW)}").write_bytes(b"PK half")
    (folder / f".{backups.TEMP_PREFIX}123-{name(NOW)}.abc.part").write_bytes(b"PK")
    for stale in folder.iterdir():  # from a crash two hours ago
        os.utime(stale, (NOW.timestamp(), datetime.now().timestamp() - 7200))
    assert list_backups(folder) == []
    # A failure at the last step (the disk full, say) leaves no file at all.
    renames = []
    real_replace = os.replace

    def disk_full(src, dst):
        if Path(dst).name != name(NOW):
            return real_replace(src, dst)
        renames.append((Path(src).name, Path(dst).name))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups.os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        create_backup(content, folder, now=NOW)
    monkeypatch.undo()
    assert renames[0][0].startswith(backups.TEMP_PREFIX) and renames[0][1] == name(NOW)
    assert remaining(folder) == []  # the temporary file and the crash's left-over are gone
    made = create_backup(content, folder, now=NOW)
    assert remaining(folder) == [made.name]
    with zipfile.ZipFile(made) as zf:
        assert zf.testzip() is None


# --- restoring ------------------------------------------------------------------------------


def test_restored_collection_equals_the_backed_up_one(content, tmp_path):
    folder = tmp_path / "backups"
    expected = snapshot(content)
    made = create_backup(content, folder, now=NOW)
    for nid in content.note_ids()[:3]:
        content.remove_notes([nid])
    content.decks.id("After the backup")
    assert snapshot(content) != expected
    summary = restore_backup(content, made.name, folder)
    assert snapshot(content) == expected
    assert content.undo_name() == "Import Collection"
    # The collection as it was before the restore was backed up first.
    assert len(list_backups(folder)) == 2
    assert any("saved as" in w for w in summary.warnings)


def test_restore_refuses_what_is_not_a_backup(content, tmp_path):
    folder = tmp_path / "backups"
    with pytest.raises(InvalidInput, match="no such backup"):
        restore_backup(content, "backup-2020-01-01-00.00.00.colpkg", folder)
    other = tmp_path / "notes.txt"
    other.write_text("hi")
    with pytest.raises(InvalidInput, match="is a .colpkg"):
        restore_backup(content, other, folder)


def test_backup_opens_in_anki_with_the_same_notes_cards_and_reviews(content, tmp_path):
    from anki_oracle import anki_restore  # (skips this test without the anki package)

    made = create_backup(content, tmp_path / "backups", now=NOW)
    anki = anki_restore(made, tmp_path / "anki")
    try:
        notes = sorted(map(tuple, anki.db.all("SELECT guid, flds FROM notes")))
        cards = sorted(map(tuple, anki.db.all(
            "SELECT n.guid, c.ord, c.type, c.queue, c.ivl, c.reps "
            "FROM cards c JOIN notes n ON n.id = c.nid")))
        revlog = anki.db.scalar("SELECT count() FROM revlog")
    finally:
        anki.close()
    assert notes == sorted(tuple(r) for r in content.db.execute(
        "SELECT guid, flds FROM notes"))
    ours = sorted(tuple(r) for r in content.db.execute(
        "SELECT n.guid, c.ord, c.type, c.queue, c.ivl, c.reps FROM cards c "
        "JOIN notes n ON n.id = c.nid"))
    assert cards == ours and len(cards) > 0
    assert revlog == content.db.execute("SELECT count() FROM revlog").fetchone()[0] > 0


def test_two_backups_in_one_second_keep_both(content, tmp_path):
    folder = tmp_path / "backups"
    first = create_backup(content, folder, force=True, now=NOW)
    content.decks.id("Changed")
    second = create_backup(content, folder, force=True, now=NOW)
    assert second == folder / name(NOW + timedelta(seconds=1))
    assert backups.backup_mod(first) != backups.backup_mod(second)
