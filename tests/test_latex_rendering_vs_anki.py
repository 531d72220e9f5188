"""LaTeX in cards made in Anki renders as Anki renders it: each `[latex]`, `[$]` and `[$$]`
tag becomes `<img class=latex …>` of the image Anki generated (shipped in the package), with
Anki's notice when an image is missing; the `anki` package is the judge.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("ANKI_TEST_MODE", "1")
anki_collection = pytest.importorskip("anki.collection")

from clirun import run_json  # noqa: E402

from repetend.core.collection import Collection  # noqa: E402
from repetend.core.importing.apkg_import import import_apkg  # noqa: E402

# (note type, fields, fields whose LaTeX images exist)
NOTES = [
    ("Basic", ["[latex]$x^2$[/latex]", "[$]y[/$] and [$$]z[/$$]"], (0, 1)),
    ("Basic", ["a [latex]x<br>y &amp; z[/latex] b", "<b>[$]q[/$]</b>"], ()),
    ("Basic", ["[latex]present[/latex]", "[latex]absent[/latex] [$]present too[/$]"], (0,)),
    ("Cloze", ["{{c1::[$]x[/$]}} and {{c2::other [latex]w[/latex]}}", "[$$]e[/$$]"], (0, 1)),
    ("Cloze", ["{{c1::a::[$]hint[/$]}} [latex]{{c2::b}}[/latex]", ""], ()),
    ("SVG", ["[latex]é ✓ <'\"> x 😀[/latex]", "[$$]a[/$$]"], (0, 1)),
    ("SVG", ["[Latex]x[/LaTeX]", "[latex][/latex] [$] [/$] [$]a[$]b[/$]"], ()),
    ("Basic", ["plain [ text [$ x", "[latex unclosed"], ()),
]


def _anki_deck(folder: Path) -> tuple[Any, Path]:
    """The notes made in Anki with the images of their `present` fields; its package."""
    col = anki_collection.Collection(str(folder / "collection.anki2"))
    svg = col.models.copy(col.models.by_name("Basic"))
    svg["name"], svg["latexsvg"] = "SVG", True
    col.models.update_dict(svg)
    media = Path(col.media.dir())
    for kind, fields, present in NOTES:
        note = col.new_note(col.models.by_name(kind))
        for i, value in enumerate(fields):
            note.fields[i] = value
        col.add_note(note, 1)
        for i in present:
            out = col._backend.extract_latex(text=fields[i], svg=kind == "SVG",
                                             expand_clozes=False)
            for item in out.latex:
                (media / item.filename).write_bytes(b"image " + item.filename.encode())
    path = folder / "latex.apkg"
    col.export_anki_package(out_path=str(path), limit=None, options=(
        anki_collection.ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True,
                                                 with_media=True, legacy=False)))
    return col, path


def _without_css(html: str) -> str:
    """Anki's card.question() starts with the note type's CSS; the reviewer adds it apart."""
    return re.sub(r"^<style>.*?</style>", "", html, count=1, flags=re.DOTALL)


@pytest.fixture
def both(tmp_path: Path):
    (tmp_path / "anki").mkdir()
    (tmp_path / "ours").mkdir()
    a, package = _anki_deck(tmp_path / "anki")
    col = Collection(tmp_path / "ours" / "collection.db")
    import_apkg(col, package)
    yield a, col, package
    col.close()
    a.close()


def _rendered(a: Any, col: Collection) -> tuple[dict, dict]:
    theirs, mine = {}, {}
    for cid in a.find_cards(""):
        card = a.get_card(cid)
        key = (card.note().guid, card.ord)
        theirs[key] = (_without_css(card.question()), _without_css(card.answer()))
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        guid = col.db.execute("SELECT guid FROM notes WHERE id = ?", (card.nid,)).fetchone()[0]
        out = col.render_card(card)
        mine[(guid, card.ord)] = (out.question, out.answer)
    return theirs, mine


def test_latex_renders_as_the_images_anki_shows(both):
    a, col, _ = both
    theirs, mine = _rendered(a, col)
    assert len(mine) == len(theirs) == 10
    assert mine == theirs
    shown = "".join(q + ans for q, ans in mine.values())
    assert shown.count("<img class=latex") > 20
    assert '.svg">' in shown and "[$$]" not in shown


def test_a_missing_latex_image_gets_anki_notice_until_it_is_there(both):
    a, col, _ = both
    notice = "LaTeX image generation is disabled in the preferences."
    name = "latex-76b2878564ab19b80abb21ba964abe90fe120846.png"  # $x^2$
    cid = col.find_cards('"front:[latex]$x^2$[/latex]"')[0]
    assert not col.render_card(col.get_card(cid)).question.endswith(notice)
    (Path(a.media.dir()) / name).unlink()
    (col.media_folder / name).unlink()
    theirs, mine = _rendered(a, col)
    assert mine == theirs
    assert sum(q.endswith(notice) for q, _ in mine.values()) == 5
    assert col.render_card(col.get_card(cid)).question.endswith(f'{name}">{notice}')
    (col.media_folder / name).write_bytes(b"made elsewhere")
    assert not col.render_card(col.get_card(cid)).question.endswith(notice)


def test_the_browser_table_shows_latex_as_written_as_anki_does(both):
    _, col, _ = both
    cid = col.find_cards('"front:[latex]present[/latex]"')[0]
    assert "[latex]present[/latex]" in col.render_card(col.get_card(cid), browser=True).question


def test_repetend_render_prints_the_latex_image(tmp_path, both):
    _, _, package = both
    base = tmp_path / "base"
    run_json(base, "import", str(package))
    card = run_json(base, "search", '"front:[latex]$x^2$[/latex]"')["cards"][0]
    out = run_json(base, "render", str(card["id"]))
    assert out["question"] == ('<img class=latex alt="&#x24;x&#x5E;2&#x24;" '
                               'src="latex-76b2878564ab19b80abb21ba964abe90fe120846.png">')


def test_the_editor_preview_of_an_unsaved_note_shows_latex_as_anki_does(both):
    from repetend.plugins.editor import preview_cards

    a, col, _ = both
    note = col.new_note("Basic")
    note.fields = ["[latex]$x^2$[/latex]", "[$]unsaved[/$]"]
    (card,) = preview_cards(col, note)
    theirs = a.new_note(a.models.by_name("Basic"))
    theirs.fields = note.fields
    ephemeral = theirs.ephemeral_card()
    assert (card.question, card.answer) == (_without_css(ephemeral.question()),
                                            _without_css(ephemeral.answer()))


def test_a_card_text_export_keeps_latex_as_typed_as_anki_does(both, tmp_path):
    from repetend.core.importing.text_export import export_cards_text

    a, col, _ = both
    theirs, mine = tmp_path / "theirs.txt", tmp_path / "mine.txt"
    a.export_card_csv(out_path=str(theirs), with_html=True, limit=None)
    export_cards_text(col, mine, with_html=True)
    assert "[latex]" in theirs.read_text(encoding="utf-8")
    assert sorted(mine.read_text(encoding="utf-8").splitlines()) == sorted(
        theirs.read_text(encoding="utf-8").splitlines())
