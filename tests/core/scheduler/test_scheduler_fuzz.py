"""Fuzz: Anki's bounds table, per-seed determinism, and the ranges a probe saw."""

import struct

import pytest

from repetend.core.scheduler import ReviewState, SchedulingConfig, StateContext, next_states
from repetend.core.scheduler.floats import f32
from repetend.core.scheduler.fuzz import (
    constrained_fuzz_bounds,
    fuzz_factor,
    learning_fuzz_secs,
    with_review_fuzz,
)
from repetend.core.scheduler.rng import StdRng, chacha_block


@pytest.mark.parametrize(("interval", "bounds"), [
    (1, (1, 1)), (2, (2, 2)), (3, (2, 4)), (4, (3, 5)), (5, (4, 6)), (7, (5, 9)),
    (10, (8, 12)), (15, (13, 17)), (20, (17, 23)), (25, (22, 28)), (30, (27, 33)),
    (50, (46, 54)), (100, (93, 107)), (365, (345, 385)),
])
def test_bounds_table(interval, bounds):
    assert constrained_fuzz_bounds(float(interval), 1, 36500) == bounds


def test_bounds_respect_minimum_and_maximum():
    assert constrained_fuzz_bounds(10.0, 11, 36500) == (11, 13)  # 11 -> [9, 13], raised
    assert constrained_fuzz_bounds(10.0, 1, 9) == (7, 9)  # 9 -> [7, 11], capped
    assert constrained_fuzz_bounds(3.0, 3, 3) == (3, 3)


def test_fuzz_off_rounds_half_away_from_zero():
    assert with_review_fuzz(32.5, 1, 36500, None) == 33
    assert with_review_fuzz(0.4, 1, 36500, None) == 1


def test_same_seed_same_interval():
    assert fuzz_factor(1234) == fuzz_factor(1234)
    assert fuzz_factor(None) is None
    assert 0.0 <= fuzz_factor(99) < 1.0


def test_fuzzed_reviews_stay_in_the_ranges_anki_produced():
    seen = {"hard": set(), "good": set(), "easy": set()}
    state = ReviewState(10, 10, f32(2.5), 0)
    for seed in range(300):
        states = next_states(state, StateContext(SchedulingConfig(), 50_000, fuzz_seed=seed))
        for name in seen:
            seen[name].add(getattr(states, name).scheduled_days)
    assert seen["hard"] <= set(range(11, 15))
    assert seen["good"] == set(range(22, 29))
    assert seen["easy"] <= set(range(29, 37))
    assert len(seen["easy"]) > 4


def test_learning_fuzz_adds_up_to_a_quarter_capped_at_five_minutes():
    assert {learning_fuzz_secs(600, s) for s in range(500)} <= set(range(600, 750))
    assert max(learning_fuzz_secs(7200, s) for s in range(500)) < 7500
    assert learning_fuzz_secs(3, 5) == 3  # range empty
    assert learning_fuzz_secs(600, None) == 600


def test_chacha_block_matches_rfc_8439():
    # RFC 8439 §2.3.2 (20 rounds); Anki's StdRng uses the same block with 12 rounds.
    key = list(struct.unpack("<8I", bytes(range(32))))
    nonce = list(struct.unpack("<3I", bytes.fromhex("000000090000004a00000000")))
    words = chacha_block(key, 1, nonce, 20)
    assert words[:4] == [0xE4E7F110, 0x15593BD1, 0x1FDD0F50, 0xC47120A3]
    assert words[-1] == 0x4E3C50A2


def test_u32_ranges_cover_the_range():
    values = {StdRng(seed).range_u32(5, 9) for seed in range(200)}
    assert values == {5, 6, 7, 8}
