"""The real Anki (the `anki` package, test-only) as the oracle for filtered decks and custom
study: the same cards in both collections, built with each order, must land in the same
positions with the same fields, and custom study must write the same searches and settings."""

import random
import time
from pathlib import Path
from typing import Any

import pytest

from repetend.core.collection import Collection
from repetend.core.scheduler import customstudy, filtered

anki_collection = pytest.importorskip("anki.collection")
scheduler_pb2 = pytest.importorskip("anki.scheduler_pb2")

DAYS_AGO = 500
FIELDS = "type, queue, due, odue, ivl, lapses, left"


def card_rows(count: int, seed: int, now: int) -> list[dict[str, Any]]:
    """Cards of every kind with distinct intervals, lapses and review times (no ties)."""
    rng = random.Random(seed)
    ivls = rng.sample(range(1, 4000), count)
    lapses = rng.sample(range(0, 400), count)
    reviewed = rng.sample(range(1, 10**6), count)
    # dues are distinct too: days around today, positions above them, distinct timestamps
    days = rng.sample(range(-300, 300), count)
    positions = rng.sample(range(1000, 9999), count)
    secs = rng.sample(range(-5000, 5000), count)
    out = []
    for i in range(count):
        kind = rng.choice(["new", "review", "learning", "interday", "relearning"])
        row = {"type": 0, "queue": 0, "due": positions[i], "ivl": ivls[i],
               "lapses": lapses[i], "left": 0, "reviewed": reviewed[i], "relative": False}
        if kind == "review":
            row.update(type=2, queue=2, due=days[i], relative=True)
        elif kind == "learning":
            row.update(type=1, queue=1, due=now + secs[i], left=1)
        elif kind == "interday":
            row.update(type=1, queue=3, due=days[i], left=1, relative=True)
        elif kind == "relearning":
            row.update(type=3, queue=1, due=now + secs[i], left=1)
        out.append(row)
    return out


class Pair:
    """The same notes (fronts q0, q1, …) in an Anki collection and in ours."""

    def __init__(self, tmp_path: Path, rows: list[dict[str, Any]], deck: str = "Home") -> None:
        self.anki = anki_collection.Collection(str(tmp_path / "anki.anki2"))
        self.ours = Collection(tmp_path / "ours.db")
        self.anki.db.execute(f"UPDATE col SET crt = crt - {DAYS_AGO * 86400}")
        with self.ours.op("Test Setup"):
            self.ours.db.execute(f"UPDATE col SET crt = crt - {DAYS_AGO * 86400}")
        self.anki_today = self.anki.sched.today
        assert self.anki_today == self.ours.sched.timing().today >= DAYS_AGO
        self.anki_deck = self.anki.decks.id(deck)
        self.ours_deck = self.ours.decks.id(deck)
        basic = self.anki.models.by_name("Basic")
        self.anki_ids, self.ours_ids = [], []
        for i in range(len(rows)):
            note = self.anki.new_note(basic)
            note["Front"] = f"q{i}"
            self.anki.add_note(note, self.anki_deck)
            self.anki_ids.append(note.card_ids()[0])
            ours = self.ours.new_note("Basic")
            ours.fields = [f"q{i}", ""]
            self.ours_ids.append(self.ours.add_note(ours, self.ours_deck)[0].id)
        today = self.anki_today
        for a_id, o_id, row in zip(self.anki_ids, self.ours_ids, rows, strict=True):
            due = row["due"] + (today if row["relative"] else 0)
            values = (row["type"], row["queue"], due, row["ivl"], row["lapses"], row["left"])
            sql = ("UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, lapses = ?, "
                   "left = ?, factor = 2500 WHERE id = ?")
            self.anki.db.execute(sql, *values, a_id)
            self.anki.db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, "
                                 "factor, time, type) VALUES (?, ?, -1, 3, 1, 1, 0, 0, 1)",
                                 1_600_000_000_000 + row["reviewed"], a_id)
            with self.ours.op("Test Setup"):
                self.ours.db.execute(sql, (*values, o_id))
                self.ours.db.execute(
                    "INSERT INTO revlog (id, cid, usn, ease, ivl, last_ivl, factor, time, "
                    "type) VALUES (?, ?, -1, 3, 1, 1, 0, 0, 1)",
                    (1_600_000_000_000 + row["reviewed"], o_id))

    def close(self) -> None:
        self.anki.close()
        self.ours.close()

    def anki_build(self, name: str, terms: list[tuple[str, int, int]],
                   reschedule: bool = True) -> int:
        deck = self.anki.sched.get_or_create_filtered_deck(0)
        deck.name = name
        deck.config.reschedule = reschedule
        del deck.config.search_terms[:]
        for search, limit, order in terms:
            deck.config.search_terms.add(search=search, limit=limit, order=order)
        return self.anki.sched.add_or_update_filtered_deck(deck).id

    def anki_cards(self) -> dict[str, tuple]:
        out = {}
        for row in self.anki.db.all(f"SELECT c.id, {FIELDS}, c.did, c.odid FROM cards c"):
            front = self.anki.get_note(self.anki.get_card(row[0]).nid)["Front"]
            did = "home" if row[-2] == self.anki_deck else (
                "-" if row[-2] == 1 else self.anki.decks.name(row[-2]))
            out[front] = (*row[1:-2], did, row[-1] != 0)
        return out

    def ours_cards(self) -> dict[str, tuple]:
        out = {}
        for row in self.ours.db.execute(f"SELECT c.id, {FIELDS}, c.did, c.odid, n.flds FROM "
                                        "cards c JOIN notes n ON n.id = c.nid").fetchall():
            front = row[-1].split("\x1f")[0]
            did = "home" if row[-3] == self.ours_deck else (
                "-" if row[-3] == 1 else self.ours.decks.get(row[-3]).name)
            out[front] = (*tuple(row)[1:-3], did, row[-2] != 0)
        return out

    def assert_same(self) -> None:
        anki, ours = self.anki_cards(), self.ours_cards()
        # learning dues are timestamps taken a moment apart
        for fields in (anki, ours):
            for front, values in fields.items():
                fields[front] = tuple(v // 100 if isinstance(v, int) and v > 1_000_000_000
                                      else v for v in values)
        assert ours == anki


@pytest.fixture
def pair(tmp_path):
    p = Pair(tmp_path, card_rows(40, 7, int(time.time())))
    yield p
    p.close()


ORDERS = [filtered.OLDEST_SEEN_FIRST, filtered.INTERVALS_ASCENDING,
          filtered.INTERVALS_DESCENDING, filtered.MOST_LAPSES, filtered.ADDED, filtered.DUE,
          filtered.LATEST_ADDED_FIRST, filtered.RELATIVE_OVERDUENESS]


@pytest.mark.parametrize("reschedule", [True, False])
def test_every_order_builds_the_same_deck_as_anki(pair, reschedule):
    for order in ORDERS:
        name = f"Order {order}"
        fid = pair.anki_build(name, [("deck:Home", 25, order)], reschedule)
        ours = filtered.add_or_update_filtered_deck(pair.ours, name, filtered.FilteredConfig(
            terms=(filtered.SearchTerm("deck:Home", 25, order),), reschedule=reschedule))
        assert ours.count == 25
        pair.assert_same()
        pair.anki.sched.empty_filtered_deck(fid)
        filtered.empty_filtered_deck(pair.ours, ours.deck_id)
        pair.assert_same()


def test_two_filters_and_rebuild_match_anki(pair):
    terms = [("deck:Home is:due", 6, filtered.DUE), ("deck:Home", 9, filtered.MOST_LAPSES)]
    fid = pair.anki_build("Two", terms)
    ours = filtered.add_or_update_filtered_deck(pair.ours, "Two", filtered.FilteredConfig(
        terms=tuple(filtered.SearchTerm(*t) for t in terms)))
    pair.assert_same()
    assert pair.anki.decks.get(fid)["terms"] == pair.ours.decks.get(ours.deck_id).extra["terms"]
    pair.anki.sched.rebuild_filtered_deck(fid)
    filtered.rebuild_filtered_deck(pair.ours, ours.deck_id)
    pair.assert_same()
    keys = ("resched", "terms", "separate", "delays", "previewDelay", "previewAgainSecs",
            "previewHardSecs", "previewGoodSecs")
    anki_deck = pair.anki.decks.get(fid)
    assert {k: anki_deck[k] for k in keys} == \
        {k: pair.ours.decks.get(ours.deck_id).extra[k] for k in keys}


def custom(col: Any, did: int, **value: Any) -> None:
    if "cram" in value:
        kind, limit, include, exclude = value.pop("cram")
        value["cram"] = scheduler_pb2.CustomStudyRequest.Cram(
            kind=kind, card_limit=limit, tags_to_include=include, tags_to_exclude=exclude)
    col.sched.custom_study(scheduler_pb2.CustomStudyRequest(deck_id=did, **value))


@pytest.mark.parametrize("deck", ["Home", "My Deck", "Par::Kid (1)", "a_b*"])
def test_custom_study_writes_the_same_session_as_anki(tmp_path, deck):
    pair = Pair(tmp_path, card_rows(30, 3, int(time.time())), deck=deck)
    try:
        ours, anki = pair.ours, pair.anki
        # Anki's CramKind: 0 due, 1 new, 2 review, 3 all
        presets = [
            (dict(review_ahead_days=40), lambda: customstudy.review_ahead(
                ours, pair.ours_deck, 40)),
            (dict(preview_days=1), lambda: customstudy.preview_new(ours, pair.ours_deck, 1)),
            (dict(cram=(1, 7, [], ["x", "y"])), lambda: customstudy.study_by_state(
                ours, pair.ours_deck, "new", 7, [], ["x", "y"])),
            (dict(cram=(0, 50, [], [])), lambda: customstudy.study_by_state(
                ours, pair.ours_deck, "due", 50)),
            (dict(cram=(2, 9, [], ["z"])), lambda: customstudy.study_by_state(
                ours, pair.ours_deck, "review", 9, [], ["z"])),
            (dict(cram=(3, 11, [], [])), lambda: customstudy.study_by_state(
                ours, pair.ours_deck, "all", 11)),
        ]
        keys = ("resched", "terms", "previewDelay", "previewAgainSecs", "previewHardSecs",
                "previewGoodSecs")
        for anki_value, run in presets:
            custom(anki, pair.anki_deck, **anki_value)
            result = run()
            anki_deck = anki.decks.by_name(customstudy.CUSTOM_STUDY_SESSION)
            ours_deck = ours.decks.by_name(customstudy.CUSTOM_STUDY_SESSION)
            assert {k: anki_deck[k] for k in keys} == {k: ours_deck.extra[k] for k in keys}
            assert result.search == anki_deck["terms"][0][0]
            if anki_deck["terms"][0][2] != filtered.RANDOM:
                pair.assert_same()
    finally:
        pair.close()


def test_todays_limits_match_anki(tmp_path):
    pair = Pair(tmp_path, [{"type": 0, "queue": 0, "due": i + 1, "ivl": 0, "lapses": 0,
                            "left": 0, "reviewed": i + 1, "relative": False}
                           for i in range(40)])
    try:
        custom(pair.anki, pair.anki_deck, new_limit_delta=7)
        customstudy.increase_new_limit(pair.ours, pair.ours_deck, 7)
        custom(pair.anki, pair.anki_deck, review_limit_delta=-3)
        customstudy.increase_review_limit(pair.ours, pair.ours_deck, -3)
        pair.anki.decks.select(pair.anki_deck)
        ours = pair.ours.sched.counts(pair.ours_deck)
        assert (ours.new, ours.learn, ours.review) == tuple(pair.anki.sched.counts())
        anki_deck = pair.anki.decks.get(pair.anki_deck)
        extra = pair.ours.decks.get(pair.ours_deck).extra
        assert extra["newToday"] == anki_deck["newToday"]
        assert extra["revToday"] == anki_deck["revToday"]
        assert extra["extendNew"] == anki_deck["extendNew"] == 7
    finally:
        pair.close()
