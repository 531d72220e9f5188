"""Scripts where answers are committed: `col.sched` with the built-in scripts plugin wired in
as the app wires it (the `collection` fixture), so what is shown and stored is the scripts'."""

import json
from dataclasses import replace

from repetend.core.scheduler.labels import format_interval
from repetend.hooks import hookimpl
from repetend.plugins.scripts import store
from repetend.plugins.scripts.journal import journal_path, read_journal
from repetend.plugins.scripts.runner import anki_seed, runner_for

GOOD_TO_99 = "if (states.good.normal?.review) states.good.normal.review.scheduledDays = 99;"
COUNT = ("customData.again.n = (customData.again.n || 0) + 1;\n"
         "customData.good.n = (customData.good.n || 0) + 10;")


def test_a_script_that_changes_good_changes_what_is_stored(col, review_card):
    store.set_global(col, GOOD_TO_99)
    card = review_card()
    result = col.sched.answer_card(card, "good")
    assert result.states_error is None
    assert col.get_card(card.id).ivl == 99


def test_the_buttons_show_the_scripts_intervals_and_those_are_committed(col, review_card):
    plain = col.sched.states_for(review_card()).good.scheduled_days
    store.set_global(col, "console.log('ran');\n" + GOOD_TO_99)
    queued = col.sched.get_next_card()
    assert queued.states.good.scheduled_days == 99
    assert queued.labels[2] == format_interval(99 * 86400) != format_interval(plain * 86400)
    col.sched.answer_card(queued.card, "good", states=queued.states)
    assert col.get_card(queued.card.id).ivl == 99
    # Shown once, committed without running again.
    assert len(runner_for(col).journal.records["global"].log) == 1


def test_answering_without_the_shown_states_runs_the_script_once_at_most(col, review_card):
    review_card()
    store.set_global(col, "console.log('ran');\n" + GOOD_TO_99)
    queued = col.sched.get_next_card()
    col.sched.answer_card(queued.card, "good")  # the result shown is remembered
    assert col.get_card(queued.card.id).ivl == 99
    assert runner_for(col).journal.records["global"].runs == 1


def test_custom_data_is_committed_with_the_chosen_button_and_read_back(col, review_card):
    store.set_global(col, COUNT)
    card = review_card(data={"cd": '{"n":5}'})
    col.sched.answer_card(card, "good")
    card = col.get_card(card.id)
    assert json.loads(card.data["cd"]) == {"n": 15}
    # The next answer starts from what was stored.
    card.queue, card.type, card.due = 2, 2, col.sched.timing().today
    col.update_card(card)
    col.sched.answer_card(col.get_card(card.id), "again")
    assert json.loads(col.get_card(card.id).data["cd"]) == {"n": 16}


def test_a_failing_script_commits_the_original_states_and_custom_data(col, review_card):
    card = review_card(data={"cd": '{"keep":1}'})
    plain = col.sched.states_for(card).good.scheduled_days
    store.set_global(col, "customData.good.x = 1;\nstates.good.normal.review.scheduledDays = 99;"
                     "\nnoSuchFunction();")
    result = col.sched.answer_card(card, "good")
    assert result.states_error is None  # the plugin kept the states; nothing was refused
    stored = col.get_card(card.id)
    assert stored.ivl == plain and stored.data["cd"] == '{"keep":1}'
    [error] = runner_for(col).journal.records["global"].errors
    assert (error["kind"], error["line"], error["card"]) == ("runtime", 3, card.id)
    assert "noSuchFunction" in error["message"]
    # Written to the profile at once, for `repetend script log`.
    saved = read_journal(journal_path(col.path))["global"]
    assert saved["failures"] == 1 and saved["errors"][0]["line"] == 3


def test_invalid_results_are_not_committed(col, review_card):
    card = review_card(data={"cd": '{"keep":1}'})
    plain = col.sched.states_for(card).good.scheduled_days
    store.set_global(col, "states.good.normal.review.scheduledDays = -1;\n"
                     "customData.good.x = 1;")
    col.sched.answer_card(card, "good")
    stored = col.get_card(card.id)
    assert stored.ivl == plain and stored.data["cd"] == '{"keep":1}'
    assert runner_for(col).journal.records["global"].errors[0]["kind"] == "invalid"


def test_ctx_has_the_home_deck_seed_and_clock(col, review_card):
    did = col.decks.id("Lang::Spanish")
    card = review_card(deck_id=did)
    store.set_global(col, "console.log(ctx.deckName, String(ctx.seed), ctx.today, "
                     "typeof ctx.now, ctx.nextDayStartsAt > ctx.now)")
    col.sched.answer_card(card, "good")
    [line] = runner_for(col).journal.records["global"].log
    assert line["text"] == (f"Lang::Spanish {anki_seed(card.id, card.reps)} "
                            f"{col.sched.timing().today} number true")


def test_add_on_transformers_run_before_the_scripts(col, review_card, register_plugin):
    class Cap:
        @hookimpl
        def scheduling_will_answer(self, states, card, col):
            good = replace(states.good, scheduled_days=30)
            return replace(states, good=good, custom_data={"good": '{"addon":1}'})

    register_plugin(Cap(), "cap")
    store.set_global(col, "console.log(states.good.normal.review.scheduledDays, "
                     "JSON.stringify(customData.good));\n"
                     "states.good.normal.review.scheduledDays += 1;")
    card = review_card()
    col.sched.answer_card(card, "good")
    stored = col.get_card(card.id)
    assert stored.ivl == 31 and stored.data["cd"] == '{"addon":1}'
    assert runner_for(col).journal.records["global"].log[0]["text"] == '30 {"addon":1}'


def test_named_scripts_run_in_the_configured_order(col, review_card):
    store.set_global(col, "states.good.normal.review.scheduledDays = 10;")
    store.set_named(col, "times2", "states.good.normal.review.scheduledDays *= 2;")
    store.set_named(col, "plus3", "states.good.normal.review.scheduledDays += 3;")
    assert store.load_config(col).order == ("global", "preset", "times2", "plus3")
    card = review_card()
    col.sched.answer_card(card, "good")
    assert col.get_card(card.id).ivl == 23
    store.set_order(col, ["plus3", "global", "times2"])
    card = review_card()
    col.sched.answer_card(card, "good")
    assert col.get_card(card.id).ivl == 20
    store.disable(col, "global")
    card = review_card()
    plain = col.sched.states_for(card).good.scheduled_days
    col.sched.answer_card(card, "good")
    assert col.get_card(card.id).ivl == (plain + 3) * 2


def test_a_failing_script_in_a_chain_is_skipped_and_the_others_run(col, review_card):
    store.set_order(col, [])
    store.set_named(col, "first", "states.good.normal.review.scheduledDays = 40;\n"
                    "customData.good.a = 1;")
    store.set_named(col, "broken", "customData.good.b = 2;\nthrow new Error('nope');")
    store.set_named(col, "last", "states.good.normal.review.scheduledDays += 1;")
    card = review_card()
    col.sched.answer_card(card, "good")
    stored = col.get_card(card.id)
    assert stored.ivl == 41 and stored.data["cd"] == '{"a":1}'
    records = runner_for(col).journal.records
    assert records["broken"].errors[0]["message"] == "Error: nope"
    assert records["first"].failures == records["last"].failures == 0


def test_a_preset_script_runs_only_for_decks_with_that_preset(col, review_card):
    conf = col.deck_config(1)
    conf.id, conf.name = 0, "Slow"
    slow = col.save_deck_config(conf)
    deck = col.decks.get(col.decks.id("Slow deck"))
    deck.config_id = slow.id
    col.decks.save(deck)
    store.set_preset(col, "Slow", GOOD_TO_99)
    in_slow, in_default = review_card(deck_id=deck.id), review_card()
    plain = col.sched.states_for(in_default).good.scheduled_days
    col.sched.answer_card(in_slow, "good", check_due=False)
    col.sched.answer_card(in_default, "good", check_due=False)
    assert col.get_card(in_slow.id).ivl == 99
    assert col.get_card(in_default.id).ivl == plain
    assert runner_for(col).journal.records["preset:Slow"].runs == 1


def test_scripts_changed_in_the_collection_take_effect_at_once(col, review_card):
    store.set_global(col, GOOD_TO_99)
    card = review_card()
    assert col.sched.get_next_card().states.good.scheduled_days == 99
    store.set_global(col, "")
    assert col.sched.get_next_card().states.good.scheduled_days == \
        col.sched.states_for(card).good.scheduled_days


def test_undo_restores_the_old_custom_data(col, review_card):
    store.set_global(col, COUNT)
    card = review_card(data={"cd": '{"n":1}'})
    col.sched.answer_card(card, "good")
    assert col.get_card(card.id).data["cd"] == '{"n":11}'
    col.sched.undo()
    assert col.get_card(card.id).data["cd"] == '{"n":1}'


def test_a_legacy_page_script_reads_the_rendered_question(col):
    note = col.new_note("Basic")
    note.fields = ["<b>Capital</b> of France?", "Paris"]
    [card] = col.add_note(note, deck_id=1)
    store.set_global(col, "console.log(document.getElementById('qa').innerText, "
                     "document.getElementById('deck').getAttribute('deck_name'))",
                     legacy_page=True)
    col.sched.get_next_card()
    [line] = runner_for(col).journal.records["global"].log
    assert line["text"] == "Capital of France? Default"


def test_the_journal_is_written_when_the_collection_closes(col, review_card, host):
    store.set_global(col, "console.log('hello from', ctx.deckName)")
    col.sched.answer_card(review_card(), "good")
    assert "global" not in read_journal(journal_path(col.path))
    host.collection_will_close(col)
    saved = read_journal(journal_path(col.path))["global"]
    assert saved["runs"] == 1 and saved["log"][0]["text"] == "hello from Default"


def test_the_desktop_reviewer_shows_and_stores_the_scripts_states_once(col, review_card, host):
    from repetend.plugins.reviewer.session import ReviewSession

    card = review_card()
    plain = col.sched.states_for(card).good.scheduled_days
    store.set_global(col, "states.good.normal.review.scheduledDays *= 2;")
    session = ReviewSession(col, host, 1)
    session.next_card()
    assert session.current.states.good.scheduled_days == 2 * plain
    assert session.current.labels[2] == format_interval(2 * plain * 86400)
    session.question_html()
    session.answer_html()  # shows the answer side
    session.answer(3)
    assert col.get_card(card.id).ivl == 2 * plain
    assert runner_for(col).journal.records["global"].runs == 1
