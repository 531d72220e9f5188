"""`repetend check-database` and `check-media`, run as a user runs them."""

import json
import sqlite3

from clirun import run


def db_path(base):
    return base / "User 1" / "collection.db"


def test_check_database_fixes_then_undo(tmp_path):
    added = json.loads(run(tmp_path, "add", "--deck", "Default", "--notetype", "Basic",
                           "front", "back", "--json").stdout)
    with sqlite3.connect(db_path(tmp_path)) as db:
        db.execute("UPDATE notes SET flds = 'only' WHERE id = ?", (added["note_id"],))
    backups = tmp_path / "User 1" / "backups"
    before = set(backups.glob("*.colpkg")) if backups.exists() else set()
    proc = run(tmp_path, "check-database")
    assert len(set(backups.glob("*.colpkg")) - before) == 1  # as Anki: a backup first
    assert proc.stdout.splitlines() == ["Fixed 1 note with wrong field count.",
                                        "Database rebuilt and optimized."]
    assert "Check Database" in run(tmp_path, "undo").stdout
    with sqlite3.connect(db_path(tmp_path)) as db:
        assert db.execute("SELECT flds FROM notes WHERE id = ?",
                          (added["note_id"],)).fetchone()[0] == "only"
    data = json.loads(run(tmp_path, "check-database", "--json").stdout)
    assert data["counts"]["field_count"] == 1 and not data["ok"]
    again = run(tmp_path, "check-database")
    assert again.stdout.strip() == "Database rebuilt and optimized."


def test_check_database_still_checks_when_the_backup_fails(tmp_path):
    added = json.loads(run(tmp_path, "add", "--deck", "Default", "--notetype", "Basic",
                           "front", "back", "--json").stdout)
    with sqlite3.connect(db_path(tmp_path)) as db:
        db.execute("UPDATE notes SET flds = 'only' WHERE id = ?", (added["note_id"],))
    (tmp_path / "User 1" / "backups").write_text("a file where the folder should be")
    proc = run(tmp_path, "check-database")
    assert "the backup before checking failed" in proc.stderr
    assert proc.stdout.splitlines()[0] == "Fixed 1 note with wrong field count."


def test_check_database_refuses_a_corrupt_file(tmp_path):
    run(tmp_path, "decks")
    path = db_path(tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = DELETE")
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_notes_csum'"
                          ).fetchone()[0]
        page = db.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[(root - 1) * page:(root - 1) * page + 12] = b"\x0d" + b"\xff" * 11
    path.write_bytes(bytes(data))
    proc = run(tmp_path, "check-database", check=False)
    assert proc.returncode == 1
    assert "corrupt" in proc.stderr and "Nothing was changed" in proc.stderr


def test_check_media_actions(tmp_path):
    run(tmp_path, "add", "--deck", "Default", "--notetype", "Basic", "[sound:gone.mp3]", "")
    media = tmp_path / "User 1" / "collection.media"
    (media / "spare.png").write_bytes(b"x")
    proc = run(tmp_path, "check-media")
    assert proc.stdout.splitlines()[:2] == ["Missing files: 1", "Unused files: 1"]
    assert "Unused: spare.png" in proc.stdout
    proc = run(tmp_path, "check-media", "--delete-unused", "--tag-missing")
    assert "Moved 1 unused file(s) to the trash." in proc.stdout
    assert "Tagged 1 note(s) missing-media." in proc.stdout
    assert (tmp_path / "User 1" / "media.trash" / "spare.png").exists()
    with sqlite3.connect(db_path(tmp_path)) as db:
        assert [r[0].strip() for r in db.execute(
            "SELECT tags FROM notes WHERE tags LIKE '%missing%'")] == ["missing-media"]
    data = json.loads(run(tmp_path, "check-media", "--json").stdout)
    assert (data["unused"], data["trash_count"]) == ([], 1)
    assert data["report"].startswith("Trash folder: 1 file, 0.00MB\nMissing files: 1")
    run(tmp_path, "check-media", "--restore-trash")
    assert (media / "spare.png").exists()
    run(tmp_path, "check-media", "--delete-unused", "--json")
    data = json.loads(run(tmp_path, "check-media", "--empty-trash", "--json").stdout)
    assert data["actions"] == {"trash_emptied": 1} and data["trash_count"] == 0
