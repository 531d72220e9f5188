"""`repetend backup`, `backups` and `restore-backup`, run as a user runs them (subprocesses)."""


import pytest
from clirun import run, run_json


@pytest.fixture
def base(tmp_path):
    return tmp_path / "base"


def test_ordinary_commands_make_no_backups(base):
    run(base, "deck", "create", "Spanish")
    run(base, "decks")
    assert not (base / "User 1" / "backups").exists()
    assert run(base, "backups").stdout.startswith("no backups yet")


def test_backup_then_list_then_unchanged(base):
    made = run_json(base, "backup")
    assert made["skipped"] is None and made["file"].endswith(".colpkg")
    again = run_json(base, "backup")
    assert again["file"] is None and "unchanged" in again["skipped"]
    listed = run_json(base, "backups")
    assert [b["path"] for b in listed] == [made["file"]]
    assert listed[0]["size"] > 1000 and listed[0]["file"].startswith("backup-")
    assert listed[0]["file"] in run(base, "backups").stdout


def test_restore_backup_asks_then_brings_the_collection_back(base):
    run(base, "deck", "create", "Kept")
    made = run_json(base, "backup")["file"]
    run(base, "deck", "create", "Made later")
    name = made.rsplit("/", 1)[-1]
    refused = run(base, "restore-backup", name, check=False)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert "Made later" in {d["name"] for d in run_json(base, "decks")}
    run(base, "restore-backup", name, "--yes")
    names = {d["name"] for d in run_json(base, "decks")}
    assert "Kept" in names and "Made later" not in names
    # The collection as it was before the restore was saved first, and undo brings it back.
    assert len(run_json(base, "backups")) == 2
    assert "Import Collection" in run(base, "undo").stdout
    assert "Made later" in {d["name"] for d in run_json(base, "decks")}


def test_restore_backup_names_a_missing_file(base):
    run(base, "decks")
    proc = run(base, "restore-backup", "backup-2001-01-01-00.00.00.colpkg", "--yes",
               check=False)
    assert proc.returncode == 1 and "no such backup" in proc.stderr


def test_backups_lists_each_size_in_kb_or_mb(base):
    run(base, "decks")
    folder = base / "User 1" / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "backup-2026-01-02-03.04.05.colpkg").write_bytes(b"\0" * (3 * 1024 * 1024 // 2))
    (folder / "backup-2026-01-01-03.04.05.colpkg").write_bytes(b"\0" * 3 * 1024)
    assert run(base, "backups").stdout.splitlines() == [
        "2026-01-02 03:04:05     1.5 MB  backup-2026-01-02-03.04.05.colpkg",
        "2026-01-01 03:04:05       3 KB  backup-2026-01-01-03.04.05.colpkg"]
