"""The browser's tag operations against the real Anki (the `anki` package, test-only): the
same notes with the same tags in both programs, the same operation, the same tags on every
note afterwards, the same count of changed notes and the same tag list."""

from __future__ import annotations

import pytest

from repetend.core import browser_ops as ops
from repetend.core.collection import Collection
from repetend.core.errors import InvalidInput

anki_collection = pytest.importorskip("anki.collection")

#: One note per entry; case variants, children, grandchildren and look-alikes.
NOTE_TAGS = [
    ["lang", "lang::fr", "other"],
    ["lang::fr::verbs"],  # (a parent's case as the tag list has it: add_note unifies it)
    ["language", "langx::y"],
    ["lang::de", "lang::de::nouns", "keep"],
    ["chapter1", "chapter2", "x_chapter"],
    ["old_one", "keep"],
    [],
    ["Straße::x", "strasse"],
    ["lang::fr", "other"],  # (the same text as the first minus 'lang': shares children)
    ["other", "lang"],
    ["a_tag", "lang::zz", "zz"],  # (renamed in its place, no longer sorted)
]

# name: (our operation, Anki's), each given (collection, note ids)
CASES = {
    "rename with children": (lambda c, n: ops.rename_tag(c, "Lang", "Language"),
                             lambda c, n: c.tags.rename("Lang", "Language")),
    "rename a child": (lambda c, n: ops.rename_tag(c, "lang::fr", "french"),
                       lambda c, n: c.tags.rename("lang::fr", "french")),
    "rename into a tag the note has": (lambda c, n: ops.rename_tag(c, "lang::fr", "other"),
                                       lambda c, n: c.tags.rename("lang::fr", "other")),
    "rename with a longer casefold": (lambda c, n: ops.rename_tag(c, "STRASSE", "road"),
                                      lambda c, n: c.tags.rename("STRASSE", "road")),
    "rename a missing tag": (lambda c, n: ops.rename_tag(c, "missing", "x"),
                             lambda c, n: c.tags.rename("missing", "x")),
    "delete with children": (lambda c, n: ops.delete_tag(c, "LANG"),
                             lambda c, n: c.tags.remove("LANG")),
    "delete a child": (lambda c, n: ops.delete_tag(c, "lang::de"),
                       lambda c, n: c.tags.remove("lang::de")),
    "remove tags": (lambda c, n: ops.remove_tags(c, n, "OTHER lang keep"),
                    lambda c, n: c.tags.bulk_remove(n, "OTHER lang keep")),
    "remove from some notes": (lambda c, n: ops.remove_tags(c, n[:4], "lang::fr"),
                               lambda c, n: c.tags.bulk_remove(n[:4], "lang::fr")),
    "replace in tags": (lambda c, n: ops.find_and_replace_tags(c, n, "chapter", "ch"),
                        lambda c, n: c.tags.find_and_replace(n, "chapter", "ch", False,
                                                             False)),
    "replace with a regex": (
        lambda c, n: ops.find_and_replace_tags(c, n, r"^(\w+)_(\w+)$", "${2}_$1",
                                               regex=True),
        lambda c, n: c.tags.find_and_replace(n, r"^(\w+)_(\w+)$", "${2}_$1", True, False)),
    "replace a whole tag with nothing": (
        lambda c, n: ops.find_and_replace_tags(c, n, "keep", ""),
        lambda c, n: c.tags.find_and_replace(n, "keep", "", False, False)),
    "replace matching case": (
        lambda c, n: ops.find_and_replace_tags(c, n, "lang", "L", match_case=True),
        lambda c, n: c.tags.find_and_replace(n, "lang", "L", False, True)),
}


def fill_repetend(path):
    col = Collection(path)
    nids = []
    for i, tags in enumerate(NOTE_TAGS):
        note = col.new_note("Basic")
        note.fields = [f"front {i}", "back"]
        note.tags = list(tags)
        col.add_note(note, col.decks.id("Default"))
        nids.append(note.id)
    return col, nids


def fill_anki(path):
    col = anki_collection.Collection(str(path))
    nids = []
    for i, tags in enumerate(NOTE_TAGS):
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = f"front {i}", "back"
        note.tags = list(tags)
        col.add_note(note, 1)
        nids.append(note.id)
    return col, nids


def test_a_replacement_with_a_space_is_refused_as_anki_refuses_it(tmp_path):
    ours, nids = fill_repetend(tmp_path / "repetend.db")
    try:
        with pytest.raises(InvalidInput, match="cannot contain a space"):
            ops.find_and_replace_tags(ours, nids, "chapter1", "two tags")
    finally:
        ours.close()


@pytest.mark.parametrize("case", CASES)
def test_tag_operation_leaves_the_tags_anki_leaves(case, tmp_path):
    ours, our_nids = fill_repetend(tmp_path / "repetend.db")
    anki, anki_nids = fill_anki(tmp_path / "anki.anki2")
    try:
        ours_op, anki_op = CASES[case]
        changed = ours_op(ours, our_nids)
        expected = anki_op(anki, anki_nids).count
        assert [ours.get_note(n).tags for n in our_nids] == \
            [anki.get_note(n).tags for n in anki_nids]
        assert changed == expected
        assert sorted(r[0] for r in ours.db.execute("SELECT tag FROM tags")) == \
            sorted(anki.tags.all())
    finally:
        ours.close()
        anki.close()
