"""The answer path's shortcuts give exactly what the plain definitions give (issue 3)."""

import random
import struct
from dataclasses import replace as dataclasses_replace

import pytest

from repetend.core.scheduler.card import CardSchedulingFields
from repetend.core.scheduler.evolve import replace
from repetend.core.scheduler.floats import f32
from repetend.core.scheduler.fuzz import _range_delta, fuzz_delta
from repetend.core.scheduler.states import LearnState, RelearnState, ReviewState, SchedulingStates


def _float32_neighbours(x: float, count: int) -> list[float]:
    bits = struct.unpack("<I", struct.pack("<f", x))[0]
    return [struct.unpack("<f", struct.pack("<I", bits + i))[0] for i in range(-count, count + 1)]


def test_fuzz_delta_equals_the_range_sum_for_every_kind_of_interval():
    rng = random.Random(7)
    values = [f32(rng.uniform(0, 40_000)) for _ in range(20_000)]
    values += [f32(rng.uniform(2, 25)) for _ in range(20_000)]
    for edge in (2.5, 7.0, 20.0, 36_500.0):
        values += _float32_neighbours(edge, 50)
    for value in values:
        expected = 0.0 if value < 2.5 else _range_delta(value)
        assert fuzz_delta(value) == expected, value


def test_fast_replace_matches_dataclasses_replace():
    review = ReviewState(10, 2, 2.5, 1, False, None)
    assert replace(review, scheduled_days=3, elapsed_days=0) == \
        dataclasses_replace(review, scheduled_days=3, elapsed_days=0)
    assert replace(review, scheduled_days=3) is not review and review.scheduled_days == 10
    fields = CardSchedulingFields(type=2, queue=2, due=5, ivl=3, factor=2500, reps=4,
                                  lapses=0, left=0, odue=0, odid=0, did=1, id=9)
    moved = replace(fields, reps=5, due=9)
    assert moved == dataclasses_replace(fields, reps=5, due=9)
    assert hash(moved) == hash(dataclasses_replace(fields, reps=5, due=9))
    relearn = RelearnState(LearnState(1, 600), review)
    assert replace(relearn, review=replace(review, lapses=2)).review.lapses == 2


def test_fast_replace_refuses_unknown_fields():
    with pytest.raises(TypeError, match="no field"):
        replace(ReviewState(10, 2, 2.5, 1, False, None), scheduled=3)
    states = SchedulingStates(*(ReviewState(i, 0, 2.5, 0, False, None) for i in range(1, 6)))
    assert replace(states, custom_data={"good": "x"}).custom_data == {"good": "x"}


def test_seeded_blocks_equal_plain_chacha12_blocks_of_the_pcg_key():
    from repetend.core.scheduler.rng import _pcg32, _seeded_block, chacha_block

    rng = random.Random(11)
    seeds = [0, 1, (1 << 64) - 1, *(rng.getrandbits(64) for _ in range(200))]
    for seed in seeds:
        state, key = seed, []
        for _ in range(8):
            state, word = _pcg32(state)
            key.append(word)
        for counter in (0, 1, (1 << 32) + 5):
            assert _seeded_block(seed, counter) == tuple(chacha_block(key, counter, [0, 0], 12))


def test_a_card_answered_by_another_connection_after_it_was_shown_is_refused(study):
    """Answering reuses the row read when the card was shown only while nothing changed."""
    from repetend.core.collection import Collection
    from repetend.core.errors import InvalidInput

    did = study.deck("Deck")
    cid = study.review(did)
    shown = study.col.sched.get_next_card(did)
    other = Collection(study.col.path)
    try:
        other.sched.tz, other.sched.fuzz = study.col.sched.tz, False
        other.sched.set_now(study.now)
        other.sched.answer_card(cid, "good")
    finally:
        other.close()
    with pytest.raises(InvalidInput, match="changed since it was shown"):
        study.col.sched.answer_card(shown.card, "good", shown.states)
    assert study.col.db.execute("SELECT count() FROM revlog WHERE cid = ?",
                                (cid,)).fetchone()[0] == 1


def test_a_card_suspended_after_it_was_shown_cannot_be_answered(study):
    from repetend.core.errors import InvalidInput

    did = study.deck("Deck")
    cid = study.review(did)
    shown = study.col.sched.get_next_card(did)
    study.set(cid, queue=-1)
    with pytest.raises(InvalidInput, match="changed since it was shown"):
        study.col.sched.answer_card(shown.card, "good", shown.states)


def test_answer_after_show_writes_the_stored_card_and_one_undo_step(study):
    did = study.deck("Deck")
    cid = study.review(did, ivl=10)
    shown = study.col.sched.get_next_card(did)
    result = study.col.sched.answer_card(shown.card, "good", shown.states)
    stored = study.card(cid)
    assert (stored.ivl, stored.reps, stored.due) == (result.card.ivl, 4,
                                                     study.today + result.card.ivl)
    assert study.col.undo_name() == "Answer Card"
    study.col.sched.undo()
    assert (study.card(cid).ivl, study.card(cid).reps) == (10, 3)
    again = study.col.sched.get_next_card(did)
    assert again.card.id == cid
    study.col.sched.answer_card(again.card, "good", again.states)
    assert study.card(cid).reps == 4


def _in_other_connection(study, change):
    """Run `change(col)` on a second connection to the same file, as another process would."""
    from repetend.core.collection import Collection

    other = Collection(study.col.path)
    try:
        other.sched.tz, other.sched.fuzz = study.col.sched.tz, False
        other.sched.set_now(study.now)
        change(other)
    finally:
        other.close()


def test_the_next_card_is_not_one_another_connection_suspended_meanwhile(study):
    """The next card of an open session is read with the change key in one statement; a
    change made elsewhere since the last answer sends it the full way (queue rebuilt)."""
    from repetend.core.scheduler.cardops import suspend

    did = study.deck("Deck")
    first, second, third = (study.review(did, front=f"q{i}") for i in range(3))
    shown = study.col.sched.get_next_card(did)
    study.col.sched.answer_card(shown.card, "good", shown.states)
    upcoming = study.col.sched.queued_card_ids(did)
    assert set(upcoming) == {second, third} and shown.card.id == first
    _in_other_connection(study, lambda col: suspend(col, [upcoming[0]]))
    following = study.col.sched.get_next_card(did)
    assert following.card.id == upcoming[1]
    assert following.counts.review == 1
    study.col.sched.answer_card(following.card, "good", following.states)
    assert study.col.sched.get_next_card(did) is None


def test_a_card_the_other_connection_changed_is_shown_as_it_is_now(study):
    did = study.deck("Deck")
    first, second = study.review(did, front="a", ivl=10), study.review(did, front="b", ivl=10)
    shown = study.col.sched.get_next_card(did)
    study.col.sched.answer_card(shown.card, "good", shown.states)
    upcoming = second if shown.card.id == first else first

    def lengthen(col):
        with col.op("Edit"):
            col.db.execute("UPDATE cards SET ivl = 40 WHERE id = ?", (upcoming,))

    _in_other_connection(study, lengthen)
    following = study.col.sched.get_next_card(did)
    assert following.card.id == upcoming and following.card.ivl == 40
    assert following.states.current.scheduled_days == 40
    result = study.col.sched.answer_card(following.card, "good", following.states)
    assert result.card.ivl == following.states.good.scheduled_days > 40


def test_a_learning_card_answered_later_than_shown_is_due_from_the_answer(study):
    """Answering reuses the state derived when the card was shown, but its clock is the
    answer's: the step's delay counts from when the button was pressed."""
    did = study.deck("Deck")
    cid = study.new(did)
    shown = study.col.sched.get_next_card(did)
    study.advance(100)
    study.col.sched.answer_card(shown.card, "again", shown.states, time_taken_ms=100_000)
    assert study.card(cid).due == study.now + 60  # first default step: 1 minute
    study.advance(61)
    again = study.col.sched.get_next_card(did)
    assert again.card.id == cid and again.kind == "intraday"
    study.advance(30)
    study.col.sched.answer_card(again.card, "good", again.states)
    assert study.card(cid).due == study.now + 600  # second step: 10 minutes
    row = study.col.db.execute("SELECT ivl, last_ivl, type FROM revlog WHERE cid = ? "
                               "ORDER BY id DESC LIMIT 1", (cid,)).fetchone()
    assert tuple(row) == (-600, -60, 0)


def test_an_answer_after_another_connection_changed_something_else_is_written_once(study):
    """The shown card is answered without reading the change key first: the row update
    checks it inside the operation, and a change made elsewhere meanwhile makes the answer
    roll back and go the full way, once."""
    did = study.deck("Deck")
    cid = study.review(did, ivl=10)
    other_card = study.review(study.deck("Other"), ivl=5, front="other")
    shown = study.col.sched.get_next_card(did)
    assert shown.card.id == cid

    def suspend_other(col):
        from repetend.core.scheduler.cardops import suspend

        suspend(col, [other_card])

    _in_other_connection(study, suspend_other)
    result = study.col.sched.answer_card(shown.card, "good", shown.states)
    assert study.card(cid).ivl == result.card.ivl == shown.states.good.scheduled_days
    assert study.col.db.execute("SELECT count() FROM revlog WHERE cid = ?",
                                (cid,)).fetchone()[0] == 1
    steps = [name for (name,) in study.col.db.execute(
        "SELECT name FROM undo_steps WHERE redo = 0 ORDER BY id DESC LIMIT 2")]
    assert steps[0] == "Answer Card" and steps[1] != "Answer Card"
    assert study.col.decks.get(did).extra["revToday"] == [study.today, 1]
    study.col.sched.undo()
    assert study.card(cid).ivl == 10 and study.card(other_card).queue == -1


def test_constrained_fuzz_bounds_equal_the_bounds_by_definition():
    """The fast path (no general rounding helpers) gives what fuzz_bounds gives, clamped."""
    from repetend.core.scheduler.floats import round_half_away, to_u32
    from repetend.core.scheduler.fuzz import constrained_fuzz_bounds

    def by_definition(interval, minimum, maximum):
        minimum = min(minimum, maximum)
        interval = min(max(f32(interval), float(minimum)), float(maximum))
        delta = fuzz_delta(interval)
        lower = to_u32(round_half_away(f32(interval - delta)))
        upper = to_u32(round_half_away(f32(interval + delta)))
        lower = min(max(lower, minimum), maximum)
        upper = min(max(upper, minimum), maximum)
        if upper == lower and 2 < upper < maximum:
            upper = lower + 1
        return lower, upper

    rng = random.Random(3)
    cases = [(f32(rng.uniform(0, 40_000)), rng.randint(0, 30), rng.choice((36_500, 100, 7)))
             for _ in range(20_000)]
    cases += [(v, 1, 36_500) for edge in (0.5, 1.5, 2.5, 7.0, 20.0, 36_500.0)
              for v in _float32_neighbours(edge, 40)]
    cases += [(-3.0, 0, 10), (0.0, 0, 0), (5e9, 1, 2**33), (float("inf"), 1, 2**40)]
    for interval, minimum, maximum in cases:
        constrained_fuzz_bounds.cache_clear()
        assert constrained_fuzz_bounds(interval, minimum, maximum) == \
            by_definition(interval, minimum, maximum), (interval, minimum, maximum)


def test_the_reused_json_encoder_writes_what_the_json_module_writes():
    import json

    from repetend.core.scheduler.answering import _object_json

    values = [{}, {"lrt": 1795694468}, {"pos": 3, "lrt": 1, "cd": '{"a":"b"}'},
              {"revToday": [69, 12], "timeToday": [69, 36_000], "newLimit": None},
              {"s": 2.3065, "d": 2.111, "dr": 0.9, "decay": 0.1542, "big": 2**70},
              {"naïve": "日本語\u2028\x00\\", "t": True, "f": False, "nested": {"x": [[], {}]}},
              {"inf": float("inf"), "nan": float("nan"), "neg": -0.0}]
    for value in values:
        assert _object_json(value) == json.dumps(value, ensure_ascii=False,
                                                 separators=(",", ":"))
    with pytest.raises(TypeError, match="not JSON serializable"):
        _object_json({"x": object()})


def test_changes_to_the_card_given_out_do_not_reach_what_the_answer_writes(study):
    """Answering without reading the row again works on a copy kept when the card was
    shown, not on the object the caller holds."""
    did = study.deck("Deck")
    cid = study.review(did, ivl=10)
    shown = study.col.sched.get_next_card(did)
    shown.card.data["cd"] = '{"v":"mine"}'
    shown.card.flags = 5
    result = study.col.sched.answer_card(shown.card, "good", shown.states)
    stored = study.card(cid)
    assert "cd" not in stored.data and stored.flags == 0
    assert "cd" not in result.card.data and result.card.flags == 0


def test_the_fuzz_factor_is_the_first_draw_of_the_generator():
    from repetend.core.scheduler.fuzz import fuzz_factor
    from repetend.core.scheduler.rng import StdRng

    rng = random.Random(9)
    for seed in [0, 1, (1 << 64) - 1, 1 << 64, *(rng.getrandbits(64) for _ in range(300))]:
        assert fuzz_factor(seed) == StdRng(seed).unit_f32()
    assert fuzz_factor(None) is None


def _counting_hooks(col):
    """Install both scheduling callbacks, counting their calls."""
    calls = {"will_commit": 0, "did_answer": 0}

    def will_commit(col, card, states):
        calls["will_commit"] += 1
        return states

    def did_answer(col, card, button):
        calls["did_answer"] += 1

    col.callbacks.scheduling_states_will_commit = will_commit
    col.callbacks.scheduling_did_answer = did_answer
    return calls


def test_the_scheduling_hooks_run_once_when_the_quick_answer_finds_the_collection_changed(study):
    """The quick answer rolls back when another connection wrote meanwhile; the full way
    then commits: the states hook ran once (when shown), the answer listener once."""
    did = study.deck("Deck")
    cid = study.review(did, ivl=10)
    other_card = study.review(study.deck("Other"), ivl=5, front="other")
    calls = _counting_hooks(study.col)
    shown = study.col.sched.get_next_card(did)
    assert shown.card.id == cid and calls == {"will_commit": 1, "did_answer": 0}

    def suspend_other(col):
        from repetend.core.scheduler.cardops import suspend

        suspend(col, [other_card])

    _in_other_connection(study, suspend_other)
    study.col.sched.answer_card(shown.card, "good", shown.states)
    assert calls == {"will_commit": 1, "did_answer": 1}
    assert study.col.db.execute("SELECT count() FROM revlog WHERE cid = ?",
                                (cid,)).fetchone()[0] == 1


def test_a_card_moved_elsewhere_after_it_was_shown_is_graded_as_it_is_now(study):
    """The quick answer compares the card passed with the row read when it was shown, and
    refuses the card as it is now; the collection changed since, so the full way decides
    from the rows as they are (and accepts it), running each hook once."""
    from repetend.core.browser_ops import set_deck

    did, elsewhere = study.deck("Deck"), study.deck("Elsewhere")
    cid = study.review(did, ivl=10)
    shown = study.col.sched.get_next_card(did)
    calls = _counting_hooks(study.col)
    _in_other_connection(study, lambda col: set_deck(col, [cid], elsewhere))
    now = study.card(cid)
    assert now.did != shown.card.did
    result = study.col.sched.answer_card(now, "good", shown.states, check_due=False)
    assert result.card.did == now.did
    assert result.card.ivl == shown.states.good.scheduled_days
    assert calls == {"will_commit": 0, "did_answer": 1}  # the shown states were committed


def test_a_changed_copy_of_the_shown_card_is_refused_when_nothing_else_changed(study):
    from repetend.core.errors import InvalidInput

    did = study.deck("Deck")
    cid = study.review(did, ivl=10)
    shown = study.col.sched.get_next_card(did)
    calls = _counting_hooks(study.col)
    forged = dataclasses_replace(shown.card, ivl=99)
    with pytest.raises(InvalidInput, match="changed since it was shown"):
        study.col.sched.answer_card(forged, "good", shown.states)
    assert study.card(cid).ivl == 10 and calls["did_answer"] == 0
    study.col.sched.answer_card(shown.card, "good", shown.states)
    assert study.card(cid).reps == 4 and calls["did_answer"] == 1
