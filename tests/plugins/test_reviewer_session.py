"""The reviewer's study session, headless: sides through the hooks, answers, undo, info."""

import subprocess
import sys
from dataclasses import replace

import pytest

from repetend.core.decks import DEFAULT_DECK_ID
from repetend.hooks import hookimpl
from repetend.host.plugins import PluginHost
from repetend.plugins.reviewer.session import ReviewSession, needs_mathjax


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Recorder:
    def __init__(self):
        self.events = []

    @hookimpl
    def card_will_show(self, html, card, side):
        self.events.append(("show", side))
        return html.replace("Rabat", "RABAT")

    @hookimpl
    def reviewer_did_show_question(self, card):
        self.events.append(("did_show", "question"))

    @hookimpl
    def reviewer_did_show_answer(self, card):
        self.events.append(("did_show", "answer"))


@pytest.fixture
def plugins(host):
    """The testing kit's plugin host, the one `collection` is wired to."""
    return host


@pytest.fixture
def col(collection):
    """The testing kit's collection (the `anki`-style fixture), with three Basic notes."""
    for q, a in [("Capital of Morocco?", "Rabat [sound:r.mp3]"),
                 ("two", "2"), ("three", "3")]:
        note = collection.new_note("Basic")
        note.fields = [q, a]
        collection.add_note(note, DEFAULT_DECK_ID)
    return collection


def test_the_reviewer_package_loads_no_qt():
    code = ("import sys, repetend.plugins.reviewer, repetend.plugins.reviewer.session\n"
            "assert not [m for m in sys.modules if m.startswith('PySide6')]\n")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_the_reviewer_is_an_essential_builtin(plugins):
    entry = next(p for p in plugins.plugins() if p["name"] == "builtin.reviewer")
    assert entry["builtin"] and entry["status"] == "active"
    with pytest.raises(ValueError):
        PluginHost(disabled=["builtin.reviewer"])


def test_sides_pass_through_the_hooks_in_order(col, plugins):
    recorder = Recorder()
    plugins.register_plugin(recorder, "recorder")
    session = ReviewSession(col, plugins, DEFAULT_DECK_ID,
                            play_button=lambda side, n: f"<button>{side}{n}</button>")
    shown = session.next_card()
    assert shown is not None and session.side == "question"
    assert "Capital of Morocco?" in session.question_html()
    answer = session.answer_html()
    assert "RABAT" in answer and "<button>a0</button>" in answer
    assert recorder.events == [("show", "question"), ("did_show", "question"),
                               ("show", "answer"), ("did_show", "answer")]
    assert [t.filename for t in session.sounds("answer")] == ["r.mp3"]
    counts, index = session.counts()
    assert (counts.new, counts.learn, counts.review, index) == (3, 0, 0, 0)


def test_answer_commits_one_step_with_the_time_taken_and_undo_brings_it_back(col, plugins):
    clock = Clock()
    session = ReviewSession(col, plugins, DEFAULT_DECK_ID, clock=clock)
    first = session.next_card().card
    session.question_html()
    with pytest.raises(RuntimeError):
        session.answer(3)  # not before the answer is shown
    session.answer_html()
    clock.now += 7.5
    session.answer(3)
    assert col.undo_name() == "Answer Card"
    assert col.db.execute("SELECT time FROM revlog").fetchone()[0] == 7500
    assert session.next_card().card.id != first.id
    assert session.undo() == "Answer Card"
    assert session.refresh() == "new"
    assert session.current.card.id == first.id
    assert session.counts()[0].new == 3
    assert col.db.execute("SELECT count() FROM revlog").fetchone()[0] == 0


def test_refresh_keeps_the_card_and_side_when_only_the_note_changed(col, plugins):
    session = ReviewSession(col, plugins, DEFAULT_DECK_ID)
    card = session.next_card().card
    session.question_html()
    session.answer_html("typed")
    note = col.get_note(card.nid)
    note["Back"] = "Rabat (edited)"
    col.update_note(note)
    assert session.refresh() == "same"
    assert session.side == "answer" and session.typed == "typed"
    assert "(edited)" in session.answer_html()


def test_flags_toggle_and_card_ops_are_undoable_steps(col, plugins):
    session = ReviewSession(col, plugins, DEFAULT_DECK_ID)
    card = session.next_card().card
    assert session.toggle_flag(4) == 4 and col.get_card(card.id).user_flag == 4
    assert session.toggle_flag(4) == 0 and col.get_card(card.id).user_flag == 0
    assert session.bury_note() == 1 and col.undo_name() == "Bury"
    session.next_card()
    assert session.suspend_card() == 1 and col.undo_name() == "Suspend"
    session.next_card()
    assert session.counts()[0].new == 1


def test_card_info_and_finished(col, plugins):
    session = ReviewSession(col, plugins, DEFAULT_DECK_ID)
    for _ in range(3):
        session.next_card()
        session.question_html()
        session.answer_html()
        session.answer(4)
    assert session.next_card() is None
    finished = session.finished()
    assert finished.next_learning_in is None
    cid = col.card_ids()[0]
    info = session.card_info(cid)
    rows = dict(info.rows)
    assert rows["Reviews"] == "1" and rows["Note Type"] == "Basic" and rows["Ease"] == "250%"
    assert [r[1:3] for r in info.reviews] == [("Learn", "4")]


def test_problems_name_the_add_on_once(col, plugins):
    class Broken:
        @hookimpl
        def reviewer_did_show_question(self, card):
            raise RuntimeError("nope")

    plugins.register_plugin(Broken(), "broken")
    session = ReviewSession(col, plugins, DEFAULT_DECK_ID)
    session.next_card()
    session.question_html()
    [problem] = session.problems()
    assert "broken" in problem.summary and "RuntimeError: nope" in problem.summary
    assert "Traceback" in problem.details
    assert session.problems() == []


def test_mathjax_is_loaded_only_for_math():
    assert needs_mathjax(r"\(x\)") and needs_mathjax(r"\[x\]")
    assert not needs_mathjax("$x$ costs (1) [2]")


def test_button_intervals_reflect_a_scheduling_script(col, plugins):
    pytest.importorskip("repetend.plugins.scripts.runner")
    from repetend.plugins import BUILTIN

    if "scripts" not in BUILTIN:
        pytest.skip("the scheduling-scripts plugin is not registered")
    col.set_config("cardStateCustomizer",
                   "if (states.easy.normal && states.easy.normal.review) {\n"
                   "  states.easy.normal.review.scheduledDays = 42;\n}")
    session = ReviewSession(col, plugins, DEFAULT_DECK_ID)
    shown = session.next_card()
    assert shown.labels[3] == "1.4mo"
    session.question_html()
    session.answer_html()
    session.answer(4)
    assert col.get_card(shown.card.id).ivl == 42


def test_the_answer_commits_the_states_the_buttons_showed_running_hooks_once(col, plugins):
    class Changing:
        """An add-on whose replacement states differ from call to call."""

        def __init__(self):
            self.calls = 0

        @hookimpl
        def scheduling_will_answer(self, states, card, col):
            self.calls += 1
            days = 42 if self.calls == 1 else 7
            return replace(states, easy=replace(states.easy, scheduled_days=days))

    changing = Changing()
    plugins.register_plugin(changing, "changing")
    session = ReviewSession(col, plugins, DEFAULT_DECK_ID)
    shown = session.next_card()
    assert shown.labels[3] == "1.4mo"
    session.question_html()
    session.answer_html()
    session.answer(4)
    assert changing.calls == 1
    assert col.get_card(shown.card.id).ivl == 42
