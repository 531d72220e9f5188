"""Check Media against the real Anki (the `anki` package, test-only) on the same notes and
the same files: the same report, renames and rewritten fields."""

import unicodedata
from pathlib import Path

import pytest

from repetend.core import mediacheck

anki_collection = pytest.importorskip("anki.collection")

from anki_oracle import anki_latex_names  # noqa: E402

FIELDS = [
    ('a <img src="here.jpg"> [sound:gone.mp3]', "<img src='also gone.png'>"),
    ('<img src="café.jpg"> <img src="x:y.png"> <img src="Here.jpg">', "[sound:a:b.mp3]"),
    ("[sound:big.bin] <img src='http://example.com/remote.png'>", "nothing"),
    # a reference left open at a field's end does not run into the next field
    ("[sound:ab", ".mp3]"),
    ('<img src="x', 'y.png">'),
]
FILES = [("here.jpg", b"lower"), ("Here.jpg", b"upper"), ("lonely.png", b"d"),
         ("_style.css", b"d"), ("empty.jpg", b""), (".DS_Store", b"x"),
         (unicodedata.normalize("NFD", "café.jpg"), b"c"), ("x:y.png", b"q"),
         ("ab.mp3", b"d"), ("xy.png", b"d")]


def fill(folder: Path) -> None:
    for name, data in FILES:
        (folder / name).write_bytes(data)
    trash = folder.parent / "media.trash"  # where Anki keeps it too
    trash.mkdir()
    (trash / "old.png").write_bytes(b"\0" * 1_500_000)  # "1 file, 1.43MB"
    (folder / "sub").mkdir()
    with (folder / "big.bin").open("wb") as handle:  # sparse: no 100 MB written
        handle.truncate(mediacheck.MAX_SYNC_BYTES + 1)


def plain(text: str) -> str:
    """Anki's Fluent strings wrap numbers in Unicode isolation marks."""
    return text.replace("\u2068", "").replace("\u2069", "")


def test_same_report_renames_and_fields_as_anki(tmp_path, col):
    (tmp_path / "anki").mkdir()
    anki = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        basic = anki.models.by_name("Basic")
        for front, back in FIELDS:
            note = anki.new_note(basic)
            note["Front"], note["Back"] = front, back
            anki.add_note(note, 1)
        fill(Path(anki.media.dir()))
        expected = anki.media.check()
        anki_fields = sorted(anki.get_note(nid).fields for nid in anki.find_notes(""))
        anki_files = sorted(p.name for p in Path(anki.media.dir()).iterdir())
        anki_tagged = len(expected.missing_media_notes)
    finally:
        anki.close()

    for front, back in FIELDS:
        note = col.new_note("Basic")
        note.fields = [front, back]
        col.add_note(note, 1)
    fill(col.media_folder)
    result = mediacheck.check_media(col)

    assert result.missing == sorted(expected.missing)
    assert result.unused == sorted(expected.unused)
    assert len(result.missing_note_ids) == anki_tagged
    assert sorted(p.name for p in col.media_folder.iterdir()) == anki_files
    assert sorted(col.get_note(nid).fields for nid in col.note_ids()) == anki_fields
    # the renamed section's order is Anki's folder order; compare it as a set
    ours, theirs = result.report().splitlines(), plain(expected.report).splitlines()
    assert [line for line in ours if not line.startswith("Renamed: ")] == \
        [line for line in theirs if not line.startswith("Renamed: ")]
    assert sorted(line for line in ours if line.startswith("Renamed: ")) == \
        sorted(line for line in theirs if line.startswith("Renamed: "))


# (note type, svg images, fields): LaTeX images count as used, clozes revealed as every card
# shows them, and absent ones as missing (ANKI-FACTS §10)
LATEX_NOTES = [
    ("Basic", False, ("[latex]present[/latex] <img src='pic.png'>", "[$]absent[/$]")),
    ("Cloze", False, ("{{c1::[$]x[/$]::hint [$]h[/$]}} and {{c2::outer {{c3::[latex]in"
                      "[/latex]}} }}", "[$$]back[/$$]")),
    ("Cloze", False, ("[$]a {{c1::b}} c[/$] {{c2::[$]a}} b[/$]", "")),
    ("Basic (and reversed card)", True, ("[$]s[/$]", "no latex")),
]


def test_latex_images_are_used_or_missing_as_in_anki(tmp_path, col):
    (tmp_path / "anki").mkdir()
    anki = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        used: set[str] = set()
        files: set[str] = set()
        for name, svg, fields in LATEX_NOTES:
            model = anki.models.by_name(name)
            if svg:
                model["latexsvg"] = True
                anki.models.save(model)
            note = anki.new_note(model)
            for i, text in enumerate(fields):
                note.fields[i] = text
                used.update(anki_latex_names(anki, text, svg, True))
                # names Anki does NOT use: the unrevealed cloze text, the other extension
                files.update(anki_latex_names(anki, text, svg, False))
                files.update(anki_latex_names(anki, text, not svg, True))
            anki.add_note(note, 1)
        # half of the used images exist, the other half are missing
        files |= set(sorted(used)[::2])
        folder = Path(anki.media.dir())
        for name in files:
            (folder / name).write_bytes(b"img")
        expected = anki.media.check()
        anki_tagged = len(expected.missing_media_notes)
    finally:
        anki.close()

    for name, svg, fields in LATEX_NOTES:
        if svg:
            nt = col.notetypes.by_name(name)
            nt.latex_svg = True
            col.notetypes.update(nt)
        note = col.new_note(name)
        note.fields = list(fields)
        col.add_note(note, 1)
    for name in files:
        (col.media_folder / name).write_bytes(b"img")
    result = mediacheck.check_media(col)

    assert expected.missing and expected.unused  # both sides of the rule are exercised
    assert result.missing == sorted(expected.missing)
    assert result.unused == sorted(expected.unused)
    assert len(result.missing_note_ids) == anki_tagged
    assert result.report().splitlines() == plain(expected.report).splitlines()
