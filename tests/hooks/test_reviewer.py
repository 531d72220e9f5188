"""Reviewer hooks through the facade (card_will_show is tested in tests/host/test_plugins.py)."""

import pytest

from repetend.hooks import hookimpl
from repetend.hooks.reviewer import DEFAULT_ANSWER_BUTTONS
from repetend.host.plugins import PluginHost


class Watcher:
    def __init__(self):
        self.events = []

    @hookimpl
    def reviewer_did_show_question(self, card):
        self.events.append(("question", card))

    @hookimpl
    def reviewer_did_show_answer(self, card):
        self.events.append(("answer", card))


def test_hook_reviewer_did_show_question():
    host, watcher = PluginHost(), Watcher()
    host.register_plugin(watcher, "addon.watch")
    host.reviewer_did_show_question(card="c1")
    assert watcher.events == [("question", "c1")]


def test_hook_reviewer_did_show_answer():
    host, watcher = PluginHost(), Watcher()
    host.register_plugin(watcher, "addon.watch")
    host.reviewer_did_show_answer(card="c1")
    assert watcher.events == [("answer", "c1")]


class NoHard:
    @hookimpl
    def reviewer_will_init_answer_buttons(self, buttons, card):
        return tuple(b for b in buttons if b[0] != 2)


def test_hook_reviewer_will_init_answer_buttons():
    class Relabel:
        @hookimpl
        def reviewer_will_init_answer_buttons(self, buttons):
            return [(ease, label.upper()) for ease, label in buttons]  # a list is fine

    host = PluginHost()
    host.register_plugin(NoHard(), "addon.nohard")
    host.register_plugin(Relabel(), "addon.relabel")
    out = host.reviewer_will_init_answer_buttons(DEFAULT_ANSWER_BUTTONS, card=None)
    assert out == ((1, "AGAIN"), (3, "GOOD"), (4, "EASY"))


@pytest.mark.parametrize(("result", "message"), [
    (None, "must return a tuple of (ease, label) pairs, not NoneType"),
    ((), "at least one answer button must remain"),
    (((5, "Perfect"),), "(5, 'Perfect') is not an (ease 1–4, label) pair"),
    (((1, ""),), "is not an (ease 1–4, label) pair"),
    (((True, "Again"),), "is not an (ease 1–4, label) pair"),
    (((1, "Again"), (1, "Again!")), "ease 1 has two buttons"),
])
def test_invalid_buttons_are_refused_and_the_buttons_before_kept(result, message):
    class Bad:
        @hookimpl
        def reviewer_will_init_answer_buttons(self, buttons):
            return result

    host = PluginHost()
    host.register_plugin(NoHard(), "addon.nohard")
    host.register_plugin(Bad(), "addon.bad")
    out = host.reviewer_will_init_answer_buttons(DEFAULT_ANSWER_BUTTONS, None)
    assert out == ((1, "Again"), (3, "Good"), (4, "Easy"))
    [error] = host.errors
    assert error.plugin_name == "addon.bad" and message in str(error.exception)
