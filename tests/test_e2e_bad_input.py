"""End to end, the mistakes a user makes at the command line: each one gets one line naming
the problem, exit status 1, and the collection on disk is exactly as it was."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data" / "anki"


def run(base: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "repetend.host", "--base", str(base), *args],
                          capture_output=True, text=True, timeout=120)


def digest(base: Path) -> str:
    """The collection's content as a user sees it (every row of the tables that matter)."""
    import sqlite3

    (path,) = base.glob("*/collection.db")
    db = sqlite3.connect(path)
    try:
        rows = [db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("notes", "cards", "decks", "revlog", "tags")]
    finally:
        db.close()
    return hashlib.sha1(repr(rows).encode()).hexdigest()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A profile with the sample deck and the content fixture (decks, media, scheduling)."""
    folder = tmp_path_factory.mktemp("base")
    assert run(folder, "import", str(DATA / "content-modern.apkg")).returncode == 0
    return folder


def refused(base: Path, *args: str) -> str:
    """Run a command that must fail cleanly; returns its one-line message."""
    before = digest(base)
    proc = run(base, *args)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("repetend: error: "), proc.stderr
    assert digest(base) == before
    return lines[0]


@pytest.mark.parametrize("command", [
    ("delete-notes", ""), ("delete-notes", "   "), ("set-deck", "", "Default"),
    ("tags", "add", "", "x"), ("tags", "remove", " ", "x"),
    ("find-replace", "", "--find", "a", "--replace", "b"),
    ("change-notetype", "", "Basic"), ("suspend", "--search", ""),
    ("forget", "--search", " "), ("flag", "1", "--search", ""),
    ("set-due", "3", "--search", ""), ("reposition", "--search", ""),
], ids=lambda c: " ".join(c))
def test_an_empty_search_changes_nothing_instead_of_everything(base, command):
    # `repetend delete-notes "$QUERY"` with QUERY unset must not empty the collection.
    message = refused(base, *command)
    assert "empty" in message and "deck:*" in message


def test_the_whole_collection_is_still_one_explicit_search_away(base):
    notes = len(json.loads(run(base, "notes", "--json").stdout))
    proc = run(base, "tags", "add", "deck:*", "everything", "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["changed"] == notes
    assert run(base, "undo").returncode == 0


@pytest.mark.parametrize("query", ['"unbalanced', "(a or b", 'deck:""', "prop:ivl>x"])
def test_a_malformed_search_is_refused_by_every_operation(base, query):
    for command in (("delete-notes", query), ("suspend", "--search", query),
                    ("tags", "add", query, "x")):
        assert "Invalid search" in refused(base, *command)


def test_damaged_packages_are_refused_before_anything_changes(base, tmp_path):
    data = (DATA / "content-modern.apkg").read_bytes()
    cut = tmp_path / "cut.apkg"
    cut.write_bytes(data[: len(data) // 2])
    assert "damaged or incomplete" in refused(base, "import", str(cut))
    colpkg = tmp_path / "cut.colpkg"
    colpkg.write_bytes(data[: len(data) // 2])
    assert "damaged or incomplete" in refused(base, "import", str(colpkg), "--yes")
    newer = tmp_path / "newer.colpkg"
    with zipfile.ZipFile(DATA / "content-modern.apkg") as src, \
            zipfile.ZipFile(newer, "w") as out:
        for info in src.infolist():
            out.writestr(info, b"\x08\x09" if info.filename == "meta" else src.read(info))
    assert "newer Anki" in refused(base, "import", str(newer), "--yes")
    assert not list((base / "User 1" / "backups").glob("*.colpkg"))


def test_an_empty_text_file_is_refused_as_anki_refuses_it(base, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "is empty" in refused(base, "import", str(empty))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf")
    assert "is empty" in refused(base, "import", str(bom))
