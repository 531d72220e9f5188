"""Every conformance vector, answered through storage: the card is stored in a real collection,
answered with `col.sched.answer_card` and the stored row compared with Anki's `after`.

The clock is placed so that the seconds until the day rollover equal the vector's
`secsUntilRollover`; each button is answered from the same stored card (undoing the answer
in between, which also checks that undo restores the card exactly).
"""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from repetend.core.collection import Collection
from repetend.core.deckconfig import DeckConfig
from repetend.core.decks import DECK_FILTERED
from repetend.core.scheduler.card import CardSchedulingFields
from repetend.core.scheduler.conformance import BUTTONS, card_from_json, card_to_json

VECTORS_PATH = Path(__file__).resolve().parents[2] / "data" / "scheduler" / "vectors.jsonl"
VECTORS = [json.loads(line) for line in VECTORS_PATH.read_text(encoding="utf-8").splitlines()
           if line.strip()]

TODAY = 5000
CRT = int(datetime(2000, 1, 1, 4, tzinfo=UTC).timestamp())
NEXT_DAY_AT = CRT + (TODAY + 1) * 86400

ROW_COLUMNS = "type, queue, due, ivl, factor, reps, lapses, left, odue, odid, did, id"


class StoredVectors:
    """One collection with a home deck, a filtered deck and one card, reused by every vector."""

    def __init__(self, path: Path) -> None:
        self.col = col = Collection(path)
        col.db.execute("PRAGMA synchronous = OFF")  # speed only; nothing here must survive
        col.set_config("rollover", 4)
        col.set_config("creationOffset", 0)
        col.db.execute("UPDATE col SET crt = ?", (CRT,))
        col.sched.tz = UTC
        col.sched.fuzz = False
        self.conf = col.save_deck_config(DeckConfig(id=0, name="Vectors"))
        self.home = col.decks.id("Home")
        deck = col.decks.get(self.home)
        deck.config_id = self.conf.id
        col.decks.save(deck)
        with col.op("Add Filtered Deck"):
            self.filtered = col.decks._create("Filtered", kind=DECK_FILTERED)
        note = col.new_note("Basic")
        note.fields = ["front", "back"]
        col.add_note(note, self.home)
        self.nid = note.id
        self.cid = col.cards_of_note(note.id)[0].id

    def configure(self, vector: dict) -> None:
        c = vector["config"]
        conf = self.col.deck_config(self.conf.id)
        conf.learn_steps = c["learnSteps"]
        conf.relearn_steps = c["relearnSteps"]
        conf.graduating_interval_good = c["graduatingIntervalGood"]
        conf.graduating_interval_easy = c["graduatingIntervalEasy"]
        conf.initial_ease = c["initialEase"]
        conf.easy_multiplier = c["easyMultiplier"]
        conf.hard_multiplier = c["hardMultiplier"]
        conf.lapse_multiplier = c["lapseMultiplier"]
        conf.interval_multiplier = c["intervalMultiplier"]
        conf.maximum_review_interval = c["maximumReviewInterval"]
        conf.minimum_lapse_interval = c["minimumLapseInterval"]
        conf.leech_threshold = c["leechThreshold"]
        conf.leech_action = 0 if c["leechAction"] == "LEECH_ACTION_SUSPEND" else 1
        self.col.save_deck_config(conf)
        if "filteredDeck" in vector:
            f = vector["filteredDeck"]
            deck = self.col.decks.get(self.filtered)
            deck.extra = {"resched": f["reschedule"], "previewAgainSecs": f["previewAgainSecs"],
                          "previewHardSecs": f["previewHardSecs"],
                          "previewGoodSecs": f["previewGoodSecs"]}
            self.col.decks.save(deck)

    def store(self, vector: dict, now: int) -> None:
        card = card_from_json(vector["card"], now=now, today=TODAY)
        did, odid = (self.filtered, self.home) if card.in_filtered_deck else (self.home, 0)
        self.col.db.execute(
            "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, "
            "lapses = ?, left = ?, odue = ?, odid = ?, did = ?, data = '{}' WHERE id = ?",
            (card.type, card.queue, card.due, card.ivl, card.factor, card.reps, card.lapses,
             card.left, card.odue, odid, did, self.cid))
        tags = " leech " if vector["card"].get("leechTagged") else ""
        self.col.db.execute("UPDATE notes SET tags = ? WHERE id = ?", (tags, self.nid))

    def stored_json(self, now: int) -> dict:
        row = self.col.db.execute(f"SELECT {ROW_COLUMNS} FROM cards WHERE id = ?",
                                  (self.cid,)).fetchone()
        fields = CardSchedulingFields(*row)
        tags = self.col.db.execute("SELECT tags FROM notes WHERE id = ?",
                                   (self.nid,)).fetchone()[0]
        return card_to_json(fields, "leech" in tags.split(), now=now, today=TODAY)

    def evaluate(self, vector: dict) -> dict:
        now = NEXT_DAY_AT - vector["context"]["secsUntilRollover"]
        self.col.sched.set_now(now)
        timing = self.col.sched.timing()
        assert (timing.today, timing.secs_until_rollover) == (
            TODAY, vector["context"]["secsUntilRollover"])
        self.configure(vector)
        self.store(vector, now)
        before = self.col.db.execute("SELECT * FROM cards WHERE id = ?", (self.cid,)).fetchone()
        after = {}
        for button in BUTTONS:
            result = self.col.sched.answer_card(self.cid, button, check_due=False)
            assert result.states_error is None
            after[button] = self.stored_json(now)
            assert self.col.undo() == "Answer Card"
            restored = self.col.db.execute("SELECT * FROM cards WHERE id = ?",
                                           (self.cid,)).fetchone()
            assert tuple(restored) == tuple(before), f"undo of {button} restored the card"
        return {"after": after}


@pytest.fixture(scope="module")
def stored_results(tmp_path_factory) -> dict[str, dict]:
    stored = StoredVectors(tmp_path_factory.mktemp("vectors") / "collection.db")
    try:
        return {v["id"]: stored.evaluate(v) for v in VECTORS}
    finally:
        stored.col.close()


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def test_every_vector_is_stored_and_answered():
    assert len(VECTORS) == 2100


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_stored_card_after_answering_matches_anki(vector, stored_results):
    got = stored_results[vector["id"]]["after"]
    for button in BUTTONS:
        assert canonical(got[button]) == canonical(vector["after"][button]), \
            f"stored card after {button}"
