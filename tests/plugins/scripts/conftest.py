"""Shared setup for the custom scheduling script tests: states as Anki shows them to scripts
(ANKI-FACTS §2.4) and a collection wired to a real plugin host, as the app wires it."""

import copy

import pytest

from repetend.plugins.scripts import store

REVIEW_STATES = {
    "current": {"normal": {"review": {"scheduledDays": 10, "elapsedDays": 10, "easeFactor": 2.5,
                                      "lapses": 0, "leeched": False}}, "customData": ""},
    "again": {"normal": {"relearning": {
        "review": {"scheduledDays": 1, "elapsedDays": 0, "easeFactor": 2.299999952316284,
                   "lapses": 1, "leeched": False},
        "learning": {"remainingSteps": 1, "scheduledSecs": 600, "elapsedSecs": 0}}}},
    "hard": {"normal": {"review": {"scheduledDays": 12, "elapsedDays": 0,
                                   "easeFactor": 2.3499999046325684, "lapses": 0,
                                   "leeched": False}}},
    "good": {"normal": {"review": {"scheduledDays": 25, "elapsedDays": 0, "easeFactor": 2.5,
                                   "lapses": 0, "leeched": False}}},
    "easy": {"normal": {"review": {"scheduledDays": 33, "elapsedDays": 0,
                                   "easeFactor": 2.6500000953674316, "lapses": 0,
                                   "leeched": False}}},
}

NEW_STATES = {
    "current": {"normal": {"new": {"position": 1}}, "customData": ""},
    "again": {"normal": {"learning": {"remainingSteps": 2, "scheduledSecs": 60,
                                      "elapsedSecs": 0}}},
    "hard": {"normal": {"learning": {"remainingSteps": 2, "scheduledSecs": 330,
                                     "elapsedSecs": 0}}},
    "good": {"normal": {"learning": {"remainingSteps": 1, "scheduledSecs": 600,
                                     "elapsedSecs": 0}}},
    "easy": {"normal": {"review": {"scheduledDays": 4, "elapsedDays": 0, "easeFactor": 2.5,
                                   "lapses": 0, "leeched": False}}},
}

CTX = {"deckName": "Default", "seed": 12345}


@pytest.fixture
def review_states():
    return copy.deepcopy(REVIEW_STATES)


@pytest.fixture
def new_states():
    return copy.deepcopy(NEW_STATES)


@pytest.fixture
def col(collection):
    """The `collection` fixture (wired to a host with the built-ins), fuzz off."""
    collection.sched.fuzz = False
    return collection


def add_card(col, deck_id=1, front="q"):
    note = col.new_note("Basic")
    note.fields = [front, "a"]
    [card] = col.add_note(note, deck_id=deck_id)
    return card


def make_review(col, card, ivl=10, data=None, due_in=0):
    today = col.sched.timing().today
    card.type, card.queue, card.ivl, card.due, card.factor = 2, 2, ivl, today + due_in, 2500
    card.data = dict(data or {})
    col.update_card(card)
    return col.get_card(card.id)


@pytest.fixture
def review_card(col):
    def make(ivl=10, data=None, deck_id=1):
        return make_review(col, add_card(col, deck_id), ivl, data)
    return make


def set_global(col, code, legacy_page=None):
    store.set_global(col, code, legacy_page)
