"""Scheduling hooks through the facade: next states replaced or refused, answers announced."""

import dataclasses
from types import SimpleNamespace

import pytest

from repetend.core.scheduler import (
    LearnState,
    PreviewState,
    ReviewState,
    SchedulingConfig,
    StateContext,
    next_states,
)
from repetend.hooks import hookimpl
from repetend.host.plugins import PluginHost

CTX = StateContext(SchedulingConfig(), secs_until_rollover=3600)


def review_states(interval=100):
    return next_states(ReviewState(interval, interval, 2.5, 0), CTX)


class Cap:
    """Caps the Good and Easy intervals at `days`."""

    def __init__(self, days):
        self.days = days

    @hookimpl
    def scheduling_will_answer(self, states):
        return dataclasses.replace(states, **{
            b: dataclasses.replace(getattr(states, b), scheduled_days=self.days)
            for b in ("good", "easy")})


def test_hook_scheduling_will_answer():
    host = PluginHost()
    host.register_plugin(Cap(30), "addon.cap30")
    host.register_plugin(Cap(20), "addon.cap20")
    states = review_states()
    out = host.scheduling_will_answer(states, card=None, col=None)
    # cap20 (registered last) runs first; cap30 receives its states and has the last word.
    assert out.good.scheduled_days == out.easy.scheduled_days == 30
    assert (out.current, out.again, out.hard) == (states.current, states.again, states.hard)
    assert host.errors == []


def test_scheduling_will_answer_receives_card_and_collection():
    seen = []

    class Peek:
        @hookimpl
        def scheduling_will_answer(self, states, card, col):
            seen.append((card, col))
            return states

    host = PluginHost()
    host.register_plugin(Peek(), "addon.peek")
    states = review_states()
    assert host.scheduling_will_answer(states, "the card", "the col") is states
    assert seen == [("the card", "the col")]


def _returning(result):
    class Returns:
        @hookimpl
        def scheduling_will_answer(self, states):
            return result(states) if callable(result) else result
    return Returns()


@pytest.mark.parametrize(("result", "message"), [
    (None, "expected scheduling states, got NoneType"),
    (lambda s: {"current": 1}, "states JSON cannot be read"),
    (lambda s: dataclasses.replace(s, current=s.good), "current must not be changed"),
    (lambda s: dataclasses.replace(s, good="10d"), "good is not a known scheduling state"),
    (lambda s: dataclasses.replace(s, good=dataclasses.replace(s.good, scheduled_days=-1)),
     "good.scheduledDays must be between 0 and 4294967295, not -1"),
    (lambda s: dataclasses.replace(s, easy=dataclasses.replace(s.easy, scheduled_days=2.5)),
     "easy.scheduledDays must be a whole number"),
    (lambda s: dataclasses.replace(s, hard=dataclasses.replace(s.hard, ease_factor=float("nan"))),
     "hard.easeFactor must be a finite number of at least 0"),
    (lambda s: dataclasses.replace(s, again=LearnState(1, -60, 0)),
     "again.scheduledSecs must be between 0 and 4294967295"),
    (lambda s: dataclasses.replace(s, good=PreviewState(60)),
     "good: a card outside a filtered deck cannot get a filtered state"),
])
def test_invalid_states_are_refused_and_the_states_before_kept(result, message):
    host = PluginHost()
    host.register_plugin(Cap(30), "addon.cap")
    host.register_plugin(_returning(result), "addon.bad")
    states = review_states()
    out = host.scheduling_will_answer(states, None, None)
    assert out.good.scheduled_days == 30  # addon.bad was skipped, addon.cap still applied
    [error] = host.errors
    assert (error.plugin_name, error.hook_name) == ("addon.bad", "scheduling_will_answer")
    assert message in str(error.exception)


def test_states_may_come_back_as_anki_json():
    """As Anki's custom scheduling scripts edit them (ANKI-FACTS §2.1)."""

    class Json:
        @hookimpl
        def scheduling_will_answer(self, states):
            data = states.to_json()
            data["good"]["normal"]["review"]["scheduledDays"] = 12
            return data

    host = PluginHost()
    host.register_plugin(Json(), "addon.json")
    out = host.scheduling_will_answer(review_states(), None, None)
    assert out.good.scheduled_days == 12
    assert host.errors == []


def test_changed_floats_that_are_not_float32_are_accepted():
    class Easier:
        @hookimpl
        def scheduling_will_answer(self, states):
            return dataclasses.replace(
                states, easy=dataclasses.replace(states.easy, ease_factor=2.3))

    host = PluginHost()
    host.register_plugin(Easier(), "addon.easier")
    assert host.scheduling_will_answer(review_states(), None, None).easy.ease_factor == 2.3
    assert host.errors == []


def test_hook_scheduling_did_answer():
    seen = []

    class Log:
        @hookimpl
        def scheduling_did_answer(self, card, button, col):
            seen.append((card.id, button, col))

    class Boom:
        @hookimpl
        def scheduling_did_answer(self):
            raise RuntimeError("boom")

    host = PluginHost()
    host.register_plugin(Log(), "addon.log")
    host.register_plugin(Boom(), "addon.boom")
    host.scheduling_did_answer(SimpleNamespace(id=7), 3, "col")
    assert seen == [(7, 3, "col")]
    assert [e.plugin_name for e in host.errors] == ["addon.boom"]
