"""Find Duplicates as Anki finds them (the `anki` package judges): the field name in any
case, in every note type that has it; values with HTML stripped but media file names kept,
and case and spaces as typed; an empty value is no duplicate."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki_oracle import AnkiCollection, anki_import, anki_options
from clirun import run_json

from repetend.core import browser_ops
from repetend.core.collection import Collection
from repetend.core.errors import InvalidInput
from repetend.core.importing.apkg_import import import_apkg

VALUES = ["Same", "same", "SAME", "<b>Same</b>", " Same", "Same ", "Same&nbsp;", "Same\xa0",
          "<img src=a.png>", ' <img class=x src="a.png">', " a.png ", "a.png", "<br>", " ",
          "a<br>b", "ab", "a b", "a  b", "&lt;x&gt;", "<x>", "Straße", "STRASSE", "é",
          "e\u0301", '<audio src="s.mp3">', " s.mp3 ", '<img alt=">" src="q.png">', " q.png "]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each value in the first field of a Basic note, of a note type whose field is called
    "FRONT", and of a Basic (and reversed card) note (the latter tagged); a Cloze note."""
    import anki.lang

    anki.lang.set_lang("en")
    folder = tmp_path_factory.mktemp("dupes")
    col = AnkiCollection(str(folder / "collection.anki2"))
    try:
        upper = col.models.copy(col.models.by_name("Basic"))
        upper["name"] = "Upper"
        upper["flds"][0]["name"] = "FRONT"
        col.models.update_dict(upper)
        for i, value in enumerate(VALUES):
            for kind in ("Basic", "Upper", "Basic (and reversed card)"):
                note = col.new_note(col.models.by_name(kind))
                note.fields[0], note.fields[1] = value, f"back {i % 3}"
                note.tags = ["reversed"] if kind.endswith("card)") else []
                col.add_note(note, 1)
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze.fields[0] = "{{c1::Same}}"
        col.add_note(cloze, 1)
        out = folder / "dupes.apkg"
        col.export_anki_package(out_path=str(out), options=anki_options(), limit=None)
    finally:
        col.close()
    return out


@pytest.fixture
def both(tmp_path: Path, package: Path):
    (tmp_path / "anki").mkdir()
    (tmp_path / "ours").mkdir()
    a = AnkiCollection(str(tmp_path / "anki" / "collection.anki2"))
    anki_import(a, package)
    col = Collection(tmp_path / "ours" / "collection.db")
    import_apkg(col, package)
    yield a, col
    col.close()
    a.close()


MEDIA_TAGS = ['<audio src="s.mp3">', '<img alt=">" src="q.png">', "<video src='v.mp4'>",
              '<object data="o.swf">', '<source src="x.ogg">', "<IMG SRC=a.png>",
              '<img src = "sp.png">', '<img src="">', '<img data="d.png">',
              '<imgx src="n.png">', '<img\nsrc="nl.png">', 'a<img src="b.png">c',
              '<img src="a.png" src="b.png">', "<img alt='x' src=u.png>",
              '<img src="a&amp;b.png">', '<audio controls src="s.mp3">', "<img src=x.png/>",
              '<img data-src="ds.png">', "<b>x</b><!-- c --><style>p{}</style>&nbsp;y"]


@pytest.mark.parametrize("html", MEDIA_TAGS)
def test_html_is_stripped_keeping_media_names_as_anki_strips_it(tmp_path, html):
    """The value Find Duplicates compares, and the first-field checksum behind Anki's
    "duplicate" warning when adding a note."""
    import anki.lang
    from anki.utils import strip_html_media

    from repetend.core.text import field_checksum, strip_html_preserving_media_filenames

    anki.lang.set_lang("en")
    assert strip_html_preserving_media_filenames(html) == strip_html_media(html)
    a = AnkiCollection(str(tmp_path / "collection.anki2"))
    try:
        note = a.new_note(a.models.by_name("Basic"))
        note.fields[0] = html
        a.add_note(note, 1)
        assert field_checksum(html) == a.db.scalar("SELECT csum FROM notes")
    finally:
        a.close()


@pytest.mark.parametrize("field", ["Front", "front", "FRONT", "Back", "Text"])
@pytest.mark.parametrize("search", ["", "tag:reversed", "-tag:reversed back*0"])
def test_duplicates_are_the_groups_anki_finds(both, field, search):
    a, col = both
    theirs = [(value, [a.db.scalar("SELECT guid FROM notes WHERE id = ?", nid)
                       for nid in nids]) for value, nids in a.find_dupes(field, search)]
    mine = [(g["value"], [col.db.execute("SELECT guid FROM notes WHERE id = ?",
                                         (nid,)).fetchone()[0] for nid in g["note_ids"]])
            for g in browser_ops.find_duplicates(col, field, search)]
    assert mine == theirs
    if field.lower() == "front" and not search:
        assert mine[0] == ("Same", mine[0][1]) and len(mine[0][1]) == 6


def test_a_field_no_note_type_has_is_named_in_the_error(both):
    _, col = both
    with pytest.raises(InvalidInput, match="no note type has a field called 'Nope'"):
        browser_ops.find_duplicates(col, "Nope")


def test_repetend_dupes_takes_the_field_name_in_any_case(tmp_path, package):
    base = tmp_path / "base"
    run_json(base, "import", str(package))
    out = run_json(base, "dupes", "front", "--search", "tag:reversed")
    groups = {d["value"]: len(d["note_ids"]) for d in out["duplicates"]}
    assert groups["Same"] == 2 and groups["Same "] == 2  # <b>Same</b>; Same&nbsp;
    assert "same" not in groups and " Same" not in groups
    out = run_json(base, "dupes", "FRONT")
    groups = {d["value"]: len(d["note_ids"]) for d in out["duplicates"]}
    assert groups["Same"] == 6 and groups["same"] == 3 and groups["SAME"] == 3
    assert list(groups)[:2] == ["Same", "same"]
