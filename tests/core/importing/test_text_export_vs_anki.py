"""Plain-text note and card export judged by the real Anki (`anki` package): the same notes
exported by each as "Notes in Plain Text" or "Cards in Plain Text", with and without HTML,
give the same bytes.

Without HTML Anki turns `<br>`, `<div>` and line breaks into spaces, drops `[sound:…]`,
strips tags and decodes entities, and trims the ends only of a field that this changed;
double spaces and tabs stay. A card's rendered sides follow the same rule; with HTML they
keep their `[sound:…]` tags.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("ANKI_TEST_MODE", "1")
anki_collection = pytest.importorskip("anki.collection")

from repetend.core.importing.text_export import (  # noqa: E402
    TextExportOptions,
    export_cards_text,
    export_notes_text,
)

FIELDS = [
    ("a  b\tc", "x<br>y<br/>z"),
    ("<div>one</div><div>two</div>", "a&nbsp;b &amp; &lt;c&gt;"),
    ("s [sound:x.mp3] t", '<img src="p.jpg"> q'),
    ('say "hi"', "line1\nline2"),
    ("  lead", "trail  "),
    ("#hash", "<b>bold</b>"),
    ("[sound:y.mp3]", "<br>"),
    ("a<br><br>b", "<p>p1</p><p>p2</p>"),
    ("&#9;tab&emsp;", "  a<b>b</b>  "),
    (" [sound:x.mp3]", "a\n\nb"),
    ("<BR >b", "<div class=x>a</div>b"),
    ("x[SOUND:y.mp3]", "<!-- c --> z"),
    ("\ta\t", " a&amp;b "),
    ("a\u2003", "\u00a0a"),
    ("<br>\n<br>", "[sound:a b.mp3]x"),
    (" a & b ", " a<>b "),
    ("[[type:Front]] x", "<style>p{}</style> y"),
    ("a#b", ""),
]
#: guids with and without a `#` (a field holding one is quoted, so no line reads as a comment)
GUIDS = [f"g{i}" if i % 3 else f"#g{i}#" for i in range(len(FIELDS))]
TAGS = ["t1", "Two::three"]
FLAGS = [(True, True, True), (False, False, True), (False, True, False)]


def anki_export(tmp_path, with_html: bool) -> dict[str, bytes]:
    folder = tmp_path / f"anki-{with_html}"
    folder.mkdir()
    anki = anki_collection.Collection(str(folder / "collection.anki2"))
    try:
        did = anki.decks.id("Lang::Words")
        for (front, back), guid in zip(FIELDS, GUIDS, strict=True):
            note = anki.new_note(anki.models.by_name("Basic"))
            note.fields[0], note.fields[1] = front, back
            note.tags = list(TAGS)
            note.guid = guid
            anki.add_note(note, did)
        out = {}
        for guid, notetype, deck in FLAGS:
            path = folder / f"{guid}{notetype}{deck}.txt"
            anki.export_note_csv(out_path=str(path), limit=None, with_html=with_html,
                                 with_tags=True, with_deck=deck, with_notetype=notetype,
                                 with_guid=guid)
            out[path.name] = path.read_bytes()
    finally:
        anki.close()
    return out


@pytest.mark.parametrize("with_html", [False, True], ids=["plain", "html"])
def test_notes_as_text_are_the_bytes_anki_writes(tmp_path, col, with_html):
    expected = anki_export(tmp_path, with_html)
    did = col.decks.id("Lang::Words")
    for (front, back), guid in zip(FIELDS, GUIDS, strict=True):
        note = col.new_note("Basic")
        note.fields = [front, back]
        note.tags = list(TAGS)
        note.guid = guid
        col.add_note(note, did)
    for guid, notetype, deck in FLAGS:
        name = f"{guid}{notetype}{deck}.txt"
        out = tmp_path / "ours" / name
        count = export_notes_text(col, out, TextExportOptions(
            with_html=with_html, with_guid=guid, with_notetype=notetype, with_deck=deck))
        assert count == len(FIELDS)
        assert out.read_bytes().decode() == expected[name].decode(), name


def anki_cards_export(tmp_path, with_html: bool) -> bytes:
    folder = tmp_path / f"anki-cards-{with_html}"
    folder.mkdir()
    anki = anki_collection.Collection(str(folder / "collection.anki2"))
    try:
        did = anki.decks.id("Lang::Words")
        for front, back in FIELDS:
            note = anki.new_note(anki.models.by_name("Basic"))
            note.fields[0], note.fields[1] = front, back
            anki.add_note(note, did)
        path = folder / "cards.txt"
        anki.export_card_csv(out_path=str(path), limit=None, with_html=with_html)
        return path.read_bytes()
    finally:
        anki.close()


@pytest.mark.parametrize("with_html", [False, True], ids=["plain", "html"])
def test_cards_as_text_are_the_bytes_anki_writes(tmp_path, col, with_html):
    """"Cards in Plain Text": the rendered question and answer, written with the notes'
    field rule (double spaces, tabs and untouched ends stay; `<br>` becomes a space)."""
    expected = anki_cards_export(tmp_path, with_html)
    did = col.decks.id("Lang::Words")
    for front, back in FIELDS:
        note = col.new_note("Basic")
        note.fields = [front, back]
        col.add_note(note, did)
    out = tmp_path / "ours" / "cards.txt"
    assert export_cards_text(col, out, with_html=with_html) == len(FIELDS)
    assert out.read_bytes().decode() == expected.decode()
