"""The real `anki` package as the judge: an awkward collection built and studied in Anki,
and helpers that import packages into Anki and compare collections by what a user sees.

Shared by the end-to-end tests (tests/test_e2e_*.py); imported as `anki_oracle` (this folder
is on the test path). Importing it skips the test module when `anki` is not installed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("ANKI_TEST_MODE", "1")
anki_collection = pytest.importorskip("anki.collection")

from repetend.core.collection import Collection  # noqa: E402

AnkiCollection = anki_collection.Collection
MEDIA = {"my pic é.png": b"\x89PNG\r\n\x1a\npic", "日本 語.mp3": b"ID3 sound",
         "a&b+c.jpg": b"\xff\xd8\xff jpg"}


def anki_options(**kw: bool) -> Any:
    """Anki's .apkg export options: everything, modern format, unless `kw` says otherwise."""
    base = {"with_scheduling": True, "with_deck_configs": True, "with_media": True,
            "legacy": False}
    return anki_collection.ExportAnkiPackageOptions(**{**base, **kw})


def build_awkward(folder: Path) -> Any:
    """The awkward collection, made and studied in Anki; returns the open collection.

    Sub-sub-decks and unicode deck names, a filtered deck holding three cards, a suspended,
    a manually buried and a flagged card, learning and review cards with their review log,
    nested clozes with a hint and a repeated ordinal, a cloze note whose only ordinals are 2
    and 5, a type-in note, a note type with custom CSS and LaTeX, and media with spaces,
    accents, CJK and `&` in their names."""
    col = AnkiCollection(str(folder / "collection.anki2"))
    for name, data in MEDIA.items():
        (Path(col.media.dir()) / name).write_bytes(data)
    decks = {n: col.decks.id(n) for n in ("Langs::日本語::Vocab::N5", "Langs::Ελληνικά",
                                          "Top", "Top::Sub::SubSub")}
    basic = col.models.by_name("Basic")
    latex = col.models.copy(basic)
    latex["name"] = "Custom LaTeX ✓"
    latex["css"] = ".card { font-family: 'Noto'; color: #123; }"
    col.models.update_dict(latex)

    def add(model: str | dict, fields: list[str], deck: str, tags: str = "") -> None:
        note = col.new_note(col.models.by_name(model) if isinstance(model, str) else model)
        for i, value in enumerate(fields):
            note.fields[i] = value
        note.tags = tags.split()
        col.add_note(note, decks[deck])

    add("Basic", ['<b>bold</b> &amp; &lt;tag&gt; <img src="my pic é.png">',
                  "back [sound:日本 語.mp3]"], "Langs::日本語::Vocab::N5", "日本語 lang::ja::n5")
    add("Cloze", ["{{c1::outer {{c2::inner}} text}} and {{c3::hint::the hint}} {{c1::again}}",
                  "extra"], "Top::Sub::SubSub", "cloze nested")
    add("Cloze", ["only {{c5::five}} and {{c2::two}}", ""], "Top", "cloze")
    add("Basic (type in the answer)", ["Capital of France?", "Paris"], "Langs::Ελληνικά",
        "typein")
    add("Basic (and reversed card)", ['front <div style="color:red">x</div>',
                                      'back <img src="a&amp;b+c.jpg">'], "Top")
    add(latex, ["[latex]$x^2$[/latex]", "[$]y[/$]"], "Top", "latex")
    for i in range(8):
        add("Basic", [f"card {i}", f"ans {i}"], "Top::Sub::SubSub", "filler")
    col.sched.suspend_cards(col.find_cards("tag:typein"))
    col.sched.bury_cards(col.find_cards("tag:filler", order="c.id")[:1], manual=True)
    col.set_user_flag_for_cards(3, col.find_cards("tag:latex"))
    for cid in col.find_cards("deck:Top -tag:filler -tag:latex", order="c.id")[:4]:
        card = col.get_card(cid)
        card.start_timer()
        col.sched.answerCard(card, 3)
    for cid in col.find_cards("tag:nested", order="c.id")[:2]:
        for _ in range(3):
            card = col.get_card(cid)
            card.start_timer()
            col.sched.answerCard(card, 3)
    add_filtered_deck(col, "Filtered ⚡", "tag:filler -is:buried", 3)
    return col


def add_filtered_deck(col: Any, name: str, search: str, limit: int) -> int:
    """A filtered deck built in Anki from one search; its id."""
    filtered = col.sched.get_or_create_filtered_deck(0)
    filtered.name = name
    filtered.config.search_terms[0].search = search
    filtered.config.search_terms[0].limit = limit
    del filtered.config.search_terms[1:]
    return col.sched.add_or_update_filtered_deck(filtered).id


def anki_import(col: Any, path: Path) -> None:
    """Import a package into an Anki collection as a user would (scheduling and presets)."""
    options = anki_collection.ImportAnkiPackageOptions(
        merge_notetypes=False, with_scheduling=True, with_deck_configs=True, update_notes=0,
        update_notetypes=0)
    col.import_anki_package(anki_collection.ImportAnkiPackageRequest(
        package_path=str(path), options=options))


def anki_restore(package: Path, folder: Path) -> Any:
    """A .colpkg opened as Anki restores it (the caller closes it)."""
    from anki._backend import RustBackend

    folder.mkdir()
    RustBackend().import_collection_package(
        col_path=str(folder / "collection.anki2"), backup_path=str(package),
        media_folder=str(folder / "collection.media"),
        media_db=str(folder / "collection.media.db2"))
    return AnkiCollection(str(folder / "collection.anki2"))


def anki_latex_names(col: Any, text: str, svg: bool = False,
                     expand: bool = False) -> list[str]:
    """The LaTeX image names Anki gives `text` (`expand`: with clozes revealed), in order."""
    out = col._backend.extract_latex(text=text, svg=svg, expand_clozes=expand)
    return [item.filename for item in out.latex]


def anki_cards(col: Any) -> dict[tuple[str, int], dict[str, Any]]:
    """Each card by (note guid, ord): its scheduling and (home) deck names."""
    names = {d["id"]: d["name"] for d in col.decks.all()}
    return {(guid, ord_): {"deck": names[did], "home": names.get(odid), "type": ctype,
                           "queue": queue, "due": due, "odue": odue, "ivl": ivl,
                           "factor": factor, "reps": reps, "lapses": lapses, "flags": flags}
            for guid, ord_, did, odid, ctype, queue, due, odue, ivl, factor, reps, lapses,
            flags in col.db.all(
                "SELECT n.guid, c.ord, c.did, c.odid, c.type, c.queue, c.due, c.odue, c.ivl, "
                "c.factor, c.reps, c.lapses, c.flags FROM cards c JOIN notes n ON n.id = c.nid")}


def our_cards(col: Collection) -> dict[tuple[str, int], dict[str, Any]]:
    """`anki_cards` of a Repetend collection."""
    names = {d.id: d.name for d in col.decks.all()}
    return {(r["guid"], r["ord"]): {
        "deck": names[r["did"]], "home": names.get(r["odid"]), "type": r["type"],
        "queue": r["queue"], "due": r["due"], "odue": r["odue"], "ivl": r["ivl"],
        "factor": r["factor"], "reps": r["reps"], "lapses": r["lapses"], "flags": r["flags"]}
        for r in col.db.execute(
            "SELECT n.guid, c.ord, c.did, c.odid, c.type, c.queue, c.due, c.odue, c.ivl, "
            "c.factor, c.reps, c.lapses, c.flags FROM cards c JOIN notes n ON n.id = c.nid")}


def anki_decks(col: Any) -> dict[str, bool]:
    """Each deck's name and whether it is a filtered deck."""
    return {d["name"]: bool(d["dyn"]) for d in col.decks.all()}


def anki_notes(col: Any) -> dict[str, tuple[str, list[str]]]:
    """Each note by guid: its fields and sorted tags."""
    return {g: (f, sorted(t.split())) for g, f, t in col.db.all(
        "SELECT guid, flds, tags FROM notes")}


def our_notes(col: Collection) -> dict[str, tuple[str, list[str]]]:
    """`anki_notes` of a Repetend collection."""
    return {r[0]: (r[1], sorted(r[2].split())) for r in col.db.execute(
        "SELECT guid, flds, tags FROM notes")}


def anki_media(col: Any) -> dict[str, str]:
    """The media folder's files and the SHA-1 of their contents."""
    folder = Path(col.media.dir())
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in folder.iterdir()
            if p.is_file()}
