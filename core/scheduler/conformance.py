"""Run one scheduler conformance vector through our engine (tests/data/scheduler/README).

A vector gives a stored card, deck options and the time until the day rollover; we derive
the card's current state, compute the four next states and apply each one, and report both
in the vector's own JSON shapes so a test can compare them with what Anki produced.
"""

from __future__ import annotations

from typing import Any

from repetend.core.scheduler.apply import apply_state
from repetend.core.scheduler.card import (
    TIMESTAMP_THRESHOLD,
    CardQueue,
    CardSchedulingFields,
    CardType,
    current_state_from_card,
)
from repetend.core.scheduler.config import FilteredDeckSettings, SchedulingConfig
from repetend.core.scheduler.context import StateContext
from repetend.core.scheduler.transitions import next_states

__all__ = ["BUTTONS", "NOW", "TODAY", "card_from_json", "card_to_json", "evaluate"]

BUTTONS = ("again", "hard", "good", "easy")
# Vectors give dues relative to the moment of answering; any clock will do as long as
# timestamps stay above Anki's 1e9 "this is a timestamp" threshold and day numbers below it.
NOW = 1_750_000_000
TODAY = 5_000
_HOME_DECK, _FILTERED_DECK = 1, 2


def _absolute(value: int, unit: str, now: int = NOW, today: int = TODAY) -> int:
    if unit == "days":
        return today + value
    if unit == "secs":
        return now + value
    return value  # "position", "filteredPosition": stored as they are


def _unit_for(card_type: int, queue: int, due: int) -> str:
    if queue in (CardQueue.LEARN, CardQueue.PREVIEW):
        return "secs"
    if queue in (CardQueue.REVIEW, CardQueue.DAY_LEARN):
        return "days"
    if queue == CardQueue.NEW or card_type == CardType.NEW:
        return "position"
    if card_type == CardType.REVIEW:
        return "days"
    return "secs" if due > TIMESTAMP_THRESHOLD else "days"


def _home_unit(card_type: int, odue: int) -> str:
    if card_type == CardType.NEW:
        return "position"
    if card_type == CardType.REVIEW:
        return "days"
    return "secs" if odue > TIMESTAMP_THRESHOLD else "days"


def _relative(value: int, unit: str, now: int = NOW, today: int = TODAY) -> int:
    if unit == "days":
        return value - today
    if unit == "secs":
        return value - now
    return value


def card_from_json(obj: dict[str, Any], now: int = NOW,
                   today: int = TODAY) -> CardSchedulingFields:
    """A vector's `card` object as stored columns, at `now`/`today` (default NOW/TODAY)."""
    filtered = bool(obj.get("inFilteredDeck"))
    return CardSchedulingFields(
        type=obj["type"], queue=obj["queue"],
        due=_absolute(obj["due"], obj["dueUnit"], now, today),
        ivl=obj["ivl"], factor=obj["factor"], reps=obj["reps"], lapses=obj["lapses"],
        left=obj["left"],
        odue=_absolute(obj["odue"], obj["odueUnit"], now, today) if filtered else 0,
        odid=_HOME_DECK if filtered else 0,
        did=_FILTERED_DECK if filtered else _HOME_DECK,
    )


def card_to_json(card: CardSchedulingFields, leech_tagged: bool, now: int = NOW,
                 today: int = TODAY) -> dict[str, Any]:
    """Stored columns in a vector's `card`/`after` shape, relative to `now`/`today`."""
    unit = _unit_for(card.type, card.queue, card.due)
    out: dict[str, Any] = {
        "type": card.type, "queue": card.queue, "due": _relative(card.due, unit, now, today),
        "dueUnit": unit, "ivl": card.ivl, "factor": card.factor, "left": card.left,
        "lapses": card.lapses, "reps": card.reps, "inFilteredDeck": card.in_filtered_deck,
    }
    if card.in_filtered_deck:
        odue_unit = _home_unit(card.type, card.odue)
        out["odue"] = _relative(card.odue, odue_unit, now, today)
        out["odueUnit"] = odue_unit
    out["leechTagged"] = leech_tagged
    return out


def evaluate(vector: dict[str, Any]) -> dict[str, Any]:
    """Our `current`, next states (`expected`) and stored cards (`after`) for one vector,
    computed from its `card`, `config`, `context` and `filteredDeck` alone (fuzz off)."""
    config = SchedulingConfig.from_json(vector["config"])
    card_json = vector["card"]
    card = card_from_json(card_json)
    filtered = (FilteredDeckSettings.from_json(vector["filteredDeck"])
                if card.in_filtered_deck and "filteredDeck" in vector else None)
    ctx = StateContext(config=config,
                       secs_until_rollover=vector["context"]["secsUntilRollover"],
                       today=TODAY, now=NOW, fuzz_seed=None, filtered=filtered)
    current = current_state_from_card(card, config, TODAY, NOW, filtered)
    states = next_states(current, ctx)
    expected: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for button in BUTTONS:
        state = getattr(states, button)
        expected[button] = state.to_json()
        applied = apply_state(card, current, state, ctx)
        after[button] = card_to_json(applied.card,
                                     bool(card_json.get("leechTagged")) or applied.leeched)
    return {"current": current.to_json(), "expected": expected, "after": after}
