"""Deck names typed by a user end up as the deck Anki would pick or create: same cleaning,
same Unicode case folding and normalization (the real `anki` package as the judge,
test-only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

anki_collection = pytest.importorskip("anki.collection")

from repetend.core.collection import Collection  # noqa: E402

#: Typed one after the other: later ones must find (or be told apart from) earlier ones.
NAMES = [
    "Déjà::Vu", "DÉJÀ::VU", "de\u0301ja\u0300::vu", "Straße::x", "STRASSE::x", "strasse::y",
    "Tab\there", "line\nbreak", "Top::in\r\nside", "x\x00y", "x\x1fy", "x\x7fy", "a\x1f::b",
    "A::::B", "::C", "D::", "\xa0nb\xa0", "\u3000wide\u2028", "a\xa0b", "a\x85b", "x\u200by",
    "ǅ", "Ǆ", "ǆ", "ΣΑΣ", "σας", "ς", "K", "\u212a", "İ", "i\u0307", "Ⅰ", "ⅰ",
    "ﬃ", "FFI", "ﬀ", "FF", "Ⱟ", "ⱟ", "ΐ", "\u0390", "default::kid", "a::B::c",
]

#: Renames of one deck ("Other"), one after the other, onto taken names in other forms.
RENAMES = ["DÉJÀ::VU", "déjà::vu", "Tab\tname", "A::::B", "STRASSE", "ﬃ", "Ꟁ"]


@pytest.fixture
def both(tmp_path: Path) -> Any:
    (tmp_path / "a").mkdir()
    (tmp_path / "r").mkdir()
    a = anki_collection.Collection(str(tmp_path / "a" / "collection.anki2"))
    r = Collection(tmp_path / "r" / "collection.db")
    yield a, r
    a.close()
    r.close()


def test_typed_names_find_or_create_the_deck_anki_does(both: Any) -> None:
    a, r = both
    for name in NAMES:
        assert r.decks.get(r.decks.id(name)).name == a.decks.name(a.decks.id(name)), name
    assert sorted(d.name for d in r.decks.all()) == sorted(
        d.name for d in a.decks.all_names_and_ids())


def test_renames_get_the_names_anki_gives(both: Any) -> None:
    a, r = both
    for name in NAMES[:6]:
        a.decks.id(name)
        r.decks.id(name)
    theirs, ours = a.decks.id("Other"), r.decks.id("Other")
    for name in RENAMES:
        a.decks.rename(theirs, name)
        assert r.decks.rename(ours, name) == a.decks.name(theirs), name
    assert sorted(d.name for d in r.decks.all()) == sorted(
        d.name for d in a.decks.all_names_and_ids())
