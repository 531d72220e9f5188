"""End to end, the files `repetend export` leaves for the user: where and how they land."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data" / "anki"


def run(base: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "repetend.host", "--base", str(base), *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_an_exported_file_can_be_read_by_others_like_any_new_file(tmp_path):
    # A deck exported into a shared folder (or served from one) must not be owner-only.
    base = tmp_path / "base"
    run(base, "import", str(DATA / "content-modern.apkg"))
    mask = os.umask(0o022)
    try:
        for name in ("deck.apkg", "all.colpkg", "notes.txt"):
            run(base, "export", str(tmp_path / name))
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name
    finally:
        os.umask(mask)
    assert not list(tmp_path.glob(".*.part"))


def test_exported_cards_have_the_answer_alone_as_anki_writes_it(tmp_path):
    """`export --cards` keeps only what follows `<hr id=answer>`, without the line breaks
    the template puts after it (a spreadsheet showed every answer two lines down)."""
    import csv

    base = tmp_path / "base"
    run(base, "add", "--deck", "Default", "--notetype", "Basic", "q1", "  spaced  ")
    run(base, "add", "--deck", "Default", "--notetype", "Basic", "q2", "\n\ntrail\n")
    out = tmp_path / "cards.txt"
    run(base, "export", str(out), "--cards", "--deck", "Default")
    with out.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.reader((line for line in fh if not line.startswith("#")),
                                      delimiter="\t")]
    # what Anki 26.09's export_card_csv writes for the same two notes
    assert sorted(rows) == [["q1", "  spaced  "], ["q2", "trail\n"]]
