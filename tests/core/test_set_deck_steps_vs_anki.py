"""Change Deck of (re)learning cards to a deck whose preset has other steps: the remaining
steps Anki gives them (the real `anki` package as the judge, test-only)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("ANKI_TEST_MODE", "1")
anki_collection = pytest.importorskip("anki.collection")

from repetend.core import browser_ops  # noqa: E402
from repetend.core.deckconfig import DeckConfig  # noqa: E402
from repetend.host.testing import assert_undo_redo_exact  # noqa: E402

#: preset -> (learning steps, relearning steps), in minutes; "Down" is out of order
PRESETS = {"Two": ([1, 10], [10]), "Four": ([1, 10, 60, 120], [5, 30, 90]),
           "One": ([5], []), "None": ([], [1, 2]), "Down": ([10, 1], [10]),
           "Same": ([1, 10], [10])}
#: stored `left` values: remaining steps, out of range ones, and v1's "today" part
LEFTS = (0, 1, 2, 3, 5, 1002, 2001)
DUE = 1_900_000_000


def _grid() -> list[tuple[str, str, int, int]]:
    return [(src, dst, ctype, left) for src in PRESETS for dst in PRESETS if src != dst
            for ctype in (1, 3) for left in LEFTS]


def anki_lefts(folder: Path) -> list[int]:
    col = anki_collection.Collection(str(folder / "collection.anki2"))
    try:
        decks = {}
        for name, (learn, relearn) in PRESETS.items():
            decks[name] = col.decks.id(name)
            conf = col.decks.get_config(col.decks.add_config_returning_id(name))
            conf["new"]["delays"], conf["lapse"]["delays"] = learn, relearn
            col.decks.update_config(conf)
            deck = col.decks.get(decks[name])
            deck["conf"] = conf["id"]
            col.decks.save(deck)
        basic = col.models.by_name("Basic")
        cids = []
        for src, _dst, ctype, left in _grid():
            note = col.new_note(basic)
            note["Front"] = "x"
            col.add_note(note, decks[src])
            cid = col.db.scalar("SELECT id FROM cards WHERE nid = ?", note.id)
            col.db.execute("UPDATE cards SET type = ?, queue = 1, due = ?, left = ?, ivl = 1 "
                           "WHERE id = ?", ctype, DUE, left, cid)
            cids.append(cid)
        for dst in PRESETS:
            col.set_deck([c for c, g in zip(cids, _grid(), strict=True) if g[1] == dst],
                         decks[dst])
        return [col.db.scalar("SELECT left FROM cards WHERE id = ?", c) for c in cids]
    finally:
        col.close()


def our_collection(col: Any, add: Any) -> list[int]:
    for name, (learn, relearn) in PRESETS.items():
        conf = col.save_deck_config(DeckConfig(name=name, learn_steps=[float(s) for s in learn],
                                               relearn_steps=[float(s) for s in relearn]))
        deck = col.decks.get(col.decks.id(name))
        deck.config_id = conf.id
        col.decks.save(deck)
    cids = []
    for src, _dst, ctype, left in _grid():
        (cid,) = col.find_cards(f"nid:{add('Basic', 'x', '', deck=src).id}")
        cids.append(cid)
        with col.op("Test Setup"):
            col.db.execute("UPDATE cards SET type = ?, queue = 1, due = ?, left = ?, ivl = 1 "
                           "WHERE id = ?", (ctype, DUE, left, cid))
    return cids


def test_remaining_steps_after_change_deck_are_the_ones_anki_gives(col, add, tmp_path):
    expected = anki_lefts(tmp_path)
    cids = our_collection(col, add)
    for dst in PRESETS:
        browser_ops.set_deck(col, [c for c, g in zip(cids, _grid(), strict=True)
                                   if g[1] == dst], dst)
    got = [col.get_card(c).left for c in cids]
    wrong = [(g, e, o) for g, e, o in zip(_grid(), expected, got, strict=True) if e != o]
    assert not wrong, f"{len(wrong)} of {len(got)} differ, e.g. {wrong[:5]}"


def test_change_deck_of_learning_cards_undoes_and_redoes_exactly(col, add):
    cids = our_collection(col, add)
    assert_undo_redo_exact(col, lambda: browser_ops.set_deck(col, cids, "Four"))
