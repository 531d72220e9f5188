"""The LaTeX images a deck package carries, judged by the real Anki (`anki` package): the
same notes and the same media folder, one deck exported by each, the same media inside.

Anki's .apkg export names a field's images from its text as stored — clozes NOT revealed,
unlike Check Media — so `[$]a {{c1::b}}[/$]` takes the image of `$a {{c1::b}}$`, and the
images of the revealed cards stay behind (they are made again where LaTeX is installed).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

os.environ.setdefault("ANKI_TEST_MODE", "1")
anki_collection = pytest.importorskip("anki.collection")

from anki.import_export_pb2 import MediaEntries  # noqa: E402
from anki_oracle import anki_latex_names  # noqa: E402

from repetend.core.importing.apkg_export import ExportOptions, export_apkg  # noqa: E402
from repetend.core.importing.package import zstd_module  # noqa: E402

# (note type, svg images, fields)
NOTES = [
    ("Cloze", False, ("{{c1::[$]x[/$]::hint [$]h[/$]}} and {{c2::outer {{c3::[latex]in"
                      "[/latex]}} }}", "[$$]back[/$$]")),
    ("Cloze", False, ("[$]a {{c1::b}} c[/$] {{c2::[$]a}} b[/$]", "")),
    ("Cloze", False, ("[latex]x &amp; {{c1::y::a [$]hint[/$]}}<br>z[/latex]", "[$]plain[/$]")),
    ("Basic (and reversed card)", True, ("[$]s {{c1::q}}[/$]", "[latex]{{c1::z}}[/latex]")),
    # a tag opened in one field and closed in the next is no image
    ("Basic", False, ("[$]open", "close[/$]")),
]


def package_media(path: Path) -> set[str]:
    """The file names in a modern package's media map."""
    with zipfile.ZipFile(path) as zf:
        raw = zstd_module().ZstdDecompressor().decompressobj().decompress(zf.read("media"))
    entries = MediaEntries()
    entries.ParseFromString(raw)
    return {entry.name for entry in entries.entries}


def test_deck_package_carries_the_latex_images_anki_exports(tmp_path, col):
    (tmp_path / "anki").mkdir()
    anki = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        did = anki.decks.id("Maths")
        files: set[str] = set()
        revealed: set[str] = set()  # the images the cards show, clozes revealed
        for name, svg, fields in NOTES:
            model = anki.models.by_name(name)
            if svg:
                model["latexsvg"] = True
                anki.models.save(model)
            note = anki.new_note(model)
            for i, text in enumerate(fields):
                note.fields[i] = text
                # every name Anki could give: revealed or not, either extension
                for other_svg in (False, True):
                    for expand in (False, True):
                        files.update(anki_latex_names(anki, text, other_svg, expand))
                revealed.update(set(anki_latex_names(anki, text, svg, True))
                                - set(anki_latex_names(anki, text, svg, False)))
            anki.add_note(note, did)
        files.update(anki_latex_names(anki, "\x1f".join(NOTES[-1][2]), False, False))
        folder = Path(anki.media.dir())
        for file in files:
            (folder / file).write_bytes(file.encode())
        out = tmp_path / "anki.apkg"
        anki.export_anki_package(
            out_path=str(out), limit=anki_collection.DeckIdLimit(did),
            options=anki_collection.ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=True,
                legacy=False))
        expected = package_media(out)
    finally:
        anki.close()
    assert expected  # the export does carry LaTeX images
    assert revealed and not revealed & expected  # but not those of revealed clozes

    for name, svg, fields in NOTES:
        if svg:
            nt = col.notetypes.by_name(name)
            nt.latex_svg = True
            col.notetypes.update(nt)
        note = col.new_note(name)
        note.fields = list(fields)
        col.add_note(note, col.decks.id("Maths"))
    for file in files:
        (col.media_folder / file).write_bytes(file.encode())
    out = tmp_path / "ours.apkg"
    summary = export_apkg(col, out, ExportOptions(deck="Maths", with_scheduling=False))
    assert set(summary.media) == expected
    assert package_media(out) == expected
