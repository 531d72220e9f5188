"""`repetend study`, `due` and `answer`, run as a user runs them: subprocesses on a temporary
base whose first profile holds the sample deck, with input piped in."""

import functools
import os
import sqlite3

import clirun
import pytest

from repetend.host.commands.study import html_to_text

# Without interval fuzz, so the intervals shown are Anki's exact ones.
NO_FUZZ = dict(os.environ, REPETEND_NO_FUZZ="1")
run = functools.partial(clirun.run, env=NO_FUZZ)
run_json = functools.partial(clirun.run_json, env=NO_FUZZ)


def revlog_rows(base):
    with sqlite3.connect(base / "User 1" / "collection.db") as db:
        return db.execute("SELECT cid, ease, type FROM revlog ORDER BY id").fetchall()


@pytest.fixture
def base(tmp_path):
    return tmp_path / "base"


def test_due_lists_every_deck_of_the_tree(base):
    rows = run_json(base, "due")
    assert [(r["name"], r["depth"]) for r in rows] == [
        ("Default", 0), ("Sample Deck", 0), ("Sample Deck::Arabic Vocabulary", 1)]
    sample = rows[1]
    assert (sample["new"], sample["learn"], sample["review"]) == (20, 0, 0)
    assert rows[2]["new"] == 10
    text = run(base, "due").stdout.splitlines()
    assert text[0].split() == ["Deck", "New", "Learn", "Due"]
    assert text[3].split() == ["Arabic", "Vocabulary", "10", "0", "0"]
    assert text[3].startswith("  ")
    only = run_json(base, "due", "Sample Deck::Arabic Vocabulary")
    assert [r["name"] for r in only] == ["Sample Deck::Arabic Vocabulary"]


def test_study_session_with_undo_suspend_and_bury(base):
    keys = "\n".join([
        "", "3",     # first card: show answer, Good
        "", "1",     # second: show answer, Again
        "s",         # third: suspend from the question side
        "", "b",     # fourth: bury from the answer side
        "u",         # undo the bury: the fourth card comes back
        "", "4",     # ... and is answered Easy
        "u",         # undo that answer: the card is shown again first
        "", "",      # show answer, Enter = Good
        "q",
    ]) + "\n"
    out = run(base, "study", "Sample Deck", stdin=keys).stdout
    assert out.startswith("Studying Sample Deck.")
    assert "[20 new · 0 learning · 0 review]" in out
    assert "What is the capital of Morocco?" in out
    assert "1 Again (<1m)   2 Hard (<6m)   3 Good (<10m)   4 Easy (4d)" in out
    assert "Good: due again in 10m" in out
    assert "Again: due again in 1m" in out
    assert "Card suspended." in out
    assert "Card buried until tomorrow." in out
    assert "Bury undone." in out
    assert "Answer Card undone." in out
    assert out.count("Chemical symbol for gold") == 3  # shown, back after undo, again
    assert out.rstrip().endswith("Studied 3 card(s). Due now: 17 new · 3 learning · 0 review.")
    rows = revlog_rows(base)
    assert [(ease, kind) for _, ease, kind in rows] == [(3, 0), (1, 0), (3, 0)]
    cards = {c["question_text"]: c for c in run_json(base, "cards", "--deck", "Sample Deck")}
    assert cards["What does spaced repetition space out?"]["queue"] == -1
    assert cards["Chemical symbol for gold"]["queue"] == 1


def test_study_the_sample_deck_to_the_end(base):
    out = run(base, "study", "Sample Deck", stdin="\n4\n" * 40).stdout
    assert "Congratulations! You have finished this deck for now." in out
    assert "Studied 20 card(s). Due now: 0 new · 0 learning · 0 review." in out
    assert len(revlog_rows(base)) == 20
    assert run_json(base, "due", "Sample Deck")[0]["new"] == 0
    # The subdeck has its own limit when studied on its own (its cards came last above).
    out = run(base, "study", "Sample Deck::Arabic Vocabulary", stdin="\n3\nq\n").stdout
    assert "[10 new · 0 learning · 0 review]" in out
    assert "كتاب" in out


def test_study_shows_clozes_and_type_in_answers_as_text(base):
    out = run(base, "study", "Sample Deck", stdin="\n4\n" * 20 + "q\n").stdout
    assert "The [...] is the powerhouse of the cell." in out
    assert "[type your answer]" in out
    assert "<span" not in out and "<hr" not in out


def test_study_stops_at_the_end_of_input(base):
    proc = run(base, "study", "Sample Deck", stdin="\n")
    assert proc.returncode == 0
    assert "Studied 0 card(s)." in proc.stdout


def test_answer_prints_the_new_due_and_refuses_a_second_answer(base):
    cards = run_json(base, "cards", "--deck", "Sample Deck")
    first = cards[0]["id"]
    data = run_json(base, "answer", str(first), "easy", "--time-ms", "1500")
    assert data["card_id"] == first
    assert (data["button"], data["button_name"]) == (4, "easy")
    assert (data["interval"], data["interval_secs"]) == ("4d", 4 * 86400)
    assert (data["type"], data["queue"], data["ivl"], data["factor"]) == (2, 2, 4, 2500)
    assert data["due"] == data["today"] + 4
    again = run(base, "answer", str(first), "good", check=False)
    assert again.returncode == 1
    assert "is not due: it is due in 4 day(s)" in again.stderr
    text = run(base, "answer", str(cards[1]["id"]), "3").stdout
    assert text.strip() == f"Card {cards[1]['id']}: Good, due again in 10m."
    assert revlog_rows(base)[0][1:] == (4, 0)
    assert run(base, "undo").stdout.strip() == "Undid: Answer Card"
    assert len(revlog_rows(base)) == 1


def test_answer_refuses_cards_held_back_by_a_limit_and_bad_buttons(base):
    cards = run_json(base, "cards", "--deck", "Sample Deck")
    assert run(base, "answer", str(cards[0]["id"]), "sideways", check=False).returncode == 2
    # The 21st new card of the deck is beyond today's new limit of 20.
    beyond = sorted(c["id"] for c in cards)[-1]
    proc = run(base, "answer", str(beyond), "good", "--deck", "Sample Deck", check=False)
    assert proc.returncode == 1
    assert "not due in today's session of deck 'Sample Deck'" in proc.stderr


def test_html_to_text():
    assert html_to_text("a<br>b<div>c</div>d") == "a\nb\nc\nd"
    assert html_to_text("Q\n\n<hr id=answer>\n\nA") == "Q\n\n" + "-" * 40 + "\n\nA"
    assert html_to_text("x [[type:Back]]") == "x [type your answer]"
    assert html_to_text("x [[type:Back]]", {"Back": "<b>Tokyo</b>"}) == "x Tokyo"
    assert html_to_text("[sound:a.mp3]H<sub>2</sub>O &amp; more&nbsp;") == "H2O & more"


def test_the_host_tells_plugins_about_answers_and_lets_them_change_states(base, monkeypatch):
    from dataclasses import replace

    from repetend.hooks.markers import hookimpl
    from repetend.host.app import Host

    monkeypatch.setenv("REPETEND_NO_FUZZ", "1")
    told = []

    class Plugin:
        @hookimpl
        def scheduling_will_answer(self, states, card, col):
            return replace(states, easy=replace(states.easy, scheduled_days=7))

        @hookimpl
        def scheduling_did_answer(self, card, button, col):
            told.append((card.id, button, card.ivl))

    with Host(base) as host:
        assert host.plugins.register_plugin(Plugin(), "test-plugin")
        shown = host.col.sched.get_next_card("Sample Deck")
        result = host.col.sched.answer_card(shown.card, "easy", shown.states)
    assert result.states_error is None
    assert told == [(shown.card.id, 4, 7)]


def test_study_says_when_the_collection_has_anki_fsrs_turned_on(base):
    assert "FSRS" not in run(base, "study", "Sample Deck", stdin="q\n").stdout
    with sqlite3.connect(base / "User 1" / "collection.db") as db:
        db.execute("INSERT OR REPLACE INTO config (key, value) "
                   "VALUES ('fsrs', 'true')")
    out = run(base, "study", "Sample Deck", stdin="q\n").stdout
    assert out.startswith("Note: FSRS is turned on for this collection")
    assert "schedules with SM-2" in out
