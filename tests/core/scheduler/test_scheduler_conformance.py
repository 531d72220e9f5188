"""Every conformance vector: our current state, next states and stored cards equal Anki's."""

import json
from pathlib import Path

import pytest

from repetend.core.scheduler.conformance import evaluate

VECTORS_PATH = Path(__file__).resolve().parents[2] / "data" / "scheduler" / "vectors.jsonl"
VECTORS = [json.loads(line) for line in VECTORS_PATH.read_text(encoding="utf-8").splitlines()
           if line.strip()]


def canonical(value: object) -> str:
    # Floats are written as the shortest float32 decimals on both sides, so text equality is
    # float32 equality.
    return json.dumps(value, sort_keys=True)


def test_all_vectors_are_present():
    assert len(VECTORS) == 2100
    assert len({v["id"] for v in VECTORS}) == 2100


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    return {v["id"]: evaluate(v) for v in VECTORS}


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector_matches_anki(vector, results):
    got = results[vector["id"]]
    assert canonical(got["current"]) == canonical(vector["current"]), "current state"
    for button in ("again", "hard", "good", "easy"):
        assert canonical(got["expected"][button]) == canonical(vector["expected"][button]), \
            f"next state for {button}"
        assert canonical(got["after"][button]) == canonical(vector["after"][button]), \
            f"stored card after {button}"


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_vector_states_round_trip_through_json(vector):
    from repetend.core.scheduler import SchedulingStates

    states = SchedulingStates.from_json({"current": vector["current"], **vector["expected"]})
    assert canonical(states.to_json()) == canonical(
        {"current": vector["current"], **vector["expected"]})
