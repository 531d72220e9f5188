"""A new tag takes the case of its nearest registered ancestor, judged by the real Anki
(`anki` package, test-only): the same tags registered in the same order in both programs,
the same note added, edited or tagged, the same tags on the note and in the tag list.

Anki 26.9: adding "Lang::FR::verbs" when "lang" is registered stores "lang::FR::verbs"; a
tag registered in another case keeps that case whole; only registered tags count (a child
"lang::fr::verbs" does not register "lang::fr"); a note's tags register in their order, so
"Lang lang::x" gives "Lang::x" but "lang::x Lang" leaves both as typed.
"""

from __future__ import annotations

import pytest

from repetend.core import browser_ops
from repetend.core.collection import Collection
from repetend.core.importing.apkg_import import import_apkg

anki_collection = pytest.importorskip("anki.collection")

from anki_oracle import anki_import  # noqa: E402

# (tags registered first, one note each in this order; the new note's tags)
CASES = [
    (["lang"], "Lang::FR::verbs"),
    (["lang::fr"], "Lang::FR::verbs LANG::FR::nouns"),
    (["lang::fr::verbs"], "Lang::FR::Verbs"),  # the whole tag in other case
    (["lang::fr::verbs"], "LANG::FR"),  # a parent of a registered tag is new
    (["Lang::FR::x"], "lang::fr::y"),  # a sibling is no ancestor
    (["lang", "LANG::Fr"], "lang::fr::x"),  # ('LANG::Fr' itself became 'lang::Fr')
    (["Lang::Fr", "lang"], "LANG::FR::x LANG::FR LANG"),  # the nearest ancestor wins
    (["Lang::Fr::x"], "lang::fr::X::y"),
    (["a::b"], "A::B::c A::b::d"),
    ([], "Lang lang::x"),  # the note's own tags, in their order
    ([], "lang::x Lang"),
    ([], "X::a::b X::A::c x::a"),
    (["ÉCOLE", "straße"], "école::x STRASSE::y"),  # Unicode case
    (["Été"], "e\u0301te\u0301::x"),  # decomposed é
    (["a"], "A::::b ::A::c"),  # empty components are 'blank'
]
HOW = ["add_note", "update_note", "add tags"]


def params() -> list:
    return [(registered, tags, how) for registered, tags in CASES for how in HOW]


def run_anki(path, registered: list[str], tags: str, how: str):
    col = anki_collection.Collection(str(path))
    try:
        basic = col.models.by_name("Basic")
        for i, tag in enumerate(registered):
            note = col.new_note(basic)
            note["Front"], note.tags = f"registered {i}", [tag]
            col.add_note(note, 1)
        note = col.new_note(basic)
        note["Front"] = "new"
        if how == "add_note":
            note.tags = tags.split()
        col.add_note(note, 1)
        if how == "update_note":
            note = col.get_note(note.id)
            note.tags = tags.split()
            col.update_note(note)
        elif how == "add tags":
            col.tags.bulk_add([note.id], tags)
        return col.get_note(note.id).tags, sorted(col.tags.all())
    finally:
        col.close()


def run_ours(path, registered: list[str], tags: str, how: str):
    col = Collection(path)
    try:
        did = col.decks.id("Default")
        for i, tag in enumerate(registered):
            note = col.new_note("Basic")
            note.fields, note.tags = [f"registered {i}", ""], [tag]
            col.add_note(note, did)
        note = col.new_note("Basic")
        note.fields = ["new", ""]
        if how == "add_note":
            note.tags = tags.split()
        col.add_note(note, did)
        if how == "update_note":
            note = col.get_note(note.id)
            note.tags = tags.split()
            col.update_note(note)
        elif how == "add tags":
            browser_ops.add_tags(col, [note.id], tags)
        return col.get_note(note.id).tags, sorted(r[0] for r in col.db.execute(
            "SELECT tag FROM tags"))
    finally:
        col.close()


@pytest.mark.parametrize(("registered", "tags", "how"), params())
def test_new_tag_takes_its_registered_ancestors_case(tmp_path, registered, tags, how):
    expected = run_anki(tmp_path / "anki.anki2", registered, tags, how)
    assert run_ours(tmp_path / "repetend.db", registered, tags, how) == expected


def test_imported_notes_tags_take_the_registered_case(tmp_path):
    """A package's "Lang::FR::x" joins the collection's "lang" as "lang::FR::x"."""
    (tmp_path / "src").mkdir()
    src = anki_collection.Collection(str(tmp_path / "src" / "collection.anki2"))
    try:
        note = src.new_note(src.models.by_name("Basic"))
        note["Front"], note.tags = "imported", ["Lang::FR::x", "Other::Y", "New::Z"]
        src.add_note(note, 1)
        package = tmp_path / "tags.apkg"
        src.export_anki_package(
            out_path=str(package), limit=None,
            options=anki_collection.ExportAnkiPackageOptions(
                with_scheduling=True, with_deck_configs=True, with_media=True, legacy=False))
    finally:
        src.close()
    results = []
    for folder, make in (("anki", anki_collection.Collection), ("ours", Collection)):
        (tmp_path / folder).mkdir()
        col = make(str(tmp_path / folder / "collection.anki2"))
        try:
            if make is Collection:
                note = col.new_note("Basic")
                note.fields, note.tags = ["mine", ""], ["lang", "other::y"]
                col.add_note(note, col.decks.id("Default"))
                import_apkg(col, package)
                results.append((sorted(col.get_note(n).tags for n in col.note_ids()),
                                sorted(r[0] for r in col.db.execute("SELECT tag FROM tags"))))
            else:
                note = col.new_note(col.models.by_name("Basic"))
                note["Front"], note.tags = "mine", ["lang", "other::y"]
                col.add_note(note, 1)
                anki_import(col, package)
                results.append((sorted(col.get_note(n).tags for n in col.find_notes("")),
                                sorted(col.tags.all())))
        finally:
            col.close()
    assert results[0][0] == [["lang", "other::y"], ["lang::FR::x", "New::Z", "other::y"]]
    assert results[1] == results[0]
