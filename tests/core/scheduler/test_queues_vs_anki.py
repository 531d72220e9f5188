"""Study queues against the real Anki (the `anki` package, a test-only dependency): the same
decks, presets and cards built in both, then the counts and the order of the queue compared.

Only orders without a random component are compared (Anki's random tiebreaks use its own
hash); every scenario gives its cards distinct dues, intervals or eases where the order
depends on them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest

anki_collection = pytest.importorskip("anki.collection")

from repetend.core.collection import Collection  # noqa: E402
from repetend.core.deckconfig import DeckConfig  # noqa: E402

# Repetend preset field -> (Anki schema-11 section or None, key)
_ANKI_OPTION = {
    "new_per_day": ("new", "perDay"), "reviews_per_day": ("rev", "perDay"),
    "bury_new": ("new", "bury"), "bury_reviews": ("rev", "bury"),
    "bury_interday_learning": (None, "buryInterdayLearning"),
    "new_mix": (None, "newMix"), "interday_learning_mix": (None, "interdayLearningMix"),
    "new_card_gather_priority": (None, "newGatherPriority"),
    "new_card_sort_order": (None, "newSortOrder"), "review_order": (None, "reviewOrder"),
    "learn_steps": ("new", "delays"), "relearn_steps": ("lapse", "delays"),
}


@dataclass
class Scenario:
    #: deck name -> preset options (Repetend names); every deck gets its own preset
    decks: dict[str, dict[str, Any]]
    #: (deck, [card spec per template]); a spec: ("new", pos) | ("review", due, ivl, factor)
    #: | ("interday", due) | ("learn", secs from now); two specs = a reversed note
    notes: list[tuple[str, list[tuple]]]
    #: deck name -> extra keys (limits, counters with "TODAY" standing for today)
    deck_extra: dict[str, dict[str, Any]] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)


def _fields(spec: tuple, today: int, now: int) -> dict[str, int]:
    kind = spec[0]
    if kind == "new":
        return {"type": 0, "queue": 0, "due": spec[1]}
    if kind == "review":
        return {"type": 2, "queue": 2, "due": today + spec[1], "ivl": spec[2],
                "factor": spec[3]}
    if kind == "interday":
        return {"type": 1, "queue": 3, "due": today + spec[1], "left": 1}
    return {"type": 1, "queue": 1, "due": now + spec[1], "left": 1}


def _extra(values: dict[str, Any], today: int) -> dict[str, Any]:
    def fix(v):
        if v == "TODAY":
            return today
        if isinstance(v, list):
            return [fix(x) for x in v]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        return v
    return fix(values)


def _build_anki(col, scenario: Scenario) -> dict[int, str]:
    """Decks, presets and cards of `scenario` in an Anki collection; card id -> label."""
    for key, value in scenario.config.items():
        col.set_config(key, value)
    today, now = col.sched.today, int(time.time())
    for name, options in scenario.decks.items():
        did = col.decks.id(name)
        conf = col.decks.get_config(col.decks.add_config_returning_id(f"preset {name}"))
        for option, value in options.items():
            section, key = _ANKI_OPTION[option]
            (conf[section] if section else conf)[key] = value
        col.decks.update_config(conf)
        deck = col.decks.get(did)
        deck["conf"] = conf["id"]
        deck.update(_extra(scenario.deck_extra.get(name, {}), today))
        col.decks.save(deck)
    labels = {}
    for n, (deck, specs) in enumerate(scenario.notes):
        model = col.models.by_name("Basic" if len(specs) == 1 else "Basic (and reversed card)")
        note = col.new_note(model)
        note["Front"], note["Back"] = f"front {n}", f"back {n}"
        col.add_note(note, col.decks.id(deck))
        for ord_, (cid, spec) in enumerate(zip(note.card_ids(), specs, strict=True)):
            sets = _fields(spec, today, now)
            col.db.execute("UPDATE cards SET " + ", ".join(f"{k} = ?" for k in sets) +
                           " WHERE id = ?", *sets.values(), cid)
            labels[cid] = f"{n}.{ord_}"
    return labels


def run_anki(scenario: Scenario, path) -> dict[str, tuple[list[str], tuple[int, int, int]]]:
    col = anki_collection.Collection(str(path))
    try:
        labels = _build_anki(col, scenario)
        out = {}
        for name in scenario.decks:
            col.decks.select(col.decks.id(name))
            queued = col.sched.get_queued_cards(fetch_limit=1000)
            out[name] = ([labels[c.card.id] for c in queued.cards],
                         (queued.new_count, queued.learning_count, queued.review_count))
        return out
    finally:
        col.close()


def _build_repetend(col: Collection, scenario: Scenario) -> dict[int, str]:
    for key, value in scenario.config.items():
        col.set_config(key, value)
    timing = col.sched.timing()
    today, now = timing.today, timing.now
    for name, options in scenario.decks.items():
        conf = col.save_deck_config(DeckConfig(id=0, name=f"preset {name}", **options))
        deck = col.decks.get(col.decks.id(name))
        deck.config_id = conf.id
        deck.extra.update(_extra(scenario.deck_extra.get(name, {}), today))
        col.decks.save(deck)
    labels = {}
    for n, (deck, specs) in enumerate(scenario.notes):
        note = col.new_note("Basic" if len(specs) == 1 else "Basic (and reversed card)")
        note.fields = [f"front {n}", f"back {n}"]
        cards = col.add_note(note, col.decks.id(deck))
        with col.op("Test Setup"):
            for ord_, (card, spec) in enumerate(zip(cards, specs, strict=True)):
                sets = _fields(spec, today, now)
                col.db.execute("UPDATE cards SET " + ", ".join(f"{k} = ?" for k in sets) +
                               " WHERE id = ?", (*sets.values(), card.id))
                labels[card.id] = f"{n}.{ord_}"
    return labels


def run_repetend(scenario: Scenario, path) -> dict[str, tuple[list[str], tuple[int, int, int]]]:
    col = Collection(path)
    try:
        col.sched.fuzz = False
        labels = _build_repetend(col, scenario)
        out = {}
        for name in scenario.decks:
            did = col.decks.id(name)
            ids = col.sched.queued_card_ids(did)
            c = col.sched.counts(did)
            out[name] = ([labels[i] for i in ids], (c.new, c.learn, c.review))
        return out
    finally:
        col.close()


def review(due: int, ivl: int = 10, factor: int = 2500) -> tuple:
    return ("review", due, ivl, factor)


SCENARIOS = {
    "tree limits": Scenario(
        decks={"P": {"reviews_per_day": 12}, "P::C": {"reviews_per_day": 5},
               "P::C::G1": {"reviews_per_day": 4}, "P::C::G2": {"reviews_per_day": 2},
               "P::O": {"reviews_per_day": 9}},
        notes=[(d, [review(-i - 3 * k)]) for k, d in enumerate(["P::C::G1", "P::C::G2",
                                                                 "P::O", "P::C"])
               for i in range(3)] + [("P", [review(-20)])]),
    "limits from the top": Scenario(
        decks={"P": {"reviews_per_day": 3}, "P::C": {"reviews_per_day": 10}},
        notes=[("P::C", [review(-i)]) for i in range(6)],
        config={"applyAllParentLimits": True}),
    "new capped by reviews": Scenario(
        decks={"D": {"new_per_day": 5, "reviews_per_day": 10}},
        notes=[("D", [review(-i)]) for i in range(8)] + [("D", [("new", i)]) for i in range(9)],
        deck_extra={"D": {"newToday": ["TODAY", 1], "revToday": ["TODAY", 2]}}),
    "new ignoring the review limit": Scenario(
        decks={"D": {"new_per_day": 5, "reviews_per_day": 10}},
        notes=[("D", [review(-i)]) for i in range(8)] + [("D", [("new", i)]) for i in range(9)],
        deck_extra={"D": {"newToday": ["TODAY", 1], "revToday": ["TODAY", 2],
                          "reviewLimitToday": {"limit": 9, "today": "TODAY"}}},
        config={"newCardsIgnoreReviewLimit": True}),
    "interday learning and the review limit": Scenario(
        decks={"D": {"reviews_per_day": 4}},
        notes=[("D", [("interday", -i)]) for i in range(3)] +
              [("D", [review(-5 - i)]) for i in range(4)] + [("D", [("learn", -60)])]),
    "burying at gather": Scenario(
        decks={"D": {"bury_new": True, "bury_reviews": True, "bury_interday_learning": True}},
        notes=[("D", [("learn", -10), ("new", 1)]),
               ("D", [("interday", 0), review(-1)]),
               ("D", [review(-2), ("new", 2)]),
               ("D", [("new", 3), ("new", 3)])]),
    "burying one kind": Scenario(
        decks={"D": {"bury_reviews": True}},
        notes=[("D", [review(-2), ("new", 2)]), ("D", [review(-3), review(-4)]),
               ("D", [("new", 5), ("new", 5)])]),
    "mix with reviews": Scenario(
        decks={"D": {"new_mix": 0, "interday_learning_mix": 0}},
        notes=[("D", [review(-i)]) for i in range(7)] + [("D", [("interday", -1)]),
                                                          ("D", [("interday", 0)])] +
              [("D", [("new", i)]) for i in range(3)]),
    "new before, interday after": Scenario(
        decks={"D": {"new_mix": 2, "interday_learning_mix": 1}},
        notes=[("D", [review(-i)]) for i in range(3)] + [("D", [("interday", 0)])] +
              [("D", [("new", i)]) for i in range(2)]),
    "gather by deck, sort by card type": Scenario(
        decks={"P": {"new_card_gather_priority": 0, "new_card_sort_order": 0},
               "P::B": {}, "P::A": {}},
        notes=[("P::B", [("new", 1), ("new", 1)]), ("P::B", [("new", 2)]),
               ("P::A", [("new", 3), ("new", 3)]), ("P", [("new", 4)])]),
    "gather by position, in gathered order": Scenario(
        decks={"P": {"new_card_gather_priority": 1, "new_card_sort_order": 1},
               "P::B": {}, "P::A": {}},
        notes=[("P::B", [("new", 1), ("new", 1)]), ("P::B", [("new", 2)]),
               ("P::A", [("new", 3), ("new", 3)]), ("P", [("new", 0)])]),
    "descending position": Scenario(
        decks={"P": {"new_card_gather_priority": 2, "new_card_sort_order": 1,
                     "new_per_day": 3}, "P::A": {}},
        notes=[("P::A", [("new", i)]) for i in range(6)]),
    "review order by interval and ease": Scenario(
        decks={"I": {"review_order": 3}, "J": {"review_order": 4}, "E": {"review_order": 5},
               "F": {"review_order": 6}},
        notes=[(d, [review(-i, ivl=3 + 7 * i, factor=1300 + 400 * ((i * 3) % 5))])
               for d in "IJEF" for i in range(5)]),
    "review order by deck and due": Scenario(
        decks={"P": {"review_order": 2}, "P::B": {}, "P::A": {}},
        notes=[("P::B", [review(-5)]), ("P::A", [review(0)]), ("P::A", [review(-1)]),
               ("P", [review(-3)])]),
    "review order by date added": Scenario(
        decks={"D": {"review_order": 9}, "E": {"review_order": 10}},
        notes=[(d, [review(-i)]) for d in "DE" for i in range(4)]),
}


@pytest.fixture(autouse=True)
def no_fuzz(monkeypatch):
    monkeypatch.setenv("ANKI_TEST_MODE", "1")
    monkeypatch.setenv("REPETEND_NO_FUZZ", "1")


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_queue_matches_anki(name, tmp_path):
    scenario = SCENARIOS[name]
    (tmp_path / "anki").mkdir()
    theirs = run_anki(scenario, tmp_path / "anki" / "collection.anki2")
    ours = run_repetend(scenario, tmp_path / "repetend.db")
    for deck in scenario.decks:
        assert ours[deck][1] == theirs[deck][1], f"counts of {deck}"
        assert ours[deck][0] == theirs[deck][0], f"queue order of {deck}"


def session_anki(scenario: Scenario, path, deck: str, buttons: list[int]) -> list[tuple]:
    from anki.cards import Card
    from anki.scheduler.v3 import CardAnswer

    ratings = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
    col = anki_collection.Collection(str(path))
    try:
        labels = _build_anki(col, scenario)
        col.decks.select(col.decks.id(deck))
        shown = []
        for button in buttons:
            queued = col.sched.get_queued_cards(fetch_limit=1)
            if not queued.cards:
                break
            top = queued.cards[0]
            shown.append((labels[top.card.id], (queued.new_count, queued.learning_count,
                                                queued.review_count),
                          tuple(label.replace("\u2068", "").replace("\u2069", "")
                                for label in col.sched.describe_next_states(top.states))))
            card = Card(col)
            card._load_from_backend_card(top.card)
            card.timer_started = time.time()
            col.sched.answer_card(col.sched.build_answer(card=card, states=top.states,
                                                         rating=ratings[button]))
        return shown
    finally:
        col.close()


def session_repetend(scenario: Scenario, path, deck: str, buttons: list[int]) -> list[tuple]:
    col = Collection(path)
    try:
        col.sched.fuzz = False
        labels = _build_repetend(col, scenario)
        shown = []
        for button in buttons:
            queued = col.sched.get_next_card(deck)
            if queued is None:
                break
            c = queued.counts
            shown.append((labels[queued.card.id], (c.new, c.learn, c.review), queued.labels))
            col.sched.answer_card(queued.card, button, queued.states)
        return shown
    finally:
        col.close()


def test_a_study_session_matches_anki(tmp_path):
    # Each learning card gets its own delay, so no two are due in the same second (Anki
    # breaks such ties by where its binary search lands).
    scenario = Scenario(
        decks={"P": {"bury_new": True, "new_per_day": 4, "relearn_steps": [12.0]},
               "P::C": {"learn_steps": [3.0, 30.0], "relearn_steps": [15.0]}},
        notes=[("P::C", [review(-3, ivl=4), ("new", 1)]), ("P", [review(-1, ivl=30)]),
               ("P", [review(0, ivl=2, factor=1800)]), ("P::C", [("new", 2), ("new", 2)]),
               ("P", [("new", 3)]), ("P", [("new", 4)]), ("P::C", [("new", 5)])])
    buttons = [1, 1, 2, 4, 3, 1, 2, 4, 4, 3, 3, 1, 4, 3, 3, 3]
    (tmp_path / "anki").mkdir()
    theirs = session_anki(scenario, tmp_path / "anki" / "collection.anki2", "P", buttons)
    ours = session_repetend(scenario, tmp_path / "repetend.db", "P", buttons)
    assert len(theirs) == 13  # then nothing is due
    assert ours == theirs
